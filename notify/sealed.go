package notify

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/alertifypro/alertifypro/store"
)

// The records secrets are sealed under (with their organization, crypto.Sealer's
// associated data): a sealed value moved to another record, field or organization does
// not open. The API seals with them; deliveries open with them.

// ChannelSecretRecord is the record of a notification channel's secret field.
func ChannelSecretRecord(channelID, field string) string {
	return "channel:" + channelID + ":" + field
}

// WebhookSecretRecord is the record of a webhook subscription's URL or secret.
func WebhookSecretRecord(webhookID, field string) string {
	return "webhook:" + webhookID + ":" + field
}

// SubscriberSecretRecord is the record of a status-page subscriber's URL or unsubscribe
// token.
func SubscriberSecretRecord(subscriberID, field string) string {
	return "subscriber:" + subscriberID + ":" + field
}

// Opener opens sealed values (*crypto.Sealer).
type Opener interface {
	Open(sealed []byte, orgID, recordID string) ([]byte, error)
}

// ChannelSecrets opens every sealed secret of ch; it fails when any seal was not made for
// this organization, channel and field. The error names the field, never its value.
func ChannelSecrets(o Opener, ch *store.NotificationChannel) (map[string]any, error) {
	out := make(map[string]any, len(ch.SealedSecrets))
	for field, sealed := range ch.SealedSecrets {
		plain, err := o.Open(sealed, ch.OrgID, ChannelSecretRecord(ch.ID, field))
		if err != nil {
			return nil, fmt.Errorf("open secret %s of channel %s: %w", field, ch.ID, err)
		}
		var v any
		if err := json.Unmarshal(plain, &v); err != nil {
			return nil, fmt.Errorf("decode secret %s of channel %s: %w", field, ch.ID, err)
		}
		out[field] = v
	}
	return out, nil
}

// ChannelConfig is a channel's whole config in plaintext, for a sender: the public fields
// and the opened secrets. It exists only in memory.
func ChannelConfig(o Opener, ch *store.NotificationChannel) (map[string]any, error) {
	secrets, err := ChannelSecrets(o, ch)
	if err != nil {
		return nil, err
	}
	cfg := maps.Clone(ch.Config)
	if cfg == nil {
		cfg = map[string]any{}
	}
	maps.Copy(cfg, secrets)
	return cfg, nil
}

// NewWebhookSubscriptionSender opens w's URL and secret and builds its sender: the generic
// webhook sender, which POSTs the notification's envelope as is (Content-Type
// application/json) with X-AlertifyPro-Event, X-AlertifyPro-Delivery (the notification ID)
// and X-AlertifyPro-Signature (HMAC-SHA256 of the raw body under the secret), through the
// egress-guarded client of d. The error never contains the URL or the secret.
func NewWebhookSubscriptionSender(o Opener, w *store.Webhook, d Deps) (Sender, error) {
	rawURL, err := o.Open(w.SealedURL, w.OrgID, WebhookSecretRecord(w.ID, "url"))
	if err != nil {
		return nil, fmt.Errorf("open url of webhook %s: %w", w.ID, err)
	}
	secret, err := o.Open(w.SealedSecret, w.OrgID, WebhookSecretRecord(w.ID, "secret"))
	if err != nil {
		return nil, fmt.Errorf("open secret of webhook %s: %w", w.ID, err)
	}
	return NewSender("webhook", map[string]any{"url": string(rawURL), "secret": string(secret)}, d)
}
