package store

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// damageFixture writes a closed database with an organization of 60 services (so its
// services bucket has a branch page over several leaves) and a day of results, and one of
// 5 services (a single leaf page), and returns its path and the two organizations' IDs.
func damageFixture(t *testing.T) (path, orgID, smallOrgID string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "alertifypro.db")
	now := seriesEpoch.Add(24 * time.Hour)
	db, err := Open(path, testOptions(Options{Now: func() time.Time { return now }}))
	if err != nil {
		t.Fatal(err)
	}
	db.kv.Load().NoSync = true // durability is not under test
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	svcs := createServices(t, db, org.ID, 60, time.Minute)
	recordEvery(t, db, org.ID, svcs[:4], now.Add(-24*time.Hour), now, time.Minute)
	_, small, _ := mustRegister(t, db, "bob@example.com", "Bob")
	createServices(t, db, small.ID, 5, time.Minute)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path, org.ID, small.ID
}

// bucketPage returns the page number of the root page of the nested bucket names (it must
// not be inline) and the file's page size, and checks that the page is of type typ
// ("branch" or "leaf").
func bucketPage(t *testing.T, path, typ string, names ...string) (pgid uint64, pageSize int) {
	t.Helper()
	kv, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	err = kv.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(names[0]))
		for _, n := range names[1:] {
			b = b.Bucket([]byte(n))
		}
		pgid, pageSize = uint64(b.Root()), kv.Info().PageSize
		info, err := tx.Page(int(pgid))
		if err != nil || info == nil || info.Type != typ {
			t.Fatalf("bucket %v: root page %d is %+v (%v), want a %s page", names, pgid, info, err, typ)
		}
		return nil
	})
	if err != nil || pgid == 0 {
		t.Fatalf("bucket %v: root page %d, %v", names, pgid, err)
	}
	return pgid, pageSize
}

// overwrite writes data at off into the file at path.
func overwrite(t *testing.T, path string, off int64, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
}

// wantDamaged checks that err is a one-line *DamageError naming path and holding want.
func wantDamaged(t *testing.T, err error, path, want string) {
	t.Helper()
	t.Logf("refused: %v", err)
	var d *DamageError
	if !errors.As(err, &d) || !errors.Is(err, ErrDamaged) {
		t.Fatalf("error %v (%T), want a *DamageError", err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
		t.Fatalf("error %q: want one line naming %s and %q", msg, path, want)
	}
}

func TestOpenRefusesDamagedFiles(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path, orgID, smallOrgID string)
		want   string
	}{
		{"truncated to half of its pages", func(t *testing.T, path, _, _ string) {
			rep, err := InspectFile(path)
			if err != nil || len(rep.Problems) > 0 {
				t.Fatalf("fixture: %v %v", err, rep.Problems)
			}
			if err := os.Truncate(path, rep.DataSize/2); err != nil {
				t.Fatal(err)
			}
		}, "the file is truncated"},
		{"a branch page of an organization's bucket overwritten", func(t *testing.T, path, orgID, _ string) {
			id, size := bucketPage(t, path, "branch", bucketOrgs, orgID, subServices)
			overwrite(t, path, int64(id)*int64(size), bytes.Repeat([]byte{0xA5}, 512))
		}, "bucket orgs/"},
		{"the element area of a leaf page overwritten", func(t *testing.T, path, _, smallOrgID string) {
			id, size := bucketPage(t, path, "leaf", bucketOrgs, smallOrgID, subServices)
			// Keep the page header: the element offsets and lengths point anywhere.
			overwrite(t, path, int64(id)*int64(size)+pageHeaderSize, bytes.Repeat([]byte{0xFF}, 256))
		}, "bucket orgs/"},
		{"the freelist page overwritten", func(t *testing.T, path, _, _ string) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := f.Stat()
			metas, err := readMetas(f, st.Size())
			f.Close()
			m, ok := currentMeta(metas)
			if err != nil || !ok || m.freelist == noFreelist {
				t.Fatalf("metas: %+v %v", metas, err)
			}
			overwrite(t, path, int64(m.freelist)*int64(m.pageSize), bytes.Repeat([]byte{0x5A}, 64))
		}, "freelist page"},
		{"both meta pages overwritten", func(t *testing.T, path, _, _ string) {
			overwrite(t, path, 16, bytes.Repeat([]byte{0}, 64))
			overwrite(t, path, int64(os.Getpagesize())+16, bytes.Repeat([]byte{0}, 64))
		}, "both meta pages are unusable"},
		{"shorter than a page", func(t *testing.T, path, _, _ string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		}, "the file is truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, orgID, smallOrgID := damageFixture(t)
			tc.damage(t, path, orgID, smallOrgID)
			db, err := Open(path, testOptions(Options{}))
			if err == nil {
				db.Close()
				t.Fatal("Open of a damaged file succeeded")
			}
			wantDamaged(t, err, path, tc.want)
			rep, err := InspectFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) == 0 || !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Fatalf("InspectFile problems %q, want one with %q", rep.Problems, tc.want)
			}
			if tc.want == "bucket orgs/" && !strings.Contains(rep.Problems[0], orgID+"/services") &&
				!strings.Contains(rep.Problems[0], smallOrgID+"/services") {
				t.Errorf("problem %q does not name the damaged services bucket", rep.Problems[0])
			}
			// The file is only read: refusing it twice says the same.
			if _, err := Open(path, testOptions(Options{})); !errors.Is(err, ErrDamaged) {
				t.Fatalf("second Open: %v", err)
			}
		})
	}
}

