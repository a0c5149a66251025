package questions

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinConfidence is the confidence below which a question is not shipped:
// a draft that only distractors from afar, a lost subject or a near-leak
// would carry is dropped, never posted.
const MinConfidence = 0.6

// maxCombos bounds the distractor sets the builder tries per question.
const maxCombos = 40

// build chooses a draft's distractors from its kin, assembles the question,
// runs every quality rule and scores its confidence. It returns nil, and
// counts the reason, when no set of same-kind kin makes a sound question.
func (g *generator) build(d *draft) *Question {
	id := d.id
	if id == "" {
		id = g.idOf(d.item, d.typ, d.idKey)
	}
	if len(d.pool) < 2 || len(d.pool) < 3 && d.whole != 2 {
		g.drop("too-few-kin") // filtering only ever removes kin
		return nil
	}
	pool := g.usablePool(d)
	if len(pool) < 2 {
		g.drop("too-few-kin")
		return nil
	}
	// The most confusable kin first: those whose definitions say most of
	// what the answer's says, whose names share the answer's words or head
	// noun, whose table rows are nearest; then a per-question hash.
	seed := fnvOf(id)
	type ranked struct {
		c   candidate
		sim int
		key uint32
	}
	var adef tokenSet
	if d.answer.item != nil {
		adef = g.tokens(d.answer.item.Def)
	}
	ahead := g.headOf(d.answer.owner)
	rs := make([]ranked, len(pool))
	for i, c := range pool {
		sim := 0
		for _, t := range d.answer.toks {
			if !strings.HasPrefix(t, "raw:") && c.toks.has(t) {
				sim += 2
			}
		}
		if c.item != nil && adef != nil {
			for _, t := range g.tokens(c.item.Def) {
				if !strings.HasPrefix(t, "raw:") && !strings.HasPrefix(t, "en:") && adef.has(t) {
					sim++
				}
			}
		}
		if ahead != "" && g.headOf(c.owner) == ahead {
			sim += 3
		}
		if d.typ == TypeTableRow {
			sim -= abs(c.line - d.answer.line) // neighbouring rows
		}
		rs[i] = ranked{c, sim, mix(seed, fnvOf(c.text))}
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].sim != rs[j].sim {
			return rs[i].sim > rs[j].sim
		}
		return rs[i].key < rs[j].key
	})
	ordered := make([]candidate, len(rs))
	for i := range rs {
		ordered[i] = rs[i].c
	}
	n := 3
	if len(ordered) < 3 {
		// three options only when they are the whole set: nothing closer
		// was left out
		if d.whole != 2 {
			g.drop("too-few-kin")
			return nil
		}
		n = len(ordered)
	}
	probe := g.tokens(d.probe)
	var last, lastWhy string
	tries := 0
	var q *Question
	eachCombo(len(ordered), n, func(idx []int) bool {
		tries++
		if tries > maxCombos {
			return false
		}
		ds := make([]candidate, len(idx))
		for i, j := range idx {
			ds[i] = ordered[j]
		}
		cand := g.assemble(d, id, ds)
		if rule, why := Check(cand, g.m); rule != "" {
			last, lastWhy = rule, why
			return true
		}
		q = cand
		return false
	})
	if q == nil {
		if last == "" {
			last = "too-few-kin"
		}
		if g.onDrop != nil {
			g.onDrop(d, last, lastWhy)
		}
		g.drop(last)
		return nil
	}
	q.Confidence = g.confidence(d, q, probe)
	q.itemKey = d.answer.owner + "\x00" + itoa(d.answer.line)
	q.Item = g.itemOf(d)
	if q.Confidence < MinConfidence {
		g.drop("low-confidence")
		return nil
	}
	return q
}

// named reports whether the draft's options are names (terms, keys, table
// rows) rather than sentences (definitions, worked answers).
func (d *draft) named() bool { return d.kind != TermProse }

