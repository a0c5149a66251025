package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// Limits bound how a Gate reads bodies. Zero fields take the defaults.
type Limits struct {
	// MaxBodies bounds the bodies being read at once (default 64).
	MaxBodies int
	// MinRate is the slowest a body may arrive once Grace has passed, in
	// bytes a second (default 2048).
	MinRate int
	// Grace is how long a body may take before MinRate applies (default 1s).
	Grace time.Duration
	// MaxTime caps the time to read one body (default 5s).
	MaxTime time.Duration
	// Preempt is how long a body must have been read before a new one may
	// take its place when MaxBodies are being read (default 1ms; a
	// platform's body arrives in one packet, read in microseconds): the slowest such body is cut
	// (ErrSlow) rather than the new one refused.
	Preempt time.Duration
}

// DefaultLimits are the Gate's defaults: Slack's and Discord's bodies are a
// few kilobytes, sent at once, and answered within 3 s.
var DefaultLimits = Limits{MaxBodies: 64, MinRate: 2048, Grace: time.Second, MaxTime: 5 * time.Second, Preempt: time.Millisecond}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBodies > 0 {
		d.MaxBodies = l.MaxBodies
	}
	if l.MinRate > 0 {
		d.MinRate = l.MinRate
	}
	if l.Grace > 0 {
		d.Grace = l.Grace
	}
	if l.MaxTime > 0 {
		d.MaxTime = l.MaxTime
	}
	if l.Preempt > 0 {
		d.Preempt = l.Preempt
	}
	return d
}

// Gate bounds the request bodies read at once and how slowly each may
// arrive. Wrap a webhook handler with it; the handler's first body read
// (ReadBody) enters the gate, after the handler has checked the headers.
// The read deadlines are set on the connection, so they bound a client
// that sends nothing at all.
type Gate struct {
	lim Limits // guarded by mu
	// wall is the clock of connection deadlines (I/O, so the real clock).
	wall    func() time.Time
	refused *Refusals
	mu      sync.Mutex
	reading map[*gatedBody]struct{}
}

// NewGate returns a gate with lim (zero fields default); refusals, if not
// nil, counts the bodies refused (busy) and cut (slow, pre-empted).
func NewGate(lim Limits, refusals *Refusals) *Gate {
	return &Gate{lim: lim.withDefaults(), wall: time.Now, refused: refusals, reading: map[*gatedBody]struct{}{}}
}

// SetLimits replaces the limits (zero fields default) for the bodies
// admitted from now on.
func (g *Gate) SetLimits(lim Limits) {
	g.mu.Lock()
	g.lim = lim.withDefaults()
	g.mu.Unlock()
}

// Reading returns how many bodies are being read.
func (g *Gate) Reading() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.reading)
}

// Wrap returns h with its request bodies read through the gate.
func (g *Gate) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		b := &gatedBody{g: g, rc: http.NewResponseController(w), body: r.Body, prog: progressFrom(r.Context())}
		r.Body = b
		defer b.leave()
		h.ServeHTTP(w, r)
	})
}

// gatedBody is a request body read through a Gate. Its fields after body
// are guarded by g.mu.
type gatedBody struct {
	g    *Gate
	rc   *http.ResponseController
	body io.ReadCloser
	prog *Progress

	in        bool // admitted and not done
	done      bool // EOF, error, cut or left
	cut       bool // pre-empted or timed out
	start     time.Time
	bytes     int64
	deadlined bool // a read deadline is set on the connection
}

func (b *gatedBody) Close() error { return b.body.Close() }

func (b *gatedBody) Read(p []byte) (int, error) {
	g := b.g
	g.mu.Lock()
	if b.cut {
		b.finishLocked() // pre-empted between two reads
	}
	if b.done {
		cut := b.cut
		g.mu.Unlock()
		if cut {
			return 0, ErrSlow
		}
		return 0, io.EOF
	}
	if !b.in {
		if err := g.admitLocked(b); err != nil {
			g.mu.Unlock()
			return 0, err
		}
	}
	// Set under g.mu, so that a pre-emption (which sets a deadline in the
	// past under g.mu) is never overwritten.
	if b.rc.SetReadDeadline(b.deadlineLocked()) == nil {
		b.deadlined = true
	}
	g.mu.Unlock()

	n, err := b.body.Read(p)

	g.mu.Lock()
	defer g.mu.Unlock()
	b.bytes += int64(n)
	if b.prog != nil {
		b.prog.add(n)
	}
	if err == nil {
		return n, nil
	}
	if isTimeout(err) || b.cut {
		b.cut = true
		if b.g.refused != nil {
			b.g.refused.Add("slow body")
		}
		err = ErrSlow
	}
	b.finishLocked()
	return n, err
}

