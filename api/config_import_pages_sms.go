package api

import (
	"github.com/alertifypro/alertifypro/store"
)

// smsSubscriptionsItem is a page's SMS setting in an export: the channel by name. The
// subscribers themselves are not exported, as e-mail subscribers are not: they are
// people's consent to one instance, not configuration.
type smsSubscriptionsItem struct {
	Enabled      bool    `json:"enabled"`
	Channel      *string `json:"channel"`
	CriticalOnly bool    `json:"critical_only"`
}

// newSMSSubscriptionsItem is p's SMS setting for the export; nil while SMS is off with no
// channel and the default critical_only, so pages that never used SMS export as before.
func newSMSSubscriptionsItem(p *store.StatusPage, name nameFunc) *smsSubscriptionsItem {
	if p.SMS == (store.SMSSubscriptions{}) {
		return nil
	}
	it := &smsSubscriptionsItem{Enabled: p.SMS.Enabled, CriticalOnly: !p.SMS.AllUpdates}
	if p.SMS.ChannelID != "" {
		n := name(p.SMS.ChannelID)
		it.Channel = &n
	}
	return it
}

// smsSubscriptionsImport is the sms_subscriptions object of a page element.
type smsSubscriptionsImport struct {
	Enabled      *bool   `json:"enabled"`
	Channel      *string `json:"channel"`
	CriticalOnly *bool   `json:"critical_only"`
}

// request resolves the channel's name (among the organization's and the document's
// channels) into the API's request; nil stays nil.
func (in *smsSubscriptionsImport) request(p *importPlan, path string) *smsSubscriptionsRequest {
	if in == nil {
		return nil
	}
	r := &smsSubscriptionsRequest{Enabled: in.Enabled, CriticalOnly: in.CriticalOnly}
	if in.Channel != nil {
		id := ""
		if *in.Channel != "" {
			id = p.ref(path+".sms_subscriptions.channel", *in.Channel, "a notification channel of this organization or the document", p.channels)
		}
		r.ChannelID = &id
	}
	return r
}

// noteChannelType records the type of a channel the document creates or updates.
func (p *importPlan) noteChannelType(id, typ string) {
	if p.channelTypes == nil {
		p.channelTypes = map[string]string{}
	}
	p.channelTypes[id] = typ
}

// channelType is the type a channel will have once the document is imported: as the
// document gives it, else as stored. An unresolved reference (already reported) passes.
func (p *importPlan) channelType(id string) string {
	if id == unresolvedID {
		return "twilio_sms"
	}
	if t, ok := p.channelTypes[id]; ok {
		return t
	}
	for i := range p.st.channels {
		if p.st.channels[i].ID == id {
			return p.st.channels[i].Type
		}
	}
	return ""
}
