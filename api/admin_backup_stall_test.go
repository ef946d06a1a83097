package api

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestBackupDownloadThatStallsBlocksNoWriter opens GET /admin/backup over real loopback
// HTTP from a client that never reads a byte, and meanwhile creates services and commits
// result groups until the database has more than doubled. Each of those writes must finish
// within a second: a stalled download may not hold the store (no writer waiting for the
// mmap lock behind a read transaction the client keeps open, no reader queued behind it).
//
// Both sockets get small buffers, so a database of about a megabyte already fills them
// and the download stalls at once; a real slow client does the same with larger files.
func TestBackupDownloadThatStallsBlocksNoWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a few megabytes with fsync; skipped with -short")
	}
	e := newTestEnv(t)
	admin := e.newUser("root@example.com", "Root") // the first account: instance admin
	if rec := e.do("PUT", "/api/v1/admin/organizations/"+admin.OrgID, admin.Token, map[string]any{"max_services": -1}); rec.Code != 200 {
		t.Fatalf("unlimited plan: %d %s", rec.Code, rec.Body.String())
	}
	svc := e.createHTTPService(admin.Token, "Site", "https://example.com")
	next := e.clock.Now().Add(-30 * 24 * time.Hour) // the next result's time, one second apart
	record := func(n int) {
		items := make([]store.RecordItem, n)
		for i := range items {
			items[i] = store.RecordItem{OrgID: admin.OrgID, Result: store.CheckResult{ServiceID: svc, CheckedAt: next,
				Status: store.StatusGreen, ResponseTimeMS: i % 300}}
			next = next.Add(time.Second)
		}
		if err := e.db.RecordResults(items); err != nil {
			t.Error(err)
		}
	}
	for dataSize(t, e.db) < 1<<20 {
		record(2000)
	}
	start := dataSize(t, e.db)

	srv := httptest.NewUnstartedServer(e.router)
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			_ = c.(*net.TCPConn).SetWriteBuffer(8 << 10)
		}
	}
	srv.Start()
	defer srv.Close()
	stalled := dialWithReceiveBuffer(t, srv.Listener.Addr().String(), 4<<10)
	defer stalled.Close()
	if _, err := fmt.Fprintf(stalled, "GET /api/v1/admin/backup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", admin.Token); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server fills both buffers and blocks writing

	// timed runs op and fails the test when it takes more than a second; after five it
	// stops waiting (today's code waits for the stalled client forever) and gives up.
	timed := func(what string, op func()) bool {
		t.Helper()
		done := make(chan struct{})
		began := time.Now()
		go func() { defer close(done); op() }()
		select {
		case <-done:
			if d := time.Since(began); d > time.Second {
				t.Errorf("%s took %v while a backup download stalled, want ≤ 1s", what, d)
			}
			return true
		case <-time.After(5 * time.Second):
			t.Errorf("%s still blocked after 5s behind a stalled backup download", what)
			stalled.Close() // let the handler fail, so op and the test can end
			<-done
			return false
		}
	}
	client := srv.Client()
	for i := 0; dataSize(t, e.db) < 2*start; i++ {
		ok := timed("POST /services", func() {
			body := fmt.Sprintf(`{"name":"svc %d","endpoint":"https://example.com/%d","check_type":"http"}`, i, i)
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/services", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+admin.Token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("POST /services: %d", resp.StatusCode)
			}
		}) && timed("a result commit (1 000 results)", func() { record(1000) })
		if !ok || t.Failed() {
			return
		}
	}
	t.Logf("data grew from %d to %d bytes while the download stalled", start, dataSize(t, e.db))
	// The copy waits in an unlinked file: DATA_DIR holds nothing but the database.
	if entries, _ := os.ReadDir(e.cfg.DataDir); len(entries) != 1 {
		t.Errorf("DATA_DIR holds %d entries during the download, want only the database", len(entries))
	}

	// The stalled client now reads: it gets the whole copy as of the request, sound.
	_ = stalled.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(stalled), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	out, err := os.Create(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(out, resp.Body)
	out.Close()
	if err != nil || resp.StatusCode != 200 || n != resp.ContentLength || n < start {
		t.Fatalf("download after the stall: status %d, %d of %d bytes, %v", resp.StatusCode, n, resp.ContentLength, err)
	}
	if err := store.CheckFile(copyPath); err != nil {
		t.Fatalf("the downloaded copy: %v", err)
	}
}

// dataSize is the database's in-use size (pages up to the high-water mark).
func dataSize(t *testing.T, db *store.DB) int64 {
	t.Helper()
	st, err := db.Storage()
	if err != nil {
		t.Fatal(err)
	}
	return st.DataSize
}

// dialWithReceiveBuffer connects to addr with a small socket receive buffer, set before
// the handshake so the advertised window stays small.
func dialWithReceiveBuffer(t *testing.T, addr string, size int) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size) })
		if err != nil {
			return err
		}
		return serr
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}
