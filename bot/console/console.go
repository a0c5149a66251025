// Package console runs studybot in a terminal: the daily card with
// numbered options, answers typed as a–d or 1–4 (a choose-N card's as "ac"
// or "a,c"), every slash command, /as to switch the simulated user and
// /tick to jump to the next event. It reads line by line, so it also works
// with a pipe instead of a terminal.
package console

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/store"
)

// Channel is the console's one channel.
const Channel = "console"

// core is what the console needs of the bot.
type core interface {
	HandleCommand(ctx context.Context, c bot.Command) bot.Response
	HandleClick(ctx context.Context, c bot.Click) bot.Response
	RunDue(ctx context.Context, now time.Time)
	NextEvent(now time.Time) time.Time
	EnsureChannel(sp store.SpaceRef, channel string) (store.Channel, error)
	PostNow(ctx context.Context, sp store.SpaceRef, channel string) (store.Post, error)
	CurrentCard(sp store.SpaceRef, channel string) (bot.Message, error)
}

// Config sets up a console.
type Config struct {
	// In is read line by line.
	In io.Reader
	// Out receives everything shown.
	Out io.Writer
	// User is the simulated user at start (default "you").
	User string
	// Session names the console's space (default "local").
	Session string
	// Color turns on ANSI colours (only on a terminal).
	Color bool
	// Clock is the simulated clock the bot reads; /tick moves it.
	Clock *Clock
	// Location is the zone times are shown in (default: local).
	Location *time.Location
	// Banner is shown first.
	Banner string
	// FileDir is where posted files (the weekly digest's chart) are
	// written; default os.TempDir().
	FileDir string
}

// The console has the core's adapter lifecycle.
var (
	_ bot.Adapter    = (*Console)(nil)
	_ bot.FilePoster = (*Console)(nil)
)

// Console is the terminal adapter. It is also the bot's Platform for the
// "console" space.
type Console struct {
	cfg   Config
	core  core
	space store.SpaceRef
	mu    sync.Mutex
	user  string
	card  *bot.Message // the card answers go to
	cards map[string]bot.Message
	seq   int
}

// New returns a console driving the core c: register it with the core
// (bot.AddPlatform), then Run it and Close it after.
func New(cfg Config, c core) *Console {
	if cfg.User == "" {
		cfg.User = "you"
	}
	if cfg.Session == "" {
		cfg.Session = "local"
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	return &Console{cfg: cfg, core: c, user: cfg.User, space: store.SpaceRef{Platform: store.Console, ID: cfg.Session}, cards: map[string]bot.Message{}}
}

// Close implements bot.Adapter; the console's work ends with Run.
func (c *Console) Close() error { return nil }

// Name implements bot.Platform.
func (c *Console) Name() string { return store.Console }

// Space is the console's space (its session), for a web sign-in link.
func (c *Console) Space() store.SpaceRef { return c.space }

// Mention implements bot.Platform.
func (c *Console) Mention(user string) string { return "@" + user }

// PostCard implements bot.Platform: the card is shown and becomes the one
// that a–d (or a set such as "ac") answer.
func (c *Console) PostCard(_ context.Context, channel string, m bot.Message) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	ref := fmt.Sprintf("card-%d", c.seq)
	c.cards[ref] = m
	mm := m
	c.card = &mm
	c.print(m)
	return ref, nil
}

// UpdateCard implements bot.Platform. Live counts are not reprinted; a
// closed card is announced.
func (c *Console) UpdateCard(_ context.Context, channel, ref string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.cards[ref]
	c.cards[ref] = m
	closed := len(m.Buttons) > 0 && m.Buttons[0].Disabled
	if closed && (len(old.Buttons) == 0 || !old.Buttons[0].Disabled) {
		fmt.Fprintf(c.cfg.Out, "%s\n", c.dim("— "+plain(m.Context)))
	}
	if c.card != nil && c.card.PostID == m.PostID && m.PostID != "" {
		mm := m
		c.card = &mm
	}
	return nil
}

// Post implements bot.Platform.
func (c *Console) Post(_ context.Context, channel string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.print(m)
	return nil
}

