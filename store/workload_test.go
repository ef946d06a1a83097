package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// The proof that capture is complete: a broad workload through the real store, its
// in-transaction decisions and its workers — tenancy, members and invitations, sealed
// credentials, results with rollups and alert transitions, escalations, acknowledgements,
// the outbox delivering, retrying and dead-lettering, heartbeats, maintenance, status
// pages, incidents, subscribers, webhooks, API keys, audit entries, the janitor's
// retention deletes and an organization deleted in chunks, from the migrations of a new
// file on — is captured; its sets, encoded and decoded, rebuild it on an empty replica
// exactly (every bucket, key, value and sequence) at every checkpoint. Replaying the sets
// without any one kind of mutation does not, so a write path whose mutations escaped the
// recording would fail here.
func TestCapturedWriteSetsRebuildTheWholeAppliance(t *testing.T) {
	w := newWorkload(t)
	s := w.tenancy()
	w.mark("tenancy and configuration")
	w.monitoring(s)
	w.mark("results, alerts and deliveries")
	w.lifecycle(s)
	w.mark("deletions and retention")

	if err := w.replay("replica", func(ws *store.WriteSet) *store.WriteSet { return ws }); err != nil {
		t.Fatalf("the replica does not match: %v", err)
	}
	// The workload writes everywhere the store keeps data.
	touched := w.touched()
	t.Logf("%d write sets; puts and deletes per bucket: %v", len(w.sets), touched)
	for _, name := range []string{"meta", "users", "idx_user_email", "idx_user_orgs", "idx_org_slug", "idx_api_key",
		"idx_invitation", "idx_heartbeat_key", "idx_heartbeat_due", "idx_status_page_slug", "idx_subscriber_token",
		"email_changes", "idx_email_change", "members", "invitations", "teams", "team_members", "api_keys",
		"services", "service_names", "audit", "results", "rollup_1m", "rollup_1h", "rollup_1d", "outbox",
		"outbox_index", "outbox_dest", "deliveries", "dead_letters", "channels", "channel_names",
		"escalation_policies", "escalation_names", "maintenance", "maintenance_announced", "webhooks",
		"heartbeats", "heartbeat_pings", "alert_rules", "alerts", "alert_open", "alert_due", "alert_state",
		"status_pages", "incidents", "page_incidents", "alert_incidents", "subscribers", "page_subscribers",
		"subscriber_keys"} {
		if touched[name] == 0 {
			t.Errorf("the workload wrote nothing to %s", name)
		}
	}
	// Each kind of mutation matters: without it the replica differs (or refuses a set).
	for _, kind := range []store.MutationKind{store.MutationPut, store.MutationDelete,
		store.MutationCreateBucket, store.MutationDeleteBucket, store.MutationSetSequence} {
		err := w.replay("without-"+fmt.Sprint(int(kind)), func(ws *store.WriteSet) *store.WriteSet { return ws.WithoutForTest(kind) })
		if err == nil {
			t.Errorf("the sets without %s still rebuild the database: the test cannot see that kind escape", kind)
		} else {
			t.Logf("without %s: %.200s", kind, err)
		}
	}
}

// setup are the objects the later steps use.
type setup struct {
	org, sandbox             *store.Organization
	owner, carol             *store.User
	api, db, batch           *store.Service
	page                     *store.StatusPage
	ok, gone, flaky          *store.NotificationChannel
	apiRule, orgRule, hbRule *store.AlertRule
	hb, hbPaused             *store.Heartbeat
	team                     *store.Team
}

