package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/studybot/studybot/bot"
)

// dmRefusals are the errors with which conversations.open (and
// chat.postMessage into the DM) say the user can never be messaged: an
// unknown, hidden or deactivated user, a bot, or a user of an
// organisation the workspace shares no channel with.
var dmRefusals = map[string]bool{
	"user_not_found":           true,
	"user_not_visible":         true,
	"user_disabled":            true,
	"cannot_dm_bot":            true,
	"invalid_user_combination": true,
}

// DM implements bot.DirectMessenger: conversations.open (scope im:write)
// gives the direct-message channel with user (kept for the next time),
// and chat.postMessage posts m there, paced and retried on 429 like any
// post. A refusal wraps bot.ErrDMBlocked; other errors (missing_scope,
// not_allowed_token_type, a network failure) are returned as they are.
func (a *Adapter) DM(ctx context.Context, user string, m bot.Message) error {
	ch, err := a.openDM(ctx, user)
	if err != nil {
		return dmError(user, "conversations.open", err)
	}
	blocks, text := render(m)
	err = a.postLimited(ctx, "", ch, func() error {
		_, _, err := a.api.PostMessageContext(ctx, ch, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return err
	})
	if err != nil {
		a.dms.Delete(user) // open it again next time
		return dmError(user, "chat.postMessage", err)
	}
	return nil
}

// openDM returns the ID of the direct-message channel with user.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	if v, ok := a.dms.Load(user); ok {
		return v.(string), nil
	}
	var id string
	err := a.retry(ctx, "conversations.open", func() error {
		ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			return err
		}
		if ch == nil || ch.ID == "" {
			return errors.New("no channel in the answer")
		}
		id = ch.ID
		return nil
	})
	if err != nil {
		return "", err
	}
	a.dms.Store(user, id)
	return id, nil
}

// dmError names the failed call and marks refusals with bot.ErrDMBlocked.
func dmError(user, method string, err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && dmRefusals[se.Err] {
		return fmt.Errorf("slack: %s with %s: %s: %w", method, user, se.Err, bot.ErrDMBlocked)
	}
	return fmt.Errorf("slack: %s with %s: %w", method, user, err)
}
