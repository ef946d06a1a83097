package notify

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// testNotification is a channel test as the API sends it.
func testNotification() *Notification {
	return &Notification{ID: "0190a0a0-0000-7000-8000-00000000test", Event: "test", Severity: "info",
		Title: "Test notification from AlertifyPro", Summary: "This is a test of the notification channel Ops.",
		OrgID: "org-1", OrgName: "Acme", Status: "GREEN", Since: channelsNow}
}

// requests returns every request r got so far.
func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.reqs...)
}

func TestSendTestClosesWhatItOpens(t *testing.T) {
	cases := []struct {
		typ       string
		wantPaths []string
		check     func(t *testing.T, trigger, closing map[string]any)
	}{
		{"pagerduty", []string{"/v2/enqueue", "/v2/enqueue"}, func(t *testing.T, trigger, closing map[string]any) {
			if trigger["event_action"] != "trigger" || closing["event_action"] != "resolve" ||
				closing["dedup_key"] != trigger["dedup_key"] || trigger["dedup_key"] == "" {
				t.Errorf("trigger %v, then %v", trigger, closing)
			}
		}},
		{"opsgenie", []string{"/v2/alerts", "/v2/alerts/0190a0a0-0000-7000-8000-00000000test/close"}, func(t *testing.T, trigger, closing map[string]any) {
			if trigger["priority"] != "P5" || trigger["alias"] != "0190a0a0-0000-7000-8000-00000000test" {
				t.Errorf("trigger %v", trigger)
			}
		}},
		{"slack", []string{"/hook/SECRET"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			r := receiverFor(t, tc.typ)
			r.respond(http.StatusAccepted, `{"result":"Request will be processed"}`, nil)
			a, err := SendTest(t.Context(), tc.typ, senderAt(t, tc.typ, r), testNotification())
			if err != nil || a.StatusCode != http.StatusAccepted {
				t.Fatalf("SendTest: %+v, %v", a, err)
			}
			reqs := r.requests()
			var paths []string
			for _, q := range reqs {
				paths = append(paths, q.Path)
			}
			if strings.Join(paths, " ") != strings.Join(tc.wantPaths, " ") {
				t.Fatalf("requests %v, want %v", paths, tc.wantPaths)
			}
			if tc.check != nil {
				tc.check(t, decodeJSON(t, reqs[0]), decodeJSON(t, reqs[1]))
			}
		})
	}

	// A close the provider refuses is reported: an incident may be left open.
	var calls atomic.Int32
	refuser := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
	}))
	t.Cleanup(refuser.Close)
	s := senderAt(t, "pagerduty", &hookReceiver{srv: refuser})
	if _, err := SendTest(t.Context(), "pagerduty", s, testNotification()); err == nil || !strings.Contains(err.Error(), "not resolved") {
		t.Fatalf("a refused resolve: %v", err)
	}
}