// tenancy registers accounts and organizations and configures everything an
// organization has, as the API would (sealed secrets, audit entries).
func (w *workload) tenancy() *setup {
	w.t.Helper()
	s := &setup{}
	w.must(w.db.CheckEncryptionKey(w.sealer.KeyCheck()))
	root := &store.User{Email: "root@example.com", FullName: "Root", PasswordHash: "$2a$04$x"}
	w.must(w.db.Register(root, &store.Organization{Name: "Root"}, &store.Membership{}, nil))
	s.owner = &store.User{Email: "ops@example.com", FullName: "Ops", PasswordHash: "$2a$04$x"}
	s.org = &store.Organization{Name: "Ops"}
	w.must(w.db.Register(s.owner, s.org, &store.Membership{}, audit("user.registered", "user", "")))
	_, err := w.db.UpdateOrganization(s.org.ID, func(o *store.Organization) error { o.MaxServices = -1; return nil },
		audit("organization.updated", "organization", s.org.ID))
	w.must(err)
	s.sandbox = &store.Organization{Name: "Sandbox"}
	w.must(w.db.CreateOrganization(s.sandbox, &store.Membership{UserID: s.owner.ID}))
	_, err = w.db.UpdateOrganization(s.sandbox.ID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil)
	w.must(err)

	// Members: an invitation accepted, one registered through, one withdrawn.
	s.carol = &store.User{Email: "carol@example.com", FullName: "Carol", PasswordHash: "$2a$04$x"}
	w.must(w.db.Register(s.carol, &store.Organization{Name: "Carol"}, &store.Membership{}, nil))
	for _, inv := range []*store.Invitation{
		{Email: "carol@example.com", Role: "member", Digest: crypto.Digest("inv-carol")},
		{Email: "dave@example.com", Role: "viewer", Digest: crypto.Digest("inv-dave")},
		{Email: "erin@example.com", Role: "viewer", Digest: crypto.Digest("inv-erin")},
	} {
		inv.InvitedBy, inv.ExpiresAt = s.owner.ID, w.now.Add(72*time.Hour)
		w.must(w.db.CreateInvitation(s.org.ID, inv, audit("member.invited", "invitation", inv.Email)))
		if inv.Email == "erin@example.com" {
			w.must(w.db.DeleteInvitation(s.org.ID, inv.ID, audit("invitation.deleted", "invitation", inv.ID)))
		}
	}
	_, err = w.db.AcceptInvitation(crypto.Digest("inv-carol"), s.carol.ID, audit("member.added", "member", s.carol.ID))
	w.must(err)
	dave := &store.User{Email: "dave@example.com", FullName: "Dave", PasswordHash: "$2a$04$x"}
	_, err = w.db.RegisterInvited(dave, crypto.Digest("inv-dave"), nil,
		audit("member.added", "member", ""))
	w.must(err)
	_, err = w.db.SetMemberRole(s.org.ID, s.carol.ID, "admin", audit("member.role_changed", "member", s.carol.ID))
	w.must(err)
	w.must(w.db.RemoveMember(s.org.ID, dave.ID, &store.Change{
		Audit:  []*store.AuditEntry{{Event: "member.removed", Resource: store.AuditResource{Type: "member", ID: dave.ID}}},
		Events: []*store.Event{{Name: "member.removed", Data: map[string]any{"user_id": dave.ID}}}}))
	_, err = w.db.UpdateUser(s.carol.ID, func(u *store.User) error { u.FullName = "Carol C."; return nil }, s.org.ID,
		audit("user.updated", "user", s.carol.ID))
	w.must(err)
	w.must(w.db.RequestEmailChange(&store.EmailChange{UserID: s.carol.ID, NewEmail: "carol@new.example",
		Digest: crypto.Digest("email-1"), ExpiresAt: w.now.Add(time.Hour)}))
	_, _, err = w.db.ConfirmEmailChange(crypto.Digest("email-1"), w.now, func(u *store.User, old string) *store.AuditEntry {
		return &store.AuditEntry{Event: "user.email_changed", Resource: store.AuditResource{Type: "user", ID: u.ID}}
	})
	w.must(err)
	w.must(w.db.RequestEmailChange(&store.EmailChange{UserID: s.owner.ID, NewEmail: "ops@new.example",
		Digest: crypto.Digest("email-2"), ExpiresAt: w.now.Add(time.Hour)}))
	w.must(w.db.CancelEmailChange(s.owner.ID, crypto.Digest("email-2")))

	// API keys and teams.
	key := &store.APIKey{Name: "ci", Prefix: "ak_ci", Role: "admin", CreatedBy: s.owner.ID, Digest: crypto.Digest("key-ci")}
	w.must(w.db.CreateAPIKey(s.org.ID, key, audit("api_key.created", "api_key", "")))
	w.must(w.db.TouchAPIKey(s.org.ID, key.ID, w.now))
	old := &store.APIKey{Name: "old", Prefix: "ak_old", Role: "viewer", CreatedBy: s.owner.ID, Digest: crypto.Digest("key-old")}
	w.must(w.db.CreateAPIKey(s.org.ID, old, nil))
	w.must(w.db.DeleteAPIKey(s.org.ID, old.ID, audit("api_key.deleted", "api_key", old.ID)))
	s.team = &store.Team{Name: "On call"}
	w.must(w.db.CreateTeam(s.org.ID, s.team, audit("team.created", "team", "")))
	_, err = w.db.AddTeamMember(s.org.ID, s.team.ID, s.carol.ID, nil)
	w.must(err)
	_, err = w.db.AddTeamMember(s.org.ID, s.team.ID, s.owner.ID, nil)
	w.must(err)
	w.must(w.db.RemoveTeamMember(s.org.ID, s.team.ID, s.owner.ID, nil))
	_, err = w.db.UpdateTeam(s.org.ID, s.team.ID, func(t *store.Team) error { t.Description = "pager"; return nil }, nil)
	w.must(err)
	spare := &store.Team{Name: "Spare"}
	w.must(w.db.CreateTeam(s.org.ID, spare, nil))
	w.must(w.db.DeleteTeam(s.org.ID, spare.ID, nil))

	w.notifications(s)
	w.services(s)
	return s
}

