package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// pressForm presses a button on a platform with forms and returns the
// form it asks with.
func (h *harness) pressForm(user string, where flows.Chat, intent flows.Intent) *Form {
	h.t.Helper()
	u := h.update(user, where, "")
	u.Button, u.Forms = &intent, true
	r := h.handle(u)
	if r == nil || r.Form == nil {
		h.t.Fatalf("%s gave no form: %+v", intent.Do, r)
	}
	return r.Form
}

// submit sends a form's texts, as a platform with forms does.
func (h *harness) submit(user string, where flows.Chat, f *Form, fields ...string) *Reply {
	h.t.Helper()
	intent := f.Intent()
	u := h.update(user, where, "")
	u.Button, u.Fields, u.Forms = &intent, fields, true
	return h.handle(u)
}

func (h *harness) refusal(r *Reply, key flows.MsgKey) bool {
	return r != nil && r.Text.Plain() == h.bot.Renderer().Line(flows.L(key), "nl").Plain()
}

func TestAnswerThroughAForm(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	f := h.pressForm("ann", chat("a"), flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1, Arg: "anon"})
	if f.Title != "Ronde 1: je antwoord" || len(f.Fields) != 1 || f.Fields[0].Label != "Je anonieme antwoord" || f.Fields[0].Hint == "" || !f.Fields[0].Long {
		t.Errorf("form = %+v", f)
	}
	done := h.submit("ann", chat("a"), f, "De parkeerdruk in de Dorpsstraat")
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

	f := h.pressForm("ann", chat("a"), object)
	if len(f.Fields) != len(flows.ObjectionFields) {
		t.Fatalf("the objection form has %d fields, want %d", len(f.Fields), len(flows.ObjectionFields))
	}
	v := h.version()

	// An empty field is refused, kindly, and nothing is stored; what the
	// form left pending is not taken from a later private message.
	refused := h.submit("ann", chat("a"), f, "De route", " ", "Een proef", "Klachten")
	if !h.refusal(refused, flows.ErrFieldEmpty) || h.version() != v {
		t.Fatalf("a form with an empty field: reply %+v, version %d → %d", refused, v, h.version())
	}
	later := h.update("ann", private("ann"), "Hoi, wat moet ik nu doen?")
	later.Retained = true
	if r := h.handle(later); !h.refusal(r, flows.ErrUseTheForm) || h.version() != v {
		t.Fatalf("a private message after a refused form: %+v", r)
	}

	// The same form once more, all four filled: the objection is cast.
	f = h.pressForm("ann", chat("a"), object)
	done := h.submit("ann", chat("a"), f, "De route", "Hij rijdt langs de school", "Een andere route", "Klachten van ouders")
	if done == nil || h.version() == v {
		t.Fatalf("the objection was not stored: %+v", done)
	}
	p, err := h.bot.load(t.Context(), h.code)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Objections) != 1 {
		t.Fatalf("objections = %+v", p.Objections)
	}
	if o := p.Objections[0]; o.Part != "De route" || o.Harm != "Hij rijdt langs de school" || o.Need != "Een andere route" || o.Notice != "Klachten van ouders" {
		t.Errorf("the objection's fields are not where they were typed: %+v", o)
	}
}

func TestAFormNobodyAskedForIsRefused(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	f := h.pressForm("bob", chat("a"), flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1})
	v := h.version()
	// Another person's form: it answers their input, not Cas's.
	if r := h.submit("cas", chat("b"), f, "Tekst"); !h.refusal(r, flows.ErrFormExpired) || h.version() != v {
		t.Fatalf("someone else's form: %+v, version %d → %d", r, v, h.version())
	}
	// A form claiming another process.
	other := *f
	other.Process = "ZZZZZZ"
	if r := h.submit("bob", chat("a"), &other, "Tekst"); !h.refusal(r, flows.ErrFormExpired) || h.version() != v {
		t.Fatalf("a form for another process: %+v", r)
	}
	// Fields that come with an ordinary button, not a form.
	u := h.update("bob", chat("a"), "")
	u.Button, u.Fields = &flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1}, []string{"Tekst"}
	if r := h.handle(u); !h.refusal(r, flows.ErrFormExpired) || h.version() != v {
		t.Fatalf("fields with a button: %+v", r)
	}
}

// A form answers the input it was made for: one opened for an anonymous
// answer, submitted after the person asked (elsewhere) to answer by name,
// is refused rather than stored under their name.
func TestAFormAnswersOnlyTheInputItWasMadeFor(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	anonymous := h.pressForm("ann", chat("a"), flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1, Arg: "anon"})
	named := h.pressForm("ann", chat("a"), flows.Intent{Do: flows.DoAnswer, Process: h.code, N: 1})
	if anonymous.Input == named.Input {
		t.Fatalf("forms %+v and %+v: want two forms for different input", anonymous, named)
	}
	v := h.version()
	if r := h.submit("ann", chat("a"), anonymous, "Dit was bedoeld als anoniem"); !h.refusal(r, flows.ErrFormExpired) || h.version() != v {
		t.Fatalf("the stale anonymous form: %+v, version %d → %d", r, v, h.version())
	}
	if r := h.submit("ann", chat("a"), named, "Met mijn naam"); r == nil || h.version() == v {
		t.Fatalf("the current form was not taken: %+v", r)
	}
}

// Each text of a form answers the input the one before left: if the
// person asks for something else between two of them (another button, on
// another device), the rest is refused, not taken for that.
func TestAFormsLaterTextsAnswerOnlyWhatTheFormLeft(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	h.say("fay", chat("a"), "/close 1")
	h.say("fay", private("fay"), "/propose Een buurtbus op zaterdag")
	h.say("fay", private("fay"), "/consent 1")
	f := h.pressForm("ann", chat("a"), flows.Intent{Do: flows.DoVote, Process: h.code, N: 2, Arg: "objection"})
	// After the form's first text, Ann presses "met een zorg" elsewhere.
	h.bot.store = &interleave{Store: h.store, after: 3, do: func() {
		h.pressForm("ann", chat("a"), flows.Intent{Do: flows.DoVote, Process: h.code, N: 2, Arg: "concern"})
	}}
	v := h.version()
	r := h.submit("ann", chat("a"), f, "De route", "Hij rijdt langs de school", "Een andere route", "Klachten")
	if !h.refusal(r, flows.ErrFormExpired) || h.version() != v {
		t.Fatalf("the form's rest after another button: %+v, version %d → %d", r, v, h.version())
	}
}

// interleave runs do once, just before the after-th read of pending
// input (outside any lock: as another device of the same person would).
type interleave struct {
	Store
	after, n int
	do       func()
}

func (s *interleave) Temp(ctx context.Context, key string) ([]byte, error) {
	if strings.HasPrefix(key, "await:") {
		if s.n++; s.n == s.after && s.do != nil {
			do := s.do
			s.do = nil
			do()
		}
	}
	return s.Store.Temp(ctx, key)
}
