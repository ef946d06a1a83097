package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/notify"
)

// hookReceiver is a subscriber's endpoint on 127.0.0.1 that behaves like a careful real
// one: it verifies X-AlertifyPro-Signature with its copy of the secret (a bad signature is
// answered 401 and counted), answers the status it is told to, and processes each
// X-AlertifyPro-Delivery at most once, counting every receipt per delivery.
type hookReceiver struct {
	*httptest.Server
	secret []byte

	mu         sync.Mutex
	status     int
	retryAfter string
	requests   int
	badSigs    int
	receipts   map[string]int // delivery id → requests carrying it
	processed  map[string]int // delivery id → times accepted with a 2xx (must stay ≤ 1)
	envelopes  []map[string]any
	headers    []http.Header
	queries    []string // the raw query of each processed request
}

func newHookReceiver(t *testing.T, secret string, status int) *hookReceiver {
	t.Helper()
	r := &hookReceiver{secret: []byte(secret), status: status, receipts: map[string]int{}, processed: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	id := req.Header.Get("X-AlertifyPro-Delivery")
	r.receipts[id]++
	if !crypto.VerifyHMAC(r.secret, body, req.Header.Get("X-AlertifyPro-Signature")) {
		r.badSigs++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.status >= 300 {
		if r.retryAfter != "" {
			w.Header().Set("Retry-After", r.retryAfter)
		}
		w.WriteHeader(r.status)
		_, _ = io.WriteString(w, http.StatusText(r.status))
		return
	}
	if r.processed[id] > 0 {
		r.processed[id]++ // a duplicate: acknowledged, not processed again (but counted)
		w.WriteHeader(http.StatusOK)
		return
	}
	r.processed[id]++
	var env map[string]any
	_ = json.Unmarshal(body, &env)
	r.envelopes = append(r.envelopes, env)
	r.headers = append(r.headers, req.Header.Clone())
	r.queries = append(r.queries, req.URL.RawQuery)
	w.WriteHeader(r.status)
	_, _ = io.WriteString(w, "thanks")
}

// set changes the answer; retryAfter "" sends no Retry-After.
func (r *hookReceiver) set(status int, retryAfter string) {
	r.mu.Lock()
	r.status, r.retryAfter = status, retryAfter
	r.mu.Unlock()
}

// stats returns requests so far, bad signatures, and the processed counts.
func (r *hookReceiver) stats() (requests, badSigs int, processed map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.processed {
		out[k] = v
	}
	return r.requests, r.badSigs, out
}

// deliverDue runs one pass of w and fails the test on a store error; it returns how many
// entries were attempted.
func deliverDue(t *testing.T, w *notify.OutboxSender) int {
	t.Helper()
	n, err := w.DeliverDue(t.Context())
	if err != nil {
		t.Fatalf("DeliverDue: %v", err)
	}
	return n
}
