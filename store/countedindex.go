package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// countedIndex is an ordered index of leaderboard entries together with
// the number of its entries per block. Each entry's key is a board's
// prefix (space, period, domain) followed by an order suffix that ends in
// the user ID; the entry has no value. A block is a run of consecutive
// entries of one board, stored under the key its run starts at with the
// number of entries in it; a board's first block starts at the board's
// prefix itself, so every entry has a block: the one with the greatest
// start at or before the entry's key.
//
// Counting the entries between two keys then reads the counts of the
// blocks between them and walks at most two blocks' entries, instead of
// every entry: with 100,000 players on a board that is a few hundred block
// counts and at most 2×blockMax entries, where walking the index to the
// last player took 4.5 ms. Blocks split when they grow past blockMax and
// merge with a neighbour when the two hold at most blockMerge together, so
// a board of n entries has between n/blockMax and about 2n/blockMerge
// blocks.
//
// Both buckets change only through insert, remove and move, inside the
// answer's transaction; buildBlocks rebuilds the blocks from the entries
// (migration), and checkBlocks (store check) recounts them.
type countedIndex struct {
	name    string // for check reports
	entries []byte // bucket: board | suffix → nothing
	blocks  []byte // bucket: board | first suffix of the block → u64 count
}

// Block sizes: variables only so that tests can make blocks tiny and
// exercise splits and merges with a few entries.
var (
	// blockMax is the size past which a block splits into two halves.
	blockMax uint64 = 512
	// blockMerge is the largest number of entries that two neighbouring
	// blocks merge into after a removal.
	blockMerge uint64 = 256
	// blockFill is the size of the blocks buildBlocks writes.
	blockFill uint64 = 256
)

// The leaderboards' counted indexes: by points (the rank index; order
// suffix counter.rankSuffix) and by accuracy among the players with
// AccuracyMinAnswered answers (counter.accuracySuffix).
var (
	pointsIndex   = countedIndex{name: "rank index", entries: bRanks, blocks: bRankBlocks}
	accuracyIndex = countedIndex{name: "accuracy index", entries: bAccRanks, blocks: bAccBlocks}
)

// join returns a new slice holding a followed by b (bbolt keeps the keys
// it is given until the transaction ends, so each Put gets its own).
func join(a, b []byte) []byte {
	k := make([]byte, 0, len(a)+len(b))
	return append(append(k, a...), b...)
}

// floor moves c to the greatest key at or before k and returns it (nil if
// there is none).
func floor(c *bolt.Cursor, k []byte) ([]byte, []byte) {
	got, v := c.Seek(k)
	switch {
	case got == nil:
		return c.Last()
	case bytes.Equal(got, k):
		return got, v
	}
	return c.Prev()
}

// has reports whether bucket b holds key k. (Get cannot tell: it returns
// nil for an entry with an empty value written in the same transaction.)
func has(b *bolt.Bucket, k []byte) bool {
	got, _ := b.Cursor().Seek(k)
	return got != nil && bytes.Equal(got, k)
}

// blockOf returns the start (a copy) and count of the block holding key k
// of board, or nil when the board has no block.
func (ix countedIndex) blockOf(tx *bolt.Tx, board, k []byte) ([]byte, uint64) {
	bk, v := floor(tx.Bucket(ix.blocks).Cursor(), k)
	if bk == nil || !bytes.HasPrefix(bk, board) {
		return nil, 0
	}
	return append([]byte(nil), bk...), getU64(v)
}

// move replaces a board's entry old with new (either may be nil: no entry
// before, or none after).
func (ix countedIndex) move(tx *bolt.Tx, board, old, new []byte) error {
	if old != nil && new != nil && bytes.Equal(old, new) {
		return nil
	}
	if old != nil {
		if err := ix.remove(tx, board, old); err != nil {
			return err
		}
	}
	if new != nil {
		return ix.insert(tx, board, new)
	}
	return nil
}

// insert adds the entry suffix to board and counts it in its block,
// splitting the block when it grows past blockMax.
func (ix countedIndex) insert(tx *bolt.Tx, board, suffix []byte) error {
	k := join(board, suffix)
	if err := tx.Bucket(ix.entries).Put(k, nil); err != nil {
		return err
	}
	bk, n := ix.blockOf(tx, board, k)
	if bk == nil {
		bk = append([]byte(nil), board...) // the board's first entry: its first block
	}
	n++
	if n <= blockMax {
		return tx.Bucket(ix.blocks).Put(bk, putU64(nil, n))
	}
	// split: the second half starts at the block's (n/2)th entry
	c := tx.Bucket(ix.entries).Cursor()
	e, _ := c.Seek(bk)
	for i := uint64(0); i < n/2 && e != nil; i++ {
		e, _ = c.Next()
	}
	if e == nil || !bytes.HasPrefix(e, board) {
		return fmt.Errorf("%s: block %q counts more entries than its board holds: %w", ix.name, bk, ErrCorrupt)
	}
	mid := append([]byte(nil), e...)
	bb := tx.Bucket(ix.blocks)
	if err := bb.Put(bk, putU64(nil, n/2)); err != nil {
		return err
	}
	return bb.Put(mid, putU64(nil, n-n/2))
}

