// Alert rules: list and form. A rule watches every service, one service or one
// heartbeat (SPEC §3.9, §3.14). The expression's parse error comes back as a 422
// with details.position; the form shows the message under the field and marks
// the position in a copy of the expression.
import { html, useState } from '../html.js';
import { api, ApiError, listAll } from '../api.js';
import { navigate } from '../router.js';
import { SEVERITIES } from '../channel-specs.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, toast } from '../ui.js';
import { t } from '../i18n.js';
import { can, RoleNote } from '../roles.js';

const FAILURE_STATUSES = ['RED', 'YELLOW'];

export function Rules({ org }) {
  const mayEdit = can(org, 'member');
  const add = mayEdit && html`<a class="btn btn-primary" href="/rules/new">${t('rules.add')}</a>`;
  const res = useResource(() => Promise.all([api.get('/alert-rules'), listAll('/services?limit=1000'), listAll('/heartbeats?limit=1000')]), []);
  return html`<${PageHeader} title=${t('rules.title')} subtitle=${t('rules.subtitle')}>${add}<//>
    <${RoleNote} org=${org} min="member" what=${t('rules.role_what')} />
    <${Resource} res=${res}>${([rules, services, heartbeats]) => {
      const name = (id) => services.find((s) => s.id === id)?.name || id;
      const beat = (id) => heartbeats.find((h) => h.id === id);
      return rules.length === 0
        ? html`<${EmptyState} title=${t('rules.empty_title')} action=${add}>${t('rules.empty_body')}<//>`
        : html`<${Table} caption=${t('rules.title')} rows=${rules} columns=${[
          { label: t('common.name'), render: (r) => (mayEdit ? html`<a href=${'/rules/' + r.id + '/edit'}>${r.name}</a>` : r.name) },
          { label: t('rules.applies_to'), render: (r) => (r.service_id ? name(r.service_id)
            : r.heartbeat_id ? html`${t('rules.heartbeat')} <a href=${'/heartbeats/' + r.heartbeat_id}>${beat(r.heartbeat_id)?.name || t('rules.deleted')}</a>` : t('rules.every_service')) },
          { label: t('rules.severity'), key: 'severity' },
          { label: t('rules.condition'), render: (r) => html`${r.condition.consecutive_failures}× ${r.condition.statuses.join('/')}${r.condition.expression ? html` ${t('rules.and')} <code>${r.condition.expression}</code>` : ''}` },
          { label: t('common.enabled'), render: (r) => (r.enabled ? t('common.yes') : t('common.no')) }]} />`;
    }}<//>`;
}

function ExpressionError({ expression, error }) {
  if (!(error instanceof ApiError) || error.details.field !== 'condition.expression' || error.details.position == null) return null;
  const pos = Math.min(error.details.position, expression.length);
  // One string: htm drops whitespace-only static text that contains a newline.
  return html`<pre class="expr-pointer" aria-hidden="true">${expression + '\n' + ' '.repeat(pos) + '^'}</pre>`;
}

// subjectValue encodes a rule's subject for the "Applies to" select: a service's ID,
// "h:<id>" for a heartbeat, "" for every service.
function subjectValue(r) {
  if (r?.service_id) return r.service_id;
  if (r?.heartbeat_id) return 'h:' + r.heartbeat_id;
  return '';
}

