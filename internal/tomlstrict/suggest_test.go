package tomlstrict

import "testing"

func TestSuggest(t *testing.T) {
	known := []string{"name", "prompt", "deadline", "reminders", "anonymity", "title", "id"}
	for unknown, want := range map[string]string{
		"promt":     "prompt",   // a letter left out
		"prompts":   "prompt",   // one too many
		"tilte":     "title",    // two letters swapped
		"Prompt":    "prompt",   // case
		"dedline":   "deadline", //
		"remindres": "reminders",
		"anonimity": "anonymity",
		"nmae":      "name",
		"colour":    "", // nothing close
		"x":         "", // "id" is two edits away, but so is anything
		"":          "",
	} {
		if got := suggest(unknown, known); got != want {
			t.Errorf("suggest(%q): got %q, want %q", unknown, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "", 3}, {"", "ab", 2},
		{"kitten", "sitting", 3}, {"ab", "ba", 1}, {"ca", "abc", 3}, {"éa", "aé", 1},
	} {
		if got := editDistance([]rune(tc.a), []rune(tc.b)); got != tc.want {
			t.Errorf("editDistance(%q, %q): got %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
