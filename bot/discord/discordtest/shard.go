package discordtest

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
)

// Sharding, as Discord does it: IDENTIFY's "shard" [shard_id, num_shards]
// (default [0, 1]) chooses which guilds' events a session gets, those with
// (guild_id >> 22) % num_shards == shard_id; events without a guild
// (direct messages) go to shard 0 only. The newest session of each
// [shard_id, num_shards] gets them; sessions with different num_shards
// each get their share, as on Discord.

// shardKey is a session's [shard_id, num_shards].
type shardKey [2]int

// owns reports whether a session of shard k gets guildID's events ("" for
// an event without a guild).
func (k shardKey) owns(guildID string) bool {
	return shardOf(guildID, k[1]) == k[0]
}

func shardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// validShard is Discord's check of IDENTIFY's shard; it closes the
// connection with 4010 otherwise.
func validShard(k shardKey) bool {
	return k[1] >= 1 && k[0] >= 0 && k[0] < k[1]
}

// sessionsFor returns the sessions that get guildID's events, in the order
// of their shard keys. s.mu must be held.
func (s *Server) sessionsFor(guildID string) []*session {
	var keys []shardKey
	for k := range s.shards {
		if k.owns(guildID) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b shardKey) int {
		if a[1] != b[1] {
			return a[1] - b[1]
		}
		return a[0] - b[0]
	})
	out := make([]*session, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.shards[k])
	}
	return out
}

// dispatchGuild sends an event about guildID ("" for none) to the sessions
// of the shards that own it; it fails the test if the bot never
// identified. An event no shard owns is dropped, as Discord would, and
// logged. s.mu must be held.
func (s *Server) dispatchGuild(guildID, event string, d any) bool {
	if s.last == nil {
		s.fail("dispatch of %s before the bot identified on the gateway; call WaitConnected first", event)
		return false
	}
	sessions := s.sessionsFor(guildID)
	if len(sessions) == 0 {
		s.logf("discordtest: gateway: %s of guild %q: no session has its shard; dropped", event, guildID)
	}
	for _, sess := range sessions {
		s.dispatchLocked(sess, event, d)
	}
	return true
}

// guildOfEvent finds the guild an event is about, as Discord routes it:
// d.guild_id, or d.id for the guild's own events.
func guildOfEvent(event string, d any) string {
	var f struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
	}
	b, err := json.Marshal(d)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return ""
	}
	switch {
	case f.GuildID != "":
		return f.GuildID
	case event == "GUILD_CREATE" || event == "GUILD_UPDATE" || event == "GUILD_DELETE":
		return f.ID
	}
	return ""
}

// AddGuildOnShard adds a guild like AddGuild, with an id that shard
// shardID of shardCount owns: its (id >> 22) % shardCount is shardID.
func (s *Server) AddGuildOnShard(name string, shardID, shardCount int) string {
	s.lock()
	if !validShard(shardKey{shardID, shardCount}) {
		s.fail("AddGuildOnShard: shard %d of %d does not exist", shardID, shardCount)
		s.mu.Unlock()
		return ""
	}
	// The next ids come from a later millisecond that falls on the shard;
	// they stay larger than every earlier one.
	ms := max(s.lastID>>22+1, uint64(max(s.now().UnixMilli()-discordEpoch, 0)))
	for int(ms%uint64(shardCount)) != shardID {
		ms++
	}
	s.lastID = ms<<22 - 1
	s.mu.Unlock()
	id := s.AddGuild(name)
	if got := shardOf(id, shardCount); got != shardID {
		s.lock()
		s.fail("AddGuildOnShard: guild %s is on shard %d, not %d", id, got, shardID)
		s.mu.Unlock()
	}
	return id
}

// ShardConnected reports whether the newest session of shard shardID of
// shardCount has a live connection.
func (s *Server) ShardConnected(shardID, shardCount int) bool {
	s.lock()
	defer s.mu.Unlock()
	sess := s.shards[shardKey{shardID, shardCount}]
	return sess != nil && sess.conn != nil
}

// WaitShardConnected waits until ShardConnected.
func (s *Server) WaitShardConnected(t testing.TB, shardID, shardCount int) {
	t.Helper()
	s.Wait(t, "the gateway connection of shard "+strconv.Itoa(shardID)+" of "+strconv.Itoa(shardCount),
		func() bool { return s.ShardConnected(shardID, shardCount) })
}
