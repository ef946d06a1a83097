package store

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// wrapperFiles may use bbolt's transaction, bucket and cursor types: the wrapper itself and
// the damage guard around bbolt's View and Update that it calls.
var wrapperFiles = map[string]bool{"kv.go": true, "kv_bucket.go": true, "file_guard.go": true}

// bypasses returns where the Go source src (file name) reaches bbolt's *Tx, *Bucket or
// *Cursor, or the wrapper's fields holding them: every such place could write without
// being recorded.
func bypasses(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	bboltName := ""
	for _, imp := range f.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == "go.etcd.io/bbolt" {
			bboltName = "bbolt"
			if imp.Name != nil {
				bboltName = imp.Name.Name
			}
		}
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, _ := sel.X.(*ast.Ident)
		switch {
		case pkg != nil && pkg.Name == bboltName && (sel.Sel.Name == "Tx" || sel.Sel.Name == "Bucket" || sel.Sel.Name == "Cursor"):
		case sel.Sel.Name == "boltTx" || sel.Sel.Name == "boltBucket" || sel.Sel.Name == "boltCursor":
		default:
			return true
		}
		found = append(found, fmt.Sprintf("%s uses %s.%s", fset.Position(sel.Pos()), exprName(sel.X), sel.Sel.Name))
		return true
	})
	return found, nil
}

func exprName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "…"
}

