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
