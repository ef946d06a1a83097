package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// seedDatabase creates DATA_DIR/alertifypro.db with one account and its organization, plus
// a second organization filled with audit entries and then deleted (free pages to reclaim).
// It returns the database path; the file is closed.
func seedDatabase(t *testing.T, dataDir string) string {
	t.Helper()
	path := filepath.Join(dataDir, "alertifypro.db")
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	register := func(email string) *store.Organization {
		org := &store.Organization{Name: email, Slug: strings.ReplaceAll(email, "@", "-"), PlanType: "free", MaxServices: 5,
			Settings: store.DefaultOrgSettings()}
		if err := db.Register(&store.User{Email: email, FullName: email, PasswordHash: "x"}, org, &store.Membership{Role: "owner"}, nil); err != nil {
			t.Fatal(err)
		}
		return org
	}
	register("ada@example.com")
	doomed := register("bob@example.com")
	pad := strings.Repeat("x", 4096)
	for i := range 600 {
		if err := db.AppendAudit(doomed.ID, &store.AuditEntry{Event: "service.updated",
			Resource: store.AuditResource{Type: "service", ID: strconv.Itoa(i), Name: pad}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteOrganization(doomed.ID); err != nil {
		t.Fatal(err)
	}
	return path
}

// openCopy opens a database copy and fails unless it passes bbolt's check and holds ada.
func openCopy(t *testing.T, path string) {
	t.Helper()
	if err := store.CheckFile(path); err != nil {
		t.Fatalf("copy %s: %v", path, err)
	}
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer db.Close()
	if _, err := db.UserByEmail("ada@example.com"); err != nil {
		t.Fatalf("the copy lacks the account: %v", err)
	}
}

func TestBackupOffline(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATA_DIR", dir)
	seedDatabase(t, dir)
	out := filepath.Join(t.TempDir(), "copy.db")
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"backup", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("backup exited %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "consistency check passed") {
		t.Errorf("stdout: %s", stdout.String())
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 0600", st, err)
	}
	openCopy(t, out)
	// Nothing but the copy is left next to it (no temporary files).
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("files next to the copy: %v", entries)
	}
}

func TestCompactShrinks(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATA_DIR", dir)
	path := seedDatabase(t, dir)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"compact"}, &stdout, &stderr); code != 0 {
		t.Fatalf("compact exited %d: %s", code, stderr.String())
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() >= before.Size()/2 {
		t.Fatalf("compact: %d → %d bytes, want at least halved", before.Size(), after.Size())
	}
	if !strings.Contains(stdout.String(), strconv.FormatInt(after.Size(), 10)) {
		t.Errorf("stdout does not report the new size: %s", stdout.String())
	}
	openCopy(t, path)
}

// TestBackupOnline backs up a running server: offline is refused with directions, the
// instance admin's token works (found via the lock, or with --url), others do not.
func TestBackupOnline(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	t.Setenv("DATA_DIR", dir)
	t.Setenv("PORT", strconv.Itoa(port))
	t.Setenv("LISTEN_ADDR", "127.0.0.1")
	t.Setenv("BCRYPT_COST", "4")
	t.Setenv("REGISTRATION_MODE", "open")
	t.Setenv("ALERTIFYPRO_TOKEN", "")
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	stop := startServer(t)
	defer stop()
	var admin, other struct {
		Token string `json:"token"`
	}
	postJSON(t, base+"/api/v1/auth/register", `{"email":"ada@example.com","password":"correct horse battery","full_name":"Ada"}`, 201, &admin)
	postJSON(t, base+"/api/v1/auth/register", `{"email":"bob@example.com","password":"correct horse battery","full_name":"Bob"}`, 201, &other)

	backup := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), append([]string{"backup"}, args...), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	out := filepath.Join(t.TempDir(), "live.db")
	if code, _, stderr := backup("--out", out); code != 1 || !strings.Contains(stderr, "server is running") ||
		!strings.Contains(stderr, "--token") || !strings.Contains(stderr, base+"/api/v1/admin/backup") {
		t.Fatalf("offline backup of a running server: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused backup left a file behind")
	}
	if code, stdout, stderr := backup("--out", out, "--token", admin.Token); code != 0 || !strings.Contains(stdout, "backup from "+base) {
		t.Fatalf("backup with the admin token: exit %d: %s %s", code, stdout, stderr)
	}
	openCopy(t, out)
	out2 := filepath.Join(t.TempDir(), "live2.db")
	t.Setenv("ALERTIFYPRO_TOKEN", admin.Token)
	if code, _, stderr := backup("--out", out2, "--url", base+"/"); code != 0 {
		t.Fatalf("backup with --url and ALERTIFYPRO_TOKEN: exit %d: %s", code, stderr)
	}
	openCopy(t, out2)
	if code, _, stderr := backup("--out", out2, "--url", base, "--token", other.Token); code != 1 || !strings.Contains(stderr, "not an instance admin") {
		t.Fatalf("backup with a non-admin token: exit %d: %s", code, stderr)
	}
	if code, _, stderr := backup("--out", out2, "--url", base, "--token", "nonsense"); code != 1 || !strings.Contains(stderr, "invalid or expired") {
		t.Fatalf("backup with a bad token: exit %d: %s", code, stderr)
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"compact"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "stop it first") {
		t.Fatalf("compact of a running server: exit %d: %s", code, stderr.String())
	}
}
