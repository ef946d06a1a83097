package api

import (
	"errors"
	"strings"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// resolveSubscriber builds the sender of a subscriber notice (target
// "subscriber:<pageID>/<subscriberID>"). Kind email: the instance SMTP server, to the
// subscriber's address. Kind webhook: notify's webhook sender POSTing the queued envelope
// with X-AlertifyPro-Event and X-AlertifyPro-Delivery and no signature (a subscriber has no
// secret), through the egress-guarded client. A subscriber removed since (unsubscribed, or
// its page deleted) or no longer confirmed, or whose URL no longer opens, is a permanent
// error, so nothing more is sent to it.
func (d *ChannelDelivery) resolveSubscriber(e *store.OutboxEntry) (notify.Sender, error) {
	pageID, subID, ok := strings.Cut(strings.TrimPrefix(e.TargetID, subscriberTargetPrefix), "/")
	if !ok {
		return nil, permanent("malformed subscriber target %q", e.TargetID)
	}
	s, err := d.Store.Subscriber(e.OrgID, pageID, subID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, permanent("subscriber %s was removed", subID)
	}
	if err != nil {
		return nil, &notify.DeliveryError{Err: err}
	}
	if s.Status != store.SubscriberConfirmed {
		return nil, permanent("subscriber %s is not confirmed", s.ID)
	}
	switch {
	case e.Kind == store.OutboxKindEmail && s.Type == store.SubscriberEmail:
		if d.Deps.InstanceMail == nil {
			return nil, permanent("no SMTP configured")
		}
		return notify.NewSender("email", map[string]any{"to": []string{s.Email}}, d.Deps)
	case e.Kind == store.OutboxKindWebhook && s.Type == store.SubscriberWebhook:
		rawURL, err := d.Opener.Open(s.SealedURL, s.OrgID, subscriberRecord(s.ID, "url"))
		if err != nil {
			return nil, permanent("open url of subscriber %s: %v", s.ID, err)
		}
		return notify.NewSender("webhook", map[string]any{"url": string(rawURL)}, d.Deps)
	}
	return nil, permanent("outbox entry of kind %q for a %s subscriber", e.Kind, s.Type)
}
