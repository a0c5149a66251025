package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocket connects with Socket Mode and serves events until ctx is done.
// slack-go reconnects on its own; invalid or revoked tokens end the run
// with ErrFatal, leaving other adapters running.
func (a *Adapter) RunSocket(ctx context.Context, opts ...socketmode.Option) error {
	if a.client == nil {
		return errors.New("slack: Socket Mode needs the real client")
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	sm := socketmode.New(a.client, opts...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()
	a.state.Store("connecting")
	for {
		select {
		case <-ctx.Done():
			a.state.Store("disconnected")
			return nil
		case err := <-runErr:
			a.state.Store("failed")
			if err == nil || errors.Is(err, context.Canceled) {
				return nil
			}
			if isAuthError(err) {
				return fmt.Errorf("%w: Socket Mode: %v (check STUDYBOT_SLACK_APP_TOKEN and STUDYBOT_SLACK_BOT_TOKEN)", ErrFatal, err)
			}
			return fmt.Errorf("slack: Socket Mode: %w", err)
		case evt, ok := <-sm.Events:
			if !ok {
				return nil
			}
			// Always drain: a stalled channel stalls pings and reconnects.
			a.socketEvent(ctx, sm, evt)
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.state.Store("connecting")
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		a.state.Store("connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect:
		a.state.Store("connecting") // slack-go reconnects by itself
	case socketmode.EventTypeInvalidAuth:
		a.state.Store("failed")
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		req := *evt.Request
		if !a.seen.first("cmd:" + sc.TriggerID) {
			sm.Ack(req)
			return
		}
		// Off the event loop (which must keep draining): the reply rides on
		// the ack, within Slack's 3 s.
		a.spawn(func(ctx context.Context) {
			cctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
			defer cancel()
			r := a.core.HandleCommand(cctx, a.command(cctx, sc))
			if err := sm.Ack(req, commandPayload(r)); err != nil {
				a.log.Warn("ack slash command", "err", err)
			}
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if evt.Request != nil {
			sm.Ack(*evt.Request) // ack first, within 3 s; reply after
		}
		if !ok {
			return
		}
		for _, c := range a.clicks(cb) {
			if !a.seen.first("act:" + cb.User.ID + ":" + c.ActionID + ":" + cb.ActionTs) {
				continue
			}
			c := c
			a.spawn(func(ctx context.Context) { a.handleClick(ctx, c) })
		}
	case socketmode.EventTypeEventsAPI:
		if evt.Request != nil {
			sm.Ack(*evt.Request)
		}
	}
}
