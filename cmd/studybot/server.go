package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/webhook"

	studydiscord "github.com/studybot/studybot/bot/discord"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// adapter is a chat adapter as the server runs it: the one lifecycle
// (bot.Adapter: Run, Close, and an optional HTTP handler) plus what
// readiness and metrics read.
type adapter interface {
	bot.Adapter
	// State is "connected" when the adapter can serve.
	State() string
	// RateLimitWaits counts waits on the platform's rate limits.
	RateLimitWaits() int64
}

// server is everything a non-console studybot runs in one process.
type server struct {
	cfg      Config
	log      *slog.Logger
	db       *store.DB
	bot      *bot.Bot
	adapters []adapter
	mux      *http.ServeMux
	httpSrv  *http.Server
	listener net.Listener
	mu       sync.Mutex
	down     map[string]error     // adapters that stopped for good
	away     map[string]time.Time // since when an adapter has not been connected
	up       map[string]bool      // adapters seen connected at least once
	metrics  *metrics
	now      func() time.Time
	limits   httpLimits
	// files, if set, polls the bank's files and reloads on a change.
	files *fileWatch
	// wrapListener, if set, wraps the raw listener (tests count connections).
	wrapListener func(net.Listener) net.Listener
	// gate reads the webhooks' bodies (bounded, at a minimum rate);
	// webhooks are the patterns mounted through it.
	gate     *webhook.Gate
	webhooks map[string]bool
	// ops is the health, readiness and metrics budget: requests served at
	// once, apart from the webhooks' (never behind the gate).
	ops chan struct{}
	// refused counts and logs (rate-limited) what the server refuses.
	refused *webhook.Refusals
	// conns is the connection cap (nil without one).
	conns *connCap
	// web mints /studybot web's sign-in links once the listener is open
	// (nil without --http).
	web *webLinks
}

// reconnectBound is how long an adapter may be (re)connecting before
// /readyz reports it.
const reconnectBound = 2 * time.Minute

// serverOptions are test hooks: where the Discord REST client goes.
type serverOptions struct {
	discordClient *http.Client
	// newTimer, if set, drives the file watch (tests pass a fake clock's).
	newTimer func(time.Duration) (<-chan time.Time, func())
}

// newServer wires the store, the core and every configured adapter.
func newServer(cfg Config, bank *questions.Bank, log *slog.Logger, now func() time.Time, opt serverOptions) (*server, error) {
	m := newMetrics()
	db, err := openStoreObserved(cfg.DB, now, m.observeCommit)
	if err != nil {
		return nil, err
	}
	bc := botConfig(cfg, bank, db, now, log)
	bc.Metrics = m
	wl := withWeb(cfg, &bc)
	b, err := bot.New(bc)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := newOpsServer(cfg, log, db, b, m, now)
	if err := s.serveWeb(wl); err != nil {
		s.closeAll()
		return nil, err
	}
	ads, err := newAdapters(cfg, b, db, log, now, opt)
	s.adapters = ads
	if err != nil {
		s.closeAll()
		return nil, err
	}
	for _, ad := range ads {
		b.AddPlatform(instrumented{ad, m})
		if h, ok := ad.(bot.HTTPAdapter); ok {
			if pattern, handler := h.HTTPHandler(); handler != nil {
				s.mountWebhook(pattern, handler)
			}
		}
	}
	m.watch(db, s.adapters)
	if files := bankFiles(cfg.memoFlags()); len(files) > 0 {
		nt := opt.newTimer
		if nt == nil {
			nt = wallTimer
		}
		s.files = newFileWatch(files, time.Duration(cfg.Watch), nt, func() { b.Reload() }, log)
	}
	return s, nil
}

// newAdapters builds every configured chat adapter on the core b. On an
// error it returns the adapters built so far, for the caller to close.
// The store remembers the requests they processed (replays after a restart).
func newAdapters(cfg Config, b *bot.Bot, db *store.DB, log *slog.Logger, now func() time.Time, opt serverOptions) ([]adapter, error) {
	var out []adapter
	if cfg.slackEnabled() {
		ad, err := studyslack.New(studyslack.Config{BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken,
			SigningSecret: cfg.Slack.SigningSecret, Mode: cfg.Slack.Mode, APIURL: cfg.Slack.APIURL, Logger: log, Now: now,
			WorkspaceRate: cfg.Slack.WorkspaceRate, UpdatesPerMinute: cfg.Slack.UpdatesPerMinute, Requests: db}, b)
		if err != nil {
			return out, err
		}
		out = append(out, ad)
	}
	if cfg.discordEnabled() {
		shard, shards, _ := cfg.Discord.shard() // validated before
		ad, err := studydiscord.New(studydiscord.Config{Token: cfg.Discord.Token, AppID: cfg.Discord.AppID, PublicKey: cfg.Discord.PublicKey,
			GuildID: cfg.Discord.GuildID, HTTPClient: opt.discordClient, Logger: log, ShardID: shard, ShardCount: shards,
			GlobalRate: cfg.Discord.GlobalRate, Requests: db}, b)
		if err != nil {
			return out, err
		}
		out = append(out, ad)
	}
	return out, nil
}

