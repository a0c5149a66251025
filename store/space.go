package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Platform names where a space lives.
const (
	Slack   = "slack"
	Discord = "discord"
	Console = "console"
)

// DefaultTZ is the time zone of spaces and channels that set none.
const DefaultTZ = "Asia/Tokyo"

// SpaceRef identifies a space: one Slack workspace, Discord guild or
// console session.
type SpaceRef struct {
	// Platform is Slack, Discord or Console.
	Platform string `json:"platform"`
	// ID is the platform's own ID (team ID, guild ID, session name).
	ID string `json:"id"`
}

// String returns "platform:id".
func (s SpaceRef) String() string { return s.Platform + ":" + s.ID }

func (s SpaceRef) valid() error {
	if err := validID("platform", s.Platform); err != nil {
		return err
	}
	return validID("space", s.ID)
}

// Space is a workspace, guild or console session.
type Space struct {
	// Ref identifies the space.
	Ref SpaceRef `json:"ref"`
	// TZ is the IANA zone for day boundaries, streaks and weekly windows.
	TZ string `json:"tz"`
	// Created is when the space was first seen.
	Created time.Time `json:"created"`
}

// Location returns the space's time zone (DefaultTZ if unset or unknown).
func (s Space) Location() *time.Location { return loadLoc(s.TZ) }

// locations caches loaded time zones: LoadLocation reads zone data each call.
var locations sync.Map

// location returns the zone named tz (DefaultTZ if empty or unknown), cached.
func (d *DB) location(tz string) *time.Location { return loadLoc(tz) }

func loadLoc(tz string) *time.Location {
	if l, ok := locations.Load(tz); ok {
		return l.(*time.Location)
	}
	l := loadLocSlow(tz)
	locations.Store(tz, l)
	return l
}

func loadLocSlow(tz string) *time.Location {
	if tz == "" {
		tz = DefaultTZ
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc, _ = time.LoadLocation(DefaultTZ)
		if loc == nil {
			return time.UTC
		}
	}
	return loc
}

// EnsureSpace returns the space, creating it with the given time zone if it
// is new. An existing space keeps its zone.
func (d *DB) EnsureSpace(ref SpaceRef, tz string) (Space, error) {
	if err := ref.valid(); err != nil {
		return Space{}, err
	}
	if _, err := time.LoadLocation(tz); tz != "" && err != nil {
		return Space{}, fmt.Errorf("space %s: time zone %q: %w", ref, tz, ErrInvalid)
	}
	var sp Space
	err := d.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSpaces)
		k := key(ref.Platform, ref.ID)
		if v := b.Get(k); v != nil {
			return json.Unmarshal(v, &sp)
		}
		if tz == "" {
			tz = DefaultTZ
		}
		sp = Space{Ref: ref, TZ: tz, Created: d.now().UTC()}
		v, err := json.Marshal(sp)
		if err != nil {
			return err
		}
		return b.Put(k, v)
	})
	if err != nil {
		return Space{}, fmt.Errorf("ensure space %s: %w", ref, err)
	}
	return sp, nil
}

func getSpace(tx *bolt.Tx, ref SpaceRef) (Space, error) {
	v := tx.Bucket(bSpaces).Get(key(ref.Platform, ref.ID))
	if v == nil {
		return Space{}, fmt.Errorf("space %s: %w", ref, ErrNotFound)
	}
	var sp Space
	if err := json.Unmarshal(v, &sp); err != nil {
		return Space{}, fmt.Errorf("space %s: %w", ref, err)
	}
	return sp, nil
}

// GetSpace returns a space.
func (d *DB) GetSpace(ref SpaceRef) (Space, error) {
	var sp Space
	err := d.view(func(tx *bolt.Tx) error {
		var err error
		sp, err = getSpace(tx, ref)
		return err
	})
	return sp, err
}

// Channel is a chat channel with its daily-question settings.
type Channel struct {
	// Space is the space the channel belongs to.
	Space SpaceRef `json:"space"`
	// ID is the platform's channel ID.
	ID string `json:"id"`
	// Cron is the schedule in standard cron syntax ("0 9 * * 1-5").
	Cron string `json:"cron"`
	// TZ is the schedule's IANA time zone.
	TZ string `json:"tz"`
	// Lang is the language of the bot's texts ("ja" or "en").
	Lang string `json:"lang"`
	// Domains lists the exam domains drawn from; empty means all.
	Domains []int `json:"domains,omitempty"`
	// CloseAfter is how long a daily question stays open.
	CloseAfter time.Duration `json:"close_after"`
	// Paused stops the schedule without losing the settings.
	Paused bool `json:"paused"`
	// DigestOff turns the weekly digest off for the channel (it is on by
	// default).
	DigestOff bool `json:"digest_off,omitempty"`
	// DigestDay is the weekday the digest follows that day's first
	// scheduled question: "mon" … "sun"; empty means Monday.
	DigestDay string `json:"digest_day,omitempty"`
	// DigestTime is the local time of day ("18:00") the digest goes out on
	// its day, in the channel's zone; empty means right after that day's
	// first scheduled question.
	DigestTime string `json:"digest_time,omitempty"`
	// DigestWeek is the start of the last week whose digest was sent
	// (claimed) by the due path.
	DigestWeek time.Time `json:"digest_week,omitempty"`
	// Pool names which questions the daily post and /quiz may use:
	// "approved", "approved-first" or "all"; empty means approved-first.
	Pool string `json:"pool,omitempty"`
	// LastFired is the last schedule slot posted (for catch-up after
	// restarts). Only SetLastFired moves it, and only forwards: PutChannel
	// and UpdateChannel keep the stored value.
	LastFired time.Time `json:"last_fired"`
	// SkipUntil makes slots at or before it never post: set when the
	// schedule changes or the channel resumes, so that no slot from before
	// the change is caught up.
	SkipUntil time.Time `json:"skip_until,omitempty"`
	// Created is when the channel was first configured.
	Created time.Time `json:"created"`
	// LastError is the last error met posting in the channel (empty once a
	// post gets through), for admins; LastErrorAt is when it happened.
	// PutChannel keeps the stored values.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitempty"`
}

