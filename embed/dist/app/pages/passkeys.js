// Passkeys (WebAuthn, SPEC §10): the profile's list (add with navigator.credentials.create,
// remove), the login page's "Sign in with a passkey" (no password), and the assertion
// helper the second step uses. The server's options are JSON with base64url binary
// fields; the browser API wants ArrayBuffers, and its answers go back as base64url JSON.
import { html, useEffect, useState } from '../html.js';
import { api, session } from '../api.js';
import { Field, Button, ErrorBanner, useForm, useConfirm, toast, fmtTime } from '../ui.js';
import { t } from '../i18n.js';

function fromB64url(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
}
function toB64url(buf) {
  if (!buf) return undefined;
  let s = '';
  new Uint8Array(buf).forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const withIds = (list) => (list || []).map((c) => ({ ...c, id: fromB64url(c.id) }));

// createPasskey runs navigator.credentials.create for the server's options and
// returns the new credential as JSON.
export async function createPasskey(options) {
  const pk = options.publicKey;
  const cred = await navigator.credentials.create({ publicKey: {
    ...pk, challenge: fromB64url(pk.challenge), user: { ...pk.user, id: fromB64url(pk.user.id) },
    excludeCredentials: withIds(pk.excludeCredentials) } });
  return { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
    response: { clientDataJSON: toB64url(cred.response.clientDataJSON), attestationObject: toB64url(cred.response.attestationObject),
      transports: cred.response.getTransports ? cred.response.getTransports() : [] } };
}

// assertWithPasskey runs navigator.credentials.get for the server's options and returns
// the assertion as JSON.
export async function assertWithPasskey(options) {
  const pk = options.publicKey;
  const cred = await navigator.credentials.get({ publicKey: {
    ...pk, challenge: fromB64url(pk.challenge), allowCredentials: withIds(pk.allowCredentials) } });
  return { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
    response: { clientDataJSON: toB64url(cred.response.clientDataJSON), authenticatorData: toB64url(cred.response.authenticatorData),
      signature: toB64url(cred.response.signature), userHandle: toB64url(cred.response.userHandle) } };
}

// PasskeysSection lists the caller's passkeys; adding one names it first.
export function PasskeysSection({ onSessionUpgraded }) {
  const [keys, setKeys] = useState(null);
  const f = useForm({ name: '' });
  const rm = useForm({});
  const [dialog, confirm] = useConfirm();
  const [available, setAvailable] = useState(true);
  const load = () => api.get('/profile/passkeys').then(setKeys, (e) => rm.setError(e));
  useEffect(() => { load(); api.get('/profile/mfa').then((s) => setAvailable(s.passkeys_available !== false), () => {}); }, []);
  async function add(e) {
    e.preventDefault();
    const res = await f.submit(async (v) => {
      const start = await api.post('/profile/passkeys/begin', {});
      const credential = await createPasskey(start.public_key);
      return api.post('/profile/passkeys', { ceremony_token: start.ceremony_token, name: v.name, credential });
    });
    if (!res) return;
    f.setValues({ name: '' });
    toast(t('passkeys.added'));
    load();
    if (res.token) { session.setToken(res.token); if (onSessionUpgraded) onSessionUpgraded(); }
  }
  function remove(k) {
    confirm(async () => { await api.del('/profile/passkeys/' + encodeURIComponent(k.id)); toast(t('passkeys.removed')); load(); },
      { title: t('passkeys.remove_title'), body: html`<p>${t('passkeys.remove_body', { name: k.name })}</p>`, label: t('teams.remove'), danger: true });
  }
  const supported = typeof window.PublicKeyCredential !== 'undefined' && available;
  return html`<section class="card form" data-passkeys>
    ${dialog}
    <h2>${t('passkeys.title')}</h2>
    <p>${t('passkeys.intro')}</p>
    <${ErrorBanner} error=${rm.error} />
    ${keys && keys.length === 0 && html`<p class="muted">${t('passkeys.none')}</p>`}
    ${keys && keys.length > 0 && html`<ul class="passkeys">${keys.map((k) => html`<li data-passkey=${k.name}>
      <strong>${k.name}</strong> <span class="muted">${k.last_used_at ? t('passkeys.added_used', { added: fmtTime(k.created_at), used: fmtTime(k.last_used_at) }) : t('passkeys.added_on', { added: fmtTime(k.created_at) })}</span>
      ${' '}<${Button} kind="danger" class="btn-small" onClick=${() => remove(k)}>${t('teams.remove')}<//></li>`)}</ul>`}
    ${supported ? html`<form onSubmit=${add}>
        <${ErrorBanner} error=${f.error} shownFields=${['name']} />
        <${Field} label=${t('passkeys.name_label')} name="passkey_name" required hint=${t('passkeys.name_hint')} value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
        <${Button} kind="primary" type="submit" busy=${f.busy}>${t('passkeys.add')}<//>
      </form>` : html`<p class="muted">${available ? t('passkeys.unsupported') : t('passkeys.unavailable')}</p>`}
  </section>`;
}

// PasskeySignIn is the login page's password-less sign-in; onDone gets the session answer.
export function PasskeySignIn({ onDone }) {
  const f = useForm({});
  // WebAuthn needs a domain name: a page opened by IP address cannot use passkeys.
  if (typeof window.PublicKeyCredential === 'undefined' || /^[\d.]+$|:/.test(location.hostname)) return null;
  async function signIn() {
    const res = await f.submit(async () => {
      const start = await api.post('/auth/passkey/begin', {});
      const credential = await assertWithPasskey(start.public_key);
      return api.post('/auth/passkey/finish', { ceremony_token: start.ceremony_token, credential });
    });
    if (res) onDone(res);
  }
  return html`<div data-passkey-signin><${ErrorBanner} error=${f.error} />
    <${Button} busy=${f.busy} onClick=${signIn}>${t('passkeys.sign_in')}<//></div>`;
}
