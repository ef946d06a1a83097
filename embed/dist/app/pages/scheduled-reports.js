// Scheduled reports (SPEC §11): SLA reports mailed weekly (Mondays) or monthly (first
// business day) at 08:00 in the report's time zone. A list with the next and last run,
// and a form to add or edit one; linked from the SLA reports page.
import { html, useState } from '../html.js';
import { api, ApiError, listAll } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, EmptyState, Table, useResource, Resource, useConfirm, toast, fmtTime } from '../ui.js';

const FORMATS = [{ value: 'pdf', label: 'PDF' }, { value: 'csv', label: 'CSV' }, { value: 'json', label: 'JSON' }];
const FREQUENCIES = [{ value: 'monthly', label: 'Monthly — first business day (Mon–Fri) at 08:00' },
  { value: 'weekly', label: 'Weekly — Mondays at 08:00' }];

// inZone is t on the report's own clock ("1 Jan 2027, 08:00 Europe/Berlin").
function inZone(t, zone) {
  try {
    return new Date(t).toLocaleString(undefined, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }) + ' ' + zone;
  } catch { return ''; }
}

function initialValues(r) {
  if (!r) return { name: '', format: 'pdf', frequency: 'monthly', timezone: '', recipients: '', service_ids: [] };
  return { name: r.name, format: r.format, frequency: r.frequency, timezone: r.timezone, recipients: r.recipients.join('\n'), service_ids: r.service_ids };
}

// body turns the form into the API's request; recipients are one per line (or comma-separated).
function body(v) {
  const b = { name: v.name, format: v.format, frequency: v.frequency, service_ids: v.service_ids,
    recipients: v.recipients.split(/[\n,]/).map((s) => s.trim()).filter(Boolean) };
  if (v.timezone.trim()) b.timezone = v.timezone.trim();
  return b;
}

// firstIndexed is the first error of an indexed field ("recipients[2]"), named by its entry.
function firstIndexed(error, key, entries) {
  if (!(error instanceof ApiError)) return undefined;
  if (error.fields[key]) return error.fields[key];
  for (const [k, msg] of Object.entries(error.fields)) {
    const m = k.match(new RegExp('^' + key + '\\[(\\d+)\\]$'));
    if (m) return `${entries[Number(m[1])] ?? 'entry ' + (Number(m[1]) + 1)}: ${msg}`;
  }
  return undefined;
}

// ReportForm adds a scheduled report, or edits one when report is given (PUT).
function ReportForm({ services, report, onDone, onCancel }) {
  const [v, setV] = useState(() => initialValues(report));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      if (report) { await api.put('/scheduled-reports/' + report.id, body(v)); toast('Scheduled report saved'); } else {
        await api.post('/scheduled-reports', body(v)); toast('Scheduled report added'); setV(initialValues()); }
      onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const toggle = (id) => setV((o) => ({ ...o, service_ids: o.service_ids.includes(id) ? o.service_ids.filter((x) => x !== id) : [...o.service_ids, id] }));
  const b = body(v);
  const shown = ['name', 'format', 'frequency', 'timezone', 'recipients', 'service_ids',
    ...b.recipients.map((_, i) => `recipients[${i}]`), ...b.service_ids.map((_, i) => `service_ids[${i}]`)];
  return html`<form class="card form" onSubmit=${onSubmit} novalidate aria-label=${report ? 'Edit scheduled report' : 'Add a scheduled report'}>
    <h2>${report ? 'Edit ' + report.name : 'Add a scheduled report'}</h2>
    <${ErrorBanner} error=${error} shownFields=${shown} />
    <${Field} label="Name" name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label="Sent" name="frequency" as="select" options=${FREQUENCIES} value=${v.frequency} onInput=${set('frequency')} error=${fe('frequency')}
      hint="Public holidays are not known: a month starting on a holiday weekday is sent that day." />
    <${Field} label="Format" name="format" as="select" options=${FORMATS} value=${v.format} onInput=${set('format')} error=${fe('format')} />
    <${Field} label="Time zone (optional)" name="timezone" value=${v.timezone} onInput=${set('timezone')} error=${fe('timezone')}
      hint="IANA name such as Europe/Berlin; empty uses the organization's time zone. Weeks and months are counted in it." />
    <${Field} label="Recipients" name="recipients" as="textarea" value=${v.recipients} onInput=${set('recipients')}
      error=${firstIndexed(error, 'recipients', b.recipients)} hint="E-mail addresses, one per line." />
    <fieldset><legend>Services</legend>
      <p class="hint">None ticked: every service, including ones added later.</p>
      ${services.map((s) => html`<${Field} type="checkbox" label=${s.name} name=${'svc-' + s.id} value=${v.service_ids.includes(s.id)} onInput=${() => toggle(s.id)} />`)}
      ${firstIndexed(error, 'service_ids', b.service_ids.map((id) => services.find((s) => s.id === id)?.name || id)) &&
        html`<div class="field-error">${firstIndexed(error, 'service_ids', b.service_ids.map((id) => services.find((s) => s.id === id)?.name || id))}</div>`}
    </fieldset>
    <div class="row"><${Button} kind="primary" type="submit" busy=${busy}>${report ? 'Save report' : 'Add report'}<//>
      ${report && html`<${Button} onClick=${onCancel}>Cancel<//>`}</div>
  </form>`;
}

export function ScheduledReports() {
  const res = useResource(() => Promise.all([listAll('/scheduled-reports'), listAll('/services?limit=1000')]), []);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${PageHeader} title="Scheduled reports" subtitle="SLA reports e-mailed weekly or monthly at 08:00 in the report's time zone.">
      <a class="btn" href="/reports/sla">SLA reports</a>
    <//>${dialog}
    <${Resource} res=${res}>${([list, services]) => {
      const name = (id) => services.find((s) => s.id === id)?.name || id;
      return html`${list.length === 0
        ? html`<${EmptyState} title="No scheduled reports">Add one below to have the SLA report mailed every week or month.<//>`
        : html`<${Table} caption="Scheduled reports" rows=${list} rowKey=${(r) => r.id}
            rowClass=${(r) => (r.last_error ? 'row-warn' : undefined)} columns=${[
  { label: 'Name', key: 'name' },
  { label: 'Sent', render: (r) => `${r.frequency === 'weekly' ? 'Weekly' : 'Monthly'} · ${r.format.toUpperCase()} · ${r.timezone}` },
  { label: 'Services', render: (r) => (r.service_ids.length === 0 ? 'All services' : r.service_ids.map(name).join(', ')) },
  { label: 'Recipients', render: (r) => r.recipients.join(', ') },
  { label: 'Next run', render: (r) => html`${fmtTime(r.next_run_at)}<div class="muted">${inZone(r.next_run_at, r.timezone)}</div>` },
  { label: 'Last run', render: (r) => (r.last_run_at ? fmtTime(r.last_run_at) : 'never') + (r.last_error ? ` — not sent: ${r.last_error}` : '') },
  { label: 'Actions', render: (r) => html`<div class="row">
      <${Button} aria-label=${'Edit ' + r.name} onClick=${() => setEditing(r)}>Edit<//>
      <${Button} kind="danger" aria-label=${'Delete ' + r.name} onClick=${() => confirm(async () => { await api.del('/scheduled-reports/' + r.id); res.reload(); },
        { title: 'Delete this scheduled report?', body: r.name, label: 'Delete', danger: true })}>Delete<//></div>` }]} />`}
        ${editing ? html`<${ReportForm} key=${'edit-' + editing.id} services=${services} report=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`
          : html`<${ReportForm} key="new" services=${services} onDone=${res.reload} />`}`;
    }}<//>`;
}
