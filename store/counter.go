package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Window is a leaderboard period.
type Window string

// Leaderboard windows: the ISO week and the month in the space's time zone,
// and all time.
const (
	Week  Window = "week"
	Month Window = "month"
	All   Window = "all"
)

// Windows lists every window.
var Windows = []Window{Week, Month, All}

// AllDomains asks a leaderboard or stats call for every domain together.
const AllDomains = -1

// windowKey names the period of w containing t.
func windowKey(w Window, t time.Time, loc *time.Location) (string, error) {
	t = t.In(loc)
	switch w {
	case Week:
		y, wk := t.ISOWeek()
		return fmt.Sprintf("w%04d-%02d", y, wk), nil
	case Month:
		return fmt.Sprintf("m%04d-%02d", t.Year(), int(t.Month())), nil
	case All:
		return "a", nil
	}
	return "", fmt.Errorf("window %q: %w", w, ErrInvalid)
}

func domainKey(domain int) string {
	if domain == AllDomains {
		return "all"
	}
	return strconv.Itoa(domain)
}

// counter is a user's tally in one (space, window, domain).
type counter struct {
	answered, correct uint64
	reached           time.Time // when the points last changed (or the first answer)
}

func (c counter) encode() []byte {
	b := make([]byte, 0, 24)
	b = putU64(b, c.answered)
	b = putU64(b, c.correct)
	return putTime(b, c.reached)
}

func decodeCounter(v []byte) counter {
	if len(v) < 24 {
		return counter{}
	}
	return counter{answered: getU64(v), correct: getU64(v[8:]), reached: getTime(v[16:])}
}

func (c counter) accuracy() float64 {
	if c.answered == 0 {
		return 0
	}
	return float64(c.correct) / float64(c.answered)
}

// rankSuffix orders a counter: most points, then best accuracy, then who
// got there first, then user ID.
func (c counter) rankSuffix(user string) []byte {
	b := make([]byte, 16, 16+len(user))
	binary.BigEndian.PutUint32(b, invU32(float64(c.correct)))
	binary.BigEndian.PutUint32(b[4:], invU32(math.Round(c.accuracy()*1e9)))
	binary.BigEndian.PutUint64(b[8:], uint64(c.reached.UnixNano()))
	return append(b, user...)
}

// bump adds one answer to the user's counters for every window and for the
// domain and all domains, keeping the rank index in step.
func bump(tx *bolt.Tx, space SpaceRef, loc *time.Location, domain int, user string, correct bool, at time.Time) error {
	cb := tx.Bucket(bCounters)
	if err := addDomainSum(tx, space, domain, correct); err != nil {
		return err
	}
	for _, w := range Windows {
		wk, _ := windowKey(w, at, loc)
		for _, dom := range []int{domain, AllDomains} {
			ck := key(space.Platform, space.ID, wk, domainKey(dom), user)
			old := decodeCounter(cb.Get(ck))
			nc := old
			nc.answered++
			if correct {
				nc.correct++
			}
			if correct || old.answered == 0 {
				nc.reached = at
			}
			rp := prefix(space.Platform, space.ID, wk, domainKey(dom))
			if old.answered == 0 {
				bk := key(space.Platform, space.ID, wk, domainKey(dom))
				bb := tx.Bucket(bBoards)
				if err := bb.Put(bk, putU64(nil, getU64(bb.Get(bk))+1)); err != nil {
					return err
				}
			}
			if err := movePoints(tx, space, wk, dom, old, nc); err != nil {
				return err
			}
			if err := moveIndexes(tx, rp, user, old, nc); err != nil {
				return err
			}
			if err := cb.Put(ck, nc.encode()); err != nil {
				return err
			}
		}
	}
	return nil
}

// pointsKey is the histogram key of a points value on a board; points are
// inverted so that a cursor meets the highest first.
func pointsKey(space SpaceRef, wk string, dom int, points uint64) []byte {
	return pointsKeyDK(space, wk, domainKey(dom), points)
}

func pointsKeyDK(space SpaceRef, wk, dk string, points uint64) []byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], invU32(float64(points)))
	return append(prefix(space.Platform, space.ID, wk, dk), b[:]...)
}

// movePoints keeps the board's points histogram in step with a counter change.
func movePoints(tx *bolt.Tx, space SpaceRef, wk string, dom int, old, nc counter) error {
	pb := tx.Bucket(bPoints)
	if old.answered > 0 {
		if old.correct == nc.correct {
			return nil
		}
		k := pointsKey(space, wk, dom, old.correct)
		n := getU64(pb.Get(k))
		if n <= 1 {
			if err := pb.Delete(k); err != nil {
				return err
			}
		} else if err := pb.Put(k, putU64(nil, n-1)); err != nil {
			return err
		}
	}
	k := pointsKey(space, wk, dom, nc.correct)
	return pb.Put(k, putU64(nil, getU64(pb.Get(k))+1))
}

