package simulate

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// TestCachedTalliesMatchACount folds the log of every golden script event
// by event, asking for every consent round's tally in every group after
// each (so that votes update the cached tallies in place), and compares
// each with a count on a copy of the state that has nothing cached.
func TestCachedTalliesMatchACount(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/ (%v)", err)
	}
	compared, votes := 0, 0
	for _, path := range scripts {
		st := openBolt(t)
		runForget(t, mustRead(t, path), st)
		ctx := context.Background()
		procs, err := st.Processes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range procs {
			raw, err := st.ReadLog(ctx, id, 1, 1_000_000)
			if err != nil {
				t.Fatal(err)
			}
			p := &flows.Process{}
			for _, r := range raw {
				var e flows.Event
				if err := json.Unmarshal(r, &e); err != nil {
					t.Fatal(err)
				}
				if _, ok := e.Data.(*flows.VoteCast); ok {
					votes++
				}
				p.Apply(&e)
				snap, err := flows.EncodeSnapshot(p)
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := flows.DecodeSnapshot(snap)
				if err != nil {
					t.Fatal(err)
				}
				for i, rd := range p.Rounds {
					if !rd.Def.Consent {
						continue
					}
					for _, g := range rd.Groups {
						got, want := p.ConsentTally(rd, g), fresh.ConsentTally(fresh.Rounds[i], g)
						compared++
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%s, after event %d (%s): round %d, group %s: cached %+v, counted %+v",
								strings.TrimSuffix(filepath.Base(path), ".txt"), e.Version, e.Data.EventType(), rd.N, g, got, want)
						}
					}
				}
			}
		}
	}
	t.Logf("%d tallies compared, %d votes", compared, votes)
}
