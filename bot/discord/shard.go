package discord

import (
	"context"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Sharding: Discord splits a bot's gateway events over its connections by
// server, (guild id >> 22) % shard count, and sends events without a
// server (direct messages) to shard 0 only. Several instances on one
// store, one shard each, then each handle their own servers' events as
// they arrive. What an instance does of its own accord, not because an
// event came, must follow the same split, or every instance would do it:
//   - registering the slash commands: shard 0 only (each registration
//     overwrites the last, and Discord limits how often);
//   - catching up after a new session on what was missed: direct messages
//     on shard 0, a round's channel on the shard of its server.
// Sending (the outbox) and answering interactions are REST calls, which
// any instance may make for any server.

// sharded reports whether this instance is one of several shards.
func (a *Adapter) sharded() bool { return a.cfg.ShardCount > 1 }

// firstShard reports whether this instance is shard 0: the one that gets
// direct messages and registers the commands.
func (a *Adapter) firstShard() bool { return a.cfg.ShardID == 0 }

// ownsGuild reports whether the gateway sends this instance the events of
// guild. A guild id that is not a number belongs to shard 0, like an event
// without one.
func (a *Adapter) ownsGuild(guild string) bool {
	return shardOf(guild, a.cfg.ShardCount) == a.cfg.ShardID
}

// shardOf is Discord's sharding formula.
func shardOf(guild string, count int) int {
	id, err := strconv.ParseUint(guild, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// catchesUp reports whether this shard catches up on channel, one of the
// store's set of channels to catch up on (shared by every instance):
// direct messages on shard 0, which gets them live too; a round's channel
// on the shard of its server, so that the catching up is queued in the
// same order as that channel's live messages, which only that shard gets.
func (a *Adapter) catchesUp(ctx context.Context, set, channel string) bool {
	if !a.sharded() {
		return true
	}
	if set == dmChannelsKey {
		return a.firstShard()
	}
	return a.ownsGuild(a.guildOf(ctx, channel))
}

// guildOf is the server of a channel: remembered in the store (a channel
// never moves), else asked of Discord once for every instance. "" if
// Discord cannot say (the channel is gone, or the bot lost access): shard
// 0 then reads it, finds nothing, and it leaves the set.
func (a *Adapter) guildOf(ctx context.Context, channel string) string {
	if g, err := a.store.Temp(ctx, channelGuildKey(channel)); err == nil {
		return string(g)
	}
	ch, err := a.rest.Channel(channel, discordgo.WithContext(ctx))
	if err != nil {
		a.log.WarnContext(ctx, "ask Discord for a channel's server failed", "err", a.redact(err))
		return ""
	}
	if err := a.store.PutTemp(ctx, channelGuildKey(channel), []byte(ch.GuildID), roundCatchUp); err != nil {
		a.log.WarnContext(ctx, "remember a channel's server failed", "err", err)
	}
	return ch.GuildID
}

func channelGuildKey(channel string) string { return "discord:guild-of:" + channel }
