// THE list of routes: path pattern → page module and the exported view in it.
// Pages load on first use (dynamic import), so the first paint fetches only the
// shell. Each UI engineer adds lines here; order matters only where a literal
// segment ("/services/new") must win over a parameter ("/services/:id").
// public: true = shown without a session (no layout).

const auth = () => import('./pages/auth.js');
const services = () => import('./pages/services.js');
const alerts = () => import('./pages/alerts.js');
const rules = () => import('./pages/rules.js');
const channels = () => import('./pages/channels.js');
const statusPages = () => import('./pages/status-pages.js');

export const ROUTES = [
  { path: '/login', load: auth, view: 'Login', public: true },
  { path: '/signup', load: auth, view: 'SignUp', public: true },
  { path: '/invitations/accept', load: auth, view: 'AcceptInvitation', public: true },

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
  { path: '/status-pages/:id', load: statusPages, view: 'StatusPageDetail' },
];

// NAV is the sidebar: every area, grouped. adminOnly groups need the instance admin.
export const NAV = [
  { items: [{ href: '/', label: 'Dashboard' }, { href: '/alerts', label: 'Alerts' }] },
  { group: 'Alerting', items: [{ href: '/rules', label: 'Alert rules' }, { href: '/channels', label: 'Notification channels' }] },
  { group: 'Publish', items: [{ href: '/status-pages', label: 'Status pages' }] },
];