// pointsRank is 1 + the number of players with more than points: the
// standard competition rank, where ties share a place. It reads the points
// histogram, so it costs the number of distinct scores, not of players.
func pointsRank(tx *bolt.Tx, space SpaceRef, wk string, dom int, points uint64) int {
	pre := prefix(space.Platform, space.ID, wk, domainKey(dom))
	stop := pointsKey(space, wk, dom, points)
	ahead := 0
	cur := tx.Bucket(bPoints).Cursor()
	for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre) && string(k) < string(stop); k, v = cur.Next() {
		ahead += int(getU64(v))
	}
	return ahead + 1
}

// rankMove returns the user's points rank on a board before this answer
// and now (0: not on the board), both read in the same, current state.
func rankMove(tx *bolt.Tx, space SpaceRef, wk string, domain int, user string, before counter) (int, int) {
	now := decodeCounter(tx.Bucket(bCounters).Get(key(space.Platform, space.ID, wk, domainKey(domain), user)))
	if now.answered == 0 {
		return 0, 0
	}
	after := pointsRank(tx, space, wk, domain, now.correct)
	if before.answered == 0 {
		return 0, after
	}
	prev := pointsRank(tx, space, wk, domain, before.correct)
	if now.correct > before.correct {
		prev-- // the user's own new score was counted as ahead of the old one
	}
	return prev, after
}

// Row is one line of a leaderboard.
type Row struct {
	// Rank is the 1-based position.
	Rank int
	// User is the user ID.
	User string
	// Points is the number of correct answers.
	Points int
	// Answered is the number of answers.
	Answered int
	// Accuracy is Points/Answered.
	Accuracy float64
}

// Board is a leaderboard with the caller's own row.
type Board struct {
	// Window and Domain say which board this is.
	Window Window
	// Domain is the domain number or AllDomains.
	Domain int
	// Period names the window's period ("w2026-48", "m2026-11", "a").
	Period string
	// Rows are the top rows.
	Rows []Row
	// Me is the caller's row (also when outside Rows), nil if they have no answer.
	Me *Row
	// Players is the number of users on the board.
	Players int
}

// boardPeriod returns the window key of w now in the space's time zone.
func (d *DB) boardPeriod(tx *bolt.Tx, space SpaceRef, w Window) (string, error) {
	sp, err := getSpace(tx, space)
	if err != nil {
		return "", err
	}
	return windowKey(w, d.now(), sp.Location())
}

// topRows fills board.Rows with the first limit entries of a board's
// ordered index (bRanks or bAccRanks, whose keys end in a 16-byte order
// then the user), each with its counter, and sets board.Me when me is
// among them.
func topRows(tx *bolt.Tx, index []byte, space SpaceRef, wk string, domain, limit int, me string, board *Board) {
	cb := tx.Bucket(bCounters)
	p := prefix(space.Platform, space.ID, wk, domainKey(domain))
	cur := tx.Bucket(index).Cursor()
	for k, _ := cur.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(board.Rows) < limit; k, _ = cur.Next() {
		user := string(k[len(p)+16:])
		c := decodeCounter(cb.Get(key(space.Platform, space.ID, wk, domainKey(domain), user)))
		board.Rows = append(board.Rows, Row{Rank: len(board.Rows) + 1, User: user, Points: int(c.correct), Answered: int(c.answered), Accuracy: c.accuracy()})
		if user == me {
			r := board.Rows[len(board.Rows)-1]
			board.Me = &r
		}
	}
}

// Leaderboard returns the top limit users of a space by points in a window
// and domain (or AllDomains), ties broken by accuracy and then by who got
// there first, plus the row of user me.
func (d *DB) Leaderboard(space SpaceRef, domain int, w Window, limit int, me string) (Board, error) {
	board := Board{Window: w, Domain: domain}
	err := d.view(func(tx *bolt.Tx) error {
		wk, err := d.boardPeriod(tx, space, w)
		if err != nil {
			return err
		}
		board.Period = wk
		topRows(tx, bRanks, space, wk, domain, limit, me, &board)
		if me != "" && board.Me == nil {
			board.Me = pointsRow(tx, space, wk, domain, me)
		}
		board.Players = int(getU64(tx.Bucket(bBoards).Get(key(space.Platform, space.ID, wk, domainKey(domain)))))
		return nil
	})
	if err != nil {
		return Board{}, fmt.Errorf("leaderboard %s: %w", space, err)
	}
	return board, nil
}
