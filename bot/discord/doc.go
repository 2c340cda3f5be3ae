// Package discord is the Discord adapter: it connects to the gateway with
// discordgo, turns slash commands, button presses, form submissions (modals)
// and direct messages into updates for the bot core, answers every
// interaction within Discord's three seconds, and delivers the core's
// outbox to channels, threads and direct messages.
//
// A group of a process is a channel or a thread ("dc:<channel id>"); a
// person is "dc:<user id>", reached privately in their direct messages.
// The bot asks for no privileged intent: answers come through buttons and
// forms, and direct messages are readable without one.
package discord
