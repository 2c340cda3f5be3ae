// Package simulate runs scripted conversations against the real bot core:
// several chats, several people, commands, replies, button presses, private
// answers and clock steps, with checks on what the bot says and on the
// engine's numbers. It is a platform adapter like bot/telegram, whose
// platform is a script: `samen simulate FILE` prints the transcript, and the
// golden transcripts in testdata/ run as tests.
//
// A script is a list of lines:
//
//	# a comment
//	clock 2026-03-02 09:00 Europe/Amsterdam   the start time (before any action)
//	person wim "Wim"                          a person (sim:wim), shown as Wim
//	chat bewoners "Bewoners Dorpsstraat"      a group chat (sim:bewoners)
//
//	ilse in bewoners: /new Opvang Dorpsstraat a message in a group chat
//	ilse: /status                             a message in ilse's private chat with the bot
//	wim in bewoners replies: Ik woon hier…    a reply to the newest round message there (an answer)
//	wim in bewoners replies to #12: Ja        a reply to bot message #12
//	wim in bewoners edits: Ik woon hier…      an edited reply
//	wim in bewoners replies to henk: Klopt    a reply to another person's message
//	ilse in bewoners: /rep @wim               @person mentions that person
//	wim in bewoners sends photo               non-text content (photo, voice, sticker)
//	wim in bewoners replies with voice        non-text content as a reply to the bot
//	sara sends voice                          non-text content in sara's private chat
//	wim presses "Ik pas" in bewoners          a button on the newest message there that has it
//	sara presses "Intrekken"                  a button in sara's private chat
//	at +24h                                   move the clock (or: at 2026-03-05 09:00) and run timers
//
//	expect bewoners: Ronde 3                  since the last action, the bot said this (a
//	                                          substring) in that chat (a person's name: their
//	                                          private chat)
//	expect not bewoners: Wat er gezegd is     … and did not say this there
//	expect nothing in bewoners                since the last action, the bot said nothing there
//	check bewoners: members=4 answered=3 passed=1 round=3
//	                                          the engine's numbers for that chat (any subset)
//	check bewoners: turn=wim held=1           who holds the talking piece in the round open
//	                                          there (a person, or none) and how many answers
//	                                          given out of turn wait for their turn
//	check bewoners: started=1                 members who started the open intake there and
//	                                          have not finished it
//	check bewoners: hidden=2                  answers a facilitator kept out of the summary of
//	                                          the chat's latest round
//	check bewoners: paused=1                  whether the process is paused (0 or 1)
package simulate
