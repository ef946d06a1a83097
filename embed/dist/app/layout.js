// Layout: the sidebar with navigation to every area (Alerts with its open count, which
// also leads the tab title and badges the favicon), the organization switcher, the theme
// picker and logout, around the current page.
import { html, useState, useEffect } from './html.js';
import { navigate } from './router.js';
import { nav } from './routes.js';
import { t, LanguagePicker } from './i18n.js';
import { api, session } from './api.js';
import { Toasts } from './ui.js';
import { ThemeToggle } from './theme.js';
import { ROLE_RANK, roleInText } from './roles.js';
import { usePoll } from './poll.js';
import { setTitleCount } from './title.js';
import { drawFavicon } from './favicon.js';

// OPEN_ALERTS_PAGE is how many open alerts are counted; more show as "99+".
const OPEN_ALERTS_PAGE = 100;

// useOpenAlerts counts the selected organization's open alerts, every 15 s and at once
// when an alert is acknowledged or resolved in this tab ('alerts-changed').
function useOpenAlerts() {
  const [count, setCount] = useState(0);
  const org = session.org();
  const load = async () => {
    try { setCount((await api.get(`/alerts?status=open&limit=${OPEN_ALERTS_PAGE}`)).length); } catch { /* the next poll tries again */ }
  };
  usePoll(load, 15000, [org]);
  useEffect(() => {
    window.addEventListener('alerts-changed', load);
    return () => window.removeEventListener('alerts-changed', load);
  }, [org]);
  useEffect(() => { setTitleCount(count); drawFavicon(count); }, [count]);
  useEffect(() => () => { setTitleCount(0); drawFavicon(0); }, []);
  return count;
}

function NavCount({ count }) {
  if (!count) return null;
  const shown = count >= OPEN_ALERTS_PAGE ? '99+' : String(count);
  return html` <span class="nav-count" data-open-alerts=${count}><span aria-hidden="true">${shown}</span><span class="sr-only">${t('layout.open_count', { n: shown })}</span></span>`;
}

// roleIn is the user's role in the selected organization ('' when unknown).
function roleIn(profile) {
  const org = (profile.organizations || []).find((o) => o.slug === session.org());
  return (org && org.role) || '';
}

function isCurrent(href, pathname) {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(href + '/');
}

export function OrgSwitcher({ profile, onSwitch }) {
  const orgs = profile.organizations || [];
  if (orgs.length === 0) return html`<p class="muted">${t('layout.no_organization')}</p>`;
  return html`<div class="field">
    <label for="org-switcher">${t('layout.organization')}</label>
    <select id="org-switcher" value=${session.org()} onChange=${(e) => onSwitch(e.target.value)}>
      ${orgs.map((o) => html`<option value=${o.slug}>${o.name} (${roleInText(o.role)})</option>`)}
    </select>
  </div>`;
}

export function Layout({ profile, pathname, onSwitchOrg, onLogout, children }) {
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);
  const rank = ROLE_RANK[roleIn(profile)] ?? 0;
  const openAlerts = useOpenAlerts();
  const groups = nav().filter((g) => !g.adminOnly || profile.is_instance_admin)
    .map((g) => ({ ...g, items: g.items.filter((it) => !it.minRole || rank >= ROLE_RANK[it.minRole]) }));
  return html`<div class="shell">
    <a class="skip-link" href="#main">${t('layout.skip')}</a>
    <aside class=${'sidebar' + (open ? ' open' : '')}>
      <div class="sidebar-top">
        <a class="brand" href="/">AlertifyPro</a>
        <button type="button" class="btn btn-small menu-toggle" aria-expanded=${open ? 'true' : 'false'} aria-controls="main-nav" aria-label=${t('layout.menu')} onClick=${() => setOpen(!open)}>☰</button>
      </div>
      <nav id="main-nav" class="nav" aria-label=${t('layout.main_nav')}>
        ${groups.map((g) => html`
          ${g.group && html`<div class="nav-group">${g.group}</div>`}
          ${g.items.map((it) => html`<a href=${it.href} aria-current=${isCurrent(it.href, pathname) ? 'page' : undefined}>${it.label}${it.href === '/alerts' && html`<${NavCount} count=${openAlerts} />`}</a>`)}
        `)}
      </nav>
      <div class="sidebar-foot">
        <${OrgSwitcher} profile=${profile} onSwitch=${onSwitchOrg} />
        <a href="/profile">${profile.full_name || profile.email}</a>
        <div class="row">
          <${ThemeToggle} />
          <button type="button" class="btn btn-small" onClick=${onLogout}>${t('layout.logout')}</button>
        </div>
        <${LanguagePicker} />
      </div>
    </aside>
    <main id="main" class="main" tabindex="-1">${children}</main>
    <${Toasts} />
  </div>`;
}

export function NotFound() {
  return html`<div class="empty-state">
    <h1>${t('layout.not_found')}</h1>
    <p>${t('layout.not_found_text')}</p>
    <button type="button" class="btn btn-primary" onClick=${() => navigate('/')}>${t('layout.go_dashboard')}</button>
  </div>`;
}
