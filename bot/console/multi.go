package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/studybot/studybot/bot"
)

// Questions with more than one answer: the card's options are a
// multi-select (bot.Message.Choose), answered by typing the letters (or
// digits) of the chosen options at once: "ac", "a,c", "a c", "A C", "1,3".

// multiHint is printed under an open choose-N card.
const multiHint = "  (choose %d: type their letters at once, e.g. ac or a,c)"

// multiCard reports whether the current card asks for several options.
func (c *Console) multiCard() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.card != nil && c.card.Choose > 1 && c.card.Submit != nil
}

// answerSet reads the option indexes of a choose-N answer: letters a–h
// (either case) or digits 1–8, optionally separated by commas or spaces.
// Repeats are kept (the core counts distinct options).
func answerSet(s string) ([]int, bool) {
	var out []int
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ',' || r == ' ' || r == '\t':
		case r >= 'a' && r <= 'h':
			out = append(out, int(r-'a'))
		case r >= '1' && r <= '8':
			out = append(out, int(r-'1'))
		default:
			return nil, false
		}
	}
	return out, len(out) > 0
}

// answerSet submits the chosen options of the current choose-N card; the
// core refuses a choice of the wrong size.
func (c *Console) answerSet(ctx context.Context, idxs []int) {
	c.mu.Lock()
	card := c.card
	c.mu.Unlock()
	values := make([]string, 0, len(idxs))
	for _, i := range idxs {
		if i >= len(card.Buttons) {
			c.say(bot.Message{Kind: bot.KindError, Body: fmt.Sprintf("The card has options a–%c only.", 'a'+len(card.Buttons)-1)})
			return
		}
		values = append(values, card.Buttons[i].Value)
	}
	c.respond(c.core.HandleClick(ctx, bot.Click{Space: c.space, Channel: Channel, User: c.currentUser(), ActionID: card.Submit.ActionID, Values: values}))
}
