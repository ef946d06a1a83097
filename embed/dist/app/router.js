// A small History-API router: routes.js lists path patterns (":id" segments) and
// page components; links are ordinary <a href> elements intercepted here, so they
// stay keyboard- and middle-click-friendly.
import { useState, useEffect } from './html.js';

const listeners = new Set();

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  listeners.forEach((fn) => fn());
  window.scrollTo(0, 0);
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
    const path = a.pathname;
    if (path.startsWith('/api/') || path.startsWith('/status/') || a.dataset.external !== undefined) return;
    e.preventDefault();
    navigate(path + a.search);
  });
}
