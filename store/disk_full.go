package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// diskFullErrnos are the kernel's answers to a write that has no room: no space on the
// filesystem, the user's quota used up, or a file size limit (RLIMIT_FSIZE) reached.
var diskFullErrnos = []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG}

// boltFlattened are the prefixes of bbolt's errors that carry the system error as text
// only (fmt "%s"): growing the file (ftruncate, then fsync) and remapping it.
var boltFlattened = []string{"file resize error: ", "file sync error: ", "mmap allocate error: "}

// asDiskFull returns err wrapped in ErrDiskFull when a commit failed for lack of space
// (errors.Is then finds both ErrDiskFull and the system error), and err unchanged
// otherwise. bbolt returns a failed page write or fdatasync as the *PathError or errno
// itself, but the failure to grow the file only as text, so that is matched by message.
func asDiskFull(err error) error {
	if err == nil || errors.Is(err, ErrDiskFull) {
		return err
	}
	for _, errno := range diskFullErrnos {
		if errors.Is(err, errno) {
			return fmt.Errorf("%w: %w", ErrDiskFull, err)
		}
	}
	msg := err.Error()
	for _, prefix := range boltFlattened {
		if !strings.HasPrefix(msg, prefix) {
			continue
		}
		for _, errno := range diskFullErrnos {
			if strings.HasSuffix(msg, errno.Error()) {
				return fmt.Errorf("%w: %w", ErrDiskFull, err)
			}
		}
	}
	return err
}

// diskSpace follows episodes of a full disk. The first write refused for lack of space
// opens one: it is logged once, with the system error, and Ping (/ready) reports it. It
// ends with the first commit that made the file's used pages grow — that commit got new
// space from the filesystem, which a full disk cannot give; commits that only reuse pages
// the file had freed succeed during a full disk too and prove nothing. Its end is logged
// once, with how many writes were refused. So a full disk costs two log lines, however
// many writes it refuses.
type diskSpace struct {
	open atomic.Bool // an episode is open (read on every commit without the lock)

	mu      sync.Mutex
	since   time.Time
	used    int64 // the file's used bytes when the latest write was refused
	refused int
	cause   string // the first refused write's system error
}

// observe follows one write's outcome (err from bbolt's Update) and returns err, wrapped
// in ErrDiskFull when it failed for lack of space.
func (db *DB) observeSpace(err error) error {
	s := &db.space
	cause := err
	err = asDiskFull(err)
	switch {
	case errors.Is(err, ErrDiskFull):
		used := db.usedBytes()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.refused++
		s.used = max(s.used, used)
		if !s.open.Load() {
			s.since, s.cause, s.refused, s.used = db.now(), cause.Error(), 1, used
			s.open.Store(true)
			db.log.Error("the disk holding the database is full: writes are refused (the API answers 507) "+
				"until space is freed where the file is; reads go on (logged once per episode)",
				"path", db.path, "error", cause.Error())
		}
	case err == nil && s.open.Load():
		used := db.usedBytes()
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.open.Load() || used <= s.used {
			return nil
		}
		s.open.Store(false)
		db.log.Warn("the database has space again: writes succeed",
			"path", db.path, "refused", s.refused, "full_for", db.now().Sub(s.since).Round(time.Second).String())
	}
	return err
}

// diskFull returns the open full-disk episode as an error for Ping, or nil.
func (db *DB) diskFull() error {
	s := &db.space
	if !s.open.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open.Load() {
		return nil
	}
	return fmt.Errorf("%w: %d writes refused since %s (%s)", ErrDiskFull, s.refused,
		s.since.UTC().Format(time.RFC3339), s.cause)
}

// usedBytes is the size of the file's used pages in the last commit (its high-water
// mark); -1 when it cannot be read.
func (db *DB) usedBytes() int64 {
	used := int64(-1)
	_ = db.view(func(tx txn) error {
		used = tx.Size()
		return nil
	})
	return used
}
