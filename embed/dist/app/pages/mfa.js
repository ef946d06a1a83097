// Two-factor sign-in (SPEC §10): the profile's authenticator-app section (QR code,
// confirm a code, recovery codes shown once, disable with password and code) and the
// login page's second step (a code, a recovery code, or a passkey). New sessions that
// come out of enrolment or of the second step are handed back to the caller.
import { html, useEffect, useState } from '../html.js';
import { api, request, session } from '../api.js';
import { Field, Button, ErrorBanner, Banner, useForm, CopyButton, toast } from '../ui.js';
import { assertWithPasskey } from './passkeys.js';
import { t } from '../i18n.js';

// RecoveryCodes shows the ten codes once, with copy and download.
function RecoveryCodes({ codes, onDone }) {
  const text = codes.join('\n') + '\n';
  const href = 'data:text/plain;charset=utf-8,' + encodeURIComponent(text);
  return html`<div data-recovery-codes>
    <${Banner} kind="info">${t('mfa.save_codes')}<//>
    <ul class="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
    <div class="form-actions">
      <${CopyButton} text=${text} label=${t('mfa.copy_codes')} />
      <a class="btn btn-secondary btn-small" href=${href} download="alertifypro-recovery-codes.txt">${t('mfa.download')}</a>
      <${Button} kind="primary" onClick=${onDone}>${t('mfa.saved_them')}<//>
    </div>
  </div>`;
}

// Enrol walks through POST /profile/mfa/totp and /verify.
function Enrol({ onEnabled }) {
  const [setup, setSetup] = useState(null);
  const start = useForm({});
  const f = useForm({ code: '' });
  async function begin() {
    const res = await start.submit(() => api.post('/profile/mfa/totp', {}));
    if (res) setSetup(res);
  }
  async function verify(e) {
    e.preventDefault();
    const res = await f.submit((v) => api.post('/profile/mfa/totp/verify', { code: v.code.trim() }));
    if (!res) return;
    // A session limited to enrolment is replaced by a full one.
    if (res.token) session.setToken(res.token);
    onEnabled(res.recovery_codes, !!res.token);
  }
  if (!setup) {
    return html`<div><${ErrorBanner} error=${start.error} />
      <p>${t('mfa.intro')}</p>
      <${Button} kind="primary" busy=${start.busy} onClick=${begin}>${t('mfa.set_up')}<//></div>`;
  }
  return html`<form onSubmit=${verify} data-totp-enrol>
    <p>${t('mfa.scan')}</p>
    <img class="qr" width="200" height="200" alt=${t('mfa.qr_alt')} src=${'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(setup.qr_svg)} />
    <p>${t('mfa.key')} <code data-totp-secret>${setup.secret}</code> <${CopyButton} text=${setup.secret} label=${t('mfa.copy_key')} /></p>
    <${ErrorBanner} error=${f.error} shownFields=${['code']} />
    <${Field} label=${t('mfa.code_from_app')} name="code" inputmode="numeric" autocomplete="one-time-code" required value=${f.values.code} onInput=${f.set('code')} error=${f.fieldError('code')} />
    <${Button} kind="primary" type="submit" busy=${f.busy}>${t('mfa.turn_on')}<//>
  </form>`;
}

// Disable needs the password and a current code (or a recovery code).
function Disable({ onDisabled }) {
  const f = useForm({ password: '', code: '' });
  async function submit(e) {
    e.preventDefault();
    if (await f.submit((v) => request('DELETE', '/profile/mfa/totp', { password: v.password, code: v.code.trim() }).then(() => true))) onDisabled();
  }
  return html`<form onSubmit=${submit} data-totp-disable>
    <h3>${t('mfa.turn_off_heading')}</h3>
    <${ErrorBanner} error=${f.error} shownFields=${['password', 'code']} />
    <${Field} label=${t('auth.password')} name="password" type="password" autocomplete="current-password" value=${f.values.password} onInput=${f.set('password')} error=${f.fieldError('password')} />
    <${Field} label=${t('mfa.code_or_recovery')} name="code" autocomplete="one-time-code" value=${f.values.code} onInput=${f.set('code')} error=${f.fieldError('code')} />
    <${Button} kind="danger" type="submit" busy=${f.busy}>${t('mfa.turn_off')}<//>
  </form>`;
}