// usablePool filters a draft's kin to the options that can stand beside
// its answer: not an alias or a copy of it, not naming an option's own
// term, not sharing the stem's definition.
func (g *generator) usablePool(d *draft) []candidate {
	an := Normalize(d.answer.text)
	sd := ""
	if d.stemDef != "" {
		sd = Normalize(d.stemDef)
	}
	var out []candidate
	var words tokenSet
	wordsDone := false
	seen := map[string]bool{an: true}
	for _, c := range d.pool {
		cn := Normalize(c.text)
		if cn == "" || seen[cn] || strings.Contains(cn, an) || strings.Contains(an, cn) {
			continue
		}
		if g.m.aliases.Same(c.owner, d.answer.owner) {
			continue
		}
		if d.named() && g.mentions(d.probe, c.owner) {
			continue // named in the stem: confusing or eliminable
		}
		if sd != "" && c.item != nil && Normalize(firstSentences(c.item.Def, maxDefRunes)) == sd {
			continue // its own definition is the stem's: also right
		}
		if d.named() && c.item != nil && g.mentions(c.item.Def, d.answer.owner) {
			continue // defined by the answer ("OSPF と同じ…"): may be right too
		}
		if d.typ == TypeTermDefinition && (g.mentions(c.text, c.owner) || g.mentions(c.text, d.answer.owner) || g.namesOwn(c, d.answer)) {
			continue // a definition naming its own term, or the asked term
		}
		if sd != "" && c.item != nil && !wordsDone {
			words, wordsDone = g.distinctive(d), true
		}
		if sd != "" && c.item != nil && g.alsoFits(c.owner, words) {
			continue // its own definitions say much of what the stem says
		}
		seen[cn] = true
		out = append(out, c)
	}
	out = g.sameHead(out, d.answer.owner)
	if d.named() {
		out = g.categoryInStem(out, d)
	}
	return sameCategory(out, d)
}

// genericCategories end definitions without saying what sort of thing
// they define.
var genericCategories = map[string]bool{"仕組": true, "方法": true, "機能": true, "技術": true, "こと": true, "もの": true,
	"設定": true, "状態": true, "対策": true, "処理": true, "操作": true, "場合": true}

// categoryOf returns the noun a definition's first clause ends with, the
// sort of thing it defines (「…を行うプロトコルで、…」 → プロトコル), or ""
// when that noun is generic or there is none.
func categoryOf(def string) string {
	clause := def
	for _, sep := range []string{"。", "で、", "であり", "です"} {
		if i := strings.Index(clause, sep); i >= 0 {
			clause = clause[:i]
		}
	}
	rs := []rune(strings.TrimSpace(clause))
	end := len(rs)
	for end > 0 && scriptOf(rs[end-1]) == scrOther && !unicode.Is(unicode.Hiragana, rs[end-1]) {
		end--
	}
	start := end
	for start > 0 && (scriptOf(rs[start-1]) == scrKata || scriptOf(rs[start-1]) == scrKanji) {
		start--
	}
	cat := string(rs[start:end])
	if utf8.RuneCountInString(cat) < 2 || genericCategories[cat] {
		return ""
	}
	// only nouns that name a sort of thing: a katakana word (プロトコル,
	// フレーム, モード, サービス) or a kanji noun of kinds
	if r := []rune(cat); scriptOf(r[len(r)-1]) == scrKata {
		return cat
	}
	for _, k := range kindNouns {
		if strings.HasSuffix(cat, k) {
			return k
		}
	}
	return ""
}

// kindNouns are kanji nouns that name a sort of thing.
var kindNouns = []string{"識別子", "規格", "攻撃", "形式", "署名", "方式", "属性", "層"}

// sameCategory keeps, among kin of two sorts by what their definitions
// say they are (ESP, AH, IKE: プロトコル; トンネルモード, トランスポート
// モード: モード), only those of the answer's sort: a stem that says
// プロトコル rules a mode out.
func sameCategory(cs []candidate, d *draft) []candidate {
	if d.answer.item == nil || d.typ == TypeScenario && !d.named() {
		return cs
	}
	return keepAnswerSort(cs, categoryOf(d.answer.item.Def), func(c candidate) string {
		if c.item == nil {
			return ""
		}
		return categoryOf(c.item.Def)
	})
}

// keepAnswerSort keeps only the candidates of the answer's sort when the
// candidates split into sorts: the answer's has members, and another sort
// has two or more. An empty sort is no sort.
func keepAnswerSort(cs []candidate, answer string, sortOf func(candidate) string) []candidate {
	if answer == "" {
		return cs
	}
	sorts := make([]string, len(cs))
	count := map[string]int{}
	for i, c := range cs {
		sorts[i] = sortOf(c)
		count[sorts[i]]++
	}
	split := false
	for k, n := range count {
		if k != "" && k != answer && n >= 2 {
			split = true
		}
	}
	if count[answer] == 0 || !split {
		return cs
	}
	var out []candidate
	for i, c := range cs {
		if sorts[i] == answer {
			out = append(out, c)
		}
	}
	return out
}

