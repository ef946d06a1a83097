// Profile, on call: the member's personal contact methods (how they are paged when on
// call: SMS, Telegram, Pushover, ntfy, e-mail; secrets are sealed and never shown again)
// and the revocable calendar feed of their shifts.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, useResource, Resource, CopyButton, toast, fmtTime } from '../ui.js';

// FIELDS are the config fields each contact method type asks for (the channel's own).
const FIELDS = {
  ntfy: [['topic', 'Topic'], ['server_url', 'Server URL (empty: ntfy.sh)'], ['token', 'Access token (optional)']],
  telegram: [['bot_token', 'Bot token'], ['chat_id', 'Chat ID']],
  pushover: [['user_key', 'User key'], ['app_token', 'Application token']],
  sms: [['account_sid', 'Twilio account SID'], ['auth_token', 'Twilio auth token'], ['from', 'From number'], ['to', 'Your number (+…)']],
  email: [['to', 'Address']],
};

function ContactMethods() {
  const res = useResource(() => api.get('/profile/contact-methods'), []);
  const [type, setType] = useState('ntfy');
  const [cfg, setCfg] = useState({});
  const [error, setError] = useState(null);
  const fe = (k) => (error instanceof ApiError ? error.fields['config.' + k] : undefined);
  async function add(e) {
    e.preventDefault();
    setError(null);
    const config = Object.fromEntries(Object.entries(cfg).filter(([k, v]) => v !== '' && FIELDS[type].some(([f]) => f === k)));
    if (type === 'email' && config.to) config.to = [config.to];
    try { await api.post('/profile/contact-methods', { type, config }); setCfg({}); toast('Contact method added'); res.reload(); } catch (err) { setError(err); }
  }
  return html`<section class="card form"><h2>On-call contact methods</h2>
    <p class="muted">When you are on call and an escalation step pages your schedule, you get an e-mail and a message on each of these.</p>
    <${Resource} res=${res}>${(d) => html`<ul>${d.contact_methods.map((m) => html`<li>${m.type}: ${Object.values(m.config).flat().join(', ')}
      ${m.secrets_set.length > 0 && html` <span class="muted">(${m.secrets_set.join(', ')} set)</span>`}
      <${Button} aria-label=${'Remove ' + m.type + ' contact method'} onClick=${async () => { await api.del('/profile/contact-methods/' + m.id); res.reload(); }}>Remove<//></li>`)}</ul>`}<//>
    <form onSubmit=${add} novalidate>
      <${ErrorBanner} error=${error} shownFields=${FIELDS[type].map(([k]) => 'config.' + k)} />
      <${Field} label="Type" name="contact_type" as="select" options=${Object.keys(FIELDS)} value=${type} onInput=${(x) => { setType(x); setCfg({}); }} />
      ${FIELDS[type].map(([k, label]) => html`<${Field} label=${label} name=${'contact_' + k} value=${cfg[k] || ''} onInput=${(x) => setCfg((o) => ({ ...o, [k]: x }))} error=${fe(k)} />`)}
      <${Button} kind="primary" type="submit">Add contact method<//>
    </form>
  </section>`;
}

function CalendarFeed() {
  const res = useResource(() => api.get('/profile/on-call-calendar'), []);
  const [url, setURL] = useState('');
  return html`<section class="card"><h2>Calendar feed</h2>
    <p class="muted">Subscribe to your shifts in a calendar app. The address is shown once; a new one stops the old one working.</p>
    <${Resource} res=${res}>${(d) => html`
      ${url ? html`<p><code>${url}</code> <${CopyButton} text=${url} /></p>` : d.enabled ? html`<p>A feed exists since ${fmtTime(d.created_at)}.</p>` : html`<p>No feed yet.</p>`}
      <div class="row"><${Button} onClick=${async () => { const r = await api.post('/profile/on-call-calendar'); setURL(r.url); res.reload(); }}>${d.enabled ? 'New feed address' : 'Create feed address'}<//>
        ${d.enabled && html`<${Button} kind="danger" onClick=${async () => { await api.del('/profile/on-call-calendar'); setURL(''); res.reload(); }}>Revoke feed<//>`}</div>`}<//>
  </section>`;
}

export function OnCallProfile() {
  return html`<${ContactMethods} /><${CalendarFeed} />`;
}
