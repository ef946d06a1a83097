// Escalation policies: steps that page a channel, a team or a user after a delay
// while an alert is neither acknowledged nor resolved.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, toast } from '../ui.js';

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
      if (policy) { await api.put('/escalation-policies/' + policy.id, body); toast('Policy saved'); } else { await api.post('/escalation-policies', body); toast('Policy created'); setV(blank()); }
      onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${policy ? 'Edit ' + policy.name : 'Create a policy'}</h2>
    <${ErrorBanner} error=${error} shownFields=${['name', 'description', 'repeat', ...v.rules.flatMap((_, i) => [`rules[${i}].delay_minutes`, `rules[${i}].notify_type`, `rules[${i}].notify_id`])]} />
    <${Field} label="Name" name="name" value=${v.name} onInput=${(x) => setV((o) => ({ ...o, name: x }))} error=${fe('name')} />
    <${Field} label="Description" name="description" value=${v.description} onInput=${(x) => setV((o) => ({ ...o, description: x }))} error=${fe('description')} />
    ${v.rules.map((r, i) => html`<fieldset key=${i}><legend>Step ${i + 1}</legend>
      <${Field} label="After (minutes)" name=${`rules[${i}].delay_minutes`} type="number" min="0" value=${r.delay_minutes} onInput=${setStep(i, 'delay_minutes')} error=${fe(`rules[${i}].delay_minutes`)} />
      <${Field} label="Notify" name=${`rules[${i}].notify_type`} as="select" options=${['channel', 'team', 'user', 'schedule']} value=${r.notify_type} onInput=${setStep(i, 'notify_type')} error=${fe(`rules[${i}].notify_type`)} />
      <${Field} label="Who" name=${`rules[${i}].notify_id`} as="select" value=${r.notify_id || targets[r.notify_type][0]?.id || ''} onInput=${setStep(i, 'notify_id')} error=${fe(`rules[${i}].notify_id`)}
        options=${targets[r.notify_type].length ? targets[r.notify_type].map((t) => ({ value: t.id, label: t.name })) : [{ value: '', label: `No ${r.notify_type}s yet` }]} />
      ${v.rules.length > 1 && html`<${Button} onClick=${() => setV((o) => ({ ...o, rules: o.rules.filter((_, j) => j !== i) }))} aria-label=${'Remove step ' + (i + 1)}>Remove step<//>`}
    </fieldset>`)}
    <div class="row"><${Button} onClick=${() => setV((o) => ({ ...o, rules: [...o.rules, { delay_minutes: 15, notify_type: 'channel', notify_id: '' }] }))}>Add a step<//></div>
    <${Field} label="Repeat the whole policy (times)" name="repeat" type="number" min="0" value=${v.repeat} onInput=${(x) => setV((o) => ({ ...o, repeat: x }))} error=${fe('repeat')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${busy}>${policy ? 'Save policy' : 'Create policy'}<//>
      ${policy && html`<${Button} onClick=${onCancel}>Cancel<//>`}</div>
  </form>`;
}

export function EscalationPolicies() {
  const res = useResource(() => Promise.all([api.get('/escalation-policies'), api.get('/notification-channels'), api.get('/teams'), api.get('/members'), api.get('/on-call-schedules').catch(() => [])]), []);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${PageHeader} title="Escalation policies" subtitle="Who gets paged next while an alert stays unacknowledged." />${dialog}
    <${Resource} res=${res}>${([list, channels, teams, members, schedules]) => {
      const targets = { channel: channels.map((c) => ({ id: c.id, name: c.name })), team: teams.map((t) => ({ id: t.id, name: t.name })), user: members.map((m) => ({ id: m.user_id, name: m.full_name || m.email })), schedule: schedules.map((s) => ({ id: s.id, name: s.name })) };
      const nameOf = (r) => targets[r.notify_type]?.find((t) => t.id === r.notify_id)?.name || r.notify_id;
      return html`${list.length === 0 ? html`<${EmptyState} title="No escalation policies">Create one below, then pick it in an alert rule.<//>`
        : html`<${Table} caption="Escalation policies" rows=${list} columns=${[
          { label: 'Name', key: 'name' },
          { label: 'Steps', render: (p) => html`<ol>${p.rules.map((r) => html`<li>after ${r.delay_minutes} min → ${r.notify_type} ${nameOf(r)}</li>`)}</ol>` },
          { label: 'Repeat', class: 'num', key: 'repeat' },
          { label: 'Actions', render: (p) => html`<div class="row"><${Button} aria-label=${'Edit ' + p.name} onClick=${() => setEditing(p)}>Edit<//><${Button} kind="danger" aria-label=${'Delete ' + p.name} onClick=${() => confirm(async () => { await api.del('/escalation-policies/' + p.id); res.reload(); }, { title: 'Delete this policy?', body: 'Rules using it stop escalating.', label: 'Delete', danger: true })}>Delete<//></div>` }]} />`}
        ${editing ? html`<${PolicyForm} key=${'edit-' + editing.id} targets=${targets} policy=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`
          : html`<${PolicyForm} key="new" targets=${targets} onDone=${res.reload} />`}`;
    }}<//>`;
}
