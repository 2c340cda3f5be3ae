package simulate

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTranscriptsCatchBrokenRule builds the engine with a deliberately
// broken rule (a member who passes counts as having answered; see
// flows/mutation.go) and runs the golden transcripts against it. They must
// fail, on the engine's numbers: a transcript test that cannot catch a
// counting mistake would prove nothing.
func TestTranscriptsCatchBrokenRule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the packages again; run without -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the broken engine: %v", err)
	}
	cmd := exec.Command(goBin, "test", "-count=1", "-tags", "samen_mutant_passed", "-run", "^TestGolden$", ".")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the golden transcripts passed with a broken counting rule:\n%s", out)
	}
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("could not run go test: %v", err)
	}
	for _, want := range []string{"check bewoners: answered=", "transcript differs"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the mutant run failed, but not with %q; output:\n%s", want, out)
		}
	}
}
