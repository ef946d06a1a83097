package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// WebhookEnvelope is the JSON body every webhook delivery carries (SPEC §3.15). ID is the
// delivery's UUID (the outbox entry's ID, also sent as X-AlertifyPro-Delivery), so a
// receiver can drop a retry it has already processed.
type WebhookEnvelope struct {
	ID           string          `json:"id"`
	Event        string          `json:"event"`
	Timestamp    string          `json:"timestamp"` // RFC 3339, UTC: when the event happened
	Organization WebhookOrg      `json:"organization"`
	Data         json.RawMessage `json:"data"`
}

// WebhookOrg is the envelope's organization object.
type WebhookOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// webhookNotification is the subset of notify.Notification a webhook delivery needs,
// encoded under notify.Notification's field names (it has no JSON tags, so they are its
// Go names). The store cannot import notify (notify imports store); the API's delivery
// tests decode these entries with notify's own type.
type webhookNotification struct {
	ID      string          `json:"ID"`
	Event   string          `json:"Event"`
	OrgID   string          `json:"OrgID"`
	OrgName string          `json:"OrgName"`
	Payload json.RawMessage `json:"Payload"`
}

// NewWebhookEnvelope encodes the envelope of delivery id for event ev of org. A nil
// ev.Data becomes {}.
func NewWebhookEnvelope(id string, org WebhookOrg, ev *Event) ([]byte, error) {
	data := []byte("{}")
	if ev.Data != nil {
		var err error
		if data, err = json.Marshal(ev.Data); err != nil {
			return nil, fmt.Errorf("store: encode data of event %s: %w", ev.Name, err)
		}
	}
	return json.Marshal(WebhookEnvelope{ID: id, Event: ev.Name, Timestamp: ev.At.UTC().Format(time.RFC3339),
		Organization: org, Data: data})
}

// webhookSink is the event sink of outbound webhooks: inside the transaction that caused
// ev, it queues one outbox entry per enabled subscription of the organization that lists
// ev.Name, carrying the exact envelope to send. The envelope is built here, once, so every
// retry sends (and signs) the same bytes.
func (db *DB) webhookSink(tx txn, orgID string, ev *Event) error {
	ob, err := orgBucket(tx, orgID)
	if err != nil {
		return err
	}
	hooks, err := listJSON[Webhook](ob.Bucket([]byte(subWebhooks)))
	if err != nil || len(hooks) == 0 {
		return err
	}
	var org Organization
	if err := getOrganization(tx, orgID, &org); err != nil {
		return err
	}
	for i := range hooks {
		if !hooks[i].Subscribes(ev.Name) {
			continue
		}
		id := NewID()
		payload, err := NewWebhookEnvelope(id, WebhookOrg{ID: orgID, Name: org.Name}, ev)
		if err != nil {
			return err
		}
		n, err := json.Marshal(webhookNotification{ID: id, Event: ev.Name, OrgID: orgID, OrgName: org.Name, Payload: payload})
		if err != nil {
			return err
		}
		e := &OutboxEntry{ID: id, OrgID: orgID, Kind: OutboxKindWebhook, TargetID: hooks[i].ID, Event: ev.Name, Notification: n}
		if err := db.enqueueOutbox(tx, e); err != nil {
			return err
		}
	}
	return nil
}
