package draft

// Expected answer sizes, in tokens, for the estimate (not the limits).
const (
	expectDraftTokens  = 450 // one drafted question with its explanation
	expectVerifyTokens = 120 // one verification answer
)

// Estimate is a dry run's guess of a run's size, assuming every draft
// reaches verification (an upper bound of the second round).
type Estimate struct {
	// DraftRequests and VerifyRequests count the requests of each round.
	DraftRequests, VerifyRequests int
	// Input and Output are the tokens sent and expected back.
	Input, Output int
}

// EstimateRun guesses the tokens of the drafting requests and of the
// verification round that would follow (about one per question asked).
func EstimateRun(m *Memo, pl *Plan, reqs []Request) Estimate {
	var e Estimate
	e.DraftRequests = len(reqs)
	for i, r := range reqs {
		e.Input += estimateTokens(r.System) + estimateTokens(r.User) + estimateTokens(string(r.Schema))
		n := pl.Asks[i].Count
		e.Output += n * expectDraftTokens
		e.VerifyRequests += n
		verifyIn := estimateTokens(verifyGuide) + estimateTokens(passageText(m, pl.Asks[i].Passage)) + 250 + estimateTokens(string(verifySchema))
		e.Input += n * verifyIn
		e.Output += n * expectVerifyTokens
	}
	return e
}
