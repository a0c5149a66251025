package learn

import (
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/studybot/studybot/questions"
	"github.com/studybot/studybot/store"
)

// scheduler is the FSRS-5 scheduler every card is reviewed with: the
// default parameters, long-term only (intervals in whole days, which suits
// a bot asked at most a few times a day), no fuzz so tests are exact.
var scheduler = func() *fsrs.FSRS {
	p := fsrs.DefaultParam()
	p.EnableShortTerm = false
	p.EnableFuzz = false
	return fsrs.NewFSRS(p)
}()

// ratingOf maps a multiple-choice result to an FSRS rating: wrong is
// Again, right is Good (never Easy: recognising is easier than recalling,
// and a guess is right one time in four).
func ratingOf(correct bool) fsrs.Rating {
	if correct {
		return fsrs.Good
	}
	return fsrs.Again
}

// fsrsCard and storeCard convert between the store's card and FSRS's.
func fsrsCard(c store.Card, found bool) fsrs.Card {
	if !found || c.Reps == 0 {
		return fsrs.NewCard()
	}
	return fsrs.Card{Due: c.Due, Stability: c.Stability, Difficulty: c.Difficulty, ElapsedDays: c.ElapsedDays,
		ScheduledDays: c.ScheduledDays, Reps: c.Reps, Lapses: c.Lapses, State: fsrs.State(c.State), LastReview: c.LastReview}
}

func setFSRS(c *store.Card, f fsrs.Card) {
	c.Due, c.Stability, c.Difficulty = f.Due, f.Stability, f.Difficulty
	c.ElapsedDays, c.ScheduledDays, c.Reps, c.Lapses = f.ElapsedDays, f.ScheduledDays, f.Reps, f.Lapses
	c.State, c.LastReview = int(f.State), f.LastReview
}

// reviewCard applies one answer to a card at now: FSRS schedules it, the
// counts and the question asked are recorded.
func reviewCard(c *store.Card, found bool, questionID string, domain int, correct bool, now time.Time) {
	next := scheduler.Next(fsrsCard(*c, found), now, ratingOf(correct)).Card
	setFSRS(c, next)
	if c.First.IsZero() {
		c.First = now
	}
	if correct {
		c.Right++
	} else {
		c.Wrong++
	}
	c.Domain = domain
	c.LastQuestion = questionID
}

// Record updates the user's card for the memo item a question came from
// after an answer (daily, practice or review). item may be empty for a
// post made before items were recorded: the bank then names it, and a
// question that left the bank is not scheduled. A failure is logged, never
// shown: the answer itself was recorded.
func (b *Learn) Record(space store.SpaceRef, user, item, questionID string, domain int, correct bool) {
	if item == "" {
		q, err := b.Bank().Get(questionID)
		if err != nil {
			return
		}
		item = q.Item
	}
	now := b.Now().UTC()
	_, err := b.DB.UpdateCard(space, user, item, func(c *store.Card, found bool) error {
		reviewCard(c, found, questionID, domain, correct, now)
		return nil
	})
	if err != nil {
		b.Log.Error("update card", "space", space.String(), "user", user, "item", item, "err", err)
	}
}

// RecordChoice grades a choice key against the question and updates the
// user's card with it (Record): FSRS grades the item by the set, so a
// multi-answer question is right (Good) only with exactly the correct
// options and wrong (Again) with a partial set. It returns whether the
// choice was right.
func (b *Learn) RecordChoice(space store.SpaceRef, user string, q *questions.Question, choice string) bool {
	right := q.IsRight(choice)
	b.Record(space, user, q.Item, q.ID, q.Domain, right)
	return right
}
