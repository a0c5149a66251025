package questions

import "strings"

// scanSearch is the linear baseline Search is measured against: a
// normalised strings.Contains over every passage. It returns the number of
// passages holding every word of the query.
func (x *Index) scanSearch(query string) int {
	var terms []string
	for _, f := range strings.Fields(query) {
		terms = append(terms, Normalize(f))
	}
	n := 0
	for i := range x.docs {
		all := true
		for _, t := range terms {
			if !strings.Contains(x.docs[i].norm, t) {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}