// notifications creates the channels (URLs sealed), an escalation policy and webhook
// subscriptions.
func (w *workload) notifications(s *setup) {
	w.t.Helper()
	channel := func(name, path string) *store.NotificationChannel {
		ch := &store.NotificationChannel{ID: store.NewID(), Name: name, Type: "webhook", Enabled: true, Config: map[string]any{}}
		ch.SealedSecrets = map[string][]byte{"url": w.seal(s.org.ID, notify.ChannelSecretRecord(ch.ID, "url"), w.url(path))}
		w.must(w.db.CreateChannel(s.org.ID, ch, audit("channel.created", "channel", ch.ID)))
		return ch
	}
	s.ok, s.gone, s.flaky = channel("ok", "/ok"), channel("gone", "/gone"), channel("flaky", "/flaky")
	_, err := w.db.UpdateChannel(s.org.ID, s.ok.ID, func(ch *store.NotificationChannel) error { ch.Name = "primary"; return nil }, nil)
	w.must(err)
	extra := channel("extra", "/ok")
	w.must(w.db.DeleteChannel(s.org.ID, extra.ID, nil))
	for i, name := range []string{"paging", "spare"} {
		p := &store.EscalationPolicy{Name: name, Rules: []store.EscalationStep{
			{Level: 1, DelayMinutes: 5, NotifyType: store.EscalateToChannel, NotifyID: s.flaky.ID},
			{Level: 2, DelayMinutes: 10, NotifyType: store.EscalateToTeam, NotifyID: s.team.ID}}}
		w.must(w.db.CreateEscalationPolicy(s.org.ID, p, nil))
		if i == 1 {
			w.must(w.db.DeleteEscalationPolicy(s.org.ID, p.ID, true, nil))
		}
	}
	for _, path := range []string{"/ok", "/gone"} {
		wh := &store.Webhook{ID: store.NewID(), DisplayURL: w.url(path), Enabled: true, Events: []string{"alert.fired",
			"alert.resolved", "alert.acknowledged", "incident.created", "incident.updated", "incident.resolved",
			"member.removed", "maintenance.started", "maintenance.ended", "heartbeat.missed", "heartbeat.recovered"}}
		wh.SealedURL = w.sealRaw(s.org.ID, notify.WebhookSecretRecord(wh.ID, "url"), w.url(path))
		wh.SealedSecret = w.sealRaw(s.org.ID, notify.WebhookSecretRecord(wh.ID, "secret"), "whsec")
		w.must(w.db.CreateWebhook(s.org.ID, wh, audit("webhook.created", "webhook", wh.ID)))
	}
}

