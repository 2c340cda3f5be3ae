//go:build !unix

package web

import "os/exec"

// inOwnGroup leaves cmd as it is where process groups are not Unix's:
// cancellation kills the browser's main process only.
func inOwnGroup(*exec.Cmd) {}
