//go:build ignore

// gen_api extracts the compact Bot API description that the fake validates
// requests against (botapi.json) from the full machine-readable description
// in the shared research directory. The full file is not in the repository,
// so botapi.json is checked in and this program is only run when the Bot API
// description is updated:
//
//	cd bot/telegram/telegramtest && go generate
//
// which runs
//
//	go run gen_api.go -in ../../../../shared/research/telegram-bot-api.json -out botapi.json
//
// The input has the shape {version, release_date, methods: {name: {name,
// fields: [{name, types, required, description}]}}, types: …}; the output
// keeps every method with its parameters' names, types and whether they are
// required, and drops all descriptions. One method per line keeps diffs small.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
)

type field struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`
	Required bool     `json:"required"`
}

type method struct {
	Name   string  `json:"name"`
	Fields []field `json:"fields"`
}

type spec struct {
	Version     string            `json:"version"`
	ReleaseDate string            `json:"release_date"`
	Methods     map[string]method `json:"methods"`
}

func main() {
	in := flag.String("in", "../../../../shared/research/telegram-bot-api.json", "the full Bot API description")
	out := flag.String("out", "botapi.json", "the compact description to write")
	flag.Parse()

	data, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var s spec
	if err := json.Unmarshal(data, &s); err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	if len(s.Methods) == 0 {
		log.Fatalf("%s: no methods", *in)
	}

	names := make([]string, 0, len(s.Methods))
	for name := range s.Methods {
		names = append(names, name)
	}
	sort.Strings(names)

	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n\"version\": %q,\n\"release_date\": %q,\n\"methods\": {\n", s.Version, s.ReleaseDate)
	for i, name := range names {
		fields := s.Methods[name].Fields
		if fields == nil {
			fields = []field{}
		}
		line, err := json.Marshal(fields)
		if err != nil {
			log.Fatal(err)
		}
		sep := ","
		if i == len(names)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "%q: %s%s\n", name, line, sep)
	}
	b.WriteString("}\n}\n")

	if !json.Valid(b.Bytes()) {
		log.Fatal("generated invalid JSON")
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %s, %d methods", *out, s.Version, len(names))
}
