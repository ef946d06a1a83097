package store

import (
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// DamageError reports a database file that cannot be read safely: what was found, in
// which file. errors.Is(err, ErrDamaged) holds for it.
type DamageError struct {
	Path     string
	Problems []string // each names the bucket or page concerned
}

// Error is one line: the file, the first problem and how many more there are.
func (e *DamageError) Error() string {
	msg := fmt.Sprintf("store: the database file %s is damaged", e.Path)
	if len(e.Problems) > 0 {
		msg += ": " + oneLine(e.Problems[0])
	}
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrDamaged) true.
func (e *DamageError) Unwrap() error { return ErrDamaged }

// oneLine flattens s so a problem never breaks the one-line start-up refusal.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// boltFile is the open bbolt file with transactions that cannot take the process down.
// bbolt trusts the file: on a damaged page it panics in an assertion or reads outside the
// map, wherever the reading goroutine happens to be (a scheduler reload, the janitor, the
// recorder). View and Update, the store's only ways into a transaction, turn such a panic
// into a *DamageError for the caller, so every worker goes on and reports an error; the
// first one is logged and marks the store not ready (Ping). Any other panic is not ours to
// hide and goes on unchanged.
type boltFile struct {
	*bolt.DB
	path    string
	log     *slog.Logger
	damaged atomic.Pointer[DamageError] // the first damage met since Open
}

// View is bolt.DB.View made safe against a damaged file.
func (f *boltFile) View(fn func(*bolt.Tx) error) (err error) {
	// A read past the file's end (a page number from a damaged page) is a memory fault
	// in the map; with this on it becomes a panic that can be recovered below.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	finished := false
	defer func() {
		if !finished {
			err = f.damage(recover())
		}
	}()
	err = f.DB.View(fn)
	finished = true
	return err
}

// Update is bolt.DB.Update made safe against a damaged file. bbolt rolls the transaction
// back as the panic passes, so nothing of it is committed.
func (f *boltFile) Update(fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	finished := false
	defer func() {
		if !finished {
			err = f.damage(recover())
		}
	}()
	err = f.DB.Update(fn)
	finished = true
	return err
}

// damage turns a recovered panic from bbolt into a *DamageError, logging the first one
// with its stack; any other panic is raised again. r is nil when the goroutine is exiting
// (runtime.Goexit) rather than panicking.
func (f *boltFile) damage(r any) error {
	if r == nil {
		return nil
	}
	if !isDamagePanic(r) {
		panic(r)
	}
	d := &DamageError{Path: f.path, Problems: []string{oneLine(fmt.Sprint(r))}}
	if f.damaged.CompareAndSwap(nil, d) {
		f.log.Error("the database file is damaged: stop the server, run `alertifypro check`, and restore a backup",
			"path", f.path, "panic", d.Problems[0], "stack", string(debug.Stack()))
	}
	return d
}

// isDamagePanic reports whether the panic being recovered (r) comes from reading the file:
// a memory fault (SetPanicOnFault's runtime.Error with an address) or a panic raised in
// bbolt's own code, such as its page assertions. It must be called while the panicking
// frames are still on the stack, that is from the deferred function that recovered r.
func isDamagePanic(r any) bool {
	if _, fault := r.(interface{ Addr() uintptr }); fault {
		return true
	}
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	panicking := false
	for {
		fr, more := frames.Next()
		switch {
		case fr.Function == "runtime.gopanic":
			panicking = true
		case panicking && strings.HasPrefix(fr.Function, "runtime."):
			// the runtime's own frames between a fault or bounds check and its cause
		case panicking:
			return strings.HasPrefix(fr.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
}
