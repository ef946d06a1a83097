// Services: the create/edit form (per-type options, write-only credentials) and
// the detail page (chart, uptime over selectable ranges, recent checks,
// certificate, open alerts, pause/resume/check now, delete).
import { html, useState } from '../html.js';
import { api, ApiError, request } from '../api.js';
import { navigate } from '../router.js';
import { usePoll } from '../poll.js';
import { CHECK_TYPES } from '../constants.js';
import { OPTIONS_BY_TYPE, authTypesFor, ENDPOINT_HINT, optionInputs, optionsBody, JSON_PATH_OPERATORS } from '../service-options.js';
import { ResponseChart } from '../chart.js';
import { LocationsChart } from '../location-chart.js';
import { LocationPicker, LocationChips, defaultQuorum } from '../location-picker.js';
import { DailyBars } from '../daily-bars.js';
import { LiftCap, CapError } from '../plan-cap.js';
import { LastCheckNotice, certificateOf } from '../service-notes.js';
import { useServiceChannels, saveServiceChannels, ServiceChannels } from '../service-channels.js';
import {
  Field, Button, ErrorBanner, PageHeader, StatusBadge, Table, EmptyState, Loading, useConfirm, toast,
  fmtTime, fmtAgo, fmtMs, fmtPercent, fmtDuration, useResource, Resource,
} from '../ui.js';

const SERVICE_FIELDS = ['name', 'description', 'environment', 'endpoint', 'check_type', 'check_interval_seconds',
  'timeout_seconds', 'tags', 'degraded_threshold_ms', 'sla_target', 'locations', 'location_quorum'];

// The form's first part: what most services need. Everything else is under "Advanced".
const BASIC_FIELDS = ['name', 'endpoint', 'check_type', 'check_interval_seconds'];

function initialValues(s) {
  const type = s?.check_type || 'HTTP';
  return {
    name: s?.name || '', description: s?.description || '', environment: s?.environment || '',
    endpoint: s?.endpoint || '', check_type: type, check_interval_seconds: s?.check_interval_seconds ?? 60,
    timeout_seconds: s?.timeout_seconds ?? 10, tags: (s?.tags || []).join(', '),
    degraded_threshold_ms: s?.degraded_threshold_ms ?? '', sla_target: s?.sla_target ?? '',
    options: optionInputs(type, s?.options || {}),
    // Credentials are write-only: the API says only {type, configured}. Empty inputs
    // with "keep" mean "leave the stored credential alone".
    auth_type: s?.auth?.type || '', auth_keep: !!s?.auth?.configured,
    auth: { username: '', password: '', token: '', name: '', value: '' },
    // Probe locations: null until the organization's choice is loaded (a new service) or
    // the service's own. The quorum '' follows the default, ceil(n/2), as n changes.
    locations: s ? s.locations || [] : null,
    location_quorum: s && s.location_quorum !== defaultQuorum((s.locations || []).length) ? s.location_quorum : '',
  };
}

function defaultLocations([locations, org]) {
  const usable = new Set(locations.map((l) => l.name));
  const wanted = (org?.settings?.default_locations || []).filter((n) => usable.has(n));
  return wanted.length ? wanted : locations.filter((l) => l.builtin).map((l) => l.name);
}

function authBody(v) {
  if (!v.auth_type) return null;
  const a = v.auth;
  const empty = !a.username && !a.password && !a.token && !a.name && !a.value;
  if (v.auth_keep && empty) return { type: v.auth_type, configured: true };
  if (v.auth_type === 'basic') return { type: 'basic', username: a.username, password: a.password };
  if (v.auth_type === 'bearer') return { type: 'bearer', token: a.token };
  return { type: 'header', name: a.name, value: a.value };
}

