package digest_test

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studybot/studybot/bot/digest"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata")

// week returns a digest of four domains; shift moves this week's counts
// so two calls with different shifts are two different weeks.
func week(lang string, shift int) digest.Week {
	return digest.Week{
		Lang:  lang,
		Start: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Domains: []digest.Domain{
			{Number: 1, Title: "組織の複雑さに対応するソリューションの設計", Weight: 26, This: digest.Tally{Answered: 20, Correct: 14 - shift}, Last: digest.Tally{Answered: 18, Correct: 9}},
			{Number: 2, Title: "新しいソリューションのための設計", Weight: 29, This: digest.Tally{Answered: 16, Correct: 12}, Last: digest.Tally{Answered: 15, Correct: 12}},
			{Number: 3, Title: "既存のソリューションの継続的な改善", Weight: 25, This: digest.Tally{Answered: 10, Correct: 3 + shift}, Last: digest.Tally{}},
			{Number: 4, Title: "ワークロードの移行とモダナイゼーションの加速", Weight: 20, This: digest.Tally{Answered: 8, Correct: 8}, Last: digest.Tally{Answered: 9, Correct: 4}},
		},
		Movers:  []digest.Mover{{Name: "@hana", This: digest.Tally{Answered: 5, Correct: 5}, Last: digest.Tally{Answered: 5, Correct: 2}}},
		Streaks: []digest.Streak{{Name: "@ken", Days: 12}},
		Hardest: &digest.Hardest{Stem: "VPC 間の推移的ルーティングを提供するのは?", Answer: "Transit Gateway", Explanation: "Transit Gateway はハブとして推移的ルーティングを提供する。", Tally: digest.Tally{Answered: 7, Correct: 1}},
	}
}

func decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img
}

func TestRenderDecodesAtSize(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		b, err := digest.Render(week(lang, 0))
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, b)
		if got := img.Bounds().Size(); got != image.Pt(digest.Width, digest.Height) {
			t.Errorf("%s: size %v, want %dx%d", lang, got, digest.Width, digest.Height)
		}
	}
}

