package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// recorder is a testing.TB that records Errorf instead of failing, to
// check that the fake reports invalid requests.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

// take returns the recorded errors and forgets them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.errs
	r.errs = nil
	return out
}

// clock is a settable clock for Server.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type readySnapshot struct {
	Version   int
	SessionID string
	User      discordgo.User
	Guilds    []discordgo.Guild
}

// collector records what a discordgo session received.
type collector struct {
	mu           sync.Mutex
	readies      []readySnapshot
	resumed      int
	interactions []*discordgo.InteractionCreate
	messages     []*discordgo.MessageCreate
	types        []string // every dispatch's t, in order
}

func (c *collector) attach(dg *discordgo.Session) {
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		// discordgo's State keeps and later changes the guilds of READY:
		// copy what the tests look at.
		snap := readySnapshot{Version: r.Version, SessionID: r.SessionID}
		if r.User != nil {
			snap.User = *r.User
		}
		for _, g := range r.Guilds {
			snap.Guilds = append(snap.Guilds, discordgo.Guild{ID: g.ID, Unavailable: g.Unavailable})
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.readies = append(c.readies, snap)
	})
	dg.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.resumed++
	})
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.interactions = append(c.interactions, i)
	})
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.messages = append(c.messages, m)
	})
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.types = append(c.types, e.Type)
	})
}

func (c *collector) interaction(id string) *discordgo.InteractionCreate {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, i := range c.interactions {
		if i.ID == id {
			return i
		}
	}
	return nil
}

func (c *collector) nReadies() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.readies)
}

func (c *collector) nResumed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.resumed
}

func (c *collector) message(content string) *discordgo.MessageCreate {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.messages {
		if m.Content == content {
			return m
		}
	}
	return nil
}

func (c *collector) sawType(t string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.types {
		if x == t {
			return true
		}
	}
	return false
}

// newSession returns a discordgo session for fake, not yet opened.
func newSession(t *testing.T, fake *Server, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + fake.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = fake.Client()
	dg.Identify.Intents = intents
	dg.ShouldRetryOnRateLimit = false
	dg.SyncEvents = true // handlers run in order, in the reader goroutine
	return dg
}

func waitInteraction(t *testing.T, fake *Server, col *collector, i *Interaction) *discordgo.InteractionCreate {
	t.Helper()
	var ic *discordgo.InteractionCreate
	fake.Wait(t, "interaction "+i.ID+" at the bot", func() bool {
		ic = col.interaction(i.ID)
		return ic != nil
	})
	return ic
}

func restError(t *testing.T, what string, err error, status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Errorf("%s: error %v, want a RESTError %d/%d", what, err, status, code)
		return
	}
	if re.Response.StatusCode != status || re.Message == nil || re.Message.Code != code {
		t.Errorf("%s: HTTP %d %s, want %d with code %d", what, re.Response.StatusCode, re.ResponseBody, status, code)
	}
}

func reply(content string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: content},
	}
}

var voteButtons = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
	discordgo.Button{Label: "Consent", Style: discordgo.SuccessButton, CustomID: "v1:p1:consent"},
	discordgo.Button{Label: "Object", Style: discordgo.DangerButton, CustomID: "v1:p1:object"},
}}}

