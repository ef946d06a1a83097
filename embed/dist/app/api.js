// The API client: JSON in and out, the JWT from localStorage as the bearer token,
// and ?org=<slug> of the selected organization on every call, so a user who belongs
// to several organizations acts in the one the switcher shows.
import { t } from './i18n.js';

const TOKEN_KEY = 'alertifypro.token';
const ORG_KEY = 'alertifypro.org';

// ApiError carries the API's error body {error, message, fields} so a form can put
// each field's message under its input and everything else in a banner.
export class ApiError extends Error {
  constructor(status, code, message, fields, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    this.details = details || {}; // e.g. {field: "condition.expression", position: 12}
  }
}

export const session = {
  token: () => localStorage.getItem(TOKEN_KEY),
  setToken(t) { t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY); },
  org: () => localStorage.getItem(ORG_KEY),
  setOrg(slug) { slug ? localStorage.setItem(ORG_KEY, slug) : localStorage.removeItem(ORG_KEY); },
  clear() { localStorage.removeItem(TOKEN_KEY); localStorage.removeItem(ORG_KEY); },
};

// Listeners told when the API says the token is no longer valid (401), so the app
// can send the user to the login page from wherever they are. That includes a token
// of an organization the user was removed from (SPEC §12): the browser cannot mint a
// token for another organization without the password, so it signs in again.
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) { unauthorizedListeners.add(fn); return () => unauthorizedListeners.delete(fn); }

// Listeners told when a request that selected an organization (?org=) answered 404:
// the selected organization may be gone (the user was removed from it while the
// token's own organization is still theirs). The app reloads the profile and switches
// to an organization the user still belongs to.
const orgNotFoundListeners = new Set();
export function onOrgNotFound(fn) { orgNotFoundListeners.add(fn); return () => orgNotFoundListeners.delete(fn); }

// withOrg adds ?org=<selected slug> to organization-scoped calls. The profile is the
// account, not an organization's, so it is loaded without one: a stale selection must
// never keep the app from learning which organizations are left.
function withOrg(path) {
  const org = session.org();
  if (!org || path.startsWith('/auth/') || path.startsWith('/admin/') || path.startsWith('/public/') ||
    path === '/profile' || path.startsWith('/profile/') || path.startsWith('/profile?')) return path;
  const u = new URL(path, 'http://x');
  if (!u.searchParams.has('org')) u.searchParams.set('org', org);
  return u.pathname + u.search;
}

// sentOrg is the slug a request path selected, or null.
function sentOrg(path) {
  return new URL(path, 'http://x').searchParams.get('org');
}

// request calls /api/v1<path>. It resolves to the decoded body (null for 204) and
// to {body, headers} when opts.withHeaders is set (pagination reads X-Next-Cursor).
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const token = session.token();
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const target = withOrg(path);
  let res;
  try {
    res = await fetch('/api/v1' + target, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: opts.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', t('api.network'));
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const d = data || {};
    const err = new ApiError(res.status, d.error || 'http_' + res.status,
      d.message || t('api.http_status', { status: res.status, text: res.statusText }), d.fields, d.details);
    if (res.status === 401 && token && !path.startsWith('/auth/')) unauthorizedListeners.forEach((fn) => fn(err));
    const org = sentOrg(target);
    if (res.status === 404 && token && org) orgNotFoundListeners.forEach((fn) => fn(org));
    throw err;
  }
  return opts.withHeaders ? { body: data, headers: res.headers } : data;
}

export const api = {
  get: (p, o) => request('GET', p, undefined, o),
  post: (p, b, o) => request('POST', p, b === undefined ? {} : b, o),
  put: (p, b, o) => request('PUT', p, b, o),
  patch: (p, b, o) => request('PATCH', p, b, o),
  del: (p, o) => request('DELETE', p, undefined, o),
};

// listAll follows X-Next-Cursor until the last page (lists are capped per page).
export async function listAll(path, max = 20) {
  const out = [];
  let cursor = '';
  for (let i = 0; i < max; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const { body, headers } = await request('GET', path + (cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''), undefined, { withHeaders: true });
    const items = Array.isArray(body) ? body : (body && (body.items || body.data)) || [];
    out.push(...items);
    cursor = headers.get('X-Next-Cursor');
    if (!cursor) break;
  }
  return out;
}

// requestRaw calls /api/v1<path> with a raw body (text) and answers the Response
// (for downloads: CSV, YAML, JSON files that need the bearer token, so a plain link
// cannot fetch them). Errors are thrown as ApiError like request().
export async function requestRaw(method, path, { body, contentType, accept } = {}) {
  const headers = { Accept: accept || '*/*' };
  const token = session.token();
  if (token) headers.Authorization = 'Bearer ' + token;
  if (contentType) headers['Content-Type'] = contentType;
  let res;
  try {
    res = await fetch('/api/v1' + withOrg(path), { method, headers, body });
  } catch {
    throw new ApiError(0, 'network', t('api.network'));
  }
  if (!res.ok) {
    let d = {};
    try { d = JSON.parse(await res.text()) || {}; } catch { d = {}; }
    const err = new ApiError(res.status, d.error || 'http_' + res.status,
      d.message || t('api.http_status', { status: res.status, text: res.statusText }), d.fields, d.details);
    if (res.status === 401 && token) unauthorizedListeners.forEach((fn) => fn(err));
    throw err;
  }
  return res;
}

// download fetches path with the token and saves the answer as filename via a Blob URL.
export async function download(path, filename) {
  const res = await requestRaw('GET', path);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
