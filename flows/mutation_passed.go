//go:build samen_mutant_passed

package flows

// passedCountsAsAnswered is deliberately wrong in this build: see mutation.go.
const passedCountsAsAnswered = true
