package tomlstrict

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2/unstable"
)

// The parser checks the shape of numbers but leaves their value as written,
// and is lenient about dates and times ("leaves the validation of its
// contents to the document consumer"). These functions finish the job.

// parseInteger returns the value of a TOML integer token (underscores,
// 0x/0o/0b prefixes, sign). TOML integers are 64-bit: a larger one is an
// error, whatever the field.
func parseInteger(raw string) (int64, error) {
	s := strings.ReplaceAll(raw, "_", "")
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x':
			base = 16
		case 'o':
			base = 8
		case 'b':
			base = 2
		}
		if base != 0 {
			return strconv.ParseInt(s[2:], base, 64)
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// parseFloat returns the value of a TOML float token, including inf and nan
// with an optional sign.
func parseFloat(raw string) (float64, error) {
	s := strings.ReplaceAll(raw, "_", "")
	switch strings.TrimLeft(s, "+-") {
	case "inf":
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	case "nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

var (
	datePattern         = `\d{4}-\d{2}-\d{2}`
	timePattern         = `\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?` // TOML 1.1 lets seconds be left out
	localDateRE         = regexp.MustCompile(`^` + datePattern + `$`)
	localTimeRE         = regexp.MustCompile(`^` + timePattern + `$`)
	localDateTimeRE     = regexp.MustCompile(`^` + datePattern + `[Tt ]` + timePattern + `$`)
	offsetDateTimeRE    = regexp.MustCompile(`^` + datePattern + `[Tt ]` + timePattern + `(?:[Zz]|[+-]\d{2}:\d{2})$`)
	fractionalSecondsRE = regexp.MustCompile(`\.\d+`)
	minutesOnlyTimeRE   = regexp.MustCompile(`^(\d{2}:\d{2})($|[Zz+-])`)
)

const dateLayout = "2006-01-02"

// validDateTime reports whether raw, a date/time token of the given kind, is
// a real date or time: the right shape, and a month, day, hour, minute and
// second that exist.
func validDateTime(kind unstable.Kind, raw string) bool {
	var re *regexp.Regexp
	switch kind {
	case unstable.LocalDate:
		re = localDateRE
	case unstable.LocalTime:
		re = localTimeRE
	case unstable.LocalDateTime:
		re = localDateTimeRE
	default:
		re = offsetDateTimeRE
	}
	if !re.MatchString(raw) {
		return false
	}
	// The shape is right; let the time package check the ranges, on a
	// normalized copy: date and time joined by 'T', seconds present, no
	// fraction (its digits were checked above), upper-case 'Z'.
	date, clock := "2000-01-01", "00:00:00"
	switch kind {
	case unstable.LocalDate:
		date = raw
	case unstable.LocalTime:
		clock = raw
	default: // the shape guarantees the delimiter after the date
		date, clock = raw[:len(dateLayout)], raw[len(dateLayout)+1:]
	}
	clock = fractionalSecondsRE.ReplaceAllString(clock, "")
	clock = minutesOnlyTimeRE.ReplaceAllString(clock, "$1:00$2")
	clock = strings.Replace(clock, "z", "Z", 1)
	layout := dateLayout + "T15:04:05"
	if kind == unstable.DateTime {
		layout += "Z07:00"
	}
	_, err := time.Parse(layout, date+"T"+clock)
	return err == nil && validOffset(kind, raw)
}

// validOffset checks the hours and minutes of a "+hh:mm" offset, which the
// time package lets go up to 24 hours and 99 minutes.
func validOffset(kind unstable.Kind, raw string) bool {
	if kind != unstable.DateTime || strings.HasSuffix(raw, "Z") || strings.HasSuffix(raw, "z") {
		return true
	}
	offset := raw[len(raw)-len("hh:mm"):]
	return offset[:2] <= "23" && offset[3:] <= "59"
}
