package tomlstrict

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The test struct is a miniature process template: the shapes the real one
// uses (tables keyed by name, arrays of tables, text per language, durations).

type testTemplate struct {
	Name     string               `toml:"name"`
	Settings testSettings         `toml:"settings"`
	Kinds    map[string]*testKind `toml:"kinds"`
	Steps    []testStep           `toml:"steps"`
}

type testSettings struct {
	Quorum    float64 `toml:"quorum"`
	Silence   string  `toml:"silence"`
	MinPeople *int    `toml:"min_people"`
	Public    *bool   `toml:"public"`
	Starts    string  `toml:"starts"`
}

type testKind struct {
	Prompt    map[string]string `toml:"prompt"`
	Deadline  testDuration      `toml:"deadline"`
	Reminders []testDuration    `toml:"reminders"`
	Anonymity string            `toml:"anonymity"`
	Announce  bool              `toml:"announce"`
	Show      []string          // untagged: the key is "show"
	Sizes     []int             `toml:"sizes"`
}

type testStep struct {
	Kind   string `toml:"kind"`
	Scope  string `toml:"scope"`
	Weight int8   `toml:"weight"`
	Limit  int64  `toml:"limit"`
}

// testDuration is a length of time written as "48h", "90m" or "3d".
type testDuration time.Duration

func (d *testDuration) UnmarshalText(b []byte) error {
	s := string(b)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			*d = testDuration(time.Duration(n) * 24 * time.Hour)
			return nil
		}
	} else if v, err := time.ParseDuration(s); err == nil && v >= 0 {
		*d = testDuration(v)
		return nil
	}
	return fmt.Errorf("%q is not a duration: write it like 48h, 90m or 3d", s)
}
