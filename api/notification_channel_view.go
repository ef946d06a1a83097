package api

import (
	"maps"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// channelView is a notification channel as the API shows it (SPEC §3.11). Secret config
// fields that are set appear as the mask; their values never leave the server.
type channelView struct {
	ID             string         `json:"id"`
	OrganizationID string         `json:"organization_id"`
	Name           string         `json:"name"`
	Type           string         `json:"type"`
	Config         map[string]any `json:"config"`
	Enabled        bool           `json:"enabled"`
	Severities     []string       `json:"severities"`
	LastDeliveryAt *time.Time     `json:"last_delivery_at"`
	LastError      *string        `json:"last_error"`
	CreatedAt      time.Time      `json:"created_at"`
}

func newChannelView(ch *store.NotificationChannel) channelView {
	cfg := maps.Clone(ch.Config)
	if cfg == nil {
		cfg = map[string]any{}
	}
	for field := range ch.SealedSecrets {
		cfg[field] = channelSecretMask
	}
	v := channelView{ID: ch.ID, OrganizationID: ch.OrgID, Name: ch.Name, Type: ch.Type, Config: cfg,
		Enabled: ch.Enabled, Severities: ch.Severities, CreatedAt: ch.CreatedAt.UTC()}
	if v.Severities == nil {
		v.Severities = []string{}
	}
	v.LastDeliveryAt, v.LastError = utcPtr(ch.LastDeliveryAt), nullable(ch.LastError)
	return v
}

// deliveryLogView is one delivery-log entry as every log shows it (SPEC §3.11: timestamp,
// event, attempt, HTTP status, the first 500 characters of the answer). DeliveryID is the
// notification (outbox entry) it belongs to, as sent in X-AlertifyPro-Delivery; a
// dead-lettered one is replayed with POST /deliveries/{delivery_id}/retry. The channel and
// webhook logs embed it and add their own target id field.
type deliveryLogView struct {
	ID         string    `json:"id"`
	DeliveryID string    `json:"delivery_id"`
	Event      string    `json:"event"`
	Attempt    int       `json:"attempt"`
	Timestamp  time.Time `json:"timestamp"`
	StatusCode *int      `json:"status_code"`
	Response   string    `json:"response"`
	Error      *string   `json:"error"`
	Outcome    string    `json:"outcome"`
}

func newDeliveryLogView(l *store.DeliveryLog) deliveryLogView {
	v := deliveryLogView{ID: l.ID, DeliveryID: l.EntryID, Event: l.Event, Attempt: l.Attempt,
		Timestamp: l.At.UTC(), Response: l.Response, Outcome: l.Outcome}
	if l.StatusCode != 0 {
		v.StatusCode = &l.StatusCode
	}
	if l.Error != "" {
		v.Error = &l.Error
	}
	return v
}

// deliveryView is a channel's delivery-log entry.
type deliveryView struct {
	deliveryLogView
	ChannelID string `json:"channel_id"`
}

func newDeliveryView(l *store.DeliveryLog) deliveryView {
	return deliveryView{deliveryLogView: newDeliveryLogView(l), ChannelID: l.TargetID}
}

// testSendView is the answer of POST /notification-channels/{id}/test: what the provider
// said. A provider failure is an answer too (delivered false), not an API error.
type testSendView struct {
	Delivered  bool    `json:"delivered"`
	StatusCode *int    `json:"status_code"`
	Response   string  `json:"response"`
	Error      *string `json:"error"`
}
