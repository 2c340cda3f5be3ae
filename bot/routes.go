package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/samen-bot/samen/flows"
)

func (b *Bot) routes() *Mux {
	m := NewMux()
	m.HandleCommand("start", HandlerFunc(b.start))
	m.HandleCommand("help", HandlerFunc(b.help))
	m.HandleCommand("new", HandlerFunc(b.newProcess))
	m.HandleCommand("claim", HandlerFunc(b.claim))
	m.HandleCommand("link", HandlerFunc(b.link))
	m.HandleCommand("lang", HandlerFunc(b.lang))
	m.HandleCommand("export", HandlerFunc(b.export))
	m.HandleCommand("dashboard", HandlerFunc(b.dashboard))
	m.HandleCommand("mydata", HandlerFunc(b.mydata))
	m.HandleCommand("forget", HandlerFunc(b.forget))
	m.HandleButton(flows.DoForget, HandlerFunc(b.forgetConfirmed))

	m.HandleCommand("set", b.inProcess(func(req *Request) flows.Command {
		key, value := firstWord(req.Args)
		return flows.ChangeSetting{Actor: req.Actor, Key: key, Value: value}
	}))
	m.HandleCommand("settings", b.inProcess(func(req *Request) flows.Command { return flows.ShowSettings{Actor: req.Actor} }))
	m.HandleCommand("facilitator", b.inProcess(func(req *Request) flows.Command {
		return flows.IssueFacilitatorCode{Actor: req.Actor, Code: b.facilitatorCode(req.Update.Key)}
	}))
	m.HandleCommand("join", b.inProcess(func(req *Request) flows.Command { return flows.Join{Actor: req.Actor} }))
	m.HandleCommand("leave", b.inProcess(func(req *Request) flows.Command { return flows.Leave{Actor: req.Actor} }))
	m.HandleCommand("name", b.inProcess(func(req *Request) flows.Command { return flows.Rename{Actor: req.Actor, Name: req.Args} }))
	m.HandleCommand("round", b.inProcess(func(req *Request) flows.Command {
		kind, rest := firstWord(req.Args)
		cmd := flows.OpenRound{Actor: req.Actor, Kind: kind, Prompt: rest}
		if word, prompt := firstWord(rest); word != "" {
			if scope, ok := flows.ParseScope(word); ok {
				cmd.Scope, cmd.Prompt = scope, prompt
			}
		}
		return cmd
	}))
	m.HandleCommand("next", b.inProcess(func(req *Request) flows.Command { return flows.Next{Actor: req.Actor} }))
	m.HandleCommand("close", b.inProcess(func(req *Request) flows.Command { return flows.Close{Actor: req.Actor, Arg: req.Args} }))
	m.HandleCommand("pass", b.inProcess(func(req *Request) flows.Command { return flows.Pass{Actor: req.Actor} }))
	m.HandleCommand("status", b.inProcess(func(req *Request) flows.Command { return flows.ShowStatus{Actor: req.Actor} }))
	m.HandleCommand("plan", b.inProcess(func(req *Request) flows.Command { return flows.ShowPlan{Actor: req.Actor} }))
	m.HandleCommand("propose", b.inProcess(func(req *Request) flows.Command { return flows.Propose{Actor: req.Actor, Text: req.Args} }))
	m.HandleCommand("amend", b.inProcess(func(req *Request) flows.Command {
		n, text := proposalNumber(req.Args)
		return flows.Amend{Actor: req.Actor, Proposal: n, Text: text}
	}))
	m.HandleCommand("consent", b.inProcess(func(req *Request) flows.Command {
		n, _ := proposalNumber(req.Args)
		return flows.StartConsent{Actor: req.Actor, Proposal: n}
	}))
	m.HandleCommand("confirm", b.inProcess(func(req *Request) flows.Command {
		n, _ := proposalNumber(req.Args)
		return flows.Confirm{Actor: req.Actor, Proposal: n}
	}))
	m.HandleCommand("rep", b.inProcess(func(req *Request) flows.Command {
		cmd := flows.NominateRep{Actor: req.Actor, Named: req.Args}
		switch u := req.Update; {
		case u.ReplyToUser != "":
			cmd.Target = u.ReplyToUser
		case len(u.Mentions) > 0:
			cmd.Target = u.Mentions[0]
		}
		return cmd
	}))
	m.HandleCommand("pause", b.inProcess(func(req *Request) flows.Command { return flows.Pause{Actor: req.Actor} }))
	m.HandleCommand("resume", b.inProcess(func(req *Request) flows.Command { return flows.Resume{Actor: req.Actor} }))
	m.HandleCommand("timeout", b.inProcess(func(req *Request) flows.Command { return flows.RequestTimeout{Actor: req.Actor} }))
	m.HandleCommand("reopen", b.inProcess(func(req *Request) flows.Command { return flows.Reopen{Actor: req.Actor, Arg: req.Args} }))
	m.HandleCommand("nudge", b.inProcess(func(req *Request) flows.Command { return flows.Nudge{Actor: req.Actor, Arg: req.Args} }))
	m.HandleCommand("skip", b.inProcess(func(req *Request) flows.Command { return flows.SkipTurn{Actor: req.Actor} }))
	m.HandleCommand("turn", b.inProcess(func(req *Request) flows.Command {
		cmd := flows.GiveTurn{Actor: req.Actor, Named: req.Args}
		switch u := req.Update; {
		case u.ReplyToUser != "":
			cmd.Target = u.ReplyToUser
		case len(u.Mentions) > 0:
			cmd.Target = u.Mentions[0]
		}
		return cmd
	}))

	button := func(do string, build func(a flows.Actor, in *flows.Intent) flows.Command) {
		m.HandleButton(do, b.inProcess(func(req *Request) flows.Command { return build(req.Actor, req.Update.Button) }))
	}
	button(flows.DoJoin, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.AcceptRules{Actor: a, Group: in.Group}
	})
	button(flows.DoAnswer, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartPrivateAnswer{Actor: a, Round: in.N, Anonymous: in.Arg == "anon"}
	})
	button(flows.DoPass, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.Pass{Actor: a, Round: in.N}
	})
	button(flows.DoWithdraw, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.Withdraw{Actor: a, Round: in.N}
	})
	button(flows.DoApprove, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.Approve{Actor: a, Round: in.N}
	})
	button(flows.DoTemplate, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.ChooseTemplate{Actor: a, Name: in.Arg}
	})
	button(flows.DoVote, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartVote{Actor: a, Round: in.N, Choice: in.Arg}
	})
	button(flows.DoClassify, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartClassify{Actor: a, Proposal: in.N, Change: in.Arg}
	})
	button(flows.DoResolve, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.ResolveObjection{Actor: a, Objection: in.N, V: in.Arg}
	})
	button(flows.DoWithdrawObjection, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.WithdrawObjection{Actor: a, Objection: in.N}
	})
	button(flows.DoExtend, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.Extend{Actor: a, Round: in.N, Group: in.Group}
	})
	button(flows.DoSilence, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartSilence{Actor: a, Round: in.N, Group: in.Group}
	})
	button(flows.DoStuck, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.ChooseStuck{Actor: a, Proposal: in.N, Option: in.Arg}
	})
	button(flows.DoRepObject, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartRepObjection{Actor: a, Nomination: in.N}
	})
	button(flows.DoRepAnswer, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.AnswerNomination{Actor: a, Nomination: in.N, Accept: in.Arg == "yes"}
	})
	button(flows.DoRepWithdraw, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.WithdrawNomination{Actor: a, Nomination: in.N}
	})
	button(flows.DoConfirm, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.Confirm{Actor: a, Proposal: in.N}
	})
	button(flows.DoUnconfirm, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartUnconfirm{Actor: a, Proposal: in.N}
	})
	button(flows.DoPause, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.Pause{Actor: a}
	})
	button(flows.DoHide, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartHide{Actor: a, Round: in.N}
	})
	button(flows.DoSynthesis, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartSynthesis{Actor: a, Round: in.N}
	})
	button(flows.DoIntake, func(a flows.Actor, in *flows.Intent) flows.Command {
		return flows.StartIntake{Actor: a, Round: in.N}
	})
	m.HandleForm(HandlerFunc(b.form))
	m.HandleText(HandlerFunc(b.text))
	return m
}

