package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A cluster snapshot (Snapshot's copy) restored into an open store replaces its whole
// contents and its applied index; the store goes on reading and applying on the new file,
// and nothing of the restore is left beside it.
func TestRestoreSwapsInTheSnapshotWhileOpen(t *testing.T) {
	dir := t.TempDir()
	src, _ := openClustered(t, filepath.Join(dir, "leader.db"))
	for _, v := range []string{"a", "b", "c"} {
		if err := putKey(src, "k", v, func() {}); err != nil {
			t.Fatal(err)
		}
	}
	_, org, _ := mustRegister(t, src, "owner@example.com", "Owner")
	dst, dstLog := openClustered(t, filepath.Join(dir, "follower.db"))
	if err := putKey(dst, "only-here", "x", func() {}); err != nil {
		t.Fatal(err)
	}
	// A reader that began before the restore keeps its consistent view of the old file.
	oldView := make(chan []byte)
	release := make(chan struct{})
	go func() {
		_ = dst.view(func(tx txn) error {
			oldView <- nil
			<-release
			oldView <- bytes.Clone(tx.Bucket([]byte(bucketMeta)).Get([]byte("only-here")))
			return nil
		})
	}()
	<-oldView

	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	restored := make(chan error)
	go func() { restored <- dst.Restore(snap) }()
	close(release)
	if v := <-oldView; string(v) != "x" {
		t.Errorf("the reader of the old file saw only-here = %q", v)
	}
	if err := <-restored; err != nil {
		t.Fatal(err)
	}
	sameContents(t, src, dst)
	if dst.AppliedIndex() != src.AppliedIndex() || dst.AppliedIndex() == 0 {
		t.Errorf("applied index %d after restore, want the snapshot's %d", dst.AppliedIndex(), src.AppliedIndex())
	}
	if _, err := dst.Organization(org.ID); err != nil {
		t.Errorf("the restored organization: %v", err)
	}
	dstLog.index = dst.AppliedIndex() // the log goes on from the snapshot's index
	if err := putKey(dst, "k", "d", func() {}); err != nil || string(getKey(t, dst, "k")) != "d" {
		t.Errorf("write after restore: %v, k = %q", err, getKey(t, dst, "k"))
	}
	if _, err := os.Stat(filepath.Join(dir, "follower.db.restore")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the restore file was left behind: %v", err)
	}
}

// A snapshot that is not a sound database file of this schema is refused before anything
// is replaced.
func TestRestoreRefusesADamagedSnapshot(t *testing.T) {
	dir := t.TempDir()
	src, _ := openClustered(t, filepath.Join(dir, "leader.db"))
	if err := putKey(src, "k", "leader", func() {}); err != nil {
		t.Fatal(err)
	}
	dst, _ := openClustered(t, filepath.Join(dir, "follower.db"))
	if err := putKey(dst, "k", "mine", func() {}); err != nil {
		t.Fatal(err)
	}
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	whole, err := io.ReadAll(snap)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"truncated": whole[:len(whole)/3],
		"not bbolt": bytes.Repeat([]byte("x"), 64<<10),
	} {
		if err := dst.Restore(bytes.NewReader(data)); err == nil {
			t.Errorf("%s snapshot restored", name)
		}
		if got := string(getKey(t, dst, "k")); got != "mine" {
			t.Errorf("after refusing a %s snapshot k = %q, want mine", name, got)
		}
	}
}
