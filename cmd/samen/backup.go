package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
)

// A backup file is gzip'd JSON Lines, independent of the store's key
// layout, so a backup of the embedded store restores into Redis and back:
//
//	{"format":"samen-backup","version":1,"created":…,"processes":N,"events":E,"outbox":O,"secret_id":…}
//	{"process":{…}}          one line per process: flows.ProcessBackup
//	{"shared":{…}}           index entries, sets, live temporary values: flows.SharedBackup
//	{"end":{"lines":N+2,"sha256":…}}
//
// The sha256 is of every byte before the end line. secret_id identifies
// the secret the store's hashes were made with (an HMAC of a fixed text,
// not the secret): the backup does not hold the secret, and a restore
// under another secret would leave codes and pseudonyms that match no one.
const (
	backupFormat  = "samen-backup"
	backupVersion = 1
)

type backupHeader struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Created   time.Time `json:"created"`
	Store     string    `json:"store"`
	Processes int       `json:"processes"`
	Events    int       `json:"events"`
	Outbox    int       `json:"outbox"`
	SecretID  string    `json:"secret_id,omitempty"`
}

type backupLine struct {
	Process *flows.ProcessBackup `json:"process,omitempty"`
	Shared  *flows.SharedBackup  `json:"shared,omitempty"`
	End     *backupEnd           `json:"end,omitempty"`
}

type backupEnd struct {
	Lines  int    `json:"lines"`
	SHA256 string `json:"sha256"`
}

// backupStore is what backup and restore need of a store; both backends
// have it.
type backupStore interface {
	Processes(ctx context.Context) ([]string, error)
	BackupProcess(ctx context.Context, p string) (flows.ProcessBackup, error)
	RestoreProcess(ctx context.Context, b flows.ProcessBackup, force bool) error
	BackupShared(ctx context.Context) (flows.SharedBackup, error)
	RestoreShared(ctx context.Context, s flows.SharedBackup) error
}

var _ backupStore = (*store.Bolt)(nil)
var _ backupStore = (*store.Redis)(nil)

// backupFile is a backup read and verified.
type backupFile struct {
	Header    backupHeader
	Processes []flows.ProcessBackup
	Shared    flows.SharedBackup
}

func secretID(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("samen backup secret id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// writeBackup writes every process (each a consistent cut of its log) and
// the shared entries to w.
func writeBackup(ctx context.Context, st backupStore, w io.Writer, h backupHeader) (backupHeader, error) {
	ids, err := st.Processes(ctx)
	if err != nil {
		return h, err
	}
	slices.Sort(ids)
	var procs []flows.ProcessBackup
	for _, id := range ids {
		b, err := st.BackupProcess(ctx, id)
		if errors.Is(err, flows.ErrNotFound) {
			continue
		}
		if err != nil {
			return h, err
		}
		procs = append(procs, b)
		h.Events += len(b.Events)
		h.Outbox += len(b.Outbox)
	}
	shared, err := st.BackupShared(ctx)
	if err != nil {
		return h, err
	}
	h.Format, h.Version, h.Processes = backupFormat, backupVersion, len(procs)
	zw := gzip.NewWriter(w)
	sum := sha256.New()
	out := io.MultiWriter(zw, sum)
	enc := json.NewEncoder(out) // one value per line
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return h, err
	}
	for i := range procs {
		if err := enc.Encode(backupLine{Process: &procs[i]}); err != nil {
			return h, err
		}
	}
	if err := enc.Encode(backupLine{Shared: &shared}); err != nil {
		return h, err
	}
	end := backupEnd{Lines: len(procs) + 2, SHA256: hex.EncodeToString(sum.Sum(nil))}
	if err := json.NewEncoder(zw).Encode(backupLine{End: &end}); err != nil {
		return h, err
	}
	return h, zw.Close()
}

// errDamaged marks a backup file that cannot be trusted.
var errDamaged = errors.New("the backup file is damaged or incomplete")

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errDamaged, fmt.Sprintf(format, args...))
}

