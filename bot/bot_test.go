package bot_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/bot/bottest"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// monday is 2026-11-30, a Monday, 08:00 in Tokyo.
var monday = time.Date(2026, 11, 30, 8, 0, 0, 0, tokyo)

func optionFor(card bot.Message, correct bool, answer string) string {
	for _, b := range card.Buttons {
		if strings.HasSuffix(b.ActionID, ":"+answer) == correct {
			return b.ActionID
		}
	}
	return ""
}

// TestSimulatedWeek runs a whole week: schedules firing on weekdays, 20
// users answering concurrently, a restart on Wednesday with the 09:00 slot
// missed (caught up once, never twice), closes and results, and checks the
// leaderboard and streaks exactly.
func TestSimulatedWeek(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 7})
	if _, err := h.Bot.EnsureChannel(h.Space, "general"); err != nil {
		t.Fatal(err)
	}
	users := make([]string, 20)
	for i := range users {
		users[i] = fmt.Sprintf("u%02d", i)
	}
	type tally struct {
		points, answered int
		lastCorrect      time.Time
	}
	want := map[string]*tally{}
	answeredDays := map[string][]bool{}
	cardsSeen := 0
	var questionIDs []string
	for day := 0; day < 7; day++ {
		date := monday.AddDate(0, 0, day)
		weekday := day < 5
		nine := time.Date(date.Year(), date.Month(), date.Day(), 9, 0, 0, 0, tokyo)
		if day == 2 {
			// Wednesday: the process is down from 08:00 to 10:30.
			h.Clock.Set(nine.Add(-time.Hour))
			h.RunDue()
			h.Restart()
			h.Clock.Set(nine.Add(90 * time.Minute))
			h.RunDue() // catch-up
			h.Clock.Add(time.Minute)
			h.RunDue() // must not post again
		} else {
			h.Clock.Set(nine)
			h.RunDue()
			h.RunDue() // a double fire changes nothing
		}
		cards := h.Platform.Sent("card")
		if !weekday {
			if len(cards) != cardsSeen {
				t.Fatalf("day %d: a card was posted on the weekend", day)
			}
			continue
		}
		if len(cards) != cardsSeen+1 {
			t.Fatalf("day %d: %d cards, want %d", day, len(cards), cardsSeen+1)
		}
		cardsSeen++
		card := cards[len(cards)-1].Msg
		post, err := h.DB.GetPost(card.PostID)
		if err != nil {
			t.Fatal(err)
		}
		questionIDs = append(questionIDs, post.Question.QuestionID)
		if len(card.Buttons) < 3 || card.Title == "" || !strings.Contains(card.Context, post.Question.QuestionID) {
			t.Fatalf("card: %+v", card)
		}
		h.Clock.Add(10 * time.Minute)
		at := h.Clock.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		replies := map[string]bot.Response{}
		for k, u := range users {
			if (k+day)%7 == 0 {
				continue // this user skips today
			}
			correct := (k*(day+1))%3 != 0
			action := optionFor(card, correct, post.Question.AnswerID)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := h.Click(u, "general", action)
				mu.Lock()
				replies[u] = r
				mu.Unlock()
			}()
			if want[u] == nil {
				want[u] = &tally{lastCorrect: at} // with no points yet: when they first answered
			}
			want[u].answered++
			if correct {
				want[u].points++
				want[u].lastCorrect = at
			}
			for len(answeredDays[u]) < day {
				answeredDays[u] = append(answeredDays[u], false)
			}
			answeredDays[u] = append(answeredDays[u], true)
		}
		wg.Wait()
		for u, r := range replies {
			if !r.Private || len(r.Messages) != 1 || r.Messages[0].Kind != bot.KindFeedback || r.Messages[0].Quote == "" ||
				!strings.Contains(r.Messages[0].Context, "🔥") {
				t.Fatalf("%s: reply %+v", u, r)
			}
		}
		// close at 17:00 (18:30 on Wednesday, 8 hours after the late post)
		h.Clock.Set(post.ClosesAt)
		h.RunDue()
		posts := h.Platform.Sent("post")
		res := posts[len(posts)-1].Msg
		if res.Kind != bot.KindResults || res.PostID != post.ID || !strings.Contains(res.Context, fmt.Sprintf("%d", len(replies))) {
			t.Fatalf("day %d results: %+v", day, res)
		}
		updates := h.Platform.Sent("update")
		last := updates[len(updates)-1].Msg
		if !last.Buttons[0].Disabled {
			t.Errorf("day %d: card not closed", day)
		}
	}
	// No question repeated within the week.
	seen := map[string]bool{}
	for _, q := range questionIDs {
		if seen[q] {
			t.Errorf("question %s repeated", q)
		}
		seen[q] = true
	}
	// Leaderboard: points, then accuracy, then who got there first, then ID.
	names := make([]string, 0, len(want))
	for u := range want {
		names = append(names, u)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := want[names[i]], want[names[j]]
		if a.points != b.points {
			return a.points > b.points
		}
		aa, ba := float64(a.points)/float64(a.answered), float64(b.points)/float64(b.answered)
		if aa != ba {
			return aa > ba
		}
		if !a.lastCorrect.Equal(b.lastCorrect) {
			return a.lastCorrect.Before(b.lastCorrect)
		}
		return names[i] < names[j]
	})
	board, err := h.DB.Leaderboard(h.Space, store.AllDomains, store.Week, 20, "u05")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range board.Rows {
		if row.User != names[i] || row.Points != want[names[i]].points || row.Answered != want[names[i]].answered {
			t.Fatalf("rank %d: %+v, want %s %d/%d", i+1, row, names[i], want[names[i]].points, want[names[i]].answered)
		}
	}
	r := h.Command("u05", "general", false, "leaderboard")
	lb := r.Messages[0]
	if lb.Kind != bot.KindLeaderboard || len(lb.Fields) != 10 || !strings.HasPrefix(lb.Fields[0].Name, "1. @"+names[0]) || !strings.Contains(lb.Context, "あなた:") {
		t.Errorf("/leaderboard: %+v", lb)
	}
	// Streaks: the run of answered weekdays up to Friday (weekends never break it).
	for _, u := range users {
		days := answeredDays[u]
		cur := 0
		for d := 0; d < 5; d++ {
			if d < len(days) && days[d] {
				cur++
			} else {
				cur = 0
			}
		}
		s, err := h.DB.GetStreak(h.Space, u)
		if err != nil {
			t.Fatal(err)
		}
		if s.Current != cur {
			t.Errorf("%s streak %d, want %d (days %v)", u, s.Current, cur, days)
		}
	}
}

