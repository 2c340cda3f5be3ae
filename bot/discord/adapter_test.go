package discord

import (
	"strings"
	"testing"
)

func TestHarnessRunsAProcessStart(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	fay := h.fake.AddUser("Fay", "nl")
	code := h.newProcess(fay, "Zonnepark De Hoeve")
	guild := h.fake.AddGuild("Dorp")
	channel := h.fake.AddChannel(guild, "bewoners")
	r := h.command(fay, channel, "link", text("code", code), text("group", "Bewoners"))
	if r.Flags&64 != 0 {
		t.Errorf("/link answered privately: %q", r.Content)
	}
	h.find(channel, "Deze chat is nu de groep")
	other := h.fake.AddChannel(guild, "gemeente")
	h.command(fay, other, "link", text("code", code), text("group", "Gemeente"))
	ann := h.fake.AddUser("Ann", "nl")
	joined := h.press(ann, channel, "Ik stem in en doe mee")
	t.Logf("join: type %d flags %d %q", joined.Type, joined.Flags, joined.Content)
	rr := h.command(fay, channel, "round", text("kind", "concerns"))
	t.Logf("round reply: %q", rr.Content)
	round := h.find(channel, "Ronde 1")
	t.Logf("round: %q", round.Content)
	form := h.press(ann, channel, "Anoniem antwoorden")
	if form.Modal == nil {
		t.Fatalf("the answer button gave %q, not a form", form.Content)
	}
	t.Logf("form: %+v", *form.Modal)
	done := h.submit(ann, channel, form, "De **parkeerdruk** @everyone")
	t.Logf("done: type %d flags %d %q", done.Type, done.Flags, done.Content)
	st := h.command(fay, channel, "status")
	if !strings.Contains(shown(st.Content), "1 van 1") {
		t.Logf("status: %q", st.Content)
	}
}
