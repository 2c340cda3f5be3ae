package flows

import (
	"fmt"
	"strings"
	"time"
)

// MsgKey names a text in the catalogs (catalog/nl.toml, catalog/en.toml).
type MsgKey string

// Message is a semantic message: what to say, to whom, with which buttons.
// The bot renders it through the catalogs in the reader's language; the
// adapter turns the result into its platform's markup.
type Message struct {
	To      Dest       `json:"to"`
	Lines   []Line     `json:"lines"`
	Buttons [][]Button `json:"buttons,omitempty"`
	// Ref names the message so that a later message with Edit can change it
	// (the live progress line of a round).
	Ref  string `json:"ref,omitempty"`
	Edit bool   `json:"edit,omitempty"`
	// Private marks a reply only the actor sees (a private chat, an
	// ephemeral message). A reply names no one: it goes to whoever acted,
	// so even the reply to an anonymous answer can be stored with it.
	Private bool `json:"private,omitempty"`
}

// Dest is a chat, or a person reached in their private chat with the bot.
// The zero Dest, in a reply, means the chat the action came from.
type Dest struct {
	Chat ChatID `json:"chat,omitempty"`
	User UserID `json:"user,omitempty"`
}

// Key returns the destination as one string, for ordering sends per chat.
func (d Dest) Key() string {
	if d.User != "" {
		return "user:" + string(d.User)
	}
	return "chat:" + string(d.Chat)
}

// ToChat and ToUser build destinations.
func ToChat(c ChatID) Dest { return Dest{Chat: c} }

// ToUser addresses a person privately.
func ToUser(u UserID) Dest { return Dest{User: u} }

// Line is one catalog text with its parameters; a message is a list of lines.
type Line struct {
	Key    MsgKey           `json:"k"`
	Params map[string]Param `json:"p,omitempty"`
}

// Param is a value in a line. Exactly one field is set.
type Param struct {
	// Text is user or operator text: always shown verbatim, never read as markup.
	Text string `json:"s,omitempty"`
	// Num is a count; a catalog text can have a singular form for 1.
	Num *int `json:"n,omitempty"`
	// Time is shown in Zone (an IANA name) in the reader's language.
	Time *time.Time `json:"t,omitempty"`
	Zone string     `json:"z,omitempty"`
	// Key is another catalog text (a kind's title, a role).
	Key MsgKey `json:"k,omitempty"`
	// Local is text per language, from a template.
	Local Text `json:"l,omitempty"`
}

// Zoned is a time to show in a time zone.
type Zoned struct {
	T    time.Time
	Zone string
}

// L builds a line from a key and name/value pairs. Values may be string
// (shown verbatim), int, Zoned, MsgKey or Text. A value of another type is a
// programming error and panics.
func L(key MsgKey, kv ...any) Line {
	if len(kv)%2 != 0 {
		panic(fmt.Sprintf("flows.L(%s): odd number of arguments", key))
	}
	line := Line{Key: key}
	if len(kv) > 0 {
		line.Params = make(map[string]Param, len(kv)/2)
	}
	for i := 0; i < len(kv); i += 2 {
		name, ok := kv[i].(string)
		if !ok {
			panic(fmt.Sprintf("flows.L(%s): parameter name %v is not a string", key, kv[i]))
		}
		line.Params[name] = paramOf(key, kv[i+1])
	}
	return line
}

func paramOf(key MsgKey, v any) Param {
	switch v := v.(type) {
	case string:
		return Param{Text: v}
	case int:
		return Param{Num: &v}
	case Zoned:
		t := v.T
		return Param{Time: &t, Zone: v.Zone}
	case MsgKey:
		return Param{Key: v}
	case Text:
		return Param{Local: v}
	default:
		panic(fmt.Sprintf("flows.L(%s): unsupported parameter type %T", key, v))
	}
}

// Button is a button under a message: a label and what pressing it means.
type Button struct {
	Label  Line   `json:"label"`
	Intent Intent `json:"do"`
}

// Intent is what a button asks for. Adapters encode it compactly and make
// it unforgeable; the engine checks it against the state like any command.
type Intent struct {
	Do      string `json:"do"`
	Process string `json:"p,omitempty"`
	// N is the number of what the button is about: a round, a proposal,
	// an objection or a nomination, as Do says.
	N     int     `json:"n,omitempty"`
	Group GroupID `json:"g,omitempty"`
	Arg   string  `json:"a,omitempty"`
}

// Intent actions.
const (
	DoJoin     = "join"     // join Group, consenting to the rules shown
	DoAnswer   = "answer"   // answer Round privately; Arg "anon" for anonymously
	DoPass     = "pass"     // pass in Round
	DoWithdraw = "withdraw" // withdraw one's answer in Round
	DoApprove  = "approve"  // approve and relay Round's summary
	DoTemplate = "template" // switch the process to template Arg

	DoVote              = "vote"        // answer consent round N: Arg consent, concern, objection or question
	DoClassify          = "classify"    // classify proposal N's new version: Arg substantive or editorial
	DoResolve           = "resolve"     // objection N is resolved by version Arg
	DoWithdrawObjection = "unobject"    // withdraw objection N
	DoExtend            = "extend"      // give Group more time in consent round N
	DoSilence           = "silence"     // count Group's silence as consent in round N
	DoStuck             = "stuck"       // the way forward for proposal N: Arg is the option
	DoRepObject         = "repobject"   // object to nomination N
	DoRepAnswer         = "repanswer"   // accept (Arg yes) or decline nomination N
	DoRepWithdraw       = "repwithdraw" // withdraw nomination N
	DoConfirm           = "confirm"     // confirm the group's consent to proposal N
	DoUnconfirm         = "unconfirm"   // withdraw the group's confirmation of proposal N
	DoPause             = "pause"       // pause the process (after a time-out request)
	DoHide              = "hide"        // hide an answer of closed round N (asks which and why)
	DoSynthesis         = "synthesis"   // add a synthesis to closed round N
	DoIntake            = "intake"      // start or continue one's intake in round N
	DoForget            = "forget"      // erase the person who presses it (after /forget explained it)
	// DoForm is no button: it carries a submitted form (the texts of
	// pending input, all at once) for process P.
	DoForm = "form"
)

// Text is a text in several languages ("nl", "en"), as templates give it.
type Text map[string]string

// In returns the text in lang (a catalog locale such as "nl-u" falls back
// to its language), falling back to Dutch, then to any language.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if base, _, formal := strings.Cut(lang, "-"); formal {
		return t.In(base) // nl-u falls back to nl
	}
	if s, ok := t[DefaultLanguage]; ok && s != "" {
		return s
	}
	for _, l := range Languages {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// DefaultLanguage is the language of a new process and of the bot until a
// person chooses another.
const DefaultLanguage = "nl"

// Languages the catalogs and templates carry.
var Languages = []string{"nl", "en"}

// ValidLanguage reports whether lang is one the catalogs carry.
func ValidLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
