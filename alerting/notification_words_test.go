package alerting

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// notificationsByEvent returns the queued notifications by event (the last of each).
func (f *fixture) notificationsByEvent() map[string]notify.Notification {
	out := map[string]notify.Notification{}
	for _, e := range f.outbox() {
		out[e.Event] = e.N
	}
	return out
}

func TestNotificationsReadLikeAPersonWroteThem(t *testing.T) {
	f := newFixture(t)
	ada, _ := f.register("ada@example.com", "Ada Lovelace")
	if err := f.db.AddMember(f.org.ID, &store.Membership{UserID: ada.ID}, nil); err != nil {
		t.Fatal(err)
	}
	f.channel("ops")
	svc := f.service("Toggle API")
	f.rule("Toggle API", svc, 1, 1)
	f.check(store.StatusRed, svc)
	a := f.alerts("open")[0]
	if _, err := f.al.Acknowledge(f.org.ID, a.ID, ada.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	f.check(store.StatusGreen, svc)
	got := f.notificationsByEvent()

	fired, acked, resolved := got["alert.fired"], got["alert.acknowledged"], got["alert.resolved"]
	if fired.Title != "Toggle API is down" || fired.Summary != "Toggle API is down: expected status 2xx, got 503" {
		t.Errorf("fired: %q / %q", fired.Title, fired.Summary)
	}
	if acked.Title != "Toggle API is down, acknowledged by Ada Lovelace" || acked.Actor != "Ada Lovelace" ||
		acked.Summary != "The alert no longer escalates." {
		t.Errorf("acknowledged: %q / %q / %q", acked.Title, acked.Summary, acked.Actor)
	}
	if resolved.Title != "Toggle API is up again" || resolved.Error != "" || resolved.DownFor != time.Minute ||
		strings.Contains(resolved.Summary, "down for") {
		t.Errorf("resolved: %q / %q, error %q, down for %v", resolved.Title, resolved.Summary, resolved.Error, resolved.DownFor)
	}
	for event, n := range got {
		raw, _ := json.Marshal(n)
		if strings.Contains(string(raw), ada.ID) || strings.Contains(n.Title, "Triggered by Check") {
			t.Errorf("%s names a user ID or reads like a machine: %s", event, raw)
		}
	}

	// A resolve by hand names the person too; a heartbeat's alert is about its ping.
	f.check(store.StatusRed, svc)
	a = f.alerts("open")[0]
	if _, err := f.al.Resolve(f.org.ID, a.ID, ada.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	if n := f.notificationsByEvent()["alert.resolved"]; n.Title != "Toggle API alert resolved by Ada Lovelace" {
		t.Errorf("resolved by hand: %q", n.Title)
	}
	hb := Heartbeat{ID: "0196a3f0-0000-7000-8000-000000000001", Name: "Nightly backup"}
	if err := f.db.WithAlertTx(func(tx *store.AlertTx) error {
		return f.al.HeartbeatFailed(tx, f.org.ID, hb, f.clock.Now(), "missed")
	}); err != nil {
		t.Fatal(err)
	}
	if n := f.notificationsByEvent()["alert.fired"]; n.Title != "Nightly backup missed its ping" {
		t.Errorf("heartbeat missed: %q", n.Title)
	}
	f.clock.Add(40 * time.Second)
	if err := f.db.WithAlertTx(func(tx *store.AlertTx) error { return f.al.HeartbeatRecovered(tx, f.org.ID, hb, f.clock.Now()) }); err != nil {
		t.Fatal(err)
	}
	if n := f.notificationsByEvent()["alert.resolved"]; n.Title != "Nightly backup is pinging again" {
		t.Errorf("heartbeat recovered: %q", n.Title)
	}
}
