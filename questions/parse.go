package questions

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// ParseOptions tunes Parse.
type ParseOptions struct {
	// Config supplies domain weights and the exam name; front matter in the
	// memo overrides it, and an explicit Weights map overrides both.
	Config Config
}

// MaxMemoBytes bounds the memo size Parse accepts: 512 KiB, nearly three
// times the bundled DOP-C02 memo (180 KB). A memo of plain definitions,
// the cheapest shape to write and the dearest to build, costs about 170
// bytes of heap per byte (a 1 MiB one: 175 MB of heap, 200 MB RSS for
// "questions lint"), so this cap keeps a build, and a reload beside the
// bank it replaces, under a 256 MiB pod limit. It was 8 MiB until issue 21.
const MaxMemoBytes = 512 << 10

// MaxIndent and MaxQuoteDepth bound how deep a memo nests: a line indented
// further, or quoted more often, is read at that depth. Markdown parsing
// costs grow with the square of the nesting; notes never need more.
const (
	MaxIndent     = 40 // columns of leading white space (20 levels of 2-space lists)
	MaxQuoteDepth = 8
)

// clampNesting returns src with every line's leading white space cut to
// MaxIndent columns and its leading quote markers to MaxQuoteDepth, and the
// 1-based numbers of the lines it changed (at most 20 of them are listed).
// Line numbers are kept; src is returned as is when nothing is too deep.
func clampNesting(src []byte) ([]byte, []int) {
	deep := false
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		if indentCols(line) > MaxIndent || quoteDepth(line) > MaxQuoteDepth {
			deep = true
			break
		}
	}
	if !deep {
		return src, nil
	}
	out := make([]byte, 0, len(src))
	var lines []int
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		cols, n := 0, 0
		for n < len(line) && (line[n] == ' ' || line[n] == '\t') {
			if line[n] == '\t' {
				cols += 4 - cols%4
			} else {
				cols++
			}
			n++
		}
		changed := false
		if cols > MaxIndent {
			out = append(out, bytes.Repeat([]byte(" "), MaxIndent)...)
			line, changed = line[n:], true
		}
		if quoteDepth(line) > MaxQuoteDepth {
			rest := line
			for q := 0; q < quoteDepth(line); q++ {
				rest = bytes.TrimLeft(rest, " ")
				rest = rest[1:] // the '>'
			}
			out = append(out, bytes.Repeat([]byte("> "), MaxQuoteDepth)...)
			line, changed = bytes.TrimLeft(rest, " "), true
		}
		if changed && len(lines) < 20 {
			lines = append(lines, i+1)
		}
		out = append(out, line...)
	}
	return out, lines
}

// indentCols returns the columns of a line's leading white space (tabs to 4).
func indentCols(line []byte) int {
	cols := 0
	for _, c := range line {
		switch c {
		case ' ':
			cols++
		case '\t':
			cols += 4 - cols%4
		default:
			return cols
		}
	}
	return cols
}

// quoteDepth counts a line's leading '>' markers (spaces between allowed).
func quoteDepth(line []byte) int {
	d := 0
	for _, c := range line {
		switch c {
		case '>':
			d++
		case ' ', '\t':
		default:
			return d
		}
	}
	return d
}

var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

