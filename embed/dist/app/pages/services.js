// Services: the create/edit form (per-type options, write-only credentials) and
// the detail page (chart, uptime over selectable ranges, recent checks,
// certificate, open alerts, pause/resume/check now, delete).
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { usePoll } from '../poll.js';
import { CHECK_TYPES } from '../constants.js';
import { OPTIONS_BY_TYPE, authTypesFor, endpointHint, optionInputs, optionsBody, JSON_PATH_OPERATORS, CONNECT_OPERATORS } from '../service-options.js';
import { ResponseChart } from '../chart.js';
import { RangePicker, loadChart, rangeLabel } from '../chart-ranges.js';
import { BeatBar, BeatTips, loadBeats, BEATS } from '../beat-bar.js';
import { LocationPicker, LocationChips, defaultQuorum } from '../location-picker.js';
import { DailyBars } from '../daily-bars.js';
import { LiftCap, CapError } from '../plan-cap.js';
import { LastCheckNotice, certificateOf } from '../service-notes.js';
import { useServiceChannels, saveServiceChannels, ServiceChannels } from '../service-channels.js';
import {
  Field, Button, ErrorBanner, PageHeader, StatusBadge, Table, EmptyState, Loading, useConfirm, toast,
  fmtTime, fmtAgo, fmtMs, fmtPercent, fmtDuration, useResource, Resource,
} from '../ui.js';
import { t } from '../i18n.js';
import { can, RoleNote } from '../roles.js';

const SERVICE_FIELDS = ['name', 'description', 'environment', 'endpoint', 'check_type', 'check_interval_seconds',
  'timeout_seconds', 'tags', 'degraded_threshold_ms', 'response_time_warning', 'response_time_critical', 'sla_target',
  'locations', 'location_quorum'];

// CONNECT_ERRORS are the fields the API names for a problem with the connection-time
// assertion (options.assert, given from the form); they show under its inputs.
const CONNECT_ERRORS = ['options.assert', 'options.assert.connection_time_ms',
  ...CONNECT_OPERATORS.map((op) => 'options.assert.connection_time_ms.' + op)];

// The form's first part: what most services need. Everything else is under "Advanced".
const BASIC_FIELDS = ['name', 'endpoint', 'check_type', 'check_interval_seconds'];