// admitLocked enters b into the gate, pre-empting the slowest body read
// for at least Preempt when the gate is full; ErrBusy if none is.
func (g *Gate) admitLocked(b *gatedBody) error {
	now := g.wall()
	if len(g.reading) >= g.lim.MaxBodies {
		v := g.slowestLocked(now)
		if v == nil {
			if g.refused != nil {
				g.refused.Add("busy")
			}
			return ErrBusy
		}
		v.cut = true
		v.rc.SetReadDeadline(time.Unix(1, 0)) // its pending read fails now
		delete(g.reading, v)
		v.in = false
	}
	b.in, b.start = true, now
	g.reading[b] = struct{}{}
	if b.prog != nil {
		b.prog.begin(now)
	}
	return nil
}

// slowestLocked is the body read at the lowest rate among those read for
// at least Preempt (the oldest on a tie), or nil.
func (g *Gate) slowestLocked(now time.Time) *gatedBody {
	var worst *gatedBody
	var worstRate float64
	for b := range g.reading {
		age := now.Sub(b.start)
		if age < g.lim.Preempt {
			continue
		}
		r := float64(b.bytes) / age.Seconds()
		if worst == nil || r < worstRate || (r == worstRate && b.start.Before(worst.start)) {
			worst, worstRate = b, r
		}
	}
	return worst
}

// deadlineLocked is when the next byte must have arrived: Grace plus the
// time MinRate allows for the bytes read so far, at most MaxTime after the
// body was admitted.
func (b *gatedBody) deadlineLocked() time.Time {
	if b.cut {
		return time.Unix(1, 0)
	}
	l := b.g.lim
	d := l.Grace + time.Duration(float64(b.bytes)/float64(l.MinRate)*float64(time.Second))
	return b.start.Add(min(d, l.MaxTime))
}

// finishLocked takes b out of the gate for good and lifts its read
// deadline, so that net/http's own read after the body (which watches for
// the client going away) does not time out while the handler works.
func (b *gatedBody) finishLocked() {
	if b.done {
		return
	}
	b.done = true
	if b.in {
		delete(b.g.reading, b)
		b.in = false
	}
	if b.prog != nil {
		b.prog.end()
	}
	if b.deadlined && !b.cut {
		b.rc.SetReadDeadline(time.Time{})
	}
}

// leave runs when the handler returns.
func (b *gatedBody) leave() {
	b.g.mu.Lock()
	defer b.g.mu.Unlock()
	b.finishLocked()
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// Progress is one connection's body progress, shared between a Gate (which
// writes it) and a connection cap (which reads it to evict the slowest
// bodies first). Put it in the connection's context with WithProgress.
type Progress struct {
	mu      sync.Mutex
	reading bool
	closed  bool // answered and closing: nothing more to serve
	start   time.Time
	bytes   int64
}

func (p *Progress) closing() {
	p.mu.Lock()
	p.closed, p.reading = true, false
	p.mu.Unlock()
}

// Closing reports whether the connection's last request was refused and
// the connection is closing.
func (p *Progress) Closing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func (p *Progress) begin(now time.Time) {
	p.mu.Lock()
	p.reading, p.start, p.bytes = true, now, 0
	p.mu.Unlock()
}

func (p *Progress) add(n int) {
	p.mu.Lock()
	p.bytes += int64(n)
	p.mu.Unlock()
}

func (p *Progress) end() {
	p.mu.Lock()
	p.reading = false
	p.mu.Unlock()
}

// Rate reports whether a body is being read on the connection, and if so
// since when and how many bytes have arrived.
func (p *Progress) Rate() (reading bool, since time.Time, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reading, p.start, p.bytes
}

type progressKey struct{}

// WithProgress returns ctx carrying p (an http.Server's ConnContext).
func WithProgress(ctx context.Context, p *Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

func progressFrom(ctx context.Context) *Progress {
	p, _ := ctx.Value(progressKey{}).(*Progress)
	return p
}
