package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// logicalDump lists everything db holds, in order: every bucket (with its path and
// sequence) and every key with its value, so two files compare equal exactly when they
// hold the same buckets, keys, values and sequences, however their pages are laid out.
func logicalDump(db *DB) ([]string, error) { return dumpTx(db.view) }

// dumpFile is logicalDump of the closed database file at path.
func dumpFile(path string) ([]string, error) {
	kv, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer kv.Close()
	return dumpTx(func(fn func(tx txn) error) error { return readFile(kv, fn) })
}

// dumpTx is logicalDump of what view's read transaction sees.
func dumpTx(view func(fn func(tx txn) error) error) ([]string, error) {
	var out []string
	var walk func(path string, b bucket) error
	walk = func(path string, b bucket) error {
		out = append(out, fmt.Sprintf("bucket %s sequence %d", path, b.Sequence()))
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v == nil {
				if child := b.Bucket(k); child.exists() {
					if err := walk(fmt.Sprintf("%s/%q", path, k), child); err != nil {
						return err
					}
					continue
				}
			}
			out = append(out, fmt.Sprintf("%s %q = %q", path, k, v))
		}
		return nil
	}
	err := view(func(tx txn) error {
		return tx.ForEach(func(name []byte, b bucket) error { return walk(fmt.Sprintf("%q", name), b) })
	})
	return out, err
}

// dumpDiff returns up to ten entries of want missing from got and of got missing from
// want, and where the order first differs (nil: the dumps are equal).
func dumpDiff(want, got []string) []string {
	var diff []string
	seen := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	inWant, inGot := seen(want), seen(got)
	for _, s := range want {
		if !inGot[s] && len(diff) < 10 {
			diff = append(diff, "missing: "+clip(s))
		}
	}
	for _, s := range got {
		if !inWant[s] && len(diff) < 20 {
			diff = append(diff, "extra:   "+clip(s))
		}
	}
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return append(diff, fmt.Sprintf("entry %d differs: want %s, got %s", i, clip(want[i]), clip(got[i])))
		}
	}
	if len(want) != len(got) {
		diff = append(diff, fmt.Sprintf("%d entries, want %d", len(got), len(want)))
	}
	return diff
}

func clip(s string) string {
	if len(s) > 240 {
		return s[:240] + "…"
	}
	return s
}

// sameContents fails t unless a and b hold the same buckets, keys, values and sequences.
func sameContents(t testing.TB, a, b *DB) {
	t.Helper()
	want, err := logicalDump(a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := logicalDump(b)
	if err != nil {
		t.Fatal(err)
	}
	sameDumps(t, want, got)
}

// sameDumps fails t unless two logical dumps are equal.
func sameDumps(t testing.TB, want, got []string) {
	t.Helper()
	if diff := dumpDiff(want, got); diff != nil {
		t.Fatalf("the replica differs from the original (%d and %d entries):\n%s", len(want), len(got), joinLines(diff))
	}
}

func joinLines(lines []string) string { return "  " + strings.Join(lines, "\n  ") }
