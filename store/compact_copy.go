package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// compactBudget is the most a compaction of a database whose transaction
// sees size bytes may copy: every key and value is stored once in the
// file, so a walk that yields more than twice the file (plus a little for
// tiny files) is going round in circles through damaged pages.
func compactBudget(size int64) int64 { return 2*size + 1<<20 }

// copyElemCost is what each record counts towards the budget beyond its
// bytes, so that a loop over empty keys is bounded too.
const copyElemCost = 16

// copyCheckEvery is how many records are copied between looks at ctx.
const copyCheckEvery = 256

// copyTx copies every bucket and record that src sees into the empty
// database dst, as bbolt.Compact does (pages filled to the brim, a commit
// whenever compactTxMax bytes were copied), but with bounded work: it
// stops with ErrCorrupt when it has read more than budget bytes or finds
// buckets nested deeper than maxTreeDepth, and with ctx's error when ctx
// ends. Whatever it committed to dst before stopping stays there.
func copyTx(ctx context.Context, src *bolt.Tx, dst *bolt.DB, budget int64) (err error) {
	c := &copier{ctx: ctx, dst: dst, budget: budget}
	if c.tx, err = dst.Begin(true); err != nil {
		return err
	}
	defer func() {
		if c.tx != nil {
			c.tx.Rollback()
		}
	}()
	err = src.ForEach(func(name []byte, b *bolt.Bucket) error {
		if err := c.put(nil, name, nil, b.Sequence()); err != nil {
			return err
		}
		return c.bucket(b, [][]byte{name})
	})
	if err != nil {
		return err
	}
	tx := c.tx
	c.tx = nil
	return tx.Commit()
}

// copier is the state of one copyTx.
type copier struct {
	ctx    context.Context
	dst    *bolt.DB
	tx     *bolt.Tx // the open write transaction on dst
	txSize int64    // bytes put in tx
	copied int64    // bytes read from the source so far
	budget int64
	n      int // records copied
}

// bucket copies the contents of b, found at path.
func (c *copier) bucket(b *bolt.Bucket, path [][]byte) error {
	if len(path) > maxTreeDepth {
		return fmt.Errorf("%w: buckets nested more than %d deep: the file's pages loop", ErrCorrupt, maxTreeDepth)
	}
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if v != nil {
			if err := c.put(path, k, v, 0); err != nil {
				return err
			}
			continue
		}
		nb := b.Bucket(k)
		if nb == nil {
			return fmt.Errorf("%w: an entry without a value is not a bucket", ErrCorrupt)
		}
		if err := c.put(path, k, nil, nb.Sequence()); err != nil {
			return err
		}
		if err := c.bucket(nb, append(path[:len(path):len(path)], k)); err != nil {
			return err
		}
	}
	return nil
}

// put writes the record k, v (a bucket with sequence seq when v is nil)
// into the bucket at path of dst.
func (c *copier) put(path [][]byte, k, v []byte, seq uint64) error {
	sz := int64(len(k) + len(v))
	c.copied += sz + copyElemCost
	if c.copied > c.budget {
		return fmt.Errorf("%w: the compaction read more than %d bytes, twice the database: the file's pages loop", ErrCorrupt, c.budget)
	}
	if c.n++; c.n%copyCheckEvery == 0 {
		if err := c.ctx.Err(); err != nil {
			return fmt.Errorf("compaction stopped: %w", err)
		}
	}
	if c.txSize+sz > compactTxMax {
		if err := c.tx.Commit(); err != nil {
			c.tx = nil
			return err
		}
		var err error
		if c.tx, err = c.dst.Begin(true); err != nil {
			return err
		}
		c.txSize = 0
	}
	c.txSize += sz
	if len(path) == 0 {
		b, err := c.tx.CreateBucket(k)
		if err != nil {
			return err
		}
		return b.SetSequence(seq)
	}
	b := c.tx.Bucket(path[0])
	for _, p := range path[1:] {
		if b == nil {
			break
		}
		b = b.Bucket(p)
	}
	if b == nil {
		return fmt.Errorf("%w: bucket %q vanished from the copy", ErrCorrupt, path[len(path)-1])
	}
	b.FillPercent = 1.0
	if v == nil {
		nb, err := b.CreateBucket(k)
		if err != nil {
			return err
		}
		return nb.SetSequence(seq)
	}
	return b.Put(k, v)
}
