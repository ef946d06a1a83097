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

// isLatest reports whether d is the newest logged attempt of its delivery (only that
// one says whether the delivery is still dead-lettered).
function isLatest(list, d) {
  return !list.some((x) => x.delivery_id === d.delivery_id && x.id !== d.id && new Date(x.timestamp) > new Date(d.timestamp));
}

export function Channels({ org }) {
  const res = useResource(() => api.get('/notification-channels'), []);
  const mayEdit = can(org, 'member');
  const add = mayEdit && html`<a class="btn btn-primary" href="/channels/new">Add a channel</a>`;
  return html`<${PageHeader} title="Notification channels" subtitle="Where alerts are sent.">${add}<//>
    <${RoleNote} org=${org} min="member" what="adding, editing, testing and deleting channels" />
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title="No channels yet" action=${add}>
          Add a channel (e-mail, Slack, a webhook, ...) so alerts reach someone. Until then alerts show only here.<//>`
      : html`<${Table} caption="Notification channels" rows=${list} columns=${[
        { label: 'Name', render: (c) => html`<a href=${'/channels/' + c.id}>${c.name}</a>` },
        { label: 'Type', render: (c) => CHANNEL_TYPES[c.type]?.label || c.type },
        { label: 'Enabled', render: (c) => (c.enabled ? 'Yes' : 'No') },
        { label: 'Severities', render: (c) => (c.severities || []).join(', ') },
        { label: 'Last delivery', render: (c) => (c.last_error ? html`<span class="field-error">${c.last_error}</span>` : fmtAgo(c.last_delivery_at)) }]} />`}<//>`;
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
      toast(channel ? 'Channel saved' : 'Channel created');
      navigate('/channels/' + saved.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const shown = ['name', 'type', 'enabled', 'severities', ...spec.fields.map((f) => 'config.' + f.key)];
  return html`${v.type === 'webhook' && html`<p class="explain" data-explain>A Webhook channel receives <em>alerts</em> (fired, escalated, acknowledged, resolved) filtered by the severities below;
      to stream other events (services down and up, incidents, SSL, maintenance) to your systems, use <a href="/webhooks">Webhooks</a>.</p>`}
  <form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${shown} />
    <${Field} label="Type" name="type" as="select" value=${v.type} disabled=${!!channel}
      options=${Object.entries(CHANNEL_TYPES).map(([k, t]) => ({ value: k, label: t.label }))}
      onInput=${(t) => setV((o) => ({ ...o, type: t, config: configInputs(t, {}) }))} error=${fe('type')} />
    <${Field} label="Name" name="name" required value=${v.name} onInput=${(x) => setV((o) => ({ ...o, name: x }))} error=${fe('name')} />
    <fieldset><legend>${spec.label} settings</legend>
      ${channel && html`<p class="hint">Secret fields show ******** — leave them as they are to keep the stored value.</p>`}
      ${spec.fields.map((f) => html`<${Field} key=${v.type + f.key} label=${f.label + (f.required ? '' : ' (optional)')} name=${'config.' + f.key} hint=${f.hint}
        type=${f.kind === 'number' ? 'number' : f.secret && f.kind !== 'headers' && f.key !== 'url' ? 'password' : 'text'}
        as=${f.kind === 'select' ? 'select' : f.kind === 'headers' ? 'textarea' : undefined} options=${f.options}
        autocomplete="off" value=${v.config[f.key]} onInput=${setCfg(f.key)} error=${fe('config.' + f.key)} />`)}
    </fieldset>
    <fieldset><legend>Send alerts of severity</legend>
      ${SEVERITIES.map((s) => html`<${Field} type="checkbox" label=${s} name=${'sev-' + s} value=${v.severities.includes(s)} onInput=${() => toggleSeverity(s)} />`)}
      ${fe('severities') && html`<div class="field-error">${fe('severities')}</div>`}
    </fieldset>
    <${Field} type="checkbox" label="Enabled" name="enabled" value=${v.enabled} onInput=${(x) => setV((o) => ({ ...o, enabled: x }))} error=${fe('enabled')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${channel ? 'Save changes' : 'Create channel'}<//>
      <a class="btn" href=${channel ? '/channels/' + channel.id : '/channels'}>Cancel</a></div>
  </form>`;
}

