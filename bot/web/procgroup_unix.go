//go:build unix

package web

import (
	"os/exec"
	"syscall"
)

// inOwnGroup starts cmd in a process group of its own and makes its
// cancellation kill the whole group (a browser's helper processes too).
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
