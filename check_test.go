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

// targetService names the service whose leaf page the data-page damage overwrites.
const targetService = "damage-target-service"

// seedForDamage creates DATA_DIR/alertifypro.db with an organization and a few services,
// one of them targetService, and returns the path and the organization's ID (closed).
func seedForDamage(t *testing.T, dataDir string) (string, string) {
	t.Helper()
	path := filepath.Join(dataDir, "alertifypro.db")
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org := &store.Organization{Name: "Ada", Slug: "ada", PlanType: "free", MaxServices: 5, Settings: store.DefaultOrgSettings()}
	if err := db.Register(&store.User{Email: "ada@example.com", FullName: "Ada", PasswordHash: "x"}, org, &store.Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"api", "web", targetService, "db"} {
		s := &store.Service{Name: name, Endpoint: "https://example.com/" + strconv.Itoa(i), CheckType: "HTTP",
			CheckIntervalSeconds: 60, TimeoutSeconds: 10, Status: "PENDING"}
		if err := db.CreateService(org.ID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	return path, org.ID
}

// overwritePagesHolding overwrites the elements (everything after the 16-byte page header)
// of every page of the file that holds marker. Copy-on-write leaves older copies of a page
// in free pages too; damaging those as well changes nothing that is read.
func overwritePagesHolding(t *testing.T, path, marker string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ps := os.Getpagesize()
	hit := 0
	for off := 0; ; {
		i := bytes.Index(raw[off:], []byte(marker))
		if i < 0 {
			break
		}
		page := (off + i) / ps
		copy(raw[page*ps+16:page*ps+272], bytes.Repeat([]byte{0xFF}, 256))
		off, hit = (page+1)*ps, hit+1
	}
	if hit == 0 {
		t.Fatalf("%q is in no page of %s", marker, path)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestServeRefusesDamagedDatabase damages the database three ways and checks that serve
// refuses to start with one line that names the file and says what to do, and that
// `alertifypro check` reports the damage and exits 1.
func TestServeRefusesDamagedDatabase(t *testing.T) {
	cases := []struct {
		name      string
		damage    func(t *testing.T, path string)
		wantCheck string // in check's report
	}{
		{"truncated to half of its pages", func(t *testing.T, path string) {
			rep, err := store.InspectFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, rep.DataSize/2); err != nil {
				t.Fatal(err)
			}
		}, "DAMAGED:  the file is truncated"},
		{"a leaf page of the organization's services overwritten", func(t *testing.T, path string) {
			overwritePagesHolding(t, path, targetService)
		}, "DAMAGED:  bucket orgs/"},
		{"both meta pages overwritten", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, off := range []int64{16, int64(os.Getpagesize()) + 16} {
				if _, err := f.WriteAt(make([]byte, 64), off); err != nil {
					t.Fatal(err)
				}
			}
		}, "DAMAGED:  both meta pages are unusable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("DATA_DIR", dir)
			t.Setenv("PORT", strconv.Itoa(freePort(t)))
			t.Setenv("LISTEN_ADDR", "127.0.0.1")
			t.Setenv("JWT_SECRET", strings.Repeat("j", 48))
			t.Setenv("ENCRYPTION_KEY", strings.Repeat("ab", 32))
			path, orgID := seedForDamage(t, dir)
			tc.damage(t, path)

			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), []string{"serve"}, &stdout, &stderr); code != 1 {
				t.Fatalf("serve exited %d, want 1; stderr: %s", code, stderr.String())
			}
			line := stderr.String()
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
				t.Fatalf("serve's refusal is not one line:\n%s", line)
			}
			for _, want := range []string{path, "is damaged", "refusing to start", "restore the newest backup", "alertifypro check"} {
				if !strings.Contains(line, want) {
					t.Errorf("refusal lacks %q: %s", want, line)
				}
			}
			t.Logf("serve: %s", line)

			stdout.Reset()
			stderr.Reset()
			if code := run(t.Context(), []string{"check"}, &stdout, &stderr); code != 1 {
				t.Fatalf("check exited %d, want 1; stdout: %s stderr: %s", code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantCheck) || !strings.Contains(stdout.String(), "file:     "+path) {
				t.Errorf("check's report lacks %q:\n%s", tc.wantCheck, stdout.String())
			}
			if strings.Contains(tc.wantCheck, "orgs/") && !strings.Contains(stdout.String(), "orgs/"+orgID) {
				t.Errorf("check's report does not name the organization's bucket orgs/%s:\n%s", orgID, stdout.String())
			}
			if !strings.Contains(stderr.String(), "is damaged") || !strings.Contains(stderr.String(), "restore") {
				t.Errorf("check's verdict: %s", stderr.String())
			}
			t.Logf("check:\n%s%s", stdout.String(), stderr.String())
		})
	}
}

func TestCheckSoundAndLocked(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATA_DIR", dir)
	path, _ := seedForDamage(t, dir)
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"check"}, &stdout, &stderr); code != 0 {
		t.Fatalf("check of a sound file exited %d: %s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "result:   sound") || strings.Contains(stdout.String(), "DAMAGED") {
		t.Errorf("report of a sound file:\n%s", stdout.String())
	}
	// A backup copy is checked with --file.
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if code := run(t.Context(), []string{"backup", "--out", copyPath}, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("backup: %s", stderr.String())
	}
	stdout.Reset()
	if code := run(t.Context(), []string{"check", "--file", copyPath}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "file:     "+copyPath) {
		t.Fatalf("check --file exited %d:\n%s", code, stdout.String())
	}
	// While a server holds the file, check refuses and says how to check anyway.
	db, err := store.Open(path, testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stderr.Reset()
	if code := run(t.Context(), []string{"check"}, &bytes.Buffer{}, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "stop it first") || !strings.Contains(stderr.String(), "--file copy.db") {
		t.Fatalf("check of a held file exited %d: %s", code, stderr.String())
	}
}
