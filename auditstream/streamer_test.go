package auditstream

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// appendConcurrently logs n entries from three writers at once, with timestamps that do
// not follow the commit order (as changes prepared before an earlier commit have).
func (env *streamEnv) appendConcurrently(n int, tag string) {
	env.t.Helper()
	var wg sync.WaitGroup
	base := time.Now().UTC()
	for w := range 3 {
		wg.Go(func() {
			for i := w; i < n; i += 3 {
				e := &store.AuditEntry{Timestamp: base.Add(time.Duration((i*7919)%97) * time.Millisecond), Event: "service.updated",
					Actor:    store.AuditActor{Type: "user", Email: "ada@example.com", IP: "127.0.0.1"},
					Resource: store.AuditResource{Type: "service", ID: fmt.Sprintf("%s-%d", tag, i), Name: "API"}}
				if err := env.db.AppendAudit(env.org.ID, e); err != nil {
					env.t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

// run starts s.Run and returns a stop that waits for it to return.
func run(t *testing.T, s *Streamer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop) // before the store's cleanup closes the file under it
	return stop
}

// TestStreamDeliversEveryEntryInOrderAcrossOutageAndRestart: a Splunk HEC receiver that
// answers 503 for a while receives every audit entry of the organization exactly once,
// in commit order, across two outages and a restart of the appliance in between.
func TestStreamDeliversEveryEntryInOrderAcrossOutageAndRestart(t *testing.T) {
	env := newStreamEnv(t)
	hec := newReceiver(t, hecParser("hec-token-1"))
	hec.answer = hecAnswer
	s := env.createStream(TypeSplunkHEC, hec.URL, map[string]string{"index": "audit"}, map[string]string{"token": "hec-token-1"})

	hec.setDown(true)
	stop := run(t, env.streamer(7))
	env.appendConcurrently(60, "first")
	waitFor(t, "refused attempts during the outage", func() bool { _, refused, _ := hec.snapshot(); return refused >= 3 })
	if got, _, _ := hec.snapshot(); len(got) != 0 {
		t.Fatalf("the receiver is down, yet accepted %d", len(got))
	}
	st, err := env.db.AuditStream(env.org.ID, s.ID)
	if err != nil || st.State.LastError == "" || st.State.LastStatus != 503 || st.State.Cursor != s.State.Cursor {
		t.Fatalf("during the outage: %+v, %v", st.State, err)
	}
	// Back for part of the backlog, then down again; once a request was refused, no
	// accepted batch awaits its commit.
	_, before, _ := hec.snapshot()
	hec.goDownAt(30)
	hec.setDown(false)
	waitFor(t, "part of the backlog", func() bool { got, _, _ := hec.snapshot(); return len(got) >= 30 })
	waitFor(t, "a refusal after recovery", func() bool { _, refused, _ := hec.snapshot(); return refused > before })
	stop()

	// The restart: a new process opens the file; the cursor is where the receiver stopped.
	if err := env.db.Close(); err != nil {
		t.Fatal(err)
	}
	env.open()
	env.appendConcurrently(45, "second")
	stop = run(t, env.streamer(7))
	_, before, _ = hec.snapshot()
	waitFor(t, "a refusal after the restart", func() bool { _, refused, _ := hec.snapshot(); return refused > before })
	hec.setDown(false)
	want := env.owed(s)
	if len(want) != 1+60+45 {
		t.Fatalf("owed %d entries, want 106 (creation + 105)", len(want))
	}
	waitFor(t, "every entry", func() bool { got, _, _ := hec.snapshot(); return len(got) >= len(want) })
	stop()

	got, _, problems := hec.snapshot()
	if len(problems) > 0 {
		t.Fatalf("the receiver could not parse: %v", problems)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("received %d entries, the log has %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
	st, err = env.db.AuditStream(env.org.ID, s.ID)
	if err != nil || st.State.Delivered != uint64(len(want)) || st.State.LastError != "" || st.State.Failures != 0 || st.State.LastSuccessAt == nil {
		t.Fatalf("final state %+v, %v", st.State, err)
	}
	if b, err := env.db.AuditStreamBacklog(env.org.ID, st.State.Cursor); err != nil || b.Entries != 0 {
		t.Fatalf("backlog %+v, %v", b, err)
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestEachFormatIsAcceptedByAStrictReceiver: Datadog, Elastic (API key and basic auth)
// and the signed webhook each deliver every entry, in order, in batches, to a loopback
// receiver that parses its format strictly.
func TestEachFormatIsAcceptedByAStrictReceiver(t *testing.T) {
	for _, c := range []struct {
		name     string
		typ      string
		settings map[string]string
		secrets  map[string]string
		newRecv  func(t *testing.T) *receiver
		urlOf    func(r *receiver) string
	}{
		{name: "datadog", typ: TypeDatadog, settings: map[string]string{"service": "alertifypro-audit", "tags": "env:test"},
			secrets: map[string]string{"api_key": "dd-key-123"},
			newRecv: func(t *testing.T) *receiver { r := newReceiver(t, datadogParser("dd-key-123")); return r },
			urlOf:   func(r *receiver) string { return r.URL + "/api/v2/logs" }},
		{name: "elastic api key", typ: TypeElastic, settings: map[string]string{"index": "alertifypro-audit"},
			secrets: map[string]string{"api_key": "es-key"},
			newRecv: func(t *testing.T) *receiver {
				r := newReceiver(t, elasticParser("ApiKey es-key", "alertifypro-audit"))
				r.answer = elasticAnswer
				return r
			},
			urlOf: func(r *receiver) string { return r.URL }},
		{name: "elastic basic", typ: TypeElastic, settings: map[string]string{"index": "logs-audit", "username": "elastic"},
			secrets: map[string]string{"password": "changeme-please"},
			newRecv: func(t *testing.T) *receiver {
				r := newReceiver(t, elasticParser(basicAuth("elastic", "changeme-please"), "logs-audit"))
				r.answer = elasticAnswer
				return r
			},
			urlOf: func(r *receiver) string { return r.URL + "/" }},
		{name: "webhook", typ: TypeWebhook, secrets: map[string]string{"secret": "whsec_0123456789abcdef"},
			newRecv: func(t *testing.T) *receiver { return newReceiver(t, webhookParser("whsec_0123456789abcdef")) },
			urlOf:   func(r *receiver) string { return r.URL + "/hooks/audit?tenant=1" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newStreamEnv(t)
			r := c.newRecv(t)
			if problems := Validate(c.typ, c.settings, c.secrets); len(problems) > 0 {
				t.Fatalf("settings refused: %v", problems)
			}
			s := env.createStream(c.typ, c.urlOf(r), c.settings, c.secrets)
			env.appendConcurrently(12, c.name)
			streamer := env.streamer(5)
			for range 10 {
				if _, err := streamer.DeliverDue(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			got, _, problems := r.snapshot()
			if len(problems) > 0 {
				t.Fatalf("the receiver refused the format: %v", problems)
			}
			if want := env.owed(s); !slices.Equal(got, want) {
				t.Fatalf("received %v, want %v", got, want)
			}
		})
	}
}
