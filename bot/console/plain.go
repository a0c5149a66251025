package console

import (
	"regexp"
	"strings"
)

// The core writes a few messages with a chat platform's markup (the weekly
// digest's headings are Slack's *bold*); a terminal shows it as stray
// asterisks and brackets. plain turns that markup into the bare words.
var (
	// linkText is Slack's <url|text>: the text, then the address.
	linkText = regexp.MustCompile(`<((?:https?|mailto):[^|>\s]+)\|([^>\n]+)>`)
	// linkBare is Slack's <url>: the address alone.
	linkBare = regexp.MustCompile(`<((?:https?|mailto):[^|>\s]+)>`)
	// doubleBold is Discord's (and Markdown's) **bold**.
	doubleBold = regexp.MustCompile(`\*\*([^\s*](?:[^*\n]*[^\s*])?)\*\*`)
	// singleBold is Slack's *bold*: asterisks hugging the words, not
	// inside a word or a number, so that a cron spec (0 9 * * 1-5) or a
	// product (2*3) stays as it is.
	singleBold = regexp.MustCompile(`(^|[^A-Za-z0-9*\\])\*([^\s*](?:[^*\n]*[^\s*])?)\*($|[^A-Za-z0-9*])`)
)

// plain returns s with chat markup removed: links become "text (url)" or
// the bare url, bold becomes the words, and a "> " quote line becomes the
// console's quote bar.
func plain(s string) string {
	if !strings.ContainsAny(s, "*<>") {
		return s
	}
	s = linkText.ReplaceAllString(s, "$2 ($1)")
	s = linkBare.ReplaceAllString(s, "$1")
	s = doubleBold.ReplaceAllString(s, "$1")
	// adjacent spans share a boundary rune, which one pass consumes
	for i := 0; i < 4; i++ {
		t := singleBold.ReplaceAllString(s, "$1$2$3")
		if t == s {
			break
		}
		s = t
	}
	if strings.Contains(s, "> ") {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "> ") {
				lines[i] = "  │ " + l[2:]
			}
		}
		s = strings.Join(lines, "\n")
	}
	return s
}