export function ChannelNew() {
  return html`<${PageHeader} title="Add a notification channel" /><${ChannelForm} />`;
}

export function ChannelEdit({ params }) {
  const res = useResource(() => api.get('/notification-channels/' + params.id), [params.id]);
  return html`<${Resource} res=${res}>${(c) => html`<${PageHeader} title=${'Edit ' + c.name} /><${ChannelForm} channel=${c} />`}<//>`;
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
    try { await api.post(`/deliveries/${d.delivery_id}/retry`); setRetried((o) => ({ ...o, [d.delivery_id]: 'queued' })); toast('Delivery queued again'); }
    catch (e) { setRetried((o) => ({ ...o, [d.delivery_id]: e })); }
  }
  async function sendTest() {
    setBusy(true); setTest(null); setTestError(null);
    try { setTest(await api.post(`/notification-channels/${id}/test`)); res.reload(); } catch (e) { setTestError(e); } finally { setBusy(false); }
  }
  return html`<${Resource} res=${res}>${([c, deliveries]) => html`
    <${PageHeader} title=${c.name} subtitle=${CHANNEL_TYPES[c.type]?.label || c.type}>
      ${mayEdit && html`<${Button} kind="primary" busy=${busy} onClick=${sendTest}>Send test<//>
      <a class="btn" href=${`/channels/${id}/edit`}>Edit</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/notification-channels/' + id); navigate('/channels'); },
        { title: 'Delete this channel?', body: 'Alerts will no longer be sent here.', label: 'Delete', danger: true })}>Delete<//>`}
    <//>
    <${RoleNote} org=${org} min="member" what="testing, editing and deleting this channel" />
    ${dialog}
    <${ErrorBanner} error=${testError} />
    ${test && (test.delivered ? html`<${Banner} kind="success">Test delivered${test.status_code ? ` (HTTP ${test.status_code})` : ''}.<//>`
      : html`<${Banner}>Test failed: ${test.error || `HTTP ${test.status_code}`} ${test.response ? '— ' + test.response.slice(0, 200) : ''}<//>`)}
    ${c.last_error && html`<${Banner} kind="warn">Last error: ${c.last_error}<//>`}
    <h2>Delivery log</h2>
    ${deliveries.length === 0 ? html`<p class="muted">Nothing sent yet. "Send test" sends a sample message now.</p>`
      : html`<${Table} caption="Deliveries" rows=${deliveries} columns=${[
        { label: 'When', render: (d) => fmtTime(d.timestamp) },
        { label: 'Event', key: 'event' },
        { label: 'Attempt', class: 'num', key: 'attempt' },
        { label: 'Outcome', render: (d) => html`<${StatusBadge} status=${d.outcome} />` },
        { label: 'HTTP', class: 'num', render: (d) => d.status_code ?? '—' },
        { label: 'Error', render: (d) => d.error || '' },
        // Dead-lettered rows (out of attempts, or refused for good) can be queued again.
        { label: 'Actions', render: (d) => mayEdit && (d.outcome === 'dead' || d.outcome === 'permanent') && isLatest(deliveries, d) && (retried[d.delivery_id] === 'queued'
          ? html`<span class="muted">Queued</span>`
          : html`<${Button} aria-label=${'Retry delivery of ' + d.event} onClick=${() => retry(d)}>Retry<//>
            ${retried[d.delivery_id] && html`<div class="field-error" role="alert">${retried[d.delivery_id].message}</div>`}`) }]} />`}`}<//>`;
}