// JSONPathInputs edits the HTTP json_path assertions as rows of path, operator
// and value, each with its 422 error under it.
function JSONPathInputs({ opt, rows, onInput, fe }) {
  const setRow = (i, k) => (x) => onInput(rows.map((r, j) => (j === i ? { ...r, [k]: x } : r)));
  const key = (i) => `options.json_path[${i}]`;
  return html`<div class="field json-path"><span class="field-label">${opt.label}</span>
    <div class="hint">${opt.hint}</div>
    ${rows.map((r, i) => html`<div class="json-path-row" role="group" aria-label=${'Assertion ' + (i + 1)}>
      <${Field} label="Path" name=${`options.json_path.${i}.path`} placeholder="$.status" value=${r.path} onInput=${setRow(i, 'path')} error=${fe(key(i) + '.path')} />
      <${Field} label="Operator" name=${`options.json_path.${i}.operator`} as="select" options=${JSON_PATH_OPERATORS} value=${r.operator} onInput=${setRow(i, 'operator')} error=${fe(key(i) + '.operator')} />
      <${Field} label="Expected value" name=${`options.json_path.${i}.value`} value=${r.value} onInput=${setRow(i, 'value')} error=${fe(key(i) + '.value')} />
      <${Button} type="button" aria-label=${'Remove assertion ' + (i + 1)} onClick=${() => onInput(rows.filter((_, j) => j !== i))}>Remove<//>
      ${fe(key(i)) && html`<div class="field-error">${fe(key(i))}</div>`}
    </div>`)}
    ${fe('options.json_path') && html`<div class="field-error">${fe('options.json_path')}</div>`}
    <div><${Button} type="button" onClick=${() => onInput([...rows, { path: '', operator: '==', value: '' }])}>Add a JSON assertion<//></div>
  </div>`;
}

// timeoutBelow is timeout, or the longest whole-second timeout below interval when timeout
// would not fit under it (the API's own default does the same, SPEC §3.6).
function timeoutBelow(timeout, interval) {
  const n = Number(interval);
  return Number.isFinite(n) && n > 1 && timeout >= n ? n - 1 : timeout;
}

