package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// DestinationStore is what Destinations reads and records (*store.DB).
type DestinationStore interface {
	Channel(orgID, id string) (*store.NotificationChannel, error)
	Webhook(orgID, id string) (*store.Webhook, error)
	Subscriber(orgID, pageID, id string) (*store.Subscriber, error)
	StatusPage(orgID, id string) (*store.StatusPage, error)
	ContactMethods(orgID, userID string) ([]store.ContactMethod, error)
	RecordChannelDelivery(orgID, id string, at *time.Time, lastErr string, change *store.Change) error
	RecordWebhookDelivery(orgID, id string, at *time.Time, lastErr string, change *store.Change) error
	RemoveSMSNumber(orgID, channelID, phone string, describe func(*store.Subscriber) *store.Change) ([]store.Subscriber, error)
}

// Destinations connects the outbox sender to where entries go: Resolve builds the sender
// of an entry's destination by its Kind (a notification channel, a webhook subscription,
// an e-mail address, a status-page subscriber), opening sealed configuration as it goes;
// OnDelivered and OnPermanent record the outcome as a channel's or subscription's
// last_delivery_at / last_error. They are OutboxSender's Resolve, OnDelivered and
// OnPermanent.
type Destinations struct {
	Store  DestinationStore
	Opener Opener
	// Secrets resolves the {{secrets.NAME}} references of channel configs at send time
	// (*vault.Vault); nil sends them as written.
	Secrets vault.Resolver
	Deps    Deps
	Logger  *slog.Logger // nil discards
}

// permanent is a failure no retry can fix.
func permanent(format string, args ...any) error {
	return &DeliveryError{Attempt: Attempt{Permanent: true}, Err: fmt.Errorf(format, args...)}
}

// lookupFailed wraps a store failure of Resolve: it may pass, so it is retried; a record
// that is gone (ErrNotFound) is the permanent error gone.
func lookupFailed(err error, gone string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return permanent(gone, args...)
	}
	return &DeliveryError{Err: err}
}

// Resolve builds the sender of e. A deleted or disabled channel or subscription, a removed
// or unconfirmed subscriber, a config that no longer opens or validates, an e-mail without
// instance SMTP or an unknown kind is a permanent error; a store failure is not (it may
// pass).
func (d *Destinations) Resolve(e *store.OutboxEntry) (Sender, error) {
	switch e.Kind {
	case store.OutboxKindChannel:
		return d.channel(e)
	case store.OutboxKindWebhook:
		return d.webhook(e)
	case store.OutboxKindSubscriber:
		return d.subscriber(e)
	case store.OutboxKindContact:
		return d.contact(e)
	case store.OutboxKindEmail:
		// An e-mail address (escalation to a user or team, the instance admin's notices,
		// a subscription's confirmation): mailed through the instance SMTP server.
		return d.instanceMail(e.TargetID)
	}
	return nil, permanent("no sender for outbox entries of kind %q", e.Kind)
}

// instanceMail is the sender mailing to through the instance SMTP server.
func (d *Destinations) instanceMail(to string) (Sender, error) {
	if d.Deps.InstanceMail == nil {
		return nil, permanent("no SMTP configured")
	}
	return NewSender("email", map[string]any{"to": []string{to}}, d.Deps)
}

// channel builds the sender of a notification channel from its opened config.
func (d *Destinations) channel(e *store.OutboxEntry) (Sender, error) {
	ch, err := d.Store.Channel(e.OrgID, e.TargetID)
	if err != nil {
		return nil, lookupFailed(err, "notification channel %s was deleted", e.TargetID)
	}
	if !ch.Enabled {
		return nil, permanent("notification channel %s is disabled", ch.ID)
	}
	cfg, err := ChannelConfig(d.Opener, ch)
	if err != nil {
		return nil, permanent("%v", err)
	}
	if cfg, err = ResolveConfigSecrets(context.Background(), d.Secrets, ch.OrgID, cfg); err != nil {
		return nil, err
	}
	return NewSender(ch.Type, cfg, d.Deps)
}

