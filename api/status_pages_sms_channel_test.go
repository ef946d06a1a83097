package api

import (
	"net/http"
	"strings"
	"testing"
)

// A channel a page texts through may be deleted, as channels of alert rules may (the
// codebase refuses deletes only for escalation policies and secrets in use). The page
// then shows why it texts nobody, channel_problem "deleted" (or "disabled" while its
// channel is off), keeps its setting and subscribers, and its public page offers no
// phone form; choosing another channel clears the problem.
func TestStatusPageSMSChannelDeletedShows(t *testing.T) {
	m := newSMSEnv(t)
	path := "/api/v1/status-pages/" + m.pageID
	problem := func() *string {
		return decode[statusPageView](t, m.do("GET", path, m.owner.Token, nil)).SMSSubscriptions.ChannelProblem
	}
	if p := problem(); p != nil {
		t.Fatalf("problem with a working channel: %q", *p)
	}
	if rec := m.do("PUT", "/api/v1/notification-channels/"+m.channelID, m.owner.Token, map[string]any{"enabled": false}); rec.Code != http.StatusOK {
		t.Fatalf("disable channel: %d %s", rec.Code, rec.Body.String())
	}
	if p := problem(); deref(p) != "disabled" {
		t.Fatalf("problem with a disabled channel: %v", p)
	}
	if rec := m.do("DELETE", "/api/v1/notification-channels/"+m.channelID, m.owner.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete channel: %d %s", rec.Code, rec.Body.String())
	}
	v := decode[statusPageView](t, m.do("GET", path, m.owner.Token, nil)).SMSSubscriptions
	if deref(v.ChannelProblem) != "deleted" || !v.Enabled || deref(v.ChannelID) != m.channelID {
		t.Fatalf("after the channel's delete: %+v", v)
	}
	list := m.do("GET", "/api/v1/status-pages", m.owner.Token, nil).Body.String()
	if !strings.Contains(list, `"channel_problem":"deleted"`) {
		t.Fatalf("list does not show the problem: %s", list)
	}
	if html := m.do("GET", "/status/acme", "", nil).Body.String(); strings.Contains(html, `type="tel"`) {
		t.Fatal("the public page offers a phone form without a channel")
	}
	other := m.twilioChannel(m.owner.Token, "Texts 2")
	rec := m.do("PUT", path, m.owner.Token, map[string]any{"sms_subscriptions": map[string]any{"channel_id": other}})
	if rec.Code != http.StatusOK || decode[statusPageView](t, rec).SMSSubscriptions.ChannelProblem != nil {
		t.Fatalf("another channel: %d %s", rec.Code, rec.Body.String())
	}
}
