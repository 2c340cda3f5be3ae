package telegramtest

// ParseHTML parses text in Telegram's HTML style as the fake's sendMessage
// does (before trimming), returning the plain text and its entities, or the
// error the Bot API would answer with. Fuzz tests of rendering use it.
func ParseHTML(text string) (string, []Entity, error) { return parseHTML(text) }
