package flows

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// informalWords are the words that address one reader informally. "jullie"
// (a group) is not among them: the formal register keeps it.
var informalWords = []string{"je", "jij", "jou", "jouw", "jezelf", "jijzelf"}

// informalWordsIn returns the informal words text uses, as whole words,
// case-insensitively.
func informalWordsIn(text string) []string {
	var found []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w = strings.ToLower(w)
		if slices.Contains(informalWords, w) {
			found = append(found, w)
		}
	}
	return found
}

// forms returns the texts of t: the plural (or only) form, and the singular
// form of a table.
func (t catalogText) forms() []string {
	if t.by == "" {
		return []string{t.other}
	}
	return []string{t.other, t.one}
}

func sortedPlaceholders(text string) []string {
	p := Placeholders(text)
	slices.Sort(p)
	return slices.Compact(p)
}

func loadToneCatalogs(t *testing.T) (nl, nlu *Catalog) {
	t.Helper()
	nl = Catalogs()["nl"]
	data, err := os.ReadFile("catalog/nl-u.toml")
	if err != nil {
		t.Fatal(err)
	}
	nlu, err = ParseCatalog("nl-u", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(nlu.texts) == 0 {
		t.Fatal("nl-u.toml has no texts")
	}
	return nl, nlu
}

// TestToneFormalOverlay checks nl-u.toml, the formal register ("u") laid over
// nl.toml: same keys, same parameters and plural tables, no "je" left, and a
// formal text for every Dutch text that says "je".
func TestToneFormalOverlay(t *testing.T) {
	nl, nlu := loadToneCatalogs(t)
	bare := regexp.MustCompile(`overwegend bezwaar|overwegende bezwaren|bezwaarschrift`)

	for key, u := range nlu.texts {
		base, ok := nl.texts[key]
		if !ok {
			t.Errorf("nl-u has %q, which nl.toml does not have", key)
			continue
		}
		if u.by != base.by {
			t.Errorf("%s counts by %q in nl-u and by %q in nl", key, u.by, base.by)
			continue
		}
		uForms, baseForms := u.forms(), base.forms()
		for i := range uForms {
			if got, want := sortedPlaceholders(uForms[i]), sortedPlaceholders(baseForms[i]); !slices.Equal(got, want) {
				t.Errorf("%s (form %d) uses parameters %v in nl-u; in nl %v", key, i, got, want)
			}
			if w := informalWordsIn(uForms[i]); len(w) > 0 {
				t.Errorf("%s in nl-u still says %v: %q", key, w, uForms[i])
			}
			if rest := bare.ReplaceAllString(strings.ToLower(uForms[i]), ""); strings.Contains(rest, "bezwaar") {
				t.Errorf("%s in nl-u says %q: write \"overwegend bezwaar\", never the bare word (method.md §4)", key, uForms[i])
			}
		}
	}

	for key, base := range nl.texts {
		for _, text := range base.forms() {
			if w := informalWordsIn(text); len(w) > 0 && !nlu.Has(key) {
				t.Errorf("nl %s says %v but nl-u.toml has no formal text for it: %q", key, w, text)
				break
			}
		}
	}
}

func TestToneInformalWords(t *testing.T) {
	for text, want := range map[string]int{
		"Je doet mee.":              1,
		"Dank je, je antwoord":      2,
		"Wat heb JIJ nodig?":        1,
		"voor jou of jouw groep":    2,
		"Dank jullie wel.":          0,
		"knopje, jeugd, bijeen":     0,
		"_je_ en *jezelf*, jijzelf": 3,
	} {
		if got := informalWordsIn(text); len(got) != want {
			t.Errorf("informalWordsIn(%q) = %v, want %d words", text, got, want)
		}
	}
}
