// Package telegramtest provides a fake Telegram Bot API server for tests,
// in the manner of net/http/httptest: a Server's zero value is ready to
// Start, it keeps everything in memory, and it fails the test on any
// request it does not understand.
//
// The fake speaks the Bot API's wire format: POST (or GET)
// /bot<token>/<method> with the parameters as multipart/form-data (what
// go-telegram/bot sends, including the empty, unterminated body of methods
// without parameters), application/json, a form or a query string, and
// answers {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{…}} with Telegram's own error texts.
// Every request is checked against the Bot API description embedded from
// botapi.json (see gen_api.go): an unknown method or parameter, a missing
// required parameter or a value of the wrong type fails the test, as does
// a valid method the fake does not implement.
//
// A test drives the fake from both sides: it plays the users (Message,
// Press, PressButton, BotAdded, Migrate, Raw), whose updates the bot under
// test fetches with getUpdates or receives through DeliverWebhook, and it
// looks at what the bot did (Chat, Calls, CallbackAnswers, Commands) once
// Wait says it has happened:
//
//	fake := &telegramtest.Server{}
//	url := fake.Start(t) // also fills in fake.Token
//	b, err := bot.New(fake.Token, bot.WithServerURL(url),
//		bot.WithHTTPClient(2*time.Second, fake.Client()))
//	…
//	alice := telegramtest.User{ID: 111, FirstName: "Alice"}
//	fake.Message(alice, telegramtest.Private(alice), "/start")
//	fake.Wait(t, "the welcome", func() bool { return len(fake.Chat(alice.ID)) == 1 })
//
// What it emulates, as Telegram does: the limits on text length (counted
// after entity parsing), callback data and commands; Telegram's HTML
// parse mode, so that a missing escape fails the send with "can't parse
// entities"; inline keyboards; replies and forum topics; edits, with "message
// is not modified"; the 403 for a user who never started the bot or
// blocked it; group migration; privacy mode in groups; the flood limits
// (see Limits), with a clock the test can drive (Server.Now); long polling,
// offsets and the 409s for a second poller or an active webhook.
//
// It does not emulate MarkdownV2 (a send with it fails the test), inline
// mode, payments, polls and the other methods the fake does not implement.
package telegramtest
