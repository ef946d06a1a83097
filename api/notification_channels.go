package api

import (
	"context"
	"errors"
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

// channel loads the :id channel of the active organization; any other is 404.
func (x *channelHandlers) channel(c *gin.Context) (*store.NotificationChannel, error) {
	return x.store.Channel(actorOf(c).org.ID, c.Param("id"))
}

func channelResource(ch *store.NotificationChannel) store.AuditResource {
	return store.AuditResource{Type: "notification_channel", ID: ch.ID, Name: ch.Name}
}

// list answers the organization's channels, paginated in creation order.
func (x *channelHandlers) list(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	return respondPage(c, func() ([]store.NotificationChannel, error) { return x.store.Channels(orgID) },
		func(ch store.NotificationChannel) string { return ch.ID }, newChannelView)
}

// get answers one channel.
func (x *channelHandlers) get(c *gin.Context) error {
	ch, err := x.channel(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newChannelView(ch))
	return nil
}

// create validates the config for its type, seals the secrets under the new ID, stores it.
func (x *channelHandlers) create(c *gin.Context) error {
	var req channelRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	change, err := req.validate(nil, nil)
	if err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	ch := &store.NotificationChannel{ID: store.NewID()}
	if err := x.apply(orgID, ch, change); err != nil {
		return err
	}
	entry := x.auditEntry(c, "channel.created", channelResource(ch), map[string]any{"type": ch.Type})
	if err := x.store.CreateChannel(orgID, ch, audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newChannelView(ch))
	return nil
}

// apply copies a validated change onto ch, sealing its secrets under ch's ID.
func (x *channelHandlers) apply(orgID string, ch *store.NotificationChannel, change *channelChange) error {
	sealed, err := x.sealChannelSecrets(orgID, ch.ID, change.secrets)
	if err != nil {
		return err
	}
	ch.Name, ch.Type, ch.Enabled, ch.Severities = change.name, change.typ, change.enabled, change.severities
	ch.Config, ch.SealedSecrets = change.public, sealed
	return nil
}

// update changes the fields sent; secrets sent as the mask, or omitted, are kept.
func (x *channelHandlers) update(c *gin.Context) error {
	old, err := x.channel(c)
	if err != nil {
		return err
	}
	var req channelRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	stored, err := openChannelSecrets(x.sealer, old)
	if err != nil {
		return err
	}
	change, err := req.validate(old, stored)
	if err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	entry := x.auditEntry(c, "channel.updated", store.AuditResource{}, map[string]any{"type": change.typ, "fields": sentFields(&req)})
	ch, err := x.store.UpdateChannel(orgID, old.ID, naming(entry, channelResource, func(ch *store.NotificationChannel) error {
		return x.apply(orgID, ch, change)
	}), audited(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newChannelView(ch))
	return nil
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
func (x *channelHandlers) delete(c *gin.Context) error {
	ch, err := x.channel(c)
	if err != nil {
		return err
	}
	entry := x.auditEntry(c, "channel.deleted", channelResource(ch), map[string]any{"type": ch.Type})
	if err := x.store.DeleteChannel(ch.OrgID, ch.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// test sends a test notification now, directly (not through the outbox, so the caller sees
// the provider's answer), records the outcome on the channel and answers it. A provider
// that refuses is still a 200 with delivered false: the API call itself worked.
func (x *channelHandlers) test(c *gin.Context) error {
	ch, err := x.channel(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	now := x.now().UTC()
	n := &notify.Notification{
		ID: uuid.Must(uuid.NewV7()).String(), Event: "test", Severity: "info",
		Title:   "Test notification from AlertifyPro",
		Summary: "This is a test of the notification channel " + ch.Name + ".",
		OrgID:   a.org.ID, OrgName: a.org.Name, Status: "GREEN", Since: now,
	}
	attempt, sendErr := x.send(c.Request.Context(), ch, n)
	view := testSendView{Delivered: sendErr == nil, Response: attempt.Response}
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
	entry := x.auditEntry(c, "channel.tested", channelResource(ch), map[string]any{"type": ch.Type, "delivered": view.Delivered})
	err = x.store.SetChannelDelivery(ch.OrgID, ch.ID, at, lastErr, audited(entry))
	if errors.Is(err, store.ErrNotFound) { // deleted meanwhile: the test send still happened
		err = x.store.AppendAudit(ch.OrgID, entry)
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, view)
	return nil
}

// send builds the channel's sender from its opened config and makes one attempt.
func (x *channelHandlers) send(ctx context.Context, ch *store.NotificationChannel, n *notify.Notification) (notify.Attempt, error) {
	cfg, err := channelConfig(x.sealer, ch)
	if err != nil {
		return notify.Attempt{}, err
	}
	sender, err := notify.NewSender(ch.Type, cfg, x.notify)
	if err != nil {
		return notify.Attempt{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, testSendTimeout)
	defer cancel()
	return sender.Send(ctx, n)
}

// deliveries answers the channel's delivery log, newest first, with X-Next-Cursor.
func (x *channelHandlers) deliveries(c *gin.Context) error {
	ch, err := x.channel(c)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	logs, next, err := x.store.Deliveries(ch.OrgID, store.DeliveryFilter{Kind: store.OutboxKindChannel,
		TargetID: ch.ID, Limit: p.limit, Cursor: p.cursor})
	if err != nil {
		return err
	}
	if next != "" {
		c.Header("X-Next-Cursor", next)
	}
	out := make([]deliveryView, 0, len(logs))
	for i := range logs {
		out = append(out, newDeliveryView(&logs[i]))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// retry puts a dead-lettered delivery (its delivery_id) of the organization back in the
// outbox, due now; the worker sends it on its next pass.
func (x *channelHandlers) retry(c *gin.Context) error {
	id := c.Param("id")
	entry := x.auditEntry(c, "delivery.retried", store.AuditResource{Type: "delivery", ID: id}, nil)
	if err := x.store.ReplayDeadLetter(actorOf(c).org.ID, id, x.now(), audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"delivery_id": id, "status": "queued"})
	return nil
}
