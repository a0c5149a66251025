package curate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/studybot/studybot/bot/render"
	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// OptionTally is how often one option of a multi-answer question was
// chosen, and whether it is one of the correct options.
type OptionTally struct {
	// Letter is the option's letter as shown (A, B, …).
	Letter string
	// ID is the option's ID.
	ID string
	// Count is how many answers held it (store.ItemStat.Options).
	Count int
	// Correct is set for a correct option.
	Correct bool
}

// SetTally is how often one set of options was chosen.
type SetTally struct {
	// Letters names the set by the options' letters, joined by "+"
	// ("B+D"), or the raw key for options the question no longer has.
	Letters string
	// Key is the choice key (store.SplitChoice splits it).
	Key string
	// Count is how many answers chose exactly this set.
	Count int
	// Correct is set for the correct set.
	Correct bool
}

// MultiTallies returns a multi-answer question's choice counts by option
// (in display order) and by set (most chosen first, ties by letters), from
// its item figures: store.ItemStat.Options and store.ItemStat.Choices. It
// returns nils for a single-answer question.
func MultiTallies(s store.ItemStat, q *questions.Question) ([]OptionTally, []SetTally) {
	if q == nil || !q.Multi() {
		return nil, nil
	}
	opts := make([]OptionTally, len(q.Options))
	letter := map[string]string{}
	for i, o := range q.Options {
		opts[i] = OptionTally{Letter: questions.Letter(i), ID: o.ID, Count: s.Options[o.ID], Correct: q.IsCorrectIndex(i)}
		letter[o.ID] = opts[i].Letter
	}
	sets := make([]SetTally, 0, len(s.Choices))
	for k, n := range s.Choices {
		parts := store.SplitChoice(k)
		ls := make([]string, len(parts))
		for i, p := range parts {
			if l, ok := letter[p]; ok {
				ls[i] = l
			} else {
				ls[i] = p
			}
		}
		sort.Strings(ls)
		sets = append(sets, SetTally{Letters: strings.Join(ls, questions.SetSeparator), Key: k, Count: n, Correct: k == q.AnswerKey()})
	}
	sort.Slice(sets, func(i, j int) bool {
		if sets[i].Count != sets[j].Count {
			return sets[i].Count > sets[j].Count
		}
		return sets[i].Letters < sets[j].Letters
	})
	return opts, sets
}

// multiLines prints a multi-answer question's tallies for /studybot
// insights: one line by option, one by set (the correct ones marked ✓).
func multiLines(s store.ItemStat, q *questions.Question, lang string) string {
	opts, sets := MultiTallies(s, q)
	if opts == nil {
		return ""
	}
	mark := func(ok bool) string {
		if ok {
			return "✓"
		}
		return ""
	}
	po := make([]string, len(opts))
	for i, o := range opts {
		po[i] = fmt.Sprintf("%s%s %d", o.Letter, mark(o.Correct), o.Count)
	}
	ps := make([]string, 0, len(sets))
	for i, x := range sets {
		if i == insightsTop {
			break
		}
		ps = append(ps, fmt.Sprintf("%s%s %d", x.Letters, mark(x.Correct), x.Count))
	}
	return render.T(lang, "insights.options", strings.Join(po, " · ")) + "\n  " + render.T(lang, "insights.sets", strings.Join(ps, " · "))
}
