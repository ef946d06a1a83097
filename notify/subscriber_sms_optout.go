package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/alertifypro/alertifypro/store"
)

// twilioOptedOut is the error Twilio answers when the recipient replied STOP (or another
// opt-out word) to the sender number: no text reaches it until it replies START.
const twilioOptedOut = 21610

// smsOptOutSender texts a confirmed SMS subscriber through the page's channel. When
// Twilio refuses with error 21610 the number has opted out of the sender, so it is
// removed from every page of the organization texting through that channel, as a STOP
// reply through the inbound webhook removes it: opt-outs are honoured even where the
// operator never gave Twilio that webhook. The failed attempt is still reported as it is
// (a permanent refusal, dead-lettered).
type smsOptOutSender struct {
	Sender
	d         *Destinations
	sub       *store.Subscriber
	channelID string
}

// Send sends through the channel's sender and removes the subscriber on a 21610.
func (s *smsOptOutSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	att, err := s.Sender.Send(ctx, n)
	if err != nil && twilioErrorCode(att) == twilioOptedOut {
		s.d.removeOptedOut(s.sub, s.channelID)
	}
	return att, err
}

// twilioErrorCode is the "code" of Twilio's JSON error answer in a refused attempt, or 0.
// Twilio answers 400 for a refused recipient.
func twilioErrorCode(a Attempt) int {
	if a.StatusCode != http.StatusBadRequest {
		return 0
	}
	var answer struct {
		Code int `json:"code"`
	}
	if json.Unmarshal([]byte(a.Response), &answer) != nil {
		return 0
	}
	return answer.Code
}

// removeOptedOut removes s's number from the pages texting through channelID, each
// removal audited as subscriber.deleted by the system. A failure is logged: the next
// text refused with 21610 tries again.
func (d *Destinations) removeOptedOut(s *store.Subscriber, channelID string) {
	removed, err := d.Store.RemoveSMSNumber(s.OrgID, channelID, s.Phone, func(r *store.Subscriber) *store.Change {
		return &store.Change{Audit: []*store.AuditEntry{{Event: "subscriber.deleted", Actor: store.AuditActor{Type: "system"},
			Resource: store.AuditResource{Type: "subscriber", ID: r.ID, Name: r.Type},
			Metadata: map[string]any{"status_page_id": r.PageID, "unsubscribed": true, "sms_opt_out": true, "twilio_error": twilioOptedOut}}}}
	})
	if d.Logger == nil {
		return
	}
	if err != nil {
		d.Logger.LogAttrs(context.Background(), slog.LevelError, "opted-out SMS subscriber not removed",
			slog.String("org_id", s.OrgID), slog.String("subscriber_id", s.ID), slog.Any("error", err))
		return
	}
	d.Logger.LogAttrs(context.Background(), slog.LevelInfo, "SMS subscriber removed: Twilio reports the number opted out (21610)",
		slog.String("org_id", s.OrgID), slog.String("subscriber_id", s.ID), slog.Int("removed", len(removed)))
}
