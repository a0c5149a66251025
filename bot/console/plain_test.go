package console

import "testing"

// TestPlain: every chat markup the core may carry becomes plain words,
// and text that only looks like it (cron specs, arithmetic, identifiers)
// is left alone.
func TestPlain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"*週間ダイジェスト*（11/23–11/29）: 今週の回答 2 件。", "週間ダイジェスト（11/23–11/29）: 今週の回答 2 件。"},
		{"*Weekly digest* (11/23–11/29): 2 answers this week.", "Weekly digest (11/23–11/29): 2 answers this week."},
		{"\n*伸びた人・下がった人*\n• bob +10 pt", "\n伸びた人・下がった人\n• bob +10 pt"},
		{"*a* *b*", "a b"},
		{"**bold** and **more bold**", "bold and more bold"},
		{"see <https://example.com/x|the page>", "see the page (https://example.com/x)"},
		{"see <https://example.com/x>", "see https://example.com/x"},
		{"> 問題文\n正解: A", "  │ 問題文\n正解: A"},
		{"0 9 * * 1-5 (Asia/Tokyo)", "0 9 * * 1-5 (Asia/Tokyo)"},
		{"*/5 9 * * *", "*/5 9 * * *"},
		{"2*3*4", "2*3*4"},
		{"a < b > c", "a < b > c"},
		{"studybot_errors_total{kind=\"reload\"}", "studybot_errors_total{kind=\"reload\"}"},
		{"", ""},
	} {
		if got := plain(tc.in); got != tc.want {
			t.Errorf("plain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
