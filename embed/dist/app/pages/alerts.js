// Alerts: list with status filter and each alert's reason, acknowledge/resolve (for
// responders and above), and the detail with its timeline and notes. Polls every 5 s like
// the dashboard.
import { html, useState, useRef } from '../html.js';
import { api } from '../api.js';
import { usePoll } from '../poll.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, StatusBadge, Loading, toast, fmtTime, fmtAgo, useForm, rowFocus } from '../ui.js';
import { can, RoleNote } from '../roles.js';
import { AlertTimeline } from '../alert-timeline.js';
import { t } from '../i18n.js';

// "open" = firing and acknowledged (api/alerts.go).
function statuses() {
  return [['open', t('alerts.filter.open')], ['firing', t('alerts.filter.firing')], ['acknowledged', t('alerts.filter.acknowledged')], ['resolved', t('alerts.filter.resolved')], ['all', t('alerts.filter.all')]];
}

// keepFocus is rowFocus for actions outside a table (the detail page): once the actions
// have been redrawn, focus goes to the next action left (Resolve after Acknowledge), else
// to the page's heading — never to the body, where a keyboard user starts over.
function keepFocus(box) {
  return () => {
    const fix = () => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const next = box.current && box.current.isConnected ? box.current.querySelector('button:not([disabled])') : null;
      const target = next || document.querySelector('main h1');
      if (target) target.focus();
    };
    const main = document.getElementById('main') || document.body;
    const watch = new MutationObserver(fix);
    watch.observe(main, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    setTimeout(() => watch.disconnect(), 3000);
    setTimeout(fix, 0);
  };
}

