package core

// TeamReadiness is a space's exam readiness as a team: each member's
// readiness (as /stats shows it: per domain the mean FSRS retrievability
// of the domain's live memo items, unseen items counting 0), averaged over
// the members. A member is a user with at least one answered card of a
// live item in the space; people who never answered are not members, so
// the figure is how ready the studying team is, not the whole workspace.
type TeamReadiness struct {
	// Members counts the members averaged over.
	Members int
	// Overall is the members' mean overall readiness (each weighted by
	// the exam's domain weights, or by items when no weight is known).
	Overall float64
	// Domains has one entry per exam domain with live items, in domain
	// order.
	Domains []DomainReadiness
}

// DomainReadiness is the team's readiness in one exam domain.
type DomainReadiness struct {
	// Domain is the domain's number; Title its title.
	Domain int
	Title  string
	// Weight is the exam's weight of the domain (percent; 0 unknown).
	Weight float64
	// Items counts the domain's live memo items.
	Items int
	// Recall is the members' mean predicted recall of the domain's items.
	Recall float64
	// Studied counts the members who answered at least one of them.
	Studied int
}