// readBackup reads and verifies a whole backup before anything is written.
func readBackup(r io.Reader) (*backupFile, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, damaged("not a samen backup (gzip: %v)", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, damaged("gzip: %v", err)
	}
	f := &backupFile{}
	sum := sha256.New()
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, len(raw)+1)
	lines, sawEnd := 0, false
	for sc.Scan() {
		line := sc.Bytes()
		if sawEnd {
			return nil, damaged("text after the end line")
		}
		lines++
		if lines == 1 {
			if err := json.Unmarshal(line, &f.Header); err != nil || f.Header.Format != backupFormat {
				return nil, damaged("the first line is not a samen backup header")
			}
			if f.Header.Version != backupVersion {
				return nil, fmt.Errorf("backup format version %d: this samen reads version %d", f.Header.Version, backupVersion)
			}
			sum.Write(line)
			sum.Write([]byte{'\n'})
			continue
		}
		var l backupLine
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, damaged("line %d: %v", lines, err)
		}
		switch {
		case l.End != nil:
			if got := hex.EncodeToString(sum.Sum(nil)); got != l.End.SHA256 {
				return nil, damaged("checksum %s, the end line says %s", got, l.End.SHA256)
			}
			if l.End.Lines != lines-1 {
				return nil, damaged("%d lines, the end line says %d", lines-1, l.End.Lines)
			}
			sawEnd = true
			continue
		case l.Process != nil:
			if err := l.Process.Check(); err != nil {
				return nil, damaged("line %d: %v", lines, err)
			}
			f.Processes = append(f.Processes, *l.Process)
		case l.Shared != nil:
			f.Shared = *l.Shared
		default:
			return nil, damaged("line %d is empty", lines)
		}
		sum.Write(line)
		sum.Write([]byte{'\n'})
	}
	if err := sc.Err(); err != nil {
		return nil, damaged("%v", err)
	}
	if !sawEnd {
		return nil, damaged("it has no end line (cut off?)")
	}
	events, outbox := 0, 0
	for _, p := range f.Processes {
		events += len(p.Events)
		outbox += len(p.Outbox)
	}
	if len(f.Processes) != f.Header.Processes || events != f.Header.Events || outbox != f.Header.Outbox {
		return nil, damaged("it holds %d processes, %d events, %d unsent messages; the header says %d, %d, %d",
			len(f.Processes), events, outbox, f.Header.Processes, f.Header.Events, f.Header.Outbox)
	}
	return f, nil
}

// restoreBackup writes a verified backup into st. Unless force is set it
// refuses, before writing anything, when a process in the backup exists.
func restoreBackup(ctx context.Context, st backupStore, f *backupFile, force bool) error {
	if !force {
		have, err := st.Processes(ctx)
		if err != nil {
			return err
		}
		var clash []string
		for _, p := range f.Processes {
			if slices.Contains(have, p.Process) {
				clash = append(clash, p.Process)
			}
		}
		if len(clash) > 0 {
			return fmt.Errorf("%w: %s is already in this store; nothing was restored (use -force to replace them)", flows.ErrProcessExists, strings.Join(clash, ", "))
		}
	}
	for _, p := range f.Processes {
		if err := st.RestoreProcess(ctx, p, force); err != nil {
			return err
		}
	}
	if err := st.RestoreShared(ctx, f.Shared); err != nil {
		return err
	}
	// Read back: every log exactly as in the file.
	for _, p := range f.Processes {
		got, err := st.BackupProcess(ctx, p.Process)
		if err != nil {
			return fmt.Errorf("read back %s: %w", p.Process, err)
		}
		if !slices.EqualFunc(got.Events, p.Events, bytes.Equal) {
			return fmt.Errorf("read back %s: the log differs from the backup's", p.Process)
		}
	}
	return nil
}

const lockedBackup = `samen %s: the bot is running and holds the embedded store, so it cannot be
opened from here while it runs. Stop the bot, run this again, and start it again.
(With Redis, samen backup works while the bot runs.)
`

