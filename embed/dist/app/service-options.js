// Per-type service options, as api/service_options*.go accepts them: each check type
// shows only the options it has. kind picks the input; parse/format convert between
// the input's text and the API's JSON value. Field errors come back as
// "options.<key>" and are shown under the matching input. Labels and hints are getters
// (the tables are built at module load, before the catalogue is): each is looked up when read.
import { t } from './i18n.js';

function parseExpectedStatus(s) {
  const txt = String(s).trim();
  if (!txt) return undefined;
  if (/^\d{3}$/.test(txt)) return Number(txt);
  if (txt.includes(',')) return txt.split(',').map((x) => x.trim()).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  return txt;
}
function formatExpectedStatus(v) {
  if (v == null) return '';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// Headers are edited as "Name: value" lines. Stored values come back masked
// ("********"); sending the mask back keeps the stored value.
function parseHeaders(s) {
  const out = {};
  for (const line of String(s).split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i < 1) throw new Error(t('service_options.header_line_invalid', { line: line.trim() }));
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
function formatHeaders(v) {
  return Object.entries(v || {}).map(([k, x]) => `${k}: ${x}`).join('\n');
}

// json_path assertions are edited as rows {path, operator, value}; value is the
// text of a JSON value (bare text is taken as a string).
export const JSON_PATH_OPERATORS = ['==', '!=', '>', '>=', '<', '<=', 'contains', 'startsWith', 'endsWith', 'matches'];
function parseJSONPath(rows) {
  if (!Array.isArray(rows) || rows.length === 0) return undefined;
  return rows.map((r) => {
    const txt = String(r.value ?? '').trim();
    let value = txt;
    if (r.operator !== 'contains' && txt !== '') { try { value = JSON.parse(txt); } catch { value = txt; } }
    return { path: String(r.path ?? '').trim(), operator: r.operator, value };
  });
}
function formatJSONPath(v) {
  return (Array.isArray(v) ? v : []).map((c) => {
    const raw = c.value;
    let value = typeof raw === 'string' ? raw : JSON.stringify(raw ?? '');
    if (typeof raw === 'string' && c.operator !== 'contains') { try { JSON.parse(raw); value = JSON.stringify(raw); } catch { /* bare text */ } }
    return { path: c.path || '', operator: c.operator || '==', value };
  });
}

// assert holds the connection_time_ms assertion of HTTP and TCP checks: edited as an
// operator (lt, lte) and a bound in milliseconds; an empty bound sends no assertion.
export const CONNECT_OPERATORS = ['lt', 'lte'];
function parseConnectAssert(v) {
  const txt = String(v?.bound ?? '').trim();
  if (!txt) return undefined;
  const bound = Number(txt);
  if (!Number.isFinite(bound)) throw new Error(t('service_options.connection_time_invalid'));
  return { connection_time_ms: { [CONNECT_OPERATORS.includes(v.op) ? v.op : 'lt']: bound } };
}
function formatConnectAssert(v) {
  const c = v?.connection_time_ms || {};
  const op = 'lte' in c ? 'lte' : 'lt';
  return { op, bound: c[op] ?? '' };
}

function opt(key, kind, label, more = {}) {
  const { hint, ...rest } = more;
  return { key, kind, ...rest, get label() { return label(); }, get hint() { return hint ? hint() : undefined; } };
}
const text = (key, label, hint) => opt(key, 'text', label, { hint });
const area = (key, label, hint) => opt(key, 'textarea', label, { hint });
const bool = (key, label, def, hint) => opt(key, 'checkbox', label, { def, hint });
const num = (key, label, def, hint) => opt(key, 'number', label, { def, hint });
const select = (key, label, options, def) => opt(key, 'select', label, { options, def });
const headers = opt('headers', 'textarea', () => t('service_options.headers'), { hint: () => t('service_options.headers_hint'), parse: parseHeaders, format: formatHeaders });
const sslWarn = () => num('ssl_warn_days', () => t('service_options.ssl_warn_days'), 30);
const hexHint = () => t('service_options.hex_hint');
const connectTime = opt('assert', 'connect', () => t('service_options.connection_time'),
  { hint: () => t('service_options.connection_time_hint'), parse: parseConnectAssert, format: formatConnectAssert });

export const OPTIONS_BY_TYPE = {
  HTTP: [
    select('method', () => t('service_options.method'), ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], 'GET'),
    headers,
    area('body', () => t('service_options.body')),
    opt('expected_status', 'text', () => t('service_options.expected_status'), { hint: () => t('service_options.expected_status_hint'), parse: parseExpectedStatus, format: formatExpectedStatus }),
    text('body_contains', () => t('service_options.body_contains')),
    text('body_not_contains', () => t('service_options.body_not_contains')),
    text('body_regex', () => t('service_options.body_regex'), () => t('service_options.body_regex_hint')),
    opt('json_path', 'jsonpath', () => t('service_options.json_path'), { hint: () => t('service_options.json_path_hint'), parse: parseJSONPath, format: formatJSONPath }),
    bool('follow_redirects', () => t('service_options.follow_redirects'), true),
    bool('verify_tls', () => t('service_options.verify_tls'), true),
    sslWarn(),
    connectTime,
  ],
  TCP: [area('send', () => t('service_options.send')), text('expect', () => t('service_options.expect')), connectTime],
  UDP: [text('payload', () => t('service_options.payload'), hexHint), text('expect', () => t('service_options.expect'), hexHint)],
  PING: [num('count', () => t('service_options.count'), 1, () => t('service_options.count_hint'))],
  DNS: [select('record_type', () => t('service_options.record_type'), ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'], 'A'),
    text('resolver', () => t('service_options.resolver'), () => t('service_options.resolver_hint')), text('expected', () => t('service_options.expected'))],
  WEBSOCKET: [headers],
  SMTP: [bool('starttls', () => t('service_options.starttls'), false)],
  GRPC: [text('service', () => t('service_options.grpc_service'), () => t('service_options.grpc_service_hint')), bool('tls', () => t('service_options.tls'), false)],
  SSL: [sslWarn()],
};

// AUTH_BY_TYPE mirrors authTypesFor in api/service_types.go.
export function authTypesFor(type) {
  if (['HTTP', 'WEBSOCKET', 'GRPC'].includes(type)) return ['basic', 'bearer', 'header'];
  if (['REDIS', 'SMTP', 'IMAP', 'FTP', 'MYSQL', 'POSTGRES', 'MONGODB'].includes(type)) return ['basic'];
  return [];
}

const HOST_PORT = () => 'host:port';
const ENDPOINT_HINTS = {
  HTTP: () => t('service_options.endpoint_http'), WEBSOCKET: () => t('service_options.endpoint_websocket'), TCP: HOST_PORT,
  UDP: HOST_PORT, PING: () => t('service_options.endpoint_ping'), DNS: () => t('service_options.endpoint_dns'),
  SMTP: () => t('service_options.endpoint_smtp'), IMAP: HOST_PORT, FTP: HOST_PORT, SSH: HOST_PORT,
  REDIS: () => t('service_options.endpoint_redis'), MYSQL: HOST_PORT, POSTGRES: HOST_PORT, MONGODB: () => t('service_options.endpoint_mongodb'),
  GRPC: HOST_PORT, SSL: () => t('service_options.endpoint_ssl'),
};

// endpointHint is the endpoint field's hint for a check type, in the reader's language.
export function endpointHint(type) {
  return ENDPOINT_HINTS[type]?.();
}

// optionInputs turns stored options into the form's text values.
export function optionInputs(type, stored = {}) {
  const out = {};
  for (const o of OPTIONS_BY_TYPE[type] || []) {
    const v = stored[o.key];
    if (o.kind === 'checkbox') out[o.key] = v ?? o.def;
    else if (o.format) out[o.key] = o.format(v);
    else out[o.key] = v ?? o.def ?? '';
  }
  return out;
}

// optionsBody builds the options object for the API; local parse problems come
// back in problems (keyed like the API's "options.<key>") instead of a request.
export function optionsBody(type, inputs) {
  const body = {};
  const problems = {};
  for (const o of OPTIONS_BY_TYPE[type] || []) {
    const v = inputs[o.key];
    try {
      if (o.kind === 'checkbox') body[o.key] = !!v;
      else if (o.parse) { const p = o.parse(v ?? ''); if (p !== undefined) body[o.key] = p; }
      else if (o.kind === 'number') { if (v !== '' && v != null) body[o.key] = Number(v); }
      else if (v !== '' && v != null) body[o.key] = v;
    } catch (e) {
      problems['options.' + o.key] = e.message;
    }
  }
  return { body, problems };
}
