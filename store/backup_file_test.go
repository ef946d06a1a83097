package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBackupFileOffline copies a closed database, checks the copy, and refuses while the
// file is held open by a writer.
func TestBackupFileOffline(t *testing.T) {
	now := seriesEpoch.Add(24 * time.Hour)
	path := filepath.Join(t.TempDir(), "alertifypro.db")
	db, err := Open(path, testOptions(Options{Now: func() time.Time { return now }}))
	if err != nil {
		t.Fatal(err)
	}
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db, result(org.ID, svc.ID, now.Add(-time.Minute), StatusGreen, 12))

	// A writer holds the file: the offline copy waits one second and says why.
	if _, err := BackupFile(path, &bytes.Buffer{}); !IsLocked(err) {
		t.Fatalf("BackupFile while open: %v, want a lock error", err)
	}
	if err := CheckFile(path); !IsLocked(err) {
		t.Fatalf("CheckFile while open: %v, want a lock error", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	n, err := BackupFile(path, &buf)
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("BackupFile = %d, %v (buffer %d bytes)", n, err, buf.Len())
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckFile(copyPath); err != nil {
		t.Fatalf("CheckFile(copy): %v", err)
	}
	cp := openTestDBAt(t, copyPath, Options{Now: func() time.Time { return now }})
	if got, err := cp.Checks(org.ID, svc.ID, now.Add(-time.Hour), now, 0); err != nil || len(got) != 1 || got[0].ResponseTimeMS != 12 {
		t.Fatalf("checks in the copy: %+v, %v", got, err)
	}
}

func TestCheckFileRefusesWhatIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	if _, err := BackupFile(filepath.Join(dir, "missing.db"), &bytes.Buffer{}); err == nil || IsLocked(err) {
		t.Fatalf("missing file: %v", err)
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v, want a not-exist error", err)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("x"), 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckFile(junk); err == nil {
		t.Fatal("CheckFile accepted a file of junk")
	}
}
