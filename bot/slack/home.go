package slack

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/pace"
	"github.com/studybot/studybot/store"
)

// The App Home tab: Slack sends app_home_opened (Events API, over Socket
// Mode or HTTP) each time a user opens the app's Home tab; the adapter
// answers with views.publish of the user's progress view (the core's
// /me, which Slack reserves as a slash command). Buttons in the view come
// back as block_actions with view.type "home" and no channel:
//
//   - a setting (render.SettingAction: the reminder's time or zone) runs
//     and the Home tab is published again at once; only a refusal is sent
//     as a direct message;
//   - any other button (Start review, show today's question, the admins'
//     buttons) runs and its reply goes to the user as a direct message
//     (the app's Messages tab), where the review question can be answered
//     like any other card.
//
// After each answer of a user who opened the Home tab since the process
// started, the tab is published again, debounced per user (HomeEvery,
// 10 s: one publish for a burst of answers) by one goroutine the adapter
// owns, on its clock (Config.NewTimer); publishes keep to Tier 4's pace
// across the workspace (homePerMinute), and a 429 is waited out
// (Retry-After) like every call.

// DefaultHomeEvery is Config.HomeEvery when unset.
const DefaultHomeEvery = 10 * time.Second

// views.publish's pace across the workspace: Slack puts it in Tier 4
// ("100+ per minute" per app and workspace); 90 a minute keeps under it
// with a short burst for a few people opening the tab at once. A 429
// beyond it is waited out (Retry-After) by retry.
const (
	homeKey       = "home"
	homePerMinute = 90.0
	homeBurst     = 10
)

// maxHomeBlocks is Block Kit's limit of blocks in a Home tab view.
const maxHomeBlocks = 100

// homeState is the adapter's Home tab bookkeeping.
type homeState struct {
	refresh *pace.Debouncer
	viewers map[string]bool // users who opened the Home tab (guarded by Adapter.mu)
	started bool
}

// homeView renders the progress view as a Home tab view.
func homeView(msgs []bot.Message) slack.HomeTabViewRequest {
	blocks, _ := render(msgs...)
	if len(blocks) > maxHomeBlocks {
		blocks = blocks[:maxHomeBlocks]
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// startHome starts the refresher on first use; it reports false once the
// adapter is closing.
func (a *Adapter) startHome() bool {
	a.mu.Lock()
	if a.home.started || a.closed {
		closed := a.closed
		a.mu.Unlock()
		return !closed
	}
	a.home.started = true
	a.mu.Unlock()
	return a.spawn(a.home.refresh.Run)
}

// homeOpened handles app_home_opened: the user becomes a viewer (their
// answers refresh the tab) and the tab is published, in the background.
func (a *Adapter) homeOpened(team, user, tab string) {
	if tab != "home" || !validUserID(user) || !a.startHome() {
		return
	}
	a.mu.Lock()
	a.home.viewers[user] = true
	a.mu.Unlock()
	a.spawn(func(ctx context.Context) {
		if err := a.PublishHome(ctx, team, user); err != nil {
			a.log.Warn("home tab", "user", user, "err", err)
		}
	})
}

// answered refreshes the Home tab of a user who answered, if they opened
// it (debounced).
func (a *Adapter) answered(user string) {
	a.mu.Lock()
	viewer := a.home.viewers[user]
	a.mu.Unlock()
	if viewer && a.startHome() {
		a.home.refresh.Touch(user)
	}
}

// HomeRefreshes returns how many debounced Home tab refreshes were made.
func (a *Adapter) HomeRefreshes() int { return a.home.refresh.Runs() }

// PublishHome publishes user's Home tab: the core's progress view (admin
// status from users.info, cached), rendered within Block Kit's limits,
// with views.publish, retried on 429.
func (a *Adapter) PublishHome(ctx context.Context, team, user string) error {
	if team == "" {
		team = a.team.Load().(string)
	}
	c := bot.Command{Space: store.SpaceRef{Platform: store.Slack, ID: team}, User: user, DM: true, Name: "me",
		Admin: a.admins.isAdmin(ctx, user)}
	r := a.core.HandleCommand(ctx, c)
	view := homeView(r.Messages)
	if _, err := a.pace.lim.Acquire(ctx, "", homeKey); err != nil {
		return fmt.Errorf("slack: views.publish: %w", err)
	}
	err := a.retry(ctx, "views.publish", func() error {
		_, err := a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
	if err != nil {
		return fmt.Errorf("slack: views.publish: %w", err)
	}
	return nil
}

// homeReply delivers the reply to a click in the Home tab (see the top of
// this file): a setting republishes the tab, anything else goes by DM.
func (a *Adapter) homeReply(ctx context.Context, c bot.Click, r bot.Response) {
	_, _, setting, _ := bot.ParseCommandAction(c.ActionID)
	for _, m := range r.Messages {
		if setting && m.Tone != bot.Bad {
			continue
		}
		if err := a.DM(ctx, c.User, m); err != nil {
			a.log.Warn("home tab reply", "user", c.User, "err", err)
		}
	}
	if setting {
		if err := a.PublishHome(ctx, c.Space.ID, c.User); err != nil {
			a.log.Warn("home tab", "user", c.User, "err", err)
		}
	}
}

// isAnswer reports whether an action answers a question (a daily card, a
// practice or a review question), after which the Home tab is refreshed.
func isAnswer(actionID string) bool {
	kind, _, _, ok := bot.ParseAction(actionID)
	return ok && (kind == "a" || kind == "p" || kind == "v")
}

// event handles an Events API event (over Socket Mode or HTTP, already
// acknowledged): app_home_opened publishes the Home tab; the rest are
// ignored. A retried delivery publishes again, which is harmless.
func (a *Adapter) event(ev slackevents.EventsAPIEvent) {
	if ev.Type != slackevents.CallbackEvent {
		return
	}
	if e, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
		a.homeOpened(ev.TeamID, e.User, e.Tab)
	}
}
