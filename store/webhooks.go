package store

import (
	"slices"
	"time"
)

// subWebhooks is the organization child holding outbound webhook subscriptions
// (webhookID → Webhook JSON); created on first write.
const subWebhooks = "webhooks"

// Webhook is an outbound event subscription (SPEC §3.15): every event of the organization
// named in Events is POSTed, signed with the secret, to the URL. Both the URL (which may
// embed credentials in its user info, path or query) and the secret are sealed by the API
// before they reach the store, bound to the organization and the records
// "webhook:<id>:url" / "webhook:<id>:secret", so the store never holds them in plaintext.
// DisplayURL is the URL with its user info and query values masked, the form the API shows.
type Webhook struct {
	ID           string   `json:"id"`
	OrgID        string   `json:"org_id"`
	SealedURL    []byte   `json:"sealed_url"`
	DisplayURL   string   `json:"display_url"`
	Events       []string `json:"events"`
	SealedSecret []byte   `json:"sealed_secret"`
	Enabled      bool     `json:"enabled"`
	// LastDeliveryAt is when a delivery last reached the receiver; LastError is the latest
	// failure that stopped a delivery ("" after a success).
	LastDeliveryAt *time.Time `json:"last_delivery_at,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Subscribes reports whether the subscription is enabled and lists event name.
func (w *Webhook) Subscribes(name string) bool {
	return w.Enabled && slices.Contains(w.Events, name)
}

// CreateWebhook stores a new subscription in organization orgID. A given ID is kept (the
// API seals the URL and secret bound to it before calling); an empty one is filled, as
// are CreatedAt and UpdatedAt. OrgID is set to orgID.
func (db *DB) CreateWebhook(orgID string, w *Webhook, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subWebhooks)
		if err != nil {
			return err
		}
		if w.ID == "" {
			w.ID = NewID()
		}
		if b.Get([]byte(w.ID)) != nil {
			return conflictf(entityWebhook, "A webhook with ID %s already exists.", w.ID)
		}
		now := db.stamp()
		if w.CreatedAt.IsZero() {
			w.CreatedAt = now
		}
		w.OrgID, w.UpdatedAt = orgID, now
		return putJSON(b, []byte(w.ID), w)
	})
}

// Webhook returns subscription id of organization orgID, or ErrNotFound (also when it
// belongs to another organization).
func (db *DB) Webhook(orgID, id string) (*Webhook, error) {
	var w Webhook
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subWebhooks)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(id), &w, entityWebhook)
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// Webhooks returns every subscription of organization orgID in creation order; never nil.
func (db *DB) Webhooks(orgID string) ([]Webhook, error) {
	var out []Webhook
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subWebhooks)
		if err != nil {
			return err
		}
		out, err = listJSON[Webhook](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateWebhook loads subscription id of orgID, lets fn change it and stores it, in one
// write transaction. An error from fn aborts and is returned as is. ID, OrgID and
// CreatedAt cannot be changed; UpdatedAt is set.
func (db *DB) UpdateWebhook(orgID, id string, fn func(*Webhook) error, change *Change) (*Webhook, error) {
	var w Webhook
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subWebhooks)
		if err != nil {
			return err
		}
		if err := getJSON(b, []byte(id), &w, entityWebhook); err != nil {
			return err
		}
		created := w.CreatedAt
		if err := fn(&w); err != nil {
			return err
		}
		w.ID, w.OrgID, w.CreatedAt, w.UpdatedAt = id, orgID, created, db.stamp()
		return putJSON(b, []byte(id), &w)
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// DeleteWebhook removes subscription id of orgID; ErrNotFound otherwise. Deliveries still
// queued for it fail permanently when their turn comes (the sender no longer finds it).
func (db *DB) DeleteWebhook(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subWebhooks)
		if err != nil {
			return err
		}
		if b.Get([]byte(id)) == nil {
			return notFoundf(entityWebhook, "webhook %s", id)
		}
		return b.Delete([]byte(id))
	})
}

// RecordWebhookDelivery records a delivery outcome on subscription id of orgID: a non-nil at
// sets LastDeliveryAt (a success), and LastError becomes lastErr ("" clears it). UpdatedAt
// is not touched: this is delivery state, not an edit. A deleted subscription is ErrNotFound.
func (db *DB) RecordWebhookDelivery(orgID, id string, at *time.Time, lastErr string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subWebhooks)
		if err != nil {
			return err
		}
		var w Webhook
		if err := getJSON(b, []byte(id), &w, entityWebhook); err != nil {
			return err
		}
		if at != nil {
			t := at.UTC()
			w.LastDeliveryAt = &t
		}
		w.LastError = clampText(lastErr, maxOutboxErrorLen)
		return putJSON(b, []byte(id), &w)
	})
}
