package slack

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

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
	maxContextText = 300
	// maxFallback bounds the fallback text, which only notifications show
	// when there are blocks.
	maxFallback = 300
	// maxPayload is the JSON size a rendered message keeps under, fallback
	// text and block structure included, so that it fits the 20 KB Socket
	// Mode acknowledgement with room for the envelope. Japanese takes 3
	// bytes a character; escaped <, > and & take 10 or more.
	maxPayload = 18000
	// blockOverhead is a block's JSON structure around its text.
	blockOverhead = 120
	truncHint     = "…（長いので省略しました / truncated）"
)

// Mentions the core asks for (Adapter.Mention) travel through message
// text as markers that user text cannot forge: a private-use rune, a
// per-process random key, the user ID and a closing private-use rune.
// Only the renderer turns them into <@U…>.
var (
	mentionOpen  = "\ue000" + randomKey() + ":"
	mentionClose = "\ue001"
)

func randomKey() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// mentionMarker is what Adapter.Mention returns for user.
func mentionMarker(user string) string { return mentionOpen + user + mentionClose }

// validUserID reports whether id looks like a Slack user ID.
func validUserID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// mrk builds mrkdwn from our own markup and user text. It is the one place
// where text is escaped: text() escapes &, < and > (and turns mention
// markers into <@U…>), markup() adds our formatting as is. It keeps the
// pieces as tokens so that truncation never splits an entity or a mention.
type mrk struct {
	toks []string
	n    int // runes
	size int // bytes once JSON-encoded
}

func (m *mrk) push(tok string) {
	m.toks = append(m.toks, tok)
	m.n += utf8.RuneCountInString(tok)
	m.size += jsonLen(tok)
}

// jsonLen is the length of s inside a JSON string as encoding/json writes
// it (<, > and & become \u003c …; Japanese takes 3 bytes a character).
func jsonLen(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r == '<' || r == '>' || r == '&' || r < 0x20:
			n += 6
		case r == '"' || r == '\\':
			n += 2
		default:
			n += utf8.RuneLen(r)
		}
	}
	return n
}

// markup adds our own formatting (bold, quote bars, line breaks).
func (m *mrk) markup(s string) *mrk {
	if s != "" {
		m.push(s)
	}
	return m
}