// knows reports whether name is a registered command.
func (m *Mux) knows(name string) bool {
	_, ok := m.commands[name]
	return ok
}

// inProcess runs the command build makes on the request's process.
func (b *Bot) inProcess(build func(req *Request) flows.Command) Handler {
	return HandlerFunc(func(ctx context.Context, req *Request) (*flows.Message, error) {
		if req.Process == "" {
			if req.Update.Chat.Private {
				return nil, flows.Refuse(flows.ErrWhichProcess)
			}
			return nil, flows.Refuse(flows.ErrNoProcessHere)
		}
		return b.run(ctx, req, req.Process, build(req))
	})
}

// text handles messages that are not commands: answers.
func (b *Bot) text(ctx context.Context, req *Request) (*flows.Message, error) {
	u := req.Update
	if u.Chat.Private {
		a, err := b.awaiting(ctx, u.User)
		if errors.Is(err, flows.ErrNotFound) {
			return &flows.Message{Lines: []flows.Line{flows.L(flows.MsgNothingExpected)}}, nil
		}
		if err != nil {
			return nil, err
		}
		if u.Attachment != "" {
			return nil, flows.Refuse(flows.ErrNeedText)
		}
		if a.Anonymous && u.Retained {
			return nil, flows.Refuse(flows.ErrAnonymousByForm)
		}
		if a.ByForm {
			return nil, flows.Refuse(flows.ErrUseTheForm)
		}
		return b.run(ctx, req, a.Process, flows.PrivateText{Actor: req.Actor, Await: *a, Text: u.Text})
	}
	if req.Process == "" {
		return nil, nil // chatter in a chat that is not part of a process
	}
	switch {
	case u.ReplyToBot && u.Unreadable:
		return nil, flows.Refuse(flows.MsgReplyUnreadable)
	case u.ReplyToBot && u.Attachment != "":
		return nil, flows.Refuse(flows.ErrNeedText)
	case u.ReplyToBot:
		round := b.repliedRound(ctx, req)
		reply, err := b.run(ctx, req, req.Process, flows.GiveAnswer{Actor: req.Actor, Round: round, Text: u.Text, Edit: u.Edited})
		if ue, ok := flows.AsUserError(err); ok && ue.Line.Key == flows.ErrNoOpenRoundHere {
			return nil, nil // a reply to one of our messages while no round is open
		}
		return reply, err
	case u.ReplyToOther:
		return b.run(ctx, req, req.Process, flows.NoteReply{Actor: req.Actor})
	}
	return nil, nil
}

