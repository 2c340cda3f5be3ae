package flows

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Discord shows at most 45 characters of a form's title and labels and 100
// of a hint or an option's description; a longer text is cut off.
func TestFormTextsFitDiscordsLimits(t *testing.T) {
	limits := map[MsgKey]int{}
	for _, f := range objectionFormFields {
		limits[f.label], limits[f.hint] = 45, 100
	}
	for _, k := range []MsgKey{FormAnswerLabel, FormAnonymousLabel, FormConcernTitle, FormConcernLabel, FormQuestionTitle,
		FormQuestionLabel, FormObjectionTitle, FormRepObjectionTitle, FormReasonTitle, FormReasonLabel, FormHideLabel, FormSynthesisLabel} {
		limits[k] = 45
	}
	for _, k := range []MsgKey{FormConcernHint, FormHideHint, FormHintFull, FormHintFacilitators, FormHintNamedWithdrawn, OptTitle, OptCode, OptGroup, OptName, OptLanguage, OptSetting,
		OptValue, OptKind, OptScope, OptPrompt, OptRound, OptText, OptProposal, OptPerson, OptWho, OptReason} {
		limits[k] = 100
	}
	// Titles with a round number: room for three digits.
	for _, k := range []MsgKey{FormAnswerTitle, FormHideTitle, FormSynthesisTitle} {
		limits[k] = 45 - 3 + len("{n}")
	}
	for lang, c := range Catalogs() {
		for key, limit := range limits {
			text, ok := c.Text(key, nil)
			if !ok {
				t.Errorf("%s: %s missing", lang, key)
				continue
			}
			if n := utf8.RuneCountInString(text); n > limit || strings.TrimSpace(text) == "" {
				t.Errorf("%s: %s is %d characters, at most %d: %q", lang, key, n, limit, text)
			}
		}
	}
}

func TestFormForEveryPurposeThatTakesText(t *testing.T) {
	p := &Process{Rounds: []*Round{{N: 1, Def: &Kind{}}}}
	for _, purpose := range []string{PurposeAnswer, PurposeConcern, PurposeQuestion, PurposeObjection, PurposeRepObjection,
		PurposeClassify, PurposeUnconfirm, PurposeSilence, PurposeHide, PurposeSynthesis} {
		f := p.FormFor(Await{Purpose: purpose, Round: 1})
		if f == nil || len(f.Fields) == 0 || len(f.Fields) > MaxFormFields || f.Title.Key == "" {
			t.Errorf("%q: form %+v", purpose, f)
		}
	}
	if f := p.FormFor(Await{Purpose: PurposeObjection, Round: 1, Fields: []string{"Het deel"}}); len(f.Fields) != len(ObjectionFields)-1 {
		t.Errorf("an objection with one field given asks %d more, want %d", len(f.Fields), len(ObjectionFields)-1)
	}
	if f := p.FormFor(Await{Purpose: PurposeIntake, Round: 1}); f != nil {
		t.Errorf("an intake asks one question at a time, got form %+v", f)
	}
}

// In a round whose answers are hidden from participants (facilitators
// see them) and where one may choose full anonymity, what the form says
// is what the answer gets: the private answer stays visible to the
// facilitators, the anonymous one to nobody.
func TestTheFormSaysTheLevelTheAnswerGets(t *testing.T) {
	p := withConcerns(t)
	def := *p.Rounds[0].Def
	def.Anonymity, def.AnonymousOption = AnonFacilitators, AnonFull
	p.Rounds[0].Def = &def

	for i, tc := range []struct {
		who   Actor
		asked bool
		hint  MsgKey
		level string
	}{{annDM, false, FormHintFacilitators, AnonFacilitators}, {casDM, true, FormHintFull, AnonFull}} {
		d := must(t, p, StartPrivateAnswer{Actor: tc.who, Round: 1, Anonymous: tc.asked})
		f := p.FormFor(*d.Await)
		if f == nil || f.Fields[0].Hint.Key != tc.hint {
			t.Errorf("asked %v: form %+v, want the hint %s", tc.asked, f, tc.hint)
		}
		must(t, p, PrivateText{Actor: tc.who, Await: *d.Await, Text: "Mijn antwoord"})
		if n := len(p.Rounds[0].Answers); n != i+1 {
			t.Fatalf("%d answers after %d", n, i+1)
		}
		found := false
		for _, a := range p.Rounds[0].Answers {
			found = found || (a.Level == tc.level && (tc.level == AnonFull) == (a.Author == ""))
		}
		if !found {
			t.Errorf("asked %v: no answer stored at level %s: %+v", tc.asked, tc.level, p.Rounds[0].Answers)
		}
	}
}