// diff returns the share of pixels whose colour differs by more than tol
// in any channel (0–255).
func diff(a, b image.Image, tol int) float64 {
	r := a.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(ar>>8) - int(br>>8), int(ag>>8) - int(bg>>8), int(ab>>8) - int(bb>>8)} {
				if d > tol || -d > tol {
					n++
					break
				}
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

func TestRenderDiffersBetweenWeeks(t *testing.T) {
	a, err := digest.Render(week("ja", 0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := digest.Render(week("ja", 4))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(decode(t, a), decode(t, b), 32); d < 0.002 {
		t.Errorf("two different weeks differ in %.4f of pixels, want a visible change", d)
	}
}

func TestRenderLanguagesDiffer(t *testing.T) {
	a, _ := digest.Render(week("ja", 0))
	b, _ := digest.Render(week("en", 0))
	if d := diff(decode(t, a), decode(t, b), 32); d < 0.002 {
		t.Errorf("ja and en charts differ in %.4f of pixels, want different labels", d)
	}
}

// TestRenderGolden compares with testdata/week_<lang>.png, tolerating
// anti-aliasing: a pixel counts as changed only when a channel moves by more
// than 48, and up to 0.5 % of pixels may change. Run with -update to rewrite.
func TestRenderGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		w    digest.Week
	}{{"week_ja", week("ja", 0)}, {"week_en", week("en", 0)}, {"week_ready_ja", withReadiness("ja")}} {
		lang := tt.name
		b, err := digest.Render(tt.w)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tt.name+".png")
		if *update {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(decode(t, b), decode(t, want), 48); d > 0.005 {
			t.Errorf("%s: %.4f of pixels differ from %s (max 0.005); look at it and run with -update if intended", lang, d, path)
		}
	}
}

// withReadiness is week with the team's readiness on three of its four
// domains (domain 4: nobody has studied it yet).
func withReadiness(lang string) digest.Week {
	w := week(lang, 0)
	w.Readiness = &digest.Readiness{Members: 5, Overall: 0.48, Domains: []digest.DomainReadiness{
		{Number: 1, Recall: 0.62, Studied: 5}, {Number: 2, Recall: 0.35, Studied: 4}, {Number: 3, Recall: 0.81, Studied: 5}, {Number: 4}}}
	return w
}

// TestReadinessOnChart: the team readiness shows on the chart as markers
// that change it visibly; a domain nobody studied gets none (its marker
// would sit at 0 %, indistinguishable from "known by nobody").
func TestReadinessOnChart(t *testing.T) {
	plain, err := digest.Render(week("ja", 0))
	if err != nil {
		t.Fatal(err)
	}
	ready, err := digest.Render(withReadiness("ja"))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(decode(t, plain), decode(t, ready), 32); d < 0.001 {
		t.Errorf("readiness markers change %.4f of pixels, want a visible change", d)
	}
	w := withReadiness("ja")
	w.Readiness.Domains[3] = digest.DomainReadiness{Number: 4, Recall: 0, Studied: 0}
	zeroStudied, _ := digest.Render(w)
	w.Readiness.Domains[3].Studied = 1
	zeroKnown, _ := digest.Render(w)
	if d := diff(decode(t, zeroStudied), decode(t, ready), 32); d != 0 {
		t.Errorf("a domain nobody studied changed the chart (%.4f of pixels)", d)
	}
	if d := diff(decode(t, zeroKnown), decode(t, ready), 32); d == 0 {
		t.Error("a studied domain at 0 % has no marker")
	}
}

func TestEmptyWeekIsOneLine(t *testing.T) {
	w := week("ja", 0)
	for i := range w.Domains {
		w.Domains[i].This = digest.Tally{}
	}
	if _, err := digest.Render(w); !errors.Is(err, digest.ErrEmpty) {
		t.Errorf("Render of an empty week: %v, want ErrEmpty", err)
	}
	for _, lang := range []string{"ja", "en"} {
		w.Lang = lang
		got := w.Text()
		if strings.Contains(got, "\n") || got != w.EmptyLine() {
			t.Errorf("%s: empty week text %q, want the one line %q", lang, got, w.EmptyLine())
		}
	}
}

func TestText(t *testing.T) {
	got := week("en", 0).Text()
	for _, want := range []string{"Weekly digest* (11/23–11/29): 54 answers", "@hana +60 pt (100%, 5/5)", "@ken 12 days", "Hardest question of the week* (14% right, 1/7)", "Answer: Transit Gateway", "Why: Transit Gateway"} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q:\n%s", want, got)
		}
	}
	if ja := week("ja", 0).Text(); !strings.Contains(ja, "今週いちばん難しかった問題") || !strings.Contains(ja, "解説: ") {
		t.Errorf("ja text:\n%s", ja)
	}
}

func BenchmarkRender(b *testing.B) {
	w := week("ja", 0)
	if _, err := digest.Render(w); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := digest.Render(w); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderConcurrent renders from several goroutines at once (the shared
// font cache is safe under -race) and gets the same bytes each time.
func TestRenderConcurrent(t *testing.T) {
	want, err := digest.Render(week("ja", 0))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			b, err := digest.Render(week("ja", 0))
			if err == nil && !bytes.Equal(b, want) {
				err = errors.New("concurrent render gave different bytes")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestTextReadiness: with the team's readiness the text has its heading
// (members, overall) and one line per domain, before the hardest question;
// without members it has none.
func TestTextReadiness(t *testing.T) {
	w := week("en", 0)
	w.Readiness = &digest.Readiness{Members: 3, Overall: 0.4567, Domains: []digest.DomainReadiness{
		{Number: 1, Title: "SDLC automation", Recall: 0.5, Studied: 3}, {Number: 2, Title: "Configuration", Recall: 0.123, Studied: 1}}}
	got := w.Text()
	for _, want := range []string{"*Team readiness* (mean of 3 members): 46% overall\n• Domain 1: SDLC automation 50% (3 studied)\n• Domain 2: Configuration 12% (1 studied)\n\n*Hardest"} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q:\n%s", want, got)
		}
	}
	w.Lang = "ja"
	if ja := w.Text(); !strings.Contains(ja, "*チームの試験準備度*（学習者 3 人の平均）: 全体 46%\n• 第 1 分野: SDLC automation 50%（学習済み 3 人）") {
		t.Errorf("ja text:\n%s", ja)
	}
	w.Readiness.Members = 0
	if got := w.Text(); strings.Contains(got, "readiness") {
		t.Errorf("readiness without members:\n%s", got)
	}
}