// newOpsServer is a server with health, readiness and metrics routes and
// no adapters yet (the console's --http uses it as is).
func newOpsServer(cfg Config, log *slog.Logger, db *store.DB, b *bot.Bot, m *metrics, now func() time.Time) *server {
	s := &server{cfg: cfg, log: log, db: db, bot: b, mux: http.NewServeMux(), down: map[string]error{}, away: map[string]time.Time{},
		up: map[string]bool{}, metrics: m, now: now, limits: defaultHTTPLimits, webhooks: map[string]bool{}}
	if now == nil {
		now = time.Now
	}
	s.refused = webhook.NewRefusals(log, time.Minute, now)
	s.gate = webhook.NewGate(s.limits.Body, s.refused)
	s.ops = make(chan struct{}, s.limits.Ops)
	s.mux.Handle("GET /healthz", s.opsBudget(http.HandlerFunc(s.healthz)))
	s.mux.Handle("GET /readyz", s.opsBudget(http.HandlerFunc(s.readyz)))
	s.mux.Handle("GET /metrics", s.opsBudget(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})))
	return s
}

// setLimits replaces the limits (tests), before listen and before the
// adapters' handlers are mounted.
func (s *server) setLimits(l httpLimits) {
	s.limits = l
	s.gate.SetLimits(l.Body)
	s.ops = make(chan struct{}, max(l.Ops, 1))
}

// mountWebhook serves h at pattern with its bodies read through the gate.
func (s *server) mountWebhook(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.gate.Wrap(h))
	s.webhooks[pattern] = true
}

// opsBudget serves h while fewer than limits.Ops such requests are being
// served, 503 otherwise: health probes have a budget of their own, apart
// from the webhooks' gate, so a webhook flood never queues them.
func (s *server) opsBudget(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.ops <- struct{}{}:
			defer func() { <-s.ops }()
			h.ServeHTTP(w, r)
		default:
			s.refused.Add("ops busy")
			webhook.Refuse(w, r, http.StatusServiceUnavailable, "busy")
		}
	})
}

// root is the server's handler: a request with a body on a route that is
// not a webhook is answered without reading it ("Connection: close"), so
// that no route but the gated ones ever reads a body.
func (s *server) root(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		if _, pattern := s.mux.Handler(r); !s.webhooks[pattern] {
			w.Header().Set("Connection", "close")
			defer webhook.NoMoreReads(w, r)
		}
	}
	s.mux.ServeHTTP(w, r)
}

// httpLimits bound what one client can hold of the HTTP server.
type httpLimits struct {
	// ReadHeader is the time to send the request headers; Read bounds the
	// whole request (the webhooks' Gate cuts a slow body sooner); Write and
	// Idle are the server's other timeouts.
	ReadHeader, Read, Write, Idle time.Duration
	// MaxHeaderBytes bounds request headers.
	MaxHeaderBytes int
	// MaxConns caps concurrent connections: at the cap, a new one replaces
	// the slowest (see connCap).
	MaxConns int
	// Body bounds the webhooks' bodies: how many are read at once, the
	// minimum rate and the total time (webhook.Limits; zero fields default).
	Body webhook.Limits
	// Ops bounds the health, readiness and metrics requests served at once.
	Ops int
}

// defaultHTTPLimits: Slack's and Discord's requests are a few kilobytes,
// sent at once and answered within 3 s; health probes are tiny.
var defaultHTTPLimits = httpLimits{ReadHeader: 2 * time.Second, Read: 8 * time.Second, Write: 15 * time.Second, Idle: 30 * time.Second,
	MaxHeaderBytes: 32 << 10, MaxConns: 512, Body: webhook.DefaultLimits, Ops: 32}

