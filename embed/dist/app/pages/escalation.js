// Escalation policies: steps that page a channel, a team or a user after a delay
// while an alert is neither acknowledged nor resolved.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, toast } from '../ui.js';
import { can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

// noSteps is what a policy without steps does (the API accepts one, SPEC §3.12: a
// placeholder to fill in later).
const noSteps = () => t('escalation.no_steps');

// targetType words a step's kind of target (the select sends the value).
function targetType(kind) {
  return { channel: t('escalation.target.channel'), team: t('escalation.target.team'), user: t('escalation.target.user'), schedule: t('escalation.target.schedule') }[kind] || kind;
}

const blank = () => ({ name: '', description: '', repeat: 0, rules: [{ delay_minutes: 0, notify_type: 'channel', notify_id: '' }] });

// PolicyForm creates a policy, or edits one when policy is given (same fields, PUT).
function PolicyForm({ targets, policy, onDone, onCancel }) {
  const [v, setV] = useState(() => (policy ? { name: policy.name, description: policy.description || '', repeat: policy.repeat || 0,
    rules: policy.rules.map((r) => ({ delay_minutes: r.delay_minutes, notify_type: r.notify_type, notify_id: r.notify_id })) } : blank()));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  const setStep = (i, k) => (x) => setV((o) => ({ ...o, rules: o.rules.map((r, j) => (j === i ? { ...r, [k]: x, ...(k === 'notify_type' ? { notify_id: '' } : {}) } : r)) }));
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { ...v, repeat: Number(v.repeat), rules: v.rules.map((r, i) => ({ level: i + 1, delay_minutes: Number(r.delay_minutes), notify_type: r.notify_type, notify_id: r.notify_id || targets[r.notify_type][0]?.id || '' })) };
    try {
      if (policy) { await api.put('/escalation-policies/' + policy.id, body); toast(t('escalation.saved')); } else { await api.post('/escalation-policies', body); toast(t('escalation.created')); setV(blank()); }
      onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${policy ? t('escalation.edit_title', { name: policy.name }) : t('escalation.new_title')}</h2>
    <${ErrorBanner} error=${error} shownFields=${['name', 'description', 'repeat', ...v.rules.flatMap((_, i) => [`rules[${i}].delay_minutes`, `rules[${i}].notify_type`, `rules[${i}].notify_id`])]} />
    <${Field} label=${t('common.name')} name="name" value=${v.name} onInput=${(x) => setV((o) => ({ ...o, name: x }))} error=${fe('name')} />
    <${Field} label=${t('escalation.description')} name="description" value=${v.description} onInput=${(x) => setV((o) => ({ ...o, description: x }))} error=${fe('description')} />
    ${v.rules.map((r, i) => html`<fieldset key=${i}><legend>${t('escalation.step', { n: i + 1 })}</legend>
      <${Field} label=${t('escalation.after')} name=${`rules[${i}].delay_minutes`} type="number" min="0" value=${r.delay_minutes} onInput=${setStep(i, 'delay_minutes')} error=${fe(`rules[${i}].delay_minutes`)} />
      <${Field} label=${t('escalation.notify')} name=${`rules[${i}].notify_type`} as="select" options=${['channel', 'team', 'user', 'schedule'].map((k) => ({ value: k, label: targetType(k) }))} value=${r.notify_type} onInput=${setStep(i, 'notify_type')} error=${fe(`rules[${i}].notify_type`)} />
      <${Field} label=${t('escalation.who')} name=${`rules[${i}].notify_id`} as="select" value=${r.notify_id || targets[r.notify_type][0]?.id || ''} onInput=${setStep(i, 'notify_id')} error=${fe(`rules[${i}].notify_id`)}
        options=${targets[r.notify_type].length ? targets[r.notify_type].map((x) => ({ value: x.id, label: x.name })) : [{ value: '', label: { channel: t('escalation.none.channel'), team: t('escalation.none.team'), user: t('escalation.none.user'), schedule: t('escalation.none.schedule') }[r.notify_type] }]} />
      ${html`<${Button} onClick=${() => setV((o) => ({ ...o, rules: o.rules.filter((_, j) => j !== i) }))} aria-label=${t('escalation.remove_step_label', { n: i + 1 })}>${t('escalation.remove_step')}<//>`}
    </fieldset>`)}
    ${v.rules.length === 0 && html`<p class="hint" data-no-steps>${noSteps()} ${t('escalation.no_steps_hint')}</p>`}
    <div class="row"><${Button} onClick=${() => setV((o) => ({ ...o, rules: [...o.rules, { delay_minutes: o.rules.length ? 15 : 0, notify_type: 'channel', notify_id: '' }] }))}>${t('escalation.add_step')}<//></div>
    <${Field} label=${t('escalation.repeat')} name="repeat" type="number" min="0" value=${v.repeat} onInput=${(x) => setV((o) => ({ ...o, repeat: x }))} error=${fe('repeat')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${busy}>${policy ? t('escalation.save') : t('escalation.create')}<//>
      ${policy && html`<${Button} onClick=${onCancel}>${t('common.cancel')}<//>`}</div>
  </form>`;
}

export function EscalationPolicies({ org }) {
  const mayEdit = can(org, 'member');
  const res = useResource(() => Promise.all([api.get('/escalation-policies'), api.get('/notification-channels'), api.get('/teams'), api.get('/members'), api.get('/on-call-schedules').catch(() => [])]), []);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${PageHeader} title=${t('escalation.title')} subtitle=${t('escalation.subtitle')} />${dialog}
    <${Resource} res=${res}>${([list, channels, teams, members, schedules]) => {
      const targets = { channel: channels.map((c) => ({ id: c.id, name: c.name })), team: teams.map((x) => ({ id: x.id, name: x.name })), user: members.map((m) => ({ id: m.user_id, name: m.full_name || m.email })), schedule: schedules.map((x) => ({ id: x.id, name: x.name })) };
      const nameOf = (r) => targets[r.notify_type]?.find((x) => x.id === r.notify_id)?.name || r.notify_id;
      return html`${list.length === 0 ? html`<${EmptyState} title=${t('escalation.empty_title')}>${mayEdit ? t('escalation.empty_body') : t('escalation.empty_body_viewer')}<//>`
        : html`<${Table} caption=${t('escalation.title')} rows=${list} columns=${[
          { label: t('common.name'), key: 'name' },
          { label: t('escalation.steps'), render: (p) => (p.rules.length === 0 ? html`<span class="muted">${noSteps()}</span>` : html`<ol>${p.rules.map((r) => html`<li>${t('escalation.step_line', { minutes: r.delay_minutes, type: targetType(r.notify_type), name: nameOf(r) })}</li>`)}</ol>`) },
          { label: t('escalation.repeat_col'), class: 'num', key: 'repeat' },
          { label: t('common.actions'), render: (p) => mayEdit && html`<div class="row"><${Button} aria-label=${t('escalation.edit_label', { name: p.name })} onClick=${() => setEditing(p)}>${t('common.edit')}<//><${Button} kind="danger" aria-label=${t('escalation.delete_label', { name: p.name })} onClick=${() => confirm(async () => { await api.del('/escalation-policies/' + p.id); res.reload(); }, { title: t('escalation.delete_title'), body: t('escalation.delete_body'), label: t('common.delete'), danger: true })}>${t('common.delete')}<//></div>` }]} />`}
        <${RoleNote} org=${org} min="member" what=${t('escalation.role_what')} />
        ${!mayEdit ? null : editing ? html`<${PolicyForm} key=${'edit-' + editing.id} targets=${targets} policy=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`
          : html`<${PolicyForm} key="new" targets=${targets} onDone=${res.reload} />`}`;
    }}<//>`;
}
