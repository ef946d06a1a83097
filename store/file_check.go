package store

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"
)

// FileReport is what a check of a database file found.
type FileReport struct {
	Path     string
	FileSize int64
	PageSize int
	DataSize int64  // bytes of the pages in use (the high-water mark)
	TxID     uint64 // the last commit, as the meta page bbolt uses says
	Buckets  int    // buckets visited
	Keys     int    // keys visited
	// Complete is false when a time budget ended the walk before every page was read.
	Complete bool
	// Notes are conditions bbolt recovers from by itself, such as one meta page left
	// unusable by a commit a crash interrupted (bbolt uses the other, previous one).
	Notes []string
	// Problems is the damage found, each naming its bucket or page; empty means sound.
	Problems []string
}

// Err is a *DamageError listing the problems, or nil when there are none.
func (r *FileReport) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return &DamageError{Path: r.Path, Problems: r.Problems}
}

// InspectFile checks the database file at path offline (opened read-only; while a server
// holds the file it fails with ErrLocked after one second): both meta pages, the file's
// length against the pages in use, the root and freelist pages, then every page reachable
// from the root, and, when all that is sound, bbolt's own consistency check (freelist,
// unreachable pages, key order). It returns an error only when the file cannot be
// examined at all; damage is in the report.
func InspectFile(path string) (*FileReport, error) {
	return inspectFile(path, time.Time{}, true)
}

// inspectFile is InspectFile with an optional deadline for the page walk (zero: none) and
// bbolt's full check only when full is set. Open runs it with a deadline and without the
// full check: that is the start-up check.
func inspectFile(path string, deadline time.Time, full bool) (*FileReport, error) {
	rep := &FileReport{Path: path, Complete: true}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if rep.FileSize = st.Size(); rep.FileSize == 0 {
		rep.Problems = append(rep.Problems, "the file is empty")
		return rep, nil
	}
	// The shared lock first: while a server writes the file, its pages are in flux.
	kv, err := openReadOnly(path)
	if err != nil && !IsLocked(err) {
		// bbolt refuses what it cannot map: both meta pages bad, a file too short. Say why.
		if checkLayout(f, rep); len(rep.Problems) == 0 {
			rep.Problems = append(rep.Problems, err.Error())
		}
		return rep, nil
	} else if err != nil {
		return nil, err
	}
	defer kv.Close()
	if checkLayout(f, rep); len(rep.Problems) > 0 {
		return rep, nil // bbolt would follow the bad page numbers out of the file
	}
	guarded := &boltFile{DB: kv, path: path, log: slog.New(slog.DiscardHandler)}
	err = guarded.read(func(tx txn) error {
		w := walkTree(tx, deadline)
		rep.Problems = append(rep.Problems, w.problems...)
		rep.Buckets, rep.Keys, rep.Complete = w.buckets, w.keys, !w.stopped
		if !full || len(rep.Problems) > 0 {
			// bbolt's check runs in a goroutine of its own where a bad page number is
			// a fatal fault; it runs only once the walk has read every page safely.
			return nil
		}
		if !tx.Bucket([]byte(bucketMeta)).exists() {
			rep.Problems = append(rep.Problems, "not an AlertifyPro database: the meta bucket is missing")
		}
		for e := range tx.Check() {
			rep.Problems = append(rep.Problems, e.Error())
		}
		return nil
	})
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	return rep, nil
}

// checkLayout reads the meta pages and the root and freelist pages they name with plain
// file reads and adds what is wrong to rep: the checks that must pass before bbolt may
// follow those page numbers through its memory map.
func checkLayout(f *os.File, rep *FileReport) {
	metas, err := readMetas(f, rep.FileSize)
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("reading the meta pages: %v", err))
		return
	}
	m, ok := currentMeta(metas)
	if !ok {
		rep.Problems = append(rep.Problems, fmt.Sprintf("both meta pages are unusable (page 0: %s; page 1: %s)",
			metas[0].problem, metas[1].problem))
		return
	}
	for _, other := range metas {
		if other.problem != "" {
			rep.Notes = append(rep.Notes, fmt.Sprintf("meta page %d is unusable (%s); bbolt uses meta page %d "+
				"(transaction %d) and its next commit rewrites page %d", other.page, other.problem, m.page, m.txid, other.page))
		}
	}
	rep.PageSize, rep.TxID = int(m.pageSize), m.txid
	rep.DataSize = int64(m.hwm) * int64(m.pageSize)
	if rep.FileSize < rep.DataSize {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the file is truncated: it holds %d bytes, but its meta page "+
			"(transaction %d) uses %d pages of %d bytes (%d bytes)", rep.FileSize, m.txid, m.hwm, m.pageSize, rep.DataSize))
		return
	}
	check := func(what string, id uint64, want ...uint16) {
		if id >= m.hwm {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s page %d is past the last page in use (%d)", what, id, m.hwm-1))
			return
		}
		flags, overflow, err := pageHeader(f, m.pageSize, id)
		switch {
		case err != nil:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s page: %v", what, err))
		case !slices.Contains(want, flags):
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s page %d has the wrong type (flags %#x)", what, id, flags))
		case id+uint64(overflow) >= m.hwm:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s page %d runs past the last page in use (%d overflow pages)", what, id, overflow))
		}
	}
	check("root", m.root, pageFlagBranch, pageFlagLeaf)
	if m.freelist != noFreelist {
		check("freelist", m.freelist, pageFlagFreelist)
	}
}
