package api

import (
	"net/http"
	"testing"
)

// TestAlertDeliveries: an alert's notifications are found by the alert, oldest first, each
// naming its channel and outcome — what the alert page's timeline shows; another
// organization's alert is a 404.
func TestAlertDeliveries(t *testing.T) {
	e, _ := newAlertEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	stranger := e.newUser("stranger@example.com", "Stranger")
	recv := newWebhookReceiver(t, http.StatusOK)
	ch := createChannel(t, e, owner.Token, webhookChannelBody("Ops hook", recv.URL))
	svc := e.createHTTPService(owner.Token, "api", "https://api.example.com")
	rec := e.do("POST", "/api/v1/alert-rules", owner.Token, map[string]any{"name": "api down", "service_id": svc,
		"severity": "critical", "channel_ids": []string{ch.ID}})
	if rec.Code != 201 {
		t.Fatalf("create rule: %d %s", rec.Code, rec.Body.String())
	}
	// Another alert's notification must not show up in this one's timeline.
	other := e.createHTTPService(owner.Token, "web", "https://web.example.com")
	if rec := e.do("POST", "/api/v1/alert-rules", owner.Token, map[string]any{"name": "web down", "service_id": other,
		"severity": "critical", "channel_ids": []string{ch.ID}}); rec.Code != 201 {
		t.Fatalf("create rule: %d %s", rec.Code, rec.Body.String())
	}
	e.record(owner.OrgID, svc, "RED")
	e.record(owner.OrgID, other, "RED")
	al := e.openAlert(owner.OrgID, svc)
	if n, err := outboxWorker(e).DeliverDue(t.Context()); n != 2 || err != nil {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	list := decode[[]alertDeliveryView](t, e.do("GET", "/api/v1/alerts/"+al.ID+"/deliveries", owner.Token, nil))
	if len(list) != 1 {
		t.Fatalf("deliveries = %+v, want the one notification of this alert", list)
	}
	d := list[0]
	if d.Kind != "channel" || d.TargetID != ch.ID || d.TargetName != "Ops hook" || d.Outcome != "delivered" || d.Event != "alert.fired" {
		t.Errorf("delivery = %+v", d)
	}
	if rec := e.do("GET", "/api/v1/alerts/"+al.ID+"/deliveries", stranger.Token, nil); rec.Code != 404 {
		t.Errorf("another organization's alert: %d %s", rec.Code, rec.Body.String())
	}
}
