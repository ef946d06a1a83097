package api

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// testAckKey signs one-click acknowledge links in tests.
var testAckKey = []byte("test-ack-key-test-ack-key-0123456789")

// newAlertEnv is newTestEnv and its Alerter: recorded results open and resolve alerts
// exactly as in the server (every test store runs the alert state machine), and the
// alert endpoints act through it.
func newAlertEnv(t *testing.T) (*testEnv, *alerting.Alerter) {
	t.Helper()
	e := newTestEnv(t)
	return e, e.deps.Alerter
}

// record commits one result of serviceID a minute after the previous one, through the
// store's recorder transaction (and so through the registered evaluator).
func (e *testEnv) record(orgID, serviceID, status string) {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	r := store.CheckResult{ServiceID: serviceID, CheckedAt: e.clock.Now(), Status: status, ResponseTimeMS: 120}
	if status != "GREEN" {
		r.Error = "connection refused"
	}
	e.recordAt(orgID, r)
}

// openAlert returns the open alert of serviceID, failing the test when there is none.
func (e *testEnv) openAlert(orgID, serviceID string) *store.Alert {
	e.t.Helper()
	alerts, _, err := e.db.Alerts(orgID, store.AlertFilter{ServiceID: serviceID})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(alerts) != 1 {
		e.t.Fatalf("open alerts of %s: %d, want 1 (%+v)", serviceID, len(alerts), alerts)
	}
	return &alerts[0]
}

// firingService creates a service and a rule that fires on its first RED result, records
// that result and returns the service and its alert.
func (e *testEnv) firingService(token, orgID, name, severity string) (string, *store.Alert) {
	e.t.Helper()
	return e.firingServiceAt(token, orgID, name, "https://"+name+".example.com", severity)
}

// firingServiceAt is firingService with the service's endpoint given (a name that is no
// host name).
func (e *testEnv) firingServiceAt(token, orgID, name, endpoint, severity string) (string, *store.Alert) {
	e.t.Helper()
	svc := e.createHTTPService(token, name, endpoint)
	rec := e.do("POST", "/api/v1/alert-rules", token, map[string]any{"name": name + " down", "service_id": svc, "severity": severity})
	if rec.Code != 201 {
		e.t.Fatalf("create rule: %d %s", rec.Code, rec.Body.String())
	}
	e.record(orgID, svc, "RED")
	return svc, e.openAlert(orgID, svc)
}
