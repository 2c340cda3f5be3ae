package flows

import (
	"strconv"
	"strings"
)

// MaxProposalRunes bounds a proposal's text.
const MaxProposalRunes = 4000

const maxReasonRunes = 500

// reasonText checks the reason a facilitator or member gives for something
// that goes into the record: required, and not too long.
func reasonText(s string) (string, error) {
	reason := strings.TrimSpace(s)
	if reason == "" {
		return "", Refuse(ErrReasonNeeded)
	}
	if n := len([]rune(reason)); n > maxReasonRunes {
		return "", Refuse(ErrAnswerTooLong, "max", maxReasonRunes, "length", n)
	}
	return reason, nil
}

// mayDraft reports whether u may propose and amend: a facilitator or a
// representative (method.md §3c).
func (p *Process) mayDraft(u UserID) bool {
	return p.IsFacilitator(u) || p.RepOf(u) != nil
}

func proposalText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", Refuse(ErrProposalNeedsText)
	}
	if n := len([]rune(text)); n > MaxProposalRunes {
		return "", Refuse(ErrAnswerTooLong, "max", MaxProposalRunes, "length", n)
	}
	return text, nil
}

// Propose is /propose TEXT: proposal n, version 1, shown to every chat.
type Propose struct {
	Actor Actor
	Text  string
}

func (c Propose) decide(p *Process, env Env) (*Decision, error) {
	if !p.mayDraft(c.Actor.User) {
		return nil, Refuse(ErrDraftersOnly)
	}
	text, err := proposalText(c.Text)
	if err != nil {
		return nil, err
	}
	n := len(p.Proposals) + 1
	b := newBuilder(c.Actor.User, env)
	b.event(&ProposalCreated{N: n, Text: text, Name: p.nameOf(c.Actor)})
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: []Line{
			L(MsgProposalHeader, "proposal", n, "v", 1, "name", p.nameOf(c.Actor)),
			L(MsgQuote, "text", text),
			L(MsgProposalNext, "proposal", n)}})
	}
	b.reply(private(L(MsgProposed, "proposal", n)))
	return b.decision(), nil
}

// nameOf is how the record names someone: their member or facilitator name.
func (p *Process) nameOf(a Actor) string {
	if m := p.Members[a.User]; m != nil {
		return m.Name
	}
	if f := p.Facilitators[a.User]; f != nil {
		return f.Name
	}
	return cleanName(a.Name)
}

// Amend is /amend N TEXT: a new version. A facilitator classifies it before
// the groups see it.
type Amend struct {
	Actor    Actor
	Proposal int
	Text     string
}

func (c Amend) decide(p *Process, env Env) (*Decision, error) {
	if !p.mayDraft(c.Actor.User) {
		return nil, Refuse(ErrDraftersOnly)
	}
	pr, err := p.openProposal(c.Proposal)
	if err != nil {
		return nil, err
	}
	text, err := proposalText(c.Text)
	if err != nil {
		return nil, err
	}
	if latest := pr.Latest(); latest.V > 1 && latest.Change == "" {
		return nil, Refuse(ErrVersionUnclassified, "proposal", pr.N, "v", latest.V)
	}
	if text == pr.Latest().Text {
		return nil, Refuse(ErrAmendmentSame, "proposal", pr.N)
	}
	for _, r := range p.OpenRounds() {
		if r.Def.Consent && r.Proposal == pr.N {
			return nil, Refuse(ErrConsentRunning, "n", r.N, "proposal", pr.N)
		}
	}
	v := len(pr.Versions) + 1
	b := newBuilder(c.Actor.User, env)
	b.event(&VersionProposed{Proposal: pr.N, V: v, Text: text, Name: p.nameOf(c.Actor)})
	ask := []Line{L(MsgClassifyAsk, "proposal", pr.N, "v", v, "name", p.nameOf(c.Actor))}
	ask = append(ask, diffLines(pr.Latest().Text, text)...)
	ask = append(ask, L(MsgClassifyExplain))
	classify := func(label MsgKey, change string) Button {
		return Button{Label: L(label), Intent: Intent{Do: DoClassify, Process: p.ID, N: pr.N, Arg: change}}
	}
	for _, f := range p.FacilitatorIDs() {
		b.send(Message{To: ToUser(f), Lines: ask, Buttons: [][]Button{{classify(BtnSubstantive, ChangeSubstantive), classify(BtnEditorial, ChangeEditorial)}}})
	}
	b.reply(private(L(MsgAmended, "proposal", pr.N, "v", v)))
	return b.decision(), nil
}

// StartClassify is a facilitator's button on an amendment: the bot asks
// for the reason, which goes into the record.
type StartClassify struct {
	Actor    Actor
	Proposal int
	Change   string
}

func (c StartClassify) decide(p *Process, _ Env) (*Decision, error) {
	pr, v, err := p.unclassified(c.Actor, c.Proposal, c.Change)
	if err != nil {
		return nil, err
	}
	m := private(L(MsgClassifyReason, "proposal", pr.N, "v", v.V, "change", changeKey(c.Change)))
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeClassify, N: pr.N, V: v.V, Arg: c.Change}, Reply: &m}, nil
}

