package web

import (
	"context"
	"strings"
	"testing"

	"github.com/samen-bot/samen/bot"
)

// After a restart the store still knows the ids of earlier messages (a
// round's message, to edit its progress; the message a reply answers).
// The new run's messages never take those ids, and an edit never lands on
// a person's message: the round's message comes anew instead.
func TestARestartNeverEditsAnotherMessage(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("ilse", "web:ilse", "/round concerns all")
	round := h.said("wim", bewoners, "Ronde 1").ID

	again, err := New(h.core, h.store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for range 100 {
		said = append(said, again.appendMessage(bewoners, &Message{From: "Wim", Text: bot.Rich{{Text: "/help"}}}))
	}
	for _, id := range said {
		if id == round {
			t.Fatalf("after the restart, Wim's message took the id %s of the round's message", id)
		}
	}
	ctx := context.Background()
	if _, err := again.Deliver(ctx, bot.OutMessage{Chat: bewoners, EditID: round, Text: bot.Rich{{Text: "Ronde 1 · 1 van 2"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := again.Deliver(ctx, bot.OutMessage{Chat: bewoners, EditID: said[0], Text: bot.Rich{{Text: "Ronde 1 · 2 van 2"}}}); err != nil {
		t.Fatal(err)
	}
	msgs, _ := again.Messages(bewoners)
	edited, rounds := 0, 0
	for _, m := range msgs {
		if m.From == "Wim" && m.Text.Plain() != "/help" {
			edited++
		}
		if m.From == "" && strings.HasPrefix(m.Text.Plain(), "Ronde 1") {
			rounds++
		}
	}
	if edited != 0 || rounds != 2 {
		t.Errorf("after the restart, %d of Wim's messages were edited and the round came %d times; want 0 and 2 (anew each time)", edited, rounds)
	}
}

// Of many browsers opening one link at once, one gets a session.
func TestALinkOpensOneSessionUnderARace(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	token := strings.TrimPrefix(h.dashboardLink("ilse"), "/dashboard?t=")
	const browsers = 16
	opened := make(chan bool, browsers)
	start := make(chan struct{})
	for range browsers {
		go func() {
			<-start
			_, _, _, err := h.core.OpenDashboardSession(context.Background(), token)
			opened <- err == nil
		}()
	}
	close(start)
	sessions := 0
	for range browsers {
		if <-opened {
			sessions++
		}
	}
	if sessions != 1 {
		t.Errorf("%d browsers opening one link at once got %d sessions, want 1", browsers, sessions)
	}
}

// After a restart the page still opens as the first configured person,
// with the people added on the page after them.
func TestARestartKeepsTheConfiguredPeopleFirst(t *testing.T) {
	h := newHarness(t, []string{"Gespreksleider"}, []string{"Groep 1"})
	if _, err := h.pg.Add(context.Background(), kindPerson, "Anna"); err != nil {
		t.Fatal(err)
	}
	again, err := New(h.core, h.store, Options{People: []string{"Gespreksleider"}, Rooms: []string{"Groep 1"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range again.people {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "Gespreksleider,Anna" {
		t.Errorf("after a restart the people are %v, want [Gespreksleider Anna]", names)
	}
}
