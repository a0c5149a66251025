package questions

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// TermKind tells what sort of thing a term names. It is decided once per
// item; a question's distractors are always of its answer's kind.
type TermKind int

// Term kinds.
const (
	// TermNone is an item that names nothing a question can offer.
	TermNone TermKind = iota
	// TermService is a vendor service: "AWS CodeDeploy", "GuardDuty".
	TermService
	// TermFeature is a feature, resource or concept: "Weighted Routing
	// Policy", "ウォームスタンバイ", "Hosted Zone".
	TermFeature
	// TermKey is a configuration key, setting value or code: "phases",
	// "buildspec.yml", "OldestInstance", "CNAME".
	TermKey
	// TermValue is a number, address or ID: "192.168.0.0/22", "443".
	TermValue
	// TermProse is a sentence or action ("…を有効にする").
	TermProse
)

var termKindNames = [...]string{"none", "service", "feature", "key", "value", "prose"}

// String returns the kind's name as lint shows it.
func (k TermKind) String() string {
	if int(k) < len(termKindNames) {
		return termKindNames[k]
	}
	return "none"
}

var (
	reKeyLike   = regexp.MustCompile("^`?[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*`?$")
	reValue     = regexp.MustCompile(`^[0-9０-９][0-9０-９./:%,\s-]*$|^\d{1,3}(\.\d{1,3}){3}(/\d+)?$`)
	reStepName  = regexp.MustCompile(`(?i)^(step|ステップ|手順|パターン|デプロイパターン|フェーズ|phase)\s*[0-9０-９]|^[0-9０-９]+[.．)）]\s*`)
	reOneLetter = regexp.MustCompile(`(?i)^[A-Za-z0-9]{1}$|\s[A-Z0-9]$|[（(]\s*[A-Z0-9]\s*[)）]$`)
)

// knownServices are vendor service names a memo often writes without
// "AWS"/"Amazon"; the memo's own prefixed names are added per memo.
var knownServices = []string{
	"cloudformation", "cloudwatch", "cloudtrail", "cloudfront", "codebuild", "codedeploy", "codecommit",
	"codepipeline", "codeartifact", "codeguru", "codestar", "config", "guardduty", "inspector", "macie",
	"security hub", "trusted advisor", "systems manager", "organizations", "control tower", "service catalog",
	"elastic beanstalk", "opsworks", "route 53", "route53", "dynamodb", "aurora", "rds", "s3", "ec2", "ecs",
	"eks", "ecr", "lambda", "sqs", "sns", "kinesis data streams", "kinesis data firehose", "kinesis data analytics",
	"eventbridge", "step functions", "x-ray", "xray", "waf", "shield", "secrets manager", "kms", "iam",
	"iam identity center", "sso", "directory service", "storage gateway", "elasticache", "opensearch", "athena",
	"quicksight", "glue", "timestream", "network firewall", "firewall manager", "health", "backup", "dax",
	"elastic load balancing", "auto scaling", "app runner", "fargate", "api gateway", "appconfig", "cognito",
	"detective", "audit manager", "artifact", "privatelink", "transit gateway", "direct connect", "vpc",
	"ec2 image builder", "proton", "amplify", "sam", "cdk", "license manager", "compute optimizer",
}

// family groups kinds whose members can stand beside each other as
// options: a setting key and a feature of one service are both names of
// parts of it; a service is only offered beside services.
func (k TermKind) family() TermKind {
	if k == TermKey {
		return TermFeature
	}
	return k
}

// classifyTerms decides every definition's TermKind once, with the vendor
// services the memo names itself ("AWS X", "Amazon X") added to knownServices.
func classifyTerms(m *Memo) {
	services := map[string]bool{}
	for _, s := range knownServices {
		services[Normalize(s)] = true
	}
	for _, it := range m.Items {
		for _, w := range vendorNames(it.Text) {
			services[Normalize(w)] = true
		}
	}
	for _, it := range m.Items {
		if it.Kind == KindDefinition {
			it.TermKind = termKindOf(it.Term, services)
		}
	}
	m.services = services
}

// vendorNames returns the names that follow "AWS " or "Amazon " in s, up to
// the first non-name word: "AWS Service Catalog にアクセス" → "Service Catalog".
func vendorNames(s string) []string {
	var out []string
	for _, p := range []string{"AWS ", "Amazon "} {
		rest := s
		for {
			i := strings.Index(rest, p)
			if i < 0 {
				break
			}
			rest = rest[i+len(p):]
			var words []string
			for _, w := range strings.Fields(rest) {
				if w == "" || !(w[0] >= 'A' && w[0] <= 'Z') || asciiShare(w) < 1 || len(words) == 3 {
					break
				}
				words = append(words, strings.TrimRight(w, ".,:;)"))
			}
			if len(words) > 0 {
				out = append(out, strings.Join(words, " "))
			}
		}
	}
	return out
}

