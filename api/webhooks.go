package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// webhookHandlers serves /api/v1/webhooks, outbound event subscriptions (SPEC §3.15).
type webhookHandlers struct {
	*base
	notify notify.Deps // egress-guarded means for the test send
}

// webhooks is the resource the subscription routes share.
func (h *webhookHandlers) webhooks() resource[store.Webhook, webhookView] {
	return resource[store.Webhook, webhookView]{base: h.base, event: "webhook",
		load: h.store.Webhook, page: h.store.ListWebhooks, insert: h.store.CreateWebhook,
		save: h.store.UpdateWebhook, remove: h.store.DeleteWebhook,
		id: func(w *store.Webhook) string { return w.ID }, audit: webhookResource, view: newWebhookView}
}

func webhookResource(w *store.Webhook) store.AuditResource {
	return store.AuditResource{Type: "webhook", ID: w.ID, Name: w.DisplayURL}
}

// list answers the organization's subscriptions, paginated in creation order.
func (h *webhookHandlers) list(c *gin.Context) error { return h.webhooks().list(c) }

// get answers one subscription.
func (h *webhookHandlers) get(c *gin.Context) error { return h.webhooks().get(c) }

// create validates the subscription, generates its secret unless one is given, seals URL
// and secret under the new ID, and answers 201 with the secret — the only time it is shown.
func (h *webhookHandlers) create(c *gin.Context) error {
	var req webhookRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	change, err := h.validate(&req, nil)
	if err != nil {
		return err
	}
	if change.secret == "" {
		if change.secret, err = crypto.RandomToken("whsec_", webhookSecretBytes); err != nil {
			return err
		}
	}
	w := &store.Webhook{ID: store.NewID(), OrgID: actorOf(c).org.ID, DisplayURL: change.display,
		Events: change.events, Enabled: change.enabled}
	if err := h.sealWebhook(w, change.url, change.secret); err != nil {
		return err
	}
	r := h.webhooks()
	r.view = func(w *store.Webhook) webhookView {
		v := newWebhookView(w)
		v.Secret = change.secret
		return v
	}
	return r.create(c, w, map[string]any{"events": w.Events, "secret_generated": req.Secret == nil})
}

// update changes the fields sent. A new secret is sealed and, like every secret, never
// shown; a url sent back as shown keeps the stored one.
func (h *webhookHandlers) update(c *gin.Context) error {
	r := h.webhooks()
	var req webhookRequest
	old, err := r.bind(c, &req)
	if err != nil {
		return err
	}
	change, err := h.validate(&req, old)
	if err != nil {
		return err
	}
	return r.update(c, "updated", map[string]any{"url_changed": change.url != "", "secret_changed": change.secret != "",
		"events": change.events, "enabled": change.enabled}, func(w *store.Webhook) error { return h.apply(w, change) })
}

// apply copies a validated change onto w: a new URL (its display form too), the events and
// enabled, and seals the URL and secret that change.
func (h *webhookHandlers) apply(w *store.Webhook, change *webhookChange) error {
	if change.url != "" {
		w.DisplayURL = change.display
	}
	w.Events, w.Enabled = change.events, change.enabled
	return h.sealWebhook(w, change.url, change.secret)
}

// delete removes the subscription; deliveries still queued for it fail permanently.
func (h *webhookHandlers) delete(c *gin.Context) error { return h.webhooks().delete(c) }

// test sends a "test" event envelope now, synchronously, through the same sender the
// outbox uses (so the signature and headers are the real ones), records the outcome on
// the subscription and answers what the receiver said. It sends even to a disabled
// subscription: testing one before enabling it is the point.
func (h *webhookHandlers) test(c *gin.Context) error {
	w, err := h.webhooks().one(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	now := h.now().UTC()
	id := uuid.Must(uuid.NewV7()).String()
	ev := &store.Event{Name: "test", At: now, Data: map[string]any{
		"message": "This is a test delivery from AlertifyPro.",
		"webhook": map[string]any{"id": w.ID, "url": w.DisplayURL, "events": w.Events},
	}}
	payload, err := store.NewWebhookEnvelope(id, store.WebhookOrg{ID: a.org.ID, Name: a.org.Name}, ev)
	if err != nil {
		return err
	}
	n := &notify.Notification{ID: id, Event: ev.Name, OrgID: a.org.ID, OrgName: a.org.Name, Payload: payload}
	attempt, sendErr := h.send(c.Request.Context(), w, n)
	sent := newTestSend(attempt, sendErr, now)
	entry := h.auditEntry(c, "webhook.tested", webhookResource(w), map[string]any{"delivered": sent.delivered})
	if err := h.recordTestSend(w.OrgID, entry, func(change *store.Change) error {
		return h.store.RecordWebhookDelivery(w.OrgID, w.ID, sent.at, sent.lastErr, change)
	}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, webhookTestView{Delivered: sent.delivered, DeliveryID: id, StatusCode: sent.status,
		Response: attempt.Response, Error: sent.errText()})
	return nil
}

// send makes one attempt with w's sender, bounded like a channel test send.
func (h *webhookHandlers) send(ctx context.Context, w *store.Webhook, n *notify.Notification) (notify.Attempt, error) {
	sender, err := notify.NewWebhookSubscriptionSender(h.sealer, w, h.notify)
	if err != nil {
		return notify.Attempt{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, testSendTimeout)
	defer cancel()
	return sender.Send(ctx, n)
}

// deliveries answers the subscription's delivery log, newest first, with X-Next-Cursor.
func (h *webhookHandlers) deliveries(c *gin.Context) error {
	w, err := h.webhooks().one(c)
	if err != nil {
		return err
	}
	return respondDeliveries(c, h.store, w.OrgID, store.OutboxKindWebhook, w.ID, newWebhookDeliveryView)
}
