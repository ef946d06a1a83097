package uitest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestStatusPageSMSSettings: the page editor turns SMS subscriptions on through the
// organization's Twilio channel (critical incidents only by default) and shows the inbound
// webhook URL; the public page then offers the phone form; the subscribers list shows a
// phone subscriber masked but for its last four digits, and removes it; once the channel
// is deleted, the page view and the editor warn that nobody is texted.
func TestStatusPageSMSSettings(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, orgID, orgSlug := registerViaAPI(t, srv, "Sam Sms", "sam@example.com", "correct horse battery")
	ch := apiJSON(t, srv, token, "POST", "/notification-channels", map[string]any{"name": "Twilio texts", "type": "twilio_sms",
		"config": map[string]any{"account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "tok", "from": "+14155550100", "to": "+14155550101"}},
		http.StatusCreated)
	page := apiJSON(t, srv, token, "POST", "/status-pages", map[string]any{"name": "Texts", "slug": "texts", "subscriptions_enabled": true}, http.StatusCreated)
	pageID := page["id"].(string)

	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(token, orgSlug)
	b.open("/status-pages/" + pageID + "/edit")
	b.waitText("SMS subscriptions")
	if !evalJS[bool](b, `document.querySelector('[name="sms_critical_only"]').checked`) {
		t.Error("critical incidents only is not on by default")
	}
	b.clickSel(`[name="sms_enabled"]`)
	b.waitFor("the channel option", `!!document.querySelector('[name="sms_channel_id"] option[value="`+ch["id"].(string)+`"]')`, 5*time.Second)
	b.choose("sms_channel_id", ch["id"].(string))
	b.click("Save changes")
	b.waitText("Status page saved")
	got := apiJSON(t, srv, token, "GET", "/status-pages/"+pageID, nil, http.StatusOK)["sms_subscriptions"].(map[string]any)
	if got["enabled"] != true || got["channel_id"] != ch["id"] || got["critical_only"] != true {
		t.Fatalf("saved sms_subscriptions = %v", got)
	}
	b.open("/status-pages/" + pageID + "/edit")
	b.waitText("Inbound webhook for Twilio:")
	b.waitText(fmt.Sprintf("/api/v1/public/sms/twilio/%s/%s", orgID, ch["id"]))
	b.noRawKeys("status page editor with SMS")
	b.screenshot("status-page-sms-settings")

	b.open("/status/texts")
	b.waitText("Text me")
	b.waitText("By SMS you hear of critical incidents only.")
	b.clickSel("details.sms-stop summary")
	b.waitText("Send me a code")
	b.screenshot("status-page-public-phone-form")

	s := &store.Subscriber{PageID: pageID, Type: store.SubscriberSMS, Status: store.SubscriberPending, Phone: "+14155550123",
		SMSCode: &store.SMSCode{Digest: make([]byte, 32), ExpiresAt: time.Now().Add(time.Minute)}}
	if _, err := srv.DB.AddSMSSubscriber(orgID, s, -1, nil); err != nil {
		t.Fatal(err)
	}
	b.open("/status-pages/" + pageID)
	b.waitText("Visitors may also subscribe by SMS, for critical incidents only.")
	b.waitText("+•••••••0123")
	if evalJS[bool](b, `document.querySelector('main').innerText.includes('4155550123')`) {
		t.Error("the full number is shown")
	}
	b.clickSel(`button[aria-label="Remove subscriber +•••••••0123"]`)
	b.waitFor("the subscriber gone", `!document.querySelector('main').innerText.includes('0123')`, 5*time.Second)
	if subs := apiJSONList(t, srv, token, "/status-pages/"+pageID+"/subscribers"); len(subs) != 0 {
		t.Fatalf("subscribers after removal: %v", subs)
	}

	// The channel may be deleted; the page view and the editor then say nobody is texted.
	apiJSON(t, srv, token, "DELETE", "/notification-channels/"+ch["id"].(string), nil, http.StatusNoContent)
	const gone = "The SMS channel of this page was deleted"
	b.open("/status-pages/" + pageID)
	b.waitText(gone)
	b.open("/status-pages/" + pageID + "/edit")
	b.waitText(gone)
	b.noRawKeys("status page editor with a deleted SMS channel")
}
