package discord

import (
	"sync"

	"github.com/bwmarrin/discordgo"
)

// guildChannels remembers which channels and threads are in which server,
// from the gateway's events, so that the bot's removal from a server can be
// told for each of its chats.
type guildChannels struct {
	mu   sync.Mutex
	byID map[string]map[string]bool // guild → channels and threads
}

func (g *guildChannels) add(guild string, channels ...*discordgo.Channel) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byID == nil {
		g.byID = map[string]map[string]bool{}
	}
	if g.byID[guild] == nil {
		g.byID[guild] = map[string]bool{}
	}
	for _, c := range channels {
		if c != nil && c.ID != "" {
			g.byID[guild][c.ID] = true
		}
	}
}

func (g *guildChannels) forget(guild, channel string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.byID[guild], channel)
}

// remove forgets a server and returns its channels.
func (g *guildChannels) remove(guild string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for id := range g.byID[guild] {
		out = append(out, id)
	}
	delete(g.byID, guild)
	return out
}

func (a *Adapter) onGuildCreate(e *discordgo.GuildCreate) {
	if e.Guild == nil {
		return
	}
	a.guilds.add(e.ID, e.Channels...)
	a.guilds.add(e.ID, e.Threads...)
}

func (a *Adapter) onChannelCreate(e *discordgo.ChannelCreate) {
	if e.Channel != nil && e.GuildID != "" {
		a.guilds.add(e.GuildID, e.Channel)
	}
}

func (a *Adapter) onThreadCreate(e *discordgo.ThreadCreate) {
	if e.Channel != nil && e.GuildID != "" {
		a.guilds.add(e.GuildID, e.Channel)
	}
}

// onGuildDelete: the bot was removed from a server (an outage of the
// server says Unavailable, and passes). Every chat there is lost.
func (a *Adapter) onGuildDelete(e *discordgo.GuildDelete) {
	if e.Guild == nil || e.Unavailable {
		return
	}
	if channels := a.guilds.remove(e.ID); len(channels) > 0 {
		a.loseChats(channels, "dc:removed:"+e.ID+":")
	}
}
