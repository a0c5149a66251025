package questions

import (
	"regexp"
	"sort"
	"strings"
)

// AliasMap groups the names that mean the same thing: "CodeDeploy",
// "AWS CodeDeploy", "ＣｏｄｅＤｅｐｌｏｙ", and parentheticals such as
// "IAM Identity Center（旧称 AWS SSO）". Generation uses it for leak
// checks and lookup for exact matches.
type AliasMap struct {
	group  map[string]int // normalised key → group
	forms  [][]string     // group → surface forms, sorted
	byName map[string]int // surface form → group, filled when building
	keys   [][]string     // group → match keys of all its forms
}

var (
	reParen      = regexp.MustCompile(`\s*[（(]([^()（）]+)[)）]\s*`)
	reFormerly   = regexp.MustCompile(`^(旧称|旧名|旧|略称|略|別名|通称|formerly|aka|a\.k\.a\.)[:：\s]*`)
	vendorPrefix = []string{"aws ", "amazon ", "aws", "amazon"}
)

// aliasKeys returns the normalised keys of a name: the whole name, the name
// without parentheticals and vendor prefix, and each parenthetical.
func aliasKeys(name string) []string {
	strong, weak := splitAliasKeys(name)
	return append(strong, weak...)
}

// splitAliasKeys returns the strong keys of a name (whole, without
// parentheticals, without vendor prefix) and the weak ones (parentheticals),
// which never merge two groups.
func splitAliasKeys(name string) (strong, weak []string) {
	keys := []string{}
	add := func(s string) {
		k := Normalize(s)
		if runeLen(k) >= 2 {
			keys = append(keys, k)
		}
	}
	add(name)
	base := name
	hasParen := strings.ContainsAny(name, "(（")
	if hasParen {
		base = strings.TrimSpace(reParen.ReplaceAllString(name, " "))
		add(base)
	}
	if v := stripVendor(base); v != base {
		add(v)
	}
	strong = keys
	keys = nil
	if !hasParen {
		return strong, nil
	}
	for _, m := range reParen.FindAllStringSubmatch(name, -1) {
		inner := strings.TrimSpace(reFormerly.ReplaceAllString(strings.TrimSpace(m[1]), ""))
		if inner != "" && !isSentence(inner) && !isGenericLabel(inner) {
			add(inner)
			add(stripVendor(inner))
		}
	}
	return strong, keys
}

func stripVendor(s string) string {
	l := strings.ToLower(s)
	for _, p := range vendorPrefix {
		if strings.HasPrefix(l, p) && len(s) > len(p)+1 {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return s
}

// buildAliases groups every defined term of the memo with its variants.
func buildAliases(m *Memo) *AliasMap {
	a := &AliasMap{group: map[string]int{}, byName: map[string]int{}}
	for _, it := range m.Items {
		if it.Kind == KindDefinition {
			a.Add(it.Term)
		}
	}
	for _, t := range m.Tables {
		for _, r := range t.Rows {
			if len(r) > 0 && !isSentence(r[0]) {
				a.Add(r[0])
			}
		}
	}
	a.seal()
	return a
}

// seal sorts the forms and caches, per form, its group and, per group,
// its match keys; the map is read-only afterwards.
func (a *AliasMap) seal() {
	a.keys = make([][]string, len(a.forms))
	for g, f := range a.forms {
		sort.Strings(f)
		seen := map[string]bool{}
		for _, name := range f {
			a.byName[name] = g
			for _, k := range aliasKeys(name) {
				if !seen[k] {
					seen[k] = true
					a.keys[g] = append(a.keys[g], k)
				}
			}
		}
	}
}

// Add records name and merges the groups its keys already belong to.
func (a *AliasMap) Add(name string) {
	keys, weak := splitAliasKeys(name)
	if len(keys) == 0 {
		return
	}
	g := -1
	for _, k := range keys {
		if id, ok := a.group[k]; ok {
			if g < 0 {
				g = id
			} else if id != g {
				a.merge(g, id)
			}
		}
	}
	if g < 0 {
		g = len(a.forms)
		a.forms = append(a.forms, nil)
	}
	for _, k := range keys {
		a.group[k] = g
	}
	for _, k := range weak {
		if _, taken := a.group[k]; !taken {
			a.group[k] = g
		}
	}
	for _, f := range a.forms[g] {
		if f == name {
			return
		}
	}
	a.forms[g] = append(a.forms[g], name)
}

func (a *AliasMap) merge(into, from int) {
	for k, id := range a.group {
		if id == from {
			a.group[k] = into
		}
	}
	a.forms[into] = append(a.forms[into], a.forms[from]...)
	a.forms[from] = nil
}

// groupOf returns the group of name, or -1.
func (a *AliasMap) groupOf(name string) int {
	if a == nil {
		return -1
	}
	if g, ok := a.byName[name]; ok {
		return g
	}
	for _, k := range aliasKeys(name) {
		if g, ok := a.group[k]; ok {
			return g
		}
	}
	return -1
}

// Same reports whether x and y name the same thing.
func (a *AliasMap) Same(x, y string) bool {
	if x == y {
		return true
	}
	gx, gy := a.groupOf(x), a.groupOf(y)
	if gx >= 0 || gy >= 0 {
		// a name in a group has its normalised form among the group's
		// keys, so another name normalising alike would be in it too
		return gx == gy
	}
	return Normalize(x) == Normalize(y)
}

// Forms returns every known way to write name, including name itself.
func (a *AliasMap) Forms(name string) []string {
	out := []string{name}
	if g := a.groupOf(name); g >= 0 {
		for _, f := range a.forms[g] {
			if f != name {
				out = append(out, f)
			}
		}
	}
	return out
}

// Keys returns the normalised match keys of every form of name.
func (a *AliasMap) Keys(name string) []string {
	if g := a.groupOf(name); g >= 0 && g < len(a.keys) {
		return a.keys[g]
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range a.Forms(name) {
		for _, k := range aliasKeys(f) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// Canonical returns the group key of name: the same string for all its aliases.
func (a *AliasMap) Canonical(name string) string {
	if g := a.groupOf(name); g >= 0 && len(a.forms[g]) > 0 {
		return Normalize(stripVendor(reParen.ReplaceAllString(a.forms[g][0], " ")))
	}
	return Normalize(stripVendor(reParen.ReplaceAllString(name, " ")))
}
