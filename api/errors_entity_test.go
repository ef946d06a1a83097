package api

import (
	"net/http"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// errorRow is one request whose error body is asserted whole: the status, the code and
// the exact message.
type errorRow struct {
	name, method, path, token string
	body                      any
	status                    int
	message                   string
}

// TestErrorsNameTheirEntity pins the message of every "not found" and "already exists"
// answer of the organization-scoped resources: each names what is missing or what
// conflicts, whether the handler checks first or the store finds out inside its write.
func TestErrorsNameTheirEntity(t *testing.T) {
	e, _ := newAlertEnv(t)
	f := newOrgFixture(e)
	tg := newAlertTargets(e, f)
	const missing = "0190aaaa-0000-7000-8000-000000000000"
	if err := e.db.CreateTeam(f.owner.OrgID, &store.Team{Name: "Night"}, nil); err != nil {
		t.Fatal(err)
	}
	policy := mustPolicy(e, f.owner.OrgID, "Ops", tg.channel)
	_, alert := e.firingService(f.memberTok, f.owner.OrgID, "api", "critical")
	if err := e.db.CreateAlertRule(f.owner.OrgID, &store.AlertRule{Name: "paged", EscalationPolicyID: policy,
		Severity: "critical"}, nil); err != nil {
		t.Fatal(err)
	}
	svc := e.mustCreateService(f.memberTok, map[string]any{"name": "Shop", "endpoint": "https://shop.example.com", "check_type": "https"})
	e.mustCreateService(f.memberTok, map[string]any{"name": "Blog", "endpoint": "https://blog.example.com", "check_type": "https"})
	page := e.mustPage(f.memberTok, map[string]any{"name": "Acme", "slug": "acme"})
	e.mustPage(f.memberTok, map[string]any{"name": "Beta", "slug": "beta"})
	e.mustPage(f.outsider.Token, map[string]any{"name": "Theirs", "slug": "theirs"})
	hb := e.createHeartbeat(f.memberTok, map[string]any{"name": "Nightly"})
	theirs := "/api/v1/status-pages/" + page.ID

	tok := f.adminTok
	rows := []errorRow{
		{"team get", "GET", "/api/v1/teams/" + missing, tok, nil, 404, "Team not found."},
		{"team of another org", "GET", "/api/v1/teams/" + tg.foreignTeam, tok, nil, 404, "Team not found."},
		{"team update", "PUT", "/api/v1/teams/" + missing, tok, map[string]any{"name": "x"}, 404, "Team not found."},
		{"team delete", "DELETE", "/api/v1/teams/" + missing, tok, nil, 404, "Team not found."},
		{"team members", "GET", "/api/v1/teams/" + missing + "/members", tok, nil, 404, "Team not found."},
		{"team member add", "POST", "/api/v1/teams/" + missing + "/members", tok, map[string]any{"user_id": f.member.ID}, 404, "Team not found."},
		{"team member remove", "DELETE", "/api/v1/teams/" + tg.team + "/members/" + missing, tok, nil, 404, "Team member not found."},
		{"team name taken", "POST", "/api/v1/teams", tok, map[string]any{"name": "sre"}, 409,
			"A team with that name already exists in this organization."},
		{"team renamed onto another", "PUT", "/api/v1/teams/" + tg.team, tok, map[string]any{"name": "NIGHT"}, 409,
			"A team with that name already exists in this organization."},
		{"team member twice", "POST", "/api/v1/teams/" + tg.team + "/members", tok, map[string]any{"user_id": f.member.ID}, 201, ""},
		{"team member twice again", "POST", "/api/v1/teams/" + tg.team + "/members", tok, map[string]any{"user_id": f.member.ID}, 409,
			"That user is already in the team."},

		{"channel get", "GET", "/api/v1/notification-channels/" + missing, tok, nil, 404, "Notification channel not found."},
		{"channel of another org", "GET", "/api/v1/notification-channels/" + tg.foreignChannel, tok, nil, 404, "Notification channel not found."},
		{"channel update", "PUT", "/api/v1/notification-channels/" + missing, tok, map[string]any{"name": "x"}, 404, "Notification channel not found."},
		{"channel delete", "DELETE", "/api/v1/notification-channels/" + missing, tok, nil, 404, "Notification channel not found."},
		{"channel test", "POST", "/api/v1/notification-channels/" + missing + "/test", tok, nil, 404, "Notification channel not found."},
		{"channel deliveries", "GET", "/api/v1/notification-channels/" + missing + "/deliveries", tok, nil, 404, "Notification channel not found."},
		{"channel name taken", "POST", "/api/v1/notification-channels", tok, webhookChannelBody("OPS", "https://hooks.example.com/x"), 409,
			"A notification channel with that name already exists in this organization."},
		{"delivery retry", "POST", "/api/v1/deliveries/" + missing + "/retry", tok, nil, 404, "Dead-lettered delivery not found."},

		{"webhook get", "GET", "/api/v1/webhooks/" + missing, tok, nil, 404, "Webhook not found."},
		{"webhook update", "PUT", "/api/v1/webhooks/" + missing, tok, map[string]any{"enabled": false}, 404, "Webhook not found."},
		{"webhook delete", "DELETE", "/api/v1/webhooks/" + missing, tok, nil, 404, "Webhook not found."},
		{"webhook test", "POST", "/api/v1/webhooks/" + missing + "/test", tok, nil, 404, "Webhook not found."},
		{"webhook deliveries", "GET", "/api/v1/webhooks/" + missing + "/deliveries", tok, nil, 404, "Webhook not found."},

		{"policy get", "GET", "/api/v1/escalation-policies/" + missing, tok, nil, 404, "Escalation policy not found."},
		{"policy update", "PUT", "/api/v1/escalation-policies/" + missing, tok, map[string]any{"name": "x"}, 404, "Escalation policy not found."},
		{"policy delete", "DELETE", "/api/v1/escalation-policies/" + missing, tok, nil, 404, "Escalation policy not found."},
		{"policy name taken", "POST", "/api/v1/escalation-policies", tok, map[string]any{"name": "OPS", "rules": []map[string]any{
			{"level": 1, "delay_minutes": 0, "notify_type": "channel", "notify_id": tg.channel}}}, 409,
			"An escalation policy with that name already exists in this organization."},

		{"policy in use", "DELETE", "/api/v1/escalation-policies/" + policy, tok, nil, 409,
			`Cannot delete: escalation policy "Ops" is used by alert rule "paged". Change that rule first, or delete with ?force=true.`},

		{"rule get", "GET", "/api/v1/alert-rules/" + missing, tok, nil, 404, "Alert rule not found."},
		{"rule update", "PUT", "/api/v1/alert-rules/" + missing, tok, map[string]any{"name": "x"}, 404, "Alert rule not found."},
		{"rule delete", "DELETE", "/api/v1/alert-rules/" + missing, tok, nil, 404, "Alert rule not found."},

		{"alert get", "GET", "/api/v1/alerts/" + missing, tok, nil, 404, "Alert not found."},
		{"alert acknowledge", "POST", "/api/v1/alerts/" + missing + "/acknowledge", tok, map[string]any{}, 404, "Alert not found."},
		{"alert resolve", "POST", "/api/v1/alerts/" + missing + "/resolve", tok, map[string]any{}, 404, "Alert not found."},
		{"alert acknowledged", "POST", "/api/v1/alerts/" + alert.ID + "/acknowledge", tok, map[string]any{}, 200, ""},
		{"alert acknowledged twice", "POST", "/api/v1/alerts/" + alert.ID + "/acknowledge", tok, map[string]any{}, 409,
			"The alert is already acknowledged; nothing was changed."},
		{"alert note", "POST", "/api/v1/alerts/" + missing + "/notes", tok, map[string]any{"message": "x"}, 404, "Alert not found."},

		{"service get", "GET", "/api/v1/services/" + missing, tok, nil, 404, "Service not found."},
		{"service patch", "PATCH", "/api/v1/services/" + missing, tok, map[string]any{"description": "x"}, 404, "Service not found."},
		{"service delete", "DELETE", "/api/v1/services/" + missing, tok, nil, 404, "Service not found."},
		{"service pause", "POST", "/api/v1/services/" + missing + "/pause", tok, nil, 404, "Service not found."},
		{"service checks", "GET", "/api/v1/services/" + missing + "/checks", tok, nil, 404, "Service not found."},
		{"service metrics", "GET", "/api/v1/services/" + missing + "/metrics", tok, nil, 404, "Service not found."},
		{"service uptime", "GET", "/api/v1/services/" + missing + "/uptime", tok, nil, 404, "Service not found."},
		{"service ssl", "GET", "/api/v1/services/" + missing + "/ssl", tok, nil, 404, "Service not found."},
		{"sla report of an unknown service", "GET", "/api/v1/reports/sla?service_ids=" + missing, tok, nil, 404, "Service not found."},
		{"service name taken", "POST", "/api/v1/services", tok, map[string]any{"name": "SHOP", "endpoint": "https://x.example.com", "check_type": "https"}, 409,
			`A service named "SHOP" already exists in this organization.`},
		{"service renamed onto another", "PATCH", "/api/v1/services/" + svc["id"].(string), tok, map[string]any{"name": "blog"}, 409,
			`A service named "blog" already exists in this organization.`},

		{"window get", "GET", "/api/v1/maintenance-windows/" + missing, tok, nil, 404, "Maintenance window not found."},
		{"window delete", "DELETE", "/api/v1/maintenance-windows/" + missing, tok, nil, 404, "Maintenance window not found."},
		{"window end", "POST", "/api/v1/maintenance-windows/" + missing + "/end", tok, nil, 404, "Maintenance window not found."},

		{"heartbeat get", "GET", "/api/v1/heartbeats/" + missing, tok, nil, 404, "Heartbeat not found."},
		{"heartbeat update", "PUT", "/api/v1/heartbeats/" + missing, tok, map[string]any{"name": "x"}, 404, "Heartbeat not found."},
		{"heartbeat delete", "DELETE", "/api/v1/heartbeats/" + missing, tok, nil, 404, "Heartbeat not found."},
		{"heartbeat pause", "POST", "/api/v1/heartbeats/" + missing + "/pause", tok, nil, 404, "Heartbeat not found."},
		{"heartbeat pings", "GET", "/api/v1/heartbeats/" + missing + "/pings", tok, nil, 404, "Heartbeat not found."},
		{"heartbeat paused twice is fine", "POST", "/api/v1/heartbeats/" + hb.ID + "/pause", tok, nil, 200, ""},

		{"page get", "GET", "/api/v1/status-pages/" + missing, tok, nil, 404, "Status page not found."},
		{"page update", "PUT", "/api/v1/status-pages/" + missing, tok, map[string]any{"name": "x"}, 404, "Status page not found."},
		{"page delete", "DELETE", "/api/v1/status-pages/" + missing, tok, nil, 404, "Status page not found."},
		{"page slug taken", "POST", "/api/v1/status-pages", tok, map[string]any{"name": "x", "slug": "theirs"}, 409,
			"That slug is already used by another status page."},
		{"page slug taken on update", "PUT", theirs, tok, map[string]any{"slug": "beta"}, 409,
			"That slug is already used by another status page."},
		{"incidents of no page", "GET", "/api/v1/status-pages/" + missing + "/incidents", tok, nil, 404, "Status page not found."},
		{"incident get", "GET", theirs + "/incidents/" + missing, tok, nil, 404, "Incident not found."},
		{"incident update", "PUT", theirs + "/incidents/" + missing, tok, map[string]any{"title": "x"}, 404, "Incident not found."},
		{"incident delete", "DELETE", theirs + "/incidents/" + missing, tok, nil, 404, "Incident not found."},
		{"subscribers of no page", "GET", "/api/v1/status-pages/" + missing + "/subscribers", tok, nil, 404, "Status page not found."},
		{"subscriber delete", "DELETE", theirs + "/subscribers/" + missing, tok, nil, 404, "Subscriber not found."},
		{"public page", "GET", "/api/v1/public/status-pages/nowhere", "", nil, 404, "Status page not found."},

		{"member update", "PUT", "/api/v1/members/" + missing, tok, map[string]any{"role": "viewer"}, 404, "Member not found."},
		{"member remove", "DELETE", "/api/v1/members/" + missing, tok, nil, 404, "Member not found."},
		{"member twice", "POST", "/api/v1/members", tok, map[string]any{"email": f.member.Email}, 409,
			"That user is already a member of this organization."},
		{"invitation revoke", "DELETE", "/api/v1/members/invitations/" + missing, tok, nil, 404, "Invitation not found."},
		{"invitation accept", "POST", "/api/v1/invitations/accept", f.outsider.Token, map[string]any{"token": "inv_nothing"}, 404, "Invitation not found."},
		{"last owner", "PUT", "/api/v1/members/" + f.owner.ID, f.owner.Token, map[string]any{"role": "admin"}, 409,
			"An organization must keep at least one owner."},
		{"api key revoke", "DELETE", "/api/v1/api-keys/" + missing, tok, nil, 404, "API key not found."},
		{"organization slug taken", "PUT", "/api/v1/organization", tok, map[string]any{"slug": f.outsider.OrgSlug}, 409,
			"That slug is already used by another organization."},
		{"account e-mail taken", "POST", "/api/v1/auth/register", "", registerBody("MEMBER@example.com", "Mia", "s3cret-enough"), 409,
			"An account with this e-mail address already exists."},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			rec := e.do(r.method, r.path, r.token, r.body)
			if rec.Code != r.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", r.method, r.path, rec.Code, r.status, rec.Body.String())
			}
			if r.message == "" {
				return
			}
			body := decode[map[string]any](t, rec)
			code := map[int]string{http.StatusNotFound: "not_found", http.StatusConflict: "conflict"}[r.status]
			if body["error"] != code || body["message"] != r.message {
				t.Errorf("%s %s: body %s, want error %q, message %q", r.method, r.path, rec.Body.String(), code, r.message)
			}
		})
	}
}
