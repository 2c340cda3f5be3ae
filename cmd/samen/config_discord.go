package main

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// DiscordConfig connects the bot to Discord. The token comes from the
// environment only (SAMEN_DISCORD_TOKEN); the key exists in the file so
// that putting it there gets an explanation, not "unknown key".
type DiscordConfig struct {
	Token         string `toml:"token"`
	ApplicationID string `toml:"application_id"`
	// GuildIDs are the servers to register the slash commands in; empty:
	// globally.
	GuildIDs []string `toml:"guild_ids"`
	APIURL   string   `toml:"api_url"`
	// RoundThreads opens a thread on each round's message in a channel.
	RoundThreads bool `toml:"round_threads"`
	// ShardID and ShardCount split the bot's servers over instances: this
	// instance's gateway gets the servers whose (id >> 22) % ShardCount is
	// ShardID, and shard 0 also the direct messages (env
	// SAMEN_DISCORD_SHARD_ID and SAMEN_DISCORD_SHARD_COUNT win, so that one
	// file serves every instance). Default 0 of 1: one instance, every server.
	ShardID    int `toml:"shard_id"`
	ShardCount int `toml:"shard_count"`
}

// Enabled reports whether Discord is configured.
func (d DiscordConfig) Enabled() bool { return d.Token != "" }

// fromEnv takes the Discord token from the environment, and refuses it in
// the file.
func (d *DiscordConfig) fromEnv(getenv func(string) string) error {
	if d.Token != "" {
		return errors.New("discord.token is in the config file: remove it and set SAMEN_DISCORD_TOKEN in the environment instead, so the token stays out of files")
	}
	d.Token = strings.TrimSpace(getenv("SAMEN_DISCORD_TOKEN"))
	if v := getenv("SAMEN_DISCORD_API_URL"); v != "" {
		d.APIURL = v
	}
	for _, n := range []struct {
		env string
		to  *int
	}{{"SAMEN_DISCORD_SHARD_ID", &d.ShardID}, {"SAMEN_DISCORD_SHARD_COUNT", &d.ShardCount}} {
		v := strings.TrimSpace(getenv(n.env))
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s is %q: use a whole number, like 0 or 2", n.env, v)
		}
		*n.to = i
	}
	return nil
}

func (d DiscordConfig) validate() []error {
	if !d.Enabled() {
		return nil
	}
	var errs []error
	if strings.HasPrefix(d.Token, "Bot ") {
		errs = append(errs, errors.New(`SAMEN_DISCORD_TOKEN starts with "Bot ": set the token alone, as the Developer Portal shows it`))
	}
	if d.ApplicationID != "" && !isSnowflake(d.ApplicationID) {
		errs = append(errs, fmt.Errorf("discord.application_id %q is not an id: copy the Application ID from the Developer Portal's General Information page", d.ApplicationID))
	}
	for _, g := range d.GuildIDs {
		if !isSnowflake(g) {
			errs = append(errs, fmt.Errorf("discord.guild_ids has %q, which is not a server id: in Discord, turn on Developer Mode and use Copy Server ID", g))
		}
	}
	errs = append(errs, d.validateShard()...)
	if d.APIURL != "" {
		if u, err := url.Parse(d.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("discord.api_url %q is not a URL like https://discord.com", d.APIURL))
		}
	}
	return errs
}

// validateShard checks the shard the way Discord would (it closes the
// gateway with 4010, invalid shard), but says how to fix it.
func (d DiscordConfig) validateShard() []error {
	if d.ShardCount < 1 {
		return []error{fmt.Errorf("discord.shard_count (or SAMEN_DISCORD_SHARD_COUNT) is %d: use 1 (the default: one instance handles every server) or the number of instances that split the servers", d.ShardCount)}
	}
	if d.ShardID < 0 || d.ShardID >= d.ShardCount {
		return []error{fmt.Errorf("discord.shard_id (or SAMEN_DISCORD_SHARD_ID) is %d, but with shard_count %d it must be 0 to %d: give each instance its own number, counting from 0", d.ShardID, d.ShardCount, d.ShardCount-1)}
	}
	return nil
}

func isSnowflake(s string) bool {
	return len(s) >= 15 && len(s) <= 21 && strings.Trim(s, "0123456789") == ""
}
