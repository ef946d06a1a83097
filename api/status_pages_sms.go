package api

import (
	"errors"
	"net/url"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// smsSubscriptionsRequest is the sms_subscriptions object of a status page body; absent
// fields keep their value on PUT.
type smsSubscriptionsRequest struct {
	Enabled      *bool   `json:"enabled"`
	ChannelID    *string `json:"channel_id"`
	CriticalOnly *bool   `json:"critical_only"`
}

// smsSubscriptionsView is a page's SMS setting as the API shows it. InboundWebhookPath is
// where Twilio posts the replies to the channel's number (BASE_URL + the path is the URL
// to give Twilio, which signs requests with it); null without a channel. ChannelProblem
// says why a page with SMS on texts nobody: its channel was "deleted" or is "disabled"
// (channels in use may be deleted, as those of alert rules and escalation policies may;
// the page keeps its setting and subscribers, and shows this until another channel is
// chosen or the channel is enabled again); null when it can text.
type smsSubscriptionsView struct {
	Enabled            bool    `json:"enabled"`
	ChannelID          *string `json:"channel_id"`
	CriticalOnly       bool    `json:"critical_only"`
	InboundWebhookPath *string `json:"inbound_webhook_path"`
	ChannelProblem     *string `json:"channel_problem"`
}

// smsChannelProblem is the ChannelProblem of p's SMS setting: nil unless SMS is on and
// its channel is gone or disabled. A store failure is not a problem of the page's: it is
// left unsaid rather than failing the answer.
func (b *base) smsChannelProblem(p *store.StatusPage) *string {
	if !p.SMS.Enabled || p.SMS.ChannelID == "" {
		return nil
	}
	problem := ""
	switch ch, err := b.store.Channel(p.OrgID, p.SMS.ChannelID); {
	case errors.Is(err, store.ErrNotFound):
		problem = "deleted"
	case err == nil && !ch.Enabled:
		problem = "disabled"
	}
	return nullable(problem)
}

func newSMSSubscriptionsView(p *store.StatusPage) smsSubscriptionsView {
	v := smsSubscriptionsView{Enabled: p.SMS.Enabled, ChannelID: nullable(p.SMS.ChannelID), CriticalOnly: !p.SMS.AllUpdates}
	if p.SMS.ChannelID != "" {
		path := smsInboundPath(p.OrgID, p.SMS.ChannelID)
		v.InboundWebhookPath = &path
	}
	return v
}

// smsInboundPath is the inbound-message webhook of an organization's twilio_sms channel.
func smsInboundPath(orgID, channelID string) string {
	return "/api/v1/public/sms/twilio/" + url.PathEscape(orgID) + "/" + url.PathEscape(channelID)
}

// apply validates r (nil: absent) into p's SMS setting. New pages (and pages saved before
// SMS existed) have SMS off and critical_only on. Turning SMS on needs channel_id, which must name a twilio_sms channel
// of the organization (an empty one clears it, allowed only while SMS is off).
func (r *smsSubscriptionsRequest) apply(f fieldErrors, p *store.StatusPage, create bool, known componentTargets) {
	if create {
		p.SMS = store.SMSSubscriptions{}
	}
	if r == nil {
		return
	}
	setBool(&p.SMS.Enabled, r.Enabled)
	if r.CriticalOnly != nil {
		p.SMS.AllUpdates = !*r.CriticalOnly
	}
	if r.ChannelID != nil {
		p.SMS.ChannelID = strings.TrimSpace(*r.ChannelID)
		if p.SMS.ChannelID != "" && (known.channelType == nil || known.channelType(p.SMS.ChannelID) != "twilio_sms") {
			f.add("sms_subscriptions.channel_id", "must be a twilio_sms notification channel of this organization")
			return
		}
	}
	if p.SMS.Enabled && p.SMS.ChannelID == "" {
		f.add("sms_subscriptions.channel_id", "is required when SMS subscriptions are enabled")
	}
}

// channelTypes returns the type of each of the organization's notification channels by ID.
func (b *base) channelTypes(orgID string) (func(id string) string, error) {
	chs, err := b.store.Channels(orgID)
	if err != nil {
		return nil, err
	}
	types := make(map[string]string, len(chs))
	for i := range chs {
		types[chs[i].ID] = chs[i].Type
	}
	return func(id string) string { return types[id] }, nil
}
