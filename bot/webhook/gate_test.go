package webhook_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/webhook"
)

// gated serves ReadBody through g on a loopback server and reports each
// handler's error (nil on success) on the returned channel.
func gated(t *testing.T, g *webhook.Gate) (addr string, errs <-chan error) {
	t.Helper()
	ch := make(chan error, 16)
	srv := httptest.NewServer(g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.ReadBody(w, r, 1<<20)
		ch <- err
		if err != nil {
			webhook.Refuse(w, r, webhook.Status(err), err.Error())
			return
		}
		w.Write(body)
	})))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), ch
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func waitErr(t *testing.T, errs <-chan error) error {
	t.Helper()
	select {
	case err := <-errs:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the handler within 10 s")
		return nil
	}
}

// TestGateCutsSlowBodies: a stalled body is cut after Grace, a trickled
// one when it falls behind MinRate, a steady one at MaxTime; each gets 408
// and leaves the gate.
func TestGateCutsSlowBodies(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lim   webhook.Limits
		every time.Duration // between bytes; 0 = stall after the first
	}{
		{"stalled", webhook.Limits{Grace: 100 * time.Millisecond, MinRate: 1 << 20, MaxTime: time.Minute}, 0},
		{"trickled below the rate", webhook.Limits{Grace: 100 * time.Millisecond, MinRate: 1000, MaxTime: time.Minute}, 20 * time.Millisecond},
		{"steady past the total", webhook.Limits{Grace: 100 * time.Millisecond, MinRate: 1, MaxTime: 300 * time.Millisecond}, 20 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := webhook.NewGate(tc.lim, nil)
			addr, errs := gated(t, g)
			c := dial(t, addr)
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\na")
			cut := make(chan error, 1)
			go func() { cut <- waitErr(t, errs) }()
			var err error
		trickle:
			for i := 0; i < 999; i++ {
				if tc.every == 0 {
					err = <-cut
					break
				}
				select {
				case err = <-cut:
					break trickle
				case <-time.After(tc.every):
					c.Write([]byte("a"))
				}
			}
			if !errors.Is(err, webhook.ErrSlow) {
				t.Fatalf("handler got %v, want ErrSlow", err)
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			res, rerr := http.ReadResponse(bufio.NewReader(c), nil)
			if rerr != nil || res.StatusCode != http.StatusRequestTimeout {
				t.Errorf("answer: %v %v", res, rerr)
			}
			if n := g.Reading(); n != 0 {
				t.Errorf("%d bodies still in the gate", n)
			}
		})
	}
}

// TestGateBusy: with MaxBodies being read and none old enough to
// pre-empt, a new body is refused at once (503); once one is old enough,
// the slowest is cut and the new one read.
func TestGateBusy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		preempt time.Duration
		want    int
	}{
		{"refused", time.Hour, http.StatusServiceUnavailable},
		{"pre-empts the slowest", time.Millisecond, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := webhook.NewGate(webhook.Limits{MaxBodies: 1, Preempt: tc.preempt, Grace: time.Minute, MaxTime: time.Minute}, nil)
			addr, errs := gated(t, g)
			slow := dial(t, addr)
			fmt.Fprintf(slow, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
			for i := 0; g.Reading() == 0; i++ { // wait until the slow body is in the gate
				if i > 10000 {
					t.Fatal("the slow body never entered the gate")
				}
				time.Sleep(time.Millisecond)
			}
			if tc.preempt < time.Second {
				time.Sleep(2 * tc.preempt) // age the slow body past Preempt
			}
			start := time.Now()
			res, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("fast"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("new body: %d %s, want %d", res.StatusCode, b, tc.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("answered after %v", d)
			}
			if tc.want == http.StatusOK {
				if string(b) != "fast" {
					t.Errorf("body %q", b)
				}
				// the slow one was cut
				for i := 0; i < 2; i++ {
					if err := waitErr(t, errs); err != nil && !errors.Is(err, webhook.ErrSlow) {
						t.Errorf("slow body: %v", err)
					}
				}
			}
		})
	}
}

// countingBody counts the bytes read from it.
type countingBody struct {
	r io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestReadBodyCap: a body announced over the cap is refused before any
// byte is read; one that turns out over it (chunked) at cap+1.
func TestReadBodyCap(t *testing.T) {
	for _, tc := range []struct {
		name     string
		length   int64
		size     int
		wantErr  error
		maxBytes int
	}{
		{"fits", 10, 10, nil, 10},
		{"announced over", 1 << 20, 1 << 20, webhook.ErrTooLarge, 0},
		{"chunked over", -1, 1 << 20, webhook.ErrTooLarge, 1025},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingBody{r: strings.NewReader(strings.Repeat("a", tc.size))}
			r := httptest.NewRequest(http.MethodPost, "/", body)
			r.ContentLength = tc.length
			_, err := webhook.ReadBody(httptest.NewRecorder(), r, 1024)
			if !errors.Is(err, tc.wantErr) && !(err == nil && tc.wantErr == nil) {
				t.Errorf("err %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil && webhook.Status(err) != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d", webhook.Status(err))
			}
			if body.n > tc.maxBytes {
				t.Errorf("%d bytes read, at most %d expected", body.n, tc.maxBytes)
			}
		})
	}
}
