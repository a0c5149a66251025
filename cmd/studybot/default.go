package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/console"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// runFlags are the flags of a bare "studybot".
type runFlags struct {
	config string
	cfg    Config
	set    map[string]bool
	clock  string
	user   string
}

func parseRunFlags(args []string, stderr io.Writer, getenv env) (*runFlags, error) {
	fs := flag.NewFlagSet("studybot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &runFlags{set: map[string]bool{}}
	fs.StringVar(&f.config, "config", getenv("STUDYBOT_CONFIG"), "YAML config `file`")
	var over Config
	fs.StringVar(&over.DB, "db", "", "database `file` (default: studybot.db under the user's data directory)")
	fs.StringVar(&over.Memo, "memo", "", "memo `file` (default: the bundled DOP-C02 memo)")
	fs.StringVar(&over.Weights, "weights", "", "domain weights `\"1=22,2=17,…\" or file`")
	fs.StringVar(&over.Review, "review", "", "review `file` (default: <memo>.review.yaml beside the memo)")
	fs.StringVar(&over.HTTP, "http", "", "listen `address` for health, metrics and webhooks (e.g. :8080)")
	fs.StringVar(&over.PublicURL, "public-url", "", "`URL` admins' browsers reach --http at, for web sign-in links")
	fs.Uint64Var(&over.Seed, "seed", 0, "selection `seed`")
	fs.StringVar(&over.Lang, "lang", "", "default `language`: ja or en")
	fs.StringVar(&f.clock, "clock", "", "console: start the simulated clock at `time` (RFC 3339) and keep it still until /tick")
	fs.StringVar(&f.user, "user", "you", "console: the simulated user's `name`")
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q (see studybot help)", fs.Arg(0))}
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	cfg, err := loadConfig(f.config, getenv)
	if err != nil {
		return nil, err
	}
	// flags win over the file and the environment
	if f.set["db"] {
		cfg.DB = over.DB
	}
	if f.set["memo"] {
		cfg.Memo = over.Memo
	}
	if f.set["weights"] {
		cfg.Weights = over.Weights
	}
	if f.set["review"] {
		cfg.Review = over.Review
	}
	if f.set["http"] {
		cfg.HTTP = over.HTTP
	}
	if f.set["public-url"] {
		cfg.PublicURL = over.PublicURL
	}
	if f.set["seed"] {
		cfg.Seed = over.Seed
	}
	if f.set["lang"] {
		cfg.Lang = over.Lang
	}
	// every problem at once: the values, then the files and paths they name
	if err := errors.Join(cfg.validate(), cfg.preflight()); err != nil {
		return nil, cfg.withLines(err, getenv, f.set)
	}
	f.cfg = cfg
	return f, nil
}

func newLogger(w io.Writer, level string, fallback slog.Level) *slog.Logger {
	l := fallback
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openStoreObserved opens the database, creating its directory; observe,
// when set, is told how long each commit took.
func openStoreObserved(path string, now func() time.Time, observe func(time.Duration)) (*store.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	return store.Open(path, &store.Options{Now: now, ObserveCommit: observe})
}

// runDefault runs the product: the console when no chat tokens are set,
// otherwise every configured adapter in one process.
func runDefault(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	f, err := parseRunFlags(args, stderr, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitUsage
		}
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return exitCode(err)
	}
	cfg := f.cfg
	bank, err := loadBank(cfg.memoFlags())
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	if n := len(bank.AuthoredErrors); n > 0 {
		fmt.Fprintf(stderr, "studybot: %d authored questions left out: %v (studybot questions lint lists them all)\n", n, bank.AuthoredErrors[0])
	}
	if n := len(bank.ReviewErrors); n > 0 {
		fmt.Fprintf(stderr, "studybot: %d review decisions not applied: %v (studybot questions lint lists them all)\n", n, bank.ReviewErrors[0])
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if !cfg.slackEnabled() && !cfg.discordEnabled() {
		return runConsole(ctx, f, bank, stdin, stdout, stderr)
	}
	return runServer(ctx, cfg, bank, stderr)
}

func runConsole(ctx context.Context, f *runFlags, bank *questions.Bank, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg := f.cfg
	log := newLogger(stderr, cfg.LogLevel, slog.LevelWarn)
	start, frozen := time.Now(), false
	if f.clock != "" {
		t, err := time.Parse(time.RFC3339, f.clock)
		if err != nil {
			fmt.Fprintf(stderr, "studybot: --clock: want RFC 3339 like 2026-12-01T08:30:00+09:00: %v\n", err)
			return 2
		}
		start, frozen = t, true
	}
	clock := console.NewClock(start, frozen, nil)
	m := newMetrics()
	db, err := openStoreObserved(cfg.DB, clock.Now, m.observeCommit)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	defer db.Close()
	bc := botConfig(cfg, bank, db, clock.Now, log)
	bc.Metrics = m
	wl := withWeb(cfg, &bc)
	b, err := bot.New(bc)
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	// --http serves health, readiness, metrics and the web pages beside
	// the console too.
	ops := newOpsServer(cfg, log, db, b, m, clock.Now)
	m.watch(db, nil)
	if err := ops.serveWeb(wl); err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	if err := ops.listen(); err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		ops.serveHTTP()
	}()
	defer func() {
		ops.shutdownHTTP()
		<-served
	}()
	tz := cfg.TZ
	if tz == "" {
		tz = bot.DefaultTZ
	}
	loc, _ := time.LoadLocation(tz)
	banner := fmt.Sprintf("studybot console — %d questions from %s\ndatabase: %s", len(bank.Questions), memoName(cfg.Memo), cfg.DB)
	con := console.New(console.Config{In: stdin, Out: stdout, User: f.user, Color: isTerminal(stdout), Clock: clock, Location: loc, Banner: banner}, b)
	b.AddPlatform(con)
	if wl != nil {
		consoleWebLink(stdout, wl, con.Space(), f.user, cfg.Lang, b)
	}
	b.StartUpdater()
	stopWatch := watchConsole(ctx, cfg, b, con, log)
	err = con.Run(ctx)
	stopWatch()
	con.Close()
	b.Close()
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	return 0
}

func botConfig(cfg Config, bank *questions.Bank, db *store.DB, now func() time.Time, log *slog.Logger) bot.Config {
	return bot.Config{Bank: bank, Store: db, Now: now, Logger: log, Lang: cfg.Lang, TZ: cfg.TZ, Schedule: cfg.Schedule,
		CloseAfter: time.Duration(cfg.CloseAfter), Grace: time.Duration(cfg.Grace), Admins: cfg.Admins, Seed: cfg.Seed,
		Reviews: chatReviewer(memoFlags{memo: cfg.Memo, review: cfg.Review}.reviewPath()),
		Reload:  func() (*questions.Bank, error) { return loadBank(cfg.memoFlags()) }}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// memoFlags are the memo files the config names.
func (c Config) memoFlags() memoFlags {
	return memoFlags{memo: c.Memo, weights: c.Weights, review: c.Review}
}

// watchConsole polls the memo's files like the server does (Config.Watch)
// and, when one changes, reloads the bank and shows how it went in the
// console. The embedded memo has no files, so nothing is watched. The
// returned stop ends the watch and waits for it.
func watchConsole(ctx context.Context, cfg Config, b *bot.Bot, con *console.Console, log *slog.Logger) (stop func()) {
	files := bankFiles(cfg.memoFlags())
	if len(files) == 0 {
		return func() {}
	}
	lang := cfg.Lang
	if lang == "" {
		lang = bot.DefaultLang
	}
	ctx, cancel := context.WithCancel(ctx)
	w := newFileWatch(files, time.Duration(cfg.Watch), wallTimer, func() {
		if err := con.Post(ctx, "", b.ReloadReport(lang)); err != nil {
			log.Warn("console: reload notice", "err", err)
		}
	}, log)
	done := make(chan struct{})
	go func() { // owned by stop, which waits for it
		defer close(done)
		w.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
