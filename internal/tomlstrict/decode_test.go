package tomlstrict

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// validTemplate uses every form the package supports: top-level keys,
// headers, implied tables, dotted keys, inline tables, arrays of tables,
// inline arrays of inline tables and multi-line strings.
const validTemplate = `# A miniature process template.
name = "Consent round"

[settings]
quorum = 1          # an integer is a fine float
silence = 'no-consent'
min_people = 3
starts = 2024-05-01

[kinds.intro]
prompt.nl = "Welkom"
prompt.en = """
Welcome,
everyone."""
deadline = "48h"
reminders = ["12h", "1d"]
announce = true
show = ["rules", 'kaders']

[kinds.vote]
prompt = { nl = "Stem", en = '''Vote \o/''' }
anonymity = "full"
sizes = [1, 0x10, 1_000]
deadline = "3d"

[kinds."open round"]

[[steps]]
kind = "intro"

[[steps]]
kind = "vote"
scope = "all"
weight = -128
limit = 9_223_372_036_854_775_807
`

func wantValidTemplate() testTemplate {
	three := 3
	return testTemplate{
		Name: "Consent round",
		Settings: testSettings{
			Quorum:    1,
			Silence:   "no-consent",
			MinPeople: &three,
			Starts:    "2024-05-01",
		},
		Kinds: map[string]*testKind{
			"intro": {
				Prompt:    map[string]string{"nl": "Welkom", "en": "Welcome,\neveryone."},
				Deadline:  testDuration(48 * time.Hour),
				Reminders: []testDuration{testDuration(12 * time.Hour), testDuration(24 * time.Hour)},
				Announce:  true,
				Show:      []string{"rules", "kaders"},
			},
			"vote": {
				Prompt:    map[string]string{"nl": "Stem", "en": `Vote \o/`},
				Anonymity: "full",
				Sizes:     []int{1, 16, 1000},
				Deadline:  testDuration(72 * time.Hour),
			},
			"open round": {},
		},
		Steps: []testStep{
			{Kind: "intro"},
			{Kind: "vote", Scope: "all", Weight: -128, Limit: 1<<63 - 1},
		},
	}
}

