// Notification channels: list, per-type form, "send test", delivery log.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { CHANNEL_TYPES, SEVERITIES, configInputs, configBody } from '../channel-specs.js';
import {
  Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, StatusBadge, useResource, Resource,
  useConfirm, toast, fmtTime, fmtAgo,
} from '../ui.js';
import { can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

// isLatest reports whether d is the newest logged attempt of its delivery (only that
// one says whether the delivery is still dead-lettered).
// severityText words an alert severity (the checkboxes send the value).
function severityText(s) {
  return { critical: t('channels.severity.critical'), warning: t('channels.severity.warning'), info: t('channels.severity.info') }[s] || s;
}

function isLatest(list, d) {
  return !list.some((x) => x.delivery_id === d.delivery_id && x.id !== d.id && new Date(x.timestamp) > new Date(d.timestamp));
}

export function Channels({ org }) {
  const res = useResource(() => api.get('/notification-channels'), []);
  const mayEdit = can(org, 'member');
  const add = mayEdit && html`<a class="btn btn-primary" href="/channels/new">${t('channels.add')}</a>`;
  return html`<${PageHeader} title=${t('channels.title')} subtitle=${t('channels.subtitle')}>${add}<//>
    <${RoleNote} org=${org} min="member" what=${t('channels.role_what')} />
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title=${t('channels.empty_title')} action=${add}>${t('channels.empty_body')}<//>`
      : html`<${Table} caption=${t('channels.title')} rows=${list} columns=${[
        { label: t('common.name'), render: (c) => html`<a href=${'/channels/' + c.id}>${c.name}</a>` },
        { label: t('channels.type'), render: (c) => CHANNEL_TYPES[c.type]?.label || c.type },
        { label: t('common.enabled'), render: (c) => (c.enabled ? t('common.yes') : t('common.no')) },
        { label: t('channels.severities'), render: (c) => (c.severities || []).join(', ') },
        { label: t('channels.last_delivery'), render: (c) => (c.last_error ? html`<span class="field-error">${c.last_error}</span>` : fmtAgo(c.last_delivery_at)) }]} />`}<//>`;
}

