package store

import (
	"errors"
	"testing"
	"time"
)

func TestChannelCRUDNameUniquenessAndDeliveryState(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")

	ops := &NotificationChannel{Name: "Ops", Type: "slack", Enabled: true, Severities: []string{"critical"},
		Config: map[string]any{}, SealedSecrets: map[string][]byte{"url": []byte("sealed")}}
	if err := db.CreateChannel(org.ID, ops, nil); err != nil {
		t.Fatal(err)
	}
	if ops.ID == "" || ops.OrgID != org.ID || ops.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", ops)
	}
	if err := db.CreateChannel(org.ID, &NotificationChannel{Name: " oPS ", Type: "slack"}, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name = %v, want ErrConflict", err)
	}
	if err := db.CreateChannel(other.ID, &NotificationChannel{Name: "Ops", Type: "slack"}, nil); err != nil {
		t.Fatalf("same name in another organization: %v", err)
	}
	pager := &NotificationChannel{Name: "Pager", Type: "pagerduty"}
	if err := db.CreateChannel(org.ID, pager, nil); err != nil {
		t.Fatal(err)
	}

	got, err := db.Channel(org.ID, ops.ID)
	if err != nil || got.Name != "Ops" || string(got.SealedSecrets["url"]) != "sealed" || !got.Enabled {
		t.Fatalf("Channel = %+v, %v", got, err)
	}
	if _, err := db.Channel(other.ID, ops.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Channel from another organization = %v, want ErrNotFound", err)
	}
	list, err := db.Channels(org.ID)
	if err != nil || len(list) != 2 || list[0].ID != ops.ID || list[1].ID != pager.ID {
		t.Fatalf("Channels = %+v, %v", list, err)
	}

	// Renaming onto another channel's name conflicts and changes nothing.
	if _, err := db.UpdateChannel(org.ID, pager.ID, func(c *NotificationChannel) error { c.Name = "OPS"; return nil }, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("rename onto taken name = %v", err)
	}
	up, err := db.UpdateChannel(org.ID, ops.ID, func(c *NotificationChannel) error {
		c.Name, c.OrgID, c.ID = "Operations", "x", "y"
		return nil
	}, nil)
	if err != nil || up.Name != "Operations" || up.ID != ops.ID || up.OrgID != org.ID {
		t.Fatalf("UpdateChannel = %+v, %v", up, err)
	}
	// The old name is free again, the new one taken.
	if err := db.CreateChannel(org.ID, &NotificationChannel{Name: "ops", Type: "slack"}, nil); err != nil {
		t.Fatalf("old name not freed: %v", err)
	}
	if err := db.CreateChannel(org.ID, &NotificationChannel{Name: "operations", Type: "slack"}, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("new name not taken: %v", err)
	}
	if _, err := db.UpdateChannel(other.ID, ops.ID, func(*NotificationChannel) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update from another organization = %v", err)
	}

	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.FixedZone("x", 3600))
	if err := db.RecordChannelDelivery(org.ID, ops.ID, &at, "", nil); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordChannelDelivery(org.ID, ops.ID, nil, "404 Not Found", nil); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Channel(org.ID, ops.ID)
	if got.LastDeliveryAt == nil || !got.LastDeliveryAt.Equal(at) || got.LastDeliveryAt.Location() != time.UTC || got.LastError != "404 Not Found" {
		t.Fatalf("delivery state = %v %q", got.LastDeliveryAt, got.LastError)
	}
	if err := db.RecordChannelDelivery(other.ID, ops.ID, nil, "x", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RecordChannelDelivery from another organization = %v", err)
	}

	if err := db.DeleteChannel(other.ID, ops.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete from another organization = %v", err)
	}
	if err := db.DeleteChannel(org.ID, ops.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Channel(org.ID, ops.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted channel = %v", err)
	}
	if err := db.CreateChannel(org.ID, &NotificationChannel{Name: "Operations", Type: "slack"}, nil); err != nil {
		t.Fatalf("name of deleted channel not freed: %v", err)
	}
	if err := db.RecordChannelDelivery(org.ID, ops.ID, nil, "x", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RecordChannelDelivery on deleted = %v", err)
	}
}
