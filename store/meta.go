package store

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// The meta pages of a bbolt file (go.etcd.io/bbolt/internal/common.Meta),
// read here because bbolt silently uses the other meta page when one is
// damaged: the database then opens as it was one transaction earlier.
const (
	boltMagic     = 0xED0CDAED
	boltVersion   = 2
	metaPageFlag  = 0x04
	metaOffset    = pageHeaderSize // the meta follows the page header
	metaSumOffset = metaOffset + 56
	metaEnd       = metaSumOffset + 8
)

// metaPage is what one meta page says.
type metaPage struct {
	index    int    // 0 or 1: the page it was read from
	problem  string // why it is not valid; "" when it is
	txid     uint64 // the transaction it records, when valid
	pageSize int
}

// readMeta reads and validates meta page index of a file whose pages are
// pageSize bytes: the page must identify itself as a meta page, carry
// bbolt's magic and version and a matching checksum. (bbolt writes
// transaction n to page n%2, but Tx.WriteTo copies do not: parity is not
// checked.)
func readMeta(r io.ReaderAt, index, pageSize int) metaPage {
	m := metaPage{index: index}
	buf := make([]byte, metaEnd)
	if _, err := r.ReadAt(buf, int64(index)*int64(pageSize)); err != nil {
		m.problem = "cannot be read: " + err.Error()
		return m
	}
	le := binary.LittleEndian // bbolt writes its structs in the machine's order; every supported platform is little-endian
	h := fnv.New64a()
	h.Write(buf[metaOffset:metaSumOffset])
	m.txid = le.Uint64(buf[metaOffset+48:])
	m.pageSize = int(le.Uint32(buf[metaOffset+8:]))
	switch {
	case le.Uint32(buf[metaOffset:]) != boltMagic:
		m.problem = "lacks bbolt's magic number"
	case le.Uint32(buf[metaOffset+4:]) != boltVersion:
		m.problem = fmt.Sprintf("has format version %d, not %d", le.Uint32(buf[metaOffset+4:]), boltVersion)
	case le.Uint64(buf[metaSumOffset:]) != h.Sum64():
		m.problem = "fails its checksum"
	case le.Uint64(buf) != uint64(index), le.Uint16(buf[8:]) != metaPageFlag:
		m.problem = "does not identify itself as meta page " + fmt.Sprint(index)
	case pageSize != 0 && m.pageSize != pageSize:
		m.problem = fmt.Sprintf("says pages are %d bytes, not %d", m.pageSize, pageSize)
	}
	if m.problem != "" {
		m.txid = 0
	}
	return m
}

// checkMeta validates both meta pages of the bbolt file r. bbolt opens a
// file when one of them is valid and uses it, so a damaged meta page
// silently rolls the database back by a transaction; checkMeta returns
// an error wrapping ErrCorrupt that says which page is damaged and what
// the fallback would lose.
func checkMeta(r io.ReaderAt) error {
	m0 := readMeta(r, 0, 0)
	pageSize := m0.pageSize
	if m0.problem != "" {
		pageSize = 0
		for _, ps := range append([]int{os.Getpagesize()}, 1024, 2048, 4096, 8192, 16384, 32768, 65536) {
			if readMeta(r, 1, ps).problem == "" {
				pageSize = ps
				break
			}
		}
		if pageSize == 0 {
			return fmt.Errorf("%w: both meta pages are damaged (page 0 %s; no valid page 1 found)", ErrCorrupt, m0.problem)
		}
		m0 = readMeta(r, 0, pageSize)
	}
	m1 := readMeta(r, 1, pageSize)
	switch {
	case m0.problem != "" && m1.problem != "":
		return fmt.Errorf("%w: both meta pages are damaged (page 0 %s; page 1 %s)", ErrCorrupt, m0.problem, m1.problem)
	case m0.problem != "":
		return metaLoss(m0, m1)
	case m1.problem != "":
		return metaLoss(m1, m0)
	}
	// (The two transactions need not be consecutive: a Tx.WriteTo copy
	// starts with T and T-1, and its next commit writes T+1 over T.)
	return nil
}

// metaLoss says what opening the file would silently lose when meta page
// bad is damaged and good is used instead.
func metaLoss(bad, good metaPage) error {
	return fmt.Errorf("%w: meta page %d %s; bbolt would silently use meta page %d, the state after transaction %d, "+
		"and lose the transaction the damaged page recorded (%d, if it was the newer one)",
		ErrCorrupt, bad.index, bad.problem, good.index, good.txid, good.txid+1)
}

// verifyMeta runs checkMeta on the file at path, which bbolt has opened
// (so no other process writes it).
func verifyMeta(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	if err := checkMeta(f); err != nil {
		return fmt.Errorf("open database %s: %w; restore a backup (\"studybot restore BACKUP\"), or, with none, accept the loss with \"studybot store compact --accept-meta-loss\"; it was not modified", path, err)
	}
	return nil
}
