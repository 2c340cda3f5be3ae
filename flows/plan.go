package flows

// ShowPlan is /plan: the adopted agreements, the concerns recorded on the
// way (evaluation points), and what is still open.
type ShowPlan struct{ Actor Actor }

func (c ShowPlan) decide(p *Process, _ Env) (*Decision, error) {
	lines := []Line{L(MsgPlanHeader, "title", p.Title)}
	if len(p.Proposals) == 0 {
		return replyOnly(here(append(lines, L(MsgPlanEmpty))...)), nil
	}
	adopted := 0
	for _, pr := range p.Proposals {
		if pr.Adopted == 0 {
			continue
		}
		adopted++
		v := pr.Version(pr.Adopted)
		lines = append(lines, L(MsgPlanAdopted, "proposal", pr.N, "v", v.V, "date", Zoned{pr.AdoptedAt, p.TimeZone()}), L(MsgQuote, "text", v.Text))
		for _, concern := range p.concernsOn(pr, v.V) {
			lines = append(lines, L(MsgEvaluationPoint, "text", concern))
		}
	}
	if adopted == 0 {
		lines = append(lines, L(MsgPlanNoneAdopted))
	}
	for _, pr := range p.Proposals {
		if pr.Adopted > 0 {
			continue
		}
		v := pr.Shown()
		lines = append(lines, L(MsgPlanOpen, "proposal", pr.N, "v", v.V))
		for _, g := range p.Groups {
			lines = append(lines, L(MsgPlanGroup, "group", g.Name, "state", p.consentState(pr, v.V, g.ID)))
		}
	}
	if p.Evaluation(nil).IsZero() {
		lines = append(lines, L(MsgPlanNoEvaluation))
	} else {
		lines = append(lines, L(MsgPlanEvaluation, "date", p.Set[SetEvaluation]))
	}
	return replyOnly(here(lines...)), nil
}

// consentState names where group g stands on version v of pr.
func (p *Process) consentState(pr *Proposal, v int, g GroupID) MsgKey {
	if pr.Confirmed[v][g] != nil {
		return MsgStateConfirmed
	}
	err := p.GroupConsented(pr, v, g)
	if err == nil {
		return MsgStateConsented
	}
	ue, _ := AsUserError(err)
	switch ue.Line.Key {
	case ErrConfirmRoundOpen:
		return MsgStateVoting
	case ErrConfirmObjection:
		return MsgStateObjection
	case ErrConfirmNoDecision:
		return MsgStateNoDecision
	case ErrConfirmRevoked:
		return MsgStateRevoked
	}
	return MsgStateNotYet
}
