package discord

import (
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

func TestAnAnonymousAnswerThroughAForm(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	form := s.press(s.ann, s.buren, "Anoniem antwoorden")
	if form.Modal == nil {
		t.Fatalf("the answer button gave %q, not a form", form.Content)
	}
	m := form.Modal
	if m.Title != "Ronde 1: je antwoord" || len(m.Inputs) != 1 || m.Inputs[0].Label != "Je anonieme antwoord" || m.Inputs[0].Style != 2 || !m.Inputs[0].Required {
		t.Errorf("form %+v", *m)
	}
	if m.Inputs[0].Placeholder != "Niemand ziet wie dit schreef, ook de gespreksleiders niet." {
		t.Errorf("the form's hint is %q, want who sees the answer", m.Inputs[0].Placeholder)
	}
	done := s.submit(s.ann, s.buren, form, "De **parkeerdruk** @everyone")
	if done.Flags&64 == 0 || !strings.Contains(shown(done.Content), "anoniem opgeslagen") {
		t.Errorf("the answer was acknowledged with %q (flags %d)", done.Content, done.Flags)
	}
	if got := s.progress(s.buren); !strings.HasPrefix(got, "1 van 2") {
		t.Errorf("progress %q, want 1 van 2", got)
	}
	for _, msg := range s.fake.Messages(s.buren) {
		if strings.Contains(msg.Content, "parkeerdruk") {
			t.Errorf("the anonymous answer was posted in the group: %q", msg.Content)
		}
	}
}

func TestAReplyThatMentionsTheBotIsAnAnswer(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	round := s.find(s.buren, "Ronde 1 · ")
	s.fake.Reply(s.bob, s.buren, round.ID, "<@"+s.a.BotID()+"> Hier is 's avonds nooit plek, vraag <@"+s.ann.ID+">.")
	s.fake.Wait(t, "the reply counted as an answer", func() bool {
		s.flush()
		return strings.HasPrefix(s.progress(s.buren), "1 van 2")
	})
	// The facilitator's preview shows the answer as meant: without the
	// mention of the bot, with Ann's name for hers.
	s.command(s.fay, s.fake.DMChannel(s.fay), "close", text("round", "1"))
	preview := s.find(s.fake.DMChannel(s.fay), "Samenvatting ronde 1")
	if !strings.Contains(shown(preview.Content), "Bob: Hier is 's avonds nooit plek, vraag @Ann.") {
		t.Errorf("the answer in the preview:\n%s", shown(preview.Content))
	}
}

// A reply the bot cannot read (it does not mention the bot, and the bot
// has no Message Content intent) is not silently lost: the person hears
// how to answer.
func TestAnUnreadableReplyIsExplained(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	round := s.find(s.buren, "Ronde 1 · ")
	s.fake.Reply(s.bob, s.buren, round.ID, "Hier is 's avonds nooit plek.")
	s.fake.Wait(t, "the explanation in Bob's direct messages", func() bool {
		return s.has(s.fake.DMChannel(s.bob), "Je reactie op mijn bericht kon ik niet lezen")
	})
	if got := s.progress(s.buren); !strings.HasPrefix(got, "0 van 2") {
		t.Errorf("progress %q after an unreadable reply", got)
	}
}

func TestRoundThreadsAndDeletedChannels(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{RoundThreads: true})
	round := s.find(s.ondern, "Ronde 1 · ")
	opened := false
	for _, c := range s.fake.Calls() {
		if c.Method == "POST" && strings.HasSuffix(c.Path, "/channels/"+s.ondern+"/messages/"+round.ID+"/threads") && c.Status < 300 {
			opened = true
		}
	}
	if !opened {
		t.Errorf("no thread was opened on the round's message %s", round.ID)
	}

	// The channel of Ondernemers is deleted: the facilitator hears it.
	s.fake.Dispatch("CHANNEL_DELETE", map[string]any{"id": s.ondern, "type": 0, "guild_id": s.guild, "name": "ondernemers"})
	dm := s.fake.DMChannel(s.fay)
	s.fake.Wait(t, "the facilitator hears the channel is gone", func() bool {
		s.flush()
		return s.has(dm, "Ik ben uit de chat van Ondernemers")
	})
}

// An anonymous answer typed as a direct message (after closing the form)
// is refused: Discord keeps direct messages, readable with the bot's
// token, with the writer's name on them.
func TestAnAnonymousAnswerIsNotTakenFromADirectMessage(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.press(s.ann, s.buren, "Anoniem antwoorden") // the form, closed unsent
	reply := s.dm(s.ann, "Dit wilde ik anoniem zeggen.")
	if want := line(s.harness, flows.ErrAnonymousByForm, "nl"); shown(reply.Content) != want {
		t.Errorf("an anonymous answer by direct message was answered %q, want %q", shown(reply.Content), want)
	}
	if got := s.progress(s.buren); !strings.HasPrefix(got, "0 van 2") {
		t.Errorf("progress %q: the direct message was taken", got)
	}
}

// A form closed without sending leaves the answer owed, but a later,
// unrelated direct message is not taken for it: the person never saw a
// question in the direct messages, only the form.
func TestAClosedFormDoesNotTurnALaterMessageIntoAnAnswer(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.press(s.bob, s.buren, "Privé antwoorden") // the form, closed unsent
	reply := s.dm(s.bob, "Hoe werkt dit eigenlijk?")
	if want := line(s.harness, flows.ErrUseTheForm, "nl"); shown(reply.Content) != want {
		t.Errorf("a later direct message was answered %q, want %q", shown(reply.Content), want)
	}
	if got := s.progress(s.buren); !strings.HasPrefix(got, "0 van 2") {
		t.Errorf("progress %q: the direct message was taken as the answer", got)
	}
}
