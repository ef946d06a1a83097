package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// csvBombHeapBudget is the asserted heap growth per hostile CSV: a file is at most 1 MiB
// and every bound applies before anything proportional to its rows or columns is kept.
const csvBombHeapBudget = 16 << 20

// TestSubscriberImportBombs sends hostile CSV files to the subscriber import of a child
// server whose memory is capped (the child of TestImportBombs: RLIMIT_AS and a heap
// watchdog, see config_import_bomb_test.go). Each must be a 422 flat error naming the
// file or its lines, within a second, with a heap growth under csvBombHeapBudget, while the
// health endpoint keeps answering; nothing is imported.
func TestSubscriberImportBombs(t *testing.T) {
	child := startBombChild(t)
	health := child.pollHealth()
	var page struct{ ID string }
	status, body := child.post(t, "/api/v1/status-pages", "application/json", []byte(`{"name":"Bomb","slug":"bomb-page"}`))
	if status != http.StatusCreated || json.Unmarshal(body, &page) != nil {
		t.Fatalf("create page: %d %s", status, body)
	}
	path := "/api/v1/status-pages/" + page.ID + "/subscribers/import"
	rep := func(s string, size int) string { return strings.Repeat(s, size/len(s)) }
	const mb = 1_000_000
	for _, bomb := range []struct {
		name, contentType, body, want string
	}{
		{"100 000 short rows", "text/csv", strings.Repeat("a@b.co\n", 100_000), "more than 10000 rows"},
		{"100 000 rows (1.4 MB)", "text/csv", strings.Repeat("a@example.com\n", 100_000), "larger than 1 MiB"},
		{"3 MB file", "text/csv", rep("someone@example.com,Some Name\n", 3*mb), "larger than 1 MiB"},
		{"3 MB multipart file", "multipart", rep("someone@example.com,Some Name\n", 3*mb), "larger than 1 MiB"},
		{"quote never closed", "text/csv", "a@example.com\n\"" + rep("b@example.com\n", mb-100), "starts on line 2"},
		{"bare quotes", "text/csv", rep("a\"b@example.com\n", mb-100), "line 1, column 2"},
		{"one 1 MB field", "text/csv", "a@example.com," + rep("n", mb-100) + "\n", "line 1"},
		{"one row of 1 000 000 columns", "text/csv", rep(",", mb-100) + "\n", "line 1 has more than 100 columns"},
		{"100 000 invalid rows", "text/csv", strings.Repeat("x\n", 100_000), "more than 10000 rows"},
		{"10 000 invalid rows", "text/csv", strings.Repeat("not-an-address,"+rep("n", 60)+"\n", 10_000), "line 1"},
		{"binary", "text/csv", rep("\xff\xfe\x00", mb-100), "UTF-8"},
	} {
		child.get(t, "/_heap/reset")
		payload, ctype := []byte(bomb.body), bomb.contentType
		if ctype == "multipart" {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			fw, _ := w.CreateFormFile("file", "bomb.csv")
			fw.Write(payload)
			w.Close()
			payload, ctype = b.Bytes(), w.FormDataContentType()
		}
		start := time.Now()
		status, body := child.post(t, path, ctype, payload)
		took := time.Since(start)
		var flat struct {
			Error, Message string
			Fields         map[string]string
		}
		decodeErr := json.Unmarshal(body, &flat)
		fields, _ := json.Marshal(flat.Fields)
		switch {
		case decodeErr != nil || flat.Error == "":
			t.Errorf("%s: not the flat error body: %d %.300s", bomb.name, status, body)
		case status != http.StatusUnprocessableEntity:
			t.Errorf("%s: %d %.300s, want 422", bomb.name, status, body)
		default:
			if !strings.Contains(string(fields), bomb.want) {
				t.Errorf("%s: fields %.300s, want ...%s...", bomb.name, fields, bomb.want)
			}
		}
		if took > bombAnswerBudget {
			t.Errorf("%s: answered after %s, want < %s", bomb.name, took, bombAnswerBudget)
		}
		peak, _ := strconv.ParseInt(child.get(t, "/_heap/peak"), 10, 64)
		if peak >= csvBombHeapBudget {
			t.Errorf("%s: heap grew by %d MiB, want < %d MiB", bomb.name, peak>>20, csvBombHeapBudget>>20)
		}
		t.Logf("%-28s %8d bytes: %d in %5s, heap +%4.1f MiB: %.120s", bomb.name, len(payload), status,
			took.Round(time.Millisecond), float64(peak)/(1<<20), fields)
	}
	req, _ := http.NewRequest("GET", child.url+"/api/v1/status-pages/"+page.ID+"/subscribers", nil)
	req.Header.Set("Authorization", "Bearer "+child.token)
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		list, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.TrimSpace(string(list)) != "[]" {
			t.Errorf("subscribers after the bombs: %.300s", list)
		}
	}
	if n, failures := health.stop(); failures != "" || n == 0 {
		t.Errorf("health checks during the bombs (%d answered): %s", n, failures)
	}
}

// post sends body to the child as its member and returns the status and the answer.
func (c *bombChild) post(t *testing.T, path, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", c.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		t.Fatalf("POST %s (%d bytes): %v\nchild stderr:\n%s", path, len(body), err, c.stderrTail())
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}