// Nothing in the store reaches bbolt's transactions, buckets or cursors but the wrapper
// (kv.go), so no write can escape its recording: with the write path the only opener of
// write transactions (change_test.go), every mutation lands in the write set.
func TestStoreCodeWritesOnlyThroughTheRecordingWrapper(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || wrapperFiles[name] {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		found, err := bypasses(name, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			t.Errorf("%s: outside the recording wrapper", f)
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("checked %d files; the glob missed the store's sources", checked)
	}
}

// The check itself finds each way around the wrapper.
func TestBypassCheckFindsEveryWayAround(t *testing.T) {
	for _, src := range []string{
		"package store\nimport bolt \"go.etcd.io/bbolt\"\nfunc f(tx *bolt.Tx) {}",
		"package store\nimport \"go.etcd.io/bbolt\"\nvar b *bbolt.Bucket",
		"package store\nimport kv \"go.etcd.io/bbolt\"\nfunc f() (c *kv.Cursor) { return }",
		"package store\nfunc f(b bucket) { _ = b.boltBucket.Put(nil, nil) }",
		"package store\nfunc f(tx txn) { _, _ = tx.boltTx.CreateBucket(nil) }",
		"package store\nfunc f(c *cursor) { _ = c.boltCursor.Delete() }",
	} {
		found, err := bypasses("x.go", []byte(src))
		if err != nil || len(found) != 1 {
			t.Errorf("bypasses(%q) = %v, %v; want one finding", src, found, err)
		}
	}
	found, err := bypasses("x.go", []byte("package store\nimport bolt \"go.etcd.io/bbolt\"\nvar o bolt.Options\nfunc f(b bucket) { _ = b.Put(nil, nil) }"))
	if err != nil || len(found) != 0 {
		t.Errorf("a clean file: %v, %v", found, err)
	}
}

// recordWrite runs fn in a write transaction of db that records, and returns what it
// recorded; the transaction commits.
func recordWrite(t *testing.T, db *DB, fn func(tx txn) error) []Mutation {
	t.Helper()
	rec := newRecorder()
	if err := db.write(rec, fn); err != nil {
		t.Fatal(err)
	}
	return rec.set.Mutations()
}

func names(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, n := range s {
		out[i] = []byte(n)
	}
	return out
}

// Every kind of mutation is recorded, in order, with its bucket path; lookups, bbolt's
// refusals and creations of buckets that exist are not.
func TestWrapperRecordsEveryMutationInOrder(t *testing.T) {
	db := openReplica(t) // an empty file: the test writes around the write path's upper half
	got := recordWrite(t, db, func(tx txn) error {
		top, err := tx.CreateBucket([]byte("top"))
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists([]byte("top")); err != nil { // exists: nothing
			return err
		}
		child, err := top.CreateBucketIfNotExists([]byte("child"))
		if err != nil {
			return err
		}
		if err := child.Put([]byte("k1"), []byte("v1")); err != nil {
			return err
		}
		if err := child.Put(nil, []byte("refused")); err == nil { // bbolt refuses: nothing
			return fmt.Errorf("an empty key was accepted")
		}
		if _, err := child.NextSequence(); err != nil {
			return err
		}
		if _, err := child.NextSequence(); err != nil {
			return err
		}
		child.SetFillPercent(appendFillRatio)
		if err := top.Bucket([]byte("child")).Put([]byte("k2"), []byte("v2")); err != nil {
			return err
		}
		if err := child.Delete([]byte("k1")); err != nil {
			return err
		}
		c := child.Cursor()
		if k, _ := c.Seek([]byte("k2")); !bytes.Equal(k, []byte("k2")) {
			return fmt.Errorf("seek found %q", k)
		}
		if err := c.Delete(); err != nil {
			return err
		}
		if err := top.SetSequence(41); err != nil {
			return err
		}
		if err := top.DeleteBucket([]byte("child")); err != nil {
			return err
		}
		return tx.DeleteBucket([]byte("top"))
	})
	want := []Mutation{
		{Kind: MutationCreateBucket, Key: []byte("top")},
		{Kind: MutationCreateBucket, Bucket: names("top"), Key: []byte("child")},
		{Kind: MutationPut, Bucket: names("top", "child"), Key: []byte("k1"), Value: []byte("v1")},
		{Kind: MutationSetSequence, Bucket: names("top", "child"), Sequence: 1},
		{Kind: MutationSetSequence, Bucket: names("top", "child"), Sequence: 2},
		{Kind: MutationFillPercent, Bucket: names("top", "child"), FillPercent: appendFillRatio},
		{Kind: MutationPut, Bucket: names("top", "child"), Key: []byte("k2"), Value: []byte("v2")},
		{Kind: MutationDelete, Bucket: names("top", "child"), Key: []byte("k1")},
		{Kind: MutationDelete, Bucket: names("top", "child"), Key: []byte("k2")},
		{Kind: MutationSetSequence, Bucket: names("top"), Sequence: 41},
		{Kind: MutationDeleteBucket, Bucket: names("top"), Key: []byte("child")},
		{Kind: MutationDeleteBucket, Key: []byte("top")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("recorded:\n%s\nwant:\n%s", dumpMutations(got), dumpMutations(want))
	}
}

// Without a recorder (read transactions; writes while no Capture is set) a bucket lookup
// through the wrapper allocates exactly what the same lookup through bbolt does.
func TestWrapperWithoutRecorderAllocatesNothingOfItsOwn(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	lookups := func(t *testing.T, tx txn) {
		wrapped := testing.AllocsPerRun(200, func() {
			b, err := orgSub(tx, org.ID, subMembers)
			if err != nil || !b.exists() || b.rec != nil {
				t.Fatalf("members: %v", err)
			}
		})
		direct := testing.AllocsPerRun(200, func() {
			ob := tx.boltTx.Bucket([]byte(bucketOrgs)).Bucket([]byte(org.ID))
			if ob.Get([]byte(orgInfoKey)) == nil || ob.Bucket([]byte(subMembers)) == nil {
				t.Fatal("members missing")
			}
		})
		if wrapped != direct {
			t.Errorf("a lookup through the wrapper allocates %v times, through bbolt %v", wrapped, direct)
		}
	}
	if err := db.view(func(tx txn) error { lookups(t, tx); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.write(nil, func(tx txn) error { lookups(t, tx); return nil }); err != nil {
		t.Fatal(err)
	}
}

func dumpMutations(ms []Mutation) string {
	var sb strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&sb, "  %s %q %q %q seq=%d fill=%v\n", m.Kind, m.Bucket, m.Key, m.Value, m.Sequence, m.FillPercent)
	}
	return sb.String()
}
