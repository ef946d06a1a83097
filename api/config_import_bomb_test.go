package api

// The hostile-document test of POST /import. A memory bomb must not be able to take the
// test machine down with it, so the server under attack runs in a child process:
//
//   - TestImportBombs (the parent) re-executes this test binary with
//     -test.run=^TestImportBombServer$ and importBombChildEnv set, and GOMEMLIMIT.
//   - The child caps its own address space (RLIMIT_AS: what it has mapped at start plus
//     1 GiB) before it allocates anything large, and a watchdog goroutine samples the heap
//     every millisecond (runtime/metrics, no stop-the-world) and exits the process at
//     768 MiB — whichever trips first, the child dies and the machine does not.
//   - The child serves the real router over a real bbolt file on 127.0.0.1, wrapped in a
//     test-only mux that adds /_heap/reset (GC, then the current heap becomes the baseline
//     and the peak) and /_heap/peak (the highest heap sampled since, minus the baseline).
//   - The parent sends each bomb as a dry-run import of a member, and asserts a 4xx flat
//     error within 1 s and a heap peak < 64 MiB above the baseline, while a poller checks
//     that GET /api/v1/health keeps answering 200 throughout.
//
// Before the import limits existed, the bombs killed the child (watchdog or rlimit), the
// parent reported each with the child's last words and started a fresh child for the
// next, and the bombs the child survived took seconds and hundreds of MiB.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	importBombChildEnv = "ALERTIFYPRO_IMPORT_BOMB_CHILD"
	bombHeapBudget     = 64 << 20  // the asserted peak heap growth per hostile document
	bombChildHeapCap   = 768 << 20 // the child's watchdog exits beyond this heap
	bombChildExtraAS   = 1 << 30   // address space the child may map beyond its start
	// bombAnswerBudget tells a refusal at the first bound (tens of milliseconds alone) from
	// a document worked through to its end (a CPU bomb takes minutes); it is loose enough
	// for the race detector on a busy 2-core machine, where a refusal once took over 1 s.
	bombAnswerBudget = 5 * time.Second
)

// importBomb is one hostile document and the answer it must get: 413 when it holds more
// tokens than the limit (or, for YAML, could: the raw token bound), 400 when it nests too
// deep or uses anchors, 422 (its problems listed) when it is within every limit.
type importBomb struct {
	name, contentType, body string
	want                    int
}

// importBombs are the hostile shapes, each 100 KB – 1 MB (under the 1 MiB body cap).
func importBombs() []importBomb {
	const mb = 1_000_000
	const yml, jsn = "application/yaml", "application/json"
	const tooDeep, tooMany, withinLimits = http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity
	rep := func(s string, size int) string { return strings.Repeat(s, size/len(s)) }
	staircase := func(step, line string) string { // nesting by indentation alone
		var b strings.Builder
		for i := 0; b.Len() < mb-5000; i++ {
			b.WriteString(strings.Repeat(step, i) + line)
		}
		return b.String()
	}
	laughs := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, prev := 'b', 'a'; i <= 'j'; i, prev = i+1, i {
		laughs += fmt.Sprintf("%c: &%c [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*%c, ", prev), 9), ", "))
	}
	laughs += "services: [*j]\n" + "# " + rep("padding ", 100_000) + "\n"
	return []importBomb{
		{"deep [ (100 KB)", yml, "services: " + rep("[", 100_000), tooMany},
		{"deep [ (1 MB)", yml, "services: " + rep("[", mb), tooMany},
		{"deep {a: (1 MB)", yml, "services: " + rep("{a: ", mb), tooMany},
		{"compact sequences - - -", yml, "services:\n" + rep("- ", mb), tooMany},
		{"alias fan-out", yml, "a: &a [x]\nservices: [" + rep("*a, ", mb) + "*a]", tooMany},
		{"many small nodes, flow", yml, "services: [" + rep("a,", mb) + "a]", tooMany},
		{"many small nodes, block", yml, "services:\n" + rep("- {}\n", mb), tooMany},
		// Under the raw token bound: the tokenizer runs, the checks of its tokens answer.
		// These are the most the tokenizer is ever given.
		{"block nesting by indentation", yml, staircase(" ", "a:\n"), tooDeep},
		{"sequences of keys, nesting", yml, "services:\n" + staircase("  ", "- a:\n"), tooDeep},
		{"deep [ (100 KB, spaced)", yml, "services: " + rep("[ ", 100_000), tooDeep},
		{"deep {a: (100 KB)", yml, "services: " + rep("{a: ", 100_000), tooDeep},
		{"alias fan-out (100 KB)", yml, "a: &a [x]\nservices: [" + rep("*a, ", 100_000) + "*a]", tooDeep},
		{"billion laughs", yml, laughs, tooDeep},
		// "aaaa," is 1 indicator (2 towards the bound) and 2 tokens.
		{"many nodes under the bound", yml, "services: [" + rep("aaaa,", (maxYAMLTokenBound/2-1000)*5) + "a]", tooMany},
		// Within every limit: converted, parsed and planned, the problems listed. "- aaaa\n"
		// is 2 indicators (4 towards the bound) and 2 tokens.
		{"many nodes within the limits", yml, "services:\n" + rep("- aaaa\n", (maxYAMLTokenBound/4-1000)*7), withinLimits},
		// A real configuration at the limits: valid, so planned in full, then over the
		// free plan's service cap.
		{"largest realistic document", yml, realisticServices(maxImportTokens / 60), http.StatusPaymentRequired},
		{"json deep [", jsn, `{"services":` + rep("[", mb), tooDeep},
		{"json deep {", jsn, rep(`{"a":`, mb), tooDeep},
		{"json many small nodes", jsn, `{"services":[` + rep("0,", mb) + `0]}`, tooMany},
		{"json many empty objects", jsn, `{"services":[` + rep("{},", mb) + `{}]}`, tooMany},
		{"json many objects within the limits", jsn, `{"services":[` + rep("{},", (maxImportTokens/3-1000)*3) + `{}]}`, withinLimits},
	}
}

