// Package tomlstrict decodes TOML into Go structs strictly and reports every
// problem it finds, each with its line, instead of stopping at the first.
//
// Samen's process templates are TOML files written by facilitators, not by
// programmers. "samen check FILE" must be able to say, in one run, that line 4
// has an unknown key, line 9 a value of the wrong type and line 12 a round
// kind without a prompt. The usual decoders stop at the first error, and some
// do not tell where a key was defined at all, so this package parses with
// go-toml's unstable parser (an AST with byte ranges) and decodes with
// reflection itself.
//
// Decoding happens in two passes:
//
//   - build.go turns the parser's expressions into a document tree (tree.go),
//     applying TOML's rules about where a key or table may be defined: a key
//     defined twice, a [table] header repeated, dotted keys reopening a
//     table, and so on.
//   - assign.go walks that tree alongside the Go value, reporting unknown
//     keys (suggest.go) and values that do not fit their field (values.go,
//     words.go), and records Positions. fields.go maps struct fields to keys
//     and rejects Go types it cannot fill.
//
// # What is accepted
//
// Field types: string, bool, signed and unsigned integers, float32 and
// float64 (which take TOML integers too), pointers to any of these (nil
// means not set), slices, maps keyed by strings, structs, and any type whose
// pointer implements encoding.TextUnmarshaler (it receives the text). A
// TOML date or time is accepted where text is expected, as written, once it
// is known to be a real date or time; elsewhere it is a wrong type. A UTF-8
// byte order mark at the start of the document is skipped.
//
// The package does no I/O, so the engine that uses it stays pure.
//
// # Key paths
//
// Problems and Positions name keys by dotted paths: "kinds.intro.prompt.nl".
// An element of a list (an array of tables [[steps]] or an inline array) is
// written with its 0-based index: "steps[2].kind". A path segment that is not
// a bare TOML key (letters, digits, '-' and '_') is written as a quoted Go
// string, so the kind named "intro round" has the path
// `kinds."intro round".prompt`. Join builds such paths.
package tomlstrict
