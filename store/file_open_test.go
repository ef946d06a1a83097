package store

import (
	"path/filepath"
	"testing"
)

// The memory map has headroom: while a long read transaction is open, the file can grow
// by megabytes without a remap, which would wait for that transaction to end.
func TestMmapHeadroomLetsTheFileGrowUnderALongRead(t *testing.T) {
	db := openUnreplicatedTestDB(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock()}) // timed
	reading, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = db.view(func(txn) error { close(reading); <-release; return nil })
	}()
	<-reading
	defer close(release)
	notBlocked(t, "growing the file by 16 MiB under an open read transaction", func() { growBy(t, db, 16<<20) })
}

func TestInitialMmapSize(t *testing.T) {
	for _, tc := range []struct{ file, want int64 }{
		{0, mmapFloor}, {1 << 20, mmapFloor}, {mmapFloor / 2, mmapFloor}, {100 << 20, 200 << 20}, {3 << 30, 6 << 30},
	} {
		if got := initialMmapSize(tc.file); int64(got) != tc.want {
			t.Errorf("initialMmapSize(%d) = %d, want %d", tc.file, got, tc.want)
		}
	}
}

// A reopened file gets a map of twice its size, so it can double under a long read too
// (bbolt alone maps the next power of two: a 65 MiB file gets 128 MiB, and could not
// grow by 80 MiB without a remap). The bound is generous: a remap would block for good.
func TestMmapHeadroomAfterReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openUnreplicatedTestDB(t, path, Options{}) // timed, and 128 MiB
	growBy(t, db, 48<<20)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openUnreplicatedTestDB(t, path, Options{})
	reading, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = db.view(func(txn) error { close(reading); <-release; return nil })
	}()
	<-reading
	defer close(release)
	notBlocked(t, "growing a reopened 48 MiB file by 80 MiB under an open read transaction",
		func() { growBy(t, db, 80<<20) })
}
