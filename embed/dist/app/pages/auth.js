// Public pages: log in, sign up (POST /auth/register), accept an invitation.
import { html, useEffect, useState } from '../html.js';
import { api, session } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, useForm, Banner, Loading, fmtTime } from '../ui.js';
import { roleDescription, roleLabel } from '../roles.js';
import { t, LanguagePicker } from '../i18n.js';
import { SecondStep } from './mfa.js';
import { PasskeySignIn } from './passkeys.js';
import { SSOSignIn } from './sso-login.js';

function AuthCard({ title, children }) {
  useEffect(() => { document.title = `${title} · AlertifyPro`; }, [title]);
  return html`<div class="card"><div class="auth-head"><h1>${title}</h1><${LanguagePicker} id="auth-language" /></div>${children}</div>`;
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
  if (step) return html`<${AuthCard} title=${t('auth.two_factor_title')}><${SecondStep} challenge=${step} onDone=${done} onCancel=${() => setStep(null)} /><//>`;
  return html`<${AuthCard} title=${t('auth.login')}>
    ${ended && html`<${Banner} kind="info">${t('auth.session_ended')}<//>`}
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['email', 'password']} />
      <${Field} label=${t('members.email')} name="email" type="email" autocomplete="username" required value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} />
      <${Field} label=${t('auth.password')} name="password" type="password" autocomplete="current-password" required value=${f.values.password} onInput=${f.set('password')} error=${f.fieldError('password')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('auth.login')}<//></div>
    </form>
    <${PasskeySignIn} onDone=${done} />
    <${SSOSignIn} onDone=${done} />
    ${setup && setup.registration_open !== false && html`<p>${t('auth.no_account')} <a href=${'/signup' + (next !== '/' ? '?next=' + encodeURIComponent(next) : '')}>${t('auth.signup')}</a></p>`}
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
    <p>${invitationLine(inv)}</p>
    <p class="muted">${roleLabel(inv.role)}: ${roleDescription(inv.role)} ${t('auth.invitation_for', { email: inv.email, expires: fmtTime(inv.expires_at) })}</p>
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
    <${Field} label=${t('auth.full_name')} name="full_name" autocomplete="name" required value=${f.values.full_name} onInput=${f.set('full_name')} error=${f.fieldError('full_name')} />
    <${Field} label=${t('members.email')} name="email" type="email" autocomplete="email" required readonly=${!!inv} value=${f.values.email} onInput=${f.set('email')}
      error=${f.fieldError('email')} hint=${inv ? t('auth.invited_address') : undefined} />
    <${Field} label=${t('auth.password')} name="password" type="password" autocomplete="new-password" required hint=${t('auth.password_hint')} value=${f.values.password} onInput=${f.set('password')} error=${f.fieldError('password')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('auth.signup')}<//></div>
  </form>`;
}

export function SignUp({ query, onSignedIn }) {
  const invite = query.get('invite') || '';
  const inv = useInvitation(invite);
  const setup = useSetup();
  const welcome = !invite && setup && setup.first_run && setup.registration_open;
  const closed = !invite && setup && setup.registration_open === false;
  let body;
  if (invite && inv === null) body = html`<${Loading} label=${t('auth.reading_invitation')} />`;
  else if (invite && inv.error) body = html`<${Banner}>${t('auth.invitation_invalid')}<//>`;
  else if (closed) body = html`<${Banner} kind="info">${t('auth.signup_closed')}<//>`;
  else {
    body = html`${welcome ? html`<p data-welcome><strong>AlertifyPro</strong> ${t('auth.welcome_text')}</p>`
      : invite ? html`<${InvitationSummary} inv=${inv} />` : html`<p class="muted">${t('auth.own_org')}</p>`}
      <${SignUpForm} key=${invite} token=${invite} inv=${invite ? inv : null} next=${query.get('next')} onSignedIn=${onSignedIn} />`;
  }
  return html`<${AuthCard} title=${welcome ? t('auth.welcome_title') : invite ? t('auth.join_team') : t('auth.create_account')}>
    ${body}
    <p>${t('auth.have_account')} <a href="/login">${t('auth.login')}</a></p>
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
  if (!token) body = html`<${Banner}>${t('auth.no_token')}<//>`;
  else if (inv === null) body = html`<${Loading} label=${t('auth.reading_invitation')} />`;
  else if (inv.error) body = html`<${Banner}>${t('auth.invitation_invalid')}<//>`;
  else if (signedIn) {
    body = html`<${InvitationSummary} inv=${inv} /><form onSubmit=${accept}>
        <${ErrorBanner} error=${f.error} shownFields=${['token']} />
        ${f.fieldError('token') && html`<div class="field-error">${f.fieldError('token')}</div>`}
        <p>${t('auth.accept_question', { email: inv.email })}</p>
        <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('auth.accept')}<//></div>
      </form>`;
  } else if (inv.account_exists) {
    body = html`<${InvitationSummary} inv=${inv} />
      <p>${t('auth.has_account_before', { email: inv.email })} <a href=${'/login?next=' + encodeURIComponent(back)}>${t('auth.has_account_link')}</a>${t('auth.has_account_after')}</p>`;
  } else {
    body = html`<${InvitationSummary} inv=${inv} /><${SignUpForm} token=${token} inv=${inv} onSignedIn=${onSignedIn} />`;
  }
  return html`<${AuthCard} title=${t('auth.join_org')}>${body}<//>`;
}

// invitationLine is "Ada invites you to join Acme as Member." with the names in bold: the
// sentence is one message (word order differs between languages), split at its placeholders.
function invitationLine(inv) {
  const strong = {
    inviter: inv.invited_by_name || t('auth.an_administrator'), org: inv.organization_name, role: roleLabel(inv.role),
  };
  return t('auth.invites_you').split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && strong[m[1]] !== undefined ? html`<strong>${strong[m[1]]}</strong>` : part;
  });
}