var (
	reDomainJa   = regexp.MustCompile(`^第\s*([0-9０-９]+)\s*分野\s*[:：.．、\s]?\s*(.*)$`)
	reDomainNum  = regexp.MustCompile(`^(?:Domain\s+)?([0-9]+)[.．:：)]\s*(.+)$`)
	reWeight     = regexp.MustCompile(`[（(]?[^（()）]*?([0-9]+(?:\.[0-9]+)?)\s*[%％][^（()）]*[)）]?`)
	reTaskNum    = regexp.MustCompile(`^[0-9]+\.[0-9]+\s+`)
	reTag        = regexp.MustCompile(`<[^>]*>`)
	reBareURL    = regexp.MustCompile(`https?://\S+`)
	reNumberOnly = regexp.MustCompile(`^[0-9０-９.．)）(（\s]*$`)
	reFrontKey   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*:`)
)

// otherSectionNames are section titles that never name an exam domain.
var otherSectionNames = map[string]bool{
	"other": true, "others": true, "その他": true, "参考資料": true, "参考": true,
	"references": true, "reference": true, "links": true, "リンク": true, "misc": true,
	"notes": true, "メモ": true, "付録": true, "appendix": true,
}

// Parse reads a markdown memo into a Memo. It fails only when the input is
// too large or holds no text at all; odd markdown is read as well as it can be.
func Parse(src []byte, opts ParseOptions) (*Memo, error) {
	if len(src) > MaxMemoBytes {
		return nil, fmt.Errorf("parse memo: %w (%d bytes, limit %d)", ErrMemoTooLarge, len(src), MaxMemoBytes)
	}
	src, converted, err := DecodeMemo(src)
	if err != nil {
		return nil, fmt.Errorf("parse memo: %w", err)
	}
	if err := CheckBudget(src); err != nil {
		return nil, fmt.Errorf("parse memo: %w", err)
	}
	cfg := opts.Config
	src, front := splitFrontMatter(src)
	if front != nil {
		fc, err := ParseConfig(front)
		if err != nil {
			return nil, fmt.Errorf("parse memo front matter: %w", err)
		}
		cfg = cfg.Merge(fc)
	}
	sum := sha256.Sum256(src)
	src, clamped := clampNesting(src)
	p := &parser{src: src, memo: &Memo{Hash: hex.EncodeToString(sum[:8]), Exam: cfg.Exam, Rejected: cfg.Rejected}}
	if converted != "" {
		p.memo.Problems = append(p.memo.Problems, Problem{Kind: "parse", Lines: []int{1}, Detail: "encoding: " + converted})
	}
	if len(clamped) > 0 {
		p.memo.Problems = append(p.memo.Problems, Problem{Kind: "parse", Lines: clamped,
			Detail: fmt.Sprintf("nested deeper than %d columns (or %d quote levels); read at that depth", MaxIndent, MaxQuoteDepth)})
	}
	p.lineStarts = lineStarts(src)
	doc := md.Parser().Parse(text.NewReader(src))
	p.planDomains(doc)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		p.block(n, nil)
	}
	m := p.memo
	if len(m.Items) == 0 && len(m.Tables) == 0 {
		return nil, fmt.Errorf("parse memo: %w", ErrEmptyMemo)
	}
	for _, d := range m.Domains {
		if w, ok := cfg.Weights[d.Number]; ok {
			d.Weight = w
		}
	}
	sort.SliceStable(m.Domains, func(i, j int) bool { return m.Domains[i].Number < m.Domains[j].Number })
	// Domain assignment touches only domains; aliases, conflicts and
	// definitions never read them, so the two run side by side.
	done := make(chan struct{})
	go func() {
		defer close(done)
		assignOutside(m)
	}()
	m.aliases = buildAliases(m)
	findConflicts(m)
	m.indexDefs()
	classifyTerms(m)
	<-done
	return m, nil
}

// splitFrontMatter cuts a leading "---" block off src, keeping line numbers
// by leaving blank lines in its place.
func splitFrontMatter(src []byte) (body, front []byte) {
	if !bytes.HasPrefix(src, []byte("---\n")) && !bytes.HasPrefix(src, []byte("---\r\n")) {
		return src, nil
	}
	rest := src[4:]
	end := bytes.Index(rest, []byte("\n---"))
	if end < 0 || !reFrontKey.Match(rest) {
		return src, nil // a thematic break, not front matter
	}
	front = rest[:end]
	cut := 4 + end + 4
	for cut < len(src) && src[cut] != '\n' {
		cut++
	}
	blank := bytes.Repeat([]byte("\n"), bytes.Count(src[:cut], []byte("\n")))
	return append(blank, src[cut:]...), front
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

type parser struct {
	src        []byte
	lineStarts []int
	memo       *Memo

	numbered     bool // the memo numbers its domains
	firstNum     int  // the lowest domain number of the memo's headings
	firstLevel   int  // the level of the first domain heading
	seenDomain   bool // a domain heading (or the material before one) was opened
	plainLevel   int  // heading level of plain domain headings when not numbered
	nextPlain    int
	domain       int // current domain, -1 outside any
	domainLevel  int
	inObjectives bool
	sections     []sectionEntry
}

type sectionEntry struct {
	level int
	text  string
}

func (p *parser) line(offset int) int {
	return sort.Search(len(p.lineStarts), func(i int) bool { return p.lineStarts[i] > offset })
}

// firstOffset finds the source offset of the first text under n.
func (p *parser) firstOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if t, ok := c.(*ast.Text); ok {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			off = c.Lines().At(0).Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off < 0 {
		return 0
	}
	return off
}

// planDomains decides, before the walk, whether the memo numbers its
// domains or uses plain section headings as domains.
func (p *parser) planDomains(doc ast.Node) {
	p.domain = -1
	minLevel := 7
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok {
			continue
		}
		t := p.inline(h)
		if n, _, _, ok := parseDomainHeading(t); ok {
			p.numbered = true
			if p.firstNum == 0 || n < p.firstNum {
				p.firstNum = n
			}
			if p.firstLevel == 0 {
				p.firstLevel = h.Level
			}
		}
		if h.Level > 1 && h.Level < minLevel {
			minLevel = h.Level
		}
	}
	if minLevel == 7 {
		minLevel = 2
	}
	p.plainLevel = minLevel
}

// parseDomainHeading recognises "第 N 分野: title", "N. title" and weights.
func parseDomainHeading(t string) (num int, title string, weight float64, ok bool) {
	t = strings.TrimSpace(t)
	if m := reWeight.FindStringSubmatch(t); m != nil {
		weight, _ = strconv.ParseFloat(m[1], 64)
		t = strings.TrimSpace(strings.Replace(t, m[0], "", 1))
	}
	if m := reDomainJa.FindStringSubmatch(t); m != nil {
		n, err := strconv.Atoi(toHalfDigits(m[1]))
		if err == nil && n > 0 && n < 100 {
			return n, strings.TrimSpace(strings.Trim(m[2], ":： ")), weight, true
		}
	}
	if m := reDomainNum.FindStringSubmatch(t); m != nil && (m[2][0] < '0' || m[2][0] > '9') {
		n, err := strconv.Atoi(m[1])
		if err == nil && n > 0 && n < 100 {
			return n, strings.TrimSpace(m[2]), weight, true
		}
	}
	return 0, "", 0, false
}

func toHalfDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

func (p *parser) block(n ast.Node, parent *Item) {
	switch n := n.(type) {
	case *ast.Heading:
		p.heading(n)
	case *ast.List:
		p.list(n, parent)
	case *ast.Paragraph, *ast.TextBlock:
		for _, t := range p.paragraphs(n) {
			if it := p.newItem(t.text, t.line, parent, 0, KindPlain); it != nil {
				p.settle(it)
			}
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			b.Write(seg.Value(p.src))
		}
		code := strings.TrimRight(b.String(), "\n")
		if strings.TrimSpace(code) != "" {
			it := p.newItem(code, p.line(p.firstOffset(n)), parent, 0, KindCode)
			if it != nil {
				it.Text = code
			}
		}
	case *east.Table:
		p.table(n)
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			p.block(c, parent)
		}
	case *ast.HTMLBlock, *ast.ThematicBreak:
		// images and rules carry nothing a learner reads
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			p.block(c, parent)
		}
	}
}

func (p *parser) heading(h *ast.Heading) {
	t := p.inline(h)
	line := p.line(p.firstOffset(h))
	m := p.memo
	if h.Level == 1 && m.Title == "" && len(m.Items) == 0 && len(m.Domains) == 0 {
		m.Title = t
		return
	}
	if t == "" {
		return // empty headings open nothing
	}
	num, title, weight, isDomain := parseDomainHeading(t)
	if !isDomain && p.numbered && p.firstNum > 1 && !p.seenDomain && h.Level > 1 && !otherSectionNames[strings.ToLower(strings.TrimSpace(t))] {
		// Numbering starts past 1: the section before the first numbered
		// heading holds domain 1's material.
		num, title, isDomain = 1, t, true
		p.seenDomain = true
		d := &Domain{Number: 1, Title: title}
		m.Domains = append(m.Domains, d)
		p.domain, p.domainLevel, p.inObjectives, p.sections = 1, p.firstLevel, true, nil
		m.Headings = append(m.Headings, &Heading{Domain: 1, Level: h.Level, Text: t, Line: line})
		return
	}
	if isDomain {
		p.seenDomain = true
	}
	if !p.numbered && h.Level == p.plainLevel && !otherSectionNames[strings.ToLower(strings.TrimSpace(t))] {
		p.nextPlain++
		num, title, isDomain = p.nextPlain, strings.TrimSpace(reWeight.ReplaceAllString(t, "")), true
		_, _, weight, _ = parseDomainHeading(t)
		if title == "" {
			title = t
		}
	}
	if isDomain && (p.domain < 0 || h.Level <= p.domainLevel || !p.numbered) {
		d := m.Domain(num)
		if d == nil {
			d = &Domain{Number: num, Title: title, Weight: weight}
			m.Domains = append(m.Domains, d)
		}
		p.domain, p.domainLevel, p.inObjectives, p.sections = num, h.Level, true, nil
		m.Headings = append(m.Headings, &Heading{Domain: num, Level: h.Level, Text: t, Path: nil, Line: line})
		return
	}
	if p.domain >= 0 && h.Level <= p.domainLevel {
		p.domain = -1 // a sibling of the domain headings: outside any domain
		p.sections = nil
	}
	p.inObjectives = false
	for len(p.sections) > 0 && p.sections[len(p.sections)-1].level >= h.Level {
		p.sections = p.sections[:len(p.sections)-1]
	}
	p.sections = append(p.sections, sectionEntry{h.Level, t})
	m.Headings = append(m.Headings, &Heading{Domain: p.domain, Level: h.Level, Text: t, Path: p.sectionPath(), Line: line})
}

func (p *parser) sectionPath() []string {
	out := make([]string, len(p.sections))
	for i, s := range p.sections {
		out[i] = s.text
	}
	return out
}

func (p *parser) list(l *ast.List, parent *Item) {
	num := 0
	if l.IsOrdered() {
		num = l.Start
	}
	for li := l.FirstChild(); li != nil; li = li.NextSibling() {
		p.listItem(li, parent, num)
		if num > 0 {
			num++
		}
	}
}

func (p *parser) listItem(li ast.Node, parent *Item, number int) {
	var item *Item
	for c := li.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.TextBlock, *ast.Paragraph:
			for _, t := range p.paragraphs(c) {
				if item == nil {
					item = p.newItem(t.text, t.line, parent, number, KindPlain)
					if item == nil {
						continue
					}
				} else {
					p.newItem(t.text, t.line, item, 0, KindPlain)
				}
			}
		case *ast.List:
			// "- 1. text" nests an ordered list as the bullet's only content.
			if item == nil && c == li.FirstChild() {
				p.list(c, parent)
				continue
			}
			if item != nil {
				p.list(c, item)
			} else {
				p.list(c, parent)
			}
		default:
			if item != nil {
				p.block(c, item)
			} else {
				p.block(c, parent)
			}
		}
	}
	if item != nil {
		p.settle(item)
	}
}

type para struct {
	text string
	line int
}

// paragraphs returns the visible text of a paragraph; a paragraph whose
// lines are separate bullets-in-disguise stays one passage.
func (p *parser) paragraphs(n ast.Node) []para {
	t := p.inline(n)
	if t == "" {
		return nil
	}
	return []para{{t, p.line(p.firstOffset(n))}}
}

// inline renders the inline content of n as users should see it.
func (p *parser) inline(n ast.Node) string {
	s := p.render(n)
	if strings.IndexByte(s, '<') >= 0 {
		s = reTag.ReplaceAllString(s, "")
	}
	if strings.Contains(s, "://") {
		s = reBareURL.ReplaceAllString(s, "")
	}
	if strings.Contains(s, "**") {
		s = strings.ReplaceAll(s, "**", "")
	}
	return collapseSpace(s)
}

func (p *parser) render(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(p.src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			b.WriteByte('`')
			b.WriteString(p.render(c))
			b.WriteByte('`')
		case *ast.Image, *ast.AutoLink, *ast.RawHTML, *east.TaskCheckBox:
		case *ast.Link:
			if label := p.render(c); !strings.Contains(label, "://") {
				b.WriteString(label)
			}
		default:
			b.WriteString(p.render(c))
		}
	}
	return b.String()
}

