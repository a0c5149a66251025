package web

import "testing"

// TestTextsComplete: every text exists in Japanese and English.
func TestTextsComplete(t *testing.T) {
	for key := range texts["ja"] {
		if _, ok := texts["en"][key]; !ok {
			t.Errorf("%s has no English text", key)
		}
	}
	for key := range texts["en"] {
		if _, ok := texts["ja"][key]; !ok {
			t.Errorf("%s has no Japanese text", key)
		}
	}
}