const baseIntents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// TestDiscordgo runs the real discordgo client against the fake, with one
// session for all subtests (Session.Close sleeps a second).
func TestDiscordgo(t *testing.T) {
	clk := newClock()
	fake := &Server{Now: clk.Now}
	fake.Start(t)
	guild := fake.AddGuild("Deliberation Circle")
	ch := fake.AddChannel(guild, "deliberation")
	alice := fake.AddUser("alice", "en-US")
	bob := fake.AddUser("bob", "")

	col := &collector{}
	dg := newSession(t, fake, baseIntents)
	dg.ShouldReconnectOnError = true
	col.attach(dg)
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { dg.Close() })
	fake.WaitConnected(t)
	fake.Wait(t, "READY at the bot", func() bool { return col.nReadies() == 1 })

	t.Run("ready", func(t *testing.T) {
		col.mu.Lock()
		r := col.readies[0]
		col.mu.Unlock()
		if r.User.ID != fake.AppID || !r.User.Bot || r.User.Username != DefaultBotName {
			t.Errorf("READY user %+v", r.User)
		}
		if r.SessionID == "" || r.SessionID != fake.SessionID() || r.Version != 9 {
			t.Errorf("READY session %q v%d, fake session %q", r.SessionID, r.Version, fake.SessionID())
		}
		if len(r.Guilds) != 1 || r.Guilds[0].ID != guild || !r.Guilds[0].Unavailable {
			t.Errorf("READY guilds %+v", r.Guilds)
		}
		if got := fake.Intents(); got != int(baseIntents) {
			t.Errorf("Intents() = %d, want %d", got, baseIntents)
		}
		fake.Wait(t, "GUILD_CREATE at the bot", func() bool { return col.sawType("GUILD_CREATE") })
		if c, err := dg.State.Channel(ch); err != nil || c.Name != "deliberation" {
			t.Errorf("state channel %v, %v", c, err)
		}
	})

	var proposeID string
	t.Run("commands", func(t *testing.T) {
		nl := map[discordgo.Locale]string{discordgo.Dutch: "voorstellen"}
		nlDesc := map[discordgo.Locale]string{discordgo.Dutch: "Doe een voorstel"}
		cmds := []*discordgo.ApplicationCommand{{
			Name: "propose", Description: "Make a proposal",
			NameLocalizations: &nl, DescriptionLocalizations: &nlDesc,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "The proposal", Required: true},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "anonymous", Description: "Hide your name"},
			},
		}, {Name: "status", Description: "Show the status"}}
		got, err := dg.ApplicationCommandBulkOverwrite(fake.AppID, guild, cmds)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID == "" || got[0].Name != "propose" || got[0].GuildID != guild || got[0].ApplicationID != fake.AppID {
			t.Fatalf("overwrite answered %+v", got)
		}
		proposeID = got[0].ID
		again, err := dg.ApplicationCommandBulkOverwrite(fake.AppID, guild, cmds)
		if err != nil || again[0].ID != proposeID {
			t.Errorf("second overwrite: %v, id %s, want the same id %s", err, again[0].ID, proposeID)
		}
		list, err := dg.ApplicationCommands(fake.AppID, guild)
		if err != nil || len(list) != 2 {
			t.Errorf("ApplicationCommands: %v, %d commands", err, len(list))
		}
		if n := len(fake.Commands(guild)); n != 2 {
			t.Errorf("Commands(guild) has %d", n)
		}
	})

	var proposalID string
	t.Run("slash command", func(t *testing.T) {
		i := fake.Command(alice, ch, "propose", Option{Name: "text", Type: 3, Value: "Adopt the budget"})
		ic := waitInteraction(t, fake, col, i)
		if ic.Type != discordgo.InteractionApplicationCommand {
			t.Fatalf("type %v", ic.Type)
		}
		data := ic.ApplicationCommandData()
		if data.Name != "propose" || data.ID != proposeID || len(data.Options) != 1 || data.Options[0].StringValue() != "Adopt the budget" {
			t.Errorf("data %+v", data)
		}
		if ic.Member == nil || ic.Member.User.ID != alice.ID || ic.User != nil || ic.GuildID != guild || ic.ChannelID != ch || ic.Locale != discordgo.EnglishUS {
			t.Errorf("interaction from %+v / %+v in %s/%s, locale %s", ic.Member, ic.User, ic.GuildID, ic.ChannelID, ic.Locale)
		}
		err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: "Proposal P1: Adopt the budget. @everyone, do you consent?", Components: voteButtons,
				AllowedMentions: &discordgo.MessageAllowedMentions{},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := fake.WaitResponse(t, i)
		if r.Kind != "callback" || r.Type != 4 || !strings.HasPrefix(r.Content, "Proposal P1") || len(r.Components) != 1 || len(r.Components[0].Components) != 2 {
			t.Fatalf("response %+v", r)
		}
		if r.Components[0].Components[1].CustomID != "v1:p1:object" || r.Components[0].Components[1].Style != 4 {
			t.Errorf("buttons %+v", r.Components)
		}
		proposalID = r.MessageID
		msgs := fake.Messages(ch)
		if len(msgs) != 1 || msgs[0].ID != proposalID || msgs[0].AuthorID != fake.AppID || msgs[0].InteractionID != i.ID {
			t.Fatalf("messages %+v", msgs)
		}
		if !msgs[0].HasAllowedMentions || len(msgs[0].AllowedMentionsParse) != 0 || msgs[0].PingsEveryone {
			t.Errorf("allowed mentions %+v", msgs[0])
		}
		err = dg.InteractionRespond(ic.Interaction, reply("again"))
		restError(t, "second response", err, http.StatusBadRequest, 40060)
		if n := len(fake.Responses(i)); n != 1 {
			t.Errorf("%d responses after the rejected second one", n)
		}
	})

	t.Run("button", func(t *testing.T) {
		i := fake.Press(bob, ch, proposalID, "v1:p1:consent")
		ic := waitInteraction(t, fake, col, i)
		if ic.Type != discordgo.InteractionMessageComponent {
			t.Fatalf("type %v", ic.Type)
		}
		data := ic.MessageComponentData()
		if data.CustomID != "v1:p1:consent" || data.ComponentType != discordgo.ButtonComponent {
			t.Errorf("data %+v", data)
		}
		if ic.Message == nil || ic.Message.ID != proposalID || len(ic.Message.Components) != 1 || ic.Member.User.ID != bob.ID || ic.Locale != discordgo.Dutch {
			t.Errorf("message %+v, user %+v, locale %s", ic.Message, ic.Member.User, ic.Locale)
		}
		err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Proposal P1: 1 consent", Components: voteButtons},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := fake.WaitReply(t, i)
		if r.Type != 7 || r.Content != "Proposal P1: 1 consent" || r.MessageID != proposalID {
			t.Errorf("reply %+v", r)
		}
		m, _ := fake.Message(proposalID)
		if m.Edits != 1 || m.Content != "Proposal P1: 1 consent" || len(m.Components) != 1 {
			t.Errorf("message after the update %+v", m)
		}
	})

	t.Run("modal", func(t *testing.T) {
		i := fake.Command(alice, ch, "propose", Option{Name: "text", Type: 3, Value: "x"})
		ic := waitInteraction(t, fake, col, i)
		err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{
				CustomID: "concern:p1", Title: "Raise a concern",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "concern_text", Label: "What is missing?", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 1000},
				}}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := fake.WaitReply(t, i)
		if r.Type != 9 || r.Modal == nil || r.Modal.CustomID != "concern:p1" || len(r.Modal.Inputs) != 1 ||
			r.Modal.Inputs[0].CustomID != "concern_text" || !r.Modal.Inputs[0].Required || r.Modal.Inputs[0].MaxLength != 1000 {
			t.Fatalf("reply %+v (modal %+v)", r, r.Modal)
		}

		s := fake.Submit(alice, ch, "concern:p1", "Maintenance costs are missing")
		sc := waitInteraction(t, fake, col, s)
		if sc.Type != discordgo.InteractionModalSubmit || sc.Data == nil {
			t.Fatalf("submit %+v", sc.Interaction)
		}
		md := sc.ModalSubmitData()
		row, ok := md.Components[0].(*discordgo.ActionsRow)
		if !ok || md.CustomID != "concern:p1" {
			t.Fatalf("modal data %+v", md)
		}
		in, ok := row.Components[0].(*discordgo.TextInput)
		if !ok || in.CustomID != "concern_text" || in.Value != "Maintenance costs are missing" {
			t.Errorf("text input %+v", row.Components[0])
		}
		err = dg.InteractionRespond(sc.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Concern noted.", Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatal(err)
		}
		sr := fake.WaitReply(t, s)
		if sr.Flags != 64 || sr.Content != "Concern noted." {
			t.Errorf("reply %+v", sr)
		}
		if m, ok := fake.Message(sr.MessageID); !ok || !m.Ephemeral {
			t.Errorf("ephemeral reply %+v", m)
		}
		for _, m := range fake.Messages(ch) {
			if m.ID == sr.MessageID {
				t.Errorf("the ephemeral reply is a channel message")
			}
		}

		// The current Label form, which discordgo 0.29 cannot decode.
		l := fake.SubmitLabel(alice, ch, "concern:p1", "Label form")
		lc := waitInteraction(t, fake, col, l)
		if lc.Type != discordgo.InteractionModalSubmit || lc.Data != nil {
			t.Errorf("label submit arrived with data %#v", lc.Data)
		}
	})

	t.Run("deferred", func(t *testing.T) {
		i := fake.Command(alice, ch, "status")
		ic := waitInteraction(t, fake, col, i)
		if err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Fatal(err)
		}
		if r := fake.WaitResponse(t, i); r.Type != 5 {
			t.Errorf("response %+v", r)
		}
		content := "Status: 1 open proposal"
		if _, err := dg.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &content}); err != nil {
			t.Fatal(err)
		}
		r := fake.WaitReply(t, i)
		if r.Kind != "edit" || r.Content != content || r.Flags != 0 {
			t.Errorf("reply %+v", r)
		}
		fm, err := dg.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "Only you see this", Flags: discordgo.MessageFlagsEphemeral})
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := fake.Message(fm.ID); !ok || !m.Ephemeral || m.Content != "Only you see this" {
			t.Errorf("followup %+v", m)
		}
		if rs := fake.Responses(i); len(rs) != 3 || rs[2].Kind != "followup" {
			t.Errorf("responses %+v", rs)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		i := fake.Command(alice, ch, "status")
		ic := waitInteraction(t, fake, col, i)
		clk.Advance(DefaultInteractionDeadline + time.Millisecond)
		err := dg.InteractionRespond(ic.Interaction, reply("too late"))
		restError(t, "late response", err, http.StatusNotFound, 10062)
		if rs := fake.Responses(i); len(rs) != 0 {
			t.Errorf("responses %+v", rs)
		}
	})

	t.Run("channel messages", func(t *testing.T) {
		m, err := dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{
			Content:         "Hello @everyone",
			Components:      voteButtons,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == "" || m.ChannelID != ch || m.Author.ID != fake.AppID || len(m.Components) != 1 {
			t.Errorf("answer %+v", m)
		}
		got, ok := fake.Message(m.ID)
		if !ok || got.Content != "Hello @everyone" || got.PingsEveryone || !got.HasAllowedMentions || len(got.AllowedMentionsParse) != 1 {
			t.Errorf("stored %+v", got)
		}
		edited, err := dg.ChannelMessageEdit(ch, m.ID, "Hello again")
		if err != nil {
			t.Fatal(err)
		}
		if edited.Content != "Hello again" || edited.EditedTimestamp == nil || len(edited.Components) != 1 {
			t.Errorf("edit answer %+v", edited)
		}
		if got, _ := fake.Message(m.ID); got.Edits != 1 || got.Content != "Hello again" {
			t.Errorf("after the edit %+v", got)
		}
		pinged, err := dg.ChannelMessageSend(ch, "Ping @everyone")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := fake.Message(pinged.ID); !got.PingsEveryone || got.HasAllowedMentions {
			t.Errorf("a message without allowed_mentions %+v", got)
		}

		f, err := dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{
			Files:     []*discordgo.File{{Name: "minutes.md", ContentType: "text/markdown", Reader: strings.NewReader("# Minutes")}},
			Reference: &discordgo.MessageReference{MessageID: m.ID, ChannelID: ch},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := fake.Message(f.ID); len(got.Files) != 1 || got.Files[0] != "minutes.md" || got.ReferencedID != m.ID {
			t.Errorf("upload %+v", got)
		}
		if len(f.Attachments) != 1 || f.Attachments[0].Filename != "minutes.md" || f.MessageReference == nil || f.ReferencedMessage == nil {
			t.Errorf("upload answer %+v", f)
		}

		list, err := dg.ChannelMessages(ch, 2, "", "", "")
		if err != nil || len(list) != 2 || list[0].ID != f.ID || list[1].ID != pinged.ID {
			t.Errorf("ChannelMessages: %v, %d", err, len(list))
		}
		after, err := dg.ChannelMessages(ch, 0, "", m.ID, "")
		if err != nil || len(after) != 2 || after[0].ID != f.ID {
			t.Errorf("ChannelMessages after: %v, %d", err, len(after))
		}

		th, err := dg.MessageThreadStartComplex(ch, m.ID, &discordgo.ThreadStart{Name: "P1 discussion", AutoArchiveDuration: 1440})
		if err != nil {
			t.Fatal(err)
		}
		if th.ID != m.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != ch || th.ThreadMetadata == nil || th.ThreadMetadata.AutoArchiveDuration != 1440 {
			t.Errorf("thread %+v", th)
		}
		if c, err := dg.Channel(th.ID); err != nil || c.Name != "P1 discussion" {
			t.Errorf("Channel(thread): %v, %+v", err, c)
		}
		_, err = dg.MessageThreadStartComplex(ch, m.ID, &discordgo.ThreadStart{Name: "again", AutoArchiveDuration: 60})
		restError(t, "second thread", err, http.StatusBadRequest, 160004)
		if _, err := dg.ChannelMessageSend(th.ID, "In the thread"); err != nil {
			t.Error(err)
		}
		if msgs := fake.Messages(th.ID); len(msgs) != 1 {
			t.Errorf("thread messages %+v", msgs)
		}

		if err := dg.ChannelMessageDelete(ch, pinged.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := fake.Message(pinged.ID); ok {
			t.Error("deleted message still there")
		}
		_, err = dg.ChannelMessageEdit(ch, pinged.ID, "x")
		restError(t, "edit a deleted message", err, http.StatusNotFound, 10008)
		_, err = dg.ChannelMessageSend("1", "x")
		restError(t, "unknown channel", err, http.StatusNotFound, 10003)
		fake.Wait(t, "MESSAGE_CREATE of the bot's own message", func() bool { return col.message("In the thread") != nil })
	})

	t.Run("rate limit", func(t *testing.T) {
		busy := fake.AddChannel(guild, "busy")
		fake.Inject429("/channels/"+busy+"/messages", 1, 1500*time.Millisecond, false)
		_, err := dg.ChannelMessageSend(busy, "x")
		var rle *discordgo.RateLimitError
		if !errors.As(err, &rle) || rle.RetryAfter != 1500*time.Millisecond {
			t.Fatalf("error %v, want a RateLimitError with RetryAfter 1.5s", err)
		}
		if n := fake.Count429(); n != 1 {
			t.Errorf("Count429 = %d", n)
		}
		if msgs := fake.Messages(busy); len(msgs) != 0 {
			t.Errorf("a rate-limited message was stored: %+v", msgs)
		}
	})

	t.Run("forbidden", func(t *testing.T) {
		closed := fake.AddChannel(guild, "closed")
		fake.Forbid(closed)
		_, err := dg.ChannelMessageSend(closed, "x")
		restError(t, "send to a forbidden channel", err, http.StatusForbidden, 50001)
	})

	t.Run("dm", func(t *testing.T) {
		dm := fake.DMChannel(alice)
		c, err := dg.UserChannelCreate(alice.ID)
		if err != nil || c.ID != dm || c.Type != discordgo.ChannelTypeDM || len(c.Recipients) != 1 || c.Recipients[0].ID != alice.ID {
			t.Fatalf("UserChannelCreate: %v, %+v", err, c)
		}
		fake.DM(alice, "hello bot")
		fake.Wait(t, "the DM at the bot", func() bool { return col.message("hello bot") != nil })
		if m := col.message("hello bot"); m.GuildID != "" || m.Author.ID != alice.ID || m.ChannelID != dm {
			t.Errorf("DM %+v", m.Message)
		}
		i := fake.Command(alice, dm, "status")
		ic := waitInteraction(t, fake, col, i)
		if ic.User == nil || ic.User.ID != alice.ID || ic.Member != nil || ic.GuildID != "" || ic.Context != discordgo.InteractionContextBotDM {
			t.Errorf("DM interaction user %+v member %+v guild %q", ic.User, ic.Member, ic.GuildID)
		}
		if err := dg.InteractionRespond(ic.Interaction, reply("Nothing open.")); err != nil {
			t.Fatal(err)
		}
		if _, err := dg.ChannelMessageSend(dm, "A reminder"); err != nil {
			t.Fatal(err)
		}
		if msgs := fake.Messages(dm); len(msgs) != 3 {
			t.Errorf("DM channel messages %+v", msgs)
		}
	})

	t.Run("resume", func(t *testing.T) {
		fake.Drop()
		if fake.Connected() {
			t.Fatal("connected after Drop")
		}
		i := fake.Command(alice, ch, "status") // while disconnected
		fake.Dispatch("TYPING_START", map[string]any{"channel_id": ch, "user_id": alice.ID, "timestamp": 1})
		fake.Wait(t, "the RESUME", func() bool { return fake.Resumes() == 1 && fake.Connected() })
		waitInteraction(t, fake, col, i)
		fake.Wait(t, "RESUMED at the bot", func() bool { return col.nResumed() == 1 })
		if fake.Identifies() != 1 || col.nReadies() != 1 {
			t.Errorf("%d identifies, %d READY", fake.Identifies(), col.nReadies())
		}
	})

	t.Run("reconnect request", func(t *testing.T) {
		fake.RequestReconnect()
		fake.Wait(t, "the RESUME after op 7", func() bool { return fake.Resumes() == 2 && fake.Connected() })
		i := fake.Command(alice, ch, "status")
		waitInteraction(t, fake, col, i)
	})

	t.Run("invalidated session", func(t *testing.T) {
		old := fake.SessionID()
		fake.InvalidateSessions()
		fake.Drop()
		fake.Dispatch("MESSAGE_CREATE", map[string]any{
			"id": "1", "channel_id": ch, "guild_id": guild, "content": "lost while away", "type": 0,
			"author":    map[string]any{"id": alice.ID, "username": "alice", "discriminator": "0"},
			"timestamp": "2026-03-01T12:00:00.000000+00:00",
		})
		fake.Wait(t, "a new IDENTIFY", func() bool { return fake.Identifies() == 2 && fake.Connected() })
		fake.Wait(t, "the second READY", func() bool { return col.nReadies() == 2 })
		if fake.SessionID() == old {
			t.Error("same session after the invalidation")
		}
		i := fake.Command(alice, ch, "status")
		waitInteraction(t, fake, col, i)
		if col.message("lost while away") != nil {
			t.Error("an event dispatched to the invalidated session reached the new one")
		}
	})
}

func TestPrivilegedIntents(t *testing.T) {
	fake := &Server{}
	fake.Start(t)
	dg := newSession(t, fake, baseIntents|discordgo.IntentMessageContent)
	err := dg.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4014 {
		t.Fatalf("Open: %v, want close 4014", err)
	}
	if fake.Identifies() != 1 || fake.Connected() || fake.Intents() != int(baseIntents|discordgo.IntentMessageContent) {
		t.Errorf("%d identifies, connected %v, intents %d", fake.Identifies(), fake.Connected(), fake.Intents())
	}

	allowed := &Server{AllowPrivileged: true}
	allowed.Start(t)
	g := dialGW(t, allowed)
	if r := g.identify(t, allowed.Token, int(discordgo.IntentsAll)); r.T != "READY" {
		t.Errorf("with AllowPrivileged: %+v", r)
	}
}

func TestBadToken(t *testing.T) {
	fake := &Server{}
	fake.Start(t)

	// GET /gateway needs no token, so Open gets as far as IDENTIFY.
	bad, err := discordgo.New("Bot not-the-token")
	if err != nil {
		t.Fatal(err)
	}
	bad.Client = fake.Client()
	bad.Identify.Intents = baseIntents
	err = bad.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Fatalf("Open: %v, want close 4004", err)
	}
	if fake.Identifies() != 1 || fake.Connected() {
		t.Errorf("%d identifies, connected %v", fake.Identifies(), fake.Connected())
	}
	_, err = bad.User("@me")
	restError(t, "REST with a bad token", err, http.StatusUnauthorized, 0)

	good := newSession(t, fake, baseIntents)
	u, err := good.User("@me")
	if err != nil || u.ID != fake.AppID || !u.Bot {
		t.Errorf("User(@me): %v, %+v", err, u)
	}
}

// rawGW is a bare gateway client, to check the protocol frame by frame.
type rawGW struct {
	ws *websocket.Conn
}

type frameIn struct {
	Op int             `json:"op"`
	S  *int64          `json:"s"`
	T  string          `json:"t"`
	D  json.RawMessage `json:"d"`
}

func (f frameIn) seq() int64 {
	if f.S == nil {
		return -1
	}
	return *f.S
}

func dialGW(t *testing.T, fake *Server) *rawGW {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(fake.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	g := &rawGW{ws: ws}
	hello := g.next(t)
	var d struct {
		HeartbeatInterval int `json:"heartbeat_interval"`
	}
	json.Unmarshal(hello.D, &d)
	if hello.Op != 10 || d.HeartbeatInterval != HeartbeatInterval {
		t.Fatalf("first frame %+v, want HELLO", hello)
	}
	return g
}

func (g *rawGW) send(t *testing.T, op int, d any) {
	t.Helper()
	if err := g.ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		t.Fatal(err)
	}
}

func (g *rawGW) next(t *testing.T) frameIn {
	t.Helper()
	g.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := g.ws.ReadMessage()
	if err != nil {
		t.Fatalf("reading the gateway: %v", err)
	}
	var f frameIn
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("frame %s: %v", b, err)
	}
	return f
}