// categoryInStem drops the kin that the stem's own category word rules
// out: a stem that says モード leaves only the options that are modes.
func (g *generator) categoryInStem(cs []candidate, d *draft) []candidate {
	ah := g.headOf(d.answer.owner)
	if ah == "" || !g.tokens(d.probe).has(ah) {
		return cs
	}
	return g.withHead(cs, ah)
}

// withHead keeps the candidates whose owner's head noun is head.
func (g *generator) withHead(cs []candidate, head string) []candidate {
	var out []candidate
	for _, c := range cs {
		if g.headOf(c.owner) == head {
			out = append(out, c)
		}
	}
	return out
}

// sameHead keeps, among kin of two sub-kinds (アクセスポート, トランクポート
// beside ポートベース VLAN, タグ VLAN), only those of the answer's head noun.
func (g *generator) sameHead(cs []candidate, answer string) []candidate {
	return keepAnswerSort(cs, g.headOf(answer), func(c candidate) string { return g.headOf(c.owner) })
}

// namesOwn reports whether a definition option carries a word of its own
// term, or its translation, that the asked term lacks ("適合パックは…"
// offered for マネージドルール; "テストレポート作成" for reports).
func (g *generator) namesOwn(c, answer candidate) bool {
	asked := g.tokens(answer.owner)
	for _, t := range c.otoks {
		if strings.HasPrefix(t, "raw:") || t == "aws" || t == "amazon" || t == "acr:aws" || answer.otoks.has(t) || asked.has(t) {
			continue
		}
		// its own word, or its translation (テストレポート作成 for reports)
		if c.toks.has(t) {
			return true
		}
	}
	return false
}

// distinctive returns the words of a draft's stem definition that no more
// than one of its kin's definitions states.
func (g *generator) distinctive(d *draft) tokenSet {
	var words tokenSet
	defs := make([]tokenSet, 0, len(d.pool))
	for _, c := range d.pool {
		if c.item != nil {
			defs = append(defs, g.tokens(c.item.Def))
		}
	}
	for _, t := range g.tokens(d.stemDef) {
		if strings.HasPrefix(t, "en:") || strings.HasPrefix(t, "acr:") {
			continue
		}
		n := 0
		for _, dt := range defs {
			if dt.has(t) {
				n++
			}
		}
		if n <= 1 {
			words = append(words, t)
		}
	}
	return words
}

// alsoFits reports whether a distractor's own definitions, anywhere in the
// memo, hold most of the stem's distinctive words: the distractor may be
// right too.
func (g *generator) alsoFits(owner string, words tokenSet) bool {
	if len(words) < 2 {
		return false
	}
	for _, it := range g.defsByTerm[owner] {
		dt := g.tokens(it.Def)
		n := 0
		for _, t := range words {
			if dt.has(t) {
				n++
			}
		}
		if n >= 2 && float64(n) >= 0.5*float64(len(words)) {
			return true
		}
	}
	return false
}

// headOf returns the head noun of a name: its last word or katakana/kanji
// run ("Routing Policy" → policy, アクセスポート → ポート), "" when the name
// is one word.
func (g *generator) headOf(name string) string {
	if h, ok := g.heads.Load(name); ok {
		return h.(string)
	}
	h := headOfTokens(name, g.tokens(strings.TrimSpace(reParen.ReplaceAllString(name, " "))))
	g.heads.Store(name, h)
	return h
}