// form takes the texts of a submitted form as the private texts its button
// waited for, one after the other, as if typed in the private chat: each
// is checked by the engine as typed text is, and the first refusal stops
// the rest. A form answers only the input it was made for, and each of its
// texts only the input the one before left: if the person asked for
// something else meanwhile (another button, on another device), the rest is
// refused, not taken for that.
func (b *Bot) form(ctx context.Context, req *Request) (*flows.Message, error) {
	u := req.Update
	if u.Button.Do != flows.DoForm {
		return nil, flows.Refuse(flows.ErrFormExpired)
	}
	var reply *flows.Message
	expected := u.Button.Arg
	for i, text := range u.Fields {
		a, err := b.awaiting(ctx, u.User)
		switch {
		case errors.Is(err, flows.ErrNotFound) && i > 0 && expected == "":
			return reply, nil // the form asked for more than the engine needed
		case errors.Is(err, flows.ErrNotFound), err == nil && (a.Process != u.Button.Process || inputID(a) != expected):
			return nil, flows.Refuse(flows.ErrFormExpired)
		case err != nil:
			return nil, err
		}
		step := *req
		step.Update = &Update{
			Key:  fmt.Sprintf("%s/field/%d", u.Key, i),
			Chat: flows.Chat{ID: flows.ChatID(u.User), Private: true},
			User: u.User, Name: u.Name, Text: text, BotName: u.BotName, Forms: u.Forms,
		}
		step.Actor = step.Update.actor()
		step.await = nil
		if reply, err = b.run(ctx, &step, a.Process, flows.PrivateText{Actor: step.Actor, Await: *a, Text: text}); err != nil {
			return nil, err
		}
		expected = ""
		if step.await != nil {
			expected = inputID(step.await)
		}
	}
	return reply, nil
}

// proposalNumber reads "/consent 2" or "/amend 2 text": the proposal's
// number (0 if none is given) and the rest.
func proposalNumber(args string) (int, string) {
	first, rest := firstWord(args)
	n, err := strconv.Atoi(strings.TrimPrefix(first, "#"))
	if err != nil {
		return 0, strings.TrimSpace(args)
	}
	return n, rest
}

// repliedRound returns the number of the round whose message an update
// replies to (0 if it is not a round's message, or unknown).
func (b *Bot) repliedRound(ctx context.Context, req *Request) int {
	if req.Update.ReplyToMessage == "" {
		return 0
	}
	v, err := b.store.Index(ctx, messageKey(flows.ToChat(req.Update.Chat.ID), req.Update.ReplyToMessage))
	if err != nil {
		return 0
	}
	process, ref, _ := strings.Cut(v, " ")
	var n int
	if process != req.Process || !strings.HasPrefix(ref, "round/") {
		return 0
	}
	if _, err := fmt.Sscanf(ref, "round/%d/", &n); err != nil {
		return 0
	}
	return n
}

