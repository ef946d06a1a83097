package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// webhookSecretRecord is the record a subscription's URL or secret is sealed under (with
// its organization): a sealed value moved to another subscription, field or organization
// does not open.
func webhookSecretRecord(webhookID, field string) string {
	return "webhook:" + webhookID + ":" + field
}

// sealWebhook seals the plaintext URL and secret of w (either may be "" to keep the
// stored one) bound to its organization and ID.
func (b *base) sealWebhook(w *store.Webhook, rawURL, secret string) error {
	for _, s := range []struct {
		field, plain string
		dst          *[]byte
	}{{"url", rawURL, &w.SealedURL}, {"secret", secret, &w.SealedSecret}} {
		if s.plain == "" {
			continue
		}
		sealed, err := b.sealer.Seal([]byte(s.plain), w.OrgID, webhookSecretRecord(w.ID, s.field))
		if err != nil {
			return fmt.Errorf("seal webhook %s: %w", s.field, err)
		}
		*s.dst = sealed
	}
	return nil
}

// newWebhookSender opens w's URL and secret and builds its sender: notify's generic
// webhook sender, which POSTs the notification's envelope as is (Content-Type
// application/json) with X-AlertifyPro-Event, X-AlertifyPro-Delivery (the notification ID)
// and X-AlertifyPro-Signature (HMAC-SHA256 of the raw body under the secret), through the
// egress-guarded client of d. The error never contains the URL or the secret.
func newWebhookSender(o secretOpener, w *store.Webhook, d notify.Deps) (notify.Sender, error) {
	rawURL, err := o.Open(w.SealedURL, w.OrgID, webhookSecretRecord(w.ID, "url"))
	if err != nil {
		return nil, fmt.Errorf("open url of webhook %s: %w", w.ID, err)
	}
	secret, err := o.Open(w.SealedSecret, w.OrgID, webhookSecretRecord(w.ID, "secret"))
	if err != nil {
		return nil, fmt.Errorf("open secret of webhook %s: %w", w.ID, err)
	}
	return notify.NewSender("webhook", map[string]any{"url": string(rawURL), "secret": string(secret)}, d)
}

// resolveWebhook builds the sender of a webhook outbox entry. A deleted or disabled
// subscription, or one whose seals no longer open, is a permanent error; a store failure
// is not (it may pass).
func (d *ChannelDelivery) resolveWebhook(e *store.OutboxEntry) (notify.Sender, error) {
	w, err := d.Store.Webhook(e.OrgID, e.TargetID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, permanent("webhook %s was deleted", e.TargetID)
	}
	if err != nil {
		return nil, &notify.DeliveryError{Err: err}
	}
	if !w.Enabled {
		return nil, permanent("webhook %s is disabled", w.ID)
	}
	s, err := newWebhookSender(d.Opener, w, d.Deps)
	if err != nil {
		return nil, permanent("%v", err)
	}
	return s, nil
}

// recordWebhook stores a delivery outcome as the subscription's last_delivery_at /
// last_error; a subscription deleted meanwhile is not an error.
func (d *ChannelDelivery) recordWebhook(orgID, webhookID string, at *time.Time, lastErr string) {
	err := d.Store.SetWebhookDelivery(orgID, webhookID, at, lastErr, nil)
	if err != nil && !errors.Is(err, store.ErrNotFound) && d.Logger != nil {
		d.Logger.LogAttrs(context.Background(), slog.LevelError, "webhook delivery state not recorded",
			slog.String("org_id", orgID), slog.String("webhook_id", webhookID), slog.Any("error", err))
	}
}
