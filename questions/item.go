package questions

import (
	"regexp"
	"strings"
)

// genericLabels are bullet labels that describe their parent rather than
// name a thing of their own.
var genericLabels = map[string]bool{
	"目的": true, "例": true, "原因": true, "使用方法": true, "特徴": true, "用途": true,
	"メリット": true, "デメリット": true, "注意": true, "注意点": true, "ポイント": true,
	"概要": true, "解決策": true, "対策": true, "対処": true, "理由": true, "結果": true,
	"エラー内容": true, "補足": true, "備考": true, "説明": true, "効果": true, "利点": true,
	"欠点": true, "仕組み": true, "機能": true, "手順": true, "方法": true, "使い方": true,
	"シナリオ": true, "問題": true, "問題のシナリオ": true, "解説": true, "答え": true, "正解": true,
	"要件": true, "ステップ": true, "step": true, "手順例": true, "トリガー例": true, "ユースケース": true, "設定": true, "前提": true, "背景": true, "課題": true,
	"適用外の理由": true, "詳細": true, "定義": true, "主な機能": true, "構成": true,
	"purpose": true, "example": true, "examples": true, "cause": true, "usage": true,
	"features": true, "feature": true, "pros": true, "cons": true, "note": true, "notes": true,
	"why": true, "how": true, "tip": true, "tips": true, "summary": true, "answer": true,
	"use case": true, "use cases": true, "benefit": true, "benefits": true, "definition": true,
}

var (
	reTermSep = regexp.MustCompile(`[:：]|→|⇒`)
	reTopic   = regexp.MustCompile(`^([^、。，,「」]{2,30}?)\s*は[、,，\s]`)
)

// isGenericLabel reports whether term is a generic label such as 目的 or
// "シナリオ 1" or "X の目的".
func isGenericLabel(term string) bool {
	t := strings.TrimSpace(strings.TrimLeft(term, "※*・"))
	t = strings.TrimRight(t, "0123456789０１２３４５６７８９ 　")
	lt := strings.ToLower(t)
	if genericLabels[lt] {
		return true
	}
	for _, suf := range []string{"の目的", "の理由", "の例", "の特徴", "の原因", "の用途", "の方法"} {
		if strings.HasSuffix(t, suf) {
			return true
		}
	}
	return reNumberOnly.MatchString(t)
}

// splitTerm splits "term: definition" (also "：", "→"); ok is false when
// the text before the separator does not look like a term.
func splitTerm(s string) (term, def string, ok bool) {
	loc := reTermSep.FindStringIndex(s)
	if loc == nil {
		return "", "", false
	}
	term = strings.TrimSpace(strings.TrimRight(s[:loc[0]], " 　"))
	def = strings.TrimSpace(s[loc[1]:])
	if term == "" || runeLen(term) > 40 || strings.ContainsAny(term, "。、，,`") ||
		strings.Contains(term, "://") || strings.HasSuffix(term, "は") {
		return "", "", false
	}
	if strings.Count(term, "(")+strings.Count(term, "（") != strings.Count(term, ")")+strings.Count(term, "）") {
		return "", "", false
	}
	if strings.HasPrefix(def, "//") {
		return "", "", false
	}
	return term, strings.TrimLeft(def, "、,， "), true
}

// isQuestionLine reports whether s is a question from the memo (ends with ？).
func isQuestionLine(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, "？") || strings.HasSuffix(s, "?")
}

// classify decides what a bullet says once its children are known.
func (p *parser) classify(it *Item) {
	if it.Kind != KindPlain {
		return
	}
	if isQuestionLine(it.Text) {
		if ans := firstAnswer(it); ans != nil {
			it.Kind = KindScenario
			it.Def = ans.Text
		}
		return
	}
	if term, def, ok := splitTerm(it.Text); ok {
		if isGenericLabel(term) {
			it.Kind, it.Term, it.Def = KindLabel, term, def
			if it.Parent != nil && def != "" {
				if it.Parent.Attrs == nil {
					it.Parent.Attrs = map[string]string{}
				}
				if _, dup := it.Parent.Attrs[term]; !dup {
					it.Parent.Attrs[term] = def
				}
			}
			return
		}
		it.Kind, it.Term, it.Def, it.Explicit = KindDefinition, term, def, true
		if def == "" {
			if d := firstDescription(it); d != "" {
				it.Def = d
			} else {
				it.Kind = KindPlain
			}
		}
		return
	}
	// "X は、…": a sentence about a named thing defines it.
	if m := reTopic.FindStringSubmatch(it.Text); m != nil {
		t := strings.TrimSpace(m[1])
		if runeLen(t) >= 2 && (asciiShare(t) >= 0.6 || isKatakanaWord(t)) && !strings.ContainsAny(t, "「」()（）") &&
			!strings.ContainsAny(string([]rune(t)[runeLen(t)-1:]), "でとやにがのもへを") {
			it.Kind, it.Term, it.Def = KindDefinition, t, it.Text
			return
		}
	}
	// A short bullet standing alone whose children describe it.
	if len(it.Children) > 0 && !isSentence(it.Text) && !strings.ContainsAny(it.Text, "`") {
		if d := firstDescription(it); d != "" && !isGenericLabel(it.Text) {
			it.Kind, it.Term, it.Def = KindDefinition, it.Text, d
		}
	}
}

// firstDescription returns the first child that describes its parent: a
// plain child, or the value of a 目的/概要/説明 label.
func firstDescription(it *Item) string {
	if len(it.Children) == 0 {
		return ""
	}
	switch c := it.Children[0]; c.Kind {
	case KindPlain:
		if !isQuestionLine(c.Text) && !strings.HasSuffix(c.Text, ":") && !strings.HasSuffix(c.Text, "：") {
			return c.Text
		}
	case KindLabel:
		switch c.Term {
		case "目的", "概要", "説明", "定義", "特徴", "purpose", "summary", "definition":
			return c.Def
		}
	}
	return ""
}

func firstAnswer(it *Item) *Item {
	for _, c := range it.Children {
		if c.Kind != KindCode && c.Text != "" {
			return c
		}
	}
	return nil
}

// isKatakanaWord reports whether s is written in katakana (with spaces and
// long vowel marks), as Japanese loan-word terms are.
func isKatakanaWord(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= 'ァ' && r <= 'ヶ' || r == 'ー' || r == '・':
			n++
		case r == ' ':
		default:
			return false
		}
	}
	return n >= 2
}