function RuleForm({ rule, services, heartbeats, channels }) {
  const [v, setV] = useState(() => ({
    name: rule?.name || '', severity: rule?.severity || 'critical', subject: subjectValue(rule),
    statuses: rule?.condition.statuses || [...FAILURE_STATUSES], consecutive_failures: rule?.condition.consecutive_failures ?? 2,
    consecutive_successes: rule?.condition.consecutive_successes ?? 1, expression: rule?.condition.expression || '',
    channel_ids: rule?.channel_ids || [], notify_on_recovery: rule?.notify_on_recovery ?? true,
    reminder_interval_minutes: rule?.reminder_interval_minutes ?? 0, enabled: rule?.enabled ?? true,
  }));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  const toggleIn = (k, x) => setV((o) => ({ ...o, [k]: o[k].includes(x) ? o[k].filter((y) => y !== x) : [...o[k], x] }));
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = {
      name: v.name, severity: v.severity,
      service_id: v.subject && !v.subject.startsWith('h:') ? v.subject : null, heartbeat_id: v.subject.startsWith('h:') ? v.subject.slice(2) : null,
      condition: { statuses: v.statuses, consecutive_failures: Number(v.consecutive_failures), consecutive_successes: Number(v.consecutive_successes), expression: v.expression || null },
      channel_ids: v.channel_ids, notify_on_recovery: v.notify_on_recovery, reminder_interval_minutes: Number(v.reminder_interval_minutes) || 0, enabled: v.enabled,
    };
    try {
      await (rule ? api.put('/alert-rules/' + rule.id, body) : api.post('/alert-rules', body));
      toast(rule ? t('rules.saved') : t('rules.created'));
      navigate('/rules');
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const forHeartbeat = v.subject.startsWith('h:');
  const shown = ['name', 'severity', 'service_id', 'heartbeat_id', 'condition.statuses', 'condition.consecutive_failures', 'condition.consecutive_successes',
    'condition.expression', 'channel_ids', 'notify_on_recovery', 'reminder_interval_minutes', 'enabled'];
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${shown} />
    <${Field} label=${t('common.name')} name="name" required value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label=${t('rules.applies_to')} name="service_id" as="select" value=${v.subject} onInput=${set('subject')} error=${fe('service_id') || fe('heartbeat_id')}
      options=${[{ value: '', label: t('rules.every_service_org') }, ...services.map((s) => ({ value: s.id, label: s.name })),
        ...heartbeats.map((h) => ({ value: 'h:' + h.id, label: t('rules.heartbeat_option', { name: h.name }) }))]} />
    <${Field} label=${t('rules.severity')} name="severity" as="select" options=${SEVERITIES} value=${v.severity} onInput=${set('severity')} error=${fe('severity')} />
    ${forHeartbeat && html`<p class="hint" role="note">${t('rules.heartbeat_note')}</p>`}
    <fieldset disabled=${forHeartbeat}><legend>${t('rules.condition')}</legend>
      <p class="hint">${t('rules.statuses_hint')}</p>
      ${FAILURE_STATUSES.map((s) => html`<${Field} type="checkbox" label=${s === 'RED' ? t('rules.red') : t('rules.yellow')} name=${'status-' + s} value=${v.statuses.includes(s)} onInput=${() => toggleIn('statuses', s)} />`)}
      ${fe('condition.statuses') && html`<div class="field-error">${fe('condition.statuses')}</div>`}
      <${Field} label=${t('rules.expression')} name="condition.expression" value=${v.expression} onInput=${set('expression')}
        hint=${t('rules.expression_hint')} error=${fe('condition.expression')} spellcheck="false" autocomplete="off" />
      <${ExpressionError} expression=${v.expression} error=${error} />
      <${Field} label=${t('rules.failures')} name="condition.consecutive_failures" type="number" min="1" value=${v.consecutive_failures} onInput=${set('consecutive_failures')} error=${fe('condition.consecutive_failures')} />
      <${Field} label=${t('rules.successes')} name="condition.consecutive_successes" type="number" min="1" value=${v.consecutive_successes} onInput=${set('consecutive_successes')} error=${fe('condition.consecutive_successes')} />
    </fieldset>
    <fieldset><legend>${t('rules.notify')}</legend>
      ${channels.length === 0 ? html`<p class="hint">${t('rules.no_channels')} <a href="/channels/new">${t('rules.add_channel')}</a>. ${t('rules.no_channels_hint')}</p>`
        : html`<p class="hint">${t('rules.none_selected')}</p>${channels.map((c) => html`<${Field} type="checkbox" label=${c.name} name=${'ch-' + c.id} value=${v.channel_ids.includes(c.id)} onInput=${() => toggleIn('channel_ids', c.id)} />`)}`}
      ${fe('channel_ids') && html`<div class="field-error">${fe('channel_ids')}</div>`}
      <${Field} type="checkbox" label=${t('rules.notify_recovery')} name="notify_on_recovery" value=${v.notify_on_recovery} onInput=${set('notify_on_recovery')} error=${fe('notify_on_recovery')} />
      <${Field} label=${t('rules.remind')} name="reminder_interval_minutes" type="number" min="0" value=${v.reminder_interval_minutes} onInput=${set('reminder_interval_minutes')} error=${fe('reminder_interval_minutes')} />
    </fieldset>
    <${Field} type="checkbox" label=${t('common.enabled')} name="enabled" value=${v.enabled} onInput=${set('enabled')} error=${fe('enabled')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${rule ? t('rules.save') : t('rules.create')}<//><a class="btn" href="/rules">${t('common.cancel')}</a></div>
  </form>`;
}

function useRuleDeps(id) {
  return useResource(() => Promise.all([id ? api.get('/alert-rules/' + id) : null, listAll('/services?limit=1000'), api.get('/notification-channels'), listAll('/heartbeats?limit=1000')]), [id]);
}

export function RuleNew({ org }) {
  const res = useRuleDeps(null);
  if (!can(org, 'member')) return html`<${PageHeader} title=${t('rules.new_title')} /><${RoleNote} org=${org} min="member" what=${t('rules.role_what')} />`;
  return html`<${PageHeader} title=${t('rules.new_title')} /><${Resource} res=${res}>${([, s, c, h]) => html`<${RuleForm} services=${s} heartbeats=${h} channels=${c} />`}<//>`;
}

export function RuleEdit({ params, org }) {
  const res = useRuleDeps(params.id);
  const [dialog, confirm] = useConfirm();
  if (!can(org, 'member')) return html`<${PageHeader} title=${t('rules.title')} /><${RoleNote} org=${org} min="member" what=${t('rules.role_what')} />`;
  return html`<${Resource} res=${res}>${([r, s, c, h]) => html`<${PageHeader} title=${t('rules.edit_title', { name: r.name })}>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/alert-rules/' + r.id); navigate('/rules'); }, { title: t('rules.delete_title'), body: t('rules.delete_body'), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>
    <//>${dialog}<${RuleForm} rule=${r} services=${s} heartbeats=${h} channels=${c} />`}<//>`;
}
