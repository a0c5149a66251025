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
	maxQuoteRunes  = 220 // the proof quoted in an explanation
	maxWhyRunes    = 140 // a distractor's own line in an explanation
	maxPassage     = 1500
)

// candidate is a would-be option: a text with the item it comes from.
type candidate struct {
	text  string
	owner string // the term the text belongs to
	quote string // the owner's memo line, why it is not the answer
	line  int
	item  *Item
	toks  tokenSet // leak tokens of text
	otoks tokenSet // leak tokens of the owner's name (definition options)
}

// draft is a question before its distractors are chosen: what a recipe
// makes of one item, handed to the shared builder.
type draft struct {
	typ     Type
	item    *Item  // the item the question is about (nil for tables)
	idKey   string // what the ID hashes besides the item's place
	id      string // set by the builder when idKey is not enough (tables)
	itemID  string // the item's identity when item is nil (tables)
	stem    string
	probe   string // the part of the stem an answer could leak into
	stemDef string // the definition shown in the stem, for also-right checks
	answer  candidate
	pool    []candidate // same-kind kin, closest first
	level   int         // kin level of pool: 1 sibling, 2 section
	whole   int         // how many kin the answer has in all, before any is filtered
	kind    TermKind
	context bool // the stem names its subject
	source  Source
	domain  int
	base    float64 // confidence of the recipe before evidence
}

// recipe makes drafts from one item; the table of recipes is the whole
// generator (tables and scenarios have their own entry points).
type recipe struct {
	typ  Type
	on   ItemKind // the items it reads
	make func(g *generator, it *Item) []*draft
}

var recipes = []recipe{
	{TypeDefinitionTerm, KindDefinition, (*generator).definitionTerm},
	{TypeTermDefinition, KindDefinition, (*generator).termDefinition},
	{TypeDefinitionTerm, KindDefinition, (*generator).attributeTerm},
	{TypeCloze, KindPlain, (*generator).cloze},
	{TypeScenario, KindScenario, (*generator).scenario},
}

// generator holds every index the recipes read, all built up front.
type generator struct {
	m          *Memo
	usable     map[*Item]bool    // definitions that can be an answer
	option     map[*Item]bool    // definitions that can be a distractor
	kin        map[*Item][]*Item // same-kind siblings of each usable item, in memo order
	kinLevel   map[*Item]int     // 1 siblings under one parent, 2 top-level peers of a section
	skipped    map[*Item]string  // why an item is not asked about
	parentKeys map[*Item]string  // parentKey of every item (question IDs)
	masks      map[string][]string
	toks       sync.Map           // text → tokenSet: leak tokens (tokens)
	norms      sync.Map           // text → Normalize(text) (norm)
	normTerms  sync.Map           // term → its match key without vendor or parentheses (normTerm)
	starts     map[string][]*Item // usable terms by their first two bytes
	scen       []*Item
	defsByTerm map[string][]*Item // every definition of a term, for also-right checks
	siblings   map[*Item]int      // how many definitions stand beside an item, itself included, kin or not
	plainSkip  map[*Item]bool     // plain notes inside worked scenarios and procedures
	heads      sync.Map           // name → head noun (headOf), filled as asked

	mu      sync.Mutex
	dropped map[string]int                   // drafts that did not become questions, by reason
	onDrop  func(d *draft, rule, why string) // tests: see every draft a rule dropped
}

