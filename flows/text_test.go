package flows

import "testing"

func TestCleanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ann", "Ann"},
		{"  Ann \t de\nVries ", "Ann de Vries"},
		{"Ann\x00\x1b[31m", "Ann [31m"},
		{"\u200e", ""},                     // a lone left-to-right mark is no name
		{"\u200b\ufeff\u2060", ""},         // zero-width space, BOM, word joiner
		{"\u3164", ""},                     // Hangul filler
		{"\u202eAnn\u202c", "Ann"},         // right-to-left override
		{"Ann\u2067gpj.exe", "Anngpj.exe"}, // isolate
		{"\u200fسارا", "سارا"},             // right-to-left text stays, its stray mark goes
		{"می\u200cخواهم", "می\u200cخواهم"}, // zero-width non-joiner inside a Persian word
		{"👩\u200d💻 Ann", "👩\u200d💻 Ann"},   // an emoji sequence keeps its joiner
		{"Ann \u200b Bob", "Ann Bob"},
	}
	for _, tt := range tests {
		if got := cleanName(tt.in); got != tt.want {
			t.Errorf("cleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Mijn zorg", "Mijn zorg"},
		{"regel 1\r\nregel 2\rregel 3", "regel 1\nregel 2\nregel 3"},
		{"tab\there\x00\x07\x1b", "tab\there"},
		{"\u200e\u200b \n", ""},
		{"\u202eegassem\u202c eht", "egassem eht"},
		{"\u2066x\u2069", "x"},
		{"שלום עולם", "שלום עולם"},
		{"می\u200cخواهم", "می\u200cخواهم"},
		{"<b>vet</b> *ster* @everyone", "<b>vet</b> *ster* @everyone"}, // escaping is the renderer's work
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
