// THE list of routes: path pattern → page module and the exported view in it.
// Pages load on first use (dynamic import), so the first paint fetches only the
// shell. Each UI engineer adds lines here; order matters only where a literal
// segment ("/services/new") must win over a parameter ("/services/:id").
// public: true = shown without a session (no layout).
import { t } from './i18n.js';

const auth = () => import('./pages/auth.js');
const services = () => import('./pages/services.js');
const alerts = () => import('./pages/alerts.js');
const rules = () => import('./pages/rules.js');
const channels = () => import('./pages/channels.js');
const statusPages = () => import('./pages/status-pages.js');
const heartbeats = () => import('./pages/heartbeats.js');
const teams = () => import('./pages/teams.js');

export const ROUTES = [
  { path: '/login', load: auth, view: 'Login', public: true },
  { path: '/signup', load: auth, view: 'SignUp', public: true },
  { path: '/invitations/accept', load: auth, view: 'AcceptInvitation', public: true },
  { path: '/invite', load: auth, view: 'AcceptInvitation', public: true }, // the link invitation e-mails carry

  { path: '/', load: () => import('./pages/dashboard.js'), view: 'Dashboard' },
  { path: '/profile', load: () => import('./pages/profile.js'), view: 'Profile' },

  { path: '/services/new', load: services, view: 'ServiceNew' },
  { path: '/services/:id/edit', load: services, view: 'ServiceEdit' },
  { path: '/services/:id', load: services, view: 'ServiceDetail' },

  { path: '/alerts', load: alerts, view: 'Alerts' },
  { path: '/alerts/:id', load: alerts, view: 'AlertDetail' },
  { path: '/rules', load: rules, view: 'Rules' },
  { path: '/rules/new', load: rules, view: 'RuleNew' },
  { path: '/rules/:id/edit', load: rules, view: 'RuleEdit' },
  { path: '/channels', load: channels, view: 'Channels' },
  { path: '/channels/new', load: channels, view: 'ChannelNew' },
  { path: '/channels/:id/edit', load: channels, view: 'ChannelEdit' },
  { path: '/channels/:id', load: channels, view: 'ChannelDetail' },

  { path: '/status-pages', load: statusPages, view: 'StatusPages' },
  { path: '/status-pages/new', load: statusPages, view: 'StatusPageNew' },
  { path: '/status-pages/:id/edit', load: statusPages, view: 'StatusPageEdit' },
  { path: '/status-pages/:id/email-template', load: () => import('./pages/status-email-template.js'), view: 'StatusPageEmailTemplate' },
  { path: '/status-pages/:id', load: statusPages, view: 'StatusPageDetail' },

  { path: '/heartbeats', load: heartbeats, view: 'Heartbeats' },
  { path: '/heartbeats/new', load: heartbeats, view: 'HeartbeatNew' },
  { path: '/heartbeats/:id/edit', load: heartbeats, view: 'HeartbeatEdit' },
  { path: '/heartbeats/:id', load: heartbeats, view: 'HeartbeatDetail' },

  { path: '/escalation-policies', load: () => import('./pages/escalation.js'), view: 'EscalationPolicies' },
  { path: '/schedules', load: () => import('./pages/schedules.js'), view: 'Schedules' }, { path: '/schedules/:id', load: () => import('./pages/schedules.js'), view: 'ScheduleDetail' },
  { path: '/maintenance', load: () => import('./pages/maintenance.js'), view: 'Maintenance' },
  { path: '/webhooks', load: () => import('./pages/webhooks.js'), view: 'Webhooks' },

  { path: '/reports/sla', load: () => import('./pages/reports.js'), view: 'SlaReports' },
  { path: '/reports/scheduled', load: () => import('./pages/scheduled-reports.js'), view: 'ScheduledReports' },
  { path: '/ssl-certificates', load: () => import('./pages/reports.js'), view: 'SslCertificates' },
  { path: '/configuration', load: () => import('./pages/config.js'), view: 'Configuration' },

  { path: '/members', load: () => import('./pages/members.js'), view: 'Members' },
  { path: '/teams', load: teams, view: 'Teams' },
  { path: '/teams/:id', load: teams, view: 'TeamDetail' },
  { path: '/api-keys', load: () => import('./pages/api-keys.js'), view: 'ApiKeys' },
  { path: '/audit-log', load: () => import('./pages/audit.js'), view: 'AuditLog' },
  { path: '/locations', load: () => import('./pages/locations.js'), view: 'Locations' },
  { path: '/settings', load: () => import('./pages/organization.js'), view: 'OrganizationSettings' },
  { path: '/settings/scim', load: () => import('./pages/scim-tokens.js'), view: 'ScimTokens' },
  { path: '/settings/security', load: () => import('./pages/security.js'), view: 'Security' },
  { path: '/settings/secrets', load: () => import('./pages/secrets.js'), view: 'Secrets' },
  { path: '/admin', load: () => import('./pages/admin.js'), view: 'Admin' },
];

// nav is the sidebar: every area, grouped, labelled in the reader's language (a function:
// the catalogue loads after this module). adminOnly groups need the instance admin; an
// item's minRole hides it below that role in the selected organization.
export function nav() {
  return [
    { items: [{ href: '/', label: t('nav.dashboard') }, { href: '/alerts', label: t('nav.alerts') }, { href: '/heartbeats', label: t('nav.heartbeats') }] },
    { group: t('nav.group.reports'), items: [{ href: '/reports/sla', label: t('nav.sla_reports') }, { href: '/ssl-certificates', label: t('nav.ssl_certificates') }] },
    { group: t('nav.group.alerting'), items: [{ href: '/rules', label: t('nav.rules') }, { href: '/channels', label: t('nav.channels') },
      { href: '/escalation-policies', label: t('nav.escalation') }, { href: '/schedules', label: t('nav.schedules') }, { href: '/maintenance', label: t('nav.maintenance') }] },
    { group: t('nav.group.publish'), items: [{ href: '/status-pages', label: t('nav.status_pages') }, { href: '/webhooks', label: t('nav.webhooks') }] },
    { group: t('nav.group.organization'), items: [{ href: '/members', label: t('nav.members') }, { href: '/teams', label: t('nav.teams') },
      { href: '/api-keys', label: t('nav.api_keys') }, { href: '/audit-log', label: t('nav.audit_log'), minRole: 'admin' }, { href: '/configuration', label: t('nav.configuration'), minRole: 'member' },
      { href: '/locations', label: t('nav.locations') }, { href: '/settings', label: t('nav.settings') }] },
    { group: t('nav.group.instance'), adminOnly: true, items: [{ href: '/admin', label: t('nav.admin') }] },
  ];
}