func (p *Process) unclassified(a Actor, n int, change string) (*Proposal, *Version, error) {
	if err := requireFacilitator(p, a); err != nil {
		return nil, nil, err
	}
	if change != ChangeSubstantive && change != ChangeEditorial {
		return nil, nil, Refuse(ErrButtonExpired)
	}
	pr, err := p.openProposal(n)
	if err != nil {
		return nil, nil, err
	}
	v := pr.Latest()
	if v.V == 1 || v.Change != "" {
		return nil, nil, Refuse(ErrNothingToClassify, "proposal", pr.N)
	}
	return pr, v, nil
}

func changeKey(change string) MsgKey {
	if change == ChangeEditorial {
		return MsgChangeEditorial
	}
	return MsgChangeSubstantive
}

// Classify records the facilitator's call on an amendment, with its reason.
// The new version is then shown to every chat; a substantive one goes back
// to every group for consent, an editorial one carries earlier consent over.
type Classify struct {
	Actor    Actor
	Proposal int
	V        int
	Change   string
	Reason   string
}

func (c Classify) decide(p *Process, env Env) (*Decision, error) {
	pr, v, err := p.unclassified(c.Actor, c.Proposal, c.Change)
	if err != nil {
		return nil, err
	}
	if c.V != v.V {
		return nil, Refuse(ErrButtonExpired)
	}
	reason, err := reasonText(c.Reason)
	if err != nil {
		return nil, err
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Done = true
	b.event(&VersionClassified{Proposal: pr.N, V: v.V, Change: c.Change, Reason: reason})
	prev := pr.Version(v.V - 1)
	lines := []Line{L(MsgVersionHeader, "proposal", pr.N, "v", v.V, "change", changeKey(c.Change), "name", v.AuthorName), L(MsgQuote, "text", v.Text)}
	lines = append(lines, diffLines(prev.Text, v.Text)...)
	lines = append(lines, L(MsgVersionReason, "text", reason))
	if c.Change == ChangeEditorial {
		lines = append(lines, L(MsgConsentCarries, "v", prev.V))
	}
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: lines})
	}
	// Those who object, and the proposer, say whether the new version
	// resolves each standing objection.
	for _, o := range p.Objections {
		if o.Proposal == pr.N && o.Standing() {
			b.send(p.resolutionAsk(o, v, o.Author, true))
			if v.Author != o.Author {
				b.send(p.resolutionAsk(o, v, v.Author, false))
			}
		}
	}
	switch c.Change {
	case ChangeSubstantive:
		if err := p.openConsentOrLater(b, env, c.Actor, pr, v.V); err != nil {
			return nil, err
		}
		b.reply(private(L(MsgClassified, "proposal", pr.N, "v", v.V, "change", changeKey(c.Change))))
	default:
		for _, g := range p.Groups {
			if p.GroupConsented(pr, prev.V, g.ID) == nil {
				b.sendAfter(func(q *Process) []Message { return q.confirmInvitations(q.Proposal(pr.N), v.V, q.Group(g.ID)) })
			}
		}
		b.reply(private(L(MsgClassified, "proposal", pr.N, "v", v.V, "change", changeKey(c.Change))))
	}
	return b.decision(), nil
}

// openConsentOrLater opens a consent round on version v, or, when a round
// still open elsewhere keeps it from opening, tells the facilitator to
// start it with /consent once that round is closed.
func (p *Process) openConsentOrLater(b *builder, env Env, a Actor, pr *Proposal, v int) error {
	err := p.openConsent(b, env, a, pr, v)
	if _, ok := AsUserError(err); ok {
		b.send(Message{To: ToUser(a.User), Lines: []Line{L(MsgConsentLater, "proposal", pr.N)}})
		return nil
	}
	return err
}

// resolutionAsk asks the objector (or the proposer) whether version v
// resolves objection o.
func (p *Process) resolutionAsk(o *Objection, v *Version, to UserID, objector bool) Message {
	key := MsgResolveAskProposer
	if objector {
		key = MsgResolveAskObjector
	}
	lines := append([]Line{L(key, "id", o.ID, "proposal", o.Proposal, "v", v.V)}, objectionLines(o, p.groupName(o.Group), !objector && p.namedFor(to, o.Group))...)
	return Message{To: ToUser(to), Lines: lines, Buttons: [][]Button{{{
		Label:  L(BtnResolved, "v", v.V),
		Intent: Intent{Do: DoResolve, Process: p.ID, N: o.ID, Arg: strconv.Itoa(v.V)},
	}}}}
}

// diffLines show what changed between two versions, word by word.
func diffLines(old, new string) []Line {
	var removed, added []string
	for _, part := range wordDiff(old, new) {
		switch part.op {
		case '-':
			removed = append(removed, part.text)
		case '+':
			added = append(added, part.text)
		}
	}
	var lines []Line
	if len(removed) > 0 {
		lines = append(lines, L(MsgDiffRemoved, "text", strings.Join(removed, " … ")))
	}
	if len(added) > 0 {
		lines = append(lines, L(MsgDiffAdded, "text", strings.Join(added, " … ")))
	}
	return lines
}
