// Package telegram connects the bot core to Telegram, through
// github.com/go-telegram/bot for sending and its models for decoding.
//
// The library's sharp edges are covered here (research/platforms.md §1, §5):
// updates come in through our own poller or webhook handler, each decoded
// on its own (an undecodable one is set aside, never stalling the rest) and
// stored before Telegram is told it arrived; a redelivered update is
// handled once; every update is handled in order, in one goroutine, with
// panics recovered; commands are parsed by the core, /cmd@bot included;
// text goes out as HTML with every piece of user text escaped; sends keep
// to Telegram's rate limits and honour retry_after; a group upgraded to a
// supergroup moves with its process. Raw updates, which carry the sender's
// id, are kept only until they are handled, and tokens are never logged.
package telegram
