package simulate

import (
	"context"
	"testing"

	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// TestGoldenThroughSentinel runs the full scenario on a master found
// through Sentinel, opened from its URL as `samen run` does: the transcript
// is the embedded store's.
func TestGoldenThroughSentinel(t *testing.T) {
	s := redistest.StartSentinel(t, false)
	st, err := store.OpenRedisMode(context.Background(), store.RedisSentinel, s.URL(), store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const path = "testdata/opvang-dorpsstraat"
	want := mustRead(t, path+".golden")
	if got := runScript(t, mustRead(t, path+".txt"), st); got != want {
		t.Errorf("transcript through Sentinel differs from the embedded store's:\n%s", diff(want, got))
	}
}
