package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/studybot/studybot/bot"
)

func TestEmbedStaysWithinLimits(t *testing.T) {
	m := bot.Message{Title: strings.Repeat("題", 400), Body: strings.Repeat("本文", 5000), Quote: "引用", Context: "ctx"}
	for i := 0; i < 40; i++ {
		m.Fields = append(m.Fields, bot.Field{Name: strings.Repeat("名", 300), Value: strings.Repeat("値", 2000)})
	}
	e := embed(m)
	total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text)
	for _, f := range e.Fields {
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		if utf8.RuneCountInString(f.Name) > maxFieldName || utf8.RuneCountInString(f.Value) > maxFieldValue {
			t.Fatal("field over its limit")
		}
	}
	if total > maxEmbedTotal || len(e.Fields) > maxFields || utf8.RuneCountInString(e.Title) > maxTitle {
		t.Errorf("embed total %d, fields %d", total, len(e.Fields))
	}
	if !strings.Contains(e.Footer.Text, "truncated") {
		t.Error("no truncation hint")
	}
}

func TestComponents(t *testing.T) {
	m := bot.Message{Kind: bot.KindCard}
	for i := 0; i < 7; i++ {
		m.Buttons = append(m.Buttons, bot.Button{ActionID: "sb1:a:p:" + string(rune('a'+i)), Label: string(rune('A' + i)), Disabled: i == 0})
	}
	rows := components(m)
	js, _ := json.Marshal(rows)
	if len(rows) != 2 || !strings.Contains(string(js), `"disabled":true`) {
		t.Errorf("components: %s", js)
	}
}
