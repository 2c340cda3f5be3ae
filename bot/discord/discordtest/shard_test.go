package discordtest

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestShards: two discordgo sessions, shards 0 and 1 of 2, each get READY
// with their own guilds, and then only their guilds' events; direct
// messages go to shard 0.
func TestShards(t *testing.T) {
	fake := &Server{}
	fake.Start(t)
	g0 := fake.AddGuildOnShard("Zero", 0, 2)
	g1 := fake.AddGuildOnShard("One", 1, 2)
	c0, c1 := fake.AddChannel(g0, "zero"), fake.AddChannel(g1, "one")
	alice := fake.AddUser("alice", "nl")

	cols := []*collector{{}, {}}
	for i, col := range cols {
		dg := newSession(t, fake, baseIntents)
		dg.ShardID, dg.ShardCount = i, 2
		col.attach(dg)
		if err := dg.Open(); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		t.Cleanup(func() { dg.Close() })
		fake.WaitShardConnected(t, i, 2)
	}
	for i, want := range []string{g0, g1} {
		col := cols[i]
		fake.Wait(t, "READY", func() bool { return col.nReadies() == 1 })
		if gs := col.readies[0].Guilds; len(gs) != 1 || gs[0].ID != want {
			t.Errorf("shard %d: READY guilds %+v, want only %s", i, gs, want)
		}
	}

	// A guild event, a message and an interaction in each guild, and a DM.
	// (Mentioning the bot: without Message Content, the text is withheld.)
	zero, one := "<@"+fake.AppID+"> in zero", "<@"+fake.AppID+"> in one"
	fake.Say(alice, c0, zero)
	fake.Say(alice, c1, one)
	fake.DM(alice, "private")
	i0 := fake.Press(alice, c0, fake.botMessage(t, c0), "b")
	i1 := fake.Press(alice, c1, fake.botMessage(t, c1), "b")
	fake.Dispatch("GUILD_UPDATE", map[string]any{"id": g1, "name": "One renamed"})
	waitInteraction(t, fake, cols[0], i0)
	waitInteraction(t, fake, cols[1], i1)
	fake.Wait(t, "GUILD_UPDATE at shard 1", func() bool { return cols[1].sawType("GUILD_UPDATE") })
	fake.Wait(t, "the DM at shard 0", func() bool { return cols[0].message("private") != nil })

	for i, col := range cols {
		mine, theirs := []string{zero, "private"}, []string{one}
		if i == 1 {
			mine, theirs = []string{one}, []string{zero, "private"}
		}
		for _, m := range mine {
			if col.message(m) == nil {
				t.Errorf("shard %d did not get %q", i, m)
			}
		}
		for _, m := range theirs {
			if col.message(m) != nil {
				t.Errorf("shard %d got %q, of the other shard", i, m)
			}
		}
	}
	if cols[0].interaction(i1.ID) != nil || cols[1].interaction(i0.ID) != nil {
		t.Error("an interaction went to the shard that does not own its guild")
	}
	if cols[0].sawType("GUILD_UPDATE") {
		t.Error("shard 0 got the GUILD_UPDATE of shard 1's guild")
	}
}

// botMessage posts a bot message with a button in channel and returns its
// id, for Press.
func (s *Server) botMessage(t *testing.T, channel string) string {
	t.Helper()
	dg := newSession(t, s, baseIntents)
	m, err := dg.ChannelMessageSendComplex(channel, &discordgo.MessageSend{Content: "press", Components: []discordgo.MessageComponent{
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "b", CustomID: "b", Style: discordgo.PrimaryButton}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// TestInvalidShard: IDENTIFY with a shard outside its count is closed with
// 4010, as Discord does; a good one then still gets in.
func TestInvalidShard(t *testing.T) {
	fake := &Server{}
	fake.Start(t)
	for _, shard := range [][]int{{2, 2}, {-1, 2}, {0, 0}} {
		g := dialGW(t, fake)
		g.send(t, 2, map[string]any{"token": "Bot " + fake.Token, "intents": baseIntents, "shard": shard,
			"properties": map[string]string{"os": "linux", "browser": "test", "device": "test"}})
		if code := g.closeCode(t); code != 4010 {
			t.Errorf("shard %v: close %d, want 4010", shard, code)
		}
	}
	g := dialGW(t, fake)
	g.send(t, 2, map[string]any{"token": "Bot " + fake.Token, "intents": baseIntents, "shard": []int{1, 2},
		"properties": map[string]string{"os": "linux", "browser": "test", "device": "test"}})
	f := g.next(t)
	var ready struct{ Shard []int }
	json.Unmarshal(f.D, &ready)
	if f.T != "READY" || !slices.Equal(ready.Shard, []int{1, 2}) {
		t.Errorf("after bad shards, [1, 2] got %s %s", f.T, f.D)
	}
}