// webhook builds the sender of an outbound webhook subscription.
func (d *Destinations) webhook(e *store.OutboxEntry) (Sender, error) {
	w, err := d.Store.Webhook(e.OrgID, e.TargetID)
	if err != nil {
		return nil, lookupFailed(err, "webhook %s was deleted", e.TargetID)
	}
	if !w.Enabled {
		return nil, permanent("webhook %s is disabled", w.ID)
	}
	s, err := NewWebhookSubscriptionSender(d.Opener, w, d.Deps)
	if err != nil {
		return nil, permanent("%v", err)
	}
	return s, nil
}

// subscriber builds the sender of a subscriber notice (target "<pageID>/<subscriberID>",
// store.SubscriberTarget), looking the subscriber up at send time, so a message still
// queued when its subscriber unsubscribes is dropped. An e-mail subscriber is mailed
// through the instance SMTP server; a webhook subscriber gets the generic webhook sender
// POSTing the queued envelope with X-AlertifyPro-Event and X-AlertifyPro-Delivery and no
// signature (a subscriber has no secret), through the egress-guarded client; an SMS
// subscriber is texted through its page's twilio_sms channel (smsSubscriber), which is
// also how a pending one gets its confirmation code. A subscriber removed since (unsubscribed, or its page deleted) or no longer confirmed, or whose URL
// no longer opens, is a permanent error, so nothing more is sent to it.
func (d *Destinations) subscriber(e *store.OutboxEntry) (Sender, error) {
	pageID, subID, ok := strings.Cut(e.TargetID, "/")
	if !ok {
		return nil, permanent("malformed subscriber target %q", e.TargetID)
	}
	s, err := d.Store.Subscriber(e.OrgID, pageID, subID)
	if err != nil {
		return nil, lookupFailed(err, "subscriber %s was removed", subID)
	}
	if s.Status != store.SubscriberConfirmed && !smsConfirmation(e, s) {
		return nil, permanent("subscriber %s is not confirmed", s.ID)
	}
	switch s.Type {
	case store.SubscriberEmail:
		return d.instanceMail(s.Email)
	case store.SubscriberWebhook:
		rawURL, err := d.Opener.Open(s.SealedURL, s.OrgID, SubscriberSecretRecord(s.ID, "url"))
		if err != nil {
			return nil, permanent("open url of subscriber %s: %v", s.ID, err)
		}
		return NewSender("webhook", map[string]any{"url": string(rawURL)}, d.Deps)
	case store.SubscriberSMS:
		return d.smsSubscriber(e, s)
	}
	return nil, permanent("subscriber %s has unknown type %q", s.ID, s.Type)
}

// OnDelivered records a successful delivery on the channel or webhook subscription (and
// clears its last error); other kinds keep no delivery state.
func (d *Destinations) OnDelivered(orgID, kind, targetID string, at time.Time) {
	d.record(orgID, kind, targetID, &at, "")
}

// OnPermanent records why a channel's or subscription's delivery was given up as its
// last error.
func (d *Destinations) OnPermanent(orgID, kind, targetID, errText string) {
	d.record(orgID, kind, targetID, nil, errText)
}

// record stores a delivery outcome; a channel or subscription deleted meanwhile is not
// an error, any other failure is logged (the delivery itself is settled either way).
func (d *Destinations) record(orgID, kind, targetID string, at *time.Time, lastErr string) {
	var err error
	switch kind {
	case store.OutboxKindChannel:
		err = d.Store.RecordChannelDelivery(orgID, targetID, at, lastErr, nil)
	case store.OutboxKindWebhook:
		err = d.Store.RecordWebhookDelivery(orgID, targetID, at, lastErr, nil)
	default:
		return
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) && d.Logger != nil {
		d.Logger.LogAttrs(context.Background(), slog.LevelError, "delivery state not recorded",
			slog.String("org_id", orgID), slog.String("kind", kind), slog.String("target_id", targetID), slog.Any("error", err))
	}
}