// realisticServices is a YAML document of n services as an export writes them.
func realisticServices(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nservices:\n")
	for i := range n {
		fmt.Fprintf(&b, `- name: Service %d
  description: "Checks the shop front %d, see https://example.com/x?a=1&b=2"
  environment: production
  endpoint: https://svc%d.example.com/health
  check_type: HTTP
  check_interval_seconds: 60
  timeout_seconds: 10
  paused: false
  tags:
  - prod
  - shop
  degraded_threshold_ms: 2000
  options:
    expected_status: 2xx
    follow_redirects: true
    method: GET
`, i, i, i)
	}
	return b.String()
}

// TestImportBombs sends every hostile document to a child server with a capped memory:
// each is refused (4xx, flat body) within bombAnswerBudget with a bounded heap, and the health
// endpoint answers throughout.
func TestImportBombs(t *testing.T) {
	child := startBombChild(t)
	health := child.pollHealth()
	for _, bomb := range importBombs() {
		if !child.send(t, bomb) {
			// The bomb took the child down: that is the failure, already reported. A fresh
			// child takes the remaining shapes, so each is tried.
			health.stop()
			child = startBombChild(t)
			health = child.pollHealth()
		}
	}
	if n, failures := health.stop(); failures != "" || n == 0 {
		t.Errorf("health checks during the bombs (%d answered): %s", n, failures)
	}
}

// send posts one bomb as a dry-run import and checks the answer, its time and the heap
// growth; it reports false when the child did not survive it.
func (c *bombChild) send(t *testing.T, bomb importBomb) bool {
	t.Helper()
	c.get(t, "/_heap/reset")
	req, err := http.NewRequest("POST", c.url+"/api/v1/import?dry_run=true", strings.NewReader(bomb.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", bomb.contentType)
	req.Header.Set("Authorization", "Bearer "+c.token)
	start := time.Now()
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		time.Sleep(100 * time.Millisecond) // let the dying child's last words arrive
		t.Errorf("%s (%d bytes): %v\nchild stderr:\n%s", bomb.name, len(bomb.body), err, c.stderrTail())
		return false
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	took := time.Since(start)
	var flat struct {
		Error, Message string
	}
	switch {
	case res.StatusCode != bomb.want:
		t.Errorf("%s: %d %.300s, want %d", bomb.name, res.StatusCode, body, bomb.want)
	case json.Unmarshal(body, &flat) != nil || flat.Error == "" || flat.Message == "":
		t.Errorf("%s: not the flat error body: %.300s", bomb.name, body)
	}
	if took > bombAnswerBudget && bomb.want != http.StatusPaymentRequired { // the valid document is no bomb
		t.Errorf("%s: answered after %s, want < %s", bomb.name, took, bombAnswerBudget)
	}
	peak, _ := strconv.ParseInt(c.get(t, "/_heap/peak"), 10, 64)
	if peak >= bombHeapBudget {
		t.Errorf("%s: heap grew by %d MiB, want < %d MiB", bomb.name, peak>>20, bombHeapBudget>>20)
	}
	t.Logf("%-28s %7d bytes: %d in %5s, heap +%4.1f MiB: %s", bomb.name, len(bomb.body), res.StatusCode,
		took.Round(time.Millisecond), float64(peak)/(1<<20), flat.Message)
	return true
}
