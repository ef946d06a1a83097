package compare

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startGatus runs Gatus (the binary GATUS_BIN names) with SQLite storage, as its
// documentation configures it, and n HTTP endpoints checked every interval against tg
// with one condition, [STATUS] == 200. Everything else is Gatus's default but one:
// `concurrency: 0` (no cap on checks in flight). Gatus's default of 3 at a time cannot keep
// 1 000 endpoints at 10 s (it managed 47 checks/s here, each waiting on its SQLite write),
// and an operator with that many endpoints lifts it, as Gatus's README says to.
func startGatus(t *testing.T, bin, dir string, tg *target, n int, interval time.Duration) *running {
	t.Helper()
	port := freePort(t)
	var cfg strings.Builder
	cfg.WriteString("concurrency: 0\n")
	fmt.Fprintf(&cfg, "storage:\n  type: sqlite\n  path: %s\n", filepath.Join(dir, "gatus.db"))
	fmt.Fprintf(&cfg, "web:\n  address: 127.0.0.1\n  port: %d\n", port)
	cfg.WriteString("endpoints:\n")
	for i := range n {
		fmt.Fprintf(&cfg, "  - name: %s\n    url: %q\n    interval: %s\n    conditions:\n      - \"[STATUS] == 200\"\n",
			serviceName(i), targetURL(tg, i), interval)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, stop := startProcess(t, dir, "gatus", bin, "GATUS_CONFIG_PATH="+path, "GATUS_LOG_LEVEL=WARN")
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	waitHTTP(t, cmd, base+"/health", filepath.Join(dir, "gatus.log"))
	// The dashboard's list: every endpoint with its latest results (Gatus's default page).
	list, _ := http.NewRequest(http.MethodGet, base+"/api/v1/endpoints/statuses?page=1", nil)
	// SQLite checkpoints its write-ahead log into the file when Gatus closes it; the log
	// and index files are counted too in case it did not.
	return &running{cmd: cmd, stop: stop, list: list, dbSize: func(t *testing.T) int64 {
		size, err := filesSize(dir, "gatus.db")
		if err != nil {
			t.Fatal(err)
		}
		return size
	}}
}
