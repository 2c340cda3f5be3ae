package telegramtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run gen_api.go -in ../../../../shared/research/telegram-bot-api.json -out botapi.json

// botAPIJSON is the compact Bot API description written by gen_api.go: for
// every method, its parameters with their types and whether they are
// required.
//
//go:embed botapi.json
var botAPIJSON []byte

// apiField is one parameter of a Bot API method.
type apiField struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`
	Required bool     `json:"required"`
}

// apiMethod is one Bot API method.
type apiMethod struct {
	Name   string // as the Bot API spells it, e.g. "sendMessage"
	Fields map[string]apiField
}

// apiSpec is the parsed botapi.json.
type apiSpec struct {
	Version string
	methods map[string]*apiMethod // by lower-case name: method names are case-insensitive
}

var (
	specOnce sync.Once
	spec     *apiSpec
)

// botAPI returns the parsed, embedded Bot API description.
func botAPI() *apiSpec {
	specOnce.Do(func() {
		var raw struct {
			Version string                `json:"version"`
			Methods map[string][]apiField `json:"methods"`
		}
		if err := json.Unmarshal(botAPIJSON, &raw); err != nil {
			panic("telegramtest: botapi.json: " + err.Error())
		}
		spec = &apiSpec{Version: raw.Version, methods: make(map[string]*apiMethod, len(raw.Methods))}
		for name, fields := range raw.Methods {
			m := &apiMethod{Name: name, Fields: make(map[string]apiField, len(fields))}
			for _, f := range fields {
				m.Fields[f.Name] = f
			}
			spec.methods[strings.ToLower(name)] = m
		}
		// Parameters the current Bot API no longer lists but the real server
		// still accepts, and that clients send. go-telegram/bot v1.19.0
		// (Bot API 9.4) always sends correct_option_id in sendPoll (no
		// omitempty) and sticker_set_name in deleteChatStickerSet;
		// reply_to_message_id is the pre-7.0 form of reply_parameters.
		legacy := map[string][]apiField{
			"sendPoll":             {{Name: "correct_option_id", Types: []string{"Integer"}}},
			"deleteChatStickerSet": {{Name: "sticker_set_name", Types: []string{"String"}}},
		}
		for _, name := range []string{"sendMessage", "sendDocument", "sendPhoto", "sendAudio", "sendVideo",
			"sendAnimation", "sendVoice", "sendVideoNote", "sendSticker", "sendPoll", "sendLocation",
			"sendVenue", "sendContact", "sendDice", "copyMessage"} {
			legacy[name] = append(legacy[name],
				apiField{Name: "reply_to_message_id", Types: []string{"Integer"}},
				apiField{Name: "allow_sending_without_reply", Types: []string{"Boolean"}})
		}
		for name, fields := range legacy {
			m := spec.methods[strings.ToLower(name)]
			if m == nil {
				panic("telegramtest: botapi.json has no method " + name)
			}
			for _, f := range fields {
				if _, ok := m.Fields[f.Name]; !ok {
					m.Fields[f.Name] = f
				}
			}
		}
	})
	return spec
}

// method looks a method up by name, ignoring case as the Bot API does.
func (s *apiSpec) method(name string) *apiMethod {
	return s.methods[strings.ToLower(name)]
}

// param is one request parameter, from whichever encoding the request used.
type param struct {
	// text is the value as a string: a form value, or for a JSON body the
	// content of a JSON string or the JSON text of any other value.
	text string
	// json is the raw JSON value if the request body was JSON.
	json json.RawMessage
	// file is set for a multipart file part.
	file *upload
}

// upload is a file sent as a multipart file part.
type upload struct {
	name string
	size int64
}

// jsonKind is the first byte of a JSON-body parameter, or 0 for a form value.
func (p param) jsonKind() byte {
	if len(p.json) == 0 {
		return 0
	}
	return p.json[0]
}

// validate checks params against the method's description and returns a
// description of the first problem, or "".
func (m *apiMethod) validate(params map[string]param) string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, ok := m.Fields[name]
		if !ok {
			if len(m.Fields) == 0 {
				return fmt.Sprintf("unknown parameter %q: %s takes no parameters", name, m.Name)
			}
			return fmt.Sprintf("unknown parameter %q (%s has: %s)", name, m.Name, m.fieldList())
		}
		p := params[name]
		if !valueHasType(p, f.Types) {
			shown := p.text
			if p.file != nil {
				shown = "file " + p.file.name
			} else if len(shown) > 80 {
				shown = shown[:80] + "…"
			}
			return fmt.Sprintf("parameter %q must be %s, got %q", name, strings.Join(f.Types, " or "), shown)
		}
	}
	var missing []string
	for _, f := range m.Fields {
		if f.Required {
			if _, ok := params[f.Name]; !ok {
				missing = append(missing, f.Name)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Sprintf("missing required parameter %s", quoteAll(missing))
	}
	return ""
}

func (m *apiMethod) fieldList() string {
	names := make([]string, 0, len(m.Fields))
	for name := range m.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// valueHasType reports whether p is a valid value for one of types.
func valueHasType(p param, types []string) bool {
	for _, t := range types {
		if valueIs(p, t) {
			return true
		}
	}
	return false
}

func valueIs(p param, typ string) bool {
	if p.file != nil {
		return typ == "InputFile"
	}
	k := p.jsonKind()
	scalar := k == 0 || k == '"' || k == '-' || (k >= '0' && k <= '9') || k == 't' || k == 'f'
	switch {
	case typ == "String":
		return scalar
	case typ == "Integer":
		if !scalar {
			return false
		}
		_, err := strconv.ParseInt(strings.TrimSpace(p.text), 10, 64)
		return err == nil
	case typ == "Float":
		if !scalar {
			return false
		}
		_, err := strconv.ParseFloat(strings.TrimSpace(p.text), 64)
		return err == nil
	case typ == "Boolean":
		if !scalar {
			return false
		}
		_, ok := parseBool(p.text)
		return ok
	case typ == "InputFile":
		// A file_id, an HTTP URL or attach://<part name>.
		return (k == 0 || k == '"') && p.text != ""
	case strings.HasPrefix(typ, "Array of "):
		return jsonValueStarts(p, '[')
	default:
		// An object type: InlineKeyboardMarkup, ReplyParameters, …
		return jsonValueStarts(p, '{')
	}
}

// jsonValueStarts reports whether p holds valid JSON starting with open:
// a form value containing JSON text, a JSON-body value of that kind, or a
// JSON-body string containing such JSON (the real server accepts all three).
func jsonValueStarts(p param, open byte) bool {
	text := []byte(p.text)
	if k := p.jsonKind(); k != 0 && k != '"' {
		text = p.json
	}
	text = bytes.TrimSpace(text)
	return len(text) > 0 && text[0] == open && json.Valid(text)
}

// jsonText returns the JSON text of an object or array parameter.
func (p param) jsonText() []byte {
	if k := p.jsonKind(); k != 0 && k != '"' {
		return p.json
	}
	return []byte(p.text)
}

func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}
