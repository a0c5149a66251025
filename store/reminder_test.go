package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestReminders: a reminder is stored per user per space with its index
// entry; NextReminder is the soonest; DueReminders hands out only the due
// ones, once each, stores what fn set, and survives a reopen; Check and
// Export see reminders.
func TestReminders(t *testing.T) {
	c := newClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "r.db")
	db, err := Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetReminder(testSpace, "U1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no reminder yet: %v", err)
	}
	if n, err := db.NextReminder(); err != nil || !n.IsZero() {
		t.Fatalf("NextReminder on an empty store = %v, %v", n, err)
	}
	if got, err := db.DueReminders(c.Now(), 10, func(*Reminder) bool { return true }); err != nil || len(got) != 0 {
		t.Fatalf("DueReminders on an empty store = %v, %v", got, err)
	}
	base := c.Now()
	for i, u := range []string{"U1", "U2", "U3"} {
		_, err := db.UpdateReminder(testSpace, u, func(r *Reminder, found bool) error {
			if found {
				t.Errorf("%s found before it was set", u)
			}
			r.On, r.At, r.TZ = true, 9*60, "Asia/Tokyo"
			r.Next = base.Add(time.Duration(3-i) * time.Hour) // U3 first
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// another space is apart
	other := SpaceRef{Platform: Slack, ID: "T2"}
	if _, err := db.UpdateReminder(other, "U1", func(r *Reminder, _ bool) error { r.On = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if r, err := db.GetReminder(other, "U1"); err != nil || !r.Next.IsZero() || r.Space != other {
		t.Fatalf("other space's reminder = %+v, %v", r, err)
	}
	if n, _ := db.NextReminder(); !n.Equal(base.Add(time.Hour)) {
		t.Fatalf("NextReminder = %v, want U3's %v", n, base.Add(time.Hour))
	}
	// an error from fn stores nothing
	boom := errors.New("boom")
	if _, err := db.UpdateReminder(testSpace, "U1", func(r *Reminder, _ bool) error { r.On = false; return boom }); !errors.Is(err, boom) {
		t.Fatalf("fn's error: %v", err)
	}
	if r, _ := db.GetReminder(testSpace, "U1"); !r.On {
		t.Fatal("a failed update changed the reminder")
	}

	// at base+2h U3 and U2 are due, soonest first; U2 is handed back
	// with a new Next, U3 is only rescheduled
	var order []string
	got, err := db.DueReminders(base.Add(2*time.Hour), 10, func(r *Reminder) bool {
		order = append(order, r.User)
		r.Next = base.Add(24 * time.Hour)
		r.Last = base.Add(2 * time.Hour)
		return r.User == "U2"
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].User != "U2" || !got[0].Last.Equal(base.Add(2*time.Hour)) || len(order) != 2 || order[0] != "U3" {
		t.Fatalf("DueReminders = %+v (looked at %v)", got, order)
	}
	again, err := db.DueReminders(base.Add(2*time.Hour), 10, func(r *Reminder) bool { t.Errorf("%s handed out twice", r.User); return true })
	if err != nil || len(again) != 0 {
		t.Fatalf("second DueReminders = %v, %v", again, err)
	}
	// max bounds one call
	for _, u := range []string{"U4", "U5", "U6"} {
		db.UpdateReminder(testSpace, u, func(r *Reminder, _ bool) error { r.Next = base.Add(5 * time.Hour); return nil })
	}
	first, _ := db.DueReminders(base.Add(5*time.Hour), 2, func(r *Reminder) bool { r.Next = time.Time{}; return true })
	rest, _ := db.DueReminders(base.Add(5*time.Hour), 2, func(r *Reminder) bool { r.Next = time.Time{}; return true })
	if len(first) != 2 || len(rest) != 2 { // U1 (due at base+3h) and the last of U4–U6
		t.Fatalf("bounded calls took %d then %d", len(first), len(rest))
	}
	if _, err := db.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}
	var out bytes.Buffer
	if err := db.Export(&out); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var rec struct{ Kind string }
		if json.Unmarshal(line, &rec) == nil && rec.Kind == "reminder" {
			n++
		}
	}
	if n != 7 {
		t.Errorf("export has %d reminders, want 7", n)
	}
	db.Close()

	// after a reopen the claim holds
	db, err = Open(path, &Options{Now: c.Now, NoSync: true, BatchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r, err := db.GetReminder(testSpace, "U2"); err != nil || !r.Last.Equal(base.Add(2*time.Hour)) || !r.Next.Equal(base.Add(24*time.Hour)) {
		t.Fatalf("U2 after reopen = %+v, %v", r, err)
	}
	if n, _ := db.NextReminder(); !n.Equal(base.Add(24 * time.Hour)) {
		t.Fatalf("NextReminder after reopen = %v", n)
	}
	if _, err := db.UpdateReminder(testSpace, "", func(*Reminder, bool) error { return nil }); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty user: %v", err)
	}
}
