package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrokenConfigChangesNothing: `samen run` with a broken config file, a
// bad value or a broken template refuses to start (exit 2), says what is
// wrong and how to fix it, and changes nothing: no store file, no secret
// written in the data directory. (TestConfigMistakesSayHowToFixThem has
// the other cases.)
func TestBrokenConfigChangesNothing(t *testing.T) {
	broken, err := os.ReadFile("../../flows/testdata/broken.toml")
	if err != nil {
		t.Fatal(err)
	}
	syntax, err := os.ReadFile("../../flows/testdata/syntax.toml")
	if err != nil {
		t.Fatal(err)
	}
	token := map[string]string{"SAMEN_TELEGRAM_TOKEN": "123456:abc"}
	tests := []struct {
		name      string
		config    string
		env       map[string]string
		templates map[string][]byte
		want      []string
	}{
		{"not TOML", "[store\ndata_dir = \"x\"\n", nil, nil,
			[]string{"samen.toml:1:", "config.example.toml shows every key"}},
		{"unknown section", "[telegrm]\nmode = \"poll\"\n", nil, nil,
			[]string{`unknown`, `"telegrm"`}},
		{"negative drain timeout", "[ops]\ndrain_timeout = \"-5s\"\n", nil, nil,
			[]string{`ops.drain_timeout is "-5s"`, `like "10s"`}},
		{"drain timeout without unit", "[ops]\ndrain_timeout = \"10\"\n", nil, nil,
			[]string{`ops.drain_timeout is "10"`}},
		{"listen without port", "[web]\nlisten = \"localhost\"\n", nil, nil,
			[]string{`web.listen (or SAMEN_LISTEN) is "localhost": use host:port`}},
		{"ops listen port out of range", "", map[string]string{"SAMEN_OPS_LISTEN": "127.0.0.1:99999"}, nil,
			[]string{`ops.listen (or SAMEN_OPS_LISTEN) is "127.0.0.1:99999"`, `"off"`}},
		{"unknown telegram mode", "[telegram]\nmode = \"push\"\n", token, nil,
			[]string{`telegram.mode is "push": use poll (the default) or webhook`}},
		{"webhook without address, URL or secret", "[telegram]\nmode = \"webhook\"\nwebhook_url = \"http://samen.example/hook\"\n", token, nil,
			[]string{"webhook_listen is empty", "public https URL", "SAMEN_TELEGRAM_WEBHOOK_SECRET"}},
		{"poll lease too short", "[telegram]\npoll_lease = \"1s\"\n", token, nil,
			[]string{`telegram.poll_lease is "1s": use a duration of at least 3s`}},
		{"negative poll lease", "[telegram]\npoll_lease = \"-30s\"\n", token, nil,
			[]string{`telegram.poll_lease is "-30s"`}},
		{"telegram token in the file", "[telegram]\ntoken = \"123456:hunter2\"\n", nil, nil,
			[]string{"telegram.token is in the config file", "SAMEN_TELEGRAM_TOKEN"}},
		{"not a bot token", "", map[string]string{"SAMEN_TELEGRAM_TOKEN": "hunter2"}, nil,
			[]string{"does not look like a bot token", "@BotFather"}},
		{"unknown playground mode", "[web]\nplayground = \"maybe\"\n", nil, nil,
			[]string{`web.playground is "maybe": use auto`}},
		{"template with a syntax error", "[templates]\ndir = \"templates\"\n", nil, map[string][]byte{"syntax.toml": syntax},
			[]string{"syntax.toml has problems (run samen check", "syntax.toml:5: syntax error"}},
		{"template with an unknown key and a kind without prompt", "[templates]\ndir = \"templates\"\n", nil, map[string][]byte{"broken.toml": broken},
			[]string{"broken.toml has problems (run samen check", `unknown key "relais"`, `kind "concerns" has no prompt`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "data")
			path := filepath.Join(dir, "samen.toml")
			config := strings.ReplaceAll(tt.config, `"templates"`, `"`+filepath.ToSlash(filepath.Join(dir, "templates"))+`"`)
			if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.templates != nil {
				os.Mkdir(filepath.Join(dir, "templates"), 0o700)
				for name, src := range tt.templates {
					if err := os.WriteFile(filepath.Join(dir, "templates", name), src, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			env := map[string]string{"SAMEN_DATA_DIR": data}
			for k, v := range tt.env {
				env[k] = v
			}
			code, out, errOut := run(t, env, "run", "-config", path)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("missing %q in:\n%s", w, errOut)
				}
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if strings.Contains(errOut, "hunter2") {
				t.Errorf("a secret is in the message:\n%s", errOut)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Errorf("the data directory was created (%v): a refused start must change nothing", err)
			}
		})
	}
}
