package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// Store wraps s so that every call is timed in samen_store_seconds{op}
// and every failure counted in samen_store_errors_total{op}.
func (m *Metrics) Store(s bot.Store) bot.Store { return &timedStore{s: s, m: m} }

type timedStore struct {
	s bot.Store
	m *Metrics
}

// done records a call of op that started at start.
func (t *timedStore) done(op string, start time.Time, err error) {
	t.m.storeTime.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, flows.ErrNotFound) && !errors.Is(err, flows.ErrVersionConflict) {
		t.m.storeErrors.WithLabelValues(op).Inc()
	}
}

func (t *timedStore) Append(ctx context.Context, c flows.Commit) (flows.AppendResult, error) {
	start := time.Now()
	r, err := t.s.Append(ctx, c)
	t.done("append", start, err)
	return r, err
}

func (t *timedStore) Load(ctx context.Context, process string) (flows.History, error) {
	start := time.Now()
	r, err := t.s.Load(ctx, process)
	t.done("load", start, err)
	return r, err
}

func (t *timedStore) Due(ctx context.Context, now time.Time, limit int) ([]flows.DueProcess, error) {
	start := time.Now()
	r, err := t.s.Due(ctx, now, limit)
	t.done("due", start, err)
	return r, err
}

func (t *timedStore) ReadLog(ctx context.Context, process string, from int64, limit int) ([][]byte, error) {
	start := time.Now()
	r, err := t.s.ReadLog(ctx, process, from, limit)
	t.done("read_log", start, err)
	return r, err
}

func (t *timedStore) Processes(ctx context.Context) ([]string, error) {
	start := time.Now()
	r, err := t.s.Processes(ctx)
	t.done("processes", start, err)
	return r, err
}

func (t *timedStore) RewriteLog(ctx context.Context, rw flows.Rewrite) error {
	start := time.Now()
	err := t.s.RewriteLog(ctx, rw)
	t.done("rewrite_log", start, err)
	return err
}

func (t *timedStore) DeleteProcess(ctx context.Context, process string) error {
	start := time.Now()
	err := t.s.DeleteProcess(ctx, process)
	t.done("delete_process", start, err)
	return err
}

func (t *timedStore) PendingOutbox(ctx context.Context, process string, limit int) ([]flows.OutboxEntry, error) {
	start := time.Now()
	r, err := t.s.PendingOutbox(ctx, process, limit)
	t.done("pending_outbox", start, err)
	return r, err
}

func (t *timedStore) MarkSent(ctx context.Context, s flows.Sent) error {
	start := time.Now()
	err := t.s.MarkSent(ctx, s)
	t.done("mark_sent", start, err)
	return err
}

func (t *timedStore) MessageRef(ctx context.Context, process, ref string) (string, error) {
	start := time.Now()
	r, err := t.s.MessageRef(ctx, process, ref)
	t.done("message_ref", start, err)
	return r, err
}

func (t *timedStore) OutboxProcesses(ctx context.Context, limit int) ([]string, error) {
	start := time.Now()
	r, err := t.s.OutboxProcesses(ctx, limit)
	t.done("outbox_processes", start, err)
	return r, err
}

func (t *timedStore) SetIndex(ctx context.Context, key, value string) error {
	start := time.Now()
	err := t.s.SetIndex(ctx, key, value)
	t.done("set_index", start, err)
	return err
}

func (t *timedStore) Index(ctx context.Context, key string) (string, error) {
	start := time.Now()
	r, err := t.s.Index(ctx, key)
	t.done("index", start, err)
	return r, err
}

func (t *timedStore) DeleteIndex(ctx context.Context, key string) error {
	start := time.Now()
	err := t.s.DeleteIndex(ctx, key)
	t.done("delete_index", start, err)
	return err
}

func (t *timedStore) AddToSet(ctx context.Context, key, member string) error {
	start := time.Now()
	err := t.s.AddToSet(ctx, key, member)
	t.done("add_to_set", start, err)
	return err
}

func (t *timedStore) RemoveFromSet(ctx context.Context, key, member string) error {
	start := time.Now()
	err := t.s.RemoveFromSet(ctx, key, member)
	t.done("remove_from_set", start, err)
	return err
}

func (t *timedStore) SetMembers(ctx context.Context, key string) ([]string, error) {
	start := time.Now()
	r, err := t.s.SetMembers(ctx, key)
	t.done("set_members", start, err)
	return r, err
}

func (t *timedStore) PutTemp(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	start := time.Now()
	err := t.s.PutTemp(ctx, key, value, ttl)
	t.done("put_temp", start, err)
	return err
}

func (t *timedStore) Temp(ctx context.Context, key string) ([]byte, error) {
	start := time.Now()
	r, err := t.s.Temp(ctx, key)
	t.done("temp", start, err)
	return r, err
}

func (t *timedStore) DeleteTemp(ctx context.Context, key string) error {
	start := time.Now()
	err := t.s.DeleteTemp(ctx, key)
	t.done("delete_temp", start, err)
	return err
}

func (t *timedStore) AddTemp(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	start := time.Now()
	r, err := t.s.AddTemp(ctx, key, value, ttl)
	t.done("add_temp", start, err)
	return r, err
}

func (t *timedStore) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	start := time.Now()
	r, err := t.s.Lease(ctx, name, holder, ttl)
	t.done("lease", start, err)
	return r, err
}

func (t *timedStore) ReleaseLease(ctx context.Context, name, holder string) error {
	start := time.Now()
	err := t.s.ReleaseLease(ctx, name, holder)
	t.done("release_lease", start, err)
	return err
}

var _ bot.Store = (*timedStore)(nil)