// Location returns the channel's schedule time zone.
func (c Channel) Location() *time.Location { return loadLoc(c.TZ) }

// PutChannel creates or replaces a channel's settings. The space must
// exist. The stored LastFired and Created are kept (LastFired belongs to
// the scheduler); to change settings of an existing channel use
// UpdateChannel, which cannot lose a concurrent change.
func (d *DB) PutChannel(c Channel) error {
	if err := c.Space.valid(); err != nil {
		return err
	}
	if err := validID("channel", c.ID); err != nil {
		return err
	}
	err := d.group(func(tx *bolt.Tx) error {
		if _, err := getSpace(tx, c.Space); err != nil {
			return err
		}
		b := tx.Bucket(bChannels)
		k := key(c.Space.Platform, c.Space.ID, c.ID)
		if v := b.Get(k); v != nil {
			var old Channel
			if err := json.Unmarshal(v, &old); err != nil {
				return fmt.Errorf("stored channel: %w", err)
			}
			c.LastFired, c.LastError, c.LastErrorAt = old.LastFired, old.LastError, old.LastErrorAt
			if c.Created.IsZero() {
				c.Created = old.Created
			}
		} else {
			c.LastFired, c.LastError, c.LastErrorAt = time.Time{}, "", time.Time{}
		}
		if c.Created.IsZero() {
			c.Created = d.now().UTC()
		}
		return putJSON(b, k, c)
	})
	if err != nil {
		return fmt.Errorf("put channel %s/%s: %w", c.Space, c.ID, err)
	}
	return nil
}

// UpdateChannel changes a channel's settings in one transaction: fn gets
// the stored record and edits it in place; an error from fn aborts the
// update and is returned as is. Space, ID, Created and LastFired cannot be
// changed this way. It returns the channel as stored, or ErrNotFound.
func (d *DB) UpdateChannel(space SpaceRef, id string, fn func(*Channel) error) (Channel, error) {
	var c Channel
	err := d.group(func(tx *bolt.Tx) error {
		old, err := getChannel(tx, space, id)
		if err != nil {
			return err
		}
		c = old
		c.Domains = append([]int(nil), old.Domains...)
		if err := fn(&c); err != nil {
			return err
		}
		c.Space, c.ID, c.Created, c.LastFired = old.Space, old.ID, old.Created, old.LastFired
		return putChannel(tx, c)
	})
	if err != nil {
		return Channel{}, err
	}
	return c, nil
}

// GetChannel returns a channel's settings.
func (d *DB) GetChannel(space SpaceRef, id string) (Channel, error) {
	var c Channel
	err := d.view(func(tx *bolt.Tx) error {
		var err error
		c, err = getChannel(tx, space, id)
		return err
	})
	return c, err
}

// getChannel reads a channel's record in tx, or ErrNotFound.
func getChannel(tx *bolt.Tx, space SpaceRef, id string) (Channel, error) {
	var c Channel
	v := tx.Bucket(bChannels).Get(key(space.Platform, space.ID, id))
	if v == nil {
		return c, fmt.Errorf("channel %s/%s: %w", space, id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &c); err != nil {
		return c, fmt.Errorf("channel %s/%s: %w", space, id, err)
	}
	return c, nil
}

// putChannel writes a channel's record in tx.
func putChannel(tx *bolt.Tx, c Channel) error {
	return putJSON(tx.Bucket(bChannels), key(c.Space.Platform, c.Space.ID, c.ID), c)
}

// Channels returns every configured channel, ordered by space and ID.
func (d *DB) Channels() ([]Channel, error) {
	var out []Channel
	err := d.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bChannels).ForEach(func(k, v []byte) error {
			var c Channel
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("channel %q: %w", k, err)
			}
			out = append(out, c)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Space != out[j].Space {
			return out[i].Space.String() < out[j].Space.String()
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

// SetLastFired records the last schedule slot posted in a channel; it never
// moves backwards.
func (d *DB) SetLastFired(space SpaceRef, id string, slot time.Time) error {
	return d.group(func(tx *bolt.Tx) error { return setLastFired(tx, space, id, slot) })
}

// setLastFired is SetLastFired in tx.
func setLastFired(tx *bolt.Tx, space SpaceRef, id string, slot time.Time) error {
	c, err := getChannel(tx, space, id)
	if err != nil {
		return err
	}
	if !slot.After(c.LastFired) {
		return nil
	}
	c.LastFired = slot.UTC()
	return putChannel(tx, c)
}