// services creates the services (credentials sealed), rules, a status page with
// subscribers, heartbeats and a maintenance window.
func (w *workload) services(s *setup) {
	w.t.Helper()
	service := func(orgID, name, typ string) *store.Service {
		svc := &store.Service{ID: store.NewID(), Name: name, CheckType: typ, Endpoint: "https://" + name + ".example",
			CheckIntervalSeconds: 60, TimeoutSeconds: 10}
		creds := map[string]string{"username": "u", "password": "p"}
		svc.Auth = &store.SealedAuth{Type: "basic", Sealed: w.seal(orgID, "service:"+svc.ID+":auth", creds)}
		svc.SealedHeaders = map[string][]byte{"X-Token": w.sealRaw(orgID, "service:"+svc.ID+":header:X-Token", "t0k3n")}
		w.must(w.db.CreateService(orgID, svc, audit("service.created", "service", svc.ID)))
		return svc
	}
	s.api, s.db, s.batch = service(s.org.ID, "api", "http"), service(s.org.ID, "db", "tcp"), service(s.org.ID, "batch", "http")
	_, err := w.db.UpdateService(s.org.ID, s.db.ID, func(svc *store.Service) error { svc.Tags = []string{"core"}; return nil }, nil)
	w.must(err)
	service(s.sandbox.ID, "sandbox", "http")

	s.page = &store.StatusPage{Name: "Status", Slug: "status", IsPublic: true, SubscriptionsEnabled: true,
		Components: []store.Component{{ID: "c-api", Name: "API", ServiceID: s.api.ID}, {ID: "c-db", Name: "DB", ServiceID: s.db.ID}}}
	w.must(w.db.CreateStatusPage(s.org.ID, s.page, audit("status_page.created", "status_page", "")))
	_, err = w.db.UpdateStatusPage(s.org.ID, s.page.ID, func(p *store.StatusPage) error { p.HistoryDays = 30; return nil }, nil)
	w.must(err)
	subscriber := func(tag string, hook bool) *store.Subscriber {
		sub := &store.Subscriber{ID: store.NewID(), PageID: s.page.ID, Type: store.SubscriberEmail, Email: tag + "@example.com",
			Status: store.SubscriberPending, ConfirmDigest: crypto.Digest("confirm-" + tag), UnsubscribeDigest: crypto.Digest("unsub-" + tag)}
		if hook {
			sub.Type, sub.Email, sub.DisplayURL, sub.URLDigest = store.SubscriberWebhook, "", w.url("/ok"), crypto.Digest(w.url("/ok"))
			sub.SealedURL = w.sealRaw(s.org.ID, notify.SubscriberSecretRecord(sub.ID, "url"), w.url("/ok"))
		}
		sub.SealedUnsubscribe = w.sealRaw(s.org.ID, notify.SubscriberSecretRecord(sub.ID, "unsubscribe"), "unsub-"+tag)
		_, err := w.db.AddSubscriber(s.org.ID, sub, -1, nil)
		w.must(err)
		return sub
	}
	subscriber("ann", false)
	subscriber("hook", true)
	subscriber("bob", false)
	gone := subscriber("cy", false)
	for _, tag := range []string{"ann", "hook", "bob"} {
		_, err := w.db.ConfirmSubscriber(crypto.Digest("confirm-"+tag), nil)
		w.must(err)
	}
	_, err = w.db.Unsubscribe(crypto.Digest("unsub-bob"), nil)
	w.must(err)
	w.must(w.db.DeleteSubscriber(s.org.ID, s.page.ID, gone.ID, nil))

	red := store.AlertCondition{Statuses: []string{store.StatusRed}, ConsecutiveFailures: 2, ConsecutiveSuccesses: 1}
	policies, err := w.db.EscalationPolicies(s.org.ID)
	w.must(err)
	s.apiRule = &store.AlertRule{Name: "api down", ServiceID: s.api.ID, Severity: "critical", Enabled: true, Condition: red,
		ChannelIDs: []string{s.ok.ID, s.gone.ID}, EscalationPolicyID: policies[0].ID, NotifyOnRecovery: true,
		ReminderIntervalMinutes:  30,
		CreateStatusPageIncident: &store.IncidentTemplate{StatusPageID: s.page.ID, ComponentID: "c-api", Severity: "major"}}
	s.orgRule = &store.AlertRule{Name: "anything down", Severity: "warning", Enabled: true, Condition: red,
		ChannelIDs: []string{s.flaky.ID}}
	for _, r := range []*store.AlertRule{s.apiRule, s.orgRule} {
		w.must(w.db.CreateAlertRule(s.org.ID, r, audit("alert_rule.created", "alert_rule", "")))
	}
	_, err = w.db.UpdateAlertRule(s.org.ID, s.orgRule.ID, func(r *store.AlertRule) error { r.NotifyOnRecovery = true; return nil }, nil)
	w.must(err)

	for i, name := range []string{"nightly", "paused"} {
		hb := &store.Heartbeat{Name: name, Schedule: "every 5m", Timezone: "UTC", GracePeriodSeconds: 60,
			KeyDigest: crypto.Digest("hb-" + name)}
		w.must(w.db.CreateHeartbeat(s.org.ID, hb, audit("heartbeat.created", "heartbeat", "")))
		if i == 0 {
			s.hb = hb
		} else {
			s.hbPaused = hb
		}
	}
	s.hbRule = &store.AlertRule{Name: "nightly missed", HeartbeatID: s.hb.ID, Severity: "critical", Enabled: true,
		Condition: store.AlertCondition{Statuses: []string{"DOWN"}}, ChannelIDs: []string{s.ok.ID}, NotifyOnRecovery: true}
	w.must(w.db.CreateAlertRule(s.org.ID, s.hbRule, nil))
	_, err = w.db.UpdateHeartbeat(s.org.ID, s.hbPaused.ID, func(hb *store.Heartbeat) error {
		hb.Status = store.HeartbeatPaused
		return nil
	}, nil)
	w.must(err)

	for _, name := range []string{"db upgrade", "cancelled"} {
		mw := &store.MaintenanceWindow{Name: name, ServiceIDs: []string{s.db.ID}, StartsAt: w.now.Add(2 * time.Hour),
			EndsAt: w.now.Add(3 * time.Hour), Timezone: "UTC", SuppressAlerts: true, ShowOnStatusPages: true}
		w.must(w.db.CreateMaintenanceWindow(s.org.ID, mw, audit("maintenance.created", "maintenance", "")))
		if name == "cancelled" {
			w.must(w.db.DeleteMaintenanceWindow(s.org.ID, mw.ID, nil))
		}
	}
}