function ServiceForm({ service, profile }) {
  const [v, setV] = useState(() => initialValues(service));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [advanced, setAdvanced] = useState(false);
  const notify = useServiceChannels(service);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const setOpt = (k) => (x) => setV((o) => ({ ...o, options: { ...o.options, [k]: x } }));
  const setAuth = (k) => (x) => setV((o) => ({ ...o, auth: { ...o.auth, [k]: x } }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  const opts = OPTIONS_BY_TYPE[v.check_type] || [];
  const authTypes = authTypesFor(v.check_type);
  const choice = useResource(() => Promise.all([api.get('/locations'), service ? null : api.get('/organization')]), []);
  // A new service starts from the organization's default locations (the built-in one
  // unless settings.default_locations says otherwise).
  const picked = v.locations ?? (choice.data ? defaultLocations(choice.data) : []);

  // The timeout must stay below the interval. One the user never typed in follows a short
  // interval down (and back up to where it was), instead of failing a field they never touched.
  const baseTimeout = service?.timeout_seconds ?? 10;
  function setIntervalSeconds(x) {
    setV((o) => ({ ...o, check_interval_seconds: x, timeout_seconds: o.timeout_touched ? o.timeout_seconds : timeoutBelow(baseTimeout, x) }));
  }
  function setTimeoutSeconds(x) { setV((o) => ({ ...o, timeout_seconds: x, timeout_touched: true })); }

  function changeType(t) {
    setV((o) => ({ ...o, check_type: t, options: optionInputs(t, {}), auth_type: authTypesFor(t).includes(o.auth_type) ? o.auth_type : '' }));
  }

  async function onSubmit(e) {
    e.preventDefault();
    const { body: options, problems } = optionsBody(v.check_type, v.options);
    if (Object.keys(problems).length) {
      setError(new ApiError(422, 'validation_failed', 'Some options are not valid.', problems));
      return;
    }
    const body = {
      name: v.name, description: v.description, environment: v.environment, endpoint: v.endpoint,
      check_type: v.check_type, check_interval_seconds: Number(v.check_interval_seconds),
      timeout_seconds: Number(v.timeout_seconds), tags: v.tags.split(',').map((t) => t.trim()).filter(Boolean),
      options, auth: authBody(v),
    };
    // An edit always sends its locations: PUT without them would reset them to the defaults.
    if (service || choice.data) body.locations = picked;
    if (v.location_quorum !== '') body.location_quorum = Number(v.location_quorum);
    if (v.degraded_threshold_ms !== '') body.degraded_threshold_ms = Number(v.degraded_threshold_ms);
    body.sla_target = v.sla_target === '' ? null : Number(v.sla_target);
    setBusy(true);
    setError(null);
    try {
      const saved = service ? await api.put(`/services/${service.id}`, body) : await api.post('/services', body);
      try { await saveServiceChannels(notify, saved.id, saved.name); } catch (err) {
        toast(`The service was saved, but its channels were not: ${err.message}`);
      }
      toast(service ? 'Service saved' : 'Service created');
      navigate(`/services/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const shown = [...SERVICE_FIELDS, 'auth', 'auth.type', 'auth.username', 'auth.password', 'auth.token', 'auth.name', 'auth.value',
    ...opts.map((o) => 'options.' + o.key)];
  const headerErrors = error instanceof ApiError ? Object.entries(error.fields).filter(([k]) => k.startsWith('options.headers.')) : [];
  if (opts.some((o) => o.kind === 'jsonpath')) {
    (v.options.json_path || []).forEach((_, i) => shown.push(...['', '.path', '.operator', '.value'].map((x) => `options.json_path[${i}]${x}`)));
  }

  // A problem in a field under "Advanced" opens it, so the field can take focus.
  const advancedError = error instanceof ApiError && Object.keys(error.fields).some((k) => !BASIC_FIELDS.includes(k));
  const org = !service && choice.data ? choice.data[1] : null;
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    ${org && org.max_services >= 0 && html`<p class="muted" data-cap>${org.service_count} of ${org.max_services} services on the ${org.plan_type} plan.
      ${org.service_count >= org.max_services && html` <${LiftCap} profile=${profile} />`}</p>`}
    <${ErrorBanner} error=${error} shownFields=${[...shown, ...headerErrors.map(([k]) => k)]} />
    <${CapError} error=${error} profile=${profile} />
    <fieldset><legend>What to check</legend>
      <${Field} label="Check type" name="check_type" as="select" options=${CHECK_TYPES} value=${v.check_type} onInput=${changeType} error=${fe('check_type')} />
      <${Field} label="Name" name="name" required value=${v.name} onInput=${set('name')} error=${fe('name')} />
      <${Field} label="Endpoint" name="endpoint" required hint=${ENDPOINT_HINT[v.check_type]} value=${v.endpoint} onInput=${set('endpoint')} error=${fe('endpoint')} />
      <${Field} label="Check every (seconds)" name="check_interval_seconds" type="number" min="10" value=${v.check_interval_seconds} onInput=${setIntervalSeconds} error=${fe('check_interval_seconds')} />
    </fieldset>
    <${ServiceChannels} state=${notify} />
    <details class="advanced" open=${advanced || advancedError} onToggle=${(e) => setAdvanced(e.currentTarget.open)}>
    <summary>Advanced</summary>
    <fieldset><legend>About</legend>
      <${Field} label="Description" name="description" value=${v.description} onInput=${set('description')} error=${fe('description')} />
      <${Field} label="Environment" name="environment" hint="e.g. production, staging" value=${v.environment} onInput=${set('environment')} error=${fe('environment')} />
      <${Field} label="Tags" name="tags" hint="Comma-separated." value=${v.tags} onInput=${set('tags')} error=${fe('tags')} />
    </fieldset>
    <fieldset><legend>Timeout and thresholds</legend>
      <${Field} label="Timeout (seconds)" name="timeout_seconds" type="number" min="1" value=${v.timeout_seconds} onInput=${setTimeoutSeconds} error=${fe('timeout_seconds')} />
      <${Field} label="Degraded above (ms)" name="degraded_threshold_ms" type="number" hint="Slower answers count as degraded (YELLOW). Empty: the default for the type." value=${v.degraded_threshold_ms} onInput=${set('degraded_threshold_ms')} error=${fe('degraded_threshold_ms')} />
      <${Field} label="SLA target (%)" name="sla_target" type="number" step="0.001" hint="Optional, e.g. 99.9" value=${v.sla_target} onInput=${set('sla_target')} error=${fe('sla_target')} />
    </fieldset>
    <${LocationPicker} res=${choice} picked=${picked} quorum=${v.location_quorum} fe=${fe}
      onPick=${(list) => setV((o) => ({ ...o, locations: list }))} onQuorum=${set('location_quorum')} />
    ${opts.length > 0 && html`<fieldset><legend>${v.check_type} options</legend>
      ${opts.map((o) => o.kind === 'jsonpath' ? html`<${JSONPathInputs} key=${v.check_type + o.key} opt=${o} rows=${v.options[o.key] || []} onInput=${setOpt(o.key)} fe=${fe} />` : html`<${Field} key=${v.check_type + o.key} label=${o.label} name=${'options.' + o.key} hint=${o.hint}
        type=${o.kind === 'checkbox' || o.kind === 'number' ? o.kind : 'text'} as=${o.kind === 'select' ? 'select' : o.kind === 'textarea' ? 'textarea' : undefined}
        options=${o.options} value=${v.options[o.key]} onInput=${setOpt(o.key)}
        error=${fe('options.' + o.key) || (o.key === 'headers' && headerErrors.map(([k, m]) => `${k.slice('options.headers.'.length)} ${m}`).join('; ')) || undefined} />`)}
    </fieldset>`}
    ${authTypes.length > 0 && html`<fieldset><legend>Credentials</legend>
      <p class="hint">Stored encrypted and never shown again.${v.auth_keep ? ' A credential is configured; leave the inputs empty to keep it.' : ''}</p>
      <${Field} label="Authentication" name="auth.type" as="select" value=${v.auth_type} onInput=${set('auth_type')}
        options=${[{ value: '', label: 'None' }, ...authTypes.map((t) => ({ value: t, label: { basic: 'Username and password', bearer: 'Bearer token', header: 'Custom header' }[t] }))]}
        error=${fe('auth.type') || fe('auth')} />
      ${v.auth_type === 'basic' && html`
        <${Field} label="Username" name="auth.username" autocomplete="off" value=${v.auth.username} onInput=${setAuth('username')} error=${fe('auth.username')} />
        <${Field} label="Password" name="auth.password" type="password" autocomplete="new-password" value=${v.auth.password} onInput=${setAuth('password')} error=${fe('auth.password')} />`}
      ${v.auth_type === 'bearer' && html`<${Field} label="Token" name="auth.token" type="password" autocomplete="off" value=${v.auth.token} onInput=${setAuth('token')} error=${fe('auth.token')} />`}
      ${v.auth_type === 'header' && html`
        <${Field} label="Header name" name="auth.name" value=${v.auth.name} onInput=${setAuth('name')} error=${fe('auth.name')} />
        <${Field} label="Header value" name="auth.value" type="password" autocomplete="off" value=${v.auth.value} onInput=${setAuth('value')} error=${fe('auth.value')} />`}
    </fieldset>`}
    </details>
    <div class="form-actions">
      <${Button} kind="primary" type="submit" busy=${busy}>${service ? 'Save changes' : 'Create service'}<//>
      <a class="btn" href=${service ? `/services/${service.id}` : '/'}>Cancel</a>
    </div>
  </form>`;
}

export function ServiceNew({ profile }) {
  return html`<${PageHeader} title="Add a service" subtitle="Pick what to check; the form shows only that type's options." /><${ServiceForm} profile=${profile} />`;
}

export function ServiceEdit({ params }) {
  const res = useResource(() => api.get(`/services/${params.id}`), [params.id]);
  return html`<${Resource} res=${res}>${(s) => html`<${PageHeader} title=${'Edit ' + s.name} /><${ServiceForm} service=${s} />`}<//>`;
}

const RANGES = [['24h', 'Last 24 hours', 86400], ['7d', 'Last 7 days', 7 * 86400], ['30d', 'Last 30 days', 30 * 86400], ['90d', 'Last 90 days', 90 * 86400]];

// loadMetrics reads the chart series: the API answers the documented array of points and
// names its resolution and window in the X-Resolution, X-From and X-To headers.
async function loadMetrics(id, q) {
  const { body, headers } = await request('GET', `/services/${id}/metrics?${q}`, undefined, { withHeaders: true });
  return { points: body || [], resolution: headers.get('X-Resolution'), from: headers.get('X-From'), to: headers.get('X-To') };
}

function rangeQuery(seconds) {
  const to = new Date();
  return `from=${new Date(to.getTime() - seconds * 1000).toISOString()}&to=${to.toISOString()}`;
}

export function ServiceDetail({ params }) {
  const id = params.id;
  const [range, setRange] = useState('24h');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [busy, setBusy] = useState('');
  const [dialog, confirm] = useConfirm();
  const seconds = RANGES.find((r) => r[0] === range)[2];

  // Refreshes every 5 s like the dashboard; the chart redraws only when points change.
  async function load() {
    try {
      const q = rangeQuery(seconds);
      const svc = api.get(`/services/${id}`);
      const [service, metrics, uptime, checks, alerts, ssl, rules, locations] = await Promise.all([
        svc, loadMetrics(id, q), api.get(`/services/${id}/uptime?${q}`),
        api.get(`/services/${id}/checks?limit=20`), api.get(`/alerts?service_id=${id}&status=open&limit=20`),
        certificateOf(id, svc.catch(() => null)),
        api.get('/alert-rules'),
        // Only for the chips' offline/degraded state: the page works without it.
        api.get('/locations').catch(() => null),
      ]);
      // A service checked from several locations draws one line per location (SPEC §8).
      const names = service.locations || [];
      const perLocation = names.length > 1
        ? await Promise.all(names.map((n) => api.get(`/services/${id}/metrics?${q}&location=${encodeURIComponent(n)}`)))
        : null;
      setData((old) => ({
        service, uptime, checks, ssl, alerts, locations, rules: rules.filter((r) => r.service_id === id || (!r.service_id && !r.heartbeat_id)),
        metrics: old && JSON.stringify(old.metrics.points) === JSON.stringify(metrics.points) ? old.metrics : metrics,
        lines: perLocation && (old?.lines && JSON.stringify(old.lines.map((l) => l.metrics)) === JSON.stringify(perLocation)
          ? old.lines : names.map((name, i) => ({ name, metrics: perLocation[i] }))),
      }));
      setError(null);
    } catch (e) { setError(e); }
  }
  // Until the first result since the service was saved arrives (it runs at the
  // scheduler's next tick), poll each second so it shows within moments of the save.
  const sv = data && data.service;
  const awaiting = !!sv && !sv.paused && (!sv.last_checked_at || new Date(sv.last_checked_at) < new Date(sv.updated_at));
  usePoll(load, awaiting ? 1000 : 5000, [id, range, awaiting]);

  async function action(name, label) {
    setBusy(name);
    setActionError(null);
    try {
      await api.post(`/services/${id}/${name}`);
      toast(label);
      await load();
    } catch (e) { setActionError(e); } finally { setBusy(''); }
  }

  if (!data) return error ? html`<${PageHeader} title="Service" /><${ErrorBanner} error=${error} />` : html`<${Loading} />`;
  const { service: s, uptime, checks, alerts, ssl, metrics, rules, locations, lines } = data;
  return html`
    <${PageHeader} title=${s.name} subtitle=${`${s.check_type} · ${s.endpoint}`}>
      <${StatusBadge} status=${s.status} />
      ${s.paused ? html`<${Button} busy=${busy === 'resume'} onClick=${() => action('resume', 'Resumed')}>Resume<//>`
        : html`<${Button} busy=${busy === 'pause'} onClick=${() => action('pause', 'Paused')}>Pause<//>`}
      <${Button} busy=${busy === 'check'} onClick=${() => action('check', 'Checked')}>Check now<//>
      <a class="btn" href=${`/services/${id}/edit`}>Edit</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del(`/services/${id}`); toast('Service deleted'); navigate('/'); },
        { title: 'Delete this service?', body: `${s.name} and its check history will be deleted. This cannot be undone.`, label: 'Delete', danger: true })}>Delete<//>
    <//>
    ${dialog}
    <${ErrorBanner} error=${actionError} />
    ${error && html`<${ErrorBanner} error=${new Error('Could not refresh: ' + error.message)} />`}
    <${LastCheckNotice} service=${s} />
    <div class="grid">
      <div class="card"><div class="muted">Uptime (${range})</div><div class="stat">${uptime.uptime_percentage != null ? fmtPercent(uptime.uptime_percentage, 3) : '—'}</div>
        <div class="muted">${uptime.note || `${uptime.total_checks} checks, ${uptime.failed_checks} failed, down ${fmtDuration(uptime.downtime_seconds)}`}</div></div>
      <div class="card"><div class="muted">Last response</div><div class="stat">${fmtMs(s.last_response_time_ms)}</div><div class="muted">${fmtAgo(s.last_checked_at)}${s.last_status_code ? ` · HTTP ${s.last_status_code}` : ''}</div></div>
      <div class="card"><div class="muted">Every</div><div class="stat">${fmtDuration(s.check_interval_seconds)}</div><div class="muted">timeout ${s.timeout_seconds}s</div></div>
    </div>
    <${LocationChips} service=${s} locations=${locations} />
    <section class="card">
      <div class="row">
        <h2 id="chart-h">Response time</h2>
        <div class="tabs" role="group" aria-label="Period">${RANGES.map(([k, label]) => html`<button type="button" class="btn btn-small" aria-pressed=${range === k ? 'true' : 'false'} title=${label} onClick=${() => setRange(k)}>${k}</button>`)}</div>
      </div>
      ${lines ? html`<${LocationsChart} lines=${lines} from=${metrics.from} to=${metrics.to} />`
        : html`<${ResponseChart} points=${metrics.points} from=${metrics.from} to=${metrics.to} />`}
      <p class="muted">Resolution: ${metrics.resolution}.</p>
    </section>
    <section class="card" aria-labelledby="daily-h">
      <h2 id="daily-h">Daily uptime (${range})</h2>
      <${DailyBars} points=${metrics.points} from=${metrics.from} to=${metrics.to} />
      <p class="muted">One bar per day: green at 99.9% or more, amber from 99%, red below; grey where there were no checks. Hover a bar for its figures.</p>
    </section>
    <section>
      <h2>Open alerts</h2>
      ${alerts.length === 0 ? html`<p class="muted">No open alerts for this service.</p>` : html`<${Table} caption="Open alerts" rows=${alerts} columns=${[
        { label: 'Alert', render: (a) => html`<a href=${'/alerts/' + a.id}>${a.title}</a>` },
        { label: 'Status', render: (a) => html`<${StatusBadge} status=${a.status} />` },
        { label: 'Severity', key: 'severity' },
        { label: 'Failing locations', render: (a) => (a.failing_regions || []).join(', ') || '—' },
        { label: 'Fired', render: (a) => fmtTime(a.fired_at) }]} />`}
    </section>
    <section>
      <h2>Alert rules</h2>
      ${rules.length === 0 ? html`<p class="muted">No rule of its own: the organization's default applies (see Settings). <a href="/rules/new">Add a rule</a>.</p>`
        : html`<ul>${rules.map((r) => html`<li><a href=${'/rules/' + r.id + '/edit'}>${r.name}</a> — ${r.severity}, ${r.condition.consecutive_failures}× ${r.condition.statuses.join('/')}${r.service_id ? '' : ' (every service)'}${r.enabled ? '' : ' (disabled)'}</li>`)}</ul>`}
    </section>
    ${ssl && html`<section class="card"><h2>Certificate</h2><dl class="props">
      <dt>Domain</dt><dd>${ssl.domain}</dd><dt>Issuer</dt><dd>${ssl.issuer}</dd><dt>Valid until</dt><dd>${fmtTime(ssl.valid_to)} (${ssl.days_until_expiry} days)</dd><dt>Status</dt><dd>${ssl.state}</dd>
    </dl></section>`}
    <section>
      <h2>Recent checks</h2>
      ${checks.length === 0 ? html`<p class="muted">No checks yet. The first check runs within a second or two of saving the service; "Check now" runs one immediately.</p>`
        : html`<${Table} caption="Recent checks" rowKey=${(c) => `${c.checked_at}/${c.location}`} rows=${checks} columns=${[
          { label: 'When', render: (c) => fmtTime(c.checked_at) },
          ...(lines ? [{ label: 'Location', render: (c) => c.location }] : []),
          { label: 'Status', render: (c) => html`<${StatusBadge} status=${c.status} />` },
          { label: 'Response', class: 'num', render: (c) => fmtMs(c.response_time_ms) },
          { label: 'Code', class: 'num', render: (c) => c.status_code || '—' },
          { label: 'Error', render: (c) => c.error || '' }]} />`}
    </section>`;
}
