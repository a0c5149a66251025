package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/bot/render"
	studyslack "github.com/studybot/studybot/bot/slack"
	"github.com/studybot/studybot/bot/slack/slackfake"
	"github.com/studybot/studybot/store"
)

// newHomeRig is newRig with the Home tab's refreshes on the rig's clock
// (every 10 s).
func newHomeRig(t *testing.T, mode string) *rig {
	t.Helper()
	fake := slackfake.New("T0001")
	t.Cleanup(fake.Close)
	fake.Verify(t)
	fake.Join("C1")
	clock := bottest.NewClock(tuesday09.Add(-time.Hour))
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{Now: clock.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Bank: bottest.Bank(t), Store: db, Now: clock.Now, UpdateEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := studyslack.New(studyslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", SigningSecret: secret, Mode: mode,
		APIURL: fake.URL(), PostEvery: 10 * time.Millisecond, Now: clock.Now, HomeEvery: 10 * time.Second, NewTimer: clock.NewTimer}, b)
	if err != nil {
		t.Fatal(err)
	}
	b.AddPlatform(ad)
	t.Cleanup(func() {
		ad.Close()
		b.Close()
		db.Close()
	})
	return &rig{fake: fake, bot: b, db: db, clock: clock, ad: ad, space: store.SpaceRef{Platform: store.Slack, ID: "T0001"}}
}

// send sends an envelope and waits for its ack.
func (r *rig) send(t *testing.T, typ string, payload any) {
	t.Helper()
	id, err := r.fake.Send(typ, payload)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.fake.WaitAck(id, 3*time.Second); !ok {
		t.Fatalf("%s not acked", typ)
	}
}

// dmPosts returns the chat.postMessage calls into user's DM channel.
func dmPosts(r *rig, user string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range r.fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == r.fake.DMChannel(user) {
			out = append(out, c)
		}
	}
	return out
}