func newGenerator(m *Memo) *generator {
	g := &generator{m: m, usable: map[*Item]bool{}, option: map[*Item]bool{}, kin: map[*Item][]*Item{},
		kinLevel: map[*Item]int{}, skipped: map[*Item]string{}, masks: map[string][]string{},
		starts: map[string][]*Item{}, siblings: map[*Item]int{}, dropped: map[string]int{}, defsByTerm: map[string][]*Item{}}
	g.plainSkip = map[*Item]bool{}
	anc := map[*Item]string{}
	skip := func(it *Item) string { return skipReasonUnder(it, ancestorReason(it.Parent, anc)) }
	for _, it := range m.Items {
		switch it.Kind {
		case KindDefinition:
			g.defsByTerm[it.Term] = append(g.defsByTerm[it.Term], it)
		case KindPlain:
			g.plainSkip[it] = skip(it) != ""
		}
	}
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
	type groupKey struct {
		parent  *Item
		domain  int
		section string
		other   bool
		kind    TermKind
	}
	groups := map[groupKey][]*Item{}
	var order []groupKey
	for _, it := range m.Items {
		switch it.Kind {
		case KindScenario:
			g.scen = append(g.scen, it)
			continue
		case KindDefinition:
		default:
			continue
		}
		if !termOK(it.Term) {
			continue
		}
		if why := skip(it); why != "" {
			g.skipped[it] = why
			continue
		}
		g.option[it] = true
		if !it.Conflict || g.comparisonConflict(it) {
			g.usable[it] = true
		} else {
			g.skipped[it] = "conflicting definitions"
		}
		k := groupKey{parent: it.Parent, domain: it.Domain, other: it.InOther, kind: it.TermKind.family()}
		if it.Parent == nil {
			// top-level peers of a section: under a heading that names a
			// topic they are siblings; under a catch-all heading ("試験メモ")
			// kin only when of one kind exactly
			k.section = strings.Join(it.Section, "/")
			if g.headingOf(it) == "" {
				k.kind = it.TermKind
			}
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it)
	}
	for _, k := range order {
		lvl := 1
		for _, it := range groups[k] {
			g.siblings[it] = len(groups[k])
			if it.Parent != nil {
				g.siblings[it] = countDefs(it.Parent.Children)
			}
		}
		if k.parent == nil && g.headingOf(groups[k][0]) == "" {
			lvl = 2
			// Top-level peers of a section are kin only when they are
			// services or keys: features there are of every sort.
			if k.kind != TermService && k.kind != TermKey {
				continue
			}
		}
		for _, it := range groups[k] {
			g.kin[it] = groups[k]
			g.kinLevel[it] = lvl
		}
	}
	for it := range g.usable {
		if _, ok := g.masks[it.Term]; !ok {
			g.masks[it.Term] = maskVariants(m.aliases.Forms(it.Term))
		}
		if len(it.Term) >= 2 {
			g.starts[it.Term[:2]] = append(g.starts[it.Term[:2]], it)
		}
	}
	for _, s := range g.starts {
		sort.Slice(s, func(i, j int) bool { return s[i].Line < s[j].Line })
	}
	return g
}

// headingOf returns the heading a top-level item sits under when it names
// a topic (its section, or its domain's title when it has none), or "" for
// a catch-all heading such as 試験メモ or Notes.
func (g *generator) headingOf(it *Item) string {
	h := ""
	if len(it.Section) > 0 {
		h = it.Section[len(it.Section)-1]
	} else if d := g.m.Domain(it.Domain); d != nil && d.Number != OtherDomain && !it.InOther {
		h = d.Title
	}
	if h == "" || genericSection(h) || longerThan(h, 30) {
		return ""
	}
	return h
}

// countDefs counts the definitions among items.
func countDefs(items []*Item) int {
	n := 0
	for _, it := range items {
		if it.Kind == KindDefinition {
			n++
		}
	}
	return n
}

// maxKin bounds the kin one question looks at: a parent with hundreds of
// children (a generated or flattened memo) would make every question cost
// as much as the whole group; the nearest siblings are the closest kin.
const maxKin = 16

// nearKin returns the item's kin, or the maxKin of them nearest to it in
// the memo when the group is larger.
func (g *generator) nearKin(it *Item) []*Item {
	kin := g.kin[it]
	if len(kin) <= maxKin+1 {
		return kin
	}
	i := slices.Index(kin, it)
	lo := max(0, i-maxKin/2)
	hi := min(len(kin), lo+maxKin+1)
	lo = max(0, hi-maxKin-1)
	return kin[lo:hi]
}

