// Per-type service options, as api/service_options*.go accepts them: each check type
// shows only the options it has. kind picks the input; parse/format convert between
// the input's text and the API's JSON value. Field errors come back as
// "options.<key>" and are shown under the matching input.

const statusHint = 'A code (200), a list (200, 201), a class (2xx) or a range (200-299). Empty: any 2xx.';

function parseExpectedStatus(s) {
  const t = String(s).trim();
  if (!t) return undefined;
  if (/^\d{3}$/.test(t)) return Number(t);
  if (t.includes(',')) return t.split(',').map((x) => x.trim()).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  return t;
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
    if (i < 1) throw new Error(`"${line.trim()}" is not "Name: value"`);
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
    const t = String(r.value ?? '').trim();
    let value = t;
    if (r.operator !== 'contains' && t !== '') { try { value = JSON.parse(t); } catch { value = t; } }
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

const text = (key, label, hint) => ({ key, label, kind: 'text', hint });
const area = (key, label, hint) => ({ key, label, kind: 'textarea', hint });
const bool = (key, label, def, hint) => ({ key, label, kind: 'checkbox', def, hint });
const num = (key, label, def, hint) => ({ key, label, kind: 'number', def, hint });
const select = (key, label, options, def) => ({ key, label, kind: 'select', options, def });
const headers = { key: 'headers', label: 'Request headers', kind: 'textarea', hint: 'One "Name: value" per line. Values are stored encrypted and shown masked.', parse: parseHeaders, format: formatHeaders };

export const OPTIONS_BY_TYPE = {
  HTTP: [
    select('method', 'Method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], 'GET'),
    headers,
    area('body', 'Request body'),
    { key: 'expected_status', label: 'Expected status', kind: 'text', hint: statusHint, parse: parseExpectedStatus, format: formatExpectedStatus },
    text('body_contains', 'Body must contain'),
    text('body_not_contains', 'Body must not contain'),
    text('body_regex', 'Body must match (regular expression)', 'Go RE2 syntax.'),
    { key: 'json_path', label: 'JSON assertions', kind: 'jsonpath', hint: 'Checks on the JSON body, e.g. $.status == "ok" or $.items[0].count > 0. The value is JSON (a number, true, "text"); bare text counts as a string.', parse: parseJSONPath, format: formatJSONPath },
    bool('follow_redirects', 'Follow redirects', true),
    bool('verify_tls', 'Verify the TLS certificate', true),
    num('ssl_warn_days', 'Warn this many days before the certificate expires', 30),
  ],
  TCP: [area('send', 'Send after connecting'), text('expect', 'Expect in the reply')],
  UDP: [text('payload', 'Datagram to send', 'Text, or hex: followed by hex digits.'), text('expect', 'Expect in the reply', 'Text, or hex: followed by hex digits.')],
  PING: [num('count', 'Echo requests per check', 1, '1 to 10.')],
  DNS: [select('record_type', 'Record type', ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'], 'A'),
    text('resolver', 'Resolver', 'host:port, e.g. 1.1.1.1:53. Empty: this server\'s own resolver, the first nameserver in its /etc/resolv.conf (in Docker 127.0.0.11, with systemd-resolved 127.0.0.53) — the one its other checks use too; no public resolver is ever asked behind your back. localhost and names under it are answered here (127.0.0.1, ::1) without asking any resolver (RFC 6761).'), text('expected', 'Expected answer')],
  WEBSOCKET: [headers],
  SMTP: [bool('starttls', 'Require STARTTLS', false)],
  GRPC: [text('service', 'Health service name', 'Empty checks the server as a whole.'), bool('tls', 'Use TLS', false)],
  SSL: [num('ssl_warn_days', 'Warn this many days before the certificate expires', 30)],
};

// AUTH_BY_TYPE mirrors authTypesFor in api/service_types.go.
export function authTypesFor(t) {
  if (['HTTP', 'WEBSOCKET', 'GRPC'].includes(t)) return ['basic', 'bearer', 'header'];
  if (['REDIS', 'SMTP', 'IMAP', 'FTP', 'MYSQL', 'POSTGRES', 'MONGODB'].includes(t)) return ['basic'];
  return [];
}

export const ENDPOINT_HINT = {
  HTTP: 'A URL, e.g. https://example.com/health', WEBSOCKET: 'ws:// or wss:// URL', TCP: 'host:port',
  UDP: 'host:port', PING: 'A host name or IP address', DNS: 'The name to resolve, e.g. example.com',
  SMTP: 'host:port, e.g. mail.example.com:587', IMAP: 'host:port', FTP: 'host:port', SSH: 'host:port',
  REDIS: 'host:port or redis:// URL', MYSQL: 'host:port', POSTGRES: 'host:port', MONGODB: 'host:port or mongodb:// URL',
  GRPC: 'host:port', SSL: 'host:port or https:// URL',
};

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
