package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShardConfig: [discord] shard_id and shard_count, and their
// environment overrides (one file for every instance), are checked like
// Discord would check IDENTIFY's shard, with messages that say how to fix
// them; a good shard reaches the config.
func TestShardConfig(t *testing.T) {
	token := "MTA.x.y"
	tests := []struct {
		name   string
		config string
		env    map[string]string
		want   []string // in the error; none: valid
		id     int
		count  int
	}{
		{"default: one shard", "", nil, nil, 0, 1},
		{"second of three from the file", "[discord]\nshard_id = 1\nshard_count = 3\n", nil, nil, 1, 3},
		{"environment wins", "[discord]\nshard_id = 0\nshard_count = 2\n",
			map[string]string{"SAMEN_DISCORD_SHARD_ID": "1", "SAMEN_DISCORD_SHARD_COUNT": " 4 "}, nil, 1, 4},
		{"count zero", "[discord]\nshard_count = 0\n", nil,
			[]string{"discord.shard_count (or SAMEN_DISCORD_SHARD_COUNT) is 0", "use 1 (the default"}, 0, 0},
		{"id not below count", "[discord]\nshard_id = 2\nshard_count = 2\n", nil,
			[]string{"discord.shard_id (or SAMEN_DISCORD_SHARD_ID) is 2, but with shard_count 2 it must be 0 to 1"}, 0, 0},
		{"negative id from the environment", "", map[string]string{"SAMEN_DISCORD_SHARD_ID": "-1"},
			[]string{"shard_id (or SAMEN_DISCORD_SHARD_ID) is -1", "must be 0 to 0"}, 0, 0},
		{"not a number", "", map[string]string{"SAMEN_DISCORD_SHARD_COUNT": "two"},
			[]string{`SAMEN_DISCORD_SHARD_COUNT is "two": use a whole number`}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "samen.toml")
			if err := os.WriteFile(path, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"SAMEN_DISCORD_TOKEN": token, "SAMEN_DATA_DIR": filepath.Join(dir, "data")}
			for k, v := range tt.env {
				env[k] = v
			}
			cfg, err := loadConfig(path, true, func(k string) string { return env[k] })
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if cfg.Discord.ShardID != tt.id || cfg.Discord.ShardCount != tt.count {
					t.Errorf("shard %d of %d, want %d of %d", cfg.Discord.ShardID, cfg.Discord.ShardCount, tt.id, tt.count)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want an error with %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing %q in:\n%v", w, err)
				}
			}
		})
	}
}

// TestShardConfigRefusesToStart: `samen run` with a shard outside the count
// exits 2 with the message, before it connects to anything.
func TestShardConfigRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "samen.toml")
	if err := os.WriteFile(path, []byte("[discord]\nshard_count = 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SAMEN_DISCORD_TOKEN": "MTA.x.y", "SAMEN_DISCORD_SHARD_ID": "5", "SAMEN_DATA_DIR": filepath.Join(dir, "data")}
	code, _, errOut := run(t, env, "run", "-config", path)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, "discord.shard_id (or SAMEN_DISCORD_SHARD_ID) is 5, but with shard_count 2 it must be 0 to 1") {
		t.Errorf("stderr lacks the shard message:\n%s", errOut)
	}
}