func (p *parser) newItem(txt string, line int, parent *Item, number int, kind ItemKind) *Item {
	txt = strings.TrimSpace(txt)
	if txt == "" || (kind != KindCode && reNumberOnly.MatchString(txt)) {
		return nil
	}
	if kind == KindPlain && reTaskNum.MatchString(txt) && parent == nil {
		txt = strings.TrimSpace(reTaskNum.ReplaceAllString(txt, ""))
	}
	it := &Item{
		Domain:  p.domain,
		Section: p.sectionPath(),
		Parent:  parent,
		Kind:    kind,
		Text:    txt,
		Number:  number,
		Line:    line,
		InOther: p.domain < 0,
	}
	it.maybeObjective = p.inObjectives && parent == nil && kind == KindPlain && p.domain >= 0
	if parent != nil {
		parent.Children = append(parent.Children, it)
	}
	p.memo.Items = append(p.memo.Items, it)
	if it.Kind == KindPlain && len(it.Children) == 0 {
		p.classify(it) // paragraphs have no children; bullets are reclassified after theirs
	}
	return it
}

// settle classifies an item once its children are known; a plain bullet
// straight under a domain heading, before its first sub-heading, is one of
// the exam's task statements.
func (p *parser) settle(it *Item) {
	p.classify(it)
	if it.maybeObjective && it.Kind == KindPlain {
		it.Kind = KindObjective
		if d := p.memo.Domain(it.Domain); d != nil {
			d.Objectives = append(d.Objectives, it.Text)
		}
	}
}

func (p *parser) table(t *east.Table) {
	tb := &Table{Domain: p.domain, Section: p.sectionPath(), Line: p.line(p.firstOffset(t))}
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, p.inline(c))
		}
		if _, ok := r.(*east.TableHeader); ok {
			tb.Header = cells
			continue
		}
		tb.Rows = append(tb.Rows, cells)
	}
	for i, row := range tb.Rows {
		for len(row) < len(tb.Header) {
			row = append(row, "")
		}
		tb.Rows[i] = row[:len(tb.Header)]
	}
	if len(tb.Header) > 0 {
		p.memo.Tables = append(p.memo.Tables, tb)
	}
}