// start is /start: a welcome in a private chat (with the person's
// processes), or help in a group.
func (b *Bot) start(ctx context.Context, req *Request) (*flows.Message, error) {
	if !req.Update.Chat.Private {
		return b.help(ctx, req)
	}
	ids, err := b.store.SetMembers(ctx, userProcessesKey(req.Update.User))
	if err != nil {
		return nil, err
	}
	if code := strings.ToUpper(strings.TrimSpace(req.Args)); code != "" {
		if !slices.Contains(ids, code) {
			return nil, flows.Refuse(flows.ErrUnknownProcessCode, "code", code)
		}
		if err := b.store.SetIndex(ctx, currentKey(req.Update.User), code); err != nil {
			return nil, err
		}
		req.Process = code
		return b.help(ctx, req)
	}
	lines := []flows.Line{flows.L(flows.MsgStartPrivate, "name", req.Actor.Name)}
	if len(ids) == 0 {
		lines = append(lines, flows.L(flows.MsgNoProcesses))
	} else {
		lines = append(lines, flows.L(flows.MsgYourProcesses))
	}
	for _, id := range ids {
		p, err := b.load(ctx, id)
		if err != nil {
			return nil, err
		}
		role := flows.MsgRoleMember
		if p.IsFacilitator(req.Update.User) {
			role = flows.MsgRoleFacilitator
		}
		lines = append(lines, flows.L(flows.MsgProcessItem, "title", p.Title, "code", p.ID, "role", role))
	}
	return &flows.Message{Lines: lines}, nil
}

// help is /help: what this person can do here and now.
func (b *Bot) help(ctx context.Context, req *Request) (*flows.Message, error) {
	if req.Process == "" {
		return &flows.Message{Lines: []flows.Line{flows.L(flows.MsgHelpGeneral)}}, nil
	}
	return b.run(ctx, req, req.Process, flows.Help{Actor: req.Actor})
}

// newProcess is /new TITLE. The process id derives from the update, so a
// redelivered /new finds the process it created and gets the same reply.
func (b *Bot) newProcess(ctx context.Context, req *Request) (*flows.Message, error) {
	key := b.commitKey(req.Update.Key)
	cmd := flows.Create{Actor: req.Actor, Title: req.Args, Template: b.templates[flows.DefaultTemplate]}
	for attempt := range maxAttempts {
		cmd.ID = b.processID(req.Update.Key, attempt)
		reply, err := b.decideAndStore(ctx, req, &flows.Process{}, cmd, key)
		if errors.Is(err, flows.ErrVersionConflict) {
			continue // the id is taken by another process
		}
		return reply, err
	}
	return nil, flows.Refuse(flows.ErrBusy)
}

// claim is /claim CODE.
func (b *Bot) claim(ctx context.Context, req *Request) (*flows.Message, error) {
	code := strings.TrimSpace(req.Args)
	if code == "" {
		return nil, flows.Refuse(flows.ErrClaimNeedsCode)
	}
	id, err := b.store.Index(ctx, codeKey(flows.CodeHash(code)))
	if errors.Is(err, flows.ErrNotFound) {
		return nil, flows.Refuse(flows.ErrCodeInvalid)
	}
	if err != nil {
		return nil, err
	}
	return b.run(ctx, req, id, flows.Claim{Actor: req.Actor, Code: code})
}

// link is /link CODE NAME, in the chat to link.
func (b *Bot) link(ctx context.Context, req *Request) (*flows.Message, error) {
	code, name := firstWord(req.Args)
	code = strings.ToUpper(code)
	switch {
	case code == "":
		return nil, flows.Refuse(flows.ErrLinkNeedsCode)
	case req.Update.Chat.Private:
		return nil, flows.Refuse(flows.ErrLinkInGroup, "code", code)
	case req.Process != "" && req.Process != code:
		return nil, flows.Refuse(flows.ErrChatLinkedElsewhere)
	}
	return b.run(ctx, req, code, flows.Link{Actor: req.Actor, Name: name})
}

// lang is /lang nl|en: the person's own language.
func (b *Bot) lang(ctx context.Context, req *Request) (*flows.Message, error) {
	lang := strings.ToLower(strings.TrimSpace(req.Args))
	if !flows.ValidLanguage(lang) {
		return nil, flows.Refuse(flows.ErrLangUsage)
	}
	if err := b.store.SetIndex(ctx, langKey(req.Update.User), lang); err != nil {
		return nil, err
	}
	b.rememberLanguage(req.Update.User, lang)
	req.Lang = lang
	return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgLanguageSet)}}, nil
}