function initialValues(s) {
  const type = s?.check_type || 'HTTP';
  return {
    name: s?.name || '', description: s?.description || '', environment: s?.environment || '',
    endpoint: s?.endpoint || '', check_type: type, check_interval_seconds: s?.check_interval_seconds ?? 60,
    timeout_seconds: s?.timeout_seconds ?? 10, tags: (s?.tags || []).join(', '),
    degraded_threshold_ms: s?.degraded_threshold_ms ?? '', sla_target: s?.sla_target ?? '',
    response_time_warning: s?.response_time_warning ?? '', response_time_critical: s?.response_time_critical ?? '',
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
    ${rows.map((r, i) => html`<div class="json-path-row" role="group" aria-label=${t('services.json.assertion', { n: i + 1 })}>
      <${Field} label=${t('services.json.path')} name=${`options.json_path.${i}.path`} placeholder="$.status" value=${r.path} onInput=${setRow(i, 'path')} error=${fe(key(i) + '.path')} />
      <${Field} label=${t('services.json.operator')} name=${`options.json_path.${i}.operator`} as="select" options=${JSON_PATH_OPERATORS} value=${r.operator} onInput=${setRow(i, 'operator')} error=${fe(key(i) + '.operator')} />
      <${Field} label=${t('services.json.value')} name=${`options.json_path.${i}.value`} value=${r.value} onInput=${setRow(i, 'value')} error=${fe(key(i) + '.value')} />
      <${Button} type="button" aria-label=${t('services.json.remove_label', { n: i + 1 })} onClick=${() => onInput(rows.filter((_, j) => j !== i))}>${t('services.json.remove')}<//>
      ${fe(key(i)) && html`<div class="field-error">${fe(key(i))}</div>`}
    </div>`)}
    ${fe('options.json_path') && html`<div class="field-error">${fe('options.json_path')}</div>`}
    <div><${Button} type="button" onClick=${() => onInput([...rows, { path: '', operator: '==', value: '' }])}>${t('services.json.add')}<//></div>
  </div>`;
}

// ConnectTimeInputs edits the connection-time assertion: an operator and a bound in ms,
// with the API's problems about it under them.
function ConnectTimeInputs({ opt, value, onInput, fe }) {
  const v = value || { op: 'lt', bound: '' };
  const error = CONNECT_ERRORS.map(fe).find(Boolean);
  const labels = { lt: t('service_options.connection_time_lt'), lte: t('service_options.connection_time_lte') };
  return html`<div class="field connect-time" role="group" aria-label=${opt.label}><span class="field-label">${opt.label}</span>
    <div class="hint">${opt.hint}</div>
    <div class="connect-time-row">
      <${Field} label=${t('service_options.connection_time_operator')} name="options.assert.operator" as="select"
        options=${CONNECT_OPERATORS.map((op) => ({ value: op, label: labels[op] }))} value=${v.op} onInput=${(op) => onInput({ ...v, op })} />
      <${Field} label=${t('service_options.connection_time_bound')} name="options.assert.bound" type="number" min="0.001" step="any"
        value=${v.bound} onInput=${(bound) => onInput({ ...v, bound })} error=${error} />
    </div>
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

  function changeType(type) {
    setV((o) => ({ ...o, check_type: type, options: optionInputs(type, {}), auth_type: authTypesFor(type).includes(o.auth_type) ? o.auth_type : '' }));
  }

  async function onSubmit(e) {
    e.preventDefault();
    const { body: options, problems } = optionsBody(v.check_type, v.options);
    if (Object.keys(problems).length) {
      setError(new ApiError(422, 'validation_failed', t('services.form.options_invalid'), problems));
      return;
    }
    const body = {
      name: v.name, description: v.description, environment: v.environment, endpoint: v.endpoint,
      check_type: v.check_type, check_interval_seconds: Number(v.check_interval_seconds),
      timeout_seconds: Number(v.timeout_seconds), tags: v.tags.split(',').map((x) => x.trim()).filter(Boolean),
      options, auth: authBody(v),
    };
    // An edit always sends its locations: PUT without them would reset them to the defaults.
    if (service || choice.data) body.locations = picked;
    if (v.location_quorum !== '') body.location_quorum = Number(v.location_quorum);
    if (v.degraded_threshold_ms !== '') body.degraded_threshold_ms = Number(v.degraded_threshold_ms);
    for (const k of ['response_time_warning', 'response_time_critical']) body[k] = v[k] === '' ? null : Number(v[k]);
    body.sla_target = v.sla_target === '' ? null : Number(v.sla_target);
    setBusy(true);
    setError(null);
    try {
      const saved = service ? await api.put(`/services/${service.id}`, body) : await api.post('/services', body);
      try { await saveServiceChannels(notify, saved.id, saved.name); } catch (err) {
        toast(t('services.form.channels_not_saved', { error: err.message }));
      }
      toast(service ? t('services.form.saved') : t('services.form.created'));
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
  if (opts.some((o) => o.kind === 'connect')) shown.push(...CONNECT_ERRORS);
  if (opts.some((o) => o.kind === 'jsonpath')) {
    (v.options.json_path || []).forEach((_, i) => shown.push(...['', '.path', '.operator', '.value'].map((x) => `options.json_path[${i}]${x}`)));
  }

  // A problem in a field under "Advanced" opens it, so the field can take focus.
  const advancedError = error instanceof ApiError && Object.keys(error.fields).some((k) => !BASIC_FIELDS.includes(k));
  const org = !service && choice.data ? choice.data[1] : null;
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    ${org && org.max_services >= 0 && html`<p class="muted" data-cap>${t('services.form.cap', { count: org.service_count, max: org.max_services, plan: org.plan_type })}
      ${org.service_count >= org.max_services && html` <${LiftCap} profile=${profile} />`}</p>`}
    <${ErrorBanner} error=${error} shownFields=${[...shown, ...headerErrors.map(([k]) => k)]} />
    <${CapError} error=${error} profile=${profile} />
    <fieldset><legend>${t('services.form.what')}</legend>
      <${Field} label=${t('services.form.check_type')} name="check_type" as="select" options=${CHECK_TYPES} value=${v.check_type} onInput=${changeType} error=${fe('check_type')} />
      <${Field} label=${t('common.name')} name="name" required value=${v.name} onInput=${set('name')} error=${fe('name')} />
      <${Field} label=${t('services.form.endpoint')} name="endpoint" required hint=${endpointHint(v.check_type)} value=${v.endpoint} onInput=${set('endpoint')} error=${fe('endpoint')} />
      <${Field} label=${t('services.form.interval')} name="check_interval_seconds" type="number" min="10" value=${v.check_interval_seconds} onInput=${setIntervalSeconds} error=${fe('check_interval_seconds')} />
    </fieldset>
    <${ServiceChannels} state=${notify} />
    <details class="advanced" open=${advanced || advancedError} onToggle=${(e) => setAdvanced(e.currentTarget.open)}>
    <summary>${t('services.form.advanced')}</summary>
    <fieldset><legend>${t('services.form.about')}</legend>
      <${Field} label=${t('services.form.description')} name="description" value=${v.description} onInput=${set('description')} error=${fe('description')} />
      <${Field} label=${t('services.form.environment')} name="environment" hint=${t('services.form.environment_hint')} value=${v.environment} onInput=${set('environment')} error=${fe('environment')} />
      <${Field} label=${t('services.form.tags')} name="tags" hint=${t('services.form.tags_hint')} value=${v.tags} onInput=${set('tags')} error=${fe('tags')} />
    </fieldset>
    <fieldset><legend>${t('services.form.thresholds')}</legend>
      <${Field} label=${t('services.form.timeout')} name="timeout_seconds" type="number" min="1" value=${v.timeout_seconds} onInput=${setTimeoutSeconds} error=${fe('timeout_seconds')} />
      <${Field} label=${t('services.form.degraded')} name="degraded_threshold_ms" type="number" hint=${t('services.form.degraded_hint')} value=${v.degraded_threshold_ms} onInput=${set('degraded_threshold_ms')} error=${fe('degraded_threshold_ms')} />
      <${Field} label=${t('services.form.rt_warning')} name="response_time_warning" type="number" min="1" hint=${t('services.form.rt_warning_hint')} value=${v.response_time_warning} onInput=${set('response_time_warning')} error=${fe('response_time_warning')} />
      <${Field} label=${t('services.form.rt_critical')} name="response_time_critical" type="number" min="1" hint=${t('services.form.rt_critical_hint')} value=${v.response_time_critical} onInput=${set('response_time_critical')} error=${fe('response_time_critical')} />
      <${Field} label=${t('services.form.sla')} name="sla_target" type="number" step="0.001" hint=${t('services.form.sla_hint')} value=${v.sla_target} onInput=${set('sla_target')} error=${fe('sla_target')} />
    </fieldset>
    <${LocationPicker} res=${choice} picked=${picked} quorum=${v.location_quorum} fe=${fe}
      onPick=${(list) => setV((o) => ({ ...o, locations: list }))} onQuorum=${set('location_quorum')} />
    ${opts.length > 0 && html`<fieldset><legend>${t('services.form.type_options', { type: v.check_type })}</legend>
      ${opts.map((o) => o.kind === 'jsonpath' ? html`<${JSONPathInputs} key=${v.check_type + o.key} opt=${o} rows=${v.options[o.key] || []} onInput=${setOpt(o.key)} fe=${fe} />`
        : o.kind === 'connect' ? html`<${ConnectTimeInputs} key=${v.check_type + o.key} opt=${o} value=${v.options[o.key]} onInput=${setOpt(o.key)} fe=${fe} />` : html`<${Field} key=${v.check_type + o.key} label=${o.label} name=${'options.' + o.key} hint=${o.hint}
        type=${o.kind === 'checkbox' || o.kind === 'number' ? o.kind : 'text'} as=${o.kind === 'select' ? 'select' : o.kind === 'textarea' ? 'textarea' : undefined}
        options=${o.options} value=${v.options[o.key]} onInput=${setOpt(o.key)}
        error=${fe('options.' + o.key) || (o.key === 'headers' && headerErrors.map(([k, m]) => `${k.slice('options.headers.'.length)} ${m}`).join('; ')) || undefined} />`)}
    </fieldset>`}
    ${authTypes.length > 0 && html`<fieldset><legend>${t('services.form.credentials')}</legend>
      <p class="hint">${t('services.form.credentials_hint')}${v.auth_keep ? ' ' + t('services.form.credentials_keep') : ''}</p>
      <${Field} label=${t('services.form.auth')} name="auth.type" as="select" value=${v.auth_type} onInput=${set('auth_type')}
        options=${[{ value: '', label: t('common.none') }, ...authTypes.map((a) => ({ value: a, label: { basic: t('services.form.auth_basic'), bearer: t('services.form.auth_bearer'), header: t('services.form.auth_header') }[a] }))]}
        error=${fe('auth.type') || fe('auth')} />
      ${v.auth_type === 'basic' && html`
        <${Field} label=${t('services.form.username')} name="auth.username" autocomplete="off" value=${v.auth.username} onInput=${setAuth('username')} error=${fe('auth.username')} />
        <${Field} label=${t('services.form.password')} name="auth.password" type="password" autocomplete="new-password" value=${v.auth.password} onInput=${setAuth('password')} error=${fe('auth.password')} />`}
      ${v.auth_type === 'bearer' && html`<${Field} label=${t('services.form.token')} name="auth.token" type="password" autocomplete="off" value=${v.auth.token} onInput=${setAuth('token')} error=${fe('auth.token')} />`}
      ${v.auth_type === 'header' && html`
        <${Field} label=${t('services.form.header_name')} name="auth.name" value=${v.auth.name} onInput=${setAuth('name')} error=${fe('auth.name')} />
        <${Field} label=${t('services.form.header_value')} name="auth.value" type="password" autocomplete="off" value=${v.auth.value} onInput=${setAuth('value')} error=${fe('auth.value')} />`}
    </fieldset>`}
    </details>
    <div class="form-actions">
      <${Button} kind="primary" type="submit" busy=${busy}>${service ? t('services.form.save') : t('services.form.create')}<//>
      <a class="btn" href=${service ? `/services/${service.id}` : '/'}>${t('common.cancel')}</a>
    </div>
  </form>`;
}

export function ServiceNew({ profile }) {
  return html`<${PageHeader} title=${t('services.new.title')} subtitle=${t('services.new.subtitle')} /><${ServiceForm} profile=${profile} />`;
}

export function ServiceEdit({ params }) {
  const res = useResource(() => api.get(`/services/${params.id}`), [params.id]);
  return html`<${Resource} res=${res}>${(s) => html`<${PageHeader} title=${t('services.edit.title', { name: s.name })} /><${ServiceForm} service=${s} />`}<//>`;
}

export function ServiceDetail({ params, org }) {
  const mayEdit = can(org, 'member');
  const id = params.id;
  const [range, setRange] = useState('recent');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [busy, setBusy] = useState('');
  const [dialog, confirm] = useConfirm();

  // Refreshes every 5 s like the dashboard; the chart redraws only when its data change.
  async function load() {
    try {
      const svc = api.get(`/services/${id}`);
      const service = await svc;
      const chart = await loadChart(service, range);
      const [uptime, checks, alerts, ssl, rules, locations, beats] = await Promise.all([
        api.get(`/services/${id}/uptime?${chart.uptimeQuery}`),
        api.get(`/services/${id}/checks?limit=20`), api.get(`/alerts?service_id=${id}&status=open&limit=20`),
        certificateOf(id, svc.catch(() => null)),
        api.get('/alert-rules'),
        // Only for the chips' offline/degraded state: the page works without it.
        api.get('/locations').catch(() => null),
        loadBeats([id], []),
      ]);
      setData((old) => ({
        service, uptime, checks, ssl, alerts, locations, beats: beats.services[id] || [],
        rules: rules.filter((r) => r.service_id === id || (!r.service_id && !r.heartbeat_id)),
        // Same points: keep the old object, so the chart is not drawn again.
        chart: old && old.range === range && JSON.stringify(old.chart) === JSON.stringify(chart) ? old.chart : chart,
        range,
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

  if (!data) return error ? html`<${PageHeader} title=${t('services.detail.title')} /><${ErrorBanner} error=${error} />` : html`<${Loading} />`;
  const { service: s, uptime, checks, alerts, ssl, chart, rules, locations, beats } = data;
  const lines = chart.lines.length > 1;
  return html`
    <${PageHeader} title=${s.name} subtitle=${`${s.check_type} · ${s.endpoint}`}>
      <${StatusBadge} status=${s.status} />
      ${mayEdit && html`${s.paused ? html`<${Button} busy=${busy === 'resume'} onClick=${() => action('resume', t('services.detail.resumed'))}>${t('services.detail.resume')}<//>`
        : html`<${Button} busy=${busy === 'pause'} onClick=${() => action('pause', t('services.detail.paused'))}>${t('services.detail.pause')}<//>`}
      <${Button} busy=${busy === 'check'} onClick=${() => action('check', t('services.detail.checked'))}>${t('services.detail.check_now')}<//>
      <a class="btn" href=${`/services/${id}/edit`}>${t('common.edit')}</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del(`/services/${id}`); toast(t('services.detail.deleted')); navigate('/'); },
        { title: t('services.detail.delete_title'), body: t('services.detail.delete_body', { name: s.name }), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>`}
    <//>
    <${RoleNote} org=${org} min="member" what=${t('services.detail.role_what')} />
    ${dialog}
    <${ErrorBanner} error=${actionError} />
    ${error && html`<${ErrorBanner} error=${new Error(t('services.detail.refresh_failed', { error: error.message }))} />`}
    <${LastCheckNotice} service=${s} />
    <div class="grid">
      <div class="card"><div class="muted">${t('services.detail.uptime', { range: rangeLabel(data.range) })}</div><div class="stat">${uptime.uptime_percentage != null ? fmtPercent(uptime.uptime_percentage, 3) : '—'}</div>
        <div class="muted">${uptime.note || t('services.detail.uptime_figures', { total: uptime.total_checks, failed: uptime.failed_checks, down: fmtDuration(uptime.downtime_seconds) })}</div></div>
      <div class="card"><div class="muted">${t('services.detail.last_response')}</div><div class="stat">${fmtMs(s.last_response_time_ms)}</div><div class="muted">${fmtAgo(s.last_checked_at)}${s.last_status_code ? ` · HTTP ${s.last_status_code}` : ''}</div></div>
      <div class="card"><div class="muted">${t('services.detail.every')}</div><div class="stat">${fmtDuration(s.check_interval_seconds)}</div><div class="muted">${t('services.detail.timeout', { seconds: s.timeout_seconds })}</div></div>
    </div>
    <${LocationChips} service=${s} locations=${locations} />
    <section class="card" aria-labelledby="beats-h">
      <h2 id="beats-h">${t('services.detail.beats_title', { n: BEATS })}</h2>
      <${BeatBar} beats=${beats} beatKey=${'s:' + id} label=${t('services.detail.beats_label', { n: BEATS, name: s.name })} />
      <${BeatTips} find=${() => beats} />
      <p class="muted small">${t('services.detail.beats_hint')}</p>
    </section>
    <section class="card" aria-labelledby="chart-h">
      <div class="row">
        <h2 id="chart-h">${t('services.detail.response_time')}</h2>
        <${RangePicker} range=${range} onPick=${setRange} />
      </div>
      <div data-chart-range=${data.range}>
        <${ResponseChart} key=${data.range} lines=${chart.lines} service=${chart.service} periods=${chart.periods} from=${chart.from} to=${chart.to} />
      </div>
      <p class="muted">${t('services.detail.chart_hint', { resolution: chart.resolution })}</p>
    </section>
    ${chart.resolution !== 'raw' && html`<section class="card" aria-labelledby="daily-h">
      <h2 id="daily-h">${t('services.detail.daily', { range: rangeLabel(data.range) })}</h2>
      <${DailyBars} points=${chart.service} from=${chart.from} to=${chart.to} />
      <p class="muted">${t('services.detail.daily_hint')}</p>
    </section>`}
    <section>
      <h2>${t('services.detail.open_alerts')}</h2>
      ${alerts.length === 0 ? html`<p class="muted">${t('services.detail.no_alerts')}</p>` : html`<${Table} caption=${t('services.detail.open_alerts')} rows=${alerts} columns=${[
        { label: t('services.col.alert'), render: (a) => html`<a href=${'/alerts/' + a.id}>${a.title}</a>` },
        { label: t('common.status'), render: (a) => html`<${StatusBadge} status=${a.status} />` },
        { label: t('services.col.severity'), key: 'severity' },
        { label: t('services.col.failing_locations'), render: (a) => (a.failing_regions || []).join(', ') || '—' },
        { label: t('services.col.fired'), render: (a) => fmtTime(a.fired_at) }]} />`}
    </section>
    <section>
      <h2>${t('services.detail.rules')}</h2>
      ${rules.length === 0 ? html`<p class="muted">${t('services.detail.no_rules')}${mayEdit && html` <a href="/rules/new">${t('services.detail.add_rule')}</a>.`}</p>`
        : html`<ul>${rules.map((r) => html`<li>${mayEdit ? html`<a href=${'/rules/' + r.id + '/edit'}>${r.name}</a>` : r.name} — ${r.severity}, ${r.condition.consecutive_failures}× ${r.condition.statuses.join('/')}${r.service_id ? '' : ' (' + t('services.detail.every_service') + ')'}${r.enabled ? '' : ' (' + t('services.detail.rule_disabled') + ')'}</li>`)}</ul>`}
    </section>
    ${ssl && html`<section class="card"><h2>${t('services.detail.certificate')}</h2><dl class="props">
      <dt>${t('services.detail.domain')}</dt><dd>${ssl.domain}</dd><dt>${t('services.detail.issuer')}</dt><dd>${ssl.issuer}</dd><dt>${t('services.detail.valid_until')}</dt><dd>${fmtTime(ssl.valid_to)} (${t('services.detail.days', { count: ssl.days_until_expiry })})</dd><dt>${t('common.status')}</dt><dd>${ssl.state}</dd>
    </dl></section>`}
    <section>
      <h2>${t('services.detail.recent_checks')}</h2>
      ${checks.length === 0 ? html`<p class="muted">${t('services.detail.no_checks')}</p>`
        : html`<${Table} caption=${t('services.detail.recent_checks')} rowKey=${(c) => `${c.checked_at}/${c.location}`} rows=${checks} columns=${[
          { label: t('services.col.when'), render: (c) => fmtTime(c.checked_at) },
          ...(lines ? [{ label: t('services.col.location'), render: (c) => c.location }] : []),
          { label: t('common.status'), render: (c) => html`<${StatusBadge} status=${c.status} />` },
          { label: t('services.col.response'), class: 'num', render: (c) => fmtMs(c.response_time_ms) },
          { label: t('services.col.code'), class: 'num', render: (c) => c.status_code || '—' },
          { label: t('services.col.error'), render: (c) => c.error || '' }]} />`}
    </section>`;
}
