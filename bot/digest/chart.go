package digest

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ipaexg is IPAexGothic 00401 from Debian's fonts-ipaexfont-gothic,
// unmodified (IPA Font License v1.0: font/LICENSE-IPA).
//
//go:embed font/ipaexg.ttf
var ipaexg []byte

// ErrEmpty is returned by Render for a week nobody answered: show
// Week.EmptyLine instead of a chart.
var ErrEmpty = errors.New("digest: no answers this week")

// dpi is the chart's resolution; Width and Height are in pixels at it.
const dpi = 96

// jpFont is the one typeface every label uses.
var jpFont = font.Font{Typeface: "IPAexGothic"}

var (
	fontOnce  sync.Once
	fontCache *font.Cache
	fontErr   error
)

// fonts returns a font cache holding only IPAexGothic, so every label
// (whatever typeface the plot asks for) falls back to it.
func fonts() (*font.Cache, error) {
	fontOnce.Do(func() {
		f, err := opentype.Parse(ipaexg)
		if err != nil {
			fontErr = fmt.Errorf("digest: parse embedded font: %w", err)
			return
		}
		fontCache = font.NewCache(font.Collection{{Font: jpFont, Face: f}})
	})
	return fontCache, fontErr
}

var (
	colorLast = color.RGBA{R: 0xb4, G: 0xb9, B: 0xc2, A: 0xff}
	colorThis = color.RGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff}
	colorText = color.RGBA{R: 0x1f, G: 0x29, B: 0x37, A: 0xff}
	colorGrid = color.RGBA{R: 0xe5, G: 0xe7, B: 0xeb, A: 0xff}
	// colorReady marks the team's readiness (amber, apart from both bars).
	colorReady = color.RGBA{R: 0xd9, G: 0x77, B: 0x06, A: 0xff}
	// colorReadyText is the readiness figures' colour, darker to read on
	// the grey bars.
	colorReadyText = color.RGBA{R: 0x92, G: 0x40, B: 0x0e, A: 0xff}
)