// comparisonConflict reports whether a term defined several times is a
// comparison ("目的の違い", "監視対象の違い" …): every definition sits under
// another parent, and the parents share one grandparent.
func (g *generator) comparisonConflict(it *Item) bool {
	if it.Parent == nil {
		return false
	}
	if labelLike(strings.TrimRight(it.Parent.Name(), ":： ")) {
		// a comparison list restates each term from one angle
		for _, o := range g.m.Items {
			if o != it && o.Kind == KindDefinition && o.Term == it.Term && o.Parent == it.Parent {
				return false
			}
		}
		return true
	}
	n := 0
	for _, o := range g.m.Items {
		if o.Kind != KindDefinition || o.Term != it.Term || o == it {
			continue
		}
		n++
		if o.Parent == nil || o.Parent == it.Parent || o.Parent.Parent != it.Parent.Parent || o.Parent.Name() == it.Parent.Name() {
			return false
		}
	}
	return n > 0
}

// tokens returns the leak tokens of s, cached; the workers share the cache.
func (g *generator) tokens(s string) tokenSet {
	if t, ok := g.toks.Load(s); ok {
		return t.(tokenSet)
	}
	t := leakTokens(s)
	g.toks.Store(s, t)
	return t
}

// norm returns Normalize(s), cached.
func (g *generator) norm(s string) string { return cached(&g.norms, s, Normalize) }

// normTerm returns a term's match key: normalised, without parentheticals
// or vendor prefix, cached.
func (g *generator) normTerm(term string) string {
	return cached(&g.normTerms, term, func(t string) string {
		return Normalize(stripVendor(strings.TrimSpace(reParen.ReplaceAllString(t, " "))))
	})
}

// cached returns f(key), computed once per key in m.
func cached(m *sync.Map, key string, f func(string) string) string {
	if v, ok := m.Load(key); ok {
		return v.(string)
	}
	v := f(key)
	m.Store(key, v)
	return v
}