function ChannelForm({ channel }) {
  const [v, setV] = useState(() => ({
    name: channel?.name || '', type: channel?.type || 'webhook', enabled: channel?.enabled ?? true,
    severities: channel?.severities || [...SEVERITIES], config: configInputs(channel?.type || 'webhook', channel?.config),
  }));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  const spec = CHANNEL_TYPES[v.type];
  const setCfg = (k) => (x) => setV((o) => ({ ...o, config: { ...o.config, [k]: x } }));
  function toggleSeverity(s) {
    setV((o) => ({ ...o, severities: o.severities.includes(s) ? o.severities.filter((x) => x !== s) : [...o.severities, s] }));
  }
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { name: v.name, type: v.type, enabled: v.enabled, severities: v.severities, config: configBody(v.type, v.config) };
    try {
      const saved = channel ? await api.put(`/notification-channels/${channel.id}`, body) : await api.post('/notification-channels', body);
      toast(channel ? t('channels.saved') : t('channels.created'));
      navigate('/channels/' + saved.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const shown = ['name', 'type', 'enabled', 'severities', ...spec.fields.map((f) => 'config.' + f.key)];
  return html`${v.type === 'webhook' && html`<p class="explain" data-explain>${t('channels.webhook_explain')} <a href="/webhooks">${t('channels.webhooks_link')}</a>.</p>`}
  <form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${shown} />
    <${Field} label=${t('channels.type')} name="type" as="select" value=${v.type} disabled=${!!channel}
      options=${Object.entries(CHANNEL_TYPES).map(([k, ct]) => ({ value: k, label: ct.label }))}
      onInput=${(type) => setV((o) => ({ ...o, type, config: configInputs(type, {}) }))} error=${fe('type')} />
    <${Field} label=${t('common.name')} name="name" required value=${v.name} onInput=${(x) => setV((o) => ({ ...o, name: x }))} error=${fe('name')} />
    <fieldset><legend>${t('channels.settings', { type: spec.label })}</legend>
      ${channel && html`<p class="hint">${t('channels.secret_hint')}</p>`}
      ${spec.fields.map((f) => html`<${Field} key=${v.type + f.key} label=${f.required ? f.label : t('channels.optional', { label: f.label })} name=${'config.' + f.key} hint=${f.hint}
        type=${f.kind === 'number' ? 'number' : f.secret && f.kind !== 'headers' && f.key !== 'url' ? 'password' : 'text'}
        as=${f.kind === 'select' ? 'select' : f.kind === 'headers' ? 'textarea' : undefined} options=${f.options}
        autocomplete="off" value=${v.config[f.key]} onInput=${setCfg(f.key)} error=${fe('config.' + f.key)} />`)}
    </fieldset>
    <fieldset><legend>${t('channels.send_severity')}</legend>
      ${SEVERITIES.map((s) => html`<${Field} type="checkbox" label=${severityText(s)} name=${'sev-' + s} value=${v.severities.includes(s)} onInput=${() => toggleSeverity(s)} />`)}
      ${fe('severities') && html`<div class="field-error">${fe('severities')}</div>`}
    </fieldset>
    <${Field} type="checkbox" label=${t('common.enabled')} name="enabled" value=${v.enabled} onInput=${(x) => setV((o) => ({ ...o, enabled: x }))} error=${fe('enabled')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${channel ? t('channels.save') : t('channels.create')}<//>
      <a class="btn" href=${channel ? '/channels/' + channel.id : '/channels'}>${t('common.cancel')}</a></div>
  </form>`;
}

export function ChannelNew({ org }) {
  if (!can(org, 'member')) return html`<${PageHeader} title=${t('channels.new_title')} /><${RoleNote} org=${org} min="member" what=${t('channels.role_what')} />`;
  return html`<${PageHeader} title=${t('channels.new_title')} /><${ChannelForm} />`;
}

export function ChannelEdit({ params }) {
  const res = useResource(() => api.get('/notification-channels/' + params.id), [params.id]);
  return html`<${Resource} res=${res}>${(c) => html`<${PageHeader} title=${t('channels.edit_title', { name: c.name })} /><${ChannelForm} channel=${c} />`}<//>`;
}

export function ChannelDetail({ params, org }) {
  const mayEdit = can(org, 'member');
  const id = params.id;
  const res = useResource(() => Promise.all([api.get('/notification-channels/' + id), api.get(`/notification-channels/${id}/deliveries?limit=50`)]), [id]);
  const [test, setTest] = useState(null);
  const [testError, setTestError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const [retried, setRetried] = useState({}); // delivery_id → 'queued' | ApiError
  async function retry(d) {
    try { await api.post(`/deliveries/${d.delivery_id}/retry`); setRetried((o) => ({ ...o, [d.delivery_id]: 'queued' })); toast(t('channels.requeued')); }
    catch (e) { setRetried((o) => ({ ...o, [d.delivery_id]: e })); }
  }
  async function sendTest() {
    setBusy(true); setTest(null); setTestError(null);
    try { setTest(await api.post(`/notification-channels/${id}/test`)); res.reload(); } catch (e) { setTestError(e); } finally { setBusy(false); }
  }
  return html`<${Resource} res=${res}>${([c, deliveries]) => html`
    <${PageHeader} title=${c.name} subtitle=${CHANNEL_TYPES[c.type]?.label || c.type}>
      ${mayEdit && html`<${Button} kind="primary" busy=${busy} onClick=${sendTest}>${t('channels.send_test')}<//>
      <a class="btn" href=${`/channels/${id}/edit`}>${t('common.edit')}</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/notification-channels/' + id); navigate('/channels'); },
        { title: t('channels.delete_title'), body: t('channels.delete_body'), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>`}
    <//>
    <${RoleNote} org=${org} min="member" what=${t('channels.role_what_detail')} />
    ${dialog}
    <${ErrorBanner} error=${testError} />
    ${test && (test.delivered ? html`<${Banner} kind="success">${test.status_code ? t('channels.test_delivered_code', { code: test.status_code }) : t('channels.test_delivered')}<//>`
      : html`<${Banner}>${t('channels.test_failed', { error: test.error || `HTTP ${test.status_code}` })} ${test.response ? '— ' + test.response.slice(0, 200) : ''}<//>`)}
    ${c.last_error && html`<${Banner} kind="warn">${t('channels.last_error', { error: c.last_error })}<//>`}
    <h2>${t('channels.log')}</h2>
    ${deliveries.length === 0 ? html`<p class="muted">${t('channels.log_empty')}</p>`
      : html`<${Table} caption=${t('channels.deliveries')} rows=${deliveries} columns=${[
        { label: t('channels.col.when'), render: (d) => fmtTime(d.timestamp) },
        { label: t('channels.col.event'), key: 'event' },
        { label: t('channels.col.attempt'), class: 'num', key: 'attempt' },
        { label: t('channels.col.outcome'), render: (d) => html`<${StatusBadge} status=${d.outcome} />` },
        { label: 'HTTP', class: 'num', render: (d) => d.status_code ?? '—' },
        { label: t('channels.col.error'), render: (d) => d.error || '' },
        // Dead-lettered rows (out of attempts, or refused for good) can be queued again.
        { label: t('common.actions'), render: (d) => mayEdit && (d.outcome === 'dead' || d.outcome === 'permanent') && isLatest(deliveries, d) && (retried[d.delivery_id] === 'queued'
          ? html`<span class="muted">${t('channels.queued')}</span>`
          : html`<${Button} aria-label=${t('channels.retry_label', { event: d.event })} onClick=${() => retry(d)}>${t('channels.retry')}<//>
            ${retried[d.delivery_id] && html`<div class="field-error" role="alert">${retried[d.delivery_id].message}</div>`}`) }]} />`}`}<//>`;
}
