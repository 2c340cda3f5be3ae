package simulate

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// TestGolden runs every script in testdata/ against the embedded store and
// compares its transcript with the .golden file beside it; the scripts'
// own expectations and checks must hold too. The same script must give the
// same transcript on Redis.
func TestGolden(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/ (%v)", err)
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			src := mustRead(t, path)
			res := runScriptFiles(t, src, openBolt(t))
			got := res.Transcript
			// Documents the bot sent (the record) are golden files too:
			// testdata/<script>.<file name>.
			for name, data := range res.Files {
				file := strings.TrimSuffix(path, ".txt") + "." + name
				if *update {
					if err := os.WriteFile(file, data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if want := mustRead(t, file); string(data) != want {
					t.Errorf("%s differs (run with -update to accept):\n%s", file, diff(want, string(data)))
				}
			}
			golden := strings.TrimSuffix(path, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := mustRead(t, golden)
			if got != want {
				t.Errorf("transcript differs from %s (run with -update to accept):\n%s", golden, diff(want, got))
			}
			t.Run("redis", func(t *testing.T) {
				if onRedis := runScript(t, src, openRedis(t)); onRedis != got {
					t.Errorf("transcript on Redis differs from the embedded store's:\n%s", diff(got, onRedis))
				}
			})
		})
	}
}

func runScript(t *testing.T, src string, st bot.Store) string {
	t.Helper()
	return runScriptFiles(t, src, st).Transcript
}

func runScriptFiles(t *testing.T, src string, st bot.Store) *Result {
	t.Helper()
	res, err := Run(context.Background(), src, Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failures {
		t.Error(f)
	}
	return res
}

func openBolt(t *testing.T) *store.Bolt {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openRedis(t *testing.T) *store.Redis {
	t.Helper()
	srv := redistest.Start(t)
	st, err := store.OpenRedis(context.Background(), srv.URL(), store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// diff shows the first lines where two transcripts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return "(same lines, different endings)"
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n >= 10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = byte('0' + n)
	return string(b[i:])
}