func TestClicks(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{})
	p, err := h.Bot.PostNow(context.Background(), h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	card := h.Platform.Sent("card")[0].Msg
	right := optionFor(card, true, p.Question.AnswerID)
	wrong := optionFor(card, false, p.Question.AnswerID)

	r := h.Click("ann", "general", wrong)
	fb := r.Messages[0]
	if !r.Private || fb.Tone != bot.Bad || !strings.Contains(fb.Body, "正解は") || !strings.Contains(fb.Body, "あなたの回答") || len(fb.Fields) == 0 {
		t.Errorf("wrong answer reply: %+v", fb)
	}
	r = h.Click("ann", "general", right)
	if !strings.Contains(r.Messages[0].Body, "回答済み") {
		t.Errorf("second click: %+v", r.Messages[0])
	}
	if a, _ := h.DB.GetAnswer(p.ID, "ann"); a.Correct {
		t.Error("second click changed the answer")
	}
	for _, bad := range []string{"sb1:a:nopost:x", "sb1:a:" + p.ID + ":zzz", "garbage", "sb1:x:y:z", "sb1:p:nope:a"} {
		r := h.Click("ann", "general", bad)
		if r.Messages[0].Kind != bot.KindError || !strings.Contains(r.Messages[0].Body, "ボタン") {
			t.Errorf("%q: %+v", bad, r.Messages[0])
		}
	}
	// the same post clicked from another space is stale for that space
	r = h.Bot.HandleClick(context.Background(), bot.Click{Space: store.SpaceRef{Platform: "test", ID: "other"}, Channel: "c", User: "x", ActionID: right})
	if r.Messages[0].Kind != bot.KindError {
		t.Errorf("cross-space click: %+v", r.Messages[0])
	}
	h.Clock.Add(9 * time.Hour)
	r = h.Click("ben", "general", right)
	if !strings.Contains(r.Messages[0].Body, "締め切られました") || r.Messages[0].Quote == "" {
		t.Errorf("late click: %+v", r.Messages[0])
	}
	if _, err := h.DB.GetAnswer(p.ID, "ben"); err == nil {
		t.Error("late answer stored")
	}
	// practice: /quiz then its button
	r = h.Command("cat", "general", false, "quiz", "2")
	q := r.Messages[0]
	if q.Kind != bot.KindCard || !r.Private || !strings.Contains(q.Title, "第 2 分野") {
		t.Fatalf("/quiz 2: %+v", q)
	}
	r = h.Click("cat", "general", q.Buttons[0].ActionID)
	if !strings.Contains(r.Messages[0].Body, "練習") {
		t.Errorf("practice reply: %+v", r.Messages[0])
	}
	st, _ := h.DB.Stats(h.Space, "cat")
	if len(st) != 2 || st[0].Domain != 2 {
		t.Errorf("practice stats: %+v", st)
	}
	if b, _ := h.DB.Leaderboard(h.Space, store.AllDomains, store.All, 10, "cat"); b.Me != nil {
		t.Error("practice reached the leaderboard")
	}
}

