package draft

import (
	"math"
	"testing"

	"github.com/studybot/studybot/questions"
)

// TestPlanBundled: the plan on the bundled memo spreads the count over the
// domains by exam weight, asks at most MaxPerRequest per request about
// passages that are not scenarios, procedures, objectives or links, and is
// the same every time.
func TestPlanBundled(t *testing.T) {
	m := bundledMemo(t)
	dr := questions.NewDrafter(m.Parsed)
	pl := NewPlan(m, dr, nil, PlanOptions{Count: 120})
	if pl.Asked != 120 {
		t.Fatalf("asked %d of 120", pl.Asked)
	}
	var wsum float64
	for _, d := range pl.Domains {
		wsum += d.Weight
	}
	for _, d := range pl.Domains {
		want := 120 * d.Weight / wsum
		if math.Abs(float64(d.Questions)-want) > 1 {
			t.Errorf("%s: %d questions, want %.1f by weight", d.Label, d.Questions, want)
		}
	}
	for _, a := range pl.Asks {
		p := a.Passage
		if a.Count < 1 || a.Count > MaxPerRequest || p.Skip != "" || p.Domain == questions.OtherDomain {
			t.Errorf("ask %+v", a)
		}
		if a.FocusFirst != 0 && (a.FocusFirst < p.First || a.FocusLast > p.Last || a.FocusFirst > a.FocusLast) {
			t.Errorf("focus %d–%d outside %d–%d", a.FocusFirst, a.FocusLast, p.First, p.Last)
		}
	}
	for _, why := range []string{"exam objectives", "inside a worked scenario", "link list"} {
		if pl.Skipped[why] == 0 {
			t.Errorf("no passage skipped as %q: %v", why, pl.Skipped)
		}
	}
	p := &Pipeline{Memo: m, Drafter: dr, Model: "m", Options: PlanOptions{Count: 120}}
	keys := map[string]bool{}
	for _, r := range p.DraftRequests(pl) {
		if keys[r.Key] {
			t.Errorf("key %s twice", r.Key)
		}
		keys[r.Key] = true
	}
	again := p.DraftRequests(p.Plan())
	for _, r := range again {
		if !keys[r.Key] {
			t.Fatalf("the plan changed between two runs: %s", r.Key)
		}
	}
}

// TestPlanNarrow: --domain and --section narrow the plan; drafts already
// in the file count against --count; a covered passage lists its questions.
func TestPlanNarrow(t *testing.T) {
	m := bundledMemo(t)
	dr := questions.NewDrafter(m.Parsed)
	pl := NewPlan(m, dr, nil, PlanOptions{Count: 20, Domain: 5})
	if pl.Asked != 20 {
		t.Errorf("domain 5: asked %d of 20", pl.Asked)
	}
	for _, a := range pl.Asks {
		if a.Passage.Domain != 5 {
			t.Errorf("domain %d asked about", a.Passage.Domain)
		}
	}
	pl = NewPlan(m, dr, nil, PlanOptions{Count: 50, Section: "Other"})
	for _, a := range pl.Asks {
		if a.Passage.Path[len(a.Passage.Path)-1] != "Other" && a.Passage.Path[1] != "Other" {
			t.Errorf("section Other: asked about %s", a.Passage.Breadcrumb())
		}
	}
	if len(pl.Asks) == 0 {
		t.Error("section Other: nothing asked")
	}
	first := NewPlan(m, dr, nil, PlanOptions{Count: 30}).Asks[0]
	ex := []Existing{
		{Domain: first.Passage.Domain, Stem: "既にある問題", Answer: "答え", DraftID: "d1", Covers: true, Lines: []int{first.Passage.First}, Position: 0},
		{Domain: first.Passage.Domain, Stem: "生成された問題", Answer: "答え", Lines: []int{first.Passage.First}, Position: -1},
	}
	pl = NewPlan(m, dr, ex, PlanOptions{Count: 30})
	if pl.Existing != 1 || pl.Wanted != 29 {
		t.Errorf("existing %d, wanted %d", pl.Existing, pl.Wanted)
	}
	for _, a := range pl.Asks {
		if a.Passage.First == first.Passage.First && (len(a.Asked) != 1 || a.Asked[0].Stem != "既にある問題") {
			t.Errorf("asked about the covered passage with %+v", a.Asked)
		}
	}
}