// PostFile implements bot.FilePoster: it writes the file into
// Config.FileDir (the name prefixed with the channel) and prints the
// message and the file's path.
func (c *Console) PostFile(_ context.Context, channel string, m bot.Message, f bot.File) error {
	dir := c.cfg.FileDir
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "studybot-"+filepath.Base(channel)+"-"+filepath.Base(f.Name))
	if err := os.WriteFile(path, f.Data, 0o644); err != nil {
		return fmt.Errorf("console: write %s: %w", f.Name, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.print(m)
	fmt.Fprintf(c.cfg.Out, "📎 %s: %s\n", f.Alt, path)
	return nil
}

// Run is the console's lifecycle (bot.Adapter): it shows the banner,
// makes sure today's question is out, then reads commands until the input
// ends or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	if c.core == nil {
		return errors.New("console: no bot to drive")
	}
	if _, err := c.core.EnsureChannel(c.space, Channel); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	c.mu.Lock()
	fmt.Fprintln(c.cfg.Out, c.cfg.Banner)
	fmt.Fprintln(c.cfg.Out, c.dim(consoleHelp))
	c.mu.Unlock()
	c.core.RunDue(ctx, c.cfg.Clock.Now())
	c.showToday(ctx)
	lines := make(chan inputLine)
	go func() { // ends with the input or ctx; Run does not wait for a blocked read
		defer close(lines)
		r := bufio.NewReaderSize(c.cfg.In, 64*1024)
		for {
			l, err := readLine(r, MaxLine)
			if err != nil && l.text == "" && !l.tooLong {
				return
			}
			select {
			case lines <- l:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		c.prompt()
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				c.mu.Lock()
				fmt.Fprintln(c.cfg.Out)
				c.mu.Unlock()
				return nil
			}
			if line.tooLong {
				c.mu.Lock()
				fmt.Fprintln(c.cfg.Out)
				c.mu.Unlock()
				c.say(bot.Message{Kind: bot.KindError, Body: fmt.Sprintf("That line is over %d bytes and was ignored. %s", MaxLine, consoleHelp)})
				continue
			}
			if !c.handle(ctx, strings.TrimSpace(line.text)) {
				return nil
			}
		}
	}
}

// MaxLine is the longest input line the console reads; a longer one is
// skipped with a message, and reading goes on.
const MaxLine = 1 << 20

// inputLine is one line of input, or the news that one was too long.
type inputLine struct {
	text    string
	tooLong bool
}

// readLine reads up to the next newline (or the end of the input),
// keeping at most max bytes; a longer line is consumed and reported as
// tooLong. The error is that of the reader (io.EOF at the end).
func readLine(r *bufio.Reader, max int) (inputLine, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			n := len(buf) + len(chunk)
			if bytes.HasSuffix(chunk, []byte{'\n'}) {
				n-- // the newline does not count
			}
			if n > max {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			return inputLine{tooLong: true}, err
		}
		return inputLine{text: strings.TrimRight(string(buf), "\r\n")}, err
	}
}

// showToday shows the open question again (after a restart) or posts one
// now, so a newcomer sees a card at once.
func (c *Console) showToday(ctx context.Context) {
	if m, err := c.core.CurrentCard(c.space, Channel); err == nil {
		c.mu.Lock()
		c.card = &m
		c.print(m)
		c.mu.Unlock()
		return
	}
	if _, err := c.core.PostNow(ctx, c.space, Channel); err != nil {
		c.mu.Lock()
		fmt.Fprintf(c.cfg.Out, "%s\n", c.bad("could not post a question: "+err.Error()))
		c.mu.Unlock()
	}
}

const consoleHelp = `a–d / 1–4: answer the current card (choose N: ac or a,c) · /tick: jump to the next event · /as NAME: be someone else · /help · /quit`

func (c *Console) prompt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.cfg.Out, "%s %s> ", c.dim(c.cfg.Clock.Now().In(c.cfg.Location).Format("01/02 Mon 15:04")), c.user)
}

// handle runs one input line; it returns false to stop.
func (c *Console) handle(ctx context.Context, line string) bool {
	if line == "" {
		return true
	}
	c.mu.Lock()
	fmt.Fprintln(c.cfg.Out) // a pipe does not echo the newline a terminal would
	c.mu.Unlock()
	if idx, ok := answerIndex(line); ok && !c.multiCard() {
		c.answer(ctx, idx)
		return true
	}
	if idxs, ok := answerSet(line); ok && c.multiCard() {
		c.answerSet(ctx, idxs)
		return true
	}
	if !strings.HasPrefix(line, "/") {
		c.say(bot.Message{Kind: bot.KindError, Body: "Type a–d (or 1–4) to answer, or ac / a,c on a choose-N card, or a /command. " + consoleHelp})
		return true
	}
	fields := strings.Fields(line[1:])
	if len(fields) == 0 {
		return true
	}
	name, args := strings.ToLower(fields[0]), fields[1:]
	switch name {
	case "quit", "exit", "q":
		return false
	case "as":
		if len(args) != 1 {
			c.say(bot.Message{Kind: bot.KindError, Body: "usage: /as NAME"})
			return true
		}
		c.mu.Lock()
		c.user = args[0]
		c.mu.Unlock()
		c.say(bot.Message{Body: "you are now " + args[0]})
		return true
	case "tick":
		c.tick(ctx)
		return true
	}
	resp := c.core.HandleCommand(ctx, bot.Command{Space: c.space, Channel: Channel, User: c.currentUser(), Admin: true, Name: name, Args: args})
	c.respond(resp)
	if name == "help" {
		c.say(bot.Message{Body: consoleHelp})
	}
	return true
}

