package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// notifyRedirects is how many redirects a notification delivery follows (notify.Deps.HTTP).
const notifyRedirects = 5

// NotifyHTTPClient is the client every notification delivery uses: every connection goes
// through the egress guard, at most 5 redirects, each judged by the guard. It has no
// timeout of its own; each attempt is bounded by its context.
func NotifyHTTPClient(g *egress.Guard) *http.Client {
	return &http.Client{Transport: g.Transport(false), CheckRedirect: g.CheckRedirect(notifyRedirects)}
}

// NotifyDeps are the outbound means of channel senders: client (from NotifyHTTPClient),
// the guard's dialer for e-mail channels with their own SMTP server, and the instance SMTP
// server (nil when SMTP_HOST is unset).
func NotifyDeps(cfg *config.Config, g *egress.Guard, client *http.Client, version string) notify.Deps {
	d := notify.Deps{HTTP: client, UserAgent: "AlertifyPro/" + version}
	if g != nil {
		d.Dial = g.DialContext
	}
	if cfg != nil && cfg.SMTPHost != "" {
		d.InstanceMail = notify.NewSMTPMailer(notify.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort,
			Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS})
	}
	return d
}

// ChannelDelivery connects the outbox worker (notify.OutboxSender) to notification
// channels: Resolve opens a channel's sealed config into its sender; OnDelivered and
// OnPermanent record the outcome as the channel's last_delivery_at / last_error.
type ChannelDelivery struct {
	Store  *store.DB
	Opener interface {
		Open(sealed []byte, orgID, recordID string) ([]byte, error)
	}
	Deps   notify.Deps
	Logger *slog.Logger // nil discards
}

// permanent is a failure no retry can fix.
func permanent(format string, args ...any) error {
	return &notify.DeliveryError{Attempt: notify.Attempt{Permanent: true}, Err: fmt.Errorf(format, args...)}
}

// Resolve builds the sender of a channel entry, or of an e-mail entry (instance SMTP). A
// deleted or disabled channel, another kind of entry, a config that no longer opens or
// validates, or an e-mail entry without instance SMTP is a permanent error; a store
// failure is not (it may pass).
func (d *ChannelDelivery) Resolve(e *store.OutboxEntry) (notify.Sender, error) {
	if strings.HasPrefix(e.TargetID, subscriberTargetPrefix) {
		return d.resolveSubscriber(e) // a status-page subscriber (subscriber_delivery.go)
	}
	if e.Kind == store.OutboxKindWebhook {
		return d.resolveWebhook(e) // webhook_delivery.go
	}
	if e.Kind == store.OutboxKindEmail {
		// An e-mail address (escalation to a user or team, the instance admin's notices):
		// mailed through the instance SMTP server.
		if d.Deps.InstanceMail == nil {
			return nil, permanent("no SMTP configured")
		}
		return notify.NewSender("email", map[string]any{"to": []string{e.TargetID}}, d.Deps)
	}
	if e.Kind != store.OutboxKindChannel {
		return nil, permanent("no sender for outbox entries of kind %q", e.Kind)
	}
	ch, err := d.Store.Channel(e.OrgID, e.TargetID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, permanent("notification channel %s was deleted", e.TargetID)
	}
	if err != nil {
		return nil, &notify.DeliveryError{Err: err}
	}
	if !ch.Enabled {
		return nil, permanent("notification channel %s is disabled", ch.ID)
	}
	cfg, err := channelConfig(d.Opener, ch)
	if err != nil {
		return nil, permanent("%v", err)
	}
	return notify.NewSender(ch.Type, cfg, d.Deps)
}

// OnDelivered records a successful delivery on the channel or webhook (and clears its last error).
func (d *ChannelDelivery) OnDelivered(orgID, kind, targetID string, at time.Time) {
	if kind == store.OutboxKindChannel {
		d.record(orgID, targetID, &at, "")
	}
	if kind == store.OutboxKindWebhook {
		d.recordWebhook(orgID, targetID, &at, "")
	}
}

// OnPermanent records why a channel's or webhook's delivery was given up as its last error.
func (d *ChannelDelivery) OnPermanent(orgID, kind, targetID, errText string) {
	if kind == store.OutboxKindChannel {
		d.record(orgID, targetID, nil, errText)
	}
	if kind == store.OutboxKindWebhook {
		d.recordWebhook(orgID, targetID, nil, errText)
	}
}

func (d *ChannelDelivery) record(orgID, channelID string, at *time.Time, lastErr string) {
	err := d.Store.SetChannelDelivery(orgID, channelID, at, lastErr, nil)
	if err != nil && !errors.Is(err, store.ErrNotFound) && d.Logger != nil {
		d.Logger.LogAttrs(context.Background(), slog.LevelError, "channel delivery state not recorded",
			slog.String("org_id", orgID), slog.String("channel_id", channelID), slog.Any("error", err))
	}
}
