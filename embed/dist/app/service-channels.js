// The service form's "Notify" choice. A service without an alert rule of its own is covered
// by the organization's default rule, which notifies every channel (SPEC §3.9); picking
// channels here gives the service one rule of its own that notifies just those, with the
// default rule's condition (2 consecutive failures). A service with several rules of its
// own is managed under Alert rules, where they can be told apart.
import { html, useState } from './html.js';
import { api } from './api.js';
import { useResource } from './ui.js';
import { t } from './i18n.js';

// useServiceChannels loads the organization's channels and, for a saved service, its own
// rules; picked is null until the user changes the choice.
export function useServiceChannels(service) {
  const res = useResource(() => Promise.all([
    api.get('/notification-channels'),
    service ? api.get(`/alert-rules?service_id=${service.id}`) : [],
  ]), [service?.id]);
  const [picked, setPicked] = useState(null);
  const [channels, rules] = res.data || [[], []];
  const own = rules.filter((r) => service && r.service_id === service.id);
  const current = own.length === 1 ? own[0].channel_ids || [] : [];
  return { res, channels, own, picked: picked ?? current, changed: picked !== null, setPicked };
}

// saveServiceChannels applies the choice after the service was saved (id, name).
export async function saveServiceChannels(state, id, name) {
  if (!state.changed || state.own.length > 1) return;
  if (state.own.length === 1) {
    await api.put(`/alert-rules/${state.own[0].id}`, { channel_ids: state.picked });
  } else if (state.picked.length > 0) {
    await api.post('/alert-rules', { name: t('service_channels.rule_name', { name }), service_id: id, severity: 'critical', channel_ids: state.picked,
      condition: { statuses: ['RED'], consecutive_failures: 2 } });
  }
}

export function ServiceChannels({ state }) {
  const { res, channels, own, picked, setPicked } = state;
  let body;
  if (res.data === undefined) body = html`<p class="muted">${res.error ? t('service_channels.load_failed', { error: res.error.message }) : t('service_channels.loading')}</p>`;
  else if (own.length > 1) body = html`<p class="hint">${t('service_channels.several_rules', { count: own.length })} <a href="/rules">${t('service_channels.rules_link')}</a>.</p>`;
  else if (channels.length === 0) body = html`<p class="hint">${t('service_channels.no_channels')} <a href="/channels/new">${t('service_channels.add_channel')}</a></p>`;
  else {
    const toggle = (cid, on) => setPicked(on ? [...picked, cid] : picked.filter((x) => x !== cid));
    body = html`<div role="group" aria-label=${t('service_channels.group_label')}>${channels.map((c) => html`<div class="field field-check" key=${c.id}>
        <input type="checkbox" id=${'notify-' + c.id} name="notify_channels" value=${c.id} checked=${picked.includes(c.id)} onChange=${(e) => toggle(c.id, e.target.checked)} />
        <label for=${'notify-' + c.id}>${c.name}</label></div>`)}</div>
      <p class="hint">${own.length === 1 ? (picked.length ? t('service_channels.own_rule', { rule: own[0].name }) : t('service_channels.own_rule_none', { rule: own[0].name }))
        : picked.length ? t('service_channels.new_rule') : t('service_channels.default_rule')}</p>`;
  }
  return html`<fieldset data-notify><legend>${t('service_channels.legend')}</legend>${body}</fieldset>`;
}
