package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk format, version 2 (frozen since 2014; bbolt refuses any other version).
// The store reads the two meta pages itself, with plain file reads, before bbolt maps the
// file: bbolt trusts them and follows the page numbers they hold through the memory map,
// where a truncated or damaged file faults in a way no Go code can recover from.
const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2

	pageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	metaSize       = 64 // from the page header's end up to and including the checksum
	metaSumSize    = 56 // the checksum covers the meta up to the checksum itself

	pageFlagBranch   = 0x01
	pageFlagLeaf     = 0x02
	pageFlagFreelist = 0x10

	noFreelist = ^uint64(0) // the freelist is not stored (bbolt's NoFreelistSync)
)

// fileMeta is one meta page as read from the file.
type fileMeta struct {
	page     int    // 0 or 1
	problem  string // why the page is unusable; "" when it is valid
	pageSize uint32
	root     uint64 // page of the root bucket
	freelist uint64 // page of the freelist, or noFreelist
	hwm      uint64 // pages in use: every page number below this one (the high-water mark)
	txid     uint64
}

// decodeMeta decodes and validates the meta page held in buf (a page header and the meta)
// the way bbolt's Meta.Validate does: magic, version, then checksum.
func decodeMeta(page int, buf []byte) fileMeta {
	m := fileMeta{page: page}
	b := buf[pageHeaderSize:]
	le := binary.NativeEndian // bbolt writes its structs in the machine's byte order
	h := fnv.New64a()
	h.Write(b[:metaSumSize])
	switch {
	case le.Uint32(b[0:]) != boltMagic:
		m.problem = "not a bbolt meta page (wrong magic number)"
	case le.Uint32(b[4:]) != boltVersion:
		m.problem = fmt.Sprintf("unsupported bbolt format version %d", le.Uint32(b[4:]))
	case le.Uint64(b[metaSumSize:]) != h.Sum64():
		m.problem = "checksum mismatch"
	}
	m.pageSize = le.Uint32(b[8:])
	m.root, m.freelist, m.hwm, m.txid = le.Uint64(b[16:]), le.Uint64(b[32:]), le.Uint64(b[40:]), le.Uint64(b[48:])
	return m
}

// readMetas reads both meta pages of f. Page 0 gives the page size; when it is unusable,
// page 1 is looked for at every page size bbolt supports, as bbolt itself does. An error
// means the file could not be read at all.
func readMetas(f *os.File, fileSize int64) ([2]fileMeta, error) {
	buf := make([]byte, pageHeaderSize+metaSize)
	var metas [2]fileMeta
	if _, err := f.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return metas, err
	} else if err != nil {
		metas[0] = fileMeta{page: 0, problem: "the file is shorter than one page"}
		metas[1] = fileMeta{page: 1, problem: "the file is shorter than one page"}
		return metas, nil
	}
	metas[0] = decodeMeta(0, buf)
	offsets := []int64{int64(metas[0].pageSize)}
	if metas[0].problem != "" {
		offsets = offsets[:0]
		for i := range 15 {
			offsets = append(offsets, 1024<<i)
		}
	}
	metas[1] = fileMeta{page: 1, problem: "missing (the file ends before it)"}
	for _, off := range offsets {
		if off <= 0 || off+int64(len(buf)) > fileSize {
			continue
		}
		if _, err := f.ReadAt(buf, off); err != nil {
			return metas, err
		}
		if m := decodeMeta(1, buf); m.problem == "" || metas[0].problem == "" {
			metas[1] = m
			break
		} else if off == int64(os.Getpagesize()) {
			metas[1] = m // keep the likeliest candidate's problem for the report
		}
	}
	return metas, nil
}

// currentMeta is the meta page bbolt will use: the valid one with the higher transaction
// ID. ok is false when neither is valid.
func currentMeta(metas [2]fileMeta) (m fileMeta, ok bool) {
	a, b := metas[0], metas[1]
	if b.txid > a.txid {
		a, b = b, a
	}
	switch {
	case a.problem == "":
		return a, true
	case b.problem == "":
		return b, true
	}
	return fileMeta{}, false
}

// pageHeader reads the flags and overflow count of page id.
func pageHeader(f *os.File, pageSize uint32, id uint64) (flags uint16, overflow uint32, err error) {
	var h [pageHeaderSize]byte
	if _, err := f.ReadAt(h[:], int64(id)*int64(pageSize)); err != nil {
		return 0, 0, err
	}
	if got := binary.NativeEndian.Uint64(h[0:]); got != id {
		return 0, 0, fmt.Errorf("page %d identifies itself as page %d", id, got)
	}
	return binary.NativeEndian.Uint16(h[8:]), binary.NativeEndian.Uint32(h[12:]), nil
}