// text adds user or memo text, escaped for mrkdwn.
func (m *mrk) text(s string) *mrk {
	for len(s) > 0 {
		if strings.HasPrefix(s, mentionOpen) {
			if end := strings.Index(s, mentionClose); end > 0 {
				if id := s[len(mentionOpen):end]; validUserID(id) {
					m.push("<@" + id + ">")
				}
				s = s[end+len(mentionClose):]
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s)
		switch r {
		case '&':
			m.push("&amp;")
		case '<':
			m.push("&lt;")
		case '>':
			m.push("&gt;")
		case '\ue000', '\ue001':
			// a stray marker rune: dropped
		default:
			m.push(s[:size])
		}
		s = s[size:]
	}
	return m
}

// string returns the mrkdwn, cut at a token boundary to at most limit
// runes (with "…" when cut).
func (m *mrk) string(limit int) string { s, _ := m.fit(limit, m.size); return s }

// fit returns the mrkdwn cut at a token boundary to at most limit runes
// and bytes bytes of JSON (with "…" when cut), and its JSON size.
func (m *mrk) fit(limit, bytes int) (string, int) {
	if m.n <= limit && m.size <= bytes {
		return strings.Join(m.toks, ""), m.size
	}
	var b strings.Builder
	used, size := 0, 0
	for _, t := range m.toks {
		n, sz := utf8.RuneCountInString(t), jsonLen(t)
		if used+n > limit-1 || size+sz > bytes-3 {
			break
		}
		b.WriteString(t)
		used += n
		size += sz
	}
	b.WriteString("…")
	return b.String(), size + 3
}

// mdText escapes user text s and cuts it to n runes.
func mdText(s string, n int) string { return new(mrk).text(s).string(n) }

func mdObj(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// plainText renders text for plain_text objects (no escaping there), with
// mention markers shown as @U….
func plainText(s string, n int) string {
	for {
		i := strings.Index(s, mentionOpen)
		if i < 0 {
			break
		}
		end := strings.Index(s[i:], mentionClose)
		if end < 0 {
			break
		}
		s = s[:i] + "@" + s[i+len(mentionOpen):i+end] + s[i+end+len(mentionClose):]
	}
	s = strings.NewReplacer("\ue000", "", "\ue001", "").Replace(s)
	return bot.Truncate(s, n)
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, plainText(s, n), true, false)
}

// blockVersion makes every rendering's actions block_id new, so that a
// chat.update never reuses the block_id of the version it replaces (Slack
// keeps client state per block_id).
var blockVersion atomic.Uint64

var blockKey = randomKey()[:6]

// render turns core messages into Block Kit blocks within Slack's limits,
// and an escaped fallback text for notifications.
func render(msgs ...bot.Message) ([]slack.Block, string) {
	var blocks []slack.Block
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text())
	}
	fallback, fallbackSize := new(mrk).text(strings.Join(texts, "\n\n")).fit(maxFallback, maxPayload)
	// room for the truncation hint and the payload's own fields
	budget := maxPayload - fallbackSize - 2*blockOverhead - jsonLen(truncHint)
	add := func(b slack.Block, size int) bool {
		size += blockOverhead
		if len(blocks) >= maxBlocks-1 || budget-size < 0 {
			return false
		}
		blocks = append(blocks, b)
		budget -= size
		return true
	}
	section := func(m *mrk, limit int) (*slack.SectionBlock, int, bool) {
		s, size := m.fit(limit, max(budget-blockOverhead, 1))
		return slack.NewSectionBlock(mdObj(s), nil, nil), size, s != strings.Join(m.toks, "")
	}
	truncated := false
	for i, m := range msgs {
		if m.Kind == bot.KindMe && i > 0 {
			add(slack.NewDividerBlock(), 20) // the progress view's sections
		}
		if m.Title != "" {
			t := plainText(m.Title, maxHeaderText)
			add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, t, true, false)), jsonLen(t))
		}
		if m.Body != "" {
			body := new(mrk).text(m.Body)
			if m.Kind == bot.KindCard {
				body.markup("\n")
				for _, btn := range m.Buttons {
					body.markup("\n*").text(btn.Label).markup(")* ").text(btn.Text)
				}
			}
			b, size, cut := section(body, maxSectionText)
			truncated = truncated || cut
			add(b, size)
		}
		buttons := func() {
			if pick := multiSelect(m); pick != nil {
				add(pick, multiSize(m))
				return
			}
			if len(m.Buttons) == 0 || m.Buttons[0].Disabled {
				return
			}
			var els []slack.BlockElement
			size := 0
			for _, btn := range m.Buttons {
				els = append(els, slack.NewButtonBlockElement(btn.ActionID, btn.ActionID, plain(btn.Label, maxButtonText)))
				size += 100 + 2*len(btn.ActionID) + jsonLen(btn.Label)
			}
			id := "answers:" + m.PostID + ":" + blockKey + "." + strconv.FormatUint(blockVersion.Add(1), 10)
			add(slack.NewActionBlock(id, els...), size)
		}
		if m.Kind != bot.KindMe {
			buttons() // a card's answers, under its question
		}
		if m.Quote != "" {
			q := new(mrk)
			for i, l := range strings.Split(m.Quote, "\n") {
				if i > 0 {
					q.markup("\n")
				}
				q.markup("> ").text(l)
			}
			b, size, cut := section(q, maxSectionText)
			truncated = truncated || cut
			if !add(b, size) {
				truncated = true
			}
		}
		for i, f := range m.Fields {
			if i >= maxFields {
				truncated = true
				break
			}
			t := new(mrk)
			if f.Name != "" {
				t.markup("*").text(f.Name).markup("*\n")
			}
			t.text(f.Value)
			b, size, cut := section(t, maxSectionText)
			// a field cut to a stub is left out rather than shown as "…"
			if cut && size < 200 || !add(b, size) {
				truncated = true
				break
			}
			truncated = truncated || cut
		}
		if m.Kind == bot.KindMe {
			buttons() // the progress view's, under what they act on
		}
		if m.Context != "" {
			c, size := new(mrk).text(m.Context).fit(maxContextText, maxPayload)
			add(slack.NewContextBlock("", mdObj(c)), size)
		}
	}
	if truncated {
		blocks = append(blocks, slack.NewContextBlock("", mdObj(mdText(truncHint, maxContextText))))
	}
	return blocks, fallback
}
