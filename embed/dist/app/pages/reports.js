// SLA reports and SSL certificates: read-only views of GET /reports/sla and
// GET /ssl-certificates, with the SLA report downloadable as CSV or PDF; scheduled
// reports (pages/scheduled-reports.js) are linked from the SLA page.
import { html, useState } from '../html.js';
import { api, listAll, download } from '../api.js';
import { PageHeader, Table, EmptyState, ErrorBanner, Button, useResource, Resource, fmtTime, fmtDuration, fmtPercent } from '../ui.js';

const WINDOWS = [['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['90d', 'Last 90 days'], ['custom', 'From … to …']];

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
  return html`<${PageHeader} title="SLA reports" subtitle="Uptime, incidents and response times per service over a window.">
      <${Button} busy=${busy} onClick=${save('csv')}>Download CSV<//>
      <${Button} busy=${busy} onClick=${save('pdf')}>Download PDF<//>
      <a class="btn" href="/reports/scheduled">Scheduled reports</a>
    <//>
    <form class="toolbar" aria-label="Report window" onSubmit=${(e) => { e.preventDefault(); setApplied(form); }}>
      <div class="field"><label for="sla-window">Window</label>
        <select id="sla-window" name="window" value=${form.window} onChange=${set('window')}>
          ${WINDOWS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
        </select></div>
      ${form.window === 'custom' && html`
        <div class="field"><label for="sla-from">From</label><input id="sla-from" name="from" type="datetime-local" value=${form.from} onInput=${set('from')} />
          ${fieldErr('from') && html`<p class="field-error">${fieldErr('from')}</p>`}</div>
        <div class="field"><label for="sla-to">To</label><input id="sla-to" name="to" type="datetime-local" value=${form.to} onInput=${set('to')} />
          ${fieldErr('to') && html`<p class="field-error">${fieldErr('to')}</p>`}</div>`}
      <div class="field"><label for="sla-service">Service</label>
        <select id="sla-service" name="service" value=${form.service} onChange=${set('service')}>
          <option value="">All services</option>
          ${(services.data || []).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
        </select></div>
      <button type="submit" class="btn">Show report</button>
    </form>
    <${ErrorBanner} error=${dlError} />
    ${res.error && res.data !== undefined && html`<${ErrorBanner} error=${res.error} shownFields=${['from', 'to']} />`}
    <${Resource} res=${res}>${(r) => html`
      <p class="muted">From ${fmtTime(r.from)} to ${fmtTime(r.to)}.</p>
      ${r.services.length === 0
    ? html`<${EmptyState} title="No services to report on">Add a service on the dashboard; its uptime shows here once it has been checked.<//>`
    : html`<${Table} caption="SLA report" rows=${r.services} rowKey=${(s) => s.service_id}
          rowClass=${(s) => (s.sla_met === false ? 'row-bad' : undefined)} columns=${[
  { label: 'Service', render: (s) => html`<a href=${'/services/' + s.service_id}>${s.service_name}</a>` },
  { label: 'Uptime', render: (s) => (s.uptime_percent == null ? 'no checks' : fmtPercent(s.uptime_percent, 3)) },
  { label: 'Target', render: (s) => fmtPercent(s.sla_target, 2) },
  { label: 'Met', render: (s) => (s.sla_met == null ? '—' : s.sla_met ? 'Yes' : 'No') },
  { label: 'Checks', render: (s) => `${s.total_checks} (${s.failed_checks} failed)` },
  { label: 'Incidents', key: 'incident_count' },
  { label: 'Total downtime', render: (s) => fmtDuration(s.total_downtime_seconds) },
  { label: 'Longest downtime', render: (s) => fmtDuration(s.longest_downtime_seconds) },
  { label: 'MTTA', render: (s) => fmtDuration(s.mtta_seconds) },
  { label: 'MTTR', render: (s) => fmtDuration(s.mttr_seconds) },
  { label: 'Planned downtime', render: (s) => fmtDuration(s.planned_downtime_seconds) }]} />`}`}<//>`;
}

const CERT_STATUS = { valid: 'Valid', expiring: 'Expiring soon', expired: 'Expired', not_yet_valid: 'Not yet valid' };

export function SslCertificates() {
  const res = useResource(() => Promise.all([listAll('/ssl-certificates'), listAll('/services')]), []);
  return html`<${PageHeader} title="SSL certificates" subtitle="Certificates of your HTTPS and SSL services, soonest expiry first." />
    <${Resource} res=${res}>${([certs, services]) => {
    if (certs.length === 0) {
      return html`<${EmptyState} title="No certificates seen yet">Add an HTTPS or SSL service on the dashboard; its certificate shows here after its first check.<//>`;
    }
    const names = Object.fromEntries(services.map((s) => [s.id, s.name]));
    const rows = [...certs].sort((a, b) => a.days_until_expiry - b.days_until_expiry);
    return html`<${Table} caption="SSL certificates" rows=${rows} rowKey=${(c) => c.service_id}
        rowClass=${(c) => (c.state === 'valid' ? undefined : 'row-warn')} columns=${[
  { label: 'Service', render: (c) => html`<a href=${'/services/' + c.service_id}>${names[c.service_id] || c.service_id}</a>` },
  { label: 'Domain', render: (c) => html`<code>${c.domain}</code>` },
  { label: 'Status', render: (c) => html`<span class=${'cert-' + c.state}>${CERT_STATUS[c.state] || c.state}</span>` },
  { label: 'Days remaining', render: (c) => (c.days_until_expiry < 0 ? `expired ${-c.days_until_expiry} days ago` : String(c.days_until_expiry)) },
  { label: 'Issuer', key: 'issuer' },
  { label: 'Expires', render: (c) => fmtTime(c.valid_to) }]} />`;
  }}<//>`;
}
