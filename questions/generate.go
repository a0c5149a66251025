package questions

import (
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Limits on what users see in a chat card.
const (
	MaxStemRunes   = 300
	MaxOptionRunes = 80
	maxDefRunes    = 160
	maxTermRunes   = 40
)

// candidate is a would-be option: a text with the item it comes from.
type candidate struct {
	text  string
	norm  string // Normalize(text)
	group int    // alias group of owner, -1 if none
	kind  int    // optionKind(text)
	hash  uint32 // fnvOf(text)
	self  bool   // the text names its own owner
	named []int  // alias groups the text mentions (sentences only)
	owner string
	quote string
	line  int
	item  *Item
}

type generator struct {
	m          *Memo
	terms      []*Item // definition items usable as term options
	defs       []*Item // definition items usable as definition options
	byDom      map[int][]*Item
	scen       []*Item
	keys       map[*Item]string // normalised term of each usable definition
	all        []candidate      // every usable term as an option
	dom        map[int][]candidate
	defc       map[int][]candidate // definition options per domain
	starts     map[string][]*Item  // usable terms by their first two bytes
	masks      map[string][]string // what to blank for each usable term
	parentKeys map[*Item]string    // parentKey of every item
	pools      sync.Pool           // *[]scored scratch for pick
	keyStarts  map[string][]keyRef // alias keys by their first two bytes
}

func newGenerator(m *Memo) *generator {
	g := &generator{m: m, byDom: map[int][]*Item{}, keys: map[*Item]string{}, dom: map[int][]candidate{}}
	for _, it := range m.Items {
		switch {
		case it.Kind == KindDefinition && !it.Conflict && termOK(it.Term):
			g.terms = append(g.terms, it)
			g.keys[it] = Normalize(it.Term)
			g.byDom[it.Domain] = append(g.byDom[it.Domain], it)
			if d := shortDef(it); d != "" {
				g.defs = append(g.defs, it)
			}
		case it.Kind == KindScenario:
			g.scen = append(g.scen, it)
		}
	}
	g.pools.New = func() any { s := make([]scored, 0, 512); return &s }
	g.parentKeys = make(map[*Item]string, len(m.Items))
	for _, it := range m.Items {
		if it.Parent != nil { // nearest parent first, as the IDs have always been built
			k := Normalize(it.Parent.Name())
			if up := g.parentKeys[it.Parent]; up != "" {
				k += "/" + up
			}
			g.parentKeys[it] = k
		}
	}
	g.masks = map[string][]string{}
	for _, it := range g.terms {
		if _, ok := g.masks[it.Term]; !ok {
			g.masks[it.Term] = maskVariants(m.aliases.Forms(it.Term))
		}
	}
	g.keyStarts = map[string][]keyRef{}
	for grp, keys := range m.aliases.keys {
		for _, k := range keys {
			if runeLen(k) >= 2 {
				g.keyStarts[prefixKey(k)] = append(g.keyStarts[prefixKey(k)], keyRef{k, grp})
			}
		}
	}
	g.all = termCands(g.terms)
	g.defc = map[int][]candidate{}
	for _, d := range g.defs {
		t := shortDef(d)
		c := candidate{text: t, owner: d.Term, quote: d.Quote(), line: d.Line, item: d}
		g.prepare(&c)
		g.defc[d.Domain] = append(g.defc[d.Domain], c)
	}
	for i := range g.all {
		g.prepare(&g.all[i])
		g.dom[g.all[i].item.Domain] = append(g.dom[g.all[i].item.Domain], g.all[i])
	}
	return g
}

// termsIn returns the usable terms whose surface form occurs in s, found
// through the index of their first two bytes.
func (g *generator) termsIn(s string) []*Item {
	if g.starts == nil {
		g.starts = map[string][]*Item{}
		for _, t := range g.terms {
			if len(t.Term) >= 2 {
				g.starts[prefixKey(t.Term)] = append(g.starts[prefixKey(t.Term)], t)
			}
		}
	}
	var out []*Item
	for i := 0; i+2 <= len(s); i++ {
		if !utf8.RuneStart(s[i]) {
			continue
		}
		for _, t := range g.starts[s[i:i+2]] {
			if strings.HasPrefix(s[i:], t.Term) {
				out = append(out, t)
			}
		}
		if i+4 <= len(s) {
			for _, t := range g.starts[s[i:i+4]] {
				if strings.HasPrefix(s[i:], t.Term) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// prepare caches what every question's checks ask of a candidate.
func (g *generator) prepare(c *candidate) {
	if c.norm == "" {
		c.norm = Normalize(c.text)
	}
	c.group = g.m.aliases.groupOf(c.owner)
	c.kind = optionKind(c.text)
	c.hash = fnvOf(c.text)
	c.self = g.mentionsNorm(c.norm, c.owner)
	if !isSentence(c.text) {
		return // names: nothing else asks what they mention
	}
	for grp := range g.groupsIn(c.norm) {
		c.named = append(c.named, grp)
	}
}

// names reports whether the candidate's text mentions term (group grp).
func (g *generator) names(c *candidate, term string, grp int) bool {
	if grp < 0 || c.named == nil && !isSentence(c.text) {
		return g.mentionsNorm(c.norm, term)
	}
	return slices.Contains(c.named, grp)
}

// mix combines two hashes into an ordering key.
func mix(a, b uint32) uint32 {
	h := uint64(a)<<32 | uint64(b)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return uint32(h)
}

// optionKind classes an option: 0 sentence, 1 ASCII name, 2 other name.
func optionKind(s string) int {
	switch a := asciiShare(s); {
	case isSentence(s):
		return 0
	case a >= 0.85:
		return 1 // a name in Latin letters: "CodeDeploy", "buildspec.yml"
	case a >= 0.5:
		return 2 // a mostly Latin phrase with Japanese in it: "SAML 2.0 IdP との統合"
	}
	return 3 // a Japanese name or phrase
}

// sameOwner reports whether candidate c names the same thing as term.
func (g *generator) sameOwner(c *candidate, term string, group int) bool {
	if c.owner == term {
		return true
	}
	if group >= 0 && c.group == group {
		return true
	}
	return group < 0 && g.m.aliases.Same(c.owner, term)
}

// scored is a candidate with its ordering key: kin level, then a
// per-question hash.
type scored struct {
	c   *candidate
	key uint64
}

// termPool returns term options for an item: its domain's, or the whole
// memo's when the domain has too few that pass accept.
func (g *generator) termPool(it *Item, accept func(*candidate) bool) []candidate {
	n := 0
	for i := range g.dom[it.Domain] {
		if accept(&g.dom[it.Domain][i]) {
			n++
			if n >= 3 {
				return g.dom[it.Domain]
			}
		}
	}
	return g.all
}

// termOK reports whether a term can stand as an option.
func termOK(t string) bool {
	if t == "" || longerThan(t, maxTermRunes) || isSentence(t) || isGenericLabel(t) || isQuestionLine(t) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false // JSON fragments, quotes, symbols
	}
	return !actionTerm(t)
}

// actionSuffixes end bullets that describe an action or wish rather than
// name a thing ("… を有効にする", "…したい", a dangling particle).
var actionSuffixes = []string{"する", "したい", "させる", "できる", "ます", "ました", "ない", "招待", "場合", "と", "や", "に", "で", "が", "は", "の"}

func actionTerm(t string) bool {
	if strings.Contains(t, "を") {
		return true
	}
	for _, suf := range actionSuffixes {
		if strings.HasSuffix(t, suf) {
			return true
		}
	}
	return false
}

// shortDef returns the item's definition (its leading sentences) when it
// fits an option.
func shortDef(it *Item) string {
	d := firstSentences(strings.TrimSpace(it.Def), MaxOptionRunes)
	if runeLen(d) < 6 {
		return ""
	}
	return d
}

// firstSentences returns the leading sentences of s that fit in max runes,
// or "" when even the first does not.
func firstSentences(s string, max int) string {
	if !longerThan(s, max) {
		return s
	}
	end, n := 0, 0
	for _, part := range strings.SplitAfter(s, "。") {
		n += runeLen(part)
		if n > max {
			break
		}
		end += len(part)
	}
	return strings.TrimSpace(s[:end])
}

// kinLevel tells how close b is to a: 1 same parent, 2 same section, 3 same
// domain, 4 elsewhere in the memo.
func kinLevel(a, b *Item) int {
	switch {
	case a.Parent != nil && a.Parent == b.Parent:
		return 1
	case a.Domain == b.Domain && equalPath(a.Section, b.Section) && a.InOther == b.InOther:
		return 2
	case a.Domain == b.Domain:
		return 3
	}
	return 4
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var kinNames = map[int]string{1: "sibling", 2: "section", 3: "domain", 4: "memo"}
var kinDifficulty = map[int]int{1: Hard, 2: Medium, 3: Easy, 4: Easy}

func fnvOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// pick chooses up to n distractors from cands, closest kin first, in a
// deterministic order that varies by question; accept filters candidates.
func (g *generator) pick(seed, answer string, anchor *Item, cands []candidate, n int, accept func(*candidate) bool) ([]candidate, int) {
	if anchor != nil && len(cands) > 0 && &cands[0] == &g.all[0] {
		cands = g.termPool(anchor, accept)
	}
	buf := g.pools.Get().(*[]scored)
	pool := (*buf)[:0]
	defer func() { *buf = pool[:0]; g.pools.Put(buf) }()
	seedHash := fnvOf(seed)
	for i := range cands {
		c := &cands[i]
		if !accept(c) {
			continue
		}
		lvl := 4
		if c.item != nil && anchor != nil {
			lvl = kinLevel(anchor, c.item)
		}
		pool = append(pool, scored{c, uint64(lvl)<<32 | uint64(mix(seedHash, c.hash))})
	}
	// Select the best n one at a time: n is tiny next to the pool, so this
	// beats sorting the pool.
	var out []candidate
	var seenBuf [8]string
	var groupBuf [8]int
	seen := append(seenBuf[:0], Normalize(answer))
	groups := append(groupBuf[:0], g.m.aliases.groupOf(answer))
	maxLevel := 1
	for len(out) < n {
		best := -1
		for i := range pool {
			if pool[i].c != nil && (best < 0 || pool[i].key < pool[best].key) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		s := pool[best]
		pool[best].c = nil
		k := s.c.norm
		dup := s.c.group >= 0 && slices.Contains(groups, s.c.group)
		for _, x := range seen {
			if dup || x == k || strings.Contains(x, k) || strings.Contains(k, x) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		seen = append(seen, k)
		if s.c.group >= 0 {
			groups = append(groups, s.c.group)
		}
		out = append(out, *s.c)
		if lvl := int(s.key >> 32); lvl > maxLevel {
			maxLevel = lvl
		}
	}
	return out, maxLevel
}

// assemble places the answer among distractors at a position derived from
// the question ID, and fills the explanation.
func (g *generator) assemble(q *Question, answer candidate, ds []candidate, level int) *Question {
	n := len(ds) + 1
	pos := int(fnvOf(q.ID) % uint32(n))
	opts := make([]Option, 0, n)
	for i, j := 0, 0; i < n; i++ {
		c := answer
		if i != pos {
			c = ds[j]
			j++
		}
		if c.norm == "" {
			c.norm = Normalize(c.text)
		}
		opts = append(opts, Option{ID: hashID(c.norm)[:6], Text: c.text, Quote: c.quote, Line: c.line, owner: c.owner, norm: c.norm})
	}
	opts[pos].Quote = "" // the answer's passage is the explanation's quote
	q.Options, q.Answer = opts, pos
	q.Difficulty, q.Kin = kinDifficulty[level], kinNames[level]
	if d := g.m.Domain(q.Domain); d != nil {
		q.DomainTitle = d.Title
	}
	q.buildExplanation()
	return q
}

func (g *generator) sourceOf(it *Item, quote string) Source {
	return Source{Path: it.Path(g.m), Line: it.Line, Quote: quote}
}

func (g *generator) newQuestion(it *Item, t Type, key string) *Question {
	q := &Question{Domain: it.Domain, Type: t}
	q.ID = hashID(itoa(it.Domain), strings.Join(it.Section, "/"), g.parentKeys[it], key, string(t))
	return q
}

// mask replaces every form of term in s with a blank.
func (g *generator) mask(s, term string) string {
	variants, ok := g.masks[term]
	if !ok {
		variants = maskVariants(g.m.aliases.Forms(term))
	}
	for _, v := range variants {
		s = replaceFold(s, v, Blank)
	}
	return s
}

// maskVariants lists what to blank for a term: every form, without its
// parentheticals and without a vendor prefix, longest first.
func maskVariants(forms []string) []string {
	forms = append([]string(nil), forms...)
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	var out []string
	for _, f := range forms {
		base := f
		if strings.ContainsAny(f, "(（") {
			base = strings.TrimSpace(reParen.ReplaceAllString(f, " "))
		}
		for _, v := range []string{f, base, stripVendor(base)} {
			if runeLen(v) >= 2 {
				out = append(out, v)
			}
		}
	}
	return out
}

// Blank is what a masked term looks like in a stem.
const Blank = "＿＿＿"

// replaceFold replaces ASCII-case-insensitive occurrences of old in s.
func replaceFold(s, old, with string) string {
	ls, lo := asciiLower(s), asciiLower(old)
	if len(ls) != len(s) || len(lo) != len(old) {
		return strings.ReplaceAll(s, old, with)
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(with)
		s, ls = s[i+len(old):], ls[i+len(old):]
	}
}

func termCands(items []*Item) []candidate {
	out := make([]candidate, 0, len(items))
	for _, it := range items {
		out = append(out, candidate{text: it.Term, norm: Normalize(it.Term), owner: it.Term, quote: it.Quote(), line: it.Line, item: it})
	}
	return out
}

// sameKind reports whether two option texts are of one kind: both names in
// the same script, or both sentences.
func sameKind(a, b string) bool { return optionKind(a) == optionKind(b) }

func (g *generator) definitionTerm(it *Item) *Question {
	def := firstSentences(it.Def, maxDefRunes)
	if runeLen(def) < 8 {
		return nil
	}
	masked := g.mask(def, it.Term)
	q := g.newQuestion(it, TypeDefinitionTerm, Normalize(it.Term))
	q.Stem = "次の説明に当てはまるものはどれですか？\n「" + masked + "」"
	q.stemDef = def
	named := g.groupsIn(Normalize(masked))
	grp, kind := g.m.aliases.groupOf(it.Term), optionKind(it.Term)
	q.Source = g.sourceOf(it, it.Quote())
	ds, lvl := g.pick(q.ID, it.Term, it, g.all, 3, func(c *candidate) bool {
		return !g.sameOwner(c, it.Term, grp) && c.kind == kind && !named[c.group]
	})
	if len(ds) < 3 {
		return nil
	}
	return g.assemble(q, candidate{text: it.Term, owner: it.Term, line: it.Line, item: it}, ds, lvl)
}

// attributeTerm asks for the term given one of its labelled attributes
// (目的, 用途, 特徴 …), a definition→term question of its own.
func (g *generator) attributeTerm(it *Item) *Question {
	for _, label := range []string{"目的", "用途", "特徴", "概要", "purpose", "usage"} {
		v, ok := it.Attrs[label]
		if !ok || runeLen(v) < 8 || Normalize(v) == Normalize(it.Def) {
			continue
		}
		v = firstSentences(v, maxDefRunes)
		if v == "" {
			return nil
		}
		masked := g.mask(v, it.Term)
		named := g.groupsIn(Normalize(masked))
		grp, kind := g.m.aliases.groupOf(it.Term), optionKind(it.Term)
		q := g.newQuestion(it, TypeDefinitionTerm, Normalize(it.Term)+"#"+label)
		q.Stem = "次の" + label + "に当てはまるものはどれですか？\n「" + masked + "」"
		q.stemDef = v
		q.Source = g.sourceOf(it, it.Quote()+"\n"+label+": "+it.Attrs[label])
		ds, lvl := g.pick(q.ID, it.Term, it, g.all, 3, func(c *candidate) bool {
			return !g.sameOwner(c, it.Term, grp) && c.kind == kind && !named[c.group]
		})
		if len(ds) < 3 {
			return nil
		}
		return g.assemble(q, candidate{text: it.Term, owner: it.Term, line: it.Line, item: it}, ds, lvl)
	}
	return nil
}

func (g *generator) termDefinition(it *Item) *Question {
	def := shortDef(it)
	if def == "" || strings.Contains(Normalize(def), Normalize(stripVendor(it.Term))) {
		return nil
	}
	q := g.newQuestion(it, TypeTermDefinition, Normalize(it.Term))
	q.Stem = "「" + it.Term + "」の説明として正しいものはどれですか？"
	q.Source = g.sourceOf(it, it.Quote())
	grp := g.m.aliases.groupOf(it.Term)
	ds, lvl := g.pick(q.ID, def, it, g.defc[it.Domain], 3, func(c *candidate) bool {
		return !g.sameOwner(c, it.Term, grp) && !c.self && !g.names(c, it.Term, grp)
	})
	if len(ds) < 3 {
		return nil
	}
	return g.assemble(q, candidate{text: def, owner: it.Term, line: it.Line, item: it}, ds, lvl)
}

// prefixKey is the lookup prefix of a key: its first four bytes, or two
// when shorter. Keys are looked up under both lengths at every offset.
func prefixKey(k string) string {
	if len(k) >= 4 {
		return k[:4]
	}
	return k[:2]
}

// groupsIn returns the alias groups named anywhere in the normalised text nt.
func (g *generator) groupsIn(nt string) map[int]bool {
	out := map[int]bool{}
	for i := 0; i+2 <= len(nt); i++ {
		if !utf8.RuneStart(nt[i]) {
			continue // keys start at rune boundaries
		}
		for _, k := range g.keyStarts[nt[i:i+2]] {
			if strings.HasPrefix(nt[i:], k.key) {
				out[k.group] = true
			}
		}
		if i+4 <= len(nt) {
			for _, k := range g.keyStarts[nt[i:i+4]] {
				if strings.HasPrefix(nt[i:], k.key) {
					out[k.group] = true
				}
			}
		}
	}
	return out
}

type keyRef struct {
	key   string
	group int
}

// mentionsNorm is mentions over an already normalised text.
func (g *generator) mentionsNorm(nt, term string) bool {
	for _, k := range g.m.aliases.Keys(term) {
		if twoRunes(k) && strings.Contains(nt, k) {
			return true
		}
	}
	return false
}

func (g *generator) tableRows(t *Table) []*Question {
	if len(t.Rows) < 3 || len(t.Header) < 2 {
		return nil
	}
	var out []*Question
	for c := 1; c < len(t.Header); c++ {
		seen := map[string]bool{}
		distinct := true
		for _, r := range t.Rows {
			k := Normalize(r[c])
			if k == "" || seen[k] {
				distinct = false
				break
			}
			seen[k] = true
		}
		if !distinct {
			continue // two rows share the tested value: no single answer
		}
		for ri, r := range t.Rows {
			key, val := r[0], r[c]
			if !termOK(key) || runeLen(val) > maxDefRunes {
				continue
			}
			q := &Question{Domain: t.Domain, Type: TypeTableRow}
			q.ID = hashID(itoa(t.Domain), strings.Join(t.Section, "/"), Normalize(t.Header[0]), Normalize(key), Normalize(t.Header[c]), string(TypeTableRow))
			masked := g.mask(val, key)
			q.Stem = t.Header[0] + "のうち、「" + t.Header[c] + "」が「" + masked + "」であるものはどれですか？"
			q.stemDef = val
			q.Source = Source{Path: tablePath(g.m, t), Line: t.Line + 1 + ri + 1, Quote: rowQuote(t, r)}
			var cands []candidate
			for rj, o := range t.Rows {
				if rj != ri {
					c := candidate{text: o[0], owner: o[0], quote: rowQuote(t, o), line: t.Line + 2 + rj}
					g.prepare(&c)
					cands = append(cands, c)
				}
			}
			ds, _ := g.pick(q.ID, key, nil, cands, 3, func(cd *candidate) bool {
				return termOK(cd.text) && sameKind(cd.text, key) && !g.m.aliases.Same(cd.text, key)
			})
			if len(ds) < 2 {
				continue
			}
			out = append(out, g.assemble(q, candidate{text: key, owner: key}, ds, 1))
		}
	}
	return out
}

func tablePath(m *Memo, t *Table) []string {
	path := []string{}
	if d := m.Domain(t.Domain); d != nil {
		path = append(path, d.Label())
	}
	return append(path, t.Section...)
}

// rowQuote renders a table row as "key — header: value、header: value".
func rowQuote(t *Table, r []string) string {
	parts := []string{}
	for i := 1; i < len(r) && i < len(t.Header); i++ {
		parts = append(parts, t.Header[i]+": "+r[i])
	}
	return r[0] + " — " + strings.Join(parts, "、")
}

func (g *generator) cloze(it *Item) *Question {
	txt := it.Text
	if it.Kind != KindPlain || runeLen(txt) < 20 || runeLen(txt) > maxDefRunes || strings.Contains(txt, "`") && strings.Count(txt, "`")%2 != 0 {
		return nil
	}
	var best *Item
	for _, t := range g.termsIn(txt) {
		if best != nil && len(t.Term) <= len(best.Term) {
			continue
		}
		if runeLen(g.keys[t]) < 3 || !wordIn(txt, t.Term) {
			continue
		}
		best = t
	}
	if best == nil {
		return nil
	}
	blanked := strings.Replace(txt, best.Term, Blank, 1)
	nb := Normalize(blanked)
	if g.mentionsNorm(nb, best.Term) {
		return nil // the term appears twice: blanking one would leak it
	}
	named := g.groupsIn(nb)
	q := g.newQuestion(it, TypeCloze, Normalize(txt))
	grp, kind := g.m.aliases.groupOf(best.Term), optionKind(best.Term)
	q.Stem = "空欄に当てはまる語句はどれですか？\n「" + blanked + "」"
	q.Source = g.sourceOf(it, it.Quote())
	ds, lvl := g.pick(q.ID, best.Term, it, g.all, 3, func(c *candidate) bool {
		return !g.sameOwner(c, best.Term, grp) && c.kind == kind && !named[c.group]
	})
	if len(ds) < 3 {
		return nil
	}
	return g.assemble(q, candidate{text: best.Term, owner: best.Term, line: best.Line, item: best}, ds, lvl)
}

// wordIn reports whether term occurs in s as a whole word: not glued to
// more letters of the same script on either side.
func wordIn(s, term string) bool {
	i := strings.Index(s, term)
	if i < 0 {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i+len(term):])
	first, _ := utf8.DecodeRuneInString(term)
	last, _ := utf8.DecodeLastRuneInString(term)
	return !sameScript(before, first) && !sameScript(last, after)
}

func sameScript(a, b rune) bool {
	class := func(r rune) int {
		switch {
		case r == utf8.RuneError:
			return 0
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			return 1
		case unicode.In(r, unicode.Katakana) || r == 'ー':
			return 2
		case unicode.In(r, unicode.Han):
			return 3
		}
		return 0
	}
	ca := class(a)
	return ca != 0 && ca == class(b)
}

func (g *generator) scenario(it *Item) *Question {
	ans := firstSentences(it.Def, MaxOptionRunes)
	if ans == "" || runeLen(it.Text) > MaxStemRunes {
		return nil
	}
	q := g.newQuestion(it, TypeScenario, Normalize(it.Text))
	q.Stem = it.Text
	q.Source = g.sourceOf(it, it.Text+"\n"+it.Def)
	var cands []candidate
	for _, s := range g.scen {
		if s != it {
			if a := firstSentences(s.Def, MaxOptionRunes); a != "" {
				c := candidate{text: a, owner: "scenario:" + Normalize(s.Text), quote: s.Def, line: s.Line, item: s}
				g.prepare(&c)
				cands = append(cands, c)
			}
		}
	}
	ds, lvl := g.pick(q.ID, ans, it, cands, 3, func(c *candidate) bool { return true })
	if len(ds) < 2 {
		return nil
	}
	return g.assemble(q, candidate{text: ans, owner: "scenario:" + Normalize(it.Text), line: it.Line, item: it}, ds, lvl)
}

// generate makes every candidate question of the memo and runs the
// quality checks on each. Items are split between two workers; the output order is the
// memo's order whatever the scheduling.
func (g *generator) generate() []*Question {
	g.termsIn("") // build the lookup table before the workers share it
	items := g.m.Items
	// Workers take items in turn (balancing definitions and notes); each
	// item's questions land in its own slot, so the output keeps memo order.
	perItem := make([][]*Question, len(items))
	perTable := make([][]*Question, len(g.m.Tables))
	const workers = 2
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(items); i += workers {
				perItem[i] = g.checked(g.generateItems(items[i : i+1]))
			}
			for i := w; i < len(g.m.Tables); i += workers {
				perTable[i] = g.checked(g.tableRows(g.m.Tables[i]))
			}
		}()
	}
	wg.Wait()
	var out []*Question
	for _, qs := range perItem {
		out = append(out, qs...)
	}
	for _, qs := range perTable {
		out = append(out, qs...)
	}
	return out
}

// checked runs the quality rules on qs, recording on each question the rule
// it failed, if any.
func (g *generator) checked(qs []*Question) []*Question {
	for _, q := range qs {
		q.failed, _ = Check(q, g.m)
	}
	return qs
}

func (g *generator) generateItems(items []*Item) []*Question {
	var out []*Question
	add := func(q *Question) {
		if q != nil {
			out = append(out, q)
		}
	}
	for _, it := range items {
		switch it.Kind {
		case KindDefinition:
			if _, usable := g.keys[it]; !usable {
				continue // conflicting, or not a term that can stand as an option
			}
			add(g.definitionTerm(it))
			add(g.termDefinition(it))
			add(g.attributeTerm(it))
		case KindPlain:
			add(g.cloze(it))
		case KindScenario:
			add(g.scenario(it))
		}
	}
	return out
}
