package console

import (
	"context"
	"fmt"

	"github.com/studybot/studybot/bot"
)

// The console delivers direct messages (review reminders) too.
var _ bot.DirectMessenger = (*Console)(nil)

// DM implements bot.DirectMessenger: the console prints the message under
// a line marking it as a direct message to user.
func (c *Console) DM(_ context.Context, user string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.cfg.Out, "%s\n", c.bold("✉ DM → "+c.Mention(user)))
	c.print(m)
	return nil
}
