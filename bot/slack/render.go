package slack

import (
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/studybot/studybot/bot"
)

// Slack's Block Kit limits (https://api.slack.com/reference/block-kit).
const (
	maxBlocks      = 50
	maxSectionText = 3000
	maxHeaderText  = 150
	maxButtonText  = 75
	maxFields      = 20
	// maxTotalText keeps a rendered message well under the 20 KB Socket
	// Mode acknowledgement limit (Japanese runes take 3 bytes in JSON).
	maxTotalText = 5000
	truncHint    = "…（長いので省略しました / truncated）"
)

var cut = bot.Truncate

var mention = regexp.MustCompile(`<@[A-Z0-9]+>`)

// escape escapes &, < and > for mrkdwn, keeping user mentions.
func escape(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range mention.FindAllStringIndex(s, -1) {
		b.WriteString(escapePlain(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(escapePlain(s[last:]))
	return b.String()
}

func escapePlain(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, cut(escape(s), maxSectionText), false, false)
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, cut(s, n), true, false)
}

// render turns core messages into Block Kit blocks within Slack's limits,
// and a plain-text fallback for notifications.
func render(msgs ...bot.Message) ([]slack.Block, string) {
	var blocks []slack.Block
	var texts []string
	budget := maxTotalText
	add := func(b slack.Block, size int) bool {
		if len(blocks) >= maxBlocks-1 || budget-size < 0 {
			return false
		}
		blocks = append(blocks, b)
		budget -= size
		return true
	}
	truncated := false
	for _, m := range msgs {
		texts = append(texts, m.Text())
		if m.Title != "" {
			add(slack.NewHeaderBlock(plain(m.Title, maxHeaderText)), len([]rune(m.Title)))
		}
		if m.Body != "" {
			body := m.Body
			if m.Kind == bot.KindCard {
				var opts []string
				for _, btn := range m.Buttons {
					opts = append(opts, "*"+btn.Label+")* "+btn.Text)
				}
				body += "\n\n" + strings.Join(opts, "\n")
			}
			t := cut(body, min(maxSectionText, budget))
			truncated = truncated || t != body
			add(slack.NewSectionBlock(mrkdwn(t), nil, nil), len([]rune(t)))
		}
		if len(m.Buttons) > 0 && !m.Buttons[0].Disabled {
			var els []slack.BlockElement
			for _, btn := range m.Buttons {
				b := slack.NewButtonBlockElement(btn.ActionID, btn.ActionID, plain(btn.Label, maxButtonText))
				els = append(els, b)
			}
			add(slack.NewActionBlock("answers:"+m.PostID, els...), 20*len(els))
		}
		if m.Quote != "" {
			lines := strings.Split(cut(m.Quote, min(maxSectionText-200, max(budget, 1))), "\n")
			for i, l := range lines {
				lines[i] = "> " + l
			}
			q := strings.Join(lines, "\n")
			if !add(slack.NewSectionBlock(mrkdwn(q), nil, nil), len([]rune(q))) {
				truncated = true
			}
		}
		for i, f := range m.Fields {
			if i >= maxFields {
				truncated = true
				break
			}
			t := f.Value
			if f.Name != "" {
				t = "*" + f.Name + "*\n" + f.Value
			}
			t = cut(t, maxSectionText)
			if !add(slack.NewSectionBlock(mrkdwn(t), nil, nil), len([]rune(t))) {
				truncated = true
				break
			}
		}
		if m.Context != "" {
			add(slack.NewContextBlock("", mrkdwn(cut(m.Context, 300))), len([]rune(m.Context)))
		}
	}
	if truncated {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(truncHint)))
	}
	return blocks, cut(strings.Join(texts, "\n\n"), maxSectionText)
}
