package tomlstrict

import (
	"fmt"
	"math"
	"testing"

	"github.com/pelletier/go-toml/v2/unstable"
)

func TestParseInteger(t *testing.T) {
	for raw, want := range map[string]string{
		"0": "0", "+17": "17", "-17": "-17", "1_000": "1000",
		"0xDEAD_beef": "3735928559", "0o755": "493", "0b1101": "13",
		"9223372036854775807":  "9223372036854775807",
		"-9223372036854775808": "-9223372036854775808",
		"9223372036854775808":  "error",
		"0x8000000000000000":   "error",
	} {
		i, err := parseInteger(raw)
		got := fmt.Sprint(i)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("parseInteger(%q): got %q, want %q", raw, got, want)
		}
	}
}

func TestParseFloat(t *testing.T) {
	for raw, want := range map[string]float64{
		"1.5": 1.5, "-0.25": -0.25, "1e3": 1000, "6.626e-34": 6.626e-34, "1_000.5": 1000.5,
		"inf": math.Inf(1), "+inf": math.Inf(1), "-inf": math.Inf(-1),
	} {
		if got, err := parseFloat(raw); err != nil || got != want {
			t.Errorf("parseFloat(%q): got %v, %v, want %v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"nan", "+nan", "-nan"} {
		if got, err := parseFloat(raw); err != nil || !math.IsNaN(got) {
			t.Errorf("parseFloat(%q): got %v, %v, want NaN", raw, got, err)
		}
	}
	if _, err := parseFloat("1e400"); err == nil {
		t.Errorf("parseFloat(1e400): got no error, want one")
	}
}

func TestValidDateTime(t *testing.T) {
	for _, tc := range []struct {
		kind unstable.Kind
		raw  string
		want bool
	}{
		{unstable.LocalDate, "2024-02-29", true},
		{unstable.LocalDate, "2023-02-29", false},
		{unstable.LocalDate, "2024-13-01", false},
		{unstable.LocalDate, "2024-1-01", false},
		{unstable.LocalTime, "07:32:00", true},
		{unstable.LocalTime, "07:32", true},
		{unstable.LocalTime, "07:32:00.123456789123", true},
		{unstable.LocalTime, "24:00:00", false},
		{unstable.LocalTime, "07:60", false},
		{unstable.LocalTime, "07:32:", false},
		{unstable.LocalDateTime, "1979-05-27T07:32:00", true},
		{unstable.LocalDateTime, "1979-05-27 07:32", true},
		{unstable.LocalDateTime, "1979-05-27t07:32:00.5", true},
		{unstable.LocalDateTime, "1979-05-27T7:32:00", false},
		{unstable.DateTime, "1979-05-27T07:32:00Z", true},
		{unstable.DateTime, "1979-05-27 07:32z", true},
		{unstable.DateTime, "1979-05-27T07:32:00.999-07:00", true},
		{unstable.DateTime, "1979-05-27T07:32:00+7:00", false},
		{unstable.DateTime, "1979-05-27T07:32:00+24:00", false},
		{unstable.DateTime, "1979-05-27T07:32:00-23:60", false},
		{unstable.DateTime, "1979-05-27T07:32:00-23:59", true},
		{unstable.DateTime, "1979-05-27", false},
	} {
		if got := validDateTime(tc.kind, tc.raw); got != tc.want {
			t.Errorf("validDateTime(%v, %q): got %v, want %v", tc.kind, tc.raw, got, tc.want)
		}
	}
}
