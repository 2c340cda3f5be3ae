package flows

// Form is pending input asked for all at once: what a platform with forms
// (a Discord modal) shows when a button asks for text, instead of asking
// for it field by field in a private chat. The fields are given back in
// order, each as the PrivateText the private chat would have received, so
// the engine checks them exactly as it checks typed text.
type Form struct {
	Title  Line
	Fields []FormField
}

// FormField is one text a form asks for. Label is short (a platform may
// show 45 characters of it); Hint explains, as placeholder text.
type FormField struct {
	Label Line
	Hint  Line
	// Long asks for a paragraph rather than a line.
	Long bool
	// MaxRunes is the longest text the engine accepts here (0: the
	// platform's own limit).
	MaxRunes int
}

// MaxFormFields is how many fields a form may hold: Discord's modals take
// five.
const MaxFormFields = 5

// FormFor is the form for pending input, or nil where the input is asked
// for one question at a time (an intake) and a private chat is the way.
func (p *Process) FormFor(a Await) *Form {
	reason := func(title Line) *Form {
		return &Form{Title: title, Fields: []FormField{{Label: L(FormReasonLabel), Long: true, MaxRunes: maxReasonRunes}}}
	}
	switch a.Purpose {
	case PurposeAnswer:
		r := p.Round(a.Round)
		if r == nil {
			return nil
		}
		label, hint := L(FormAnswerLabel), p.promptLine(r)
		if a.Anonymous {
			// Who will see it is what a person must know before
			// answering (the round's message has the question): the
			// level they were told of, which the answer gets.
			level := a.Level
			if level == "" {
				level = r.AnonymousLevel()
			}
			label, hint = L(FormAnonymousLabel), L(FormHintFacilitators)
			switch {
			case a.Withdrawn:
				hint = L(FormHintNamedWithdrawn)
			case level == AnonFull:
				hint = L(FormHintFull)
			}
		}
		return &Form{
			Title:  L(FormAnswerTitle, "n", r.N),
			Fields: []FormField{{Label: label, Hint: hint, Long: true, MaxRunes: r.Def.MaxLength}},
		}
	case PurposeConcern:
		return &Form{Title: L(FormConcernTitle), Fields: []FormField{{Label: L(FormConcernLabel), Hint: L(FormConcernHint), Long: true, MaxRunes: maxConcernRunes}}}
	case PurposeQuestion:
		return &Form{Title: L(FormQuestionTitle), Fields: []FormField{{Label: L(FormQuestionLabel), Long: true}}}
	case PurposeObjection:
		f := &Form{Title: L(FormObjectionTitle)}
		for _, field := range objectionFormFields[len(a.Fields):] {
			f.Fields = append(f.Fields, FormField{Label: L(field.label), Hint: L(field.hint), Long: true})
		}
		return f
	case PurposeRepObjection:
		return reason(L(FormRepObjectionTitle))
	case PurposeClassify, PurposeUnconfirm, PurposeSilence:
		return reason(L(FormReasonTitle))
	case PurposeHide:
		return &Form{Title: L(FormHideTitle, "n", a.Round), Fields: []FormField{{Label: L(FormHideLabel), Hint: L(FormHideHint), MaxRunes: maxReasonRunes + 10}}}
	case PurposeSynthesis:
		return &Form{Title: L(FormSynthesisTitle, "n", a.Round), Fields: []FormField{{Label: L(FormSynthesisLabel), Long: true}}}
	}
	return nil
}

// objectionFormFields are the objection form's four fields (ObjectionFields,
// the questions asked in a private chat), as short labels with hints.
var objectionFormFields = []struct{ label, hint MsgKey }{
	{FormObjectionPart, FormObjectionPartHint},
	{FormObjectionHarm, FormObjectionHarmHint},
	{FormObjectionNeed, FormObjectionNeedHint},
	{FormObjectionNotice, FormObjectionNoticeHint},
}
