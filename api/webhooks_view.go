package api

import (
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// webhookView is a subscription as the API shows it (SPEC §3.15). url is the display form
// (query values masked: receivers often take a token there); the secret appears only in
// the 201 answer of the create that generated or received it.
type webhookView struct {
	ID             string     `json:"id"`
	OrganizationID string     `json:"organization_id"`
	URL            string     `json:"url"`
	Events         []string   `json:"events"`
	Enabled        bool       `json:"enabled"`
	Secret         string     `json:"secret,omitempty"`
	LastDeliveryAt *time.Time `json:"last_delivery_at"`
	LastError      *string    `json:"last_error"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func newWebhookView(w *store.Webhook) webhookView {
	v := webhookView{ID: w.ID, OrganizationID: w.OrgID, URL: w.DisplayURL, Events: slices.Clone(w.Events),
		Enabled: w.Enabled, CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
	if v.Events == nil {
		v.Events = []string{}
	}
	v.LastDeliveryAt, v.LastError = utcPtr(w.LastDeliveryAt), nullable(w.LastError)
	return v
}

// webhookDeliveryView is one attempt in a subscription's delivery log (SPEC §3.15: the
// same log as §3.11); delivery_id is the envelope id (X-AlertifyPro-Delivery).
type webhookDeliveryView struct {
	deliveryLogView
	WebhookID string `json:"webhook_id"`
}

func newWebhookDeliveryView(l *store.DeliveryLog) webhookDeliveryView {
	return webhookDeliveryView{deliveryLogView: newDeliveryLogView(l), WebhookID: l.TargetID}
}

// webhookTestView answers POST /webhooks/{id}/test: what the receiver said. A refusal is
// an answer too (delivered false), not an API error.
type webhookTestView struct {
	Delivered  bool    `json:"delivered"`
	DeliveryID string  `json:"delivery_id"`
	StatusCode *int    `json:"status_code"`
	Response   string  `json:"response"`
	Error      *string `json:"error,omitempty"`
}
