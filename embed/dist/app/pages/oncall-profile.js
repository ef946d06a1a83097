// Profile, on call: the member's personal contact methods (how they are paged when on
// call: SMS, Telegram, Pushover, ntfy, e-mail; secrets are sealed and never shown again)
// and the revocable calendar feed of their shifts.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, useResource, Resource, CopyButton, toast } from '../ui.js';
import { fmtWhen } from './schedule-timeline.js';

// FIELDS are the config fields each contact method type asks for (the channel's own).
const FIELDS = {
  ntfy: ['topic', 'server_url', 'token'],
  telegram: ['bot_token', 'chat_id'],
  pushover: ['user_key', 'app_token'],
  sms: ['account_sid', 'auth_token', 'from', 'to'],
  email: ['to'],
};

// fieldLabel is a config field's label, built at render time (the catalogue is loaded
// after this module).
function fieldLabel(type, k) {
  const labels = {
    ntfy: { topic: t('oncall_profile.field.ntfy_topic'), server_url: t('oncall_profile.field.ntfy_server_url'), token: t('oncall_profile.field.ntfy_token') },
    telegram: { bot_token: t('oncall_profile.field.telegram_bot_token'), chat_id: t('oncall_profile.field.telegram_chat_id') },
    pushover: { user_key: t('oncall_profile.field.pushover_user_key'), app_token: t('oncall_profile.field.pushover_app_token') },
    sms: { account_sid: t('oncall_profile.field.sms_account_sid'), auth_token: t('oncall_profile.field.sms_auth_token'),
      from: t('oncall_profile.field.sms_from'), to: t('oncall_profile.field.sms_to') },
    email: { to: t('oncall_profile.field.email_to') },
  };
  return labels[type][k];
}

// typeLabel names a contact method type; only e-mail is a word, the others are products.
const typeLabel = (type) => (type === 'email' ? t('oncall_profile.type_email') : type);

function ContactMethods() {
  const res = useResource(() => api.get('/profile/contact-methods'), []);
  const [type, setType] = useState('ntfy');
  const [cfg, setCfg] = useState({});
  const [error, setError] = useState(null);
  const fe = (k) => (error instanceof ApiError ? error.fields['config.' + k] : undefined);
  async function add(e) {
    e.preventDefault();
    setError(null);
    const config = Object.fromEntries(Object.entries(cfg).filter(([k, v]) => v !== '' && FIELDS[type].includes(k)));
    if (type === 'email' && config.to) config.to = [config.to];
    try { await api.post('/profile/contact-methods', { type, config }); setCfg({}); toast(t('oncall_profile.added')); res.reload(); } catch (err) { setError(err); }
  }
  return html`<section class="card form"><h2>${t('oncall_profile.contact.title')}</h2>
    <p class="muted">${t('oncall_profile.contact.intro')}</p>
    <${Resource} res=${res}>${(d) => html`<ul>${d.contact_methods.map((m) => html`<li>${typeLabel(m.type)}: ${Object.values(m.config).flat().join(', ')}
      ${m.secrets_set.length > 0 && html` <span class="muted">${t('oncall_profile.secrets_set', { names: m.secrets_set.join(', ') })}</span>`}
      <${Button} aria-label=${t('oncall_profile.remove_method', { type: typeLabel(m.type) })} onClick=${async () => { await api.del('/profile/contact-methods/' + m.id); res.reload(); }}>${t('oncall_profile.remove')}<//></li>`)}</ul>`}<//>
    <form onSubmit=${add} novalidate>
      <${ErrorBanner} error=${error} shownFields=${FIELDS[type].map((k) => 'config.' + k)} />
      <${Field} label=${t('oncall_profile.type')} name="contact_type" as="select" options=${Object.keys(FIELDS).map((k) => ({ value: k, label: typeLabel(k) }))} value=${type} onInput=${(x) => { setType(x); setCfg({}); }} />
      ${FIELDS[type].map((k) => html`<${Field} label=${fieldLabel(type, k)} name=${'contact_' + k} value=${cfg[k] || ''} onInput=${(x) => setCfg((o) => ({ ...o, [k]: x }))} error=${fe(k)} />`)}
      <${Button} kind="primary" type="submit">${t('oncall_profile.add')}<//>
    </form>
  </section>`;
}

function CalendarFeed() {
  const res = useResource(() => api.get('/profile/on-call-calendar'), []);
  const [url, setURL] = useState('');
  return html`<section class="card"><h2>${t('oncall_profile.feed.title')}</h2>
    <p class="muted">${t('oncall_profile.feed.intro')}</p>
    <${Resource} res=${res}>${(d) => html`
      ${url ? html`<p><code>${url}</code> <${CopyButton} text=${url} /></p>` : d.enabled ? html`<p>${t('oncall_profile.feed.since', { time: fmtWhen(d.created_at) })}</p>` : html`<p>${t('oncall_profile.feed.none')}</p>`}
      <div class="row"><${Button} onClick=${async () => { const r = await api.post('/profile/on-call-calendar'); setURL(r.url); res.reload(); }}>${d.enabled ? t('oncall_profile.feed.new') : t('oncall_profile.feed.create')}<//>
        ${d.enabled && html`<${Button} kind="danger" onClick=${async () => { await api.del('/profile/on-call-calendar'); setURL(''); res.reload(); }}>${t('oncall_profile.feed.revoke')}<//>`}</div>`}<//>
  </section>`;
}

export function OnCallProfile() {
  return html`<${ContactMethods} /><${CalendarFeed} />`;
}