func TestDecodeValid(t *testing.T) {
	var got testTemplate
	_, problems := Decode([]byte(validTemplate), &got)
	if len(problems) > 0 {
		t.Fatalf("got problems %q, want none", strs(problems))
	}
	if want := wantValidTemplate(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}

func TestDecodeInlineForms(t *testing.T) {
	// The same steps and kinds, written inline instead of with headers.
	doc := `kinds = { intro = { prompt = { nl = "Welkom" }, reminders = [] } }
steps = [
  { kind = "intro" },
  { kind = "vote", scope = "all" },
]
settings.silence = "consent"
`
	var got testTemplate
	_, problems := Decode([]byte(doc), &got)
	if len(problems) > 0 {
		t.Fatalf("got problems %q, want none", strs(problems))
	}
	want := testTemplate{
		Settings: testSettings{Silence: "consent"},
		Kinds:    map[string]*testKind{"intro": {Prompt: map[string]string{"nl": "Welkom"}, Reminders: []testDuration{}}},
		Steps:    []testStep{{Kind: "intro"}, {Kind: "vote", Scope: "all"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}

// decodeProblemCases are documents with problems and every problem, in
// line order, that Decode must report for them. They also seed FuzzDecode.
var decodeProblemCases = []struct {
	name string
	doc  string
	want []string
}{
	{
		name: "unknown key, wrong type, bad duration and duplicate key, in line order",
		doc: `name = "x"
[kinds.intro]
promt.nl = "Hallo"
deadline = 5
reminders = ["1h", "soon"]
anonymity = "full"
anonymity = "none"
`,
		want: []string{
			`line 3: unknown key "promt" in [kinds.intro] (did you mean "prompt"?)`,
			`line 4: key "deadline" must be text (a string), not a number`,
			`line 5: item 2 of "reminders": "soon" is not a duration: write it like 48h, 90m or 3d`,
			`line 7: key "anonymity" is defined twice (first at line 6)`,
		},
	},
	{
		name: "keeps decoding after each problem",
		doc: `name = 1
nam = "x"
[settings]
quorum = "half"
silence = true
min_people = 2.5
public = "yes"
`,
		want: []string{
			`line 1: key "name" must be text (a string), not a number`,
			`line 2: unknown key "nam" (did you mean "name"?)`,
			`line 4: key "quorum" must be a number, not text`,
			`line 5: key "silence" must be text (a string), not true or false`,
			`line 6: key "min_people" must be a whole number, not 2.5`,
			`line 7: key "public" must be true or false, not text`,
		},
	},
	{
		name: "a table where text is expected and the other way round",
		doc: `[name]
x = 1
[kinds.intro]
prompt = "Hallo"
anonymity.level = "full"
`,
		want: []string{
			`line 1: key "name" must be text (a string), not a table`,
			`line 4: key "prompt" must be a table, not text`,
			`line 5: key "anonymity" must be text (a string), not a table`,
		},
	},
	{
		name: "lists and tables of the wrong kind",
		doc: `settings = [1, 2]
kinds = "intro"
[[name]]
steps = { kind = "intro" }
`,
		want: []string{
			`line 1: key "settings" must be a table, not a list`,
			`line 2: key "kinds" must be a table, not text`,
			`line 3: key "name" must be text (a string), not a list of tables`,
		},
	},
	{
		name: "numbers that do not fit",
		doc: `[[steps]]
weight = 128
limit = 9_223_372_036_854_775_808
[[steps]]
weight = -129
[settings]
quorum = 1e400
[kinds.k]
sizes = [1, "two", 3.5]
`,
		want: []string{
			`line 2: key "weight" must be a whole number from -128 to 127, not 128`,
			`line 3: key "limit" must be a whole number from -9223372036854775808 to 9223372036854775807, not 9_223_372_036_854_775_808`,
			`line 5: key "weight" must be a whole number from -128 to 127, not -129`,
			`line 7: key "quorum": 1e400 is too large a number`,
			`line 9: item 2 of "sizes" must be a whole number, not text`,
			`line 9: item 3 of "sizes" must be a whole number, not 3.5`,
		},
	},
	{
		name: "unknown keys in arrays of tables and inline tables",
		doc: `[[steps]]
kind = "a"
[[steps]]
knd = "b"
[kinds.x]
prompt = { nl = "a" }
deadline = { hours = 3 }
`,
		want: []string{
			`line 4: unknown key "knd" in item 2 of [[steps]] (did you mean "kind"?)`,
			`line 7: key "deadline" must be text (a string), not a table`,
		},
	},
	{
		name: "multi-line list elements are reported at their own line",
		doc: `[kinds.x]
reminders = [
  "1h",
  "2 hours",
  3,
]
`,
		want: []string{
			`line 4: item 2 of "reminders": "2 hours" is not a duration: write it like 48h, 90m or 3d`,
			`line 5: item 3 of "reminders" must be text (a string), not a number`,
		},
	},
	{
		name: "dates: text when real, a problem otherwise",
		doc: `[settings]
starts = 2024-02-30
silence = 10:00:00
quorum = 2024-01-01
`,
		want: []string{
			`line 2: key "starts": 2024-02-30 is not a real date or time`,
			`line 4: key "quorum" must be a number, not a date`,
		},
	},
	{
		name: "table defined twice, and its repeated key",
		doc: `[kinds.intro]
anonymity = "full"
[kinds.intro]
anonymity = "none"
unknown = 1
`,
		want: []string{
			`line 3: table [kinds.intro] is defined twice (first at line 1)`,
			`line 4: key "anonymity" is defined twice (first at line 2)`,
			`line 5: unknown key "unknown" in [kinds.intro]`,
		},
	},
	{
		name: "syntax error at its line, after the problems before it",
		doc: `nme = "x"
[settings]
quorum = 0.5
silence = consent
name = "never read"
`,
		want: []string{
			`line 1: unknown key "nme" (did you mean "name"?)`,
			`line 4: syntax error: unexpected character U+0063 'c' at start of value`,
		},
	},
	{
		name: "syntax error in a header",
		doc:  "name = \"x\"\n\n[kinds.intro\nprompt.nl = \"a\"\n",
		want: []string{`line 3: syntax error: expected ']' to close table name`},
	},
	{
		name: "unknown table names no close key",
		doc:  "[colours]\nred = 1\n",
		want: []string{`line 1: unknown key "colours"`},
	},
}

func TestDecodeProblems(t *testing.T) {
	for _, tc := range decodeProblemCases {
		t.Run(tc.name, func(t *testing.T) {
			var v testTemplate
			_, problems := Decode([]byte(tc.doc), &v)
			got := strings.Join(strs(problems), "\n")
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("got %q,\nwant %q", got, want)
			}
		})
	}
}

func TestDecodeProblemKeysAndColumns(t *testing.T) {
	doc := `[kinds.intro]
prompt.nl = "a"
deadline = "never"
[[steps]]
scope = 1
[kinds."open round"]
promt = "b"
`
	var v testTemplate
	_, problems := Decode([]byte(doc), &v)
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Column, p.Key))
	}
	want := []string{
		"3:12 kinds.intro.deadline", // the value, as the duration's own error is about it
		"5:1 steps[0].scope",
		`7:1 kinds."open round".promt`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDecodeLeavesBadPointersNil(t *testing.T) {
	var v testTemplate
	Decode([]byte("[settings]\nmin_people = \"three\"\npublic = true\n"), &v)
	if v.Settings.MinPeople != nil {
		t.Errorf("got min_people %v, want nil", *v.Settings.MinPeople)
	}
	if v.Settings.Public == nil || !*v.Settings.Public {
		t.Errorf("got public %v, want true", v.Settings.Public)
	}
}

func TestDecodeKeepsDefaults(t *testing.T) {
	v := testTemplate{
		Name:     "default",
		Settings: testSettings{Silence: "consent", Quorum: 0.5},
		Kinds:    map[string]*testKind{"intro": {Anonymity: "none"}},
	}
	_, problems := Decode([]byte("[settings]\nquorum = 0.6\n[kinds.intro]\nannounce = true\n"), &v)
	if len(problems) > 0 {
		t.Fatalf("got problems %q, want none", strs(problems))
	}
	want := testTemplate{
		Name:     "default",
		Settings: testSettings{Silence: "consent", Quorum: 0.6},
		Kinds:    map[string]*testKind{"intro": {Anonymity: "none", Announce: true}},
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v, want %+v", v, want)
	}
}

func TestDecodeFieldNames(t *testing.T) {
	type embedded struct {
		Shared string `toml:"shared"`
	}
	type target struct {
		embedded
		Plain   string
		Renamed string `toml:"other_name,omitempty"`
		Skipped string `toml:"-"`
		//lint:ignore U1000 it is here to show that unexported fields are never decoded
		private  string
		Nested   struct{ Deep int }
		Names    map[string]int
		Pointers []*embedded
	}
	doc := `shared = "s"
plain = "p"
other_name = "r"
nested.deep = 7
names = { a = 1, "b c" = 2 }
pointers = [{ shared = "x" }]
Plain = "no"
skipped = "no"
private = "no"
`
	var got target
	_, problems := Decode([]byte(doc), &got)
	want := target{embedded: embedded{"s"}, Plain: "p", Renamed: "r", Names: map[string]int{"a": 1, "b c": 2}, Pointers: []*embedded{{"x"}}}
	want.Nested.Deep = 7
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	wantProblems := []string{
		`line 7: unknown key "Plain" (did you mean "plain"?)`,
		`line 8: unknown key "skipped"`,
		`line 9: unknown key "private"`,
	}
	if g, w := fmt.Sprint(strs(problems)), fmt.Sprint(wantProblems); g != w {
		t.Errorf("got %q, want %q", g, w)
	}
}

func TestDecodePanicsOnProgrammingErrors(t *testing.T) {
	var ok testTemplate
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"not a pointer", ok, "tomlstrict: Decode needs a non-nil pointer to a struct, not tomlstrict.testTemplate"},
		{"nil pointer", (*testTemplate)(nil), "tomlstrict: Decode needs a non-nil pointer to a struct, not *tomlstrict.testTemplate"},
		{"pointer to a map", &map[string]string{}, "tomlstrict: Decode needs a non-nil pointer to a struct, not *map[string]string"},
		{"interface field", &struct{ A any }{}, "tomlstrict: struct { A interface {} }.A: cannot decode TOML into a field of type interface {}"},
		{"array field", &struct{ A [2]int }{}, "tomlstrict: struct { A [2]int }.A: cannot decode TOML into a field of type [2]int"},
		{"map keyed by numbers", &struct{ A map[int]string }{}, "tomlstrict: struct { A map[int]string }.A: map keys must be strings, not int"},
		{"nested bad field", &struct{ S []struct{ C chan int } }{}, "tomlstrict: struct { C chan int }.C: cannot decode TOML into a field of type chan int"},
		{"two fields for one key", &struct {
			A string `toml:"x"`
			B string `toml:"x"`
		}{}, `tomlstrict: struct { A string "toml:\"x\""; B string "toml:\"x\"" } has two fields for the key "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if got := fmt.Sprint(recover()); got != tc.want {
					t.Errorf("got panic %q, want %q", got, tc.want)
				}
			}()
			Decode(nil, tc.v) // the empty document: the type alone must panic
		})
	}
}

func TestDecodeRecursiveType(t *testing.T) {
	type tree struct {
		Name     string
		Children []*tree
	}
	var got tree
	_, problems := Decode([]byte(`name = "a"
children = [{ name = "b", children = [{ name = "c" }] }]
`), &got)
	if len(problems) > 0 {
		t.Fatalf("got problems %q, want none", strs(problems))
	}
	if c := got.Children[0].Children[0].Name; c != "c" {
		t.Errorf("got %q, want %q", c, "c")
	}

	deep := "children = " + strings.Repeat("[{children = ", maxDepth) + "[]" + strings.Repeat("}]", maxDepth) + "\n"
	_, problems = Decode([]byte(deep), &tree{})
	if len(problems) != 1 || !strings.HasSuffix(problems[0].Message, "is nested too deeply") {
		t.Errorf("got %q, want one problem about nesting", strs(problems))
	}
}

func TestDecodeLineEndingsAndByteOrderMark(t *testing.T) {
	doc := "\uFEFFname = \"x\"\r\n\r\n[settings]\r\nsilence = 1\r\nquorum = \"\"\"\r\na\r\nb\"\"\"\r\nbad = 2\r\n"
	var v testTemplate
	_, problems := Decode([]byte(doc), &v)
	got := strings.Join(strs(problems), "\n")
	want := "line 4: key \"silence\" must be text (a string), not a number\n" +
		"line 5: key \"quorum\" must be a number, not text\n" +
		"line 8: unknown key \"bad\" in [settings]"
	if got != want {
		t.Errorf("got %q,\nwant %q", got, want)
	}
	if v.Name != "x" {
		t.Errorf("got name %q, want %q", v.Name, "x")
	}
}

func TestDecodeNumberKinds(t *testing.T) {
	type numbers struct {
		U   uint8
		U64 uint64
		F   float32
		I   int
		Big float64
	}
	var got numbers
	_, problems := Decode([]byte("u = 255\nu64 = 0x7FFF_FFFF_FFFF_FFFF\nf = 1.5\ni = -3\nbig = 9_007_199_254_740_993\n"), &got)
	want := numbers{U: 255, U64: 1<<63 - 1, F: 1.5, I: -3, Big: 9007199254740992}
	if len(problems) > 0 || got != want {
		t.Errorf("got %+v, %q, want %+v", got, strs(problems), want)
	}

	_, problems = Decode([]byte("u = 256\nu64 = -1\nf = 1e39\ni = 1.0\n"), &got)
	gotText := strings.Join(strs(problems), "\n")
	wantText := strings.Join([]string{
		`line 1: key "u" must be a whole number from 0 to 255, not 256`,
		`line 2: key "u64" must be a whole number from 0 to 9223372036854775807, not -1`,
		`line 3: key "f": 1e39 is too large a number`,
		`line 4: key "i" must be a whole number, not 1.0`,
	}, "\n")
	if gotText != wantText {
		t.Errorf("got %q,\nwant %q", gotText, wantText)
	}
	if got != want {
		t.Errorf("values that do not fit changed the fields: got %+v, want %+v", got, want)
	}
}