// TestCardUpdatesCoalesced clicks 500 times in a burst and checks the card
// was edited a handful of times, not 500.
func TestCardUpdatesCoalesced(t *testing.T) {
	h := bottest.New(t, monday.Add(time.Hour), bot.Config{UpdateEvery: 100 * time.Millisecond})
	h.Bot.StartUpdater() // the coalescer alone; the scheduler is not under test here
	p, err := h.Bot.PostNow(context.Background(), h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	card := h.Platform.Sent("card")[0].Msg
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 500; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.Click(fmt.Sprintf("user%03d", i), "general", card.Buttons[i%len(card.Buttons)].ActionID)
		}()
	}
	wg.Wait()
	bottest.WaitFor(t, "an edit showing all 500 answers", func() bool {
		ups := h.Platform.Sent("update")
		return len(ups) > 0 && strings.Contains(ups[len(ups)-1].Msg.Context, "回答 500 人")
	})
	ups := h.Platform.Sent("update")
	// at most one edit per interval (plus the first and the last), however
	// slow the machine made the burst
	limit := int(time.Since(start)/(100*time.Millisecond)) + 2
	if len(ups) == 0 || len(ups) > limit || len(ups) > 50 {
		t.Fatalf("%d card updates for 500 clicks in %v (limit %d)", len(ups), time.Since(start), limit)
	}
	if last := ups[len(ups)-1].Msg; !strings.Contains(last.Context, "回答 500 人") {
		t.Errorf("last update shows %q", last.Context)
	}
	if res, _ := h.DB.PostResults(p.ID, 0); res.Total != 500 {
		t.Errorf("stored %d answers", res.Total)
	}
}

