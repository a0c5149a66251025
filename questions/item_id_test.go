package questions

import (
	"strings"
	"testing"
)

// TestItemIdentity: every question has an item; questions of different
// types about one term share it; items survive an edit elsewhere in the
// memo, like question IDs.
func TestItemIdentity(t *testing.T) {
	before := bundledBank(t)
	for _, q := range before.Questions {
		if q.Item == "" {
			t.Fatalf("%s has no item", q.ID)
		}
	}
	g := &generator{parentKeys: map[*Item]string{}}
	it := &Item{Domain: 2, Section: []string{"Monitoring"}, Term: "CloudTrail"}
	a := g.itemOf(&draft{typ: TypeDefinitionTerm, item: it, idKey: Normalize(it.Term)})
	b := g.itemOf(&draft{typ: TypeTermDefinition, item: it, idKey: Normalize(it.Term)})
	c := g.itemOf(&draft{typ: TypeDefinitionTerm, item: it, idKey: Normalize(it.Term) + "#目的"})
	if a != b || a != c {
		t.Errorf("one term, three items: %s %s %s", a, b, c)
	}
	if g.idOf(it, TypeDefinitionTerm, Normalize(it.Term)) == g.idOf(it, TypeTermDefinition, Normalize(it.Term)) {
		t.Error("question IDs of two types collide")
	}
	src := strings.Replace(string(DefaultMemo()), "# exam_memo\n", "# exam_memo\n\nA new note at the top.\n\n", 1)
	after, err := Build([]byte(src), ParseOptions{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range before.Questions {
		if q2, err := after.Get(q.ID); err == nil && q2.Item != q.Item {
			t.Errorf("%s: item changed from %s to %s", q.ID, q.Item, q2.Item)
		}
	}
}
