package tomlstrict

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// What Go types can be decoded into is decided once per type, before any
// decoding: an unsupported field is a programming error, and it should fail
// the first test that decodes anything, not only documents that happen to
// use the field.

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// isTextType reports whether values of t decode from text through
// UnmarshalText (on *t, as it must change the value).
func isTextType(t reflect.Type) bool {
	return t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshalerType)
}

// structInfo maps a struct's TOML keys to its fields.
type structInfo struct {
	fields map[string][]int // key → field index path (embedded structs add steps)
	names  []string         // keys in declaration order, for suggestions
}

var (
	structInfos  sync.Map // reflect.Type → *structInfo
	checkedTypes sync.Map // reflect.Type → struct{}: checkType found no problem
)

// infoOf returns the key-to-field map of a struct type checked by checkType.
func infoOf(t reflect.Type) *structInfo {
	if info, ok := structInfos.Load(t); ok {
		return info.(*structInfo)
	}
	info := &structInfo{fields: map[string][]int{}}
	collectFields(t, nil, info)
	actual, _ := structInfos.LoadOrStore(t, info)
	return actual.(*structInfo)
}

// collectFields adds the fields of t, whose index path is prefix, to info.
// A field's key is its `toml:"name"` tag (options after a comma are
// ignored), or its name lower-cased; `toml:"-"` and unexported fields are
// skipped. An embedded struct without a tag has its fields promoted, as in
// encoding/json.
func collectFields(t reflect.Type, prefix []int, info *structInfo) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("toml")
		name, _, _ := strings.Cut(tag, ",")
		index := append(append([]int(nil), prefix...), i)
		if f.Anonymous && !hasTag && f.Type.Kind() == reflect.Struct {
			collectFields(f.Type, index, info)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if _, dup := info.fields[name]; dup {
			panic(fmt.Sprintf("tomlstrict: %s has two fields for the key %q", t, name))
		}
		info.fields[name] = index
		info.names = append(info.names, name)
	}
}

// checkType panics, naming the field, if t holds anything Decode cannot
// fill: interfaces, channels, funcs, arrays, complex numbers, maps keyed by
// something other than a string.
func checkType(t reflect.Type) {
	if _, ok := checkedTypes.Load(t); ok {
		return
	}
	checkTypeAt(t, t.String(), map[reflect.Type]bool{})
	checkedTypes.Store(t, struct{}{})
}

func checkTypeAt(t reflect.Type, where string, seen map[reflect.Type]bool) {
	if seen[t] {
		return // a recursive type: its other fields are being checked already
	}
	seen[t] = true
	if isTextType(t) {
		return
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	case reflect.Pointer, reflect.Slice:
		checkTypeAt(t.Elem(), where, seen)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("tomlstrict: %s: map keys must be strings, not %s", where, t.Key()))
		}
		checkTypeAt(t.Elem(), where, seen)
	case reflect.Struct:
		info := infoOf(t)
		for _, name := range info.names {
			f := t.FieldByIndex(info.fields[name])
			checkTypeAt(f.Type, t.String()+"."+f.Name, seen)
		}
	default:
		panic(fmt.Sprintf("tomlstrict: %s: cannot decode TOML into a field of type %s", where, t))
	}
}