// Render draws the week's chart as a Width×Height PNG: per domain, last
// week's and this week's team accuracy side by side, the percentage above
// each bar ("no answers" for a week without any), and under each domain its
// title and exam weight. It returns ErrEmpty when nobody answered this
// week. Render is safe for concurrent use.
func Render(w Week) ([]byte, error) {
	if w.Empty() {
		return nil, ErrEmpty
	}
	cache, err := fonts()
	if err != nil {
		return nil, err
	}
	hdlr := text.Plain{Fonts: cache}
	en := w.en()
	pick := func(ja, e string) string {
		if en {
			return e
		}
		return ja
	}

	p := plot.New()
	p.TextHandler = hdlr
	for _, s := range []*text.Style{&p.Title.TextStyle, &p.Legend.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		s.Handler = hdlr
		s.Color = colorText
		s.Font = font.From(jpFont, s.Font.Size)
	}
	p.Title.Text = fmt.Sprintf(pick("チームの分野別正答率（%s）: 今週と先週", "Team accuracy per domain (%s): this week vs last week"), w.period())
	p.Title.TextStyle.Font.Size = vg.Points(16)
	p.Title.Padding = vg.Points(10)
	p.Y.Label.Text = pick("正答率", "accuracy")
	p.Y.Label.TextStyle.Font.Size = vg.Points(11)
	p.Y.Min, p.Y.Max = 0, 112
	var ticks []plot.Tick
	for v := 0; v <= 100; v += 20 {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: fmt.Sprintf("%d%%", v)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Label.Font.Size = vg.Points(10)
	p.X.Tick.Label.Font.Size = vg.Points(10)
	p.X.Tick.Label.YAlign = draw.YTop
	p.X.Padding = vg.Points(4)
	p.Add(gridStyle())

	n := len(w.Domains)
	last, this := make(plotter.Values, n), make(plotter.Values, n)
	names := make([]string, n)
	for i, d := range w.Domains {
		last[i], _ = d.Last.Accuracy()
		this[i], _ = d.This.Accuracy()
		names[i] = tickLabel(d, en)
	}
	bw := vg.Points(min(64, 300/float64(max(n, 1))))
	lastBars, err := plotter.NewBarChart(last, bw)
	if err != nil {
		return nil, err
	}
	lastBars.Color, lastBars.LineStyle.Width, lastBars.Offset = colorLast, 0, -bw/2
	thisBars, err := plotter.NewBarChart(this, bw)
	if err != nil {
		return nil, err
	}
	thisBars.Color, thisBars.LineStyle.Width, thisBars.Offset = colorThis, 0, bw/2
	p.Add(lastBars, thisBars)
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = vg.Points(10)
	p.X.Tick.Label.Handler = hdlr
	p.X.Tick.Label.Color = colorText
	p.X.Tick.Length = 0
	p.X.Min, p.X.Max = -0.6, float64(n)-0.4

	for k, bars := range []struct {
		off vg.Length
		get func(Domain) Tally
	}{{-bw / 2, func(d Domain) Tally { return d.Last }}, {bw / 2, func(d Domain) Tally { return d.This }}} {
		xys := make(plotter.XYs, n)
		labels := make([]string, n)
		for i, d := range w.Domains {
			a, ok := bars.get(d).Accuracy()
			xys[i] = plotter.XY{X: float64(i), Y: a}
			labels[i] = pick("回答なし", "no answers")
			if ok {
				labels[i] = fmt.Sprintf("%.0f%%", a)
			}
		}
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Handler = hdlr
			l.TextStyle[i].Font = font.From(jpFont, vg.Points(10))
			l.TextStyle[i].XAlign = draw.XCenter
			l.TextStyle[i].Color = colorText
			if k == 1 {
				l.TextStyle[i].Font.Weight = 700
			}
		}
		l.Offset = vg.Point{X: bars.off, Y: vg.Points(3)}
		p.Add(l)
	}

	p.Legend.Add(pick("先週", "last week"), lastBars)
	p.Legend.Add(pick("今週", "this week"), thisBars)
	if w.HasReadiness() {
		recall := map[int]float64{}
		for _, r := range w.Readiness.Domains {
			if r.Studied > 0 {
				recall[r.Number] = r.Recall
			}
		}
		var xys plotter.XYs
		for i, d := range w.Domains {
			if r, ok := recall[d.Number]; ok {
				xys = append(xys, plotter.XY{X: float64(i), Y: 100 * r})
			}
		}
		ready, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		ready.GlyphStyle = draw.GlyphStyle{Color: colorReady, Radius: vg.Points(5), Shape: draw.PyramidGlyph{}}
		labels := make([]string, len(xys))
		for i, xy := range xys {
			labels[i] = fmt.Sprintf("%.0f%%", xy.Y)
		}
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Handler = hdlr
			l.TextStyle[i].Font = font.From(jpFont, vg.Points(10))
			l.TextStyle[i].Font.Weight = 700
			l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XRight, draw.YCenter
			l.TextStyle[i].Color = colorReadyText
		}
		l.Offset = vg.Point{X: -vg.Points(7)} // over last week's light bar, not the blue one
		p.Add(ready, l)
		p.Legend.Add(pick("チームの試験準備度（復習の予測）", "team readiness (review)"), ready)
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(11)
	p.Legend.YOffs = vg.Points(6)
	p.Legend.Padding = vg.Points(3)

	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	c := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(dpi))
	m := vg.Points(14)
	p.Draw(draw.Crop(draw.New(c), m, -m, m, -m))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("digest: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// gridStyle returns the horizontal grid drawn behind the bars.
func gridStyle() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Width = 0
	g.Horizontal.Color = colorGrid
	g.Horizontal.Width = vg.Points(0.8)
	g.Horizontal.Dashes = nil
	return g
}

// tickLabel is the text under a domain's bars: its number, its title
// (shortened) and its exam weight.
func tickLabel(d Domain, en bool) string {
	title := shorten(d.Title, 12)
	if en {
		title = shorten(d.Title, 20)
	}
	s := domainName(d, en)
	if title != "" && d.Number != 0 {
		s += "\n" + title
	}
	switch {
	case d.Weight > 0 && en:
		s += fmt.Sprintf("\nexam weight %g%%", d.Weight)
	case d.Weight > 0:
		s += fmt.Sprintf("\n試験の配点 %g%%", d.Weight)
	}
	return s
}

// domainName is "第 3 分野" or "Domain 3" ("その他", "Other" for the
// other bucket).
func domainName(d Domain, en bool) string {
	switch {
	case d.Number == 0 && en:
		return "Other"
	case d.Number == 0:
		return "その他"
	case en:
		return fmt.Sprintf("Domain %d", d.Number)
	default:
		return fmt.Sprintf("第 %d 分野", d.Number)
	}
}

// shorten cuts s to n runes, marking the cut with "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
