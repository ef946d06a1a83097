// Scheduled reports (SPEC §11): SLA reports mailed weekly (Mondays) or monthly (first
// business day) at 08:00 in the report's time zone. A list with the next and last run,
// and a form to add or edit one; linked from the SLA reports page.
import { html, useState } from '../html.js';
import { t, language } from '../i18n.js';
import { api, ApiError, listAll } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, EmptyState, Table, useResource, Resource, useConfirm, useForm, toast, fmtTime } from '../ui.js';

// formats and frequencies are functions, not constants: the catalogue is loaded after
// modules are evaluated, so labels are looked up at render time. Format names stay as they are.
function formats() {
  return [{ value: 'pdf', label: 'PDF' }, { value: 'csv', label: 'CSV' }, { value: 'json', label: 'JSON' }];
}
function frequencies() {
  return [{ value: 'monthly', label: t('scheduled_reports.form.frequency.monthly') },
    { value: 'weekly', label: t('scheduled_reports.form.frequency.weekly') }];
}

// inZone is time on the report's own clock ("1 Jan 2027, 08:00 Europe/Berlin"), written
// the way the UI's language writes dates.
function inZone(time, zone) {
  try {
    return new Date(time).toLocaleString(language(), { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }) + ' ' + zone;
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
    if (m) return `${entries[Number(m[1])] ?? t('scheduled_reports.form.entry', { n: Number(m[1]) + 1 })}: ${msg}`;
  }
  return undefined;
}

// ReportForm adds a scheduled report, or edits one when report is given (PUT).
function ReportForm({ services, report, onDone, onCancel }) {
  const f = useForm(initialValues(report));
  const { values: v, setValues: setV, set, error, busy, fieldError: fe } = f;
  async function onSubmit(e) {
    e.preventDefault();
    await f.submit(async (values) => {
      if (report) { await api.put('/scheduled-reports/' + report.id, body(values)); toast(t('scheduled_reports.saved')); } else {
        await api.post('/scheduled-reports', body(values)); toast(t('scheduled_reports.added')); setV(initialValues()); }
      onDone();
    });
  }
  const toggle = (id) => setV((o) => ({ ...o, service_ids: o.service_ids.includes(id) ? o.service_ids.filter((x) => x !== id) : [...o.service_ids, id] }));
  const b = body(v);
  const shown = ['name', 'format', 'frequency', 'timezone', 'recipients', 'service_ids',
    ...b.recipients.map((_, i) => `recipients[${i}]`), ...b.service_ids.map((_, i) => `service_ids[${i}]`)];
  return html`<form class="card form" onSubmit=${onSubmit} novalidate aria-label=${report ? t('scheduled_reports.form.edit_label') : t('scheduled_reports.form.add_title')}>
    <h2>${report ? t('scheduled_reports.form.edit_title', { name: report.name }) : t('scheduled_reports.form.add_title')}</h2>
    <${ErrorBanner} error=${error} shownFields=${shown} />
    <${Field} label=${t('common.name')} name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label=${t('scheduled_reports.form.sent')} name="frequency" as="select" options=${frequencies()} value=${v.frequency} onInput=${set('frequency')} error=${fe('frequency')}
      hint=${t('scheduled_reports.form.frequency_hint')} />
    <${Field} label=${t('scheduled_reports.form.format')} name="format" as="select" options=${formats()} value=${v.format} onInput=${set('format')} error=${fe('format')} />
    <${Field} label=${t('scheduled_reports.form.timezone')} name="timezone" value=${v.timezone} onInput=${set('timezone')} error=${fe('timezone')}
      hint=${t('scheduled_reports.form.timezone_hint')} />
    <${Field} label=${t('scheduled_reports.form.recipients')} name="recipients" as="textarea" value=${v.recipients} onInput=${set('recipients')}
      error=${firstIndexed(error, 'recipients', b.recipients)} hint=${t('scheduled_reports.form.recipients_hint')} />
    <fieldset><legend>${t('scheduled_reports.form.services')}</legend>
      <p class="hint">${t('scheduled_reports.form.services_hint')}</p>
      ${services.map((s) => html`<${Field} type="checkbox" label=${s.name} name=${'svc-' + s.id} value=${v.service_ids.includes(s.id)} onInput=${() => toggle(s.id)} />`)}
      ${firstIndexed(error, 'service_ids', b.service_ids.map((id) => services.find((s) => s.id === id)?.name || id)) &&
        html`<div class="field-error">${firstIndexed(error, 'service_ids', b.service_ids.map((id) => services.find((s) => s.id === id)?.name || id))}</div>`}
    </fieldset>
    <div class="row"><${Button} kind="primary" type="submit" busy=${busy}>${report ? t('scheduled_reports.form.save') : t('scheduled_reports.form.add')}<//>
      ${report && html`<${Button} onClick=${onCancel}>${t('common.cancel')}<//>`}</div>
  </form>`;
}

export function ScheduledReports() {
  const res = useResource(() => Promise.all([listAll('/scheduled-reports'), listAll('/services?limit=1000')]), []);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${PageHeader} title=${t('scheduled_reports.title')} subtitle=${t('scheduled_reports.subtitle')}>
      <a class="btn" href="/reports/sla">${t('scheduled_reports.sla_link')}</a>
    <//>${dialog}
    <${Resource} res=${res}>${([list, services]) => {
      const name = (id) => services.find((s) => s.id === id)?.name || id;
      return html`${list.length === 0
        ? html`<${EmptyState} title=${t('scheduled_reports.empty_title')}>${t('scheduled_reports.empty_body')}<//>`
        : html`<${Table} caption=${t('scheduled_reports.caption')} rows=${list} rowKey=${(r) => r.id}
            rowClass=${(r) => (r.last_error ? 'row-warn' : undefined)} columns=${[
  { label: t('common.name'), key: 'name' },
  { label: t('scheduled_reports.col.sent'), render: (r) => `${r.frequency === 'weekly' ? t('scheduled_reports.frequency.weekly') : t('scheduled_reports.frequency.monthly')} · ${r.format.toUpperCase()} · ${r.timezone}` },
  { label: t('scheduled_reports.col.services'), render: (r) => (r.service_ids.length === 0 ? t('scheduled_reports.all_services') : r.service_ids.map(name).join(', ')) },
  { label: t('scheduled_reports.col.recipients'), render: (r) => r.recipients.join(', ') },
  { label: t('scheduled_reports.col.next_run'), render: (r) => html`${fmtTime(r.next_run_at)}<div class="muted">${inZone(r.next_run_at, r.timezone)}</div>` },
  { label: t('scheduled_reports.col.last_run'), render: (r) => {
    const run = r.last_run_at ? fmtTime(r.last_run_at) : t('scheduled_reports.never');
    return r.last_error ? t('scheduled_reports.not_sent', { run, error: r.last_error }) : run;
  } },
  { label: t('common.actions'), render: (r) => html`<div class="row">
      <${Button} aria-label=${t('scheduled_reports.edit_label', { name: r.name })} onClick=${() => setEditing(r)}>${t('common.edit')}<//>
      <${Button} kind="danger" aria-label=${t('scheduled_reports.delete_label', { name: r.name })} onClick=${() => confirm(async () => { await api.del('/scheduled-reports/' + r.id); res.reload(); },
        { title: t('scheduled_reports.delete_title'), body: r.name, label: t('common.delete'), danger: true })}>${t('common.delete')}<//></div>` }]} />`}
        ${editing ? html`<${ReportForm} key=${'edit-' + editing.id} services=${services} report=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`
          : html`<${ReportForm} key="new" services=${services} onDone=${res.reload} />`}`;
    }}<//>`;
}