// closeCode reads until the connection ends and returns the close code,
// or -1 if it ended without a close frame.
func (g *rawGW) closeCode(t *testing.T) int {
	t.Helper()
	for {
		g.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := g.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

func (g *rawGW) identify(t *testing.T, token string, intents int) frameIn {
	t.Helper()
	g.send(t, 2, map[string]any{"token": "Bot " + token, "intents": intents,
		"properties": map[string]string{"os": "linux", "browser": "test", "device": "test"}})
	return g.next(t)
}

func (g *rawGW) resume(t *testing.T, token, sessionID string, seq int64) {
	t.Helper()
	g.send(t, 6, map[string]any{"token": "Bot " + token, "session_id": sessionID, "seq": seq})
}

func expectEvent(t *testing.T, f frameIn, typ string, seq int64) {
	t.Helper()
	if f.Op != 0 || f.T != typ || f.seq() != seq {
		t.Fatalf("frame op %d t %s s %d %s, want %s s %d", f.Op, f.T, f.seq(), f.D, typ, seq)
	}
}

func expectN(t *testing.T, f frameIn, n int) {
	t.Helper()
	var d struct{ N int }
	json.Unmarshal(f.D, &d)
	if d.N != n {
		t.Errorf("event %s carries n=%d, want %d", f.T, d.N, n)
	}
}

func TestGatewayProtocol(t *testing.T) {
	fake := &Server{}
	fake.Start(t)
	guild := fake.AddGuild("g")
	fake.AddChannel(guild, "c")

	g := dialGW(t, fake)
	g.send(t, 1, nil)
	if f := g.next(t); f.Op != 11 {
		t.Fatalf("heartbeat answered with %+v", f)
	}
	ready := g.identify(t, fake.Token, intentGuilds)
	expectEvent(t, ready, "READY", 1)
	var rd struct {
		V                int    `json:"v"`
		SessionID        string `json:"session_id"`
		ResumeGatewayURL string `json:"resume_gateway_url"`
		User             struct {
			ID  string `json:"id"`
			Bot bool   `json:"bot"`
		} `json:"user"`
		Application struct {
			ID string `json:"id"`
		} `json:"application"`
		Guilds []struct {
			ID          string `json:"id"`
			Unavailable bool   `json:"unavailable"`
		} `json:"guilds"`
	}
	json.Unmarshal(ready.D, &rd)
	if rd.V != 9 || rd.SessionID == "" || rd.User.ID != fake.AppID || !rd.User.Bot || rd.Application.ID != fake.AppID ||
		len(rd.Guilds) != 1 || !rd.Guilds[0].Unavailable || rd.ResumeGatewayURL != fake.GatewayURL() {
		t.Errorf("READY %s", ready.D)
	}
	expectEvent(t, g.next(t), "GUILD_CREATE", 2)
	fake.Dispatch("TEST_EVENT", map[string]int{"n": 1})
	expectEvent(t, g.next(t), "TEST_EVENT", 3)

	// Dropped: the events meanwhile are replayed on RESUME, then RESUMED.
	fake.Drop()
	fake.Dispatch("TEST_EVENT", map[string]int{"n": 2})
	fake.Dispatch("TEST_EVENT", map[string]int{"n": 3})
	g = dialGW(t, fake)
	g.resume(t, fake.Token, rd.SessionID, 3)
	f := g.next(t)
	expectEvent(t, f, "TEST_EVENT", 4)
	expectN(t, f, 2)
	f = g.next(t)
	expectEvent(t, f, "TEST_EVENT", 5)
	expectN(t, f, 3)
	expectEvent(t, g.next(t), "RESUMED", 6)
	fake.Dispatch("TEST_EVENT", map[string]int{"n": 4})
	expectEvent(t, g.next(t), "TEST_EVENT", 7)
	// Redeliver sends an event again, with the next sequence number.
	fake.Dispatch("MESSAGE_CREATE", map[string]any{"id": "42", "n": 6})
	expectEvent(t, g.next(t), "MESSAGE_CREATE", 8)
	fake.Redeliver("42")
	f = g.next(t)
	expectEvent(t, f, "MESSAGE_CREATE", 9)
	expectN(t, f, 6)

	// Invalidated: op 9, and a new session without the missed events.
	fake.InvalidateSessions()
	fake.Drop()
	fake.Dispatch("TEST_EVENT", map[string]int{"n": 5})
	g = dialGW(t, fake)
	g.resume(t, fake.Token, rd.SessionID, 7)
	if f := g.next(t); f.Op != 9 || string(f.D) != "false" {
		t.Fatalf("RESUME of a forgotten session answered %+v", f)
	}
	ready2 := g.identify(t, fake.Token, intentGuilds)
	expectEvent(t, ready2, "READY", 1)
	var rd2 struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(ready2.D, &rd2)
	if rd2.SessionID == rd.SessionID {
		t.Error("the new session has the old id")
	}
	expectEvent(t, g.next(t), "GUILD_CREATE", 2)
	fake.Dispatch("TEST_EVENT", map[string]int{"n": 6})
	f = g.next(t)
	expectEvent(t, f, "TEST_EVENT", 3)
	expectN(t, f, 6)

	// A client closing with 1000 ends its session.
	g.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	fake.Wait(t, "the disconnect", func() bool { return !fake.Connected() })
	g = dialGW(t, fake)
	g.resume(t, fake.Token, rd2.SessionID, 3)
	if f := g.next(t); f.Op != 9 {
		t.Fatalf("RESUME after a 1000 close answered %+v", f)
	}
	ready3 := g.identify(t, fake.Token, 0)
	expectEvent(t, ready3, "READY", 1)
	var rd3 struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(ready3.D, &rd3)

	// A second IDENTIFY on a connection, and a RESUME beyond the last seq.
	g.identify2(t, fake)
	g = dialGW(t, fake)
	g.resume(t, fake.Token, rd3.SessionID, 99)
	if code := g.closeCode(t); code != 4007 {
		t.Errorf("RESUME with seq 99: close %d, want 4007", code)
	}

	if i, r, c := fake.Identifies(), fake.Resumes(), fake.Connects(); i != 4 || r != 4 || c != 5 {
		t.Errorf("identifies %d, resumes %d, connects %d; want 4, 4, 5", i, r, c)
	}

	// CloseWith a code Discord does not reconnect from sticks.
	g = dialGW(t, fake)
	expectEvent(t, g.identify(t, fake.Token, 0), "READY", 1)
	fake.CloseWith(4004, "Authentication failed.")
	if code := g.closeCode(t); code != 4004 {
		t.Errorf("CloseWith(4004): close %d", code)
	}
	g = dialGW(t, fake)
	g.send(t, 2, map[string]any{"token": "Bot " + fake.Token, "intents": 0, "properties": map[string]string{}})
	if code := g.closeCode(t); code != 4004 {
		t.Errorf("IDENTIFY after CloseWith(4004): close %d", code)
	}
	if n := fake.Identifies(); n != 6 {
		t.Errorf("identifies %d, want 6", n)
	}
}

// identify2 sends a second IDENTIFY on an identified connection, which
// Discord closes with 4005.
func (g *rawGW) identify2(t *testing.T, fake *Server) {
	t.Helper()
	g.send(t, 2, map[string]any{"token": "Bot " + fake.Token, "intents": 0, "properties": map[string]string{}})
	if code := g.closeCode(t); code != 4005 {
		t.Errorf("second IDENTIFY: close %d, want 4005", code)
	}
}

// TestInvalidRequests checks that the fake fails the test on what Discord
// would reject as malformed, and only answers what a correct bot can meet.
func TestInvalidRequests(t *testing.T) {
	rec := &recorder{TB: t}
	fake := &Server{}
	fake.Start(rec)
	guild := fake.AddGuild("g")
	ch := fake.AddChannel(guild, "c")
	alice := fake.AddUser("alice", "nl")
	dg := newSession(t, fake, baseIntents) // REST only
	g := dialGW(t, fake)
	g.identify(t, fake.Token, 0)

	// fails checks that the last call failed the test with want in the
	// message; answered checks that it did not.
	fails := func(what, want string) {
		t.Helper()
		errs := rec.take()
		if len(errs) != 1 || !strings.Contains(errs[0], want) {
			t.Errorf("%s: recorded %q, want one error containing %q", what, errs, want)
		}
	}
	answered := func(what string) {
		t.Helper()
		if errs := rec.take(); len(errs) != 0 {
			t.Errorf("%s: recorded %q, want none", what, errs)
		}
	}

	_, err := dg.GuildRoles(guild)
	restError(t, "unknown route", err, http.StatusNotFound, 0)
	fails("unknown route", "unknown route GET /api/v9/guilds/"+guild+"/roles")

	_, err = dg.ChannelMessageSend(ch, strings.Repeat("a", 2001))
	restError(t, "2001 characters", err, http.StatusBadRequest, 50035)
	fails("2001 characters", "content")
	_, err = dg.ChannelMessageSend(ch, strings.Repeat("é", 2000))
	if err != nil {
		t.Errorf("2000 two-byte characters: %v", err)
	}
	answered("2000 characters")

	_, err = dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{})
	restError(t, "empty message", err, http.StatusBadRequest, 50006)
	fails("empty message", "Cannot send an empty message")

	row := func(bs ...discordgo.MessageComponent) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: bs}
	}
	btn := func(label, id string) discordgo.MessageComponent {
		return discordgo.Button{Label: label, Style: discordgo.PrimaryButton, CustomID: id}
	}
	for _, c := range []struct {
		name, want string
		comps      []discordgo.MessageComponent
	}{
		{"long label", "components.0.components.0.label", []discordgo.MessageComponent{row(btn(strings.Repeat("x", 81), "a"))}},
		{"six buttons", "components.0.components", []discordgo.MessageComponent{row(btn("1", "1"), btn("2", "2"), btn("3", "3"), btn("4", "4"), btn("5", "5"), btn("6", "6"))}},
		{"six rows", "components", []discordgo.MessageComponent{row(btn("1", "1")), row(btn("2", "2")), row(btn("3", "3")), row(btn("4", "4")), row(btn("5", "5")), row(btn("6", "6"))}},
		{"duplicate custom_id", "duplicated", []discordgo.MessageComponent{row(btn("1", "same"), btn("2", "same"))}},
		{"long custom_id", "custom_id", []discordgo.MessageComponent{row(btn("1", strings.Repeat("x", 101)))}},
		{"link with custom_id", "custom_id", []discordgo.MessageComponent{row(discordgo.Button{Label: "l", Style: discordgo.LinkButton, URL: "https://example.org", CustomID: "x"})}},
		{"text input in a message", "modals", []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "t", Label: "t", Style: discordgo.TextInputShort})}},
	} {
		_, err := dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: "x", Components: c.comps})
		restError(t, c.name, err, http.StatusBadRequest, 50035)
		fails(c.name, c.want)
	}

	opt := func(name string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: "d", Required: required}
	}
	badLocale := map[discordgo.Locale]string{"nl-NL": "voorstel"}
	many := make([]*discordgo.ApplicationCommandOption, 26)
	for i := range many {
		many[i] = opt(fmt.Sprintf("o%d", i), false)
	}
	for _, c := range []struct {
		name, want string
		cmd        *discordgo.ApplicationCommand
	}{
		{"upper case name", "0.name", &discordgo.ApplicationCommand{Name: "Propose", Description: "d"}},
		{"name with a space", "0.name", &discordgo.ApplicationCommand{Name: "make proposal", Description: "d"}},
		{"no description", "0.description", &discordgo.ApplicationCommand{Name: "propose"}},
		{"bad locale", "name_localizations.nl-NL", &discordgo.ApplicationCommand{Name: "propose", Description: "d", NameLocalizations: &badLocale}},
		{"required after optional", "0.options.1.required", &discordgo.ApplicationCommand{Name: "propose", Description: "d",
			Options: []*discordgo.ApplicationCommandOption{opt("a", false), opt("b", true)}}},
		{"26 options", "0.options", &discordgo.ApplicationCommand{Name: "propose", Description: "d", Options: many}},
	} {
		_, err := dg.ApplicationCommandBulkOverwrite(fake.AppID, guild, []*discordgo.ApplicationCommand{c.cmd})
		restError(t, c.name, err, http.StatusBadRequest, 50035)
		fails(c.name, c.want)
	}
	if _, err := dg.ApplicationCommandBulkOverwrite(fake.AppID, "", []*discordgo.ApplicationCommand{
		{Name: "propose", Description: "d", Options: []*discordgo.ApplicationCommandOption{opt("a", true), opt("b", false)}},
		{Name: "Vote on it", Type: discordgo.MessageApplicationCommand},
	}); err != nil {
		t.Errorf("valid global commands: %v", err)
	}
	answered("valid commands")
	_, err = dg.ApplicationCommandBulkOverwrite(fake.AppID, "999", nil)
	restError(t, "commands of a guild the bot is not in", err, http.StatusForbidden, 50001)
	answered("foreign guild")

	// Interactions, answered through discordgo's REST calls.
	as := func(i *Interaction) *discordgo.Interaction {
		return &discordgo.Interaction{ID: i.ID, Token: i.Token, AppID: fake.AppID}
	}
	modal := func(title string) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
			CustomID: "m", Title: title,
			Components: []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "t", Label: "Text", Style: discordgo.TextInputShort, Required: true})},
		}}
	}
	i := fake.Command(alice, ch, "propose", Option{Name: "a", Type: 3, Value: "x"})
	answered("command matching the registered options")
	err = dg.InteractionRespond(as(i), modal(strings.Repeat("t", 46)))
	restError(t, "46-character modal title", err, http.StatusBadRequest, 50035)
	fails("modal title", "data.title")
	err = dg.InteractionRespond(as(i), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{Content: "x"}})
	restError(t, "UPDATE_MESSAGE for a command", err, http.StatusBadRequest, 50035)
	fails("UPDATE_MESSAGE for a command", "only valid for component interactions")
	if err := dg.InteractionRespond(as(i), modal("Title")); err != nil {
		t.Fatalf("valid modal after invalid responses: %v", err)
	}
	answered("valid modal")

	s := fake.Submit(alice, ch, "m", "text")
	answered("submit")
	err = dg.InteractionRespond(as(s), modal("Again"))
	restError(t, "modal for a modal submit", err, http.StatusBadRequest, 50035)
	fails("modal for a modal submit", "modal submit cannot open another modal")
	if err := dg.InteractionRespond(as(s), reply("ok")); err != nil {
		t.Errorf("reply to the submit: %v", err)
	}
	fake.Submit(alice, ch, "m")
	fails("required input left empty", "required")
	fake.Submit(alice, ch, "nope", "x")
	fails("unknown modal", "no modal")
	fake.Press(alice, ch, "1", "x")
	fails("press on an unknown message", "no message")
	fake.Command(alice, ch, "propose", Option{Name: "b", Type: 3, Value: "x"})
	fails("command without its required option", `required option "a"`)

	_, err = dg.InteractionResponseEdit(&discordgo.Interaction{AppID: fake.AppID, Token: "nope"}, &discordgo.WebhookEdit{})
	restError(t, "unknown webhook", err, http.StatusNotFound, 10015)
	err = dg.InteractionRespond(&discordgo.Interaction{ID: "1", Token: "nope"}, reply("x"))
	restError(t, "unknown interaction", err, http.StatusNotFound, 10062)
	answered("unknown webhook and interaction")

	// A 429 with the global flag.
	fake.Inject429("/api/v9/users/@me", 1, 20*time.Millisecond, true)
	_, err = dg.User("@me")
	var rle *discordgo.RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != 20*time.Millisecond {
		t.Errorf("global 429: %v", err)
	}
	calls := fake.Calls()
	if last := calls[len(calls)-1]; last.Status != 429 || last.Path != "/api/v9/users/@me" {
		t.Errorf("last call %+v", last)
	}
	answered("429")

	// Dispatch before any IDENTIFY.
	rec2 := &recorder{TB: t}
	early := &Server{}
	early.Start(rec2)
	early.Dispatch("TEST_EVENT", nil)
	if errs := rec2.take(); len(errs) != 1 || !strings.Contains(errs[0], "before the bot identified") {
		t.Errorf("early Dispatch recorded %q", errs)
	}
}

func TestRESTHeaders(t *testing.T) {
	fake := &Server{}
	fake.Start(t)
	req, _ := http.NewRequest("GET", "https://discord.com/api/v9/gateway/bot", nil)
	req.Header.Set("Authorization", "Bot "+fake.Token)
	resp, err := fake.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
		t.Errorf("Date header %q: %v", resp.Header.Get("Date"), err)
	}
	var gb struct {
		URL    string `json:"url"`
		Shards int    `json:"shards"`
	}
	json.NewDecoder(resp.Body).Decode(&gb)
	if gb.URL != fake.GatewayURL() || gb.Shards != 1 {
		t.Errorf("gateway/bot %+v", gb)
	}
}
