// Public pages: log in, sign up (POST /auth/register), accept an invitation.
import { html, useEffect, useState } from '../html.js';
import { api, session } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, useForm, Banner, Loading, fmtTime } from '../ui.js';
import { ROLE_DESCRIPTION, roleLabel } from '../roles.js';
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
    ${setup && setup.registration_open !== false && html`<p>No account yet? <a href=${'/signup' + (next !== '/' ? '?next=' + encodeURIComponent(next) : '')}>Sign up</a></p>`}
  <//>`;
}

// useInvitation previews the invitation token names (POST /auth/invitation): null while
// asking, {error} when it is unknown, used or expired, else the preview.
function useInvitation(token) {
  const [inv, setInv] = useState(token ? null : { error: null, none: true });
  useEffect(() => {
    if (!token) return;
    api.post('/auth/invitation', { token }).then(setInv, (error) => setInv({ error }));
  }, [token]);
  return inv;
}

// InvitationSummary says who invites whom, into which organization, with which role.
function InvitationSummary({ inv }) {
  return html`<div class="invitation-summary" data-invitation>
    <p><strong>${inv.invited_by_name || 'An administrator'}</strong> invites you to join <strong>${inv.organization_name}</strong> as <strong>${roleLabel(inv.role)}</strong>.</p>
    <p class="muted">${roleLabel(inv.role)}: ${ROLE_DESCRIPTION[inv.role] || ''} The invitation is for ${inv.email} and expires ${fmtTime(inv.expires_at)}.</p>
  </div>`;
}

// SignUpForm registers an account; with an invitation (token and its preview) the e-mail
// is the invited one, shown locked, and the token travels without being shown.
function SignUpForm({ token, inv, next, onSignedIn }) {
  const f = useForm({ full_name: '', email: inv?.email || '', password: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const res = await f.submit((v) => api.post('/auth/register', token ? { ...v, email: inv?.email || v.email, invite_token: token } : v));
    if (res) await onSignedIn(res.token, res.organization?.slug, next || '/');
  }
  return html`<form onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${f.error} shownFields=${['full_name', 'email', 'password']} />
    <${Field} label="Full name" name="full_name" autocomplete="name" required value=${f.values.full_name} onInput=${f.set('full_name')} error=${f.fieldError('full_name')} />
    <${Field} label="E-mail" name="email" type="email" autocomplete="email" required readonly=${!!inv} value=${f.values.email} onInput=${f.set('email')}
      error=${f.fieldError('email')} hint=${inv ? 'The address the invitation was sent to.' : undefined} />
    <${Field} label="Password" name="password" type="password" autocomplete="new-password" required hint="At least 8 characters." value=${f.values.password} onInput=${f.set('password')} error=${f.fieldError('password')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>Sign up<//></div>
  </form>`;
}

export function SignUp({ query, onSignedIn }) {
  const invite = query.get('invite') || '';
  const inv = useInvitation(invite);
  const setup = useSetup();
  const welcome = !invite && setup && setup.first_run && setup.registration_open;
  const closed = !invite && setup && setup.registration_open === false;
  let body;
  if (invite && inv === null) body = html`<${Loading} label="Reading the invitation…" />`;
  else if (invite && inv.error) body = html`<${Banner}>This invitation link is unknown, used or expired. Ask for a new invitation.<//>`;
  else if (closed) body = html`<${Banner} kind="info">Signing up here needs an invitation. Ask an administrator of the organization you want to join to invite you.<//>`;
  else {
    body = html`${welcome ? html`<p data-welcome><strong>AlertifyPro</strong> is running and has no accounts yet. This first account becomes the
        instance administrator: it manages every organization on this server, and its own organization has no service limit.</p>`
      : invite ? html`<${InvitationSummary} inv=${inv} />` : html`<p class="muted">You get your own organization; invite your team from Members later.</p>`}
      <${SignUpForm} key=${invite} token=${invite} inv=${invite ? inv : null} next=${query.get('next')} onSignedIn=${onSignedIn} />`;
  }
  return html`<${AuthCard} title=${welcome ? 'Welcome — create the administrator account' : invite ? 'Join your team' : 'Create your account'}>
    ${body}
    <p>Already have an account? <a href="/login">Log in</a></p>
  <//>`;
}

// AcceptInvitation: an invitation link carries ?token=. It names the organization, the
// inviter and the role; a signed-in user accepts it directly, an address with an account
// logs in first, anyone else signs up right here (the e-mail locked to the invited one).
export function AcceptInvitation({ query, onSignedIn, reloadProfile }) {
  const token = query.get('token') || '';
  const f = useForm({ token });
  const inv = useInvitation(token);
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
  const back = '/invitations/accept?token=' + encodeURIComponent(token);
  let body;
  if (!token) body = html`<${Banner}>This link has no invitation token. Ask for a new invitation.<//>`;
  else if (inv === null) body = html`<${Loading} label="Reading the invitation…" />`;
  else if (inv.error) body = html`<${Banner}>This invitation link is unknown, used or expired. Ask for a new invitation.<//>`;
  else if (signedIn) {
    body = html`<${InvitationSummary} inv=${inv} /><form onSubmit=${accept}>
        <${ErrorBanner} error=${f.error} shownFields=${['token']} />
        ${f.fieldError('token') && html`<div class="field-error">${f.fieldError('token')}</div>`}
        <p>Accept the invitation with the account you are logged in with? It must be ${inv.email}.</p>
        <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>Accept invitation<//></div>
      </form>`;
  } else if (inv.account_exists) {
    body = html`<${InvitationSummary} inv=${inv} />
      <p>${inv.email} already has an account: <a href=${'/login?next=' + encodeURIComponent(back)}>log in</a>, then accept.</p>`;
  } else {
    body = html`<${InvitationSummary} inv=${inv} /><${SignUpForm} token=${token} inv=${inv} onSignedIn=${onSignedIn} />`;
  }
  return html`<${AuthCard} title="Join an organization">${body}<//>`;
}
