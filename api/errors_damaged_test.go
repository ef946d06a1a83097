package api

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
)

// lockedLog is a log sink safe for the router's goroutines and the test's.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDamagedDatabaseAnswers503: a request that meets a damaged page of the database file
// while the server runs gets 503 in the flat error body with what the operator must do
// (run `alertifypro check`, restore a backup) — never where the damage is; that goes to
// the log, with the request ID. /ready says the file is damaged.
func TestDamagedDatabaseAnswers503(t *testing.T) {
	logs := &lockedLog{}
	e := newTestEnvWith(t, func(d *Deps) { d.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	u := e.newUser("ada@example.com", "Ada")
	for i := range 5 {
		name := fmt.Sprintf("damaged-%d-%s", i, strings.Repeat("x", 180))
		if rec := e.do("POST", "/api/v1/services", u.Token, map[string]any{"name": name,
			"check_type": "http", "endpoint": "https://web.example.com"}); rec.Code != 201 {
			t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
		}
	}
	restore := overwritePagesHolding(t, e.db.Path(), "damaged-")
	defer restore() // so the harness's consistency check at cleanup reads the sound pages

	rec := e.do("GET", "/api/v1/services", u.Token, nil)
	if rec.Code != 503 {
		t.Fatalf("list over a damaged page: %d %s, want 503", rec.Code, rec.Body.String())
	}
	body := decode[map[string]any](t, rec)
	msg, _ := body["message"].(string)
	if body["error"] != "database_damaged" || !strings.Contains(msg, "alertifypro check") || !strings.Contains(msg, "backup") {
		t.Errorf("body %s: want error database_damaged and a message naming `alertifypro check` and a backup", rec.Body.String())
	}
	for k := range body {
		if k != "error" && k != "message" {
			t.Errorf("body has %q beyond the flat error body: %s", k, rec.Body.String())
		}
	}
	if raw := rec.Body.String(); strings.Contains(raw, e.db.Path()) || strings.Contains(raw, "page") {
		t.Errorf("the answer tells the client where the damage is: %s", raw)
	}
	log := logs.String()
	if !strings.Contains(log, "request failed: the database file is damaged") || !strings.Contains(log, e.db.Path()) ||
		!strings.Contains(log, "request_id=") {
		t.Errorf("the log does not say where the damage is, with the request ID:\n%s", log)
	}

	rec = e.do("GET", "/api/v1/ready", "", nil)
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), `"error":"database damaged"`) ||
		!strings.Contains(rec.Body.String(), "alertifypro check") {
		t.Errorf("/ready after the damage: %d %s", rec.Code, rec.Body.String())
	}
}

// overwritePagesHolding overwrites, in place, the elements (everything after the 16-byte
// page header) of every page of the file at path that holds marker, and returns a func
// that writes the original bytes back. bbolt maps the file, so its next read of those
// pages meets the damage.
func overwritePagesHolding(t *testing.T, path, marker string) (restore func()) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ps := os.Getpagesize()
	var pages []int
	for off := 0; ; {
		i := bytes.Index(raw[off:], []byte(marker))
		if i < 0 {
			break
		}
		page := (off + i) / ps
		if _, err := f.WriteAt(bytes.Repeat([]byte{0xFF}, 256), int64(page*ps+16)); err != nil {
			t.Fatal(err)
		}
		pages, off = append(pages, page), (page+1)*ps
	}
	if len(pages) == 0 {
		t.Fatalf("%q is in no page of %s", marker, path)
	}
	return func() {
		defer f.Close()
		for _, p := range pages {
			if _, err := f.WriteAt(raw[p*ps:(p+1)*ps], int64(p*ps)); err != nil {
				t.Error(err)
			}
		}
	}
}
