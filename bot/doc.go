// Package bot is Samen's platform-neutral bot: an inbound Update goes
// through command parsing, a Handler (net/http's shape: handlers return
// their reply or an error), the engine in package flows and the store, and
// comes out as a direct Reply plus outbound operations in a durable outbox,
// rendered through the catalogs into neutral rich text that platform
// adapters (bot/telegram, bot/discord, the simulator) translate.
//
// Nothing here knows a platform: chats and users are flows.ChatID and
// flows.UserID strings whose prefix names the platform, and buttons are
// flows.Intents that each adapter encodes its own way.
package bot
