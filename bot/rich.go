package bot

import (
	"strings"

	"github.com/samen-bot/samen/flows"
)

// Style is how a span of rich text is shown.
type Style uint8

const (
	Bold Style = 1 << iota
	Italic
)

// Span is a piece of text in one style. Adapters escape every span for
// their platform: no text, from users or catalogs, is ever read as markup.
type Span struct {
	Text  string `json:"t"`
	Style Style  `json:"s,omitempty"`
}

// Rich is neutral rich text: spans, with "\n" between lines.
type Rich []Span

// Plain returns the text without styles.
func (r Rich) Plain() string {
	var b strings.Builder
	for _, s := range r {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Button is a rendered button: its label in the reader's language and the
// intent the adapter encodes.
type Button struct {
	Label  string
	Intent flows.Intent
}

// OutMessage is a rendered outbound operation for an adapter.
type OutMessage struct {
	// Chat or User (a private chat) receives it.
	Chat    string
	User    string
	Text    Rich
	Buttons [][]Button
	// EditID, when set, is the platform id of the message to replace.
	EditID string
	// Ref names what the message is ("round/3/…" for a round's message);
	// replies to it are matched through it.
	Ref string
}

// Reply is the direct answer to an update: a message in the chat the update
// came from, or (Private) one only its sender sees.
type Reply struct {
	Private bool
	Text    Rich
	Buttons [][]Button
	// File is a document to send with the reply (the record of /export).
	File *File
	// Lang is the catalog locale the reply is written in, for anything an
	// adapter adds to it.
	Lang string
	// Form, when set, is what the reply asks the person to write, as one
	// form: a platform with forms shows it instead of the reply and gives
	// the texts back in Update.Fields with the same Button. Without forms,
	// the reply's text asks for them one by one in the private chat.
	Form *Form
	// Asks says that the bot now waits for the person's next private text
	// (with or without a Form).
	Asks bool
}

// Form is a rendered flows.Form, for the pending input of Process. An
// adapter sends its texts back as Update.Fields with Update.Button the
// intent Intent(): a form answers the very input it was made for, or
// nothing (the person asked for something else since).
type Form struct {
	Process string
	// Input identifies the pending input the form asks for.
	Input  string
	Title  string
	Fields []FormField
}

// Intent is what a submitted form carries back.
func (f *Form) Intent() flows.Intent {
	return flows.Intent{Do: flows.DoForm, Process: f.Process, Arg: f.Input}
}

// FormField is one text a form asks for: a short label, a longer hint.
type FormField struct {
	Label, Hint string
	Long        bool
	MaxRunes    int // 0: the platform's limit
}

// File is a document for an adapter to send as an attachment.
type File struct {
	Name string
	Type string // a MIME type
	Data []byte
}
