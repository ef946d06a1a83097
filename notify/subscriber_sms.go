package notify

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// SMS subscriber texts: GSM-7 only (ToGSM7), at most smsSubscriberSegments segments,
// always ending with the opt-out hint carriers expect.
const (
	smsSubscriberSegments = 2
	smsStopHint           = "Reply STOP to unsubscribe."
	smsPageNameMax        = 40 // a longer page name is cut in the text
)

// smsNotice is Notice for an SMS subscriber: nil unless the page texts n (its SMS
// setting, status_pages_sms.go); else the text to the subscriber's number.
func (sn *SubscriberNotices) smsNotice(n *store.SubscriberNotice, s *store.Subscriber) (*store.OutboxEntry, error) {
	if !n.Page.SMS.Texts(n) {
		return nil, nil
	}
	id := uuid.Must(uuid.NewV7()).String()
	event := "maintenance.started"
	if n.Change != nil {
		event = "incident." + n.Change.Kind
	}
	raw, err := json.Marshal(&Notification{ID: id, Event: event, OrgID: n.OrgID, SMS: sn.noticeSMS(n)})
	if err != nil {
		return nil, err
	}
	return &store.OutboxEntry{ID: id, Event: event, Kind: store.OutboxKindSubscriber,
		TargetID: store.SubscriberTarget(s.PageID, s.ID), Notification: raw}, nil
}

// noticeSMS is the text of an incident update or a maintenance start: the page name,
// what happened, the page's link and the opt-out hint, in GSM-7 within two segments (the
// message is cut with "..." first; the link goes when it would leave too little room).
func (sn *SubscriberNotices) noticeSMS(n *store.SubscriberNotice) string {
	page := cutSMS(ToGSM7(oneLine(n.Page.Name)), smsPageNameMax)
	var line string
	if ch := n.Change; ch != nil {
		line = fmt.Sprintf("[%s] %s - %s", page, ch.Incident.Title, titleCase(ch.Update.Status))
		if msg := oneLine(ch.Update.Message); msg != "" {
			line += ": " + msg
		}
	} else {
		w := n.Maintenance
		line = fmt.Sprintf("[%s] Maintenance: %s, %s - %s", page, w.Window.Name,
			w.StartsAt.UTC().Format("2 Jan 15:04"), w.EndsAt.UTC().Format("2 Jan 15:04 UTC"))
	}
	return subscriberSMSText(ToGSM7(oneLine(line)), ToGSM7(sn.pageURL(n.Page)))
}

// subscriberSMSText lays out line, link and the STOP hint, each on its own line, within
// smsSubscriberSegments GSM-7 segments; all three must already be GSM-7.
func subscriberSMSText(line, link string) string {
	room := gsmPart*smsSubscriberSegments - smsLength(smsStopHint) - 1
	// cutSMS measures each shorter prefix anew: bound its work by what can fit (every
	// character takes at least one septet), keeping one more so a cut is still marked.
	if r := []rune(line); len(r) > room+1 {
		line = string(r[:room+1])
	}
	if link != "" && room-smsLength(link)-1 < smsMinLineChars {
		link = ""
	}
	if link != "" {
		room -= smsLength(link) + 1
		return cutSMS(line, room) + "\n" + link + "\n" + smsStopHint
	}
	return cutSMS(line, room) + "\n" + smsStopHint
}

// ConfirmationSMS is the text carrying a new SMS subscriber's confirmation code for page;
// one GSM-7 segment.
func (sn *SubscriberNotices) ConfirmationSMS(page *store.StatusPage, code string, ttl time.Duration) string {
	name := cutSMS(ToGSM7(oneLine(page.Name)), smsPageNameMax)
	return fmt.Sprintf("%s is your code to confirm SMS updates of %s. It expires in %d minutes. %s",
		code, name, int(ttl/time.Minute), smsStopHint)
}

// smsSubscriber builds the sender texting SMS subscriber s of its page: the page's
// twilio_sms channel with s's number as the recipient. A page that no longer texts (SMS
// subscriptions off, no channel) or whose channel is gone, disabled, of another type or
// whose config no longer opens is a permanent error. A confirmed subscriber whose text
// Twilio refuses as opted out is removed (smsOptOutSender); a pending one is not: its
// confirmation code cannot arrive, and once the person replies START to the sender,
// subscribing again sends a new code for the same pending subscription.
func (d *Destinations) smsSubscriber(e *store.OutboxEntry, s *store.Subscriber) (Sender, error) {
	page, err := d.Store.StatusPage(s.OrgID, s.PageID)
	if err != nil {
		return nil, lookupFailed(err, "status page %s was deleted", s.PageID)
	}
	if !page.SMS.Enabled || page.SMS.ChannelID == "" {
		return nil, permanent("status page %s does not send SMS any more", page.ID)
	}
	ch, err := d.Store.Channel(s.OrgID, page.SMS.ChannelID)
	if err != nil {
		return nil, lookupFailed(err, "SMS channel %s of status page %s was deleted", page.SMS.ChannelID, page.ID)
	}
	if !ch.Enabled || ch.Type != "twilio_sms" {
		return nil, permanent("SMS channel %s of status page %s is disabled or not a twilio_sms channel", ch.ID, page.ID)
	}
	cfg, err := ChannelConfig(d.Opener, ch)
	if err != nil {
		return nil, permanent("%v", err)
	}
	cfg = maps.Clone(cfg)
	cfg["to"] = s.Phone
	sender, err := NewSender("twilio_sms", cfg, d.Deps)
	if err != nil || s.Status != store.SubscriberConfirmed {
		return sender, err
	}
	return &smsOptOutSender{Sender: sender, d: d, sub: s, channelID: ch.ID}, nil
}

// smsConfirmation reports whether e is the confirmation code of a pending SMS subscriber,
// the one text such a subscriber is sent.
func smsConfirmation(e *store.OutboxEntry, s *store.Subscriber) bool {
	return s.Type == store.SubscriberSMS && s.Status == store.SubscriberPending && strings.HasPrefix(e.Event, "subscriber.confirm")
}

// UnsubscribeSMS is the text carrying the code that stops a subscriber's texts of page;
// one GSM-7 segment.
func (sn *SubscriberNotices) UnsubscribeSMS(page *store.StatusPage, code string, ttl time.Duration) string {
	name := cutSMS(ToGSM7(oneLine(page.Name)), smsPageNameMax)
	return fmt.Sprintf("%s is your code to stop SMS updates of %s. It expires in %d minutes.", code, name, int(ttl/time.Minute))
}