// One unusable meta page is what a crash during a commit leaves: bbolt falls back to the
// other, previous commit, so the file opens; the check reports it as a note, not damage.
func TestOpenFallsBackFromOneBadMetaPage(t *testing.T) {
	path, orgID, _ := damageFixture(t)
	before, err := InspectFile(path)
	if err != nil || len(before.Problems) > 0 {
		t.Fatalf("fixture: %v %v", err, before.Problems)
	}
	overwrite(t, path, int64(before.TxID%2)*int64(before.PageSize)+16+56, []byte("garbage!")) // its checksum
	rep, err := InspectFile(path)
	if err != nil || len(rep.Problems) > 0 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "checksum") {
		t.Fatalf("report after one bad meta page: %v, problems %q, notes %q", err, rep.Problems, rep.Notes)
	}
	if rep.TxID != before.TxID-1 {
		t.Errorf("falls back to transaction %d, want %d", rep.TxID, before.TxID-1)
	}
	db := openTestDBAt(t, path, Options{})
	if _, err := db.Organization(orgID); err != nil {
		t.Fatal(err)
	}
}

func TestInspectFileSound(t *testing.T) {
	path, _, _ := damageFixture(t)
	rep, err := InspectFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || len(rep.Notes) > 0 || !rep.Complete || rep.Keys < 60*24*4 || rep.Buckets < 10 ||
		rep.PageSize != os.Getpagesize() || rep.DataSize <= 0 || rep.DataSize > rep.FileSize || rep.Err() != nil {
		t.Fatalf("report of a sound file: %+v", rep)
	}
	// A walk out of time stops early and says so.
	kv, err := openReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	guarded := &boltFile{DB: kv, path: path, log: slog.New(slog.DiscardHandler)}
	_ = guarded.read(func(tx txn) error {
		if w := walkTree(tx, time.Now().Add(-time.Second)); !w.stopped || w.keys >= rep.Keys {
			t.Errorf("a walk past its deadline: stopped %v after %d of %d keys", w.stopped, w.keys, rep.Keys)
		}
		return nil
	})
}

// A page damaged while the server runs (the file is shared with the map) turns into an
// error for the reader, once logged, and Ping reports it; the process goes on.
func TestDamageAtRunTimeIsAnError(t *testing.T) {
	path, orgID, _ := damageFixture(t)
	id, size := bucketPage(t, path, "branch", bucketOrgs, orgID, subServices)
	var logs bytes.Buffer
	db, err := Open(path, testOptions(Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	overwrite(t, path, int64(id)*int64(size), bytes.Repeat([]byte{0xA5}, 64))
	for range 3 {
		err := db.ForEachService(func(*Service) error { return nil })
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) {
			t.Fatalf("ForEachService over a damaged page: %v, want ErrDamaged", err)
		}
		if err := db.CreateService(orgID, newTestService("after"), nil); !errors.Is(err, ErrDamaged) {
			t.Fatalf("CreateService over a damaged page: %v, want ErrDamaged", err)
		}
	}
	if err := db.Ping(); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Ping after damage: %v", err)
	}
	if n := strings.Count(logs.String(), "the database file is damaged"); n != 1 {
		t.Errorf("damage logged %d times, want once:\n%s", n, logs.String())
	}
	// Other organizations' data and the global buckets still read.
	if _, err := db.UserByEmail("ada@example.com"); err != nil {
		t.Errorf("a sound bucket after the damage: %v", err)
	}
}

// A panic that is not bbolt's is a bug to see, not damage to hide.
func TestOtherPanicsInTransactionsPropagate(t *testing.T) {
	db := openTestDB(t)
	defer func() {
		if r := recover(); r != "our bug" {
			t.Fatalf("recovered %v, want the original panic", r)
		}
		if err := db.Ping(); err != nil {
			t.Fatalf("Ping after a non-bbolt panic: %v", err)
		}
	}()
	_ = db.view(func(txn) error { panic("our bug") })
}

// Compaction follows every page number; a damaged file is refused before anything is written.
func TestCompactRefusesDamagedFile(t *testing.T) {
	path, orgID, _ := damageFixture(t)
	id, size := bucketPage(t, path, "branch", bucketOrgs, orgID, subServices)
	overwrite(t, path, int64(id)*int64(size), bytes.Repeat([]byte{0xA5}, 512))
	dst := filepath.Join(t.TempDir(), "compacted.db")
	if err := Compact(path, dst); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Compact of a damaged file: %v, want ErrDamaged", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("Compact of a damaged file left %s: %v", dst, err)
	}
	if err := CompactInPlace(path); !errors.Is(err, ErrDamaged) {
		t.Fatalf("CompactInPlace of a damaged file: %v, want ErrDamaged", err)
	}
}
