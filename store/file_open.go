package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// openCheckBudget bounds the page walk of the start-up check. The meta, length, root and
// freelist checks always run (a few reads); the walk then reads entity buckets before the
// time series, so a large file is checked where the workers will read first, and the
// rest is left to `alertifypro check`. Start-up stays within SPEC §6's 5 seconds.
const openCheckBudget = 2 * time.Second

// mmapFloor is the smallest memory map the server opens with (see initialMmapSize).
const mmapFloor = 64 << 20

// initialMmapSize is the memory map to open a file of fileSize bytes with: twice the file,
// at least mmapFloor. bbolt must remap whenever the file outgrows the map, and a remap
// waits for every open read transaction to end while it blocks every writer and every
// new reader; headroom makes remaps rare (a file that took months to reach its size needs
// as long again to double). The map reserves address space only: it is a read-only
// shared file mapping, so it costs no memory or swap until pages are read, and a test
// that opens a thousand databases reserves 64 GiB of a 128 TiB address space. On 32-bit
// platforms, where the whole address space is 2-4 GiB, bbolt sizes the map itself.
//
// Past 16 MiB of map bbolt grows the file in 16 MiB steps (sparse until written), so a
// new database shows a file of about 16 MiB from its first growth on.
func initialMmapSize(fileSize int64) int {
	if strconv.IntSize == 32 {
		return 0
	}
	return int(max(2*fileSize, mmapFloor))
}

// openBolt opens the database file for the server. An existing file is checked first,
// read-only and before bbolt follows any page number through its map: the meta pages,
// the length, the root and freelist pages, then a page walk within openCheckBudget. A
// damaged file is refused with a *DamageError instead of a fault; then the file is opened
// for writing with initialMmapSize.
func openBolt(path string, log *slog.Logger) (*boltFile, error) {
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	if size > 0 {
		rep, err := inspectFile(path, time.Now().Add(openCheckBudget), false)
		switch {
		case IsLocked(err):
			return nil, lockedError(path, err)
		case err != nil:
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		case len(rep.Problems) > 0:
			return nil, rep.Err()
		}
		for _, note := range rep.Notes {
			log.Warn("database file: "+note, "path", path)
		}
		if !rep.Complete {
			log.Warn("the start-up check of the database file ran out of time and checked part of it; "+
				"`alertifypro check` (server stopped) reads all of it", "path", path, "keys_checked", rep.Keys, "budget", openCheckBudget)
		}
	}
	kv, err := openWritable(path, &bolt.Options{Timeout: time.Second, InitialMmapSize: initialMmapSize(size)})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, lockedError(path, err)
	} else if err != nil {
		return nil, err
	}
	return &boltFile{DB: kv, path: path, log: log}, nil
}

// openWritable is bolt.Open with its panics turned into a *DamageError: the checks before
// it leave nothing known that makes bbolt's open panic, and if something unknown does,
// the server refuses to start rather than crash.
func openWritable(path string, opts *bolt.Options) (kv *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if !isDamagePanic(r) {
				panic(r)
			}
			kv, err = nil, &DamageError{Path: path, Problems: []string{oneLine(fmt.Sprint(r))}}
		}
	}()
	kv, err = bolt.Open(path, 0o600, opts)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return kv, nil
}

// lockedError says that another process holds the file.
func lockedError(path string, err error) error {
	return fmt.Errorf("store: open %s: file is locked by another process (is another AlertifyPro running?): %w", path, err)
}
