package bot

import (
	"strings"
	"unicode"
)

// parsedCommand is a command in a message: /name@bot args.
type parsedCommand struct {
	Name string // lower case, without slash and @bot
	To   string // the @bot it was addressed to, if any
	Args string
}

// parseCommand reads a command at the start of text. ok is false when the
// text is not a command.
func parseCommand(text string) (c parsedCommand, ok bool) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if !strings.HasPrefix(text, "/") {
		return c, false
	}
	head, args, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, args = head[:i], head[i:]+" "+args
	}
	name, to, _ := strings.Cut(head, "@")
	if name == "" || !isCommandName(name) {
		return c, false
	}
	return parsedCommand{Name: strings.ToLower(name), To: to, Args: strings.TrimSpace(args)}, true
}

func isCommandName(s string) bool {
	if len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// forUs reports whether a command addressed to c.To is ours.
func (c parsedCommand) forUs(botName string) bool {
	return c.To == "" || strings.EqualFold(c.To, botName)
}

// firstWord splits args into the first word and the rest.
func firstWord(args string) (string, string) {
	args = strings.TrimSpace(args)
	i := strings.IndexFunc(args, unicode.IsSpace)
	if i < 0 {
		return args, ""
	}
	return args[:i], strings.TrimSpace(args[i:])
}
