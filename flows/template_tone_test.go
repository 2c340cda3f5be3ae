package flows

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// templateTexts returns every Text in v (a template, or any part of one),
// keyed by where it sits: "kinds.intro.prompt", "kinds.intake.questions[0]".
// It walks the value by reflection, so a Text field added to a template
// later is checked too.
func templateTexts(v reflect.Value, at string, into map[string]Text) {
	if v.Type() == reflect.TypeOf(Text{}) {
		if v.Len() > 0 {
			into[at] = v.Interface().(Text)
		}
		return
	}
	join := func(name string) string {
		if at == "" {
			return name
		}
		return at + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			templateTexts(v.Elem(), at, into)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" {
				name = f.Name
			}
			templateTexts(v.Field(i), join(name), into)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			templateTexts(v.Index(i), fmt.Sprintf("%s[%d]", at, i), into)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			templateTexts(v.MapIndex(k), join(fmt.Sprint(k.Interface())), into)
		}
	}
}

// TestBuiltinTemplatesFormalTone checks the built-in templates for the u tone:
// every Dutch text that says je/jij/jou/jouw has a formal "nl-u" variant
// (a process in the u tone shows it; Text.In falls back to "nl"), and no
// nl-u variant still says je.
func TestBuiltinTemplatesFormalTone(t *testing.T) {
	formal := LocaleOf("nl", ToneU)
	bare := regexp.MustCompile(`overwegend bezwaar|overwegende bezwaren|bezwaarschrift`)
	files := BuiltinTemplateFiles()
	if len(files) == 0 {
		t.Fatal("found no built-in templates")
	}
	for _, name := range sortedKeys(files) {
		tpl, problems := ParseTemplate(name, files[name], nil)
		if len(problems) > 0 {
			t.Errorf("%s: %v", name, problems)
			continue
		}
		texts := map[string]Text{}
		templateTexts(reflect.ValueOf(tpl), "", texts)
		if len(texts) == 0 {
			t.Errorf("%s: found no texts to check", name)
		}
		for _, key := range sortedKeys(texts) {
			text := texts[key]
			nl, u := text["nl"], text[formal]
			if w := informalWordsIn(nl); len(w) > 0 && strings.TrimSpace(u) == "" {
				t.Errorf("%s: %s.nl says %v but has no %s variant: add %s.%s = \"…\" (%q)", name, key, w, formal, key, formal, nl)
			}
			if u == "" {
				continue
			}
			if w := informalWordsIn(u); len(w) > 0 {
				t.Errorf("%s: %s.%s still says %v: %q", name, key, formal, w, u)
			}
			if rest := bare.ReplaceAllString(strings.ToLower(u), ""); strings.Contains(rest, "bezwaar") {
				t.Errorf("%s: %s.%s says %q: write \"overwegend bezwaar\", never the bare word (method.md §4)", name, key, formal, u)
			}
		}
	}
}

// The walk finds texts in every place a template keeps them.
func TestTemplateTextsWalk(t *testing.T) {
	tpl := &Template{
		Title:    Text{"nl": "titel"},
		Settings: TemplateSettings{Rules: Text{"nl": "regels"}},
		Kinds: map[string]*Kind{
			"intake": {Prompt: Text{"nl": "vraag"}, Questions: []Text{{"nl": "een"}, {"nl": "twee"}}},
		},
	}
	texts := map[string]Text{}
	templateTexts(reflect.ValueOf(tpl), "", texts)
	got := sortedKeys(texts)
	want := []string{"kinds.intake.prompt", "kinds.intake.questions[0]", "kinds.intake.questions[1]", "settings.rules", "title"}
	if !slices.Equal(got, want) {
		t.Errorf("texts at %v, want %v", got, want)
	}
}
