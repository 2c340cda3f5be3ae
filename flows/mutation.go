//go:build !samen_mutant_passed

package flows

// passedCountsAsAnswered is false: a member who passes has not answered.
// Building with the tag samen_mutant_passed flips it, so a test can show that
// the golden transcripts catch a broken counting rule (see
// bot/simulate's TestTranscriptsCatchBrokenRule).
const passedCountsAsAnswered = false
