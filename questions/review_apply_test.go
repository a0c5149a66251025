package questions

import (
	"errors"
	"strings"
	"testing"
)

// TestApplyReview: approved questions are marked, rejected ones leave the
// bank and the draw order, an edit that passes every rule replaces the
// text and approves, and every decision not applied is reported with its
// line and rule.
func TestApplyReview(t *testing.T) {
	base := freshBank(t)
	q0, q1 := base.Top(0)[0], base.Top(0)[1]
	tests := []struct {
		name string
		d    Decision
		rule string // "" when applied
		want func(t *testing.T, b *Bank)
	}{
		{"approve", Decision{ID: q0.ID, Verdict: Approved, Line: 2}, "", func(t *testing.T, b *Bank) {
			if q, _ := b.Get(q0.ID); q == nil || !q.Approved {
				t.Errorf("question not approved")
			}
		}},
		{"reject", Decision{ID: q0.ID, Verdict: Rejected, Reason: "the memo is wrong", Line: 2}, "", func(t *testing.T, b *Bank) {
			if _, err := b.Get(q0.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("rejected question still in the bank")
			}
			for _, q := range b.Top(0) {
				if q.ID == q0.ID {
					t.Errorf("rejected question still drawn")
				}
			}
			if len(b.Top(0)) != len(base.Questions)-1 || b.Top(0)[0].Rank != 1 {
				t.Errorf("draw order not rebuilt: %d questions", len(b.Top(0)))
			}
		}},
		{"reject without reason", Decision{ID: q0.ID, Verdict: Rejected, Line: 4}, "reason", nil},
		{"unknown ID", Decision{ID: "0000000000", Verdict: Approved, Line: 7}, "unknown-id", nil},
		{"unknown verdict", Decision{ID: q0.ID, Verdict: "maybe", Line: 2}, "verdict", nil},
		{"edit stem and explanation", Decision{ID: q1.ID, Verdict: Edited, Stem: q1.Stem + "（一つ選べ）", Explanation: "レビューで書き直した説明。", Line: 3}, "", func(t *testing.T, b *Bank) {
			q, _ := b.Get(q1.ID)
			if q.Stem != q1.Stem+"（一つ選べ）" || !q.Approved || !strings.Contains(q.Explanation, "レビューで書き直した説明。") {
				t.Errorf("edit not applied: %q approved=%v\n%s", q.Stem, q.Approved, q.Explanation)
			}
		}},
		{"edit answer out of range", Decision{ID: q1.ID, Verdict: Edited, Options: []string{"a", "b", "c"}, Answer: 3, Line: 3}, "answer", nil},
		{"edit to two options", Decision{ID: q1.ID, Verdict: Edited, Options: []string{q1.Options[0].Text, q1.Options[1].Text}, Answer: 0, Line: 3}, "options", nil},
		{"edit into a negative stem", Decision{ID: q1.ID, Verdict: Edited, Stem: "次のうち誤っているものはどれですか？", Line: 3}, "negative-stem", func(t *testing.T, b *Bank) {
			if q, _ := b.Get(q1.ID); q.Stem != q1.Stem || q.Approved {
				t.Errorf("a refused edit changed the question: %q approved=%v", q.Stem, q.Approved)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := freshBank(t)
			errs := b.ApplyReview([]Decision{tt.d})
			if tt.rule == "" {
				if len(errs) != 0 {
					t.Fatalf("errors: %v", errs)
				}
			} else {
				var re *ReviewError
				if len(errs) != 1 || !errors.As(errs[0], &re) || re.Rule != tt.rule || re.Line != tt.d.Line || re.ID != tt.d.ID {
					t.Fatalf("want one %s error at line %d, got %v", tt.rule, tt.d.Line, errs)
				}
			}
			if tt.want != nil {
				tt.want(t, b)
			}
		})
	}
}

// TestApplyReviewConfigRejected: a review entry for a question the config
// already rejects is not reported as unknown.
func TestApplyReviewConfigRejected(t *testing.T) {
	b := freshBank(t)
	for id := range b.Memo.Rejected {
		if errs := b.ApplyReview([]Decision{{ID: id, Verdict: Rejected, Reason: "x"}}); len(errs) != 0 {
			t.Errorf("config-rejected %s reported: %v", id, errs)
		}
		return
	}
	t.Skip("the bundled config rejects nothing")
}

// freshBank builds the bundled bank anew: ApplyReview changes its bank.
func freshBank(t *testing.T) *Bank {
	t.Helper()
	b, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return b
}

// TestCheckEditAll: an edit is checked with every rule, not only up to
// the first failure, and changes nothing; a good edit comes back approved
// with its explanation as the rationale; a rejection is kept in
// Bank.Rejected.
func TestCheckEditAll(t *testing.T) {
	b := freshBank(t)
	q := b.Top(0)[0]
	opts := make([]string, len(q.Options))
	for i, o := range q.Options {
		opts[i] = o.Text
	}
	// a negative stem and markup in an option: two rules
	bad := append([]string(nil), opts...)
	bad[(q.Answer+1)%len(bad)] = "**" + bad[(q.Answer+1)%len(bad)] + "**"
	_, errs := b.CheckEditAll(Decision{ID: q.ID, Verdict: Edited, Stem: "次のうち誤っているものはどれですか？", Options: bad, Answer: q.Answer})
	rules := map[string]bool{}
	for _, e := range errs {
		rules[e.Rule] = true
	}
	if !rules["negative-stem"] || !rules["markup-length"] {
		t.Errorf("rules reported: %v", errs)
	}
	if got, _ := b.Get(q.ID); got.Stem != q.Stem || got.Approved {
		t.Errorf("CheckEditAll changed the bank")
	}
	if _, errs := b.CheckEditAll(Decision{ID: q.ID, Options: opts[:2], Answer: 0}); len(errs) != 1 || errs[0].Rule != "options" {
		t.Errorf("two options: %v", errs)
	}
	if _, errs := b.CheckEditAll(Decision{ID: "0000000000"}); len(errs) != 1 || errs[0].Rule != "unknown-id" {
		t.Errorf("unknown ID: %v", errs)
	}
	e, errs := b.CheckEditAll(Decision{ID: q.ID, Verdict: Edited, Stem: q.Stem + "（一つ選べ）", Explanation: "書き直した説明。"})
	if len(errs) != 0 || !e.Approved || e.Rationale != "書き直した説明。" {
		t.Fatalf("good edit: %v %+v", errs, e)
	}
	b.ApplyReview([]Decision{{ID: q.ID, Verdict: Rejected, Reason: "wrong"}})
	if len(b.Rejected) != 1 || b.Rejected[0].ID != q.ID {
		t.Errorf("Bank.Rejected: %v", b.Rejected)
	}
}