// remove deletes the entry suffix of board and uncounts it from its block,
// merging the block with a neighbour when the two hold at most blockMerge
// entries (an emptied block always goes, and a board's last block with its
// last entry).
func (ix countedIndex) remove(tx *bolt.Tx, board, suffix []byte) error {
	k := join(board, suffix)
	eb := tx.Bucket(ix.entries)
	if !has(eb, k) {
		return nil
	}
	if err := eb.Delete(k); err != nil {
		return err
	}
	bk, n := ix.blockOf(tx, board, k)
	if bk == nil || n == 0 {
		return fmt.Errorf("%s: entry %q lies in no counted block: %w", ix.name, k, ErrCorrupt)
	}
	n--
	bb := tx.Bucket(ix.blocks)
	c := bb.Cursor()
	c.Seek(bk)
	pk, pv := c.Prev()
	if pk != nil && !bytes.HasPrefix(pk, board) {
		pk = nil
	}
	pk, pn := append([]byte(nil), pk...), getU64(pv)
	c.Seek(bk)
	nk, nv := c.Next()
	if nk != nil && !bytes.HasPrefix(nk, board) {
		nk = nil
	}
	nk, nn := append([]byte(nil), nk...), getU64(nv)
	switch {
	case len(pk) > 0 && (n == 0 || pn+n <= blockMerge): // into the previous block
		if err := bb.Delete(bk); err != nil {
			return err
		}
		return bb.Put(pk, putU64(nil, pn+n))
	case len(nk) > 0 && n+nn <= blockMerge: // the next block into this one
		if err := bb.Delete(nk); err != nil {
			return err
		}
		return bb.Put(bk, putU64(nil, n+nn))
	case n == 0 && len(nk) == 0: // the board's last entry
		return bb.Delete(bk)
	}
	return bb.Put(bk, putU64(nil, n))
}

// between counts the entries of board whose suffix is at or after from and
// before to (nil from: the board's start; nil to: its end).
func (ix countedIndex) between(tx *bolt.Tx, board, from, to []byte) int {
	lo := join(board, from)
	var hi []byte
	if to != nil {
		hi = join(board, to)
		if bytes.Compare(lo, hi) >= 0 {
			return 0
		}
	}
	bc := tx.Bucket(ix.blocks).Cursor()
	bk, v := floor(bc, lo)
	if bk == nil || !bytes.HasPrefix(bk, board) {
		return 0 // no entries
	}
	n := 0
	walkFrom := lo               // where the entries still to count start
	whole := bytes.Equal(bk, lo) // the current block starts at walkFrom
	count := int(getU64(v))      // the current block's count
	for k, v := bc.Next(); k != nil && bytes.HasPrefix(k, board) && (hi == nil || bytes.Compare(k, hi) <= 0); k, v = bc.Next() {
		// the current block ends before k, at or before hi
		if whole {
			n += count
		} else {
			n += ix.walk(tx, board, walkFrom, k)
		}
		walkFrom, whole, count = k, true, int(getU64(v))
	}
	switch {
	case hi != nil:
		return n + ix.walk(tx, board, walkFrom, hi)
	case whole:
		return n + count
	}
	return n + ix.walk(tx, board, walkFrom, nil)
}

// walk counts board's entries with keys from lo up to hi (nil: the
// board's end) one by one.
func (ix countedIndex) walk(tx *bolt.Tx, board, lo, hi []byte) int {
	n := 0
	c := tx.Bucket(ix.entries).Cursor()
	for k, _ := c.Seek(lo); k != nil && bytes.HasPrefix(k, board) && (hi == nil || bytes.Compare(k, hi) < 0); k, _ = c.Next() {
		n++
	}
	return n
}

// buildBlocks writes the blocks of every board from the index's entries,
// blockFill entries each, replacing any blocks stored (migration).
func (ix countedIndex) buildBlocks(tx *bolt.Tx) error {
	if tx.Bucket(ix.blocks) != nil {
		if err := tx.DeleteBucket(ix.blocks); err != nil {
			return err
		}
	}
	bb, err := tx.CreateBucket(ix.blocks)
	if err != nil {
		return err
	}
	var board, start []byte
	var n uint64
	flush := func() error {
		if start == nil {
			return nil
		}
		return bb.Put(start, putU64(nil, n))
	}
	c := tx.Bucket(ix.entries).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		b, ok := boardOf(k)
		if !ok {
			return fmt.Errorf("%s: entry %q: %w", ix.name, k, ErrCorrupt)
		}
		switch {
		case !bytes.Equal(b, board):
			if err := flush(); err != nil {
				return err
			}
			board, start, n = b, b, 0
		case n == blockFill:
			if err := flush(); err != nil {
				return err
			}
			start, n = append([]byte(nil), k...), 0
		}
		n++
	}
	return flush()
}

// boardOf returns the board prefix of an index entry's key: its first four
// parts (platform, space, period, domain) with their separators. The order
// suffix after it is binary.
func boardOf(k []byte) ([]byte, bool) {
	seps := 0
	for i, c := range k {
		if c == sep {
			if seps++; seps == 4 {
				return append([]byte(nil), k[:i+1]...), true
			}
		}
	}
	return nil, false
}

// checkBlocks recounts the entries of every block and reports blocks whose
// count is wrong and entries outside every block of their board.
func (ix countedIndex) checkBlocks(tx *bolt.Tx, pruned func([]byte) bool, report func(string, ...any)) {
	want := map[string]uint64{}
	bc := tx.Bucket(ix.blocks).Cursor()
	_ = tx.Bucket(ix.entries).ForEach(func(k, _ []byte) error {
		if pruned(k) {
			return nil
		}
		board, ok := boardOf(k)
		if !ok {
			report("%s entry %q malformed", ix.name, k)
			return nil
		}
		bk, _ := floor(bc, k)
		if bk == nil || !bytes.HasPrefix(bk, board) {
			report("%s entry %q lies in no block", ix.name, k)
			return nil
		}
		want[string(bk)]++
		return nil
	})
	_ = tx.Bucket(ix.blocks).ForEach(func(k, v []byte) error {
		if pruned(k) {
			return nil
		}
		if getU64(v) != want[string(k)] {
			report("%s block %q counts %d entries, holds %d", ix.name, k, getU64(v), want[string(k)])
		}
		return nil
	})
}
