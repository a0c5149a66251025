package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// The bbolt page layout (go.etcd.io/bbolt/internal/common), read here
// without bbolt so that a damaged file can be judged without panics.
const (
	pageHeaderSize  = 16
	elemSize        = 16 // branch and leaf elements alike
	branchPageFlag  = 0x01
	leafPageFlag    = 0x02
	bucketLeafFlag  = 0x01
	bucketHeaderLen = 16 // root pgid, sequence
	maxTreeDepth    = 64
)

// rawCheck walks every page reachable from the root bucket of tx by reading
// the file itself, with bounds-checked slices: each page must identify
// itself, lie below the high-water mark, be a branch or leaf page and be
// referenced once; elements must fit their page and keys must be ordered.
// These are the conditions under which bbolt's own walkers panic or
// report corruption from goroutines that no caller can recover. r reads
// the file as of tx (no other writer may hold it).
func rawCheck(tx *bolt.Tx, r io.ReaderAt) error {
	pageSize := tx.DB().Info().PageSize
	if pageSize <= 0 {
		return errors.New("page size unknown")
	}
	hwm := uint64(tx.Size()) / uint64(pageSize)
	w := &rawWalker{r: r, pageSize: pageSize, hwm: hwm, seen: map[uint64]bool{0: true, 1: true}}
	return w.bucket(uint64(tx.Cursor().Bucket().Root()), nil, 0)
}

type rawWalker struct {
	r        io.ReaderAt
	pageSize int
	hwm      uint64
	seen     map[uint64]bool
}

// bucket checks a bucket whose root is page root, or the inline page
// inline when root is 0.
func (w *rawWalker) bucket(root uint64, inline []byte, depth int) error {
	if depth > maxTreeDepth {
		return errors.New("buckets nested too deep")
	}
	if root == 0 {
		if len(inline) < pageHeaderSize {
			return errors.New("inline bucket too short")
		}
		_, err := w.node(inline, 0, nil, nil, depth)
		return err
	}
	_, err := w.tree(root, nil, nil, depth)
	return err
}

// tree checks the page id and its subtree; keys must be in [lo, hi).
func (w *rawWalker) tree(id uint64, lo, hi []byte, depth int) ([]byte, error) {
	if depth > maxTreeDepth {
		return nil, fmt.Errorf("page %d: tree too deep", id)
	}
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("page %d: out of bounds (high-water mark %d)", id, w.hwm)
	}
	head := make([]byte, pageHeaderSize)
	if _, err := w.r.ReadAt(head, int64(id)*int64(w.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	if got := binary.LittleEndian.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d: identifies as %d", id, got)
	}
	overflow := uint64(binary.LittleEndian.Uint32(head[12:]))
	if id+overflow >= w.hwm {
		return nil, fmt.Errorf("page %d: overflow %d beyond the high-water mark %d", id, overflow, w.hwm)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return nil, fmt.Errorf("page %d: multiple references", i)
		}
		w.seen[i] = true
	}
	buf := make([]byte, int(overflow+1)*w.pageSize)
	if _, err := w.r.ReadAt(buf, int64(id)*int64(w.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return w.node(buf, id, lo, hi, depth)
}

// node checks one page held in buf.
func (w *rawWalker) node(buf []byte, id uint64, lo, hi []byte, depth int) ([]byte, error) {
	flags := binary.LittleEndian.Uint16(buf[8:])
	count := int(binary.LittleEndian.Uint16(buf[10:]))
	if pageHeaderSize+count*elemSize > len(buf) {
		return nil, fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	field := func(i, off int) uint32 {
		return binary.LittleEndian.Uint32(buf[pageHeaderSize+i*elemSize+off:])
	}
	slice := func(i int, pos, n uint64) ([]byte, error) {
		start := uint64(pageHeaderSize+i*elemSize) + pos
		if start+n > uint64(len(buf)) {
			return nil, fmt.Errorf("page %d: element %d out of its page", id, i)
		}
		return buf[start : start+n], nil
	}
	ordered := func(i int, k, prev []byte) error {
		if prev != nil && bytes.Compare(prev, k) > 0 || i > 0 && bytes.Equal(prev, k) {
			return fmt.Errorf("page %d: key %d out of order", id, i)
		}
		if hi != nil && bytes.Compare(k, hi) >= 0 {
			return fmt.Errorf("page %d: key %d beyond its parent's range", id, i)
		}
		return nil
	}
	var last []byte
	switch {
	case flags == branchPageFlag:
		prev := lo
		for i := 0; i < count; i++ {
			k, err := slice(i, uint64(field(i, 0)), uint64(field(i, 4)))
			if err != nil {
				return nil, err
			}
			if err := ordered(i, k, prev); err != nil {
				return nil, err
			}
			next := hi
			if i+1 < count {
				if next, err = slice(i+1, uint64(field(i+1, 0)), uint64(field(i+1, 4))); err != nil {
					return nil, err
				}
			}
			child := binary.LittleEndian.Uint64(buf[pageHeaderSize+i*elemSize+8:])
			if last, err = w.tree(child, k, next, depth+1); err != nil {
				return nil, err
			}
			prev = last
		}
	case flags == leafPageFlag:
		prev := lo
		for i := 0; i < count; i++ {
			kv, err := slice(i, uint64(field(i, 4)), uint64(field(i, 8))+uint64(field(i, 12)))
			if err != nil {
				return nil, err
			}
			k, v := kv[:field(i, 8)], kv[field(i, 8):]
			if err := ordered(i, k, prev); err != nil {
				return nil, err
			}
			if field(i, 0)&bucketLeafFlag != 0 {
				if len(v) < bucketHeaderLen {
					return nil, fmt.Errorf("page %d: bucket %q header too short", id, k)
				}
				if err := w.bucket(binary.LittleEndian.Uint64(v), v[bucketHeaderLen:], depth+1); err != nil {
					return nil, fmt.Errorf("bucket %q: %w", k, err)
				}
			}
			prev, last = k, k
		}
	default:
		return nil, fmt.Errorf("page %d: not a branch or leaf page (flags %#x)", id, flags)
	}
	return last, nil
}
