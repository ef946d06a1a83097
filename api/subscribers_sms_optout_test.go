package api

import (
	"net/http"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// When Twilio refuses a text to a confirmed SMS subscriber with error 21610 (the number
// replied STOP to the sender), the subscriber is removed and the removal audited, as a
// STOP reply through the inbound webhook does, so opt-outs are honoured without that
// webhook. Other subscribers keep their texts, and a confirmation code refused the same
// way leaves its pending subscriber as it is (README "SMS subscribers").
func TestSMSOptedOutNumberRemovedOn21610(t *testing.T) {
	m := newSMSEnv(t)
	const stopped, kept, pending = "+491701234567", "+491709876543", "+491705550000"
	for _, phone := range []string{stopped, kept} {
		if rec := m.public("192.0.2.1", "", map[string]any{"phone": phone}); rec.Code != http.StatusOK {
			t.Fatalf("subscribe %s: %d %s", phone, rec.Code, rec.Body.String())
		}
		code := m.codeOf(m.deliver(), phone)
		if rec := m.public("192.0.2.1", "/confirm", map[string]any{"phone": phone, "code": code}); rec.Code != http.StatusOK {
			t.Fatalf("confirm %s: %d %s", phone, rec.Code, rec.Body.String())
		}
	}
	m.twilio.optOut(stopped)
	m.twilio.optOut(pending)
	if rec := m.public("192.0.2.2", "", map[string]any{"phone": pending}); rec.Code != http.StatusOK {
		t.Fatalf("subscribe %s: %d %s", pending, rec.Code, rec.Body.String())
	}
	if got := m.deliver(); len(got) != 1 || got[0].Form.Get("To") != pending {
		t.Fatalf("confirmation code: %+v", got)
	}
	phones := func() map[string]string {
		subs, err := m.db.Subscribers(m.owner.OrgID, m.pageID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, s := range subs {
			out[s.Phone] = s.Status
		}
		return out
	}
	if got := phones(); got[pending] != store.SubscriberPending || len(got) != 3 {
		t.Fatalf("after a refused confirmation code: %v", got)
	}

	m.incident("/api/v1/status-pages/"+m.pageID+"/incidents", "critical", "Checkout down")
	if got := m.deliver(); len(got) != 2 {
		t.Fatalf("incident texts: %+v", got)
	}
	if got := phones(); len(got) != 2 || got[kept] != store.SubscriberConfirmed || got[pending] != store.SubscriberPending {
		t.Fatalf("after Twilio refused %s with 21610: %v", stopped, got)
	}
	entries, _, err := m.db.AuditLogs(m.owner.OrgID, store.AuditFilter{Event: "subscriber.deleted"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Actor.Type != "system" || entries[0].Metadata["sms_opt_out"] != true ||
		entries[0].Metadata["status_page_id"] != m.pageID || entries[0].Metadata["twilio_error"] != float64(21610) {
		t.Fatalf("audit of the removal: %+v", entries)
	}
	m.incident("/api/v1/status-pages/"+m.pageID+"/incidents", "critical", "Checkout down again")
	if got := m.deliver(); len(got) != 1 || got[0].Form.Get("To") != kept {
		t.Fatalf("texts after the removal: %+v", got)
	}
}
