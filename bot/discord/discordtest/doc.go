// Package discordtest provides a fake Discord (REST API v9 and gateway) for
// tests, in the manner of net/http/httptest: a Server's zero value is ready
// to Start, it keeps everything in memory, and it fails the test on any
// request it does not understand or that Discord would reject as malformed.
//
// The fake is built for the real github.com/bwmarrin/discordgo v0.29.0
// client. discordgo's endpoints are package variables fixed to
// https://discord.com/, so instead of changing them the test gives the
// session an HTTP client that rewrites every request to the fake:
//
//	fake := &discordtest.Server{}
//	fake.Start(t)
//	guild := fake.AddGuild("Circle")
//	channel := fake.AddChannel(guild, "deliberation")
//	alice := fake.AddUser("alice", "nl")
//
//	dg, _ := discordgo.New("Bot " + fake.Token)
//	dg.Client = fake.Client()
//	dg.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
//	dg.AddHandler(…)
//	dg.Open()                 // GET /api/v9/gateway, then the websocket
//	t.Cleanup(func() { dg.Close() })
//	fake.WaitConnected(t)
//
//	i := fake.Command(alice, channel, "propose", discordtest.Option{Name: "text", Type: 3, Value: "Adopt the budget"})
//	r := fake.WaitReply(t, i) // the bot's answer: a callback, or the edit after a deferral
//
// The REST side answers the routes a bot uses (gateway, users, application
// commands, interaction callbacks and webhooks, channel messages, threads,
// DM channels) with Discord's own status codes, error codes and rate-limit
// headers, and checks requests against Discord's limits: message length
// (in code points), components (rows, buttons, custom ids), modals, command
// names, descriptions and localizations. A malformed request (Discord's 400)
// or an unknown route fails the test given to Start; conditions a correct
// bot can meet (an interaction answered too late or twice, a 403, a 429, an
// unknown message) are only answered, and visible in Calls.
//
// The gateway side speaks the JSON gateway protocol over a gorilla
// websocket: HELLO, IDENTIFY (with the token check, close 4004, and the
// privileged intents check, close 4014), READY followed by GUILD_CREATE,
// heartbeats, RESUME with replay of the events the client missed, op 9
// INVALID_SESSION, op 7 RECONNECT, and close codes. IDENTIFY's shard
// [shard_id, num_shards] (default [0, 1]; outside its count: close 4010) is
// honoured: READY lists, and GUILD_CREATE follows for, the guilds with
// (id >> 22) % num_shards == shard_id, and a guild's events go to the
// most recent session of each shard that owns it, events without a guild
// (DMs) to shard 0's (AddGuildOnShard makes a guild a given shard owns).
// Dispatches are written at once while the session is connected, kept for
// a RESUME while it is not. Drop, CloseWith, RequestReconnect, Redeliver
// and Connected act on the most recent session of any shard. The test plays the users (Command, Press, Select,
// Submit, SubmitLabel, DM, Say, Dispatch) and breaks the connection (Drop,
// InvalidateSessions, RequestReconnect, CloseWith).
//
// Like Discord, the fake also tells the bot about what it did: its channel
// messages come back as MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE
// (if the session's intents ask for them), threads as THREAD_CREATE, and
// guilds, channels and threads added during the test as GUILD_CREATE,
// CHANNEL_CREATE and THREAD_CREATE.
//
// Times (interaction deadlines, the 15-minute token lifetime, timestamps
// and ids) come from Server.Now, so a test can drive them with a fake
// clock; Wait and the websocket use real time. An interaction's 3-second
// deadline counts from the call that created it, also when the event sat
// in the buffer while the bot was disconnected.
//
// Interaction semantics follow Discord: one initial callback (a second is
// 40060), types 6 and 7 only for component interactions and for modal
// submits of a modal opened from a component, no modal in answer to a
// modal submit, the first followup after a type 5 deferral edits the
// "thinking" message, UPDATE_MESSAGE and edits change only the fields
// they carry (discordgo always sends "content", so a type 7 without
// content clears it). Non-ephemeral replies are channel messages;
// ephemeral ones are kept apart (Message finds them, Messages does not).
//
// Not emulated: Components V2 (flag 1<<15 and its component types fail the
// test), embeds beyond counting them, permissions other than Forbid, real
// rate limiting (Inject429 scripts 429s), heartbeat timeouts, zlib
// compression and ETF.
package discordtest
