package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/notify"
)

// NewRouter builds the Gin engine with every route of the API. This is the
// one place routes are listed; each line names the permission it needs
// (SPEC §2.1), so the matrix can be read off this file.
func NewRouter(d Deps) (*gin.Engine, error) {
	b := newBase(d)
	r := gin.New()
	// X-Forwarded-For is believed only from TRUSTED_PROXIES (none by default).
	if err := r.SetTrustedProxies(d.Config.TrustedProxies); err != nil {
		return nil, err
	}
	// Compression sits outside recovery, so a panic's error answer is encoded like any other.
	r.Use(requestID(b.logger), accessLog(), compressResponses(), recovery(), bodyLimit(maxBodyBytes))
	if d.Cluster != nil {
		r.Use(clusterHeaders(d.Cluster, d.Store, trustedProxyPrefixes(d.Config)))
	}
	// The admin UI: /, /assets/<hash>/…, and the fallback of unknown non-API paths (ui.go).
	if err := registerUI(r); err != nil {
		return nil, err
	}

	// Passkeys need BASE_URL to name the server by a domain: a WebAuthn relying party ID
	// is never an IP address. Without one everything else works and the passkey
	// endpoints say why they cannot (mfaHandlers.relyingParty).
	rp, err := identity.NewRelyingParty(d.Config.BaseURL, "AlertifyPro")
	if err != nil {
		b.logger.Warn("passkeys are unavailable", "base_url", d.Config.BaseURL, "reason", err.Error())
	}
	mfa := &mfaHandlers{base: b, rp: rp, limits: newRateLimiter(b.now)}
	var (
		authH    = &authHandlers{base: b, guard: newLoginGuard(b.now), mfa: mfa}
		sso      = &ssoHandlers{base: b, mfa: mfa, discovery: identity.NewOIDCDiscovery(b.now)}
		profile  = &profileHandlers{base: b}
		emailLnk = &emailConfirmHandlers{base: b}
		orgs     = &organizationHandlers{base: b}
		members  = &memberHandlers{base: b}
		teams    = &teamHandlers{base: b}
		keys     = &apiKeyHandlers{base: b}
		auditLog = &auditHandlers{base: b}
		admin    = &adminHandlers{base: b}
		services = &serviceHandlers{base: b}
		results  = &serviceResultHandlers{base: b}
		overview = &overviewHandlers{base: b}
		certs    = &sslCertificateHandlers{base: b}
		reports  = &reportHandlers{base: b}
		storage  = &adminStorageHandlers{base: b}
		prom     = &prometheusHandlers{base: b}
		maint    = &maintenanceHandlers{base: b}
		escal    = &escalationPolicyHandlers{base: b}
		sched    = &scheduledReportHandlers{base: b}
		oncallH  = &onCallScheduleHandlers{base: b}
		contacts = &contactMethodHandlers{base: b}
		calendar = &calendarHandlers{base: b}
		rules    = &alertRuleHandlers{base: b}
		alerts   = &alertHandlers{base: b, alerter: d.Alerter}
		ackLink  = newAckLinkHandlers(b, d.Alerter)
		channels = &channelHandlers{base: b, notify: d.Notify}
		hooks    = &webhookHandlers{base: b, notify: d.Notify}
		vaultH   = &secretHandlers{base: b}
		limits   = newRateLimiter(b.now)
		beats    = &heartbeatHandlers{base: b}
		beatBars = &beatHandlers{base: b}
		pinger   = newHeartbeatPinger(b, d.Pings)
		locs     = &locationHandlers{base: b, alerter: d.Alerter}
		channel  = newAgentChannelHandlers(b)
		clusterH = &clusterHandlers{base: b, cluster: d.Cluster}
		streams  = newAuditStreamHandlers(b, d)
	)
	public, err := newPublicStatusHandlers(b) // public status pages, feeds, badges + their cache
	if err != nil {
		return nil, err
	}
	pages := &statusPageHandlers{base: b, cache: public.cache}
	// Confirmation e-mails are rendered like every subscriber message (notify).
	notices := &notify.SubscriberNotices{BaseURL: d.Config.BaseURL, Opener: d.Sealer, Logger: b.logger}
	subs := &subscribers{base: b, notices: notices}
	subscribersH, publicSubs := &subscriberHandlers{subs}, &publicSubscriberHandlers{subscribers: subs, limits: newRateLimiter(b.now)}
	incidents := &incidentHandlers{base: b, cache: public.cache}
	mailTemplates := &emailTemplateHandlers{base: b, notices: notices, cache: public.cache}
	confCode := &configHandlers{base: b, cache: public.cache} // export/import; import writes status pages

	// Prometheus scrape endpoint (SPEC §3.20): outside /api/v1, its own bearer token
	// (METRICS_TOKEN), 404 while that is unset.
	r.GET("/metrics", h(prom.serve))

	v1 := r.Group("/api/v1", apiHeaders())
	v1.GET("/health", health)
	// The acknowledge link of notifications: the signed token is the authority; GET shows
	// a page, POST acknowledges (SPEC §12).
	v1.GET("/alerts/:id/ack", h(ackLink.page))
	v1.POST("/alerts/:id/ack", h(ackLink.ack))
	v1.GET("/ready", b.ready)
	v1.POST("/auth/register", h(authH.register))
	v1.GET("/auth/setup", h(authH.setup))
	v1.POST("/auth/login", h(authH.login))
	// The second step of a sign-in and password-less passkey sign-in (SPEC §10): the
	// mfa_token or ceremony_token in the body is the credential.
	v1.POST("/auth/mfa", h(mfa.completeMFA))
	v1.POST("/auth/mfa/passkey", h(mfa.beginMFAPasskey))
	v1.POST("/auth/passkey/begin", h(mfa.beginPasskeyLogin))
	v1.POST("/auth/passkey/finish", h(mfa.finishPasskeyLogin))
	v1.POST("/auth/invitation", h(authH.previewInvitation))
	// Single sign-on (SPEC §10): the flows are public, their single-use state is the
	// credential; SAML's service-provider URLs sit outside /api/v1, as providers expect.
	v1.POST("/auth/sso/discover", h(sso.discover))
	v1.POST("/auth/sso/exchange", h(sso.exchange))
	v1.GET("/sso/:slug/oidc/login", h(sso.oidcLogin))
	v1.GET("/sso/:slug/oidc/callback", h(sso.oidcCallback))
	v1.GET("/sso/:slug/saml/login", h(sso.samlLogin))
	r.GET("/saml/metadata", h(sso.samlMetadata))
	r.GET("/saml/:slug/metadata", h(sso.samlMetadata))
	r.POST("/saml/:slug/acs", h(sso.samlACS))
	// The e-mail change link: the mailed token is the proof; GET shows a page, POST confirms.
	v1.GET("/profile/email/confirm", h(emailLnk.page))
	v1.POST("/profile/email/confirm", h(emailLnk.confirm))
	// Heartbeat pings: the unguessable key is the credential, limited per key (SPEC §2.6).
	v1.GET("/heartbeat/:key", h(pinger.ping))
	v1.POST("/heartbeat/:key", h(pinger.ping))
	v1.GET("/heartbeat/:key/start", h(pinger.start))
	v1.POST("/heartbeat/:key/start", h(pinger.start))
	v1.GET("/heartbeat/:key/fail", h(pinger.fail))
	v1.POST("/heartbeat/:key/fail", h(pinger.fail))
	// The agent channel (SPEC §8): its own authentication, an agent token and nothing else;
	// an agent token is refused everywhere else (authenticate knows no such token).
	v1.GET("/agent/connect", h(channel.connect))
	// The personal on-call calendar (SPEC §11): the revocable token in the URL is the
	// credential, since calendar apps send no other.
	v1.GET("/on-call/calendar/:file", h(calendar.feed))

	// Public status pages (SPEC §3.16): no token needed; a private page is shown only
	// to a bearer token of its organization's members, everyone else gets 404.
	r.GET("/status/:slug", h(public.html))
	r.GET("/status/:slug/feed.rss", h(public.rss))
	r.GET("/status/:slug/feed.atom", h(public.atom))
	v1.GET("/public/status-pages/:slug", h(public.json))
	v1.GET("/badge/:slug/:component_id/status.svg", h(public.statusBadge))
	// Subscribing is public (limited per IP); the links of subscriber e-mails carry the
	// token that is the credential.
	v1.POST("/public/status-pages/:slug/subscribe", h(publicSubs.subscribe))
	v1.GET("/public/subscriptions/confirm", h(publicSubs.confirm))
	v1.GET("/public/subscriptions/unsubscribe", h(publicSubs.unsubscribe))
	v1.POST("/public/subscriptions/unsubscribe", h(publicSubs.unsubscribe))
	// SMS subscribers confirm with a texted code; Twilio posts their replies (STOP).
	v1.POST("/public/status-pages/:slug/subscribe/sms", h(publicSubs.subscribeSMS))
	v1.POST("/public/status-pages/:slug/subscribe/sms/confirm", h(publicSubs.confirmSMS))
	v1.POST("/public/status-pages/:slug/unsubscribe/sms", h(publicSubs.unsubscribeSMS))
	v1.POST("/public/status-pages/:slug/unsubscribe/sms/confirm", h(publicSubs.confirmUnsubscribeSMS))
	v1.POST("/public/sms/twilio/:org/:channel", h(publicSubs.smsInbound))
	v1.GET("/badge/:slug/:component_id/uptime.svg", h(public.uptimeBadge))

	// Everything below needs a valid token and counts against its rate limit; JSON reads
	// carry an ETag, and a poll that sends it back gets 304 when nothing changed (etag.go).
	in := v1.Group("", b.authenticate(), limits.perCaller(), conditionalGET())
	in.POST("/auth/logout-all", h(authH.logoutAll))
	in.POST("/invitations/accept", h(members.acceptInvitation))

	in.GET("/profile", h(profile.get))
	in.PUT("/profile", h(profile.update))
	in.PUT("/profile/password", h(profile.changePassword))
	// Second factors of the caller's own account (SPEC §10); a session limited to
	// enrolment reaches only these and GET /profile.
	in.GET("/profile/mfa", h(mfa.status))
	in.POST("/profile/mfa/totp", h(mfa.startTOTP))
	in.POST("/profile/mfa/totp/verify", h(mfa.verifyTOTP))
	in.DELETE("/profile/mfa/totp", h(mfa.disableTOTP))
	in.GET("/profile/passkeys", h(mfa.listPasskeys))
	in.POST("/profile/passkeys/begin", h(mfa.beginPasskey))
	in.POST("/profile/passkeys", h(mfa.addPasskey))
	in.DELETE("/profile/passkeys/:id", h(mfa.removePasskey))

	in.GET("/organization", require(permRead), h(orgs.get))
	in.PUT("/organization", require(permAdmin), h(orgs.update))
	in.GET("/organization/sso", require(permAdmin), h(sso.getSettings))
	in.PUT("/organization/sso", require(permAdmin), h(sso.updateSettings))
	in.GET("/organization/sso/oidc", require(permAdmin), h(sso.getOIDC))
	in.PUT("/organization/sso/oidc", require(permAdmin), h(sso.putOIDC))
	in.GET("/organization/sso/saml", require(permAdmin), h(sso.getSAML))
	in.PUT("/organization/sso/saml", require(permAdmin), h(sso.putSAML))
	in.POST("/organization/sso/test", require(permAdmin), h(sso.startTest))
	in.POST("/organization/sso/test/result", require(permAdmin), h(sso.testResult))
	in.DELETE("/organization", require(permOwner), h(orgs.delete))

	in.GET("/members", require(permRead), h(members.list))
	in.POST("/members", require(permAdmin), h(members.add))
	in.GET("/members/invitations", require(permAdmin), h(members.listInvitations))
	in.DELETE("/members/invitations/:id", require(permAdmin), h(members.revokeInvitation))
	in.PUT("/members/:userID", require(permAdmin), h(members.setRole))
	in.DELETE("/members/:userID", require(permAdmin), h(members.remove))

	in.GET("/teams", require(permRead), h(teams.list))
	in.POST("/teams", require(permAdmin), h(teams.create))
	in.GET("/teams/:id", require(permRead), h(teams.get))
	in.PUT("/teams/:id", require(permAdmin), h(teams.update))
	in.DELETE("/teams/:id", require(permAdmin), h(teams.delete))
	in.GET("/teams/:id/members", require(permRead), h(teams.listMembers))
	in.POST("/teams/:id/members", require(permAdmin), h(teams.addMember))
	in.DELETE("/teams/:id/members/:userID", require(permAdmin), h(teams.removeMember))

	// Members manage their own keys; admins see and revoke every key.
	in.GET("/api-keys", require(permOwnKeys), h(keys.list))
	in.POST("/api-keys", require(permOwnKeys), h(keys.create))
	in.DELETE("/api-keys/:id", require(permOwnKeys), h(keys.revoke))

	in.GET("/audit-logs", require(permAdmin), h(auditLog.list))
	// Audit-log retention and streaming (README "Audit-log retention and streaming").
	in.GET("/audit-logs/retention", require(permAdmin), h(streams.retention))
	in.GET("/audit-streams", require(permAdmin), h(streams.list))
	in.POST("/audit-streams", require(permAdmin), h(streams.create))
	in.GET("/audit-streams/:id", require(permAdmin), h(streams.get))
	in.PUT("/audit-streams/:id", require(permAdmin), h(streams.update))
	in.DELETE("/audit-streams/:id", require(permAdmin), h(streams.delete))
	in.POST("/audit-streams/:id/test", require(permAdmin), h(streams.test))
	registerSCIM(r, in, b) // SCIM tokens (admin) and /scim/v2/{org_slug}/ (SCIM token), scim_routes.go

	in.GET("/services", require(permRead), h(services.list))
	in.POST("/services", require(permWrite), h(services.create))
	in.GET("/services/:id", require(permRead), h(services.get))
	in.PUT("/services/:id", require(permWrite), h(services.replace))
	in.PATCH("/services/:id", require(permWrite), h(services.patch))
	in.DELETE("/services/:id", require(permWrite), h(services.delete))
	in.POST("/services/:id/pause", require(permWrite), h(services.pause))
	in.POST("/services/:id/resume", require(permWrite), h(services.resume))
	in.POST("/services/:id/check", require(permWrite), h(results.check))
	in.GET("/services/:id/checks", require(permRead), h(results.checks))
	in.GET("/services/:id/metrics", require(permRead), h(results.metrics))
	in.GET("/services/:id/uptime", require(permRead), h(results.uptime))
	in.GET("/services/:id/ssl", require(permRead), h(results.ssl))
	in.GET("/beats", require(permRead), h(beatBars.list))
	in.GET("/metrics", require(permRead), h(overview.overview))
	in.GET("/ssl-certificates", require(permRead), h(certs.list))
	in.GET("/reports/sla", require(permRead), h(reports.sla))
	in.GET("/scheduled-reports", require(permRead), h(sched.list))
	in.POST("/scheduled-reports", require(permWrite), h(sched.create))
	in.GET("/scheduled-reports/:id", require(permRead), h(sched.get))
	in.PUT("/scheduled-reports/:id", require(permWrite), h(sched.update))
	in.DELETE("/scheduled-reports/:id", require(permWrite), h(sched.delete))
	in.GET("/export", require(permRead), h(confCode.export))
	in.POST("/import", require(permWrite), h(confCode.importConfig))

	in.GET("/maintenance-windows", require(permRead), h(maint.list))
	in.POST("/maintenance-windows", require(permWrite), h(maint.create))
	in.GET("/maintenance-windows/:id", require(permRead), h(maint.get))
	in.PUT("/maintenance-windows/:id", require(permWrite), h(maint.update))
	in.DELETE("/maintenance-windows/:id", require(permWrite), h(maint.delete))
	in.POST("/maintenance-windows/:id/end", require(permWrite), h(maint.end))

	in.GET("/escalation-policies", require(permRead), h(escal.list))
	in.POST("/escalation-policies", require(permWrite), h(escal.create))
	in.GET("/escalation-policies/:id", require(permRead), h(escal.get))
	in.PUT("/escalation-policies/:id", require(permWrite), h(escal.update))
	in.DELETE("/escalation-policies/:id", require(permWrite), h(escal.delete))

	// On-call schedules (SPEC §11) and each member's own paging settings.
	in.GET("/on-call-schedules", require(permRead), h(oncallH.list))
	in.POST("/on-call-schedules", require(permWrite), h(oncallH.create))
	in.GET("/on-call-schedules/:id", require(permRead), h(oncallH.get))
	in.PUT("/on-call-schedules/:id", require(permWrite), h(oncallH.update))
	in.DELETE("/on-call-schedules/:id", require(permWrite), h(oncallH.delete))
	in.GET("/on-call-schedules/:id/on-call", require(permRead), h(oncallH.onCall))
	in.GET("/on-call-schedules/:id/shifts", require(permRead), h(oncallH.shifts))
	in.POST("/on-call-schedules/:id/overrides", require(permWrite), h(oncallH.addOverride))
	in.DELETE("/on-call-schedules/:id/overrides/:override_id", require(permWrite), h(oncallH.deleteOverride))
	in.GET("/on-call", require(permRead), h(oncallH.whoIsOnCall))
	in.GET("/profile/contact-methods", require(permRead), h(contacts.list))
	in.POST("/profile/contact-methods", require(permRead), h(contacts.create))
	in.DELETE("/profile/contact-methods/:id", require(permRead), h(contacts.delete))
	in.GET("/profile/on-call-calendar", require(permRead), h(calendar.status))
	in.POST("/profile/on-call-calendar", require(permRead), h(calendar.rotate))
	in.DELETE("/profile/on-call-calendar", require(permRead), h(calendar.revoke))

	in.GET("/alert-rules", require(permRead), h(rules.list))
	in.POST("/alert-rules", require(permWrite), h(rules.create))
	in.GET("/alert-rules/:id", require(permRead), h(rules.get))
	in.PUT("/alert-rules/:id", require(permWrite), h(rules.update))
	in.DELETE("/alert-rules/:id", require(permWrite), h(rules.delete))

	in.GET("/alerts", require(permRead), h(alerts.list))
	in.GET("/alerts/:id", require(permRead), h(alerts.get))
	in.GET("/alerts/:id/deliveries", require(permRead), h(alerts.deliveries))
	in.POST("/alerts/:id/acknowledge", require(permRespond), h(alerts.acknowledge))
	in.POST("/alerts/:id/resolve", require(permRespond), h(alerts.resolve))
	in.POST("/alerts/:id/notes", require(permRespond), h(alerts.addNote))

	in.GET("/notification-channels", require(permRead), h(channels.list))
	in.POST("/notification-channels", require(permWrite), h(channels.create))
	in.GET("/notification-channels/:id", require(permRead), h(channels.get))
	in.PUT("/notification-channels/:id", require(permWrite), h(channels.update))
	in.DELETE("/notification-channels/:id", require(permWrite), h(channels.delete))
	in.POST("/notification-channels/:id/test", require(permWrite), h(channels.test))
	in.GET("/notification-channels/:id/deliveries", require(permRead), h(channels.deliveries))
	in.POST("/deliveries/:id/retry", require(permWrite), h(channels.retry))
	// The secrets vault: values write-only, member+ writes (SPEC §2.1 like channels).
	in.GET("/secrets", require(permRead), h(vaultH.list))
	in.POST("/secrets", require(permWrite), h(vaultH.create))
	in.GET("/secrets/:name", require(permRead), h(vaultH.get))
	in.PUT("/secrets/:name", require(permWrite), h(vaultH.update))
	in.PATCH("/secrets/:name", require(permWrite), h(vaultH.update))
	in.DELETE("/secrets/:name", require(permWrite), h(vaultH.delete))
	in.GET("/webhooks", require(permRead), h(hooks.list))
	in.POST("/webhooks", require(permWrite), h(hooks.create))
	in.GET("/webhooks/:id", require(permRead), h(hooks.get))
	in.PUT("/webhooks/:id", require(permWrite), h(hooks.update))
	in.DELETE("/webhooks/:id", require(permWrite), h(hooks.delete))
	in.POST("/webhooks/:id/test", require(permWrite), h(hooks.test))
	in.GET("/webhooks/:id/deliveries", require(permRead), h(hooks.deliveries))
	in.GET("/heartbeats", require(permRead), h(beats.list))
	in.POST("/heartbeats", require(permWrite), h(beats.create))
	in.GET("/heartbeats/:id", require(permRead), h(beats.get))
	in.PUT("/heartbeats/:id", require(permWrite), h(beats.update))
	in.DELETE("/heartbeats/:id", require(permWrite), h(beats.delete))
	in.POST("/heartbeats/:id/pause", require(permWrite), h(beats.pause))
	in.POST("/heartbeats/:id/resume", require(permWrite), h(beats.resume))
	in.GET("/heartbeats/:id/pings", require(permRead), h(beats.pings))
	in.GET("/status-pages", require(permRead), h(pages.list))
	in.POST("/status-pages", require(permWrite), h(pages.create))
	in.GET("/status-pages/:id", require(permRead), h(pages.get))
	in.PUT("/status-pages/:id", require(permWrite), h(pages.update))
	in.DELETE("/status-pages/:id", require(permWrite), h(pages.delete))
	in.GET("/status-pages/:id/incidents", require(permRead), h(incidents.list))
	in.POST("/status-pages/:id/incidents", require(permRespond), h(incidents.create))
	in.GET("/status-pages/:id/incidents/:iid", require(permRead), h(incidents.get))
	in.PUT("/status-pages/:id/incidents/:iid", require(permRespond), h(incidents.update))
	in.POST("/status-pages/:id/incidents/:iid/updates", require(permRespond), h(incidents.addUpdate))
	in.DELETE("/status-pages/:id/incidents/:iid", require(permWrite), h(incidents.delete))
	in.GET("/status-pages/:id/subscribers", require(permRead), h(subscribersH.list))
	in.POST("/status-pages/:id/subscribers", require(permWrite), h(subscribersH.create))
	in.DELETE("/status-pages/:id/subscribers/:sid", require(permWrite), h(subscribersH.delete))
	in.POST("/status-pages/:id/subscribers/import", require(permWrite), h(subscribersH.importCSV))
	in.GET("/status-pages/:id/email-template", require(permRead), h(mailTemplates.get))
	in.PUT("/status-pages/:id/email-template", require(permWrite), h(mailTemplates.put))
	in.DELETE("/status-pages/:id/email-template", require(permWrite), h(mailTemplates.reset))
	in.POST("/status-pages/:id/email-template/preview", require(permRead), h(mailTemplates.preview))
	// Probe locations (SPEC §8): every member sees what the organization may use; admins
	// and owners manage its own locations and their agent tokens.
	in.GET("/locations", require(permRead), h(locs.list))
	in.POST("/locations", require(permAdmin), h(locs.create))
	in.GET("/locations/:id", require(permRead), h(locs.get))
	in.PATCH("/locations/:id", require(permAdmin), h(locs.update))
	in.DELETE("/locations/:id", require(permAdmin), h(locs.delete))
	in.GET("/locations/:id/tokens", require(permAdmin), h(locs.listTokens))
	in.POST("/locations/:id/tokens", require(permAdmin), h(locs.createToken))
	in.DELETE("/locations/:id/tokens/:token_id", require(permAdmin), h(locs.revokeToken))

	// Instance-admin endpoints answer 404 to everyone else (SPEC §2.5).
	ia := in.Group("/admin", requireInstanceAdmin())
	ia.GET("/organizations", h(admin.listOrganizations))
	ia.PUT("/organizations/:id", h(admin.updateOrganization))
	ia.GET("/backup", h(storage.backup))
	ia.GET("/storage", h(storage.storage))
	ia.GET("/cluster", h(clusterH.status))
	ia.POST("/cluster/voters", h(clusterH.addVoter))
	ia.DELETE("/cluster/nodes/:id", h(clusterH.removeNode))
	ia.GET("/locations", h(locs.adminList))
	ia.POST("/locations", h(locs.adminCreate))
	ia.GET("/locations/:id", h(locs.adminGet))
	ia.PATCH("/locations/:id", h(locs.adminUpdate))
	ia.DELETE("/locations/:id", h(locs.adminDelete))
	ia.GET("/locations/:id/tokens", h(locs.adminListTokens))
	ia.POST("/locations/:id/tokens", h(locs.adminCreateToken))
	ia.DELETE("/locations/:id/tokens/:token_id", h(locs.adminRevokeToken))

	return r, nil
}

// requireInstanceAdmin hides the instance-admin routes from everyone but the
// instance admin, and from API keys, which act inside one organization only.
func requireInstanceAdmin() gin.HandlerFunc {
	return func(c *gin.Context) {
		a := actorOf(c)
		if a.apiKey != nil || !a.user.IsInstanceAdmin {
			writeError(c, errNotFound("Route"))
			return
		}
		c.Next()
	}
}
