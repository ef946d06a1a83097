package api

import (
	"net/http"
	"testing"
)

// The SMS setting of a page names a twilio_sms channel of the page's organization; any
// other channel, another organization's, none while enabled, is a 422 naming the field.
func TestStatusPageSMSSettingValidation(t *testing.T) {
	m := newSMSEnv(t)
	other := m.newUser("other@example.com", "Other")
	otherChannel := m.twilioChannel(other.Token, "Theirs")
	rec := m.do("POST", "/api/v1/notification-channels", m.owner.Token, map[string]any{"name": "Mail", "type": "email",
		"config": map[string]any{"to": []string{"ops@example.com"}}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("email channel: %d %s", rec.Code, rec.Body.String())
	}
	mail := decode[channelView](t, rec).ID
	path := "/api/v1/status-pages/" + m.pageID
	for name, sms := range map[string]map[string]any{
		"email channel":               {"channel_id": mail},
		"another organization's":      {"channel_id": otherChannel},
		"unknown channel":             {"channel_id": "0190b1c2-0000-7000-8000-000000000000"},
		"enabled after clearing":      {"channel_id": ""},
		"enabled on a new page alone": nil,
	} {
		var rec = m.do("PUT", path, m.owner.Token, map[string]any{"sms_subscriptions": sms})
		if sms == nil {
			rec = m.do("POST", "/api/v1/status-pages", m.owner.Token, map[string]any{"name": "Second", "sms_subscriptions": map[string]any{"enabled": true}})
		}
		if rec.Code != http.StatusUnprocessableEntity || decodeFields(t, rec)["sms_subscriptions.channel_id"] == "" {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	// Nothing was half-written: the page still texts through its channel.
	if s := decode[statusPageView](t, m.do("GET", path, m.owner.Token, nil)).SMSSubscriptions; !s.Enabled || deref(s.ChannelID) != m.channelID {
		t.Fatalf("after refused updates: %+v", s)
	}
	// Off with the channel cleared is fine; a new page starts off, critical_only on.
	if rec := m.do("PUT", path, m.owner.Token, map[string]any{"sms_subscriptions": map[string]any{"enabled": false, "channel_id": ""}}); rec.Code != http.StatusOK {
		t.Fatalf("turn off: %d %s", rec.Code, rec.Body.String())
	}
	rec = m.do("POST", "/api/v1/status-pages", m.owner.Token, map[string]any{"name": "Third"})
	if s := decode[statusPageView](t, rec).SMSSubscriptions; s.Enabled || !s.CriticalOnly || s.ChannelID != nil || s.InboundWebhookPath != nil {
		t.Fatalf("new page: %+v", s)
	}
	// Turning SMS on later, without saying critical_only, keeps critical incidents only.
	third := decode[statusPageView](t, rec).ID
	rec = m.do("PUT", "/api/v1/status-pages/"+third, m.owner.Token, map[string]any{"sms_subscriptions": map[string]any{"enabled": true, "channel_id": m.channelID}})
	if s := decode[statusPageView](t, rec).SMSSubscriptions; rec.Code != http.StatusOK || !s.Enabled || !s.CriticalOnly {
		t.Fatalf("enabled later: %d %+v", rec.Code, s)
	}
	// With SMS off the public endpoint refuses numbers.
	if rec := m.public("192.0.2.9", "", map[string]any{"phone": "+14155550123"}); rec.Code != http.StatusForbidden {
		t.Fatalf("subscribe with SMS off: %d %s", rec.Code, rec.Body.String())
	}
}
