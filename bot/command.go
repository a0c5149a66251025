package bot

import (
	"context"
	"github.com/studybot/studybot/bot/core"
	"github.com/studybot/studybot/bot/render"
	"strings"

	"github.com/studybot/studybot/store"
)

// HandleCommand runs a command and returns the reply. It never blocks on
// platform calls: a post-now posts in the background.
func (b *Bot) HandleCommand(ctx context.Context, c Command) Response {
	defer b.track()()
	name := strings.TrimPrefix(strings.ToLower(c.Name), "/")
	lang := b.channelLang(c.Space, c.Channel)
	spec, ok := core.LookupCommand(name)
	if !ok {
		b.metrics.Command(name)
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.unknown", "/"+name)})
	}
	b.metrics.Command(spec.Name)
	if _, err := b.ensureSpace(c.Space); err != nil {
		return b.internalError(lang, "ensure space", err)
	}
	return b.commands[spec.Name](ctx, c, lang)
}

// usageError and unknownQuestion are core.UsageError and core.UnknownQuestion.
var (
	usageError      = core.UsageError
	unknownQuestion = core.UnknownQuestion
)

func (b *Bot) cmdHelp(_ context.Context, _ Command, lang string) Response {
	return render.Private(helpMessage(lang))
}

func (b *Bot) parseDomain(arg string) (int, bool) { return b.core.ParseDomain(arg) }
func (b *Bot) domainChoices() string              { return b.core.DomainChoices() }

// cmdAdmin runs a /studybot subcommand from AdminCommands.
func (b *Bot) cmdAdmin(ctx context.Context, c Command, lang string) Response {
	if !b.isAdmin(c) {
		return render.Private(Message{Kind: KindError, Tone: Bad, Body: T(lang, "err.admin")})
	}
	if len(c.Args) == 0 {
		return usageError(lang, T(lang, "admin.usage", core.AdminNames()), "admin.example")
	}
	name, args := strings.ToLower(c.Args[0]), c.Args[1:]
	sub, ok := core.LookupAdmin(name)
	if !ok {
		return usageError(lang, T(lang, "err.unknown", "/studybot "+name), "admin.example")
	}
	var ch store.Channel
	if sub.Channel {
		if c.DM || c.Channel == "" {
			return render.Private(Message{Kind: KindError, Body: T(lang, "err.dm")})
		}
		var err error
		if ch, err = b.EnsureChannel(c.Space, c.Channel); err != nil {
			return b.internalError(lang, "channel", err)
		}
	}
	return b.admin[sub.Name](ctx, c, args, ch, lang)
}
