package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
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
	// The envelope cap first: the caller's options may override it.
	sm := socketmode.New(a.client, append([]socketmode.Option{socketmode.OptionReadLimit(a.cfg.MaxEnvelope)}, opts...)...)
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

// maxAck is the size at which Slack drops a Socket Mode response.
const maxAck = 20 * 1024

// ackSize is the size of the Socket Mode response carrying payload.
func ackSize(req socketmode.Request, payload any) int {
	b, err := json.Marshal(socketmode.Response{EnvelopeID: req.EnvelopeID, Payload: payload})
	if err != nil {
		return maxAck
	}
	return len(b)
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
		if sc.Command == "" || sc.UserID == "" { // malformed, as HTTP mode refuses it
			a.ack(sm, req, nil)
			return
		}
		if !a.seen.First(commandKey(sc, nil)) {
			a.ack(sm, req, nil)
			return
		}
		// Off the event loop (which must keep draining): the reply rides on
		// the ack, within Slack's 3 s.
		a.spawn(func(ctx context.Context) {
			cctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
			defer cancel()
			c := a.command(cctx, sc)
			r := a.core.HandleCommand(cctx, c)
			payload := a.commandReply(cctx, c, r)
			if payload != nil && ackSize(req, payload) >= maxAck && sc.ResponseURL != "" {
				// Too large for a Socket Mode ack: ack empty, reply through response_url.
				if err := a.ack(sm, req, nil); err != nil {
					a.log.Warn("ack slash command", "err", err)
				}
				if err := a.postResponseURL(ctx, sc.ResponseURL, r.Private, r.Messages...); err != nil {
					a.log.Warn("slash command reply", "err", err)
				}
				return
			}
			if err := a.ack(sm, req, payload); err != nil {
				a.log.Warn("ack slash command", "err", err)
			}
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			if evt.Request != nil {
				a.ack(sm, *evt.Request, nil)
			}
			return
		}
		clicks := a.newClicks(cb)
		// Off the event loop: ack once the answers are stored (or after
		// AckWait), within Slack's 3 s; the replies follow.
		a.spawn(func(ctx context.Context) {
			if !a.answerClicks(clicks, cb.ResponseURL, fromHome(cb)) {
				return // closing: unacknowledged, Slack retries
			}
			if evt.Request != nil {
				if err := a.ack(sm, *evt.Request, nil); err != nil {
					a.log.Warn("ack interaction", "err", err)
				}
			}
		})
	case socketmode.EventTypeEventsAPI:
		if evt.Request != nil {
			a.ack(sm, *evt.Request, nil)
		}
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			a.event(ev)
		}
	}
}