function AlertActions({ alert, onDone, org }) {
  const [busy, setBusy] = useState('');
  const [error, setError] = useState(null);
  const box = useRef(null);
  if (!can(org, 'responder')) return null;
  async function act(action, label, ev) {
    // In a row, the row's next action takes focus (rowFocus); on the detail page, the next action.
    const inRow = ev.currentTarget.closest('tr[data-row-key]');
    const refocus = inRow ? rowFocus(ev.currentTarget) : keepFocus(box);
    setBusy(action); setError(null);
    try { await api.post(`/alerts/${alert.id}/${action}`); toast(label); refocus(); onDone(); window.dispatchEvent(new Event('alerts-changed')); } catch (e) { setError(e); } finally { setBusy(''); }
  }
  return html`<div class="row" ref=${box}>
    ${alert.status === 'firing' && html`<${Button} busy=${busy === 'acknowledge'} onClick=${(e) => act('acknowledge', t('alerts.acknowledged'), e)} aria-label=${t('alerts.acknowledge_label', { title: alert.title })}>${t('alerts.acknowledge')}<//>`}
    ${alert.status !== 'resolved' && html`<${Button} busy=${busy === 'resolve'} onClick=${(e) => act('resolve', t('alerts.resolved'), e)} aria-label=${t('alerts.resolve_label', { title: alert.title })}>${t('alerts.resolve')}<//>`}
    ${error && html`<span class="field-error" role="alert">${error.message}</span>`}
  </div>`;
}

// alertSubject is the line under an alert's title: its service (and the probe locations
// whose failures fired it), or for an alert about a probe location itself, that.
function alertSubject(a) {
  if (a.kind && a.kind.startsWith('location.')) return t('alerts.probe_location');
  const regions = (a.failing_regions || []).length ? ' · ' + t('alerts.failing_in', { regions: a.failing_regions.join(', ') }) : '';
  return (a.service_name || '') + regions;
}

export function Alerts({ query, org }) {
  const status = query.get('status') ?? 'open';
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const load = async () => {
    try { setList(await api.get(`/alerts?limit=200${status && status !== 'all' ? '&status=' + status : ''}`)); setError(null); } catch (e) { setError(e); }
  };
  usePoll(load, 5000, [status]);
  return html`<${PageHeader} title=${t('alerts.title')} subtitle=${t('alerts.subtitle')} />
    <div class="tabs" role="group" aria-label=${t('alerts.filter_label')}>${statuses().map(([k, label]) => html`<button type="button" class="btn btn-small" aria-pressed=${status === k ? 'true' : 'false'} onClick=${() => navigate('/alerts?status=' + k)}>${label}</button>`)}</div>
    <${ErrorBanner} error=${error} />
    <${RoleNote} org=${org} min="responder" what=${t('alerts.role_what')} />
    ${list === null ? html`<${Loading} />` : list.length === 0
      ? html`<${EmptyState} title=${status === 'open' ? t('alerts.empty_open_title') : t('alerts.empty_title')}>${status === 'open' ? t('alerts.empty_open_body') : t('alerts.empty_body')}<//>`
      : html`<${Table} caption=${t('alerts.title')} rows=${list} columns=${[
        { label: t('alerts.col.alert'), render: (a) => html`<a href=${'/alerts/' + a.id}>${a.title}</a><div class="muted">${alertSubject(a)}</div>${a.message && html`<div class="alert-reason" data-reason>${a.message}</div>`}` },
        { label: t('common.status'), render: (a) => html`<${StatusBadge} status=${a.status} />` },
        { label: t('alerts.severity'), key: 'severity' },
        { label: t('alerts.fired'), render: (a) => html`<span title=${fmtTime(a.fired_at)}>${fmtAgo(a.fired_at)}</span>` },
        { label: t('alerts.failures'), class: 'num', key: 'failure_count' },
        ...(can(org, 'responder') ? [{ label: t('common.actions'), render: (a) => html`<${AlertActions} alert=${a} org=${org} onDone=${load} />` }] : [])]} />`}`;
}

export function AlertDetail({ params, org }) {
  const [alert, setAlert] = useState(null);
  const [deliveries, setDeliveries] = useState([]);
  const [error, setError] = useState(null);
  const note = useForm({ text: '' });
  const load = async () => {
    try {
      const [a, d] = await Promise.all([api.get('/alerts/' + params.id), api.get(`/alerts/${params.id}/deliveries`)]);
      setAlert(a); setDeliveries(d); setError(null);
    } catch (e) { setError(e); }
  };
  usePoll(load, 5000, [params.id]);
  async function addNote(e) {
    e.preventDefault();
    if (await note.submit((v) => api.post(`/alerts/${params.id}/notes`, v).then(() => true))) { note.setValues({ text: '' }); load(); }
  }
  if (!alert) return error ? html`<${ErrorBanner} error=${error} />` : html`<${Loading} />`;
  return html`<${PageHeader} title=${alert.title} subtitle=${alert.service_name ? t('alerts.service_subtitle', { name: alert.service_name }) : ''}><${StatusBadge} status=${alert.status} /><//>
    <${ErrorBanner} error=${error} />
    <div class="card"><p>${alert.message}</p><dl class="props">
      <dt>${t('alerts.severity')}</dt><dd>${alert.severity}</dd><dt>${t('alerts.fired')}</dt><dd>${fmtTime(alert.fired_at)}</dd>
      <dt>${t('alerts.acknowledged')}</dt><dd>${alert.acknowledged_at ? t('alerts.at_by', { at: fmtTime(alert.acknowledged_at), name: alert.acknowledged_by_name || t('alerts.former_member') }) : '—'}</dd>
      <dt>${t('alerts.resolved')}</dt><dd>${alert.resolved_at ? (alert.resolved_by ? t('alerts.at_by', { at: fmtTime(alert.resolved_at), name: alert.resolved_by_name || t('alerts.former_member') }) : t('alerts.at_auto', { at: fmtTime(alert.resolved_at) })) : '—'}</dd>
      <dt>${t('alerts.failures')}</dt><dd>${alert.failure_count}</dd><dt>${t('alerts.escalation_level')}</dt><dd>${alert.escalation_level}</dd>
      ${alert.service_id && html`<dt>${t('alerts.service')}</dt><dd><a href=${'/services/' + alert.service_id}>${alert.service_name || t('alerts.open_service')}</a></dd>`}
      ${(alert.failing_regions || []).length > 0 && html`<dt>${t('alerts.failing_locations')}</dt><dd data-failing-regions>${alert.failing_regions.join(', ')}</dd>`}
      ${alert.kind && alert.kind.startsWith('location.') && html`<dt>${t('alerts.probe_location')}</dt><dd><a href="/locations">${alert.kind === 'location.offline' ? t('alerts.location_offline') : t('alerts.location_degraded')}</a></dd>`}
    </dl><${AlertActions} alert=${alert} org=${org} onDone=${load} /><${RoleNote} org=${org} min="responder" what=${t('alerts.role_what_detail')} /></div>
    <h2>${t('alerts.timeline')}</h2>
    <${AlertTimeline} alert=${alert} deliveries=${deliveries} />
    <h2>${t('alerts.notes')}</h2>
    ${(alert.notes || []).length === 0 ? html`<p class="muted">${t('alerts.no_notes')}</p>` : html`<ul>${alert.notes.map((n) => html`<li><span class="muted">${fmtTime(n.at)} · ${n.user_name || t('alerts.former_member')}</span> — ${n.text}</li>`)}</ul>`}
    ${can(org, 'responder') && html`<form class="form" onSubmit=${addNote}>
      <${ErrorBanner} error=${note.error} shownFields=${['text']} />
      <${Field} label=${t('alerts.note_label')} name="text" as="textarea" value=${note.values.text} onInput=${note.set('text')} error=${note.fieldError('text')} />
      <${Button} kind="primary" type="submit" busy=${note.busy}>${t('alerts.add_note')}<//>
    </form>`}`;
}
