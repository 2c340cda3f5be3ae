package flows

import (
	"os"
	"strings"
	"testing"
)

func TestBuiltinTemplatesAreValid(t *testing.T) {
	files := BuiltinTemplateFiles()
	if len(files) < 2 {
		t.Fatalf("found %d built-in templates, want the full and the short one", len(files))
	}
	for name, data := range files {
		if _, problems := ParseTemplate(name, data, testEnv(t0).ValidZone); len(problems) > 0 {
			t.Errorf("%s: %v", name, problems)
		}
	}
	all := BuiltinTemplates(nil)
	full := all[DefaultTemplate]
	if full == nil || all["kort"] == nil {
		t.Fatalf("templates %v lack samenlevingsproces or kort", sortedKeys(all))
	}
	var steps []string
	for _, s := range full.Steps {
		steps = append(steps, s.Kind)
	}
	if got, want := strings.Join(steps, " "), "opening intro questions concerns reflect ideas proposals closing evaluation"; got != want {
		t.Errorf("full process steps %q, want %q", got, want)
	}
}

// A kind that exists only in a template works with no Go change.
func TestTemplateAddsKind(t *testing.T) {
	data, err := os.ReadFile("testdata/gratitude.toml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, problems := ParseTemplate("gratitude.toml", data, nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	p := &Process{}
	must(t, p, Create{Actor: actor("fay", "fay", true), ID: "P3", Title: "Dank", Template: tpl})
	must(t, p, Link{Actor: actor("fay", "ga", false), Name: "A"})
	must(t, p, Link{Actor: actor("fay", "gb", false), Name: "B"})
	must(t, p, AcceptRules{Actor: actor("ann", "ga", false), Group: "g1"})
	must(t, p, OpenRound{Actor: actor("fay", "ga", false), Kind: "gratitude", Scope: ScopeAll})
	r := p.Round(1)
	if r.Def.Relay != RelayAuto || r.Def.Anonymity != AnonFull || r.Deadline.Sub(t0).Hours() != 36 {
		t.Fatalf("round %+v does not take its settings from the template", r.Def)
	}
	must(t, p, StartPrivateAnswer{Actor: actor("ann", "ga", false), Round: 1})
	must(t, p, GiveAnswer{Actor: actor("ann", "ann", true), Round: 1, Text: "Dank aan de buren"})
	d := must(t, p, Close{Actor: actor("fay", "ga", false)})
	relayed := 0
	for _, m := range d.Messages {
		if m.Lines[0].Key == MsgSummaryHeader {
			relayed++
		}
	}
	if relayed != 2 || !p.Round(1).Relayed {
		t.Errorf("relay = \"auto\" relayed to %d chats (relayed=%v), want 2 at once", relayed, p.Round(1).Relayed)
	}
}

func TestTemplateProblemsHaveLines(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"unknown key, wrong type, missing prompt", "testdata/broken.toml", []string{
			`broken.toml:10: unknown key "relais" in [kinds.intro] (did you mean "relay"?)`,
			`broken.toml:11: key "deadline" must be text (a string), not a number`,
			`broken.toml:13: kind "concerns" has no prompt: add prompt.nl and prompt.en`,
		}},
		{"syntax error", "testdata/syntax.toml", []string{
			`syntax.toml:5: syntax error`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			_, problems := ParseTemplate(strings.TrimPrefix(tt.file, "testdata/"), data, nil)
			if len(problems) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(problems), len(tt.want), problems)
			}
			for i, want := range tt.want {
				if got := problems[i].String(); !strings.HasPrefix(got, want) {
					t.Errorf("problem %d:\n got %q\nwant %q…", i+1, got, want)
				}
			}
		})
	}
}
