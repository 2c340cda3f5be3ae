// Command samen runs Samen, a chat bot for samenlevingsprocessen, and its
// tools:
//
//	samen [run] [-config FILE]      run the bot with the configured platforms,
//	                                or else the playground in the browser
//	samen simulate FILE             run a scripted conversation and print it
//	samen check FILE…               validate process templates
//	samen export CODE               print a process's record (Markdown)
//	samen backup FILE               back up the store (every process)
//	samen restore [-force] FILE     restore a backup (into either store)
//
// Wiring lives here and only here: configuration (TOML plus SAMEN_*
// environment variables, secrets from the environment only), the store,
// and the platform adapters.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFailed   = 1 // a check failed, or the bot stopped with an error
	exitUsage    = 2 // bad arguments, bad configuration, or nothing to run
	usageMessage = `usage:
  samen [run] [-config FILE]   run the bot (config: samen.toml if present; see config.example.toml);
                               with no chat platform configured, the playground on http://127.0.0.1:8080
  samen simulate FILE          run a scripted conversation against the bot and print the transcript
  samen check FILE...          validate process templates and report every problem with its line
  samen export [-lang nl|en] CODE
                               print the record of a process as Markdown
  samen backup [-config FILE] FILE
                               back up every process to FILE (- for stdout), from either store
  samen restore [-config FILE] [-force] FILE
                               restore a backup into the configured store (e.g. the embedded
                               store's backup into Redis); -force replaces existing processes
`
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Main runs a subcommand and returns the exit status. Tests call it directly.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		// A newcomer's `go run ./cmd/samen` (or `samen -config FILE`):
		// run, which without any configuration serves the playground.
		args = append([]string{"run"}, args...)
	}
	switch args[0] {
	case "run":
		return runCommand(ctx, args[1:], stdout, stderr, getenv)
	case "simulate":
		return simulateCommand(ctx, args[1:], stdout, stderr)
	case "check":
		return checkCommand(args[1:], stdout, stderr)
	case "export":
		return exportCommand(ctx, args[1:], stdout, stderr, getenv)
	case "backup":
		return backupCommand(ctx, args[1:], stdout, stderr, getenv)
	case "restore":
		return restoreCommand(ctx, args[1:], stdout, stderr, getenv)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageMessage)
		return exitOK
	}
	fmt.Fprintf(stderr, "samen: unknown command %q\n%s", args[0], usageMessage)
	return exitUsage
}
