package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/samen-bot/samen/flows"
)

// checkCommand is `samen check FILE…`: it reports every problem in each
// template with its file and line, and exits 1 if there are any.
func checkCommand(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprint(stderr, "samen check: name the template files to check, e.g. samen check flows/templates/*.toml\n")
		return exitUsage
	}
	status := exitOK
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", f, err)
			status = exitFailed
			continue
		}
		t, problems := flows.ParseTemplate(f, data, validZone)
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		if len(problems) > 0 {
			status = exitFailed
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (template %q: %d kinds, %d steps)\n", f, t.Name, len(t.Kinds), len(t.Steps))
	}
	return status
}

func validZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
