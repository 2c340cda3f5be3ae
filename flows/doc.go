// Package flows is Samen's domain: processes, groups, members, rounds and the
// engine that runs the method (DESIGN.md §2).
//
// The engine is deterministic in the way Temporal requires of workflow code:
// given a process's state, a command and an Env (the time, a random seed and
// a keyed hash for anonymous answers) it returns the events to record and the
// semantic messages to send, or a *UserError. It does no I/O, reads no clock
// and starts no goroutines, so every rule can be table-tested and a whole
// process replays exactly from its log.
//
// State is a fold of events: Process.Apply applies one event, and a snapshot
// is just an encoded Process. Which rounds a process has, with which prompts
// and settings, is data: process templates in templates/ (TOML, embedded).
// Message texts live in catalogs (catalog/nl.toml, catalog/en.toml); the
// engine only names a key and its parameters.
package flows
