// A small History-API router: routes.js lists path patterns (":id" segments) and
// page components; links are ordinary <a href> elements intercepted here, so they
// stay keyboard- and middle-click-friendly.
import { useState, useEffect } from './html.js';

const listeners = new Set();

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  const from = location.pathname;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  if (location.pathname !== from) requestHeadingFocus();
  listeners.forEach((fn) => fn());
  window.scrollTo(0, 0);
}

// After a navigation to another page, focus goes to that page's main heading once it is
// drawn (PageHeader asks takeHeadingFocus), so keyboard and screen-reader users start
// reading the new page rather than wherever the old one left them. A filter that only
// changes the query keeps focus where it is. The request lapses after a few seconds so a
// page that never draws a heading cannot have one steal focus later.
let headingFocusUntil = 0;
function requestHeadingFocus() { headingFocusUntil = Date.now() + 5000; }
window.addEventListener('popstate', requestHeadingFocus);

// takeHeadingFocus reports (once) whether a navigation asked for the heading to be focused.
export function takeHeadingFocus() {
  const pending = Date.now() < headingFocusUntil;
  headingFocusUntil = 0;
  return pending;
}

// focusTarget moves focus to the element a same-page link (#main) names, as the browser
// would, without a history entry.
function focusTarget(id) {
  const el = document.getElementById(id);
  if (!el) return false;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
  el.scrollIntoView({ block: 'start' });
  return true;
}

// match compiles "/services/:id/edit" and tests a pathname against it.
export function match(pattern, pathname) {
  const p = pattern.split('/').filter(Boolean);
  const s = pathname.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function resolve(routes, pathname) {
  for (const r of routes) {
    const params = match(r.path, pathname);
    if (params) return { route: r, params };
  }
  return null;
}

// useLocation re-renders on navigation and on the browser's back/forward.
export function useLocation() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const fn = () => setTick((t) => t + 1);
    listeners.add(fn);
    window.addEventListener('popstate', fn);
    return () => { listeners.delete(fn); window.removeEventListener('popstate', fn); };
  }, []);
  return { pathname: location.pathname, query: new URLSearchParams(location.search) };
}

// installLinkInterception routes same-origin <a> clicks without a reload.
export function installLinkInterception() {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    // A same-page link (the skip link) is no navigation: focus what it names.
    const href = a.getAttribute('href');
    if (href.startsWith('#')) {
      if (focusTarget(decodeURIComponent(href.slice(1)))) e.preventDefault();
      return;
    }
    const path = a.pathname;
    if (path.startsWith('/api/') || path.startsWith('/status/') || a.dataset.external !== undefined) return;
    e.preventDefault();
    navigate(path + a.search);
  });
}