func (c *Console) currentUser() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

// answerIndex reads a letter a–h (A–H) or a digit 1–8, as many as a card
// can have options; answer refuses one the current card lacks.
func answerIndex(s string) (int, bool) {
	if len(s) != 1 {
		return 0, false
	}
	switch ch := s[0]; {
	case ch >= 'a' && ch <= 'h':
		return int(ch - 'a'), true
	case ch >= 'A' && ch <= 'H':
		return int(ch - 'A'), true
	case ch >= '1' && ch <= '8':
		return int(ch - '1'), true
	}
	return 0, false
}

func (c *Console) answer(ctx context.Context, idx int) {
	c.mu.Lock()
	card := c.card
	c.mu.Unlock()
	if card == nil || idx >= len(card.Buttons) {
		c.say(bot.Message{Kind: bot.KindError, Body: "No question with that option is open. /quiz gives you a practice one; /tick moves to the next post."})
		return
	}
	c.respond(c.core.HandleClick(ctx, bot.Click{Space: c.space, Channel: Channel, User: c.currentUser(), ActionID: card.Buttons[idx].ActionID}))
}

// tick moves the simulated clock to the next event (a post closing or the
// next slot) and runs what is due then.
func (c *Console) tick(ctx context.Context) {
	now := c.cfg.Clock.Now()
	next := c.core.NextEvent(now)
	if next.IsZero() {
		c.say(bot.Message{Body: "nothing is scheduled"})
		return
	}
	c.cfg.Clock.Set(next)
	c.say(bot.Message{Body: c.dim("⏩ " + next.In(c.cfg.Location).Format("01/02 Mon 15:04"))})
	c.core.RunDue(ctx, next)
}

func (c *Console) respond(r bot.Response) {
	for _, m := range r.Messages {
		if m.Kind == bot.KindCard {
			c.mu.Lock()
			mm := m
			c.card = &mm // a practice card: answers go to it
			c.mu.Unlock()
		}
		c.say(m)
	}
}

func (c *Console) say(m bot.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.print(m)
}

// print renders a message as terminal text, without any platform's
// markup (see plain); callers hold c.mu.
func (c *Console) print(m bot.Message) {
	w := c.cfg.Out
	if m.Title != "" {
		title := plain(m.Title)
		switch m.Tone {
		case bot.Good:
			title = c.good(title)
		case bot.Bad:
			title = c.bad(title)
		default:
			title = c.bold(title)
		}
		fmt.Fprintf(w, "%s\n", title)
	}
	if m.Body != "" {
		if m.Kind == bot.KindError && m.Title == "" {
			fmt.Fprintf(w, "%s\n", c.bad(plain(m.Body)))
		} else {
			fmt.Fprintf(w, "%s\n", plain(m.Body))
		}
	}
	if m.Kind != bot.KindMe {
		for _, b := range m.Buttons {
			fmt.Fprintf(w, "  %s) %s\n", strings.ToLower(b.Label), plain(b.Text))
		}
	}
	if m.Choose > 1 && m.Submit != nil && !m.Submit.Disabled {
		fmt.Fprintf(w, "%s\n", c.dim(fmt.Sprintf(multiHint, m.Choose)))
	}
	if m.Quote != "" {
		for _, l := range strings.Split(plain(m.Quote), "\n") {
			fmt.Fprintf(w, "  │ %s\n", l)
		}
	}
	for _, f := range m.Fields {
		if f.Name != "" {
			fmt.Fprintf(w, "  %s\n", c.bold(plain(f.Name)))
		}
		for _, l := range strings.Split(plain(f.Value), "\n") {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}
	if m.Kind == bot.KindMe {
		printCommands(w, m.Buttons)
	}
	if m.Context != "" {
		fmt.Fprintf(w, "%s\n", c.dim(plain(m.Context)))
	}
	fmt.Fprintln(w)
}

// printCommands shows the progress view's buttons as the commands they
// run (a terminal has nothing to click): "[▶ Start review] /review". A
// button with no command equivalent (show today's card: the console shows
// it in place) is left out.
func printCommands(w io.Writer, bs []bot.Button) {
	var parts []string
	for _, b := range bs {
		name, args, _, ok := bot.ParseCommandAction(b.ActionID)
		if !ok {
			continue
		}
		parts = append(parts, "["+b.Label+"] /"+strings.Join(append([]string{name}, args...), " "))
	}
	for _, p := range parts {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

func (c *Console) paint(code, s string) string {
	if !c.cfg.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (c *Console) bold(s string) string { return c.paint("1", s) }
func (c *Console) dim(s string) string  { return c.paint("2", s) }
func (c *Console) good(s string) string { return c.paint("1;32", s) }
func (c *Console) bad(s string) string  { return c.paint("1;31", s) }
