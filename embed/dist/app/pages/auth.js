// Public pages: log in, sign up (POST /auth/register), accept an invitation.
import { html, useEffect, useState } from '../html.js';
import { api, session } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, useForm, Banner } from '../ui.js';
import { SecondStep } from './mfa.js';
import { PasskeySignIn } from './passkeys.js';
import { SSOSignIn } from './sso-login.js';

function AuthCard({ title, children }) {
  useEffect(() => { document.title = `${title} · AlertifyPro`; }, [title]);
  return html`<div class="card"><h1>${title}</h1>${children}</div>`;
}

// useSetup reads GET /auth/setup: whether the instance has no account yet (first run)
// and whether a sign-up without invitation is open. null until it answers; {} if it failed
// (the pages then behave as before they knew).
function useSetup() {
  const [setup, setSetup] = useState(null);
  useEffect(() => { api.get('/auth/setup').then(setSetup, () => setSetup({})); }, []);
  return setup;
}

export function Login({ query, onSignedIn }) {
  const f = useForm({ email: '', password: '' });
  const next = query.get('next') || '/';
  const ended = query.get('reason') === 'session';
  const setup = useSetup();
  const [step, setStep] = useState(null); // the second step of a two-factor sign-in (mfa.js)
  // A session limited to enrolling a second factor goes to the profile to enrol one.
  const done = (res) => onSignedIn(res.token, null, res.mfa_enrollment_required ? '/profile' : next);
  // Nobody can log in to an instance without accounts: its first visitor creates the administrator.
  useEffect(() => { if (setup && setup.first_run && setup.registration_open) navigate('/signup' + (next !== '/' ? '?next=' + encodeURIComponent(next) : ''), { replace: true }); }, [setup]);
  async function onSubmit(e) {
    e.preventDefault();
    const res = await f.submit((v) => api.post('/auth/login', v));
    if (res?.mfa_required) setStep(res); else if (res) await done(res);
  }
  if (step) return html`<${AuthCard} title="Two-factor sign-in"><${SecondStep} challenge=${step} onDone=${done} onCancel=${() => setStep(null)} /><//>`;
  return html`<${AuthCard} title="Log in">
    ${ended && html`<${Banner} kind="info">Your session has ended: it expired, you were signed out everywhere, or you no longer belong to its organization. Log in again.<//>`}
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['email', 'password']} />
      <${Field} label="E-mail" name="email" type="email" autocomplete="username" required value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} />
      <${Field} label="Password" name="password" type="password" autocomplete="current-password" required value=${f.values.password} onInput=${f.set('password')} error=${f.fieldError('password')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>Log in<//></div>
    </form>
    <${PasskeySignIn} onDone=${done} />
    <${SSOSignIn} onDone=${done} />
    ${(!setup || setup.registration_open !== false) && html`<p>No account yet? <a href=${'/signup' + (next !== '/' ? '?next=' + encodeURIComponent(next) : '')}>Sign up</a></p>`}
  <//>`;
}

export function SignUp({ query, onSignedIn }) {
  const invite = query.get('invite') || '';
  const f = useForm({ full_name: '', email: '', password: '', invite_token: invite });
  async function onSubmit(e) {
    e.preventDefault();
    const res = await f.submit((v) => api.post('/auth/register', v.invite_token ? v : { ...v, invite_token: undefined }));
    if (res) await onSignedIn(res.token, res.organization?.slug, query.get('next') || '/');
  }
  const setup = useSetup();
  const welcome = !invite && setup && setup.first_run && setup.registration_open;
  return html`<${AuthCard} title=${welcome ? 'Welcome — create the administrator account' : 'Create your account'}>
    ${welcome ? html`<p data-welcome><strong>AlertifyPro</strong> is running and has no accounts yet. This first account becomes the
        instance administrator: it manages every organization on this server, and its own organization has no service limit.</p>`
      : html`<p class="muted">You get your own organization; invite your team from Members later.</p>`}
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['full_name', 'email', 'password', 'invite_token']} />
      <${Field} label="Full name" name="full_name" autocomplete="name" required value=${f.values.full_name} onInput=${f.set('full_name')} error=${f.fieldError('full_name')} />
      <${Field} label="E-mail" name="email" type="email" autocomplete="email" required value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} />
      <${Field} label="Password" name="password" type="password" autocomplete="new-password" required hint="At least 8 characters." value=${f.values.password} onInput=${f.set('password')} error=${f.fieldError('password')} />
      ${invite && html`<${Field} label="Invitation" name="invite_token" value=${f.values.invite_token} onInput=${f.set('invite_token')} error=${f.fieldError('invite_token')} hint="You were invited to an organization; you will land in it." />`}
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>Sign up<//></div>
    </form>
    <p>Already have an account? <a href="/login">Log in</a></p>
  <//>`;
}

// AcceptInvitation: an invitation link carries ?token=. A signed-in user accepts
// it directly; anyone else signs up with it (or logs in first and comes back).
export function AcceptInvitation({ query, onSignedIn, reloadProfile }) {
  const token = query.get('token') || '';
  const f = useForm({ token });
  const signedIn = !!session.token();
  async function accept(e) {
    e.preventDefault();
    const res = await f.submit((v) => api.post('/invitations/accept', v));
    if (res) {
      // The answer names the organization by id ({org_id, role}); switch to it by slug.
      const p = await reloadProfile();
      const org = p?.organizations?.find((o) => o.id === res.org_id);
      await onSignedIn(session.token(), org?.slug, '/');
    }
  }
  return html`<${AuthCard} title="Join an organization">
    ${!token && html`<${Banner}>This link has no invitation token. Ask for a new invitation.<//>`}
    ${signedIn ? html`<form onSubmit=${accept}>
        <${ErrorBanner} error=${f.error} shownFields=${['token']} />
        ${f.fieldError('token') && html`<div class="field-error">${f.fieldError('token')}</div>`}
        <p>Accept the invitation with the account you are logged in with?</p>
        <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy} disabled=${!token}>Accept invitation<//></div>
      </form>`
      : html`<p>New here? <a href=${'/signup?invite=' + encodeURIComponent(token)}>Sign up with this invitation</a>.</p>
        <p>Have an account? <a href=${'/login?next=' + encodeURIComponent('/invitations/accept?token=' + token)}>Log in</a>, then accept.</p>`}
  <//>`;
}