// TwoFactorSection is the profile's authenticator-app card.
export function TwoFactorSection({ onSessionUpgraded }) {
  const [status, setStatus] = useState(null);
  const [codes, setCodes] = useState(null);
  const load = () => api.get('/profile/mfa').then(setStatus, () => setStatus({}));
  useEffect(() => { load(); }, []);
  function enabled(recovery, upgraded) {
    setCodes(recovery);
    load();
    toast(t('mfa.is_on'));
    if (upgraded && onSessionUpgraded) onSessionUpgraded();
  }
  return html`<section class="card form" id="two-factor" data-two-factor>
    <h2>${t('mfa.title')}</h2>
    ${status?.enrollment_required && html`<${Banner} kind="info">${t('mfa.required')}<//>`}
    ${codes ? html`<${RecoveryCodes} codes=${codes} onDone=${() => setCodes(null)} />`
      : status?.totp_enabled ? html`<p>${t('mfa.app_set_up')} <strong>${status.recovery_codes_left}</strong>.</p>
          <${Disable} onDisabled=${() => { load(); toast(t('mfa.is_off')); }} />`
      : status ? html`<${Enrol} onEnabled=${enabled} />` : html`<p class="muted">${t('common.loading')}</p>`}
  </section>`;
}

// SecondStep is the login page's second step: POST /auth/mfa with a code, a recovery
// code or a passkey assertion. onDone gets the session answer.
export function SecondStep({ challenge, onDone, onCancel }) {
  const [mode, setMode] = useState((challenge.methods || []).includes('totp') ? 'code' : 'passkey');
  const f = useForm({ code: '' });
  const methods = challenge.methods || [];
  async function submitCode(e) {
    e.preventDefault();
    const proof = mode === 'recovery' ? { recovery_code: f.values.code.trim() } : { code: f.values.code.trim() };
    const res = await f.submit(() => api.post('/auth/mfa', { mfa_token: challenge.mfa_token, ...proof }));
    if (res) onDone(res);
  }
  async function usePasskey() {
    const res = await f.submit(async () => {
      const start = await api.post('/auth/mfa/passkey', { mfa_token: challenge.mfa_token });
      const credential = await assertWithPasskey(start.public_key);
      return api.post('/auth/mfa', { mfa_token: challenge.mfa_token, credential });
    });
    if (res) onDone(res);
  }
  return html`<div data-second-step>
    <${ErrorBanner} error=${f.error} shownFields=${['code']} />
    ${mode !== 'passkey' && html`<form onSubmit=${submitCode} novalidate>
      <${Field} label=${mode === 'recovery' ? t('mfa.recovery_code') : t('mfa.code_from_your_app')} name="code" autocomplete="one-time-code"
        inputmode=${mode === 'recovery' ? 'text' : 'numeric'} required value=${f.values.code} onInput=${f.set('code')} error=${f.fieldError('code')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('mfa.verify')}<//></div>
    </form>`}
    <p class="form-actions">
      ${methods.includes('totp') && mode !== 'code' && html`<${Button} onClick=${() => setMode('code')}>${t('mfa.use_code')}<//>`}
      ${methods.includes('recovery_code') && mode !== 'recovery' && html`<${Button} onClick=${() => setMode('recovery')}>${t('mfa.use_recovery')}<//>`}
      ${methods.includes('passkey') && html`<${Button} busy=${f.busy} onClick=${() => { setMode('passkey'); usePasskey(); }}>${t('mfa.use_passkey')}<//>`}
      <${Button} kind="link" onClick=${onCancel}>${t('mfa.start_over')}<//>
    </p>
  </div>`;
}
