// Boot: restore the theme, load the profile when a token exists, and render the
// page of the current path inside the layout (or alone for the public pages).
import { html, render, useState, useEffect } from './html.js';
import { api, session, onUnauthorized, onOrgNotFound } from './api.js';
import { ROUTES } from './routes.js';
import { resolve, useLocation, navigate, installLinkInterception } from './router.js';
import { Layout, NotFound } from './layout.js';
import { applyStoredTheme } from './theme.js';
import { loadCatalogue, detectLanguage, t } from './i18n.js';
import { ErrorBanner, Loading, toast } from './ui.js';

applyStoredTheme();
installLinkInterception();

// usePage imports the route's module and returns its view component.
function usePage(route) {
  const [page, setPage] = useState({ route: null, View: null, error: null });
  useEffect(() => {
    if (!route) return;
    let live = true;
    route.load().then((m) => live && setPage({ route, View: m[route.view], error: null }),
      (error) => live && setPage({ route, View: null, error }));
    return () => { live = false; };
  }, [route]);
  return page.route === route ? page : { route, View: null, error: null };
}

// pickOrg keeps the stored organization when the user still belongs to it.
function pickOrg(profile) {
  const orgs = profile.organizations || [];
  const stored = session.org();
  if (!orgs.some((o) => o.slug === stored)) session.setOrg(orgs[0]?.slug || null);
}

function App() {
  const loc = useLocation();
  const [profile, setProfile] = useState(null);
  const [profileError, setProfileError] = useState(null);
  const [orgVersion, setOrgVersion] = useState(0); // bumps on an org switch to remount pages
  const found = resolve(ROUTES, loc.pathname);
  const route = found?.route;
  const page = usePage(route);

  async function loadProfile() {
    if (!session.token()) { setProfile(null); return null; }
    try {
      const p = await api.get('/profile');
      pickOrg(p);
      setProfile(p);
      setProfileError(null);
      return p;
    } catch (e) {
      if (e.status === 401) { session.clear(); setProfile(null); } else setProfileError(e);
      return null;
    }
  }

  useEffect(() => { loadProfile(); }, []);
  // A 401 ends the session: the token expired, was signed out everywhere, or its
  // organization is no longer the user's. Sign in again (reason=session explains
  // why on the login page); login issues a token for an organization the user
  // still belongs to, so this cannot loop.
  useEffect(() => onUnauthorized(() => {
    session.clear();
    setProfile(null);
    const here = location.pathname + location.search;
    if (location.pathname === '/login') return;
    navigate('/login?reason=session&next=' + encodeURIComponent(here), { replace: true });
  }), []);
  // A 404 for the selected organization: if the user no longer belongs to it,
  // pickOrg (in loadProfile) selects the first one left and the pages remount.
  // Only a real change of selection remounts, so an ordinary 404 costs one
  // profile read and nothing else.
  useEffect(() => {
    let checking = false;
    return onOrgNotFound(async (slug) => {
      if (checking || session.org() !== slug) return;
      checking = true;
      try {
        const p = await loadProfile();
        if (p && session.org() !== slug) {
          const now = p.organizations.find((o) => o.slug === session.org());
          toast(now ? t('main.removed_switched', { org: slug, now: now.name }) : t('main.removed', { org: slug }));
          setOrgVersion((v) => v + 1);
        }
      } finally {
        checking = false;
      }
    });
  }, []);

  const signedIn = !!session.token();
  useEffect(() => {
    if (route && !route.public && !signedIn) {
      navigate('/login?next=' + encodeURIComponent(loc.pathname + location.search), { replace: true });
    }
  }, [route, signedIn, loc.pathname]);

  const ctx = {
    profile,
    org: profile?.organizations?.find((o) => o.slug === session.org()) || null,
    params: found?.params || {},
    query: loc.query,
    // onSignedIn is called by login/sign-up with the new token and organization.
    async onSignedIn(token, orgSlug, next) {
      session.setToken(token);
      if (orgSlug) session.setOrg(orgSlug);
      await loadProfile();
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    },
    reloadProfile: loadProfile,
  };

  const content = page.error
    ? html`<${ErrorBanner} error=${new Error(t('main.page_load_failed', { message: page.error.message }))} />`
    : page.View ? html`<${page.View} key=${loc.pathname + ':' + orgVersion} ...${ctx} />` : html`<${Loading} />`;

  if (!route) {
    return profile ? html`<${Layout} profile=${profile} pathname=${loc.pathname} onSwitchOrg=${switchOrg} onLogout=${logout}><${NotFound} /><//>` : html`<div class="auth"><${NotFound} /></div>`;
  }
  if (route.public) return html`<div class="auth">${content}</div>`;
  if (!signedIn) return html`<${Loading} label=${t('main.redirecting')} />`;
  if (!profile) {
    return html`<div class="auth">${profileError ? html`<${ErrorBanner} error=${profileError} />` : html`<${Loading} label=${t('main.loading_account')} />
`}</div>`;
  }
  return html`<${Layout} profile=${profile} pathname=${loc.pathname} onSwitchOrg=${switchOrg} onLogout=${logout}>${content}<//>`;

  function switchOrg(slug) {
    session.setOrg(slug);
    setOrgVersion((v) => v + 1);
  }
  function logout() {
    session.clear();
    setProfile(null);
    navigate('/login', { replace: true });
  }
}

// The catalogue is loaded before the first render so that t() is synchronous everywhere.
await loadCatalogue(detectLanguage()).catch((e) => console.error('i18n:', e)); // keys show rather than nothing
render(html`<${App} />`, document.getElementById('app'));
