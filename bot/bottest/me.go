package bottest

import (
	"fmt"
	"strings"

	"github.com/studybot/studybot/bot/render"
)

// MeFixture is a progress view (render.Me) for the adapters' goldens: an
// admin with a streak, two of today's questions (one answered), reviews
// due, six domains, a reminder. Huge makes every list and name far longer
// than any real state, for the limit tests.
func MeFixture(huge bool) render.Me {
	v := render.Me{Streak: 4, BestStreak: 9, Due: 7, Studied: 23, Overall: 0.42,
		Today: []render.MeToday{
			{PostID: "p-c1-20261201", Number: 12, Domain: "第 3 分野: 耐障害性の高いクラウドソリューション", Closes: "17:00"},
			{PostID: "p-c2-20261201", Number: 3, Domain: "第 1 分野: SDLC のオートメーション", Answered: true, Closes: "18:00"},
		},
		Weakest:  "第 4 分野: モニタリングとロギング",
		Reminder: render.MeReminder{On: true, At: "21:00", TZ: "Asia/Tokyo", Next: "21:00"},
		Admin:    &render.MeAdmin{Drafts: 14, Flagged: 2},
	}
	for i, name := range []string{"SDLC のオートメーション", "設定管理と IaC", "耐障害性の高いクラウドソリューション", "モニタリングとロギング", "インシデントとイベントへの対応", "セキュリティとコンプライアンス"} {
		v.Domains = append(v.Domains, render.MeDomain{Label: fmt.Sprintf("第 %d 分野: %s", i+1, name), Recall: float64(6-i) / 10, Seen: 6 - i, Items: 10})
	}
	if huge {
		long := strings.Repeat("とても長い分野名 <&> ", 40)
		v.Today, v.Domains = nil, nil
		for i := range 60 {
			v.Today = append(v.Today, render.MeToday{PostID: fmt.Sprintf("p-c%d-20261201", i), Number: i, Domain: long, Closes: "17:00"})
		}
		for i := range 300 {
			v.Domains = append(v.Domains, render.MeDomain{Label: fmt.Sprintf("第 %d 分野: %s", i, long), Recall: float64(i%10) / 10, Seen: i, Items: 300})
		}
		v.Weakest = long
		v.Reminder.TZ = "America/Argentina/ComodRivadavia"
		v.Streak, v.BestStreak, v.Due = 1000000, 1000000, 1000000
	}
	return v
}
