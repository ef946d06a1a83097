package api

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// subscriberTokenBytes is the randomness of confirm and unsubscribe tokens.
const subscriberTokenBytes = 32

// subscriberRequest is a subscribe: exactly one of email and webhook_url.
type subscriberRequest struct {
	Email      *string `json:"email"`
	WebhookURL *string `json:"webhook_url"`
}

// newSubscriber is a validated subscriber, sealed and with fresh token digests, and the
// raw tokens for the confirmation e-mail.
type newSubscriber struct {
	sub                  *store.Subscriber
	confirm, unsubscribe string
}

// subscribers creates subscribers for the public and the member endpoints.
type subscribers struct {
	*base
	notices *notify.SubscriberNotices // renders the confirmation e-mail
}

// build validates r for page and prepares the subscriber. Public subscribes follow the
// page's restriction mode (email_domain: only addresses of its domains, and no webhooks);
// a member's add does not, as the member decides. E-mail subscribers start pending
// (double opt-in, also for a member's add); webhook subscribers are confirmed at once, as a
// URL has nobody to click a link.
func (subs *subscribers) build(page *store.StatusPage, r *subscriberRequest, public bool) (*newSubscriber, error) {
	f := fieldErrors{}
	s := &store.Subscriber{ID: store.NewID(), OrgID: page.OrgID, PageID: page.ID}
	var rawURL string
	switch {
	case (r.Email == nil) == (r.WebhookURL == nil):
		f.add("email", "give exactly one of email and webhook_url")
	case r.Email != nil:
		s.Type, s.Status, s.Email = store.SubscriberEmail, store.SubscriberPending, f.email("email", *r.Email)
		if subs.cfg.SMTPHost == "" {
			// Double opt-in needs the confirmation e-mail: refuse now rather than keep a
			// subscriber pending for ever.
			f.add("email", "cannot be subscribed: this server has no SMTP server configured (SMTP_HOST), so it cannot send e-mail")
		} else if _, ok := f["email"]; !ok && public && page.SubscriberMode == store.SubscribeEmailDomain && !domainAllowed(page, s.Email) {
			f.add("email", "must be an address at one of: "+strings.Join(page.SubscriberDomains, ", "))
		}
	default:
		s.Type, s.Status = store.SubscriberWebhook, store.SubscriberConfirmed
		now := subs.now()
		s.ConfirmedAt = &now
		hf := fieldErrors{}
		rawURL, s.DisplayURL = (&webhookHandlers{base: subs.base}).checkWebhookURL(hf, *r.WebhookURL)
		if msg, bad := hf["url"]; bad {
			f.add("webhook_url", msg)
		} else if public && page.SubscriberMode == store.SubscribeEmailDomain {
			f.add("webhook_url", "this page accepts only e-mail addresses of its domains")
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	out := &newSubscriber{sub: s}
	var err error
	if out.unsubscribe, err = crypto.RandomToken("su_", subscriberTokenBytes); err != nil {
		return nil, err
	}
	s.UnsubscribeDigest = crypto.Digest(out.unsubscribe)
	if s.SealedUnsubscribe, err = subs.sealer.Seal([]byte(out.unsubscribe), s.OrgID, notify.SubscriberSecretRecord(s.ID, "unsubscribe")); err != nil {
		return nil, err
	}
	if s.Type == store.SubscriberWebhook {
		s.URLDigest = crypto.Digest(rawURL)
		s.SealedURL, err = subs.sealer.Seal([]byte(rawURL), s.OrgID, notify.SubscriberSecretRecord(s.ID, "url"))
		return out, err
	}
	if out.confirm, err = crypto.RandomToken("sc_", subscriberTokenBytes); err != nil {
		return nil, err
	}
	s.ConfirmDigest = crypto.Digest(out.confirm)
	return out, nil
}

// domainAllowed reports whether email's domain is one of the page's subscriber domains.
func domainAllowed(page *store.StatusPage, email string) bool {
	_, domain, ok := strings.Cut(email, "@")
	return ok && slices.ContainsFunc(page.SubscriberDomains, func(d string) bool { return strings.EqualFold(d, domain) })
}

// add stores ns under the organization's plan cap and, for an e-mail address that is new
// or still pending, queues the confirmation e-mail. It returns the stored subscriber
// (the existing one when the address was already on the page) and the outcome; change is
// recorded only when the subscriber is new.
func (subs *subscribers) add(page *store.StatusPage, ns *newSubscriber, change *store.Change) (*store.Subscriber, store.SubscribeOutcome, error) {
	org, err := subs.store.Organization(page.OrgID)
	if err != nil {
		return nil, 0, err
	}
	limit := limitsOf(strings.ToLower(org.PlanType)).MaxSubscribers
	s := ns.sub
	outcome, err := subs.store.AddSubscriber(page.OrgID, s, limit, change)
	if err != nil {
		return nil, 0, err
	}
	if s.Type != store.SubscriberEmail || outcome == store.SubscriberExisting || outcome == store.SubscriberPendingRecent {
		return s, outcome, nil
	}
	unsubscribe := ns.unsubscribe
	if outcome == store.SubscriberRenewed { // the stored subscriber keeps its own unsubscribe token
		raw, err := subs.sealer.Open(s.SealedUnsubscribe, s.OrgID, notify.SubscriberSecretRecord(s.ID, "unsubscribe"))
		if err != nil {
			return nil, 0, err
		}
		unsubscribe = string(raw)
	}
	// Queued after the subscriber committed: should this fail, subscribing again re-sends.
	id := uuid.Must(uuid.NewV7()).String()
	raw, err := json.Marshal(&notify.Notification{ID: id, Event: "subscriber.confirm", OrgID: page.OrgID,
		Mail: subs.notices.ConfirmationMail(page, ns.confirm, unsubscribe)})
	if err != nil {
		return nil, 0, err
	}
	err = subs.store.Enqueue(page.OrgID, &store.OutboxEntry{ID: id, Kind: store.OutboxKindEmail, TargetID: s.Email,
		Event: "subscriber.confirm", Notification: raw})
	return s, outcome, err
}

// subscriberView is a subscriber as the member API shows it.
type subscriberView struct {
	ID          string  `json:"id"`
	PageID      string  `json:"status_page_id"`
	Type        string  `json:"type"`
	Email       *string `json:"email"`
	Name        *string `json:"name"`
	WebhookURL  *string `json:"webhook_url"`
	Status      string  `json:"status"`
	CreatedAt   string  `json:"created_at"`
	ConfirmedAt *string `json:"confirmed_at"`
	// Phone is an SMS subscriber's number with all but its last four digits masked.
	Phone *string `json:"phone"`
}

func newSubscriberView(s *store.Subscriber) subscriberView {
	v := subscriberView{ID: s.ID, PageID: s.PageID, Type: s.Type, Email: nullable(s.Email), Name: nullable(s.Name), WebhookURL: nullable(s.DisplayURL),
		Status: s.Status, CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339)}
	if s.Type == store.SubscriberSMS {
		masked := maskPhone(s.Phone)
		v.Phone = &masked
	}
	if s.ConfirmedAt != nil {
		t := s.ConfirmedAt.UTC().Format(time.RFC3339)
		v.ConfirmedAt = &t
	}
	return v
}

// subscriberRes names a subscriber in the audit log (its address is not repeated there).
func subscriberRes(s *store.Subscriber) store.AuditResource {
	return store.AuditResource{Type: "subscriber", ID: s.ID, Name: s.Type}
}
