package render

// meTexts are the texts of the progress view (/me, Slack's Home tab),
// merged into the catalog at init; kept apart so the view's texts live in
// one place.
var meTexts = map[string]map[string]string{
	"ja": {
		"me.title":          "📊 あなたの学習状況",
		"me.streak":         "🔥 連続 %d 日 ・ 最長 %d 日",
		"me.today":          "📝 今日の問題",
		"me.today.none":     "今日の問題はまだありません。",
		"me.today.row":      "#%d %s — %s",
		"me.today.open":     "未回答（締め切り %s）",
		"me.today.answered": "✅ 回答済み",
		"me.today.closed":   "締め切りました",
		"me.today.show":     "問題 #%d を表示",
		"me.more":           "…ほか %d 件",
		"me.review":         "🔁 復習",
		"me.review.due":     "いま復習する項目: %d 件",
		"me.review.start":   "▶ 復習を始める",
		"me.ready":          "🎯 準備度（予測正答率）",
		"me.ready.none":     "まだ記録がありません。問題に答えると分野ごとの準備度が表示されます。",
		"me.ready.overall":  "全体 %s",
		"me.ready.weakest":  "いちばん弱い分野: %s",
		"me.remind":         "⏰ 復習リマインダー",
		"me.remind.on":      "毎日 %s（次回 %s）",
		"me.remind.off":     "設定されていません。",
		"me.remind.blocked": "止まっています（DM を届けられませんでした）。%s のボタンでもう一度設定できます。",
		"me.remind.zone":    "タイムゾーン: %s",
		"me.remind.stop":    "リマインダーを止める",
		"me.remind.hint":    "ほかの時刻やタイムゾーンは /review remind HH:MM、/review tz <zone> で設定できます。",
		"me.admin":          "🛠 管理者向け",
		"me.admin.counts":   "レビュー待ちの問題: %d 件 ・ フラグ・報告のある問題: %d 件",
		"me.admin.review":   "レビューする",
		"me.admin.reports":  "報告を見る",
		"me.admin.web":      "Web ページを開く",
		"me.admin.webhint":  "Web ページ: /studybot web",
	},
	"en": {
		"me.title":          "📊 Your progress",
		"me.streak":         "🔥 %d-day streak · best %d",
		"me.today":          "📝 Today's questions",
		"me.today.none":     "No question yet today.",
		"me.today.row":      "#%d %s — %s",
		"me.today.open":     "not answered yet (closes %s)",
		"me.today.answered": "✅ answered",
		"me.today.closed":   "closed",
		"me.today.show":     "Show question #%d",
		"me.more":           "… and %d more",
		"me.review":         "🔁 Review",
		"me.review.due":     "Items due now: %d",
		"me.review.start":   "▶ Start review",
		"me.ready":          "🎯 Readiness (predicted recall)",
		"me.ready.none":     "Nothing recorded yet. Answer questions to see your readiness per domain.",
		"me.ready.overall":  "Overall %s",
		"me.ready.weakest":  "Weakest domain: %s",
		"me.remind":         "⏰ Review reminder",
		"me.remind.on":      "Every day at %s (next %s)",
		"me.remind.off":     "Not set.",
		"me.remind.blocked": "Stopped (the direct message could not be delivered). Set it again with the %s button.",
		"me.remind.zone":    "Time zone: %s",
		"me.remind.stop":    "Stop reminders",
		"me.remind.hint":    "Other times and zones: /review remind HH:MM, /review tz <zone>.",
		"me.admin":          "🛠 For admins",
		"me.admin.counts":   "Questions awaiting review: %d · flagged or reported: %d",
		"me.admin.review":   "Review questions",
		"me.admin.reports":  "Show reports",
		"me.admin.web":      "Open the web page",
		"me.admin.webhint":  "Web page: /studybot web",
	},
}

func init() {
	for lang, texts := range meTexts {
		for k, v := range texts {
			catalog[lang][k] = v
		}
	}
}
