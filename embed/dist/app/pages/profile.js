// Profile: name and e-mail (PUT /profile), password change (PUT /profile/password),
// and "log out everywhere" (POST /auth/logout-all). A new e-mail address needs the
// current password and takes effect only when the link mailed to it is followed
// (SPEC §12); until then the profile shows it as pending and the old one stays.
import { html, useState } from '../html.js';
import { api, session } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, Banner, useForm, PageHeader, toast, fmtTime } from '../ui.js';
import { TwoFactorSection } from './mfa.js';
import { PasskeysSection } from './passkeys.js';
import { OnCallProfile } from './oncall-profile.js';
import { roleInText } from '../roles.js';
import { t } from '../i18n.js';

// PendingEmail says where the confirmation link went and until when it works.
function PendingEmail({ pending, current }) {
  if (!pending) return null;
  return html`<${Banner} kind="info"><div><strong>${t('profile.check_inbox')}</strong>${' '}${t('profile.link_sent', { email: pending.email })}
    ${t('profile.email_stays', { current, until: fmtTime(pending.expires_at) })}</div><//>`;
}

export function Profile({ profile, reloadProfile }) {
  const info = useForm({ full_name: profile.full_name, email: profile.email, current_password: '' });
  const pw = useForm({ current_password: '', new_password: '' });
  const out = useForm({});
  const [pending, setPending] = useState(profile.pending_email);
  const emailChanged = info.values.email.trim().toLowerCase() !== profile.email.toLowerCase();

  async function saveInfo(e) {
    e.preventDefault();
    const body = { full_name: info.values.full_name, email: info.values.email };
    if (emailChanged) body.current_password = info.values.current_password;
    const res = await info.submit(() => api.put('/profile', body));
    if (!res) return;
    info.setValues({ full_name: res.full_name, email: res.email, current_password: '' });
    setPending(res.pending_email);
    toast(emailChanged ? t('profile.link_sent_toast') : t('profile.saved'));
    reloadProfile();
  }
  async function savePassword(e) {
    e.preventDefault();
    const res = await pw.submit((v) => api.put('/profile/password', v).then((r) => r || true));
    if (res) {
      pw.setValues({ current_password: '', new_password: '' });
      // A password change may revoke old tokens; a fresh one, if returned, keeps us in.
      if (res.token) session.setToken(res.token);
      toast(t('profile.password_changed'));
    }
  }
  async function logoutAll() {
    if (await out.submit(() => api.post('/auth/logout-all').then(() => true))) {
      session.clear();
      navigate('/login', { replace: true });
    }
  }
  return html`
    <${PageHeader} title=${t('profile.title')} subtitle=${t('profile.member_since', { date: fmtTime(profile.created_at) })} />
    <section class="card form">
      <h2>${t('profile.details')}</h2>
      <form onSubmit=${saveInfo}>
        <${PendingEmail} pending=${pending} current=${profile.email} />
        <${ErrorBanner} error=${info.error} shownFields=${['full_name', 'email', 'current_password']} />
        <${Field} label=${t('auth.full_name')} name="full_name" value=${info.values.full_name} onInput=${info.set('full_name')} error=${info.fieldError('full_name')} />
        <${Field} label=${t('members.email')} name="email" type="email" autocomplete="email" value=${info.values.email} onInput=${info.set('email')} error=${info.fieldError('email')}
          hint=${t('profile.email_hint')} />
        ${emailChanged && html`<${Field} label=${t('profile.current_password')} name="current_password" type="password" autocomplete="current-password"
          hint=${t('profile.current_password_hint')} value=${info.values.current_password} onInput=${info.set('current_password')} error=${info.fieldError('current_password')} />`}
        <${Button} kind="primary" type="submit" busy=${info.busy}>${t('common.save')}<//>
      </form>
    </section>
    <section class="card form">
      <h2>${t('profile.change_password')}</h2>
      <form onSubmit=${savePassword}>
        <${ErrorBanner} error=${pw.error} shownFields=${['current_password', 'new_password']} />
        <${Field} label=${t('profile.current_password')} name="current_password" type="password" autocomplete="current-password" value=${pw.values.current_password} onInput=${pw.set('current_password')} error=${pw.fieldError('current_password')} />
        <${Field} label=${t('profile.new_password')} name="new_password" type="password" autocomplete="new-password" hint=${t('auth.password_hint')} value=${pw.values.new_password} onInput=${pw.set('new_password')} error=${pw.fieldError('new_password')} />
        <${Button} kind="primary" type="submit" busy=${pw.busy}>${t('profile.change_password')}<//>
      </form>
    </section>
    <${TwoFactorSection} onSessionUpgraded=${reloadProfile} />
    <${PasskeysSection} onSessionUpgraded=${reloadProfile} />
    <section class="card">
      <h2>${t('profile.organizations')}</h2>
      <ul>${profile.organizations.map((o) => html`<li>${o.name} — <span class="muted">${roleInText(o.role)}</span></li>`)}</ul>
      <h2>${t('profile.sessions')}</h2>
      <${ErrorBanner} error=${out.error} />
      <p>${t('profile.logout_all_text')}</p>
      <${Button} kind="danger" busy=${out.busy} onClick=${logoutAll}>${t('profile.logout_all')}<//>
    </section><${OnCallProfile} />`;
}
