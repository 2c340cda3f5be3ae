package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/samen-bot/samen/bot/simulate"
	"github.com/samen-bot/samen/store"
)

// simulateCommand is `samen simulate FILE`: the script runs against the real
// bot core on a fresh embedded store; the transcript goes to stdout, failed
// expectations to stderr (exit 1), script mistakes to stderr (exit 2).
func simulateCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, "samen simulate: name one script, e.g. samen simulate bot/simulate/testdata/opvang-dorpsstraat.txt\n")
		return exitUsage
	}
	path := fs.Arg(0)
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "samen simulate: %v\n", err)
		return exitUsage
	}
	dir, err := os.MkdirTemp("", "samen-simulate-")
	if err != nil {
		fmt.Fprintf(stderr, "samen simulate: %v\n", err)
		return exitFailed
	}
	defer os.RemoveAll(dir)
	st, err := store.OpenBolt(filepath.Join(dir, "samen.db"), store.BoltOptions{})
	if err != nil {
		fmt.Fprintf(stderr, "samen simulate: %v\n", err)
		return exitFailed
	}
	defer st.Close()
	res, err := simulate.Run(ctx, string(src), simulate.Options{Store: st})
	var scriptErr *simulate.ScriptError
	switch {
	case errors.As(err, &scriptErr):
		fmt.Fprintf(stderr, "%s:%d: %s\n", path, scriptErr.Line, scriptErr.Msg)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "samen simulate: %v\n", err)
		return exitFailed
	}
	fmt.Fprint(stdout, res.Transcript)
	for _, f := range res.Failures {
		fmt.Fprintf(stderr, "%s:%d: %s\n", path, f.Line, f.Msg)
	}
	if len(res.Failures) > 0 {
		fmt.Fprintf(stderr, "samen simulate: %d expectation(s) failed\n", len(res.Failures))
		return exitFailed
	}
	return exitOK
}
