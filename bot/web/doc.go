// Package web is the playground: a real platform adapter whose platform is
// a web page served by the bot itself. One person at the keyboard chooses
// who they are (the facilitator, or any resident), types in group rooms
// and in each person's private chat with the bot, presses the bot's
// buttons and fills in its forms — through the same bot core as Telegram
// and Discord, so a whole process can be rehearsed without any chat
// platform.
//
// Ids: a group room is "web:<room>", a person "web:<person>", and a
// person's private chat with the bot is the chat "web:<person>" (private).
// Room and person names are kept distinct for that reason.
//
// The Playground keeps every chat's messages in memory (the people and
// rooms themselves in the store), is the core's bot.Transport for "web",
// and serves the page (Handler). Every POST needs the page's CSRF token
// and is refused cross-origin; every text is escaped by html/template.
// Web addresses in the bot's messages are links (linkParts splits the text
// on the server; only http and https), opening in a new tab: the
// dashboard's link above all, so that the playground stays open beside it.
//
// The pages' own texts (the playground's and the dashboard's) come from
// the catalogs, under web.* keys (words.go): the playground speaks the
// language of the person it shows (/lang, else Dutch); a dashboard page
// of a process speaks the facilitator's language for it (/lang, else the
// process's, in its register: nl-u says "u"); the scripts take their few
// texts from the page (data-text-* attributes), so they need no catalog.
package web