// listen opens the HTTP listener (if configured) so that its address is
// known before Run.
func (s *server) listen() error {
	if s.cfg.HTTP == "" {
		return nil
	}
	l, err := net.Listen("tcp", s.cfg.HTTP)
	if err != nil {
		return fmt.Errorf("http listener %s: %w", s.cfg.HTTP, err)
	}
	if s.wrapListener != nil {
		l = s.wrapListener(l)
	}
	if s.web != nil {
		if err := s.web.open(s.db, s.cfg.PublicURL, l.Addr(), s.now); err != nil {
			l.Close()
			return err
		}
	}
	lim := s.limits
	s.httpSrv = &http.Server{Handler: http.HandlerFunc(s.root), ReadHeaderTimeout: lim.ReadHeader, ReadTimeout: lim.Read, WriteTimeout: lim.Write,
		IdleTimeout: lim.Idle, MaxHeaderBytes: lim.MaxHeaderBytes, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.listener = l
	if lim.MaxConns > 0 {
		c := newConnCap(l, lim.MaxConns, lim.Body.MinRate)
		s.listener, s.httpSrv.ConnState, s.httpSrv.ConnContext, s.conns = c, c.track, c.context, c
	}
	return nil
}

// serveHTTP serves the listener until shutdown (a no-op without one).
func (s *server) serveHTTP() {
	if s.httpSrv == nil {
		return
	}
	s.log.Info("listening", "addr", s.listener.Addr().String())
	if err := s.httpSrv.Serve(s.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("http server", "err", err)
	}
}

// shutdownHTTP stops taking requests and waits (10 s at most) for those
// in flight.
func (s *server) shutdownHTTP() {
	if s.httpSrv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.httpSrv.Shutdown(ctx)
}

// run serves until ctx is done, then shuts down in order: stop taking
// requests, finish in-flight answers, close adapters, stop cron, close the
// store.
func (s *server) run(parent context.Context) error {
	// When every adapter has stopped for good (bad tokens), there is
	// nothing left to serve: stop, so that a supervisor sees the failure.
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.serveHTTP()
	}()
	for _, ad := range s.adapters {
		name := ad.Name()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ad.Run(ctx); err != nil {
				// a fatal adapter error stops that adapter only
				s.log.Error("adapter stopped", "platform", name, "err", err)
				s.mu.Lock()
				s.down[name] = err
				all := len(s.down) == len(s.adapters)
				s.mu.Unlock()
				if all {
					cancel(fmt.Errorf("every chat adapter stopped; last: %s: %w", name, err))
				}
			}
		}()
	}
	if s.cfg.Backup.Dir != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.backupLoop(ctx)
		}()
	}
	if s.files != nil && s.files.every > 0 {
		wg.Add(1)
		go func() { // owned by run, which waits on wg before closing the bot
			defer wg.Done()
			s.files.run(ctx)
		}()
	}
	botDone := make(chan struct{})
	go func() { // owned by run, which waits on botDone
		defer close(botDone)
		if err := s.bot.Run(ctx); err != nil {
			s.log.Error("due-loop stopped", "err", err)
			cancel(fmt.Errorf("due-loop: %w", err))
		}
	}()
	<-ctx.Done()
	s.log.Info("shutting down")
	s.shutdownHTTP()
	wg.Wait()
	<-botDone
	s.closeAll()
	if err := context.Cause(ctx); err != nil && parent.Err() == nil {
		return err
	}
	return nil
}

func (s *server) closeAll() {
	for _, a := range s.adapters {
		a.Close()
	}
	s.bot.Close()
	s.db.Close()
}

func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "ok\n")
}

// readyz is 200 when the store answers and every adapter is connected
// (Slack: auth.test passed, and in Socket Mode the socket is up; Discord:
// the gateway is up), or was and is reconnecting for less than
// reconnectBound; 503 otherwise, with the reason.
func (s *server) readyz(w http.ResponseWriter, _ *http.Request) {
	var problems []string
	if err := s.db.Ping(); err != nil {
		problems = append(problems, "store: "+err.Error())
	}
	s.mu.Lock()
	now := time.Now()
	if s.now != nil {
		now = s.now()
	}
	if s.up == nil {
		s.up = map[string]bool{}
	}
	for _, a := range s.adapters {
		st := a.State()
		if st == "connected" {
			delete(s.away, a.Name())
			s.up[a.Name()] = true
		} else if _, ok := s.away[a.Name()]; !ok {
			s.away[a.Name()] = now
		}
		switch err, down := s.down[a.Name()]; {
		case down:
			problems = append(problems, a.Name()+": "+err.Error())
		case st == "failed":
			problems = append(problems, a.Name()+": "+st)
		case st != "connected" && !s.up[a.Name()]:
			problems = append(problems, a.Name()+": "+st+", not connected yet")
		case st != "connected" && now.Sub(s.away[a.Name()]) > reconnectBound:
			problems = append(problems, fmt.Sprintf("%s: %s for %s", a.Name(), st, now.Sub(s.away[a.Name()]).Round(time.Second)))
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	if len(problems) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		for _, p := range problems {
			io.WriteString(w, p+"\n")
		}
		return
	}
	io.WriteString(w, "ready\n")
}

// runServer runs every configured adapter in one process until a signal.
func runServer(ctx context.Context, cfg Config, bank *questions.Bank, stderr io.Writer) int {
	log := newLogger(stderr, cfg.LogLevel, slog.LevelInfo)
	s, err := newServer(cfg, bank, log, time.Now, serverOptions{})
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	if err := s.listen(); err != nil {
		s.closeAll()
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	log.Info("studybot started", "questions", len(bank.Questions), "db", cfg.DB, "adapters", len(s.adapters))
	if err := s.run(ctx); err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	return 0
}
