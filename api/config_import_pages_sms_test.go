package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A page's SMS setting travels in the export naming its channel, re-imports unchanged,
// can be created with a channel the same document creates, and a channel that is not
// twilio_sms is a problem at the page's sms_subscriptions.channel. Subscribers' numbers
// are not exported.
func TestConfigSMSSubscriptionsRoundTrip(t *testing.T) {
	m := newSMSEnv(t)
	m.public("192.0.2.30", "", map[string]any{"phone": "+14155550177"})
	objects := 1 + 1 + 1 // service, channel, page
	_, jsonDoc := m.reimportOwnExport(m.owner.Token, objects)
	var doc map[string]any
	if err := json.Unmarshal([]byte(jsonDoc), &doc); err != nil {
		t.Fatal(err)
	}
	pages := doc["status_pages"].([]any)
	sms, _ := pages[0].(map[string]any)["sms_subscriptions"].(map[string]any)
	if sms["enabled"] != true || sms["channel"] != "Texts" || sms["critical_only"] != true || strings.Contains(jsonDoc, "4155550177") {
		t.Fatalf("exported page: %v", pages[0])
	}

	fresh := `{"notification_channels":[{"name":"New texts","type":"twilio_sms","config":{"account_sid":"` + smsTestSID +
		`","auth_token":"tok","from":"+14155550100","to":"+14155550101"}},{"name":"Mail","type":"email","config":{"to":["a@example.com"]}}],
"status_pages":[{"name":"Second","slug":"second","sms_subscriptions":{"enabled":true,"channel":"New texts","critical_only":false}}]}`
	m.importDoc(m.owner.Token, "", "application/json", fresh, http.StatusOK)
	list := decode[[]statusPageView](t, m.do("GET", "/api/v1/status-pages", m.owner.Token, nil))
	var second *statusPageView
	for i := range list {
		if list[i].Slug == "second" {
			second = &list[i]
		}
	}
	if second == nil || !second.SMSSubscriptions.Enabled || second.SMSSubscriptions.CriticalOnly || second.SMSSubscriptions.ChannelID == nil {
		t.Fatalf("imported page: %+v", second)
	}
	bad := strings.Replace(fresh, `"channel":"New texts"`, `"channel":"Mail"`, 1)
	rec := m.doConfig("POST", "/api/v1/import", m.owner.Token, "application/json", "", bad)
	if rec.Code != http.StatusUnprocessableEntity || decodeFields(t, rec)["status_pages[0].sms_subscriptions.channel"] == "" {
		t.Fatalf("e-mail channel: %d %s", rec.Code, rec.Body.String())
	}
	unknown := strings.Replace(fresh, `"channel":"New texts"`, `"channel":"Nope"`, 1)
	rec = m.doConfig("POST", "/api/v1/import", m.owner.Token, "application/json", "", unknown)
	if rec.Code != http.StatusUnprocessableEntity || decodeFields(t, rec)["status_pages[0].sms_subscriptions.channel"] == "" {
		t.Fatalf("unknown channel: %d %s", rec.Code, rec.Body.String())
	}
}
