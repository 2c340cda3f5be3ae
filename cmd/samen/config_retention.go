package main

import (
	"fmt"
	"time"

	"github.com/samen-bot/samen/flows"
)

// RetentionConfig deletes processes a number of days after anyone last did
// something in them. Off by default: the record is the groups', and it is
// for the operator (with the municipality or organisation) to decide how
// long it is kept.
type RetentionConfig struct {
	// DeleteAfterDays is the period without activity, in days; 0: keep
	// processes until someone deletes them.
	DeleteAfterDays int `toml:"delete_after_days"`
	// NoticeDays is how many days ahead the facilitators are told.
	NoticeDays int `toml:"notice_days"`
}

const defaultNoticeDays = 14

func (r RetentionConfig) validate() []error {
	var errs []error
	if r.DeleteAfterDays < 0 {
		errs = append(errs, fmt.Errorf("retention.delete_after_days is %d: use a number of days, like 730, or 0 to keep processes", r.DeleteAfterDays))
	}
	if r.NoticeDays < 1 {
		errs = append(errs, fmt.Errorf("retention.notice_days is %d: use a number of days of at least 1, like %d, so facilitators can save the record first", r.NoticeDays, defaultNoticeDays))
	}
	if r.DeleteAfterDays > 0 && r.NoticeDays >= r.DeleteAfterDays {
		errs = append(errs, fmt.Errorf("retention.notice_days (%d) must be less than retention.delete_after_days (%d)", r.NoticeDays, r.DeleteAfterDays))
	}
	return errs
}

// rule is the retention rule for the bot.
func (r RetentionConfig) rule() flows.Retention {
	day := 24 * time.Hour
	return flows.Retention{After: time.Duration(r.DeleteAfterDays) * day, Notice: time.Duration(r.NoticeDays) * day}
}
