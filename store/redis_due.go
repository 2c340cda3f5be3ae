package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/flows"
)

// Due lists up to limit processes whose authoritative due time
// (samen:{P}:due) is at or before now, earliest first.
//
// It walks the due hint up to now and checks each member against its
// authoritative key. Append only ever lowers a hint's score, so a hint is
// at or before the real due time; a member whose process is not due (the
// time moved later, or was cleared) is re-scored or removed, but only if
// its score is still the one read (duerepair.lua), and the authoritative
// key is read again afterwards so that a concurrent Append is never lost.
func (r *Redis) Due(ctx context.Context, now time.Time, limit int) ([]flows.DueProcess, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("list due processes: %w", err)
	}
	nowMs := now.UnixMilli()
	page := int64(max(limit, 100))
	found := map[string]int64{} // process → due ms
	var offset int64
	for {
		zs, err := r.client.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{
			Key: r.gkey("due"), Start: "-inf", Stop: strconv.FormatInt(nowMs, 10),
			ByScore: true, Offset: offset, Count: page,
		}).Result()
		if err != nil {
			return nil, fmt.Errorf("list due processes: %w", err)
		}
		if len(zs) == 0 {
			break
		}
		// A hint is never later than its process's due time: past the
		// limit-th earliest found, no later hint can do better.
		if best := earliest(found, limit); len(best) == limit && zs[0].Score > float64(best[limit-1].At.UnixMilli()) {
			break
		}
		repaired, err := r.checkDue(ctx, zs, nowMs, found)
		if err != nil {
			return nil, fmt.Errorf("list due processes: %w", err)
		}
		offset += int64(len(zs) - repaired)
		if int64(len(zs)) < page {
			break
		}
	}
	return earliest(found, limit), nil
}

// earliest sorts found by time (then process) and keeps the first limit.
func earliest(found map[string]int64, limit int) []flows.DueProcess {
	due := make([]flows.DueProcess, 0, len(found))
	for p, ms := range found {
		due = append(due, flows.DueProcess{Process: p, At: time.UnixMilli(ms)})
	}
	slices.SortFunc(due, func(a, b flows.DueProcess) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Process, b.Process)
	})
	if len(due) > limit {
		due = due[:limit]
	}
	return due
}

// checkDue reads the authoritative due time of each hinted process, adds
// the due ones to found and repairs the others. It returns how many hints it
// moved out of the range it read.
func (r *Redis) checkDue(ctx context.Context, zs []redis.Z, nowMs int64, found map[string]int64) (int, error) {
	procs := make([]string, len(zs))
	for i, z := range zs {
		p, ok := z.Member.(string)
		if !ok {
			return 0, fmt.Errorf("unexpected due member %T", z.Member)
		}
		procs[i] = p
	}
	dues, err := r.readDue(ctx, procs)
	if err != nil {
		return 0, err
	}
	var stale []int
	for i, p := range procs {
		if ms, ok := dues[i]; ok && ms <= nowMs {
			found[p] = ms
		} else {
			stale = append(stale, i)
		}
	}
	repaired := 0
	for _, i := range stale {
		newScore := ""
		if ms, ok := dues[i]; ok {
			newScore = strconv.FormatInt(ms, 10)
		}
		score := strconv.FormatFloat(zs[i].Score, 'f', -1, 64)
		n, err := dueRepairScript.Run(ctx, r.client, []string{r.gkey("due")}, procs[i], score, newScore).Int()
		if err != nil {
			return 0, fmt.Errorf("repair due hint of %s: %w", procs[i], err)
		}
		repaired += n
	}
	if len(stale) == 0 {
		return repaired, nil
	}
	// Read again after the repair: an Append that set a due time before
	// this read is seen here, one after it writes its own hint after ours.
	again := make([]string, len(stale))
	for j, i := range stale {
		again[j] = procs[i]
	}
	dues, err = r.readDue(ctx, again)
	if err != nil {
		return 0, err
	}
	pipe := r.client.Pipeline()
	for j, p := range again {
		if ms, ok := dues[j]; ok {
			pipe.ZAddLT(ctx, r.gkey("due"), redis.Z{Score: float64(ms), Member: p})
			if ms <= nowMs {
				found[p] = ms
			}
		}
	}
	if pipe.Len() > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return 0, fmt.Errorf("restore due hint: %w", err)
		}
	}
	return repaired, nil
}

// readDue reads the authoritative due times of procs; a process without
// one is missing from the map.
func (r *Redis) readDue(ctx context.Context, procs []string) (map[int]int64, error) {
	pipe := r.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(procs))
	for i, p := range procs {
		cmds[i] = pipe.Get(ctx, r.pkey(p, "due"))
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return nil, fmt.Errorf("read due times: %w", err)
	}
	dues := map[int]int64{}
	for i, cmd := range cmds {
		v, err := cmd.Result()
		if isNil(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read due time of %s: %w", procs[i], err)
		}
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("due time of %s: %w", procs[i], err)
		}
		dues[i] = ms
	}
	return dues, nil
}
