package simulate

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// TestGoldenOnCluster runs every golden script on a Redis Cluster of three
// masters, opened from its URL as `samen run` does, and compares the
// transcript with the embedded store's (its .golden file, which TestGolden
// holds to the embedded store). After each script, every key of a process
// must hash to the slot of {P}, and so all of one process's keys are on one
// master: a commit's script then runs on one node.
func TestGoldenOnCluster(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/ (%v)", err)
	}
	cluster := redistest.StartClusterN(t, 3)
	cc := cluster.NewClient(t)
	nodesUsed := map[string]bool{}
	for i, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			src := mustRead(t, path)
			want := mustRead(t, strings.TrimSuffix(path, ".txt")+".golden")
			prefix := fmt.Sprintf("golden%d", i)
			st, err := store.OpenRedisMode(context.Background(), store.RedisCluster, cluster.URL(), store.RedisOptions{Prefix: prefix})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if got := runScript(t, src, st); got != want {
				t.Errorf("transcript on the Cluster differs from the embedded store's:\n%s", diff(want, got))
			}
			for _, node := range checkProcessSlots(t, cc, prefix) {
				nodesUsed[node] = true
			}
		})
	}
	if len(nodesUsed) < 2 {
		t.Errorf("all processes' keys were on %d master(s), want them spread over several", len(nodesUsed))
	}
}

// checkProcessSlots lists the keys under prefix on every master. A key
// belongs to process P if it starts with prefix:{P} or prefix:P followed by
// ':' or '}' (tag or not), P being a member of prefix:processes or the tag
// of some key. Each such key must hash to the slot of {P}, and each
// process's keys must be on one master. It returns the masters holding
// process keys.
func checkProcessSlots(t *testing.T, cc *redis.ClusterClient, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	keysOn := map[string][]string{} // master address → keys under prefix
	err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		var keys []string
		iter := c.Scan(ctx, 0, globEscape(prefix)+":*", 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		mu.Lock()
		keysOn[c.Options().Addr] = keys
		mu.Unlock()
		return iter.Err()
	})
	if err != nil {
		t.Fatalf("list keys: %v", err)
	}
	processes, err := cc.SMembers(ctx, prefix+":processes").Result()
	if err != nil {
		t.Fatalf("list processes: %v", err)
	}
	for _, keys := range keysOn {
		for _, k := range keys {
			if rest, ok := strings.CutPrefix(k, prefix+":{"); ok {
				if p, _, ok := strings.Cut(rest, "}"); ok && !slices.Contains(processes, p) {
					processes = append(processes, p)
				}
			}
		}
	}
	if len(processes) == 0 {
		t.Fatalf("no processes under %s", prefix)
	}
	var nodes []string
	nodeOf := map[string]string{} // process → master
	for addr, keys := range keysOn {
		for _, k := range keys {
			for _, p := range processes {
				if !keyOfProcess(prefix, p, k) {
					continue
				}
				if got, want := redisSlot(t, cc, k), redisSlot(t, cc, "{"+p+"}"); got != want {
					t.Errorf("key %s of process %s is in slot %d, not in {%s}'s slot %d", k, p, got, p, want)
				}
				if other, seen := nodeOf[p]; seen && other != addr {
					t.Errorf("process %s has keys on %s and on %s", p, other, addr)
				}
				nodeOf[p] = addr
				if !slices.Contains(nodes, addr) {
					nodes = append(nodes, addr)
				}
			}
		}
	}
	if len(nodeOf) == 0 {
		t.Fatalf("no process keys under %s on any master", prefix)
	}
	return nodes
}

// keyOfProcess reports whether key is prefix:{P}… or prefix:P followed by
// ':' or '}'.
func keyOfProcess(prefix, p, key string) bool {
	rest, ok := strings.CutPrefix(key, prefix+":")
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "{")
	rest, ok = strings.CutPrefix(rest, p)
	return ok && (strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "}"))
}

// redisSlot asks the cluster for the slot of key.
func redisSlot(t *testing.T, cc *redis.ClusterClient, key string) int64 {
	t.Helper()
	slot, err := cc.ClusterKeySlot(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("CLUSTER KEYSLOT %s: %v", key, err)
	}
	return slot
}

// globEscape escapes the glob characters of s for KEYS and SCAN MATCH.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
