package api

import (
	"context"
	"errors"
	"net/http"
	"time"

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

// webhook loads the :id subscription of the active organization; any other is 404.
func (h *webhookHandlers) webhook(c *gin.Context) (*store.Webhook, error) {
	return h.store.Webhook(actorOf(c).org.ID, c.Param("id"))
}

func webhookResource(w *store.Webhook) store.AuditResource {
	return store.AuditResource{Type: "webhook", ID: w.ID, Name: w.DisplayURL}
}

// list answers the organization's subscriptions, paginated in creation order.
func (h *webhookHandlers) list(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	return respondPage(c, func() ([]store.Webhook, error) { return h.store.Webhooks(orgID) },
		func(w store.Webhook) string { return w.ID }, newWebhookView)
}

// get answers one subscription.
func (h *webhookHandlers) get(c *gin.Context) error {
	w, err := h.webhook(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newWebhookView(w))
	return nil
}

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
	orgID := actorOf(c).org.ID
	w := &store.Webhook{ID: store.NewID(), OrgID: orgID, DisplayURL: change.display,
		Events: change.events, Enabled: change.enabled}
	if err := h.sealWebhook(w, change.url, change.secret); err != nil {
		return err
	}
	entry := h.auditEntry(c, "webhook.created", webhookResource(w), map[string]any{"events": w.Events,
		"secret_generated": req.Secret == nil})
	if err := h.store.CreateWebhook(orgID, w, audited(entry)); err != nil {
		return err
	}
	view := newWebhookView(w)
	view.Secret = change.secret
	c.JSON(http.StatusCreated, view)
	return nil
}

// update changes the fields sent. A new secret is sealed and, like every secret, never
// shown; a url sent back as shown keeps the stored one.
func (h *webhookHandlers) update(c *gin.Context) error {
	old, err := h.webhook(c)
	if err != nil {
		return err
	}
	var req webhookRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	change, err := h.validate(&req, old)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "webhook.updated", store.AuditResource{}, map[string]any{"url_changed": change.url != "",
		"secret_changed": change.secret != "", "events": change.events, "enabled": change.enabled})
	w, err := h.store.UpdateWebhook(old.OrgID, old.ID, naming(entry, webhookResource, func(w *store.Webhook) error {
		if change.url != "" {
			w.DisplayURL = change.display
		}
		w.Events, w.Enabled = change.events, change.enabled
		return h.sealWebhook(w, change.url, change.secret)
	}), audited(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newWebhookView(w))
	return nil
}

// delete removes the subscription; deliveries still queued for it fail permanently.
func (h *webhookHandlers) delete(c *gin.Context) error {
	w, err := h.webhook(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "webhook.deleted", webhookResource(w), nil)
	if err := h.store.DeleteWebhook(w.OrgID, w.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// test sends a "test" event envelope now, synchronously, through the same sender the
// outbox uses (so the signature and headers are the real ones), records the outcome on
// the subscription and answers what the receiver said. It sends even to a disabled
// subscription: testing one before enabling it is the point.
func (h *webhookHandlers) test(c *gin.Context) error {
	w, err := h.webhook(c)
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
	view := webhookTestView{Delivered: sendErr == nil, DeliveryID: id, Response: attempt.Response}
	if attempt.StatusCode != 0 {
		view.StatusCode = &attempt.StatusCode
	}
	var at *time.Time
	lastErr := ""
	if sendErr != nil {
		lastErr = sendErr.Error()
		view.Error = &lastErr
	} else {
		at = &now
	}
	entry := h.auditEntry(c, "webhook.tested", webhookResource(w), map[string]any{"delivered": view.Delivered})
	err = h.store.SetWebhookDelivery(w.OrgID, w.ID, at, lastErr, audited(entry))
	if errors.Is(err, store.ErrNotFound) { // deleted meanwhile: the test send still happened
		err = h.store.AppendAudit(w.OrgID, entry)
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, view)
	return nil
}

// send makes one attempt with w's sender, bounded like a channel test send.
func (h *webhookHandlers) send(ctx context.Context, w *store.Webhook, n *notify.Notification) (notify.Attempt, error) {
	sender, err := newWebhookSender(h.sealer, w, h.notify)
	if err != nil {
		return notify.Attempt{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, testSendTimeout)
	defer cancel()
	return sender.Send(ctx, n)
}

// deliveries answers the subscription's delivery log, newest first, with X-Next-Cursor.
func (h *webhookHandlers) deliveries(c *gin.Context) error {
	w, err := h.webhook(c)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	logs, next, err := h.store.Deliveries(w.OrgID, store.DeliveryFilter{Kind: store.OutboxKindWebhook,
		TargetID: w.ID, Limit: p.limit, Cursor: p.cursor})
	if err != nil {
		return err
	}
	if next != "" {
		c.Header("X-Next-Cursor", next)
	}
	out := make([]webhookDeliveryView, 0, len(logs))
	for i := range logs {
		out = append(out, newWebhookDeliveryView(&logs[i]))
	}
	c.JSON(http.StatusOK, out)
	return nil
}
