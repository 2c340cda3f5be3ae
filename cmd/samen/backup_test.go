package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/simulate"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// TestMoveEmbeddedStoreToRedis runs a whole process on the embedded store,
// backs it up, restores the backup into a real redis-server and replays
// both logs: the same events byte for byte, the same folded state, the same
// record, and the bot on Redis carries on as the embedded one would.
func TestMoveEmbeddedStoreToRedis(t *testing.T) {
	ctx := context.Background()
	bolt, err := store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	src, err := os.ReadFile("../../bot/simulate/testdata/opvang-dorpsstraat.txt")
	if err != nil {
		t.Fatal(err)
	}
	res, err := simulate.Run(ctx, string(src), simulate.Options{Store: bolt})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failures {
		t.Fatal(f)
	}

	var file bytes.Buffer
	start := time.Now()
	h, err := writeBackup(ctx, bolt, &file, backupHeader{Created: start.UTC(), Store: bolt.String(), SecretID: secretID(simulate.DefaultSecret)})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if h.Processes == 0 || h.Events == 0 {
		t.Fatalf("backup header %+v: want the scenario's process and events", h)
	}

	srv := redistest.Start(t)
	rds, err := store.OpenRedis(ctx, srv.URL(), store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rds.Close()
	f, err := readBackup(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := restoreBackup(ctx, rds, f, false); err != nil {
		t.Fatal(err)
	}
	t.Logf("opvang-dorpsstraat: %d processes, %d events, %d unsent messages, %d index entries, %d sets, %d temporary values; backup %d bytes gzip'd in %v, restored into Redis in %v",
		h.Processes, h.Events, h.Outbox, len(f.Shared.Indexes), len(f.Shared.Sets), len(f.Shared.Temps), file.Len(), took.Round(time.Microsecond), time.Since(start).Round(time.Microsecond))

	// A fixed clock, so that both records are printed at the same time.
	now := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	newBot := func(st bot.Store) *bot.Bot {
		b, err := bot.New(bot.Config{Store: st, Secret: simulate.DefaultSecret, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	onBolt, onRedis := newBot(bolt), newBot(rds)

	compare := func(when string) {
		t.Helper()
		ids, _ := bolt.Processes(ctx)
		rids, _ := rds.Processes(ctx)
		slices.Sort(ids)
		slices.Sort(rids)
		if !slices.Equal(ids, rids) || len(ids) == 0 {
			t.Fatalf("%s: processes %v on bolt, %v on Redis", when, ids, rids)
		}
		for _, id := range ids {
			a, b := readAll(t, bolt, id), readAll(t, rds, id)
			if !slices.EqualFunc(a, b, bytes.Equal) {
				t.Fatalf("%s: the logs of %s differ (%d and %d events)", when, id, len(a), len(b))
			}
			if fa, fb := fold(t, id, a), fold(t, id, b); !bytes.Equal(fa, fb) {
				t.Fatalf("%s: the folds of %s differ", when, id)
			}
			ha, _ := bolt.Load(ctx, id)
			hb, _ := rds.Load(ctx, id)
			if ha.Version != hb.Version || !bytes.Equal(ha.Snapshot, hb.Snapshot) || ha.SnapshotVersion != hb.SnapshotVersion {
				t.Fatalf("%s: Load(%s) differs: version %d/%d, snapshot at %d/%d", when, id, ha.Version, hb.Version, ha.SnapshotVersion, hb.SnapshotVersion)
			}
			pa, _ := bolt.PendingOutbox(ctx, id, 10000)
			pb, _ := rds.PendingOutbox(ctx, id, 10000)
			if fmt.Sprint(pa) != fmt.Sprint(pb) {
				t.Fatalf("%s: the unsent messages of %s differ: %d and %d", when, id, len(pa), len(pb))
			}
			ra, err := onBolt.Export(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			rb, err := onRedis.Export(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			if ra != rb || !strings.Contains(ra, "Opvang Dorpsstraat") {
				t.Fatalf("%s: the records of %s differ (%d and %d bytes)", when, id, len(ra), len(rb))
			}
		}
	}
	compare("after the move")

	// The bot carries on: the same actions on both stores give the same
	// replies and the same new events. Ilse's private command finds her
	// current process through the restored index; the group's /status its
	// chat's.
	ids, _ := rds.Processes(ctx)
	before, _ := rds.Load(ctx, ids[0])
	updates := []*bot.Update{
		{Key: "after-move-1", User: "sim:ilse", Name: "Ilse", Chat: flows.Chat{ID: "sim:ilse", Private: true}, BotName: simulate.BotName,
			Text: "/set commitment De gemeente neemt het plan over, ook na de verhuizing."},
		{Key: "after-move-2", User: "sim:henk", Name: "Henk", Chat: flows.Chat{ID: "sim:bewoners", Title: "Bewoners Dorpsstraat"}, BotName: simulate.BotName,
			Text: "/status"},
	}
	for _, u := range updates {
		ra, err := onBolt.Handle(ctx, u)
		if err != nil {
			t.Fatalf("%s on bolt: %v", u.Text, err)
		}
		rb, err := onRedis.Handle(ctx, u)
		if err != nil {
			t.Fatalf("%s on Redis: %v", u.Text, err)
		}
		if ja, jb := mustJSON(t, ra), mustJSON(t, rb); ja != jb {
			t.Fatalf("%s: replies differ:\nbolt:  %s\nRedis: %s", u.Text, ja, jb)
		}
	}
	after, _ := rds.Load(ctx, ids[0])
	if after.Version != before.Version+1 {
		t.Fatalf("on Redis after the move: version %d, want %d (the /set committed once)", after.Version, before.Version+1)
	}
	// A redelivered update is not recorded twice (its key moved too).
	if _, err := onRedis.Handle(ctx, updates[0]); err != nil {
		t.Fatal(err)
	}
	if again, _ := rds.Load(ctx, ids[0]); again.Version != after.Version {
		t.Fatalf("redelivered update on Redis: version %d, want %d", again.Version, after.Version)
	}
	compare("after carrying on")

	// Restoring again is refused, as a whole, unless forced; forced, the
	// process is as the backup has it (the /set undone).
	if err := restoreBackup(ctx, rds, f, false); !errors.Is(err, flows.ErrProcessExists) {
		t.Fatalf("restore over the moved process: got %v, want flows.ErrProcessExists", err)
	}
	if err := restoreBackup(ctx, rds, f, true); err != nil {
		t.Fatalf("restore -force: %v", err)
	}
	if h, _ := rds.Load(ctx, ids[0]); h.Version != before.Version {
		t.Fatalf("after restore -force: version %d, want the backup's %d", h.Version, before.Version)
	}
}

func readAll(t *testing.T, st bot.Store, id string) [][]byte {
	t.Helper()
	var all [][]byte
	for {
		evs, err := st.ReadLog(context.Background(), id, int64(len(all))+1, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return all
		}
		all = append(all, evs...)
	}
}

func fold(t *testing.T, id string, events [][]byte) []byte {
	t.Helper()
	p := &flows.Process{}
	if err := flows.Replay(p, events); err != nil {
		t.Fatalf("replay %s: %v", id, err)
	}
	return []byte(mustJSON(t, p))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRestoreRefusesDamagedBackup: a cut-off file, a flipped byte in the
// data, a changed count and a file that is no backup are each refused with
// a clear message, and nothing is written.
func TestRestoreRefusesDamagedBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := func(k string) string {
		if k == "SAMEN_DATA_DIR" {
			return dir
		}
		return ""
	}
	good := filepath.Join(t.TempDir(), "good.backup")
	var out, errb bytes.Buffer
	if code := Main(ctx, []string{"backup", good}, &out, &errb, env); code != exitOK {
		t.Fatalf("backup of an empty store: exit %d: %s", code, errb.String())
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	regzip := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	// An entry slipped into the shared line, valid JSON: only the checksum
	// tells.
	edited := bytes.Replace(plain, []byte(`{"shared":{}`), []byte(`{"shared":{"indexes":{"chat:x":"p1/g1"}}`), 1)
	if bytes.Equal(edited, plain) {
		t.Fatalf("backup of an empty store: no empty shared line in %s", plain)
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"cut off":      {raw[:len(raw)-10], "damaged or incomplete"},
		"no end line":  {regzip(plain[:bytes.LastIndexByte(plain[:len(plain)-1], '\n')+1]), "no end line"},
		"edited":       {regzip(edited), "checksum"},
		"not a backup": {[]byte("hello"), "not a samen backup"},
	}
	for name, c := range cases {
		path := filepath.Join(t.TempDir(), "bad.backup")
		if err := os.WriteFile(path, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		errb.Reset()
		if code := Main(ctx, []string{"restore", path}, &out, &errb, env); code != exitFailed || !strings.Contains(errb.String(), c.want) || !strings.Contains(errb.String(), "nothing was restored") {
			t.Errorf("%s: exit %d, %q; want exit %d and %q, nothing restored", name, code, errb.String(), exitFailed, c.want)
		}
	}
}
