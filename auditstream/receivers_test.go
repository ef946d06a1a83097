package auditstream

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
)

// receiver is a loopback stand-in for a log platform: parse checks one request strictly
// (its format and credentials) and returns the entry IDs it carries; the receiver keeps
// every accepted ID in arrival order, and answers 503 while down.
type receiver struct {
	*httptest.Server
	parse  func(r *http.Request, body []byte) ([]string, error)
	answer func(w http.ResponseWriter, ids []string, dup []bool)

	mu       sync.Mutex
	down     bool
	downAt   int      // when > 0: go down once this many entries were accepted
	refused  int      // requests answered 503
	accepted []string // entry IDs, in the order received
	seen     map[string]bool
	problems []string // requests that did not parse
}

func newReceiver(t *testing.T, parse func(*http.Request, []byte) ([]string, error)) *receiver {
	r := &receiver{parse: parse, seen: map[string]bool{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve)) // binds 127.0.0.1
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		r.refused++
		w.Header().Set("Retry-After", "0")
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	ids, err := r.parse(req, body)
	if err != nil {
		r.problems = append(r.problems, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	dup := make([]bool, len(ids))
	for i, id := range ids {
		dup[i] = r.seen[id]
		r.seen[id] = true
		r.accepted = append(r.accepted, id)
	}
	if r.downAt > 0 && len(r.accepted) >= r.downAt {
		// Down from the next request on, decided here rather than by a test polling
		// from outside, which may look only after the whole backlog went through.
		r.down, r.downAt = true, 0
	}
	if r.answer != nil {
		r.answer(w, ids, dup)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// goDownAt makes the receiver refuse every request after the one that brings its
// accepted entries to n.
func (r *receiver) goDownAt(n int) {
	r.mu.Lock()
	r.downAt = n
	r.mu.Unlock()
}

func (r *receiver) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

func (r *receiver) snapshot() (accepted []string, refused int, problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.accepted...), r.refused, append([]string(nil), r.problems...)
}

// strictEvent decodes an event object refusing unknown fields and checks what every
// receiver relies on.
func strictEvent(raw []byte) (Event, error) {
	var ev Event
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&ev); err != nil {
		return ev, fmt.Errorf("event: %w", err)
	}
	if ev.ID == "" || ev.Event == "" || ev.Timestamp.IsZero() || ev.Organization.ID == "" || ev.Metadata == nil {
		return ev, fmt.Errorf("event lacks a field: %s", raw)
	}
	return ev, nil
}

// decodeStrict decodes raw into v refusing unknown fields and trailing data.
func decodeStrict(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

// hecParser is a Splunk HTTP Event Collector: POST /services/collector/event,
// "Authorization: Splunk <token>", a body of event objects back to back, each with time,
// host, source, sourcetype, optional index, and event.
func hecParser(token string) func(*http.Request, []byte) ([]string, error) {
	return func(r *http.Request, body []byte) ([]string, error) {
		if r.Method != http.MethodPost || r.URL.Path != "/services/collector/event" {
			return nil, fmt.Errorf("%s %s", r.Method, r.URL.Path)
		}
		if r.Header.Get("Authorization") != "Splunk "+token {
			return nil, errors.New("bad Authorization")
		}
		var ids []string
		d := json.NewDecoder(bytes.NewReader(body))
		for d.More() {
			var obj struct {
				Time       float64         `json:"time"`
				Host       string          `json:"host"`
				Source     string          `json:"source"`
				Sourcetype string          `json:"sourcetype"`
				Index      string          `json:"index"`
				Event      json.RawMessage `json:"event"`
			}
			if err := d.Decode(&obj); err != nil {
				return nil, err
			}
			if obj.Time < 1e9 || obj.Host == "" || obj.Source == "" || obj.Sourcetype == "" {
				return nil, errors.New("HEC metadata missing")
			}
			ev, err := strictEvent(obj.Event)
			if err != nil {
				return nil, err
			}
			if d := ev.Timestamp.Sub(time.UnixMilli(int64(obj.Time * 1000))); d > time.Millisecond || d < -time.Millisecond {
				return nil, fmt.Errorf("time %v is not the entry's %v", obj.Time, ev.Timestamp)
			}
			ids = append(ids, ev.ID)
		}
		if len(ids) == 0 {
			return nil, errors.New("no events")
		}
		return ids, nil
	}
}

// hecAnswer is the collector's success answer.
func hecAnswer(w http.ResponseWriter, _ []string, _ []bool) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"text":"Success","code":0}`)
}

// datadogParser is the Datadog logs intake v2: DD-API-KEY, a JSON array of logs with
// the reserved attributes; answers 202.
func datadogParser(key string) func(*http.Request, []byte) ([]string, error) {
	return func(r *http.Request, body []byte) ([]string, error) {
		if r.URL.Path != "/api/v2/logs" || r.Header.Get("DD-API-KEY") != key || r.Header.Get("Content-Type") != "application/json" {
			return nil, errors.New("bad path, DD-API-KEY or Content-Type")
		}
		var logs []struct {
			DDSource  string          `json:"ddsource"`
			Service   string          `json:"service"`
			Hostname  string          `json:"hostname"`
			DDTags    string          `json:"ddtags"`
			Message   string          `json:"message"`
			Timestamp int64           `json:"timestamp"`
			Audit     json.RawMessage `json:"audit"`
		}
		if err := decodeStrict(body, &logs); err != nil {
			return nil, err
		}
		var ids []string
		for _, l := range logs {
			ev, err := strictEvent(l.Audit)
			if err != nil {
				return nil, err
			}
			if l.DDSource != "alertifypro" || l.Service == "" || !strings.HasPrefix(l.Message, ev.Event) || l.Timestamp != ev.Timestamp.UnixMilli() {
				return nil, fmt.Errorf("log attributes wrong: %+v", l)
			}
			ids = append(ids, ev.ID)
		}
		return ids, nil
	}
}

// elasticParser is Elasticsearch's _bulk: NDJSON (ending in a newline), create actions
// with _index and _id each followed by a document; API key or basic auth.
func elasticParser(auth, index string) func(*http.Request, []byte) ([]string, error) {
	return func(r *http.Request, body []byte) ([]string, error) {
		if r.URL.Path != "/_bulk" || r.Header.Get("Content-Type") != "application/x-ndjson" || r.Header.Get("Authorization") != auth {
			return nil, errors.New("bad path, Content-Type or Authorization")
		}
		if !bytes.HasSuffix(body, []byte("\n")) {
			return nil, errors.New("the bulk request must be terminated by a newline")
		}
		var ids []string
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var action struct {
				Create struct {
					Index string `json:"_index"`
					ID    string `json:"_id"`
				} `json:"create"`
			}
			if err := decodeStrict(sc.Bytes(), &action); err != nil || action.Create.Index != index || action.Create.ID == "" {
				return nil, fmt.Errorf("bad action line %s (%v)", sc.Bytes(), err)
			}
			if !sc.Scan() {
				return nil, errors.New("action without document")
			}
			var doc struct {
				Timestamp   time.Time       `json:"@timestamp"`
				Message     string          `json:"message"`
				Event       map[string]any  `json:"event"`
				AlertifyPro json.RawMessage `json:"alertifypro"`
			}
			if err := decodeStrict(sc.Bytes(), &doc); err != nil {
				return nil, err
			}
			ev, err := strictEvent(doc.AlertifyPro)
			if err != nil || ev.ID != action.Create.ID || !doc.Timestamp.Equal(ev.Timestamp) {
				return nil, fmt.Errorf("document does not match its action: %v", err)
			}
			ids = append(ids, ev.ID)
		}
		return ids, sc.Err()
	}
}

// elasticAnswer answers like Elasticsearch: 201 per new document, 409 for an _id it holds.
func elasticAnswer(w http.ResponseWriter, ids []string, dup []bool) {
	items := make([]map[string]any, len(ids))
	errs := false
	for i, id := range ids {
		st := 201
		if dup[i] {
			st, errs = 409, true
		}
		items[i] = map[string]any{"create": map[string]any{"_id": id, "status": st}}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"took": 3, "errors": errs, "items": items})
}

// webhookParser verifies X-AlertifyPro-Signature and reads the envelope.
func webhookParser(secret string) func(*http.Request, []byte) ([]string, error) {
	return func(r *http.Request, body []byte) ([]string, error) {
		if !crypto.VerifyHMAC([]byte(secret), body, r.Header.Get("X-AlertifyPro-Signature")) {
			return nil, errors.New("bad signature")
		}
		var env struct {
			ID           string    `json:"id"`
			Event        string    `json:"event"`
			Timestamp    time.Time `json:"timestamp"`
			Organization Org       `json:"organization"`
			Data         struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"data"`
		}
		if err := decodeStrict(body, &env); err != nil {
			return nil, err
		}
		if env.Event != WebhookEvent || r.Header.Get("X-AlertifyPro-Event") != WebhookEvent ||
			env.ID == "" || r.Header.Get("X-AlertifyPro-Delivery") != env.ID || env.Organization.ID == "" {
			return nil, errors.New("envelope or headers wrong")
		}
		var ids []string
		for _, raw := range env.Data.Entries {
			ev, err := strictEvent(raw)
			if err != nil {
				return nil, err
			}
			ids = append(ids, ev.ID)
		}
		return ids, nil
	}
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