// termKindOf classes one term.
func termKindOf(term string, services map[string]bool) TermKind {
	t := strings.TrimSpace(term)
	switch {
	case t == "" || isSentence(t) || actionTerm(t) || isQuestionLine(t):
		return TermProse
	case reValue.MatchString(t) || numberOnly(t):
		return TermValue
	}
	base := strings.TrimSpace(reParen.ReplaceAllString(t, " "))
	if base == "" {
		base = t
	}
	nb := Normalize(base)
	if services[nb] || services[Normalize(stripVendor(base))] ||
		vendorOf(base) != "" && asciiShare(stripVendor(base)) >= 0.8 {
		return TermService
	}
	if genericWord(base) {
		return TermNone
	}
	if reKeyLike.MatchString(base) && !strings.Contains(base, " ") &&
		(strings.ContainsAny(base, "._-`") || base[0] >= 'a' && base[0] <= 'z' || hasInnerCapital(base) || isAcronym(base)) {
		return TermKey
	}
	return TermFeature
}

// genericWord reports a common word that names no particular thing: one
// katakana loanword of one English word (テスト, デプロイ, アラーム) or a
// kanji word of one or two characters (承認, 監視).
func genericWord(t string) bool {
	if isKatakanaWord(t) && !strings.ContainsAny(t, " ・") {
		g, ok := loanwords[t]
		return ok && !strings.Contains(strings.Split(g, "|")[0], " ")
	}
	n := 0
	for _, r := range t {
		if scriptOf(r) != scrKanji {
			return false
		}
		n++
	}
	return n <= 2
}

// hasInnerCapital reports a capital after the first letter ("OldestInstance").
func hasInnerCapital(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// scenarioMarkers name subtrees that work through one case: their items
// are steps of a solution, not facts worth a question of their own.
var scenarioMarkers = []string{"シナリオ", "解決策", "ステップ", "手順", "パターン", "問題のポイント", "問題", "例)", "例：", "例:",
	"構成例", "実装例", "設定例", "ユースケース", "ワークフロー", "通信フロー", "トラフィックフロー", "step", "scenario", "solution"}

// stepName is reStepName.MatchString with a fast way out for the text
// that cannot match: no leading digit and none of its words.
func stepName(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !(r >= '0' && r <= '9' || r >= '０' && r <= '９') {
		// the words open the text (the pattern is anchored)
		head := s
		if len(head) > 32 {
			head = head[:32]
		}
		head = strings.ToLower(head)
		opens := false
		for _, w := range []string{"step", "ステップ", "手順", "パターン", "デプロイパターン", "フェーズ", "phase"} {
			if strings.HasPrefix(head, w) {
				opens = true
				break
			}
		}
		if !opens {
			return false
		}
	}
	return reStepName.MatchString(s)
}

// scenarioWords mark a sentence that sets up a case (a company, a
// requirement, a wish) rather than describing a thing.
var scenarioWords = []string{"ある企業", "企業", "会社", "組織は", "要件", "したい", "するには", "には？", "について", "チーム", "エンジニア", "を行う", "ために、", "場合、", "ようにする", "必要があります"}

func scenarioSentence(s string) bool {
	for _, w := range scenarioWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return strings.HasSuffix(s, "？") || strings.HasSuffix(s, "?")
}

// ancestorReason tells why nothing under p is worth asking about, or "":
// p or one of its ancestors is a worked question, a procedure, a scenario
// or a sentence that sets up a case. memo, when not nil, caches answers.
func ancestorReason(p *Item, memo map[*Item]string) string {
	if p == nil {
		return ""
	}
	if why, ok := memo[p]; ok {
		return why
	}
	why := ""
	name := p.Name()
	switch {
	case p.Kind == KindScenario || isQuestionLine(p.Text):
		why = "inside a worked question"
	case p.Number > 0 || stepName(name):
		why = "inside a procedure"
	case containsAny(strings.ToLower(name), scenarioMarkers):
		why = "inside a worked scenario"
	case p.Kind != KindDefinition && p.Kind != KindLabel && (isSentence(p.Text) || strings.HasSuffix(p.Text, "？")) && scenarioSentence(p.Text):
		why = "under a scenario sentence"
	default:
		why = ancestorReason(p.Parent, memo)
	}
	if memo != nil {
		memo[p] = why
	}
	return why
}

// startsWithDigit reports a leading ASCII or full-width digit.
func startsWithDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= '0' && r <= '9' || r >= '０' && r <= '９'
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// skipReasonUnder tells why an item is not worth asking about, or "" when
// it is, given why its ancestors are not (ancestorReason): it sits in a
// worked scenario or procedure, it is a numbered step, or its name means
// nothing out of context.
func skipReasonUnder(it *Item, anc string) string {
	if it.Number > 0 || stepName(it.Text) {
		return "procedure step"
	}
	if anc != "" {
		return anc
	}
	for _, s := range it.Section {
		if containsAny(strings.ToLower(s), scenarioMarkers) {
			return "in a scenario section"
		}
	}
	if it.Kind == KindDefinition {
		if containsAny(strings.ToLower(it.Term), scenarioMarkers) {
			return "names a step of a scenario"
		}
		if reOneLetter.MatchString(it.Term) {
			return "name meaningless out of context"
		}
		if it.TermKind == TermValue || it.TermKind == TermProse || it.TermKind == TermNone {
			return "not a thing to name"
		}
		if v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(it.Def), "CIDR")); v != "" && startsWithDigit(v) && reValue.MatchString(v) {
			return "a bare value"
		}
	}
	return ""
}
