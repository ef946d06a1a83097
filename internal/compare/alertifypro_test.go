package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// alertifyproBinary builds this tree's binary once per test run.
func alertifyproBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "alertifypro-compare-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "alertifypro")
		out, err := exec.Command("go", "build", "-o", builtBin, "github.com/alertifypro/alertifypro").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// startAlertifyPro runs the appliance as a new user would (`alertifypro` with a fresh
// DATA_DIR and production defaults), registers the first account, lifts its
// organization's service cap as the instance admin, and imports n HTTP services checked
// every interval against tg.
func startAlertifyPro(t *testing.T, dir string, tg *target, n int, interval time.Duration) *running {
	t.Helper()
	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd, stop := startProcess(t, dir, "alertifypro", alertifyproBinary(t),
		"PORT="+strconv.Itoa(port), "LISTEN_ADDR=127.0.0.1", "DATA_DIR="+filepath.Join(dir, "data"),
		"BASE_URL="+base, "LOG_LEVEL=warn")
	waitHTTP(t, cmd, base+"/api/v1/health", filepath.Join(dir, "alertifypro.log"))

	var reg struct {
		Token string `json:"token"`
		OrgID string `json:"org_id"`
	}
	call(t, http.MethodPost, base+"/api/v1/auth/register", "", map[string]string{
		"email": "bench@example.com", "password": "correct horse battery", "full_name": "Bench"}, http.StatusCreated, &reg)
	call(t, http.MethodPut, base+"/api/v1/admin/organizations/"+reg.OrgID, reg.Token,
		map[string]string{"plan_type": "enterprise"}, http.StatusOK, nil)
	const perImport = 500 // well inside the import's element limit
	for from := 0; from < n; from += perImport {
		var services []map[string]any
		for i := from; i < min(n, from+perImport); i++ {
			services = append(services, map[string]any{
				"name": serviceName(i), "endpoint": targetURL(tg, i), "check_type": "http",
				"check_interval_seconds": int(interval.Seconds()), "timeout_seconds": 5})
		}
		call(t, http.MethodPost, base+"/api/v1/import", reg.Token, map[string]any{"services": services}, http.StatusOK, nil)
	}
	// The list is read with an API key of the (now enterprise) organization, as a script or
	// dashboard would: a session's per-account rate limit is meant for people.
	var key struct {
		Key string `json:"key"`
	}
	call(t, http.MethodPost, base+"/api/v1/api-keys", reg.Token, map[string]string{"name": "compare"}, http.StatusCreated, &key)
	list, _ := http.NewRequest(http.MethodGet, base+"/api/v1/services?limit=1000", nil)
	list.Header.Set("Authorization", "Bearer "+key.Key)
	return &running{cmd: cmd, stop: stop, list: list, dbSize: func(t *testing.T) int64 {
		return boltUsedSize(t, filepath.Join(dir, "data", "alertifypro.db"))
	}}
}

// boltUsedSize is what the pages of a bbolt file hold: the file up to its highest page,
// less its free pages. bbolt grows its file ahead of need (doubling, then in steps), so the
// file's length says little about a window of minutes; the pages in use say it exactly.
func boltUsedSize(t *testing.T, path string) int64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var size int64
	if err := db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	st := db.Stats()
	return size - int64(st.FreePageN+st.PendingPageN)*int64(db.Info().PageSize)
}

// call sends a JSON request and decodes the answer into out, failing on another status.
func call(t *testing.T, method, url, token string, body any, want int, out any) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var got bytes.Buffer
	_, _ = got.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, url, resp.StatusCode, want, got.String())
	}
	if out != nil {
		if err := json.Unmarshal(got.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, got.String())
		}
	}
}
