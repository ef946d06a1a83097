package store

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestWebhookCRUDTenantFirst(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")

	w := &Webhook{SealedURL: []byte("u"), SealedSecret: []byte("s"), Events: []string{"monitor.down"}, Enabled: true}
	if err := db.CreateWebhook(org.ID, w, nil); err != nil || w.ID == "" || w.OrgID != org.ID {
		t.Fatalf("CreateWebhook = %+v, %v", w, err)
	}
	if _, err := db.Webhook(other.ID, w.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other organization's read = %v", err)
	}
	if _, err := db.UpdateWebhook(other.ID, w.ID, func(*Webhook) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other organization's update = %v", err)
	}
	if err := db.DeleteWebhook(other.ID, w.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other organization's delete = %v", err)
	}
	if list, _ := db.Webhooks(other.ID); len(list) != 0 {
		t.Fatalf("other organization lists %+v", list)
	}
	up, err := db.UpdateWebhook(org.ID, w.ID, func(h *Webhook) error { h.Enabled, h.ID = false, "x"; return nil }, nil)
	if err != nil || up.Enabled || up.ID != w.ID {
		t.Fatalf("UpdateWebhook = %+v, %v", up, err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := db.RecordWebhookDelivery(org.ID, w.ID, &at, "boom", nil); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Webhook(org.ID, w.ID)
	if got.LastDeliveryAt == nil || !got.LastDeliveryAt.Equal(at) || got.LastError != "boom" {
		t.Fatalf("delivery state = %+v", got)
	}
	if err := db.DeleteWebhook(org.ID, w.ID, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Webhooks(org.ID); len(list) != 0 {
		t.Fatalf("after delete: %+v", list)
	}
}

func TestWebhookSinkQueuesOneEnvelopePerSubscriber(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")
	yes := &Webhook{Events: []string{"member.invited", "monitor.down"}, Enabled: true}
	off := &Webhook{Events: []string{"member.invited"}, Enabled: false}
	no := &Webhook{Events: []string{"monitor.down"}, Enabled: true}
	foreign := &Webhook{Events: []string{"member.invited"}, Enabled: true}
	for _, w := range []*Webhook{yes, off, no} {
		if err := db.CreateWebhook(org.ID, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateWebhook(other.ID, foreign, nil); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ev := &Event{Name: "member.invited", At: at, Data: map[string]any{"member": map[string]any{"email": "a@b.c"}}}
	if err := db.EmitEvent(org.ID, ev); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbox(at.Add(time.Hour), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %+v, %v", due, err)
	}
	e := due[0]
	if e.Kind != OutboxKindWebhook || e.TargetID != yes.ID || e.Event != "member.invited" || e.OrgID != org.ID {
		t.Fatalf("entry = %+v", e)
	}
	var n webhookNotification
	if err := json.Unmarshal(e.Notification, &n); err != nil || n.ID != e.ID {
		t.Fatalf("notification = %s, %v", e.Notification, err)
	}
	var env map[string]any
	if err := json.Unmarshal(n.Payload, &env); err != nil {
		t.Fatal(err)
	}
	if env["id"] != e.ID || env["event"] != "member.invited" || env["timestamp"] != "2026-11-25T12:00:00Z" ||
		env["organization"].(map[string]any)["id"] != org.ID || env["organization"].(map[string]any)["name"] != org.Name ||
		env["data"].(map[string]any)["member"].(map[string]any)["email"] != "a@b.c" {
		t.Fatalf("envelope = %s", n.Payload)
	}
}

func TestAnnounceMaintenanceOnlyOnChange(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	w := &MaintenanceWindow{ID: "w1", Name: "Upgrade"}
	steps := []struct {
		started, want bool
	}{{false, false}, {true, true}, {true, false}, {false, true}, {false, false}}
	for i, s := range steps {
		changed, err := db.AnnounceMaintenance(org.ID, w, s.started, &Event{Name: "maintenance.x"})
		if err != nil || changed != s.want {
			t.Fatalf("step %d: changed = %v, %v; want %v", i, changed, err, s.want)
		}
		if i == 1 {
			if list, _ := db.AnnouncedMaintenance(org.ID); len(list) != 1 || list[0].Window.Name != "Upgrade" {
				t.Fatalf("announced = %+v", list)
			}
		}
	}
	if list, _ := db.AnnouncedMaintenance(org.ID); len(list) != 0 {
		t.Fatalf("announced after end = %+v", list)
	}
}

// The sink writes inside the caller's transaction: a change that rolls back takes its
// webhook deliveries with it.
func TestWebhookSinkRollsBackWithTheCaller(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	if err := db.CreateWebhook(org.ID, &Webhook{Events: []string{"monitor.down"}, Enabled: true}, nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("the alert change failed")
	err := db.update("", nil, func(tx txn) error {
		if err := db.emitEvent(tx, org.ID, &Event{Name: "monitor.down"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	if depth, _ := db.OutboxDepth(); depth != 0 {
		t.Fatalf("a rolled-back event left %d deliveries", depth)
	}
}
