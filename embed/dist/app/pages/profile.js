// Profile: name and e-mail (PUT /profile), password change (PUT /profile/password),
// and "log out everywhere" (POST /auth/logout-all).
import { html } from '../html.js';
import { api, session } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, useForm, PageHeader, toast, fmtTime } from '../ui.js';

export function Profile({ profile, reloadProfile }) {
  const info = useForm({ full_name: profile.full_name, email: profile.email });
  const pw = useForm({ current_password: '', new_password: '' });
  const out = useForm({});

  async function saveInfo(e) {
    e.preventDefault();
    if (await info.submit((v) => api.put('/profile', v))) { toast('Profile saved'); reloadProfile(); }
  }
  async function savePassword(e) {
    e.preventDefault();
    const res = await pw.submit((v) => api.put('/profile/password', v).then((r) => r || true));
    if (res) {
      pw.setValues({ current_password: '', new_password: '' });
      // A password change may revoke old tokens; a fresh one, if returned, keeps us in.
      if (res.token) session.setToken(res.token);
      toast('Password changed');
    }
  }
  async function logoutAll() {
    if (await out.submit(() => api.post('/auth/logout-all').then(() => true))) {
      session.clear();
      navigate('/login', { replace: true });
    }
  }
  return html`
    <${PageHeader} title="Profile" subtitle=${'Member since ' + fmtTime(profile.created_at)} />
    <section class="card form">
      <h2>Your details</h2>
      <form onSubmit=${saveInfo}>
        <${ErrorBanner} error=${info.error} shownFields=${['full_name', 'email']} />
        <${Field} label="Full name" name="full_name" value=${info.values.full_name} onInput=${info.set('full_name')} error=${info.fieldError('full_name')} />
        <${Field} label="E-mail" name="email" type="email" value=${info.values.email} onInput=${info.set('email')} error=${info.fieldError('email')} />
        <${Button} kind="primary" type="submit" busy=${info.busy}>Save<//>
      </form>
    </section>
    <section class="card form">
      <h2>Change password</h2>
      <form onSubmit=${savePassword}>
        <${ErrorBanner} error=${pw.error} shownFields=${['current_password', 'new_password']} />
        <${Field} label="Current password" name="current_password" type="password" autocomplete="current-password" value=${pw.values.current_password} onInput=${pw.set('current_password')} error=${pw.fieldError('current_password')} />
        <${Field} label="New password" name="new_password" type="password" autocomplete="new-password" hint="At least 8 characters." value=${pw.values.new_password} onInput=${pw.set('new_password')} error=${pw.fieldError('new_password')} />
        <${Button} kind="primary" type="submit" busy=${pw.busy}>Change password<//>
      </form>
    </section>
    <section class="card">
      <h2>Organizations</h2>
      <ul>${profile.organizations.map((o) => html`<li>${o.name} — <span class="muted">${o.role}</span></li>`)}</ul>
      <h2>Sessions</h2>
      <${ErrorBanner} error=${out.error} />
      <p>Log out on every device (all tokens issued so far stop working).</p>
      <${Button} kind="danger" busy=${out.busy} onClick=${logoutAll}>Log out everywhere<//>
    </section>`;
}
