package bot

import (
	"fmt"
	"sort"
	"strings"
)

// Languages the bot speaks; the first is the default.
var Languages = []string{"ja", "en"}

// catalog holds every user-facing text, per language. Keys are the same in
// every language (a test checks it) and verbs use fmt placeholders.
var catalog = map[string]map[string]string{
	"ja": {
		"card.title":          "📝 今日の問題 #%d — %s",
		"card.title.practice": "🏋️ 練習問題 — %s",
		"card.context":        "締め切り %s ・ 回答 %d 人 ・ ID %s",
		"card.context.closed": "締め切りました ・ 回答 %d 人 ・ ID %s",
		"card.practice":       "あなただけの練習問題です。リーダーボードには数えません ・ ID %s",
		"fb.correct":          "✅ 正解！",
		"fb.wrong":            "❌ 不正解",
		"fb.answer":           "正解は %s: %s",
		"fb.yours":            "あなたの回答: %s: %s",
		"fb.streak":           "🔥 連続 %d 日（最長 %d 日、フリーズ %d）",
		"fb.rank":             "今週の順位: %d 位（%s）",
		"fb.rank.up":          "↑%d",
		"fb.rank.same":        "→",
		"fb.rank.down":        "↓%d",
		"fb.rank.new":         "初登場",
		"fb.already":          "回答済みです（あなたの回答: %s）。最初の回答だけが数えられます。",
		"fb.closed":           "この問題は締め切られました。回答は数えられませんが、解説をどうぞ。",
		"fb.practice":         "練習問題なので成績にだけ記録しました（リーダーボード対象外）。",
		"err.button":          "このボタンは使えません（古いか、知らない問題です）。新しい問題を待つか /quiz で練習できます。",
		"err.internal":        "内部エラーが起きました。もう一度試してください。続くようなら管理者に連絡してください。",
		"err.unknown":         "知らないコマンドです: %s。/help で一覧を表示します。",
		"err.admin":           "このコマンドは管理者だけが使えます（ワークスペース/サーバーの管理者、または設定で指定された人）。",
		"err.dm":              "このコマンドはチャンネルで使ってください。",
		"err.args":            "%s\n例: %s",
		"results.title":       "📊 結果 #%d — %s",
		"results.answer":      "正解: %s: %s",
		"results.none":        "回答はありませんでした。",
		"results.first":       "最初の正解者: %s",
		"results.milestone":   "🔥 連続 %d 日達成: %s",
		"results.context":     "回答 %d 人 ・ 正解率 %d%% ・ ID %s",
		"lb.title":            "🏆 リーダーボード — %s・%s",
		"lb.title.acc":        "🎯 正解率ランキング（%d 問以上）— %s・%s",
		"lb.empty":            "まだ誰も回答していません。",
		"lb.row":              "%d 点 ・ %d 問 ・ 正解率 %d%%",
		"lb.me":               "あなた: %d 位 ・ %d 点 ・ %d 問 ・ 正解率 %d%%",
		"lb.me.none":          "あなたはまだこのランキングに載っていません。",
		"lb.players":          "参加者 %d 人",
		"window.week":         "今週",
		"window.month":        "今月",
		"window.all":          "全期間",
		"domain.all":          "全分野",
		"domain.n":            "第 %d 分野",
		"streak.title":        "🔥 連続記録",
		"streak.body":         "現在 %d 日 ・ 最長 %d 日 ・ フリーズ %d 個（最大 %d）",
		"streak.hint":         "問題が出た日に回答すると伸びます。出題のない日は途切れません。%d 日続けるごとにフリーズを 1 個もらえ、逃した日に自動で使われます。",
		"stats.title":         "📈 分野別の成績（弱い順）",
		"stats.row":           "%d/%d 正解（%d%%）・最終 %s",
		"stats.total":         "合計",
		"stats.empty":         "まだ回答がありません。/quiz で練習してみましょう。",
		"memo.title":          "🔎 メモ検索: %s",
		"memo.none":           "「%s」に当てはまるメモはありません。",
		"memo.more":           "上位 %d 件を表示しています。言葉を足すと絞り込めます。",
		"memo.usage":          "検索語を指定してください。",
		"explain.title":       "📖 問題 %s",
		"report.done":         "報告ありがとうございます（%s、報告 %d 件）。2 人以上が報告すると管理者が確認するまで出題しません。",
		"report.usage":        "問題 ID と理由を指定してください。",
		"report.none":         "報告はありません。",
		"report.title":        "🚩 報告された問題",
		"report.row":          "%d 件: %s",
		"report.cleared":      "%s の報告 %d 件を消しました。",
		"quiz.none":           "出題できる問題がありません。",
		"sched.set":           "スケジュールを %s（%s）にしました。次の出題: %s",
		"sched.bad":           "cron の書式が正しくありません: %v",
		"sched.tz":            "タイムゾーンが分かりません: %s",
		"sched.often":         "%s では出題が多すぎます。出題は 1 時間に 1 回までです（例: 0 9 * * 1-5）。",
		"sched.never":         "%s では一度も出題されません（例えば 2 月 31 日は来ません）。",
		"closeafter.set":      "締め切りを出題の %s 後にしました（次の出題の直前を超えません）。",
		"closeafter.bad":      "時間の書式が正しくありません: %s（1h〜24h）",
		"domains.set":         "出題分野: %s",
		"domains.bad":         "分野の指定が正しくありません: %s（%s のうちから）",
		"lang.set":            "このチャンネルの言語を日本語にしました。",
		"lang.bad":            "言語は ja か en です: %s",
		"paused":              "出題を一時停止しました。/studybot resume で再開します。",
		"resumed":             "出題を再開しました。次の出題: %s",
		"postnow":             "今すぐ出題します。",
		"status.title":        "⚙️ このチャンネルの設定",
		"status.schedule":     "スケジュール",
		"status.next":         "次の出題",
		"status.close":        "締め切り",
		"status.domains":      "出題分野",
		"status.lang":         "言語",
		"status.state":        "状態",
		"status.paused":       "一時停止中",
		"status.active":       "稼働中",
		"status.bank":         "問題数",
		"status.open":         "受付中の問題",
		"status.none":         "なし",
		"status.error":        "直近の投稿エラー",
		"help.title":          "studybot の使い方",
		"help.admins":         "管理者: %s",
		"question.unknown":    "問題 %s は見つかりません。ID はカードの下に出ています。",
		"quiz.usage":          "分野の番号を 1 つ指定するか、何も付けずに使ってください。",
		"quiz.example":        "/quiz 3",
		"memo.example":        "/memo CodeDeploy ロールバック",
		"lb.usage":            "分野、期間（week・month・all）、accuracy を組み合わせて指定できます。",
		"lb.example":          "/leaderboard 3 month",
		"explain.usage":       "問題 ID を 1 つ指定してください。",
		"explain.example":     "/explain 03e53e7ca1",
		"report.example":      "/report 03e53e7ca1 選択肢 B も正しい",
		"admin.usage":         "サブコマンドを指定してください: %s",
		"admin.example":       "/studybot status",
		"sched.usage":         "cron の書式でスケジュールを指定してください（タイムゾーンは最後に付けられます）。",
		"sched.example":       "/studybot schedule 0 9 * * 1-5 Asia/Tokyo",
		"closeafter.usage":    "締め切りまでの時間を 1 つ指定してください（1h〜24h）。",
		"closeafter.example":  "/studybot close-after 8h",
		"domains.usage":       "出題する分野を指定してください（%s のうちから、または all）。",
		"domains.example":     "/studybot domains 1,3,6",
		"lang.usage":          "言語を指定してください: ja か en。",
		"lang.example":        "/studybot lang en",
		"clearreport.usage":   "報告を消す問題 ID を 1 つ指定してください。",
		"clearreport.example": "/studybot clear-report 03e53e7ca1",
	},
	"en": {
		"card.title":          "📝 Today's question #%d — %s",
		"card.title.practice": "🏋️ Practice — %s",
		"card.context":        "Closes %s · %d answered · ID %s",
		"card.context.closed": "Closed · %d answered · ID %s",
		"card.practice":       "A practice question just for you; it does not count on leaderboards · ID %s",
		"fb.correct":          "✅ Correct!",
		"fb.wrong":            "❌ Not quite",
		"fb.answer":           "The answer is %s: %s",
		"fb.yours":            "You chose %s: %s",
		"fb.streak":           "🔥 %d-day streak (best %d, freezes %d)",
		"fb.rank":             "This week's rank: #%d (%s)",
		"fb.rank.up":          "up %d",
		"fb.rank.same":        "unchanged",
		"fb.rank.down":        "down %d",
		"fb.rank.new":         "new",
		"fb.already":          "You already answered (%s). Only your first answer counts.",
		"fb.closed":           "This question has closed. Your answer does not count, but here is the explanation.",
		"fb.practice":         "Practice only: recorded in your stats, not on leaderboards.",
		"err.button":          "That button no longer works (it is old or unknown). Wait for the next question or practise with /quiz.",
		"err.internal":        "Something went wrong on our side. Please try again; if it keeps happening, tell an admin.",
		"err.unknown":         "Unknown command: %s. /help lists them.",
		"err.admin":           "Only admins can do that (workspace/server admins or people listed in the config).",
		"err.dm":              "Please use this command in a channel.",
		"err.args":            "%s\nExample: %s",
		"results.title":       "📊 Results #%d — %s",
		"results.answer":      "Answer: %s: %s",
		"results.none":        "Nobody answered.",
		"results.first":       "First correct: %s",
		"results.milestone":   "🔥 %d-day streak: %s",
		"results.context":     "%d answered · %d%% correct · ID %s",
		"lb.title":            "🏆 Leaderboard — %s · %s",
		"lb.title.acc":        "🎯 Accuracy (at least %d answers) — %s · %s",
		"lb.empty":            "Nobody has answered yet.",
		"lb.row":              "%d pts · %d answered · %d%% correct",
		"lb.me":               "You: #%d · %d pts · %d answered · %d%% correct",
		"lb.me.none":          "You are not on this board yet.",
		"lb.players":          "%d players",
		"window.week":         "this week",
		"window.month":        "this month",
		"window.all":          "all time",
		"domain.all":          "all domains",
		"domain.n":            "Domain %d",
		"streak.title":        "🔥 Streak",
		"streak.body":         "Current %d days · best %d · freezes %d (max %d)",
		"streak.hint":         "Answer on days a question is posted to extend it; days without a question never break it. Every %d-day run earns a freeze, spent automatically on a missed day.",
		"stats.title":         "📈 Your domains, weakest first",
		"stats.row":           "%d/%d correct (%d%%) · last %s",
		"stats.total":         "Total",
		"stats.empty":         "No answers yet. Try /quiz.",
		"memo.title":          "🔎 Memo lookup: %s",
		"memo.none":           "Nothing in the memo matches “%s”.",
		"memo.more":           "Showing the top %d. Add words to narrow it down.",
		"memo.usage":          "Give a word to look up.",
		"explain.title":       "📖 Question %s",
		"report.done":         "Thanks for the report (%s, %d reports). Once two people report a question it is withheld until an admin clears it.",
		"report.usage":        "Give the question ID and a reason.",
		"report.none":         "No reports.",
		"report.title":        "🚩 Reported questions",
		"report.row":          "%d reports: %s",
		"report.cleared":      "Cleared %[2]d reports of %[1]s.",
		"quiz.none":           "No question to ask.",
		"sched.set":           "Schedule set to %s (%s). Next question: %s",
		"sched.bad":           "That cron spec does not parse: %v",
		"sched.tz":            "Unknown time zone: %s",
		"sched.often":         "%s posts too often: at most one question an hour (e.g. 0 9 * * 1-5).",
		"sched.never":         "%s never posts (there is no 31 February, for one).",
		"closeafter.set":      "Questions now close %s after posting (never past the next post).",
		"closeafter.bad":      "That duration does not parse: %s (1h to 24h)",
		"domains.set":         "Domains: %s",
		"domains.bad":         "Bad domain list: %s (choose from %s)",
		"lang.set":            "This channel now speaks English.",
		"lang.bad":            "Language must be ja or en: %s",
		"paused":              "Daily questions paused. /studybot resume restarts them.",
		"resumed":             "Daily questions resumed. Next question: %s",
		"postnow":             "Posting a question now.",
		"status.title":        "⚙️ Channel settings",
		"status.schedule":     "Schedule",
		"status.next":         "Next question",
		"status.close":        "Closes after",
		"status.domains":      "Domains",
		"status.lang":         "Language",
		"status.state":        "State",
		"status.paused":       "paused",
		"status.active":       "active",
		"status.bank":         "Questions",
		"status.open":         "Open question",
		"status.none":         "none",
		"status.error":        "Last posting error",
		"help.title":          "Using studybot",
		"help.admins":         "Admins: %s",
		"question.unknown":    "There is no question %s. The ID is shown under each card.",
		"quiz.usage":          "Give one domain number, or nothing.",
		"quiz.example":        "/quiz 3",
		"memo.example":        "/memo CodeDeploy rollback",
		"lb.usage":            "Combine a domain, a period (week, month, all) and accuracy as you like.",
		"lb.example":          "/leaderboard 3 month",
		"explain.usage":       "Give one question ID.",
		"explain.example":     "/explain 03e53e7ca1",
		"report.example":      "/report 03e53e7ca1 option B is also right",
		"admin.usage":         "Give a subcommand: %s",
		"admin.example":       "/studybot status",
		"sched.usage":         "Give the schedule as a cron spec (a time zone may follow).",
		"sched.example":       "/studybot schedule 0 9 * * 1-5 Asia/Tokyo",
		"closeafter.usage":    "Give one duration (1h to 24h).",
		"closeafter.example":  "/studybot close-after 8h",
		"domains.usage":       "Give the domains to draw from (from %s, or all).",
		"domains.example":     "/studybot domains 1,3,6",
		"lang.usage":          "Give a language: ja or en.",
		"lang.example":        "/studybot lang en",
		"clearreport.usage":   "Give the ID of the question whose reports to clear.",
		"clearreport.example": "/studybot clear-report 03e53e7ca1",
	},
}

// T returns the text for key in lang (falling back to Japanese), with args
// formatted in.
func T(lang, key string, args ...any) string {
	m, ok := catalog[lang]
	if !ok {
		m = catalog["ja"]
	}
	s, ok := m[key]
	if !ok {
		s = catalog["ja"][key]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// validLang reports whether the bot speaks lang.
func validLang(lang string) bool {
	for _, l := range Languages {
		if strings.EqualFold(l, lang) {
			return true
		}
	}
	return false
}

// CatalogKeys returns the sorted keys of a language's catalog (for tests
// and translators).
func CatalogKeys(lang string) []string {
	keys := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