func (g *generator) drop(reason string) {
	g.mu.Lock()
	g.dropped[reason]++
	g.mu.Unlock()
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

// firstSentence returns s up to its first "。", or "" when that is longer
// than max runes: an explanation never shows a sentence cut mid-word.
func firstSentence(s string, max int) string {
	if i := strings.Index(s, "。"); i >= 0 {
		s = s[:i+len("。")]
	}
	if longerThan(s, max) || pointsAway(s) {
		return "" // cut mid-word, or a caption of a figure the chat never shows
	}
	return s
}

var kinNames = map[int]string{1: "sibling", 2: "section"}
var kinDifficulty = map[int]int{1: Hard, 2: Medium}

func fnvOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// mix combines two hashes into an ordering key.
func mix(a, b uint32) uint32 {
	h := uint64(a)<<32 | uint64(b)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return uint32(h)
}

// pointerOpeners start text that points at context the chat never shows.
var pointerOpeners = []string{"例えば", "たとえば", "同様に", "これらの", "これらは", "この", "その", "それぞれ", "しかし", "また、", "そのため", "これにより", "上記", "以下", "さらに", "なお", "一方"}

// pointsAway reports whether s opens with a connective or pointer, or
// refers to a figure.
func pointsAway(s string) bool {
	t := strings.TrimSpace(s)
	for _, p := range pointerOpeners {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return strings.Contains(t, "図") || strings.Contains(t, "示しています") || strings.Contains(t, "下記") || strings.Contains(t, "以下の")
}

// context names what an item belongs to, for the stem: its parent (and
// the grandparent when the parent is only a label such as 構成要素 or
// 目的の違い), or "" when no ancestor is a usable name.
func (g *generator) context(it *Item) string {
	var parts []string
	for p := it.Parent; p != nil && len(parts) < 2; p = p.Parent {
		name := strings.TrimSpace(strings.TrimRight(p.Text, ":： "))
		if p.Kind == KindDefinition || p.Kind == KindLabel {
			name = strings.TrimSpace(strings.TrimRight(p.Term, ":： "))
		}
		if name == "" || isSentence(name) || longerThan(name, 30) || pointsAway(name) || isQuestionLine(name) {
			if len(parts) > 0 {
				break
			}
			continue
		}
		parts = append(parts, name)
		if !isGenericLabel(name) && !labelLike(name) {
			break
		}
	}
	if len(parts) == 0 && it.Parent == nil {
		if h := g.headingOf(it); h != "" {
			parts = append(parts, h)
		}
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " › ")
}

// whatItIs reports whether a definition says what its term is (a
// service, a tool, a feature), not one property of it.
func whatItIs(def string) bool {
	l := strings.ToLower(def)
	for _, w := range []string{"サービス", "ツール", "機能", "service", "tool"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// labelLike reports a parent name that only says how its children relate
// ("目的と機能の違い", "構成要素", "種類").
func labelLike(s string) bool {
	for _, suf := range []string{"違い", "比較", "構成要素", "種類", "一覧", "要素", "概要", "特徴", "機能"} {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

func genericSection(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.Contains(l, "メモ") || strings.Contains(l, "note") || otherSectionNames[l]
}

func withContext(ctx, stem string) string {
	if ctx == "" {
		return stem
	}
	return "【" + ctx + "】" + stem
}

// proofOf returns the passage that proves a definition: its line, and the
// describing child for a term defined by its first child, cut to a chat
// quote at a sentence end.
func proofOf(it *Item) string {
	q := it.Quote()
	lines := strings.Split(q, "\n")
	for i, l := range lines {
		if cut := firstSentences(l, maxQuoteRunes); cut != "" {
			lines[i] = cut
		} else {
			lines[i] = truncateRunes(l, maxQuoteRunes)
		}
	}
	return strings.Join(lines, "\n")
}

// passageOf returns the whole passage of an item for /explain: its line
// and its children's, indented (a leaf's parent with all its children).
func passageOf(it *Item) string {
	var b strings.Builder
	var walk func(x *Item, depth int) bool
	walk = func(x *Item, depth int) bool {
		if b.Len() > maxPassage*3 {
			return false // enough: a passage is cut at maxPassage runes anyway
		}
		if x.Kind != KindCode {
			b.WriteString(strings.Repeat("  ", depth))
			b.WriteString("- ")
			b.WriteString(x.Text)
			b.WriteByte('\n')
		}
		for _, c := range x.Children {
			if !walk(c, depth+1) {
				return false
			}
		}
		return true
	}
	root := it
	if len(it.Children) == 0 && it.Parent != nil {
		root = it.Parent // a leaf reads best among its siblings
	}
	walk(root, 0)
	return truncateRunes(strings.TrimRight(b.String(), "\n"), maxPassage)
}

func (g *generator) sourceOf(it *Item, quote string) Source {
	return Source{Path: it.Path(g.m), Line: it.Line, Quote: quote, Passage: passageOf(it)}
}

func (g *generator) idOf(it *Item, t Type, key string) string {
	return hashID(itoa(it.Domain), strings.Join(it.Section, "/"), g.parentKeys[it], key, string(t))
}

// itemOf returns the stable identity of the item a draft asks about: the
// parts of its question ID without the type, and for a term its
// normalised term alone (not the attribute asked), so every question type
// about one term shares it.
func (g *generator) itemOf(d *draft) string {
	if d.item == nil {
		return d.itemID
	}
	key := d.idKey
	if d.item.Term != "" {
		key = Normalize(d.item.Term)
	}
	return hashID("item", itoa(d.item.Domain), strings.Join(d.item.Section, "/"), g.parentKeys[d.item], key)
}

// termCandidate is a definition offered by its term.
func (g *generator) termCandidate(it *Item) candidate {
	return candidate{text: it.Term, owner: it.Term, quote: firstSentence(it.Quote(), maxWhyRunes), line: it.Line, item: it,
		toks: g.tokens(it.Term)}
}

// defCandidate is a definition offered by its leading sentences.
func (g *generator) defCandidate(it *Item) (candidate, bool) {
	d := shortDef(it)
	if d == "" {
		return candidate{}, false
	}
	return candidate{text: d, owner: it.Term, quote: it.Term, line: it.Line, item: it,
		toks: g.tokens(d), otoks: g.tokens(it.Term)}, true
}

// kinTerms returns the same-kind kin of it as term options.
func (g *generator) kinTerms(it *Item) []candidate {
	var out []candidate
	for _, k := range g.nearKin(it) {
		if k != it && g.option[k] && k.Term != it.Term {
			out = append(out, g.termCandidate(k))
		}
	}
	return out
}

func (g *generator) definitionTerm(it *Item) []*draft {
	def := firstSentences(it.Def, maxDefRunes)
	if runeLen(def) < 8 || pointsAway(def) {
		return nil
	}
	masked := g.mask(def, it.Term)
	if rest := runeLen(strings.ReplaceAll(masked, Blank, "")); rest < 10 || masked != def && rest < 20 {
		return nil // a circular definition: "buildspec の ＿＿＿ 指定"
	}
	if g.kinLevel[it] == 2 && it.TermKind == TermService && !whatItIs(def) {
		return nil // among a section's services, only "what it is" tells one apart
	}
	ctx := g.context(it)
	d := &draft{typ: TypeDefinitionTerm, item: it, idKey: Normalize(it.Term), domain: it.Domain, kind: it.TermKind,
		stem:    withContext(ctx, "次の説明に当てはまるものはどれですか？\n「"+masked+"」"),
		probe:   ctx + " " + masked,
		stemDef: def, answer: g.termCandidate(it), pool: g.kinTerms(it), level: g.kinLevel[it], whole: g.siblings[it] - 1,
		context: ctx != "", source: g.sourceOf(it, proofOf(it)), base: 0.8}
	return []*draft{d}
}

// attributeTerm asks for the term given one of its labelled attributes
// (目的, 用途, 特徴 …), a definition→term question of its own.
func (g *generator) attributeTerm(it *Item) []*draft {
	for _, label := range []string{"目的", "用途", "特徴", "概要", "purpose", "usage"} {
		v, ok := it.Attrs[label]
		if !ok || runeLen(v) < 8 || Normalize(v) == Normalize(it.Def) || pointsAway(v) {
			continue
		}
		v = firstSentences(v, maxDefRunes)
		if v == "" {
			return nil
		}
		masked := g.mask(v, it.Term)
		ctx := g.context(it)
		d := &draft{typ: TypeDefinitionTerm, item: it, idKey: Normalize(it.Term) + "#" + label, domain: it.Domain, kind: it.TermKind,
			stem:    withContext(ctx, "次の"+label+"に当てはまるものはどれですか？\n「"+masked+"」"),
			probe:   ctx + " " + masked,
			stemDef: v, answer: g.termCandidate(it), pool: g.kinTerms(it), level: g.kinLevel[it], whole: g.siblings[it] - 1,
			context: ctx != "", source: g.sourceOf(it, proofOf(it)+"\n"+label+": "+it.Attrs[label]), base: 0.75}
		return []*draft{d}
	}
	return nil
}

func (g *generator) termDefinition(it *Item) []*draft {
	ans, ok := g.defCandidate(it)
	if !ok || pointsAway(ans.text) || g.kinLevel[it] != 1 {
		return nil // definitions of a section's peers describe unlike things
	}
	var pool []candidate
	for _, k := range g.nearKin(it) {
		if k == it || !g.option[k] || k.Term == it.Term {
			continue
		}
		if c, ok := g.defCandidate(k); ok && !pointsAway(c.text) {
			pool = append(pool, c)
		}
	}
	ctx := g.context(it)
	d := &draft{typ: TypeTermDefinition, item: it, idKey: Normalize(it.Term), domain: it.Domain, kind: TermProse,
		stem:   withContext(ctx, "「"+it.Term+"」の説明として正しいものはどれですか？"),
		probe:  ctx + " " + it.Term,
		answer: ans, pool: pool, level: g.kinLevel[it], whole: g.siblings[it] - 1, context: ctx != "",
		source: g.sourceOf(it, proofOf(it)), base: 0.75}
	return []*draft{d}
}

// termsIn returns the usable terms whose surface form occurs in s.
func (g *generator) termsIn(s string) []*Item {
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
	}
	return out
}

// cloze blanks a defined term in a self-contained memo sentence; the
// distractors are the term's own kin.
func (g *generator) cloze(it *Item) []*draft {
	txt := it.Text
	if i := strings.Index(txt, "。"); i >= 0 && i+len("。") < len(strings.TrimSpace(txt)) {
		return nil // several sentences: the blanked one may lose its subject
	}
	if it.Kind != KindPlain || runeLen(txt) < 20 || runeLen(txt) > maxDefRunes || strings.Count(txt, "`")%2 != 0 ||
		pointsAway(txt) || isQuestionLine(txt) || strings.HasSuffix(txt, ":") || strings.HasSuffix(txt, "：") || g.plainSkip[it] {
		return nil
	}
	var best *Item
	for _, t := range g.termsIn(txt) {
		if best != nil && len(t.Term) <= len(best.Term) || len(g.kin[t]) < 3 || runeLen(t.Term) < 3 || !wordIn(txt, t.Term) {
			continue
		}
		best = t
	}
	if best == nil {
		return nil
	}
	i := strings.Index(txt, best.Term)
	before, after := strings.TrimSpace(txt[:i]), strings.TrimSpace(txt[i+len(best.Term):])
	if strings.HasSuffix(before, "、") || strings.HasPrefix(after, "、") || strings.HasPrefix(after, "など") ||
		strings.HasSuffix(before, "・") || strings.HasPrefix(after, "・") || strings.HasPrefix(after, "や") {
		return nil // a blank in an example list: any option fills it
	}
	blanked := txt[:i] + Blank + txt[i+len(best.Term):]
	ctx := g.context(it)
	if ctx == "" {
		return nil // a note whose subject only its place in the memo tells
	}
	d := &draft{typ: TypeCloze, item: it, idKey: Normalize(txt), domain: it.Domain, kind: best.TermKind,
		stem:   withContext(ctx, "空欄に当てはまる語句はどれですか？\n「"+blanked+"」"),
		probe:  ctx + " " + blanked,
		answer: g.termCandidate(best), pool: g.kinTerms(best), level: g.kinLevel[best], whole: g.siblings[best] - 1, context: ctx != "",
		source: g.sourceOf(it, txt), base: 0.55}
	d.answer.quote = ""
	return []*draft{d}
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
	if a == utf8.RuneError || b == utf8.RuneError {
		return false
	}
	ca := scriptOf(a)
	return ca != scrOther && ca == scriptOf(b)
}

// scenario turns one of the memo's worked questions into a question. When
// the worked answer opens with a term the memo defines (「ESP。AH は…」,
// 「RTS/CTS で送信権を予約し…」), the options are that term and its kin and
// the worked answer is the explanation: the answer is the memo's own claim,
// never a sentence cut to fit. Otherwise the other worked answers are the
// only candidates, and the question ranks below MinConfidence.
func (g *generator) scenario(it *Item) []*draft {
	if runeLen(it.Text) > MaxStemRunes || strings.HasSuffix(strings.TrimSpace(it.Text), "か？") {
		return nil // a yes/no question has no term for an answer
	}
	owner := "scenario:" + Normalize(it.Text)
	if t := g.answerTerm(it.Def); t != nil {
		ans := g.termCandidate(t)
		ans.quote = ""
		return []*draft{{typ: TypeScenario, item: it, idKey: Normalize(it.Text), domain: it.Domain, kind: t.TermKind,
			stem: it.Text, probe: it.Text, answer: ans, pool: g.kinTerms(t), level: g.kinLevel[t], whole: g.siblings[t] - 1,
			context: true, source: g.sourceOf(it, it.Text+"\n"+proofLine(it.Def)), base: 0.75}}
	}
	ans := it.Def
	if runeLen(ans) > MaxOptionRunes || runeLen(ans) < 6 {
		return nil // an answer cut to fit would be a different claim
	}
	var pool []candidate
	for _, s := range g.scen {
		if s != it && runeLen(s.Def) <= MaxOptionRunes && runeLen(s.Def) >= 6 {
			pool = append(pool, candidate{text: s.Def, owner: "scenario:" + Normalize(s.Text), quote: firstSentence(s.Def, maxWhyRunes),
				line: s.Line, item: s, toks: g.tokens(s.Def)})
		}
	}
	return []*draft{{typ: TypeScenario, item: it, idKey: Normalize(it.Text), domain: it.Domain, kind: TermProse,
		stem: it.Text, probe: it.Text,
		answer: candidate{text: ans, owner: owner, line: it.Line, item: it, toks: g.tokens(ans)},
		pool:   pool, level: 2, whole: len(g.scen) - 1, source: g.sourceOf(it, it.Text+"\n"+ans), base: 0.35}}
}

// proofLine is a worked answer as the explanation quotes it: its first
// sentences, to a chat-sized length.
func proofLine(s string) string {
	if p := firstSentences(s, maxQuoteRunes); p != "" {
		return p
	}
	return s
}

// answerTerm returns the usable term a worked answer opens with, when the
// term ends there (「ESP。」「RTS/CTS で」「スポットインスタンスを使う」) rather
// than starting a longer name (「Amazon RDS イベント通知」), and has kin.
func (g *generator) answerTerm(ans string) *Item {
	ans = strings.TrimSpace(ans)
	var best *Item
	for _, t := range g.termsIn(ans) {
		if !strings.HasPrefix(ans, t.Term) || len(g.kin[t]) < 3 || best != nil && len(t.Term) <= len(best.Term) {
			continue
		}
		rest := strings.TrimLeft(ans[len(t.Term):], " 　")
		if rest == "" || strings.HasPrefix(rest, "。") || strings.HasPrefix(rest, "、") ||
			strings.HasPrefix(rest, "を") || strings.HasPrefix(rest, "で") || strings.HasPrefix(rest, "が") ||
			strings.HasPrefix(rest, "(") || strings.HasPrefix(rest, "（") {
			best = t
		}
	}
	return best
}

// tableRows asks, for every column whose values are distinct, which row
// has a given value; the other rows' keys are the distractors.
func (g *generator) tableRows(t *Table) []*draft {
	if len(t.Rows) < 3 || len(t.Header) < 2 {
		return nil
	}
	var out []*draft
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
			if !termOK(key) || runeLen(val) > maxDefRunes || runeLen(Normalize(val)) < 2 {
				continue
			}
			kind := termKindOf(key, g.m.services)
			if kind == TermValue || kind == TermProse || kind == TermNone {
				continue
			}
			var pool []candidate
			for rj, o := range t.Rows {
				if rj != ri && termOK(o[0]) && termKindOf(o[0], g.m.services) == kind {
					pool = append(pool, candidate{text: o[0], owner: o[0], quote: firstSentence(o[0]+" — "+t.Header[c]+": "+o[c], maxWhyRunes),
						line: t.Line + 2 + rj, toks: g.tokens(o[0])})
				}
			}
			masked := g.mask(val, key)
			ctx := g.tableContext(t)
			d := &draft{typ: TypeTableRow, domain: t.Domain, kind: kind,
				id:      hashID(itoa(t.Domain), strings.Join(t.Section, "/"), Normalize(t.Header[0]), Normalize(key), Normalize(t.Header[c]), string(TypeTableRow)),
				itemID:  hashID("item", itoa(t.Domain), strings.Join(t.Section, "/"), Normalize(t.Header[0]), Normalize(key)),
				stem:    withContext(ctx, tableAsk(t.Header[0], t.Header[c], masked)),
				probe:   ctx + " " + t.Header[c] + " " + masked,
				stemDef: val,
				answer:  candidate{text: key, owner: key, line: t.Line + 2 + ri, toks: g.tokens(key)},
				pool:    pool, level: 1, whole: len(t.Rows) - 1, context: ctx != "",
				source: Source{Path: tablePath(g.m, t), Line: t.Line + 2 + ri, Quote: key + " — " + t.Header[c] + ": " + val, Passage: tableQuote(t)},
				base:   0.75}
			out = append(out, d)
		}
	}
	return out
}

// tableContext names what a table is about: the note right above it when
// that note is a name (the bullet the table illustrates), else its section
// heading when that says more than "notes".
func (g *generator) tableContext(t *Table) string {
	var near *Item
	for _, it := range g.m.Items {
		if it.Line >= t.Line {
			break
		}
		near = it
	}
	if near != nil && t.Line-near.Line <= 2 && near.Domain == t.Domain && near.Parent == nil &&
		(strings.HasSuffix(near.Text, ":") || strings.HasSuffix(near.Text, "：")) {
		name := strings.TrimSpace(strings.TrimRight(near.Name(), ":： "))
		if (near.Kind == KindPlain || near.Kind == KindDefinition) && !isSentence(name) && !longerThan(name, 30) &&
			!pointsAway(name) && !isGenericLabel(name) {
			return name
		}
	}
	if len(t.Section) > 0 {
		if s := t.Section[len(t.Section)-1]; !genericSection(s) && !longerThan(s, 30) {
			return s
		}
	} else if d := g.m.Domain(t.Domain); d != nil && d.Number != OtherDomain && !genericSection(d.Title) {
		return d.Title
	}
	return ""
}

// tableAsk words a table-row stem: "「番号」が「4」である層はどれですか？",
// or "…であるものはどれですか？" when the key column's title names nothing.
func tableAsk(keyCol, col, val string) string {
	noun := strings.TrimSpace(keyCol)
	switch strings.ToLower(noun) {
	case "", "名前", "名称", "項目", "name", "item", "種類", "type":
		noun = "もの"
	}
	if longerThan(noun, 12) || isSentence(noun) {
		noun = "もの"
	}
	return "「" + col + "」が「" + val + "」である" + noun + "はどれですか？"
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

// tableQuote renders a whole table, a row a line.
func tableQuote(t *Table) string {
	lines := []string{strings.Join(t.Header, " | ")}
	for _, r := range t.Rows {
		lines = append(lines, rowQuote(t, r))
	}
	return truncateRunes(strings.Join(lines, "\n"), maxPassage)
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

// generate makes every question of the memo: each recipe on each item,
// then tables and worked questions, every draft through the shared
// builder. Items are split between two workers; the output keeps the
// memo's order whatever the scheduling.
func (g *generator) generate() []*Question {
	items := g.m.Items
	perItem := make([][]*Question, len(items))
	perTable := make([][]*Question, len(g.m.Tables))
	const workers = 2
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(items); i += workers {
				perItem[i] = g.itemQuestions(items[i])
			}
			for i := w; i < len(g.m.Tables); i += workers {
				for _, d := range g.tableRows(g.m.Tables[i]) {
					if q := g.build(d); q != nil {
						perTable[i] = append(perTable[i], q)
					}
				}
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

func (g *generator) itemQuestions(it *Item) []*Question {
	if it.Kind == KindDefinition && !g.usable[it] {
		return nil
	}
	var drafts []*draft
	for _, r := range recipes {
		if r.on == it.Kind {
			drafts = append(drafts, r.make(g, it)...)
		}
	}
	var out []*Question
	for _, d := range drafts {
		if q := g.build(d); q != nil {
			out = append(out, q)
		}
	}
	return out
}
