package bot

import (
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// submit sends a form's texts with the button that asked for them.
func (h *harness) submit(user string, where flows.Chat, intent flows.Intent, fields ...string) *Reply {
	h.t.Helper()
	u := h.update(user, where, "")
	u.Button, u.Fields = &intent, fields
	return h.handle(u)
}

func TestAnswerThroughAForm(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	answer := flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1, Arg: "anon"}
	asked := h.press("ann", chat("a"), answer)
	if asked == nil || asked.Form == nil {
		t.Fatalf("the answer button gave no form: %+v", asked)
	}
	if f := asked.Form; f.Title != "Ronde 1: je antwoord" || len(f.Fields) != 1 || f.Fields[0].Label != "Je anonieme antwoord" || f.Fields[0].Hint == "" || !f.Fields[0].Long {
		t.Errorf("form = %+v", f)
	}
	done := h.submit("ann", chat("a"), answer, "De parkeerdruk in de Dorpsstraat")
	if done == nil || done.Form != nil || !done.Private {
		t.Fatalf("reply after the form = %+v", done)
	}
	if st := h.status("a"); st.Answered != 1 {
		t.Errorf("answered %d after the form, want 1", st.Answered)
	}
}

func TestObjectionThroughAForm(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	h.say("fay", chat("a"), "/close 1")
	h.say("fay", private("fay"), "/propose Een buurtbus op zaterdag")
	h.say("fay", private("fay"), "/consent 1")
	object := flows.Intent{Do: flows.DoVote, Process: h.code, N: 2, Arg: "objection"}

	asked := h.press("ann", chat("a"), object)
	if asked == nil || asked.Form == nil || len(asked.Form.Fields) != len(flows.ObjectionFields) {
		t.Fatalf("the objection button gave %+v, want a form of %d fields", asked, len(flows.ObjectionFields))
	}
	v := h.version()

	// An empty field is refused, kindly, and nothing is stored.
	refused := h.submit("ann", chat("a"), object, "De route", " ", "Een proef", "Klachten")
	if refused == nil || refused.Form != nil || h.version() != v {
		t.Fatalf("a form with an empty field: reply %+v, version %d → %d", refused, v, h.version())
	}
	if want := h.bot.Renderer().Line(flows.L(flows.ErrFieldEmpty), "nl").Plain(); refused.Text.Plain() != want {
		t.Errorf("refusal %q, want %q", refused.Text.Plain(), want)
	}

	// The same form once more, all four filled: the objection is cast.
	h.press("ann", chat("a"), object)
	done := h.submit("ann", chat("a"), object, "De route", "Hij rijdt langs de school", "Een andere route", "Klachten van ouders")
	if done == nil || h.version() == v {
		t.Fatalf("the objection was not stored: %+v", done)
	}
	p, err := h.bot.load(t.Context(), h.code)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Objections) != 1 || p.Objections[0].Part != "De route" || p.Objections[0].Notice != "Klachten van ouders" {
		t.Errorf("objections = %+v", p.Objections)
	}
}

func TestAFormOfAnEarlierButtonIsRefused(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	answer := flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1}
	// Never pressed: nothing waits for this form.
	v := h.version()
	r := h.submit("bob", chat("a"), answer, "Tekst")
	if r == nil || !strings.Contains(r.Text.Plain(), "eerdere knop") || h.version() != v {
		t.Fatalf("a form nobody asked for: %+v, version %d → %d", r, v, h.version())
	}
	// Pressed in another process than the form claims.
	h.press("bob", chat("a"), answer)
	other := answer
	other.Process = "ZZZZZZ"
	if r := h.submit("bob", chat("a"), other, "Tekst"); r == nil || !strings.Contains(r.Text.Plain(), "eerdere knop") || h.version() != v {
		t.Fatalf("a form for another process: %+v", r)
	}
}

// A form answers the input it was made for: one opened for an anonymous
// answer, submitted after the person asked (elsewhere) to answer by name,
// is refused rather than stored under their name.
func TestAFormAnswersOnlyTheInputItWasMadeFor(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	anonymous := h.press("ann", chat("a"), flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1, Arg: "anon"}).Form
	named := h.press("ann", chat("a"), flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1}).Form
	if anonymous == nil || named == nil || anonymous.Input == named.Input {
		t.Fatalf("forms %+v and %+v: want two forms for different input", anonymous, named)
	}
	v := h.version()
	r := h.submit("ann", chat("a"), anonymous.Intent(), "Dit was bedoeld als anoniem")
	if r == nil || !strings.Contains(r.Text.Plain(), "eerdere knop") || h.version() != v {
		t.Fatalf("the stale anonymous form: %+v, version %d → %d", r, v, h.version())
	}
	if r := h.submit("ann", chat("a"), named.Intent(), "Met mijn naam"); r == nil || h.version() == v {
		t.Fatalf("the current form was not taken: %+v", r)
	}
}
