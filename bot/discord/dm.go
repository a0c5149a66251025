package discord

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/studybot/studybot/bot"
)

// dmRefusals are the error codes with which Discord says the user can
// never be messaged: 50007 "Cannot send messages to this user" (DMs from
// server members closed, the bot blocked, no shared server), 10013
// "Unknown User" and 50033 "Invalid Recipient(s)".
var dmRefusals = map[int]bool{
	discordgo.ErrCodeCannotSendMessagesToThisUser: true,
	discordgo.ErrCodeUnknownUser:                  true,
	discordgo.ErrCodeInvalidRecipients:            true,
}

// DM implements bot.DirectMessenger: POST /users/@me/channels opens (or
// returns) the DM channel with user, kept for the next time, and the
// message goes there as an embed, paced like any post. A refusal wraps
// bot.ErrDMBlocked; other errors (a 5xx, "opening direct messages too
// fast") are returned as they are.
func (a *Adapter) DM(ctx context.Context, user string, m bot.Message) error {
	ch, err := a.openDM(ctx, user)
	if err != nil {
		return dmError(user, "open DM", err)
	}
	if err := a.pace.Wait(ctx, ch); err != nil {
		return err
	}
	_, err = a.s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed(m)}}, discordgo.WithContext(ctx))
	if err != nil {
		a.dms.Delete(user) // open it again next time
		return dmError(user, "send DM", err)
	}
	return nil
}

// openDM returns the ID of the DM channel with user.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	if v, ok := a.dms.Load(user); ok {
		return v.(string), nil
	}
	ch, err := a.s.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	if ch == nil || ch.ID == "" {
		return "", errors.New("no channel in the answer")
	}
	a.dms.Store(user, ch.ID)
	return ch.ID, nil
}

// dmError names the failed step and marks refusals with bot.ErrDMBlocked.
func dmError(user, what string, err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil && dmRefusals[re.Message.Code] {
		return fmt.Errorf("discord: %s with %s: %d %s: %w", what, user, re.Message.Code, re.Message.Message, bot.ErrDMBlocked)
	}
	return fmt.Errorf("discord: %s with %s: %w", what, user, err)
}
