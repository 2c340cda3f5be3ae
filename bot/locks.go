package bot

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"
)

// processLocks serialise the updates of one process within this instance:
// they would only conflict on the log's version, and a queue keeps their
// order. Instances sharing a store still race; the expected version
// settles that, with retries. Striped, so memory does not grow with the
// number of processes.
type processLocks [64]sync.Mutex

func (l *processLocks) lock(process string) func() {
	h := fnv.New32a()
	h.Write([]byte(process))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}

// backoff waits a little, longer after each conflict, with jitter so that
// instances that collided do not collide again in step.
func backoff(ctx context.Context, attempt int) error {
	limit := time.Millisecond << min(attempt, 6)
	return Sleep(ctx, time.Duration(rand.Int64N(int64(limit)))+time.Millisecond)
}
