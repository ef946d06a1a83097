// THE list of routes: path pattern → page module and the exported view in it.
// Pages load on first use (dynamic import), so the first paint fetches only the
// shell. Each UI engineer adds lines here; order matters only where a literal
// segment ("/services/new") must win over a parameter ("/services/:id").
// public: true = shown without a session (no layout).

export const ROUTES = [
  { path: '/login', load: () => import('./pages/auth.js'), view: 'Login', public: true },
  { path: '/signup', load: () => import('./pages/auth.js'), view: 'SignUp', public: true },
  { path: '/invitations/accept', load: () => import('./pages/auth.js'), view: 'AcceptInvitation', public: true },

  { path: '/', load: () => import('./pages/dashboard.js'), view: 'Dashboard' },
  { path: '/profile', load: () => import('./pages/profile.js'), view: 'Profile' },
];

// NAV is the sidebar: every area, grouped. adminOnly groups need the instance admin.
export const NAV = [
  { items: [{ href: '/', label: 'Dashboard' }] },
];
