// SLA reports and SSL certificates: read-only views of GET /reports/sla and
// GET /ssl-certificates, with the SLA report downloadable as CSV or PDF; scheduled
// reports (pages/scheduled-reports.js) are linked from the SLA page.
import { html, useState } from '../html.js';
import { api, listAll, download } from '../api.js';
import { PageHeader, Table, EmptyState, ErrorBanner, Button, useResource, Resource, fmtTime, fmtDuration, fmtPercent } from '../ui.js';
import { t, language } from '../i18n.js';

function windows() {
  return [['24h', t('reports.window.24h')], ['7d', t('reports.window.7d')], ['30d', t('reports.window.30d')], ['90d', t('reports.window.90d')], ['custom', t('reports.window.custom')]];
}

// slaQuery builds the query string of the report for the applied filters.
function slaQuery(f, format) {
  const q = new URLSearchParams();
  if (f.window === 'custom') {
    if (f.from) q.set('from', new Date(f.from).toISOString());
    if (f.to) q.set('to', new Date(f.to).toISOString());
  } else q.set('window', f.window);
  if (f.service) q.set('service_ids', f.service);
  if (format) q.set('format', format);
  return q.toString();
}

export function SlaReports() {
  const [form, setForm] = useState({ window: '30d', from: '', to: '', service: '' });
  const [applied, setApplied] = useState(form);
  const [dlError, setDlError] = useState(null);
  const [busy, setBusy] = useState(false);
  const services = useResource(() => listAll('/services'), []);
  const res = useResource(() => api.get('/reports/sla?' + slaQuery(applied)), [slaQuery(applied)]);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const save = (format) => async () => {
    setBusy(true); setDlError(null);
    try { await download('/reports/sla?' + slaQuery(applied, format), 'sla-report.' + format); } catch (e) { setDlError(e); }
    setBusy(false);
  };
  const fieldErr = (k) => res.error && res.error.fields && res.error.fields[k];
  return html`<${PageHeader} title=${t('reports.sla_title')} subtitle=${t('reports.sla_subtitle')}>
      <${Button} busy=${busy} onClick=${save('csv')}>${t('reports.csv')}<//>
      <${Button} busy=${busy} onClick=${save('pdf')}>${t('reports.pdf')}<//>
      <a class="btn" href="/reports/scheduled">${t('reports.scheduled_link')}</a>
    <//>
    <form class="toolbar" aria-label=${t('reports.window_label')} onSubmit=${(e) => { e.preventDefault(); setApplied(form); }}>
      <div class="field"><label for="sla-window">${t('reports.window')}</label>
        <select id="sla-window" name="window" value=${form.window} onChange=${set('window')}>
          ${windows().map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select></div>
      ${form.window === 'custom' && html`
        <div class="field"><label for="sla-from">${t('reports.from')}</label><input id="sla-from" name="from" type="datetime-local" value=${form.from} onInput=${set('from')} />
          ${fieldErr('from') && html`<p class="field-error">${fieldErr('from')}</p>`}</div>
        <div class="field"><label for="sla-to">${t('reports.to')}</label><input id="sla-to" name="to" type="datetime-local" value=${form.to} onInput=${set('to')} />
          ${fieldErr('to') && html`<p class="field-error">${fieldErr('to')}</p>`}</div>`}
      <div class="field"><label for="sla-service">${t('reports.service')}</label>
        <select id="sla-service" name="service" value=${form.service} onChange=${set('service')}>
          <option value="">${t('reports.all_services')}</option>
          ${(services.data || []).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
        </select></div>
      <button type="submit" class="btn">${t('reports.show')}</button>
    </form>
    <${ErrorBanner} error=${dlError} />
    ${res.error && res.data !== undefined && html`<${ErrorBanner} error=${res.error} shownFields=${['from', 'to']} />`}
    <${Resource} res=${res}>${(r) => html`
      <p class="muted">${t('reports.range', { from: fmtTime(r.from), to: fmtTime(r.to) })}</p>
      ${r.services.length === 0
    ? html`<${EmptyState} title=${t('reports.empty_title')}>${t('reports.empty_body')}<//>`
    : html`<${Table} caption=${t('reports.sla_caption')} rows=${r.services} rowKey=${(s) => s.service_id}
          rowClass=${(s) => (s.sla_met === false ? 'row-bad' : undefined)} columns=${[
  { label: t('reports.service'), render: (s) => html`<a href=${'/services/' + s.service_id}>${s.service_name}</a>` },
  { label: t('reports.col.uptime'), render: (s) => (s.uptime_percent == null ? t('reports.no_checks') : fmtPercent(s.uptime_percent, 3)) },
  { label: t('reports.col.target'), render: (s) => fmtPercent(s.sla_target, 2) },
  { label: t('reports.col.met'), render: (s) => (s.sla_met == null ? '—' : s.sla_met ? t('common.yes') : t('common.no')) },
  { label: t('reports.col.checks'), render: (s) => t('reports.checks', { total: s.total_checks, failed: s.failed_checks }) },
  { label: t('reports.col.incidents'), key: 'incident_count' },
  { label: t('reports.col.total_downtime'), render: (s) => fmtDuration(s.total_downtime_seconds) },
  { label: t('reports.col.longest_downtime'), render: (s) => fmtDuration(s.longest_downtime_seconds) },
  { label: 'MTTA', render: (s) => fmtDuration(s.mtta_seconds) },
  { label: 'MTTR', render: (s) => fmtDuration(s.mttr_seconds) },
  { label: t('reports.col.planned_downtime'), render: (s) => fmtDuration(s.planned_downtime_seconds) }]} />`}`}<//>`;
}

function certStatus(state) {
  return { valid: t('reports.cert.valid'), expiring: t('reports.cert.expiring'), expired: t('reports.cert.expired'), not_yet_valid: t('reports.cert.not_yet_valid') }[state];
}

export function SslCertificates() {
  const res = useResource(() => Promise.all([listAll('/ssl-certificates'), listAll('/services')]), []);
  return html`<${PageHeader} title=${t('reports.ssl_title')} subtitle=${t('reports.ssl_subtitle')} />
    <${Resource} res=${res}>${([certs, services]) => {
    if (certs.length === 0) {
      return html`<${EmptyState} title=${t('reports.ssl_empty_title')}>${t('reports.ssl_empty_body')}<//>`;
    }
    const names = Object.fromEntries(services.map((s) => [s.id, s.name]));
    const rows = [...certs].sort((a, b) => a.days_until_expiry - b.days_until_expiry);
    return html`<${Table} caption=${t('reports.ssl_title')} rows=${rows} rowKey=${(c) => c.service_id}
        rowClass=${(c) => (c.state === 'valid' ? undefined : 'row-warn')} columns=${[
  { label: t('reports.service'), render: (c) => html`<a href=${'/services/' + c.service_id}>${names[c.service_id] || c.service_id}</a>` },
  { label: t('reports.col.domain'), render: (c) => html`<code>${c.domain}</code>` },
  { label: t('common.status'), render: (c) => html`<span class=${'cert-' + c.state}>${certStatus(c.state) || c.state}</span>` },
  { label: t('reports.col.days'), render: (c) => (c.days_until_expiry < 0 ? t('reports.expired_ago', { count: -c.days_until_expiry }) : c.days_until_expiry.toLocaleString(language())) },
  { label: t('reports.col.issuer'), key: 'issuer' },
  { label: t('reports.col.expires'), render: (c) => fmtTime(c.valid_to) }]} />`;
  }}<//>`;
}
