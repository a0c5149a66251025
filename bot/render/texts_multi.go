package render

// The texts of questions with more than one answer ("choose two", "choose
// three"), kept apart from texts.go so that they merge cleanly; init adds
// them to the catalog.
var multiTexts = map[string]map[string]string{
	"ja": {
		"multi.hint":      "☑️ %d つ選択",
		"multi.submit":    "回答する",
		"multi.count":     "%d つ選んでください（選んだのは %d つ）。回答は記録していません。",
		"multi.answers":   "正解は %s",
		"multi.yours":     "あなたの回答: %s",
		"results.answers": "正解: %s",
	},
	"en": {
		"multi.hint":      "☑️ Choose %d",
		"multi.submit":    "Submit",
		"multi.count":     "Choose exactly %d options (you chose %d). Nothing was recorded.",
		"multi.answers":   "The answers are %s",
		"multi.yours":     "Your answer: %s",
		"results.answers": "Answers: %s",
	},
}

func init() {
	for lang, m := range multiTexts {
		for k, v := range m {
			catalog[lang][k] = v
		}
	}
}
