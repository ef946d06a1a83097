// Audit-log retention and streaming, shown on the audit-log page (admins and owners): how
// long entries are kept, and the destinations every entry is delivered to, in order —
// Splunk HEC, Datadog logs, Elastic _bulk or a signed webhook — with where delivery
// stands and a button that sends one test event.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, Table, EmptyState, useResource, Resource, useConfirm, useForm, toast, fmtAgo } from '../ui.js';
import { t, language } from '../i18n.js';

const MASK = '********';

// fieldsOf lists the settings of a destination type: [name, secret?]. The URL is asked
// for separately (Datadog may go without one: its site names the intake).
function fieldsOf(type) {
  return {
    splunk_hec: [['token', true], ['index'], ['source'], ['sourcetype'], ['host']],
    datadog: [['api_key', true], ['site'], ['service'], ['tags']],
    elastic: [['index'], ['api_key', true], ['username'], ['password', true]],
    webhook: [['secret', true]],
  }[type] || [];
}

const TYPES = ['splunk_hec', 'datadog', 'elastic', 'webhook'];
const SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ap2.datadoghq.com', 'ddog-gov.com'];

function typeName(type) {
  return { splunk_hec: t('audit_streams.type.splunk_hec'), datadog: t('audit_streams.type.datadog'),
    elastic: t('audit_streams.type.elastic'), webhook: t('audit_streams.type.webhook') }[type] || type;
}

function settingLabel(name) {
  return { token: t('audit_streams.field.token'), index: t('audit_streams.field.index'), source: t('audit_streams.field.source'),
    sourcetype: t('audit_streams.field.sourcetype'), host: t('audit_streams.field.host'), api_key: t('audit_streams.field.api_key'),
    site: t('audit_streams.field.site'), service: t('audit_streams.field.service'), tags: t('audit_streams.field.tags'),
    username: t('audit_streams.field.username'), password: t('audit_streams.field.password'), secret: t('audit_streams.field.secret') }[name] || name;
}

// Retention says how long the organization's entries are kept and who decided it.
export function Retention() {
  const res = useResource(() => api.get('/audit-logs/retention'), []);
  return html`<${Resource} res=${res}>${(r) => html`<p data-audit-retention=${r.retention_days}>
    ${t('audit_streams.retention', { count: r.retention_days, days: r.retention_days.toLocaleString(language()) })}
    ${' '}<span class="muted">${r.source === 'plan' ? t('audit_streams.retention_plan', { plan: r.plan_type }) : t('audit_streams.retention_admin')}</span></p>`}<//>`;
}

