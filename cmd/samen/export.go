package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
)

// exportCommand is `samen export CODE`: the record of a process, as
// Markdown, on stdout. With Redis it works while the bot runs; the embedded
// store is one file a running bot holds, so then it says what to do instead
// of waiting for the lock.
func exportCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := configFlag(fs)
	lang := fs.String("lang", "", "the record's language: nl or en (default: the process's)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, "samen export: name the process's code, e.g. samen export K7M2QX\n")
		return exitUsage
	}
	a, err := openApp(ctx, config(), getenv, stderr)
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprint(stderr, `samen export: the bot is running and holds the embedded store, so the record
cannot be read from here while it runs. Ask for it in a chat instead: a facilitator
sends /export and receives the record privately. Or stop the bot and run this again.
(With Redis, samen export works while the bot runs.)
`)
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "samen: %v\n", err)
		return exitUsage
	}
	defer a.close()
	doc, err := a.bot.Export(ctx, strings.ToUpper(fs.Arg(0)), *lang)
	if errors.Is(err, flows.ErrNotFound) {
		fmt.Fprintf(stderr, "samen export: there is no process %s in this store (check the code, and SAMEN_DATA_DIR or SAMEN_REDIS_URL)\n", fs.Arg(0))
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "samen export: %v\n", err)
		return exitFailed
	}
	fmt.Fprint(stdout, doc)
	return exitOK
}
