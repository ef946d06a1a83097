package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestAsDiskFull(t *testing.T) {
	path := &fs.PathError{Op: "write", Path: "a.db", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		name string
		err  error
		full bool
	}{
		{"page write without space", path, true},
		{"fdatasync over quota", syscall.EDQUOT, true},
		{"page write past the file size limit", &fs.PathError{Op: "write", Path: "a.db", Err: syscall.EFBIG}, true},
		// bbolt flattens the error of growing the file to text.
		{"growing past the file size limit", fmt.Errorf("file resize error: %s",
			&fs.PathError{Op: "truncate", Path: "a.db", Err: syscall.EFBIG}), true},
		{"growing without space", fmt.Errorf("file sync error: %s", path), true},
		{"growing, refused otherwise", fmt.Errorf("file resize error: %s",
			&fs.PathError{Op: "truncate", Path: "a.db", Err: syscall.EPERM}), false},
		{"the same words elsewhere", errors.New("upload: file too large"), false},
		{"a store error", ErrNotFound, false},
		{"an I/O error", &fs.PathError{Op: "write", Path: "a.db", Err: syscall.EIO}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := asDiskFull(tc.err)
			if errors.Is(got, ErrDiskFull) != tc.full {
				t.Fatalf("asDiskFull(%v) = %v; ErrDiskFull: %v, want %v", tc.err, got, !tc.full, tc.full)
			}
			if !errors.Is(got, tc.err) {
				t.Fatalf("asDiskFull(%v) = %v lost the cause", tc.err, got)
			}
		})
	}
	if asDiskFull(nil) != nil {
		t.Fatal("asDiskFull(nil) is not nil")
	}
}

// fsizeHelperEnv, when set, makes TestDiskFullWhenTheFileCannotGrow run its body in this
// process: a file size limit applies to the whole process, so the parent test runs the
// body in a child of its own and the package's other tests keep writing their files.
const fsizeHelperEnv = "ALERTIFYPRO_STORE_FSIZE_HELPER"

// TestDiskFullWhenTheFileCannotGrow runs the store with RLIMIT_FSIZE at its file's length,
// so the first commit that must grow the file fails in bbolt's ftruncate (EFBIG, which
// bbolt returns as text). The write must be refused with ErrDiskFull, logged once however
// many writes fail, and reported by Ping; once the limit is lifted, the next write
// succeeds without reopening, ends the episode (logged once), and every acknowledged
// write is in a file that passes bbolt's check. The page writes that fail with ENOSPC or
// EFBIG are covered by the root package's TestDiskFull on a real tmpfs.
func TestDiskFullWhenTheFileCannotGrow(t *testing.T) {
	if os.Getenv(fsizeHelperEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFullWhenTheFileCannotGrow$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), fsizeHelperEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestDiskFullWhenTheFileCannotGrow") {
			t.Fatalf("the run with a file size limit failed (%v):\n%s", err, out)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "a.db")
	var logs bytes.Buffer // written only by this goroutine's store calls
	db, err := Open(path, testOptions(Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	put := func(i, size int) error {
		return db.update("", nil, func(tx txn) error {
			b, err := tx.CreateBucketIfNotExists([]byte("fill"))
			if err != nil {
				return err
			}
			return b.Put(binary.BigEndian.AppendUint64(nil, uint64(i)), make([]byte, size))
		})
	}
	if err := put(0, 1024); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(info.Size()), Max: old.Max}); err != nil {
		t.Fatal(err)
	}
	lifted := false
	lift := func() {
		if !lifted {
			lifted = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer lift()

	acked := []int{0}
	var refused error
	for i := 1; i < 200 && refused == nil; i++ { // 1 MiB values fill the file's sparse tail
		if refused = put(i, 1<<20); refused == nil {
			acked = append(acked, i)
		}
	}
	if !errors.Is(refused, ErrDiskFull) || !strings.Contains(refused.Error(), "file resize error") {
		t.Fatalf("the write that must grow the file: %v; want ErrDiskFull from growing the file", refused)
	}
	t.Logf("%d writes acknowledged, then: %v", len(acked), refused)
	for i := range 5 {
		if err := put(1000+i, 1<<20); !errors.Is(err, ErrDiskFull) {
			t.Fatalf("write %d past the limit: %v, want ErrDiskFull", i, err)
		}
	}
	if err := db.Ping(); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Ping while writes are refused: %v, want ErrDiskFull", err)
	}
	if n := strings.Count(logs.String(), "the disk holding the database is full"); n != 1 {
		t.Fatalf("%d log lines for 6 refused writes; want 1:\n%s", n, logs.String())
	}

	lift()
	if err := put(2000, 1<<20); err != nil {
		t.Fatalf("write after the limit was lifted: %v", err)
	}
	acked = append(acked, 2000)
	if err := db.Ping(); err != nil {
		t.Fatalf("Ping after a write got space again: %v", err)
	}
	if !strings.Contains(logs.String(), "the database has space again") || !strings.Contains(logs.String(), "refused=6") {
		t.Fatalf("the end of the episode is not logged with the refused writes:\n%s", logs.String())
	}
	if err := db.Check(); err != nil {
		t.Fatalf("bbolt's check: %v", err)
	}
	db.Close()
	db, err = Open(path, testOptions(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	err = db.view(func(tx txn) error {
		b := tx.Bucket([]byte("fill"))
		for _, i := range acked {
			if !b.exists() || b.Get(binary.BigEndian.AppendUint64(nil, uint64(i))) == nil {
				return fmt.Errorf("acknowledged write %d is missing", i)
			}
		}
		if n := b.Stats().KeyN; n != len(acked) {
			return fmt.Errorf("%d keys for %d acknowledged writes", n, len(acked))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