// backupCommand is `samen backup [-config FILE] FILE`: every process and
// the shared entries, to FILE (or - for stdout).
func backupCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, "samen backup: name the file to write, e.g. samen backup samen-2025-06-01.backup (or - for stdout)\n")
		return exitUsage
	}
	a, st, secret, code := openBackupStore(ctx, "backup", config(), stderr, getenv)
	if code != exitOK {
		return code
	}
	defer a.close()
	path := fs.Arg(0)
	var w io.Writer = stdout
	var file *os.File
	if path != "-" {
		tmp, err := os.CreateTemp(filepath.Dir(path), ".samen-backup-*")
		if err != nil {
			fmt.Fprintf(stderr, "samen backup: %v\n", err)
			return exitFailed
		}
		defer os.Remove(tmp.Name())
		file, w = tmp, tmp
	}
	start := time.Now()
	h, err := writeBackup(ctx, st, w, backupHeader{Created: start.UTC(), Store: fmt.Sprint(a.backend), SecretID: secretID(secret)})
	if err == nil && file != nil {
		err = errors.Join(file.Sync(), file.Close(), os.Rename(file.Name(), path))
	}
	if err != nil {
		fmt.Fprintf(stderr, "samen backup: %v\n", err)
		return exitFailed
	}
	if path != "-" {
		fmt.Fprintf(stdout, "backed up %d processes (%d events, %d unsent messages) to %s in %v\n",
			h.Processes, h.Events, h.Outbox, path, time.Since(start).Round(time.Millisecond))
	}
	return exitOK
}

// restoreCommand is `samen restore [-config FILE] [-force] FILE`.
func restoreCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := configFlag(fs)
	force := fs.Bool("force", false, "replace processes that exist in the store, and restore under another secret")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, "samen restore: name the backup file, e.g. samen restore samen-2025-06-01.backup (or - for stdin)\n")
		return exitUsage
	}
	var r io.Reader = os.Stdin
	if path := fs.Arg(0); path != "-" {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "samen restore: %v\n", err)
			return exitFailed
		}
		defer f.Close()
		r = f
	}
	bf, err := readBackup(r)
	if err != nil {
		fmt.Fprintf(stderr, "samen restore: %v; nothing was restored\n", err)
		return exitFailed
	}
	a, st, secret, code := openBackupStore(ctx, "restore", config(), stderr, getenv)
	if code != exitOK {
		return code
	}
	defer a.close()
	if id := secretID(secret); bf.Header.SecretID != "" && id != bf.Header.SecretID && !*force {
		fmt.Fprint(stderr, `samen restore: the backup was made with another secret, so its codes and
pseudonyms would match no one here. Set SAMEN_SECRET to the secret the backing-up bot
used (on the embedded store without SAMEN_SECRET: the file "secret" in its data
directory), or use -force. Nothing was restored.
`)
		return exitFailed
	}
	if err := restoreBackup(ctx, st, bf, *force); err != nil {
		fmt.Fprintf(stderr, "samen restore: %v\n", err)
		return exitFailed
	}
	if _, err := a.bot.RepairIndexes(ctx); err != nil {
		fmt.Fprintf(stderr, "samen restore: restored, but repairing the indexes failed: %v (samen run repairs them at start)\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "restored %d processes (%d events, %d unsent messages) from the backup of %s made %s\n",
		bf.Header.Processes, bf.Header.Events, bf.Header.Outbox, bf.Header.Store, bf.Header.Created.Format(time.RFC3339))
	return exitOK
}

func openBackupStore(ctx context.Context, cmd string, c configChoice, stderr io.Writer, getenv func(string) string) (*app, backupStore, []byte, int) {
	a, err := openApp(ctx, c, getenv, stderr)
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintf(stderr, lockedBackup, cmd)
		return nil, nil, nil, exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "samen: %v\n", err)
		return nil, nil, nil, exitUsage
	}
	st, ok := a.backend.(backupStore)
	if !ok {
		a.close()
		fmt.Fprintf(stderr, "samen %s: this store cannot be backed up\n", cmd)
		return nil, nil, nil, exitFailed
	}
	secret, err := loadSecret(a.cfg.Store, getenv, a.log)
	if err != nil {
		a.close()
		fmt.Fprintf(stderr, "samen: %v\n", err)
		return nil, nil, nil, exitUsage
	}
	return a, st, secret, exitOK
}