// StreamForm creates a destination, or edits one (stream): credentials are write-only, so
// they start empty and an empty one is sent back as the mask (kept).
function StreamForm({ stream, onDone, onCancel }) {
  const initial = stream ? { name: stream.name, type: stream.type, url: stream.url, enabled: stream.enabled,
    config: Object.fromEntries(Object.entries(stream.config).map(([k, v]) => [k, v === MASK ? '' : v])) }
    : { name: '', type: 'splunk_hec', url: '', enabled: true, config: {} };
  const f = useForm(initial);
  const setCfg = (k) => (v) => f.setValues((o) => ({ ...o, config: { ...o.config, [k]: v } }));
  const fields = fieldsOf(f.values.type);
  async function onSubmit(e) {
    e.preventDefault();
    const saved = await f.submit(({ name, type, url, enabled, config }) => {
      const cfg = {};
      for (const [k, secret] of fieldsOf(type)) {
        const v = config[k] || '';
        if (secret && stream && stream.config[k] === MASK && v === '') cfg[k] = config['drop_' + k] ? '' : MASK;
        else if (v !== '') cfg[k] = v;
      }
      const body = { name, url, enabled, config: cfg };
      return stream ? api.put('/audit-streams/' + stream.id, body) : api.post('/audit-streams', { ...body, type });
    });
    if (saved) { toast(t('audit_streams.saved')); onDone(); }
  }
  const id = stream ? 'edit-' : 'new-';
  return html`<form class="card form" onSubmit=${onSubmit} novalidate data-stream-form>
    <h3>${stream ? t('audit_streams.edit_title', { name: stream.name }) : t('audit_streams.new_title')}</h3>
    <${ErrorBanner} error=${f.error} shownFields=${['name', 'type', 'url', ...fields.map(([k]) => 'config.' + k)]} />
    <${Field} label=${t('common.name')} name=${id + 'name'} value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
    ${!stream && html`<${Field} label=${t('audit_streams.type')} name=${id + 'type'} as="select" value=${f.values.type} onInput=${f.set('type')}
      options=${TYPES.map((ty) => ({ value: ty, label: typeName(ty) }))} error=${f.fieldError('type')} />`}
    <${Field} label="URL" name=${id + 'url'} type="url" value=${f.values.url} onInput=${f.set('url')} error=${f.fieldError('url')}
      hint=${{ splunk_hec: t('audit_streams.url_hint.splunk_hec'), datadog: t('audit_streams.url_hint.datadog'), elastic: t('audit_streams.url_hint.elastic'), webhook: t('audit_streams.url_hint.webhook') }[f.values.type]} />
    ${fields.map(([k, secret]) => k === 'site'
      ? html`<${Field} label=${settingLabel(k)} name=${id + k} as="select" value=${f.values.config[k] || 'datadoghq.com'} onInput=${setCfg(k)} options=${SITES} error=${f.fieldError('config.' + k)} />`
      : html`<${Field} label=${settingLabel(k)} name=${id + k} type=${secret ? 'password' : 'text'} autocomplete=${secret ? 'new-password' : 'off'}
          value=${f.values.config[k] || ''} onInput=${setCfg(k)} error=${f.fieldError('config.' + k)}
          hint=${secret ? (stream && stream.config[k] === MASK ? t('audit_streams.secret_kept_hint') : t('audit_streams.secret_hint')) : undefined} />
        ${secret && stream && stream.config[k] === MASK && html`<${Field} type="checkbox" label=${t('audit_streams.remove_secret', { field: settingLabel(k) })}
          name=${id + 'drop-' + k} value=${!!f.values.config['drop_' + k]} onInput=${setCfg('drop_' + k)} />`}`)}
    <${Field} type="checkbox" label=${t('common.enabled')} name=${id + 'enabled'} value=${f.values.enabled} onInput=${f.set('enabled')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>${stream ? t('common.save') : t('audit_streams.add')}<//>
      ${onCancel && html`<${Button} onClick=${onCancel}>${t('common.cancel')}<//>`}</div>
  </form>`;
}

// StreamStatus says where a destination's delivery stands.
function StreamStatus({ s }) {
  const st = s.status;
  return html`<div data-stream-status>
    ${st.last_error ? html`<div class="field-error">${t('audit_streams.failing', { error: st.last_error })}</div>` : ''}
    <div>${st.last_success_at ? t('audit_streams.last_success', { ago: fmtAgo(st.last_success_at) }) : t('audit_streams.never_delivered')}</div>
    <div class="muted">${t('audit_streams.delivered', { count: st.delivered, n: st.delivered.toLocaleString(language()) })} · ${t('audit_streams.backlog', { count: st.backlog, n: st.backlog.toLocaleString(language()) })}</div>
  </div>`;
}

// Streams lists the destinations with their status, test and edit buttons, and the form.
export function Streams() {
  const res = useResource(() => api.get('/audit-streams'), []);
  const [editing, setEditing] = useState(null);
  const [adding, setAdding] = useState(false);
  const [testResult, setTestResult] = useState(null);
  const [dialog, confirm] = useConfirm();
  async function test(s) {
    setTestResult(null);
    try { setTestResult({ s, r: await api.post(`/audit-streams/${s.id}/test`) }); } catch (e) { setTestResult({ s, e }); }
  }
  return html`<section aria-labelledby="audit-streams-title" data-audit-streams>
    <h2 id="audit-streams-title">${t('audit_streams.title')}</h2>
    <p class="explain">${t('audit_streams.explain')}</p>
    ${testResult && (testResult.e ? html`<${ErrorBanner} error=${testResult.e} />` : testResult.r.delivered
      ? html`<${Banner} kind="success">${t('audit_streams.test_delivered', { name: testResult.s.name, status: testResult.r.status_code })}<//>`
      : html`<${Banner}>${t('audit_streams.test_failed', { name: testResult.s.name, error: testResult.r.error })}${testResult.r.response ? html` <code>${testResult.r.response}</code>` : ''}<//>`)}
    ${dialog}
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<${EmptyState} title=${t('audit_streams.empty_title')}>${t('audit_streams.empty_body')}<//>`
      : html`<${Table} caption=${t('audit_streams.title')} rows=${list} columns=${[
        { label: t('common.name'), render: (s) => html`${s.name}<div class="muted">${typeName(s.type)}${s.enabled ? '' : ' · ' + t('common.disabled')}</div>` },
        { label: 'URL', render: (s) => html`<code>${s.intake_url}</code>` },
        { label: t('common.status'), render: (s) => html`<${StreamStatus} s=${s} />` },
        { label: t('common.actions'), render: (s) => html`<div class="row">
          <${Button} onClick=${() => test(s)} aria-label=${t('audit_streams.test_label', { name: s.name })}>${t('audit_streams.send_test')}<//>
          <${Button} onClick=${() => { setAdding(false); setEditing(s); }} aria-label=${t('audit_streams.edit_label', { name: s.name })}>${t('common.edit')}<//>
          <${Button} kind="danger" aria-label=${t('audit_streams.delete_label', { name: s.name })} onClick=${() => confirm(async () => { await api.del('/audit-streams/' + s.id); res.reload(); },
            { title: t('audit_streams.delete_title'), body: s.name, label: t('common.delete'), danger: true })}>${t('common.delete')}<//></div>` }]} />`}<//>
    ${editing && html`<${StreamForm} key=${editing.id} stream=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`}
    ${!editing && (adding ? html`<${StreamForm} onCancel=${() => setAdding(false)} onDone=${() => { setAdding(false); res.reload(); }} />`
      : html`<${Button} kind="primary" onClick=${() => setAdding(true)}>${t('audit_streams.add')}<//>`)}
  </section>`;
}
