package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// testSendTimeout bounds POST /notification-channels/{id}/test, which waits for the provider.
const testSendTimeout = 15 * time.Second

// channelHandlers serves /api/v1/notification-channels and /api/v1/deliveries (SPEC §3.11).
type channelHandlers struct {
	*base
	notify notify.Deps // egress-guarded means for the test send
}

// channels is the resource the channel routes share.
func (h *channelHandlers) channels() resource[store.NotificationChannel, channelView] {
	return resource[store.NotificationChannel, channelView]{base: h.base, event: "channel",
		load: h.store.Channel, page: h.store.ListChannels, insert: h.store.CreateChannel,
		save: h.store.UpdateChannel, remove: h.store.DeleteChannel,
		id: func(ch *store.NotificationChannel) string { return ch.ID }, audit: channelResource,
		meta: func(ch *store.NotificationChannel) map[string]any { return map[string]any{"type": ch.Type} },
		view: newChannelView}
}

func channelResource(ch *store.NotificationChannel) store.AuditResource {
	return store.AuditResource{Type: "notification_channel", ID: ch.ID, Name: ch.Name}
}

// list answers the organization's channels, paginated in creation order.
func (h *channelHandlers) list(c *gin.Context) error { return h.channels().list(c) }

// get answers one channel.
func (h *channelHandlers) get(c *gin.Context) error { return h.channels().get(c) }

// create validates the config for its type, seals the secrets under the new ID, stores it.
func (h *channelHandlers) create(c *gin.Context) error {
	var req channelRequest
	return h.channels().createFrom(c, &req, func() (*store.NotificationChannel, error) {
		change, err := req.validate(nil, nil)
		if err = h.checkChannelSecrets(actorOf(c).org.ID, req.Config, err); err != nil {
			return nil, err
		}
		ch := &store.NotificationChannel{ID: store.NewID()}
		return ch, h.apply(actorOf(c).org.ID, ch, change)
	})
}

// apply copies a validated change onto ch, sealing its secrets under ch's ID.
func (h *channelHandlers) apply(orgID string, ch *store.NotificationChannel, change *channelChange) error {
	sealed, err := h.sealChannelSecrets(orgID, ch.ID, change.secrets)
	if err != nil {
		return err
	}
	ch.Name, ch.Type, ch.Enabled, ch.Severities = change.name, change.typ, change.enabled, change.severities
	ch.Config, ch.SealedSecrets = change.public, sealed
	return nil
}

// update changes the fields sent; secrets sent as the mask, or omitted, are kept.
func (h *channelHandlers) update(c *gin.Context) error {
	r := h.channels()
	var req channelRequest
	old, err := r.bind(c, &req)
	if err != nil {
		return err
	}
	stored, err := openChannelSecrets(h.sealer, old)
	if err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	change, err := req.validate(old, stored)
	if err = h.checkChannelSecrets(orgID, req.Config, err); err != nil {
		return err
	}
	return r.update(c, "updated", map[string]any{"fields": sentFields(&req)}, func(ch *store.NotificationChannel) error {
		return h.apply(orgID, ch, change)
	})
}

// sentFields names the top-level fields a PUT carried, for the audit log (never values).
func sentFields(r *channelRequest) []string {
	var out []string
	for name, sent := range map[string]bool{"name": r.Name != nil, "type": r.Type != nil,
		"config": r.Config != nil, "enabled": r.Enabled != nil, "severities": r.Severities != nil} {
		if sent {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// delete removes the channel. Notifications still queued for it fail permanently.
func (h *channelHandlers) delete(c *gin.Context) error { return h.channels().delete(c) }

// test sends a test notification now, directly (not through the outbox, so the caller sees
// the provider's answer), records the outcome on the channel and answers it. A provider
// that refuses is still a 200 with delivered false: the API call itself worked.
func (h *channelHandlers) test(c *gin.Context) error {
	ch, err := h.channels().one(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	now := h.now().UTC()
	n := &notify.Notification{
		ID: uuid.Must(uuid.NewV7()).String(), Event: "test", Severity: "info",
		Title:   "Test notification from AlertifyPro",
		Summary: "This is a test of the notification channel " + ch.Name + ".",
		OrgID:   a.org.ID, OrgName: a.org.Name, Status: "GREEN", Since: now,
	}
	attempt, sendErr := h.send(c.Request.Context(), ch, n)
	sent := newTestSend(attempt, sendErr, now)
	entry := h.auditEntry(c, "channel.tested", channelResource(ch), map[string]any{"type": ch.Type, "delivered": sent.delivered})
	if err := h.recordTestSend(ch.OrgID, entry, func(change *store.Change) error {
		return h.store.RecordChannelDelivery(ch.OrgID, ch.ID, sent.at, sent.lastErr, change)
	}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, testSendView{Delivered: sent.delivered, StatusCode: sent.status, Response: attempt.Response,
		Error: sent.errText()})
	return nil
}

// send builds the channel's sender from its opened config and makes one attempt.
func (h *channelHandlers) send(ctx context.Context, ch *store.NotificationChannel, n *notify.Notification) (notify.Attempt, error) {
	cfg, err := notify.ChannelConfig(h.sealer, ch)
	if err != nil {
		return notify.Attempt{}, err
	}
	if cfg, err = notify.ResolveConfigSecrets(ctx, h.secrets, ch.OrgID, cfg); err != nil {
		return notify.Attempt{}, err
	}
	sender, err := notify.NewSender(ch.Type, cfg, h.notify)
	if err != nil {
		return notify.Attempt{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, testSendTimeout)
	defer cancel()
	// An incident tracker's test incident is resolved at once (SPEC §12).
	return notify.SendTest(ctx, ch.Type, sender, n)
}

// deliveries answers the channel's delivery log, newest first, with X-Next-Cursor.
func (h *channelHandlers) deliveries(c *gin.Context) error {
	ch, err := h.channels().one(c)
	if err != nil {
		return err
	}
	return respondDeliveries(c, h.store, ch.OrgID, store.OutboxKindChannel, ch.ID, newDeliveryView)
}

// retry puts a dead-lettered delivery (its delivery_id) of the organization back in the
// outbox, due now; the worker sends it on its next pass.
func (h *channelHandlers) retry(c *gin.Context) error {
	id := c.Param("id")
	entry := h.auditEntry(c, "delivery.retried", store.AuditResource{Type: "delivery", ID: id}, nil)
	if err := h.store.ReplayDeadLetter(actorOf(c).org.ID, id, h.now(), audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"delivery_id": id, "status": "queued"})
	return nil
}