// headOfTokens is headOf over the name's leak tokens.
func headOfTokens(name string, toks tokenSet) string {
	var words []string
	for _, t := range toks {
		if !strings.Contains(t, ":") {
			words = append(words, t)
		}
	}
	if len(words) < 2 {
		k := []rune(name)
		if len(k) > 3 && isKatakanaWord(name) {
			for part := range strings.SplitSeq(strings.Join(kataParts(name), " "), " ") {
				words = append(words, part)
			}
		}
	}
	if len(words) < 2 {
		return ""
	}
	return words[len(words)-1]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// mentions reports whether text names term (any of its alias keys would
// do; the surface form is enough here).
func (g *generator) mentions(text, term string) bool {
	nt, tt := g.norm(text), g.normTerm(term)
	return runeLen(tt) >= 2 && strings.Contains(nt, tt)
}

// eachCombo calls f with every k-subset of 0..n-1 in lexicographic order
// until f returns false.
func eachCombo(n, k int, f func([]int) bool) {
	if k > n || k <= 0 {
		return
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	for {
		if !f(idx) {
			return
		}
		i := k - 1
		for i >= 0 && idx[i] == n-k+i {
			i--
		}
		if i < 0 {
			return
		}
		idx[i]++
		for j := i + 1; j < k; j++ {
			idx[j] = idx[j-1] + 1
		}
	}
}

// assemble places the answer among distractors at a position derived from
// the question ID, writes vendor prefixes alike on every option, and fills
// the explanation.
func (g *generator) assemble(d *draft, id string, ds []candidate) *Question {
	q := &Question{ID: id, Domain: d.domain, Type: d.typ, Stem: d.stem, Source: d.source, Kind: d.kind,
		stemDef: d.stemDef, probe: d.probe, probeToks: g.tokens(d.probe)}
	n := len(ds) + 1
	pos := int(fnvOf(id) % uint32(n))
	all := make([]candidate, 0, n)
	for i, j := 0, 0; i < n; i++ {
		if i == pos {
			all = append(all, d.answer)
			continue
		}
		all = append(all, ds[j])
		j++
	}
	texts := alikePrefixes(all, d.kind)
	opts := make([]Option, n)
	for i, c := range all {
		nt := Normalize(texts[i])
		toks := c.toks
		if texts[i] != c.text {
			toks = g.tokens(texts[i]) // the words users see
		}
		kind := TermNone
		if c.item != nil && c.item.Kind == KindDefinition && c.item.Term == c.owner {
			kind = c.item.TermKind
		} else {
			kind = termKindOf(c.owner, g.m.services)
		}
		opts[i] = Option{ID: hashID(nt)[:6], Text: texts[i], Quote: c.quote, Line: c.line, owner: c.owner, norm: nt,
			toks: toks, kind: kind, kindSet: true}
	}
	opts[pos].Quote = "" // the answer's passage is the explanation's quote
	q.Options, q.Answer = opts, pos
	lvl := d.level
	if lvl == 0 {
		lvl = 2
	}
	q.Difficulty, q.Kin = kinDifficulty[lvl], kinNames[lvl]
	if dm := g.m.Domain(q.Domain); dm != nil {
		q.DomainTitle = dm.Title
	}
	q.buildExplanation()
	return q
}

// alikePrefixes returns the options' texts with vendor prefixes ("AWS",
// "Amazon") kept only when every option has the same one: a prefix on the
// answer alone would give it away.
func alikePrefixes(cs []candidate, kind TermKind) []string {
	out := make([]string, len(cs))
	prefix, same := "", true
	for i, c := range cs {
		out[i] = c.text
		if kind == TermProse {
			continue
		}
		p := vendorOf(c.text)
		if i == 0 {
			prefix = p
		} else if p != prefix {
			same = false
		}
	}
	if same || kind == TermProse {
		return out
	}
	for i := range out {
		out[i] = stripVendor(out[i])
	}
	return out
}

// vendorOf returns the vendor prefix of a name, lower-cased, or "".
func vendorOf(s string) string {
	l := strings.ToLower(s)
	for _, p := range []string{"aws ", "amazon "} {
		if strings.HasPrefix(l, p) {
			return p
		}
	}
	return ""
}

// confidence scores a question from its evidence: how close its kin are,
// how many options it has, whether its stem names its subject, whether
// any word is shared between stem and options at all, and where the item
// sits in the memo.
func (g *generator) confidence(d *draft, q *Question, probe tokenSet) float64 {
	c := d.base
	if d.level == 1 {
		c += 0.15
	}
	if len(q.Options) == 4 {
		c += 0.05
	} else {
		c -= 0.1
	}
	if d.context {
		c += 0.05
	}
	if it := d.item; it != nil {
		if it.InOther {
			c -= 0.1
		}
		if it.Kind == KindDefinition && !it.Explicit {
			c -= 0.05
		}
	}
	// a word of the stem in some option (shared by others, so no leak):
	// still a hint to those who match words
	for _, o := range q.Options {
		if leakBetween(probe, o.toks, nil) != "" {
			c -= 0.05
			break
		}
	}
	if c > 1 {
		c = 1
	}
	if c < 0 {
		c = 0
	}
	return float64(int(c*100+0.5)) / 100
}
