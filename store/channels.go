package store

import (
	"strings"
	"time"
)

// NotificationChannel is a destination for alert notifications (SPEC §3.11), in its storage
// encoding. Config holds the non-secret fields only; each secret field (tokens, keys,
// passwords, webhook URLs) is sealed by the API before it reaches the store, under the
// record "channel:<id>:<field>" of the organization, so the store never sees plaintext and
// a sealed value copied to another channel or field does not open.
type NotificationChannel struct {
	ID            string            `json:"id"`
	OrgID         string            `json:"org_id"`
	Name          string            `json:"name"`
	Type          string            `json:"type"`
	Config        map[string]any    `json:"config"`
	SealedSecrets map[string][]byte `json:"sealed_secrets,omitempty"`
	Enabled       bool              `json:"enabled"`
	Severities    []string          `json:"severities"`
	// LastDeliveryAt is when a notification last reached the channel; LastError is the
	// latest failure that stopped a delivery ("" after a success).
	LastDeliveryAt *time.Time `json:"last_delivery_at,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// channelNameKey is the name-index key: names are unique per organization regardless of
// case and surrounding spaces.
func channelNameKey(name string) []byte {
	return []byte(strings.ToLower(strings.TrimSpace(name)))
}

// errChannelNameTaken is the conflict of a channel name another channel of the
// organization has.
var errChannelNameTaken = conflictf(entityChannel, "A notification channel with that name already exists in this organization.")

// CreateChannel stores a new channel in organization orgID; a name another channel of the
// organization has (case-insensitively) is ErrConflict. A given ID is kept (the API seals
// the secrets bound to it before calling); an empty one is filled, as are CreatedAt and
// UpdatedAt. OrgID is set to orgID.
func (db *DB) CreateChannel(orgID string, ch *NotificationChannel, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subChannels)
		if err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subChannelNames)
		if err != nil {
			return err
		}
		if ch.ID == "" {
			ch.ID = NewID()
		}
		if b.Get([]byte(ch.ID)) != nil {
			return conflictf(entityChannel, "A notification channel with ID %s already exists.", ch.ID)
		}
		key := channelNameKey(ch.Name)
		if names.Get(key) != nil {
			return errChannelNameTaken
		}
		now := db.stamp()
		if ch.CreatedAt.IsZero() {
			ch.CreatedAt = now
		}
		ch.OrgID, ch.UpdatedAt = orgID, now
		if err := names.Put(key, []byte(ch.ID)); err != nil {
			return err
		}
		return putJSON(b, []byte(ch.ID), ch)
	})
}

// Channel returns channel id of organization orgID, or ErrNotFound (also when it belongs to
// another organization).
func (db *DB) Channel(orgID, id string) (*NotificationChannel, error) {
	var ch NotificationChannel
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subChannels)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(id), &ch, entityChannel)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// Channels returns every channel of organization orgID in creation order; never nil.
func (db *DB) Channels(orgID string) ([]NotificationChannel, error) {
	var out []NotificationChannel
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subChannels)
		if err != nil {
			return err
		}
		out, err = listJSON[NotificationChannel](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateChannel loads channel id of orgID, lets fn change it and stores it, in one write
// transaction. An error from fn aborts and is returned as is. A changed name is re-checked
// for uniqueness (ErrConflict). ID, OrgID and CreatedAt cannot be changed; UpdatedAt is set.
func (db *DB) UpdateChannel(orgID, id string, fn func(*NotificationChannel) error, change *Change) (*NotificationChannel, error) {
	var ch NotificationChannel
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subChannels)
		if err != nil {
			return err
		}
		if err := getJSON(b, []byte(id), &ch, entityChannel); err != nil {
			return err
		}
		oldKey, created := channelNameKey(ch.Name), ch.CreatedAt
		if err := fn(&ch); err != nil {
			return err
		}
		ch.ID, ch.OrgID, ch.CreatedAt, ch.UpdatedAt = id, orgID, created, db.stamp()
		if newKey := channelNameKey(ch.Name); string(newKey) != string(oldKey) {
			if err := renameIndexed(tx, orgID, subChannelNames, oldKey, newKey, id, errChannelNameTaken); err != nil {
				return err
			}
		}
		return putJSON(b, []byte(id), &ch)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// renameIndexed moves id's entry in the name index sub from oldKey to newKey; taken (an
// ErrConflict) when newKey belongs to another record.
func renameIndexed(tx txn, orgID, sub string, oldKey, newKey []byte, id string, taken error) error {
	names, err := orgSub(tx, orgID, sub)
	if err != nil {
		return err
	}
	if owner := names.Get(newKey); owner != nil && string(owner) != id {
		return taken
	}
	if err := names.Delete(oldKey); err != nil {
		return err
	}
	return names.Put(newKey, []byte(id))
}

// DeleteChannel removes channel id of orgID and frees its name; ErrNotFound otherwise.
// Outbox entries still addressed to it fail permanently when their turn comes (the
// sender's Resolve no longer finds the channel); its delivery logs age out as usual.
func (db *DB) DeleteChannel(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subChannels)
		if err != nil {
			return err
		}
		var ch NotificationChannel
		if err := getJSON(b, []byte(id), &ch, entityChannel); err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subChannelNames)
		if err != nil {
			return err
		}
		if err := names.Delete(channelNameKey(ch.Name)); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// RecordChannelDelivery records a delivery outcome on channel id of orgID: a non-nil at sets
// LastDeliveryAt (a success), and LastError becomes lastErr ("" clears it). UpdatedAt is
// not touched: this is the channel's state, not an edit of its configuration. A channel
// deleted meanwhile is ErrNotFound.
func (db *DB) RecordChannelDelivery(orgID, id string, at *time.Time, lastErr string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subChannels)
		if err != nil {
			return err
		}
		var ch NotificationChannel
		if err := getJSON(b, []byte(id), &ch, entityChannel); err != nil {
			return err
		}
		if at != nil {
			t := at.UTC()
			ch.LastDeliveryAt = &t
		}
		ch.LastError = clampText(lastErr, maxOutboxErrorLen)
		return putJSON(b, []byte(id), &ch)
	})
}