// TestHomeTabSocketMode: app_home_opened (home tab only) publishes the
// user's progress view, valid by the strict fake and with the admins'
// block only for admins; answers to the daily card refresh it once after
// 10 s on the injected clock however many clicks came; Start review
// sends the review question by DM; a reminder button republishes the tab
// with the new time and sends no DM.
func TestHomeTabSocketMode(t *testing.T) {
	r := newHomeRig(t, "socket")
	r.fake.SetAdmin("UADMIN", true)
	r.runSocket(t)
	if _, err := r.bot.EnsureChannel(r.space, "C1"); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(tuesday09)
	r.bot.RunDue(context.Background(), r.clock.Now())
	posts := r.fake.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	answers := actionIDs(t, posts[0])

	r.send(t, "events_api", slackfake.AppHomeOpened("T0001", "U1", "messages"))
	r.send(t, "events_api", slackfake.AppHomeOpened("T0001", "U1", "home"))
	waitFor(t, "U1's home view", func() bool { return len(r.fake.Views("U1")) == 1 })
	if n := len(r.fake.Calls("views.publish")); n != 1 {
		t.Fatalf("%d views published; the messages tab publishes none", n)
	}
	v := string(r.fake.Views("U1")[0])
	for _, w := range []string{"あなたの学習状況", "未回答", render.CommandAction("review"), render.SettingAction("review", "remind", "21:00")} {
		if !strings.Contains(v, w) {
			t.Errorf("home view lacks %q: %s", w, v)
		}
	}
	if strings.Contains(v, "管理者向け") {
		t.Errorf("a non-admin's home view has the admins' block")
	}
	r.send(t, "events_api", slackfake.AppHomeOpened("T0001", "UADMIN", "home"))
	waitFor(t, "the admin's home view", func() bool { return len(r.fake.Views("UADMIN")) == 1 })
	if v := string(r.fake.Views("UADMIN")[0]); !strings.Contains(v, "管理者向け") {
		t.Errorf("admin's home view lacks the admins' block: %s", v)
	}

	// clicks on two options of the card (the first counts) and a practice
	// answer: one refresh, 10 s later
	_, created := r.clock.Timers()
	quiz := r.slash(t, "U1", "/quiz")
	practice := quiz[strings.Index(quiz, "sb1:p:"):]
	practice = practice[:strings.IndexByte(practice, '"')]
	r.send(t, "interactive", r.fake.BlockAction("T0001", "C1", "U1", practice, ""))
	for i := 0; i < 2; i++ {
		r.send(t, "interactive", r.fake.BlockAction("T0001", "C1", "U1", answers[i], posts[0].Form.Get("ts")))
	}
	waitFor(t, "the refresh's timer", func() bool { w, c := r.clock.Timers(); return w >= 1 && c > created })
	if len(r.fake.Views("U1")) != 1 || r.ad.HomeRefreshes() != 0 {
		t.Fatalf("refreshed before its time")
	}
	r.clock.Add(10 * time.Second)
	waitFor(t, "the refreshed home view", func() bool { return len(r.fake.Views("U1")) == 2 })
	if n := r.ad.HomeRefreshes(); n != 1 {
		t.Errorf("%d refreshes for three answers, want 1", n)
	}
	if v := string(r.fake.Views("U1")[1]); !strings.Contains(v, "回答済み") || !strings.Contains(v, "連続 1 日") {
		t.Errorf("refreshed view: %s", v)
	}

	// Start review: the review question arrives by DM
	r.send(t, "interactive", slackfake.HomeBlockAction("T0001", "U1", render.CommandAction("review")))
	waitFor(t, "the review question by DM", func() bool { return len(dmPosts(r, "U1")) == 1 })
	if b := dmPosts(r, "U1")[0].Form.Get("blocks"); !strings.Contains(b, "sb1:v:") {
		t.Errorf("DM is no review question: %s", b)
	}

	// a reminder button: the tab is republished with it, no DM
	r.send(t, "interactive", slackfake.HomeBlockAction("T0001", "U1", render.SettingAction("review", "remind", "21:00")))
	waitFor(t, "the republished home view", func() bool { return len(r.fake.Views("U1")) == 3 })
	if v := string(r.fake.Views("U1")[2]); !strings.Contains(v, "毎日 21:00") {
		t.Errorf("after the reminder button: %s", v)
	}
	if n := len(dmPosts(r, "U1")); n != 1 {
		t.Errorf("%d DMs: a setting's reply is the view, not a DM", n)
	}
	// an admin's button needs users.info's word: a non-admin is refused by DM
	r.send(t, "interactive", slackfake.HomeBlockAction("T0001", "U1", render.CommandAction("studybot", "reports")))
	waitFor(t, "the refusal by DM", func() bool { return len(dmPosts(r, "U1")) == 2 })
	if b := dmPosts(r, "U1")[1].Form.Get("blocks"); !strings.Contains(b, "管理者だけ") {
		t.Errorf("non-admin's /studybot reports from the Home tab: %s", b)
	}

	r.send(t, "interactive", slackfake.HomeBlockAction("T0001", "UADMIN", render.CommandAction("studybot", "reports")))
	waitFor(t, "the admin's reports by DM", func() bool { return len(dmPosts(r, "UADMIN")) == 1 })
	if b := dmPosts(r, "UADMIN")[0].Form.Get("blocks"); !strings.Contains(b, "報告はありません") {
		t.Errorf("admin's /studybot reports from the Home tab: %s", b)
	}

	// shutdown: a pending refresh is dropped, Close does not wait for it
	// (another option: a click repeated with the same action is a replay)
	_, created = r.clock.Timers()
	r.send(t, "interactive", r.fake.BlockAction("T0001", "C1", "U1", answers[2], posts[0].Form.Get("ts")))
	waitFor(t, "the pending refresh's timer", func() bool { _, c := r.clock.Timers(); return c > created })
	r.ad.Close()
	r.clock.Add(time.Minute)
	if n := r.ad.HomeRefreshes(); n != 1 {
		t.Errorf("%d refreshes after Close, want still 1", n)
	}
}

// TestHomeTabHTTPMode: the same event over the Events API's HTTP route
// (signed) publishes the view, and a Home tab button through the
// interactivity route republishes it; a 429 on views.publish is waited
// out.
func TestHomeTabHTTPMode(t *testing.T) {
	r := newHomeRig(t, "http")
	if err := r.ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.ad.Handler(studyslack.DefaultPaths))
	defer srv.Close()
	r.fake.RateLimit("views.publish", 1, 1)
	body, _ := json.Marshal(slackfake.AppHomeOpened("T0001", "U2", "home"))
	res, err := http.DefaultClient.Do(signed(t, srv.URL+"/slack/events", "application/json", body, r.clock.Now(), secret))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("event: %d", res.StatusCode)
	}
	waitFor(t, "U2's home view after the 429", func() bool { return len(r.fake.Views("U2")) == 1 })
	if r.ad.RateLimitWaits() != 1 {
		t.Errorf("%d rate-limit waits, want 1", r.ad.RateLimitWaits())
	}
	p, _ := json.Marshal(slackfake.HomeBlockAction("T0001", "U2", render.SettingAction("review", "tz", "UTC")))
	f := url.Values{"payload": {string(p)}}.Encode()
	res, err = http.DefaultClient.Do(signed(t, srv.URL+"/slack/interactivity", "application/x-www-form-urlencoded", []byte(f), r.clock.Now(), secret))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("interaction: %d %s", res.StatusCode, out.String())
	}
	waitFor(t, "the republished view", func() bool { return len(r.fake.Views("U2")) == 2 })
	if v := string(r.fake.Views("U2")[1]); !strings.Contains(v, "タイムゾーン: UTC") {
		t.Errorf("after the zone button: %s", v)
	}
}