func TestSelectionPolicy(t *testing.T) {
	h := bottest.New(t, monday, bot.Config{Seed: 42})
	ch, _ := h.Bot.EnsureChannel(h.Space, "general")
	ch.Domains = []int{4}
	ch.Cron = "0 * * * *" // hourly, to post many
	if err := h.DB.PutChannel(ch); err != nil {
		t.Fatal(err)
	}
	pool := h.Bot.Bank().ByDomain(4)
	seen := map[string]int{}
	var order []string
	for i := 0; i < len(pool)+2; i++ {
		h.Clock.Set(monday.Add(time.Duration(i+1) * time.Hour))
		h.RunDue()
		p, err := h.DB.LatestPost(h.Space, "general")
		if err != nil {
			t.Fatal(err)
		}
		if p.Question.Domain != 4 {
			t.Fatalf("domain %d posted, only 4 enabled", p.Question.Domain)
		}
		if i < len(pool) {
			// the most confident first: the pick is among the three
			// best-ranked questions not posted yet
			better := 0
			q, _ := h.Bot.Bank().Get(p.Question.QuestionID)
			for _, o := range pool {
				if seen[o.ID] == 0 && o.Rank < q.Rank {
					better++
				}
			}
			if better >= 3 {
				t.Errorf("post %d has rank %d with %d better-ranked questions unposted", i, q.Rank, better)
			}
		}
		seen[p.Question.QuestionID]++
		order = append(order, p.Question.QuestionID)
		if i < len(pool) && seen[p.Question.QuestionID] > 1 {
			t.Fatalf("repeat after %d posts of a %d-question pool", i, len(pool))
		}
	}
	if len(seen) != len(pool) {
		t.Errorf("%d distinct of %d", len(seen), len(pool))
	}
	// Same seed, same slots: same picks.
	h2 := bottest.New(t, monday, bot.Config{Seed: 42})
	ch2, _ := h2.Bot.EnsureChannel(h2.Space, "general")
	ch2.Domains, ch2.Cron = []int{4}, "0 * * * *"
	h2.DB.PutChannel(ch2)
	for i := 0; i < 5 && i < len(order); i++ {
		h2.Clock.Set(monday.Add(time.Duration(i+1) * time.Hour))
		h2.RunDue()
		p, _ := h2.DB.LatestPost(h2.Space, "general")
		if p.Question.QuestionID != order[i] {
			t.Fatalf("pick %d differs with the same seed", i)
		}
	}
	// Two reports withhold a question.
	h3 := bottest.New(t, monday, bot.Config{Seed: 42})
	ch3, _ := h3.Bot.EnsureChannel(h3.Space, "general")
	ch3.Domains, ch3.Cron = []int{4}, "0 * * * *"
	h3.DB.PutChannel(ch3)
	h3.Command("ann", "general", false, "report", order[0], "wrong")
	h3.Command("ben", "general", false, "report", order[0], "unclear")
	for i := 0; i < len(pool)-1; i++ {
		h3.Clock.Set(monday.Add(time.Duration(i+1) * time.Hour))
		h3.RunDue()
		p, _ := h3.DB.LatestPost(h3.Space, "general")
		if p.Question.QuestionID == order[0] {
			t.Fatal("a question reported twice was posted")
		}
	}
}

// TestAuthoredExplanationReachesTheReply: the private reply to an answer on
// a hand-written question carries the person's explanation and the memo
// line it rests on.
func TestAuthoredExplanationReachesTheReply(t *testing.T) {
	bank, err := questions.Default() // its own bank: the shared one is never changed
	if err != nil {
		t.Fatal(err)
	}
	h := bottest.New(t, monday, bot.Config{Bank: bank})
	errs := h.Bot.Bank().AddAuthored([]questions.Authored{{Domain: 6, Line: 1,
		Stem:        "親 OU で禁止した操作を、子 OU の SCP で Allow した。子 OU のアカウントでその操作はできるか？",
		Options:     []string{"できない。継承された拒否は緩和できない", "できる。子 OU の SCP が優先される", "できる。Allow が Deny より優先される", "できる。管理者ユーザーには効かない"},
		Answer:      0,
		Explanation: "SCP は階層を通じて継承され、上位の制限は下位で外せない。"}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ch, _ := h.Bot.EnsureChannel(h.Space, "general")
	ch.Domains = []int{6}
	if err := h.DB.PutChannel(ch); err != nil {
		t.Fatal(err)
	}
	p, err := h.Bot.PostNow(context.Background(), h.Space, "general")
	if err != nil {
		t.Fatal(err)
	}
	if p.Question.Type != "authored" {
		t.Fatalf("the daily post drew %s first, want the authored question", p.Question.Type)
	}
	card := h.Platform.Sent("card")[0].Msg
	r := h.Click("ann", "general", optionFor(card, true, p.Question.AnswerID))
	if got := r.Messages[0].Quote; !strings.Contains(got, "上位の制限は下位で外せない") {
		t.Errorf("reply quote lacks the authored explanation:\n%s", got)
	}
}
