// Settings → Security (SPEC §10): require two-factor sign-in, single sign-on by OpenID
// Connect and SAML 2.0 (with what the identity provider needs from us), "Test sign-in"
// and enforcing SSO. Admins only: the API answers 403 to anyone else.
import { html, useEffect, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, useForm, useResource, Resource, toast, CopyButton, Banner } from '../ui.js';

const ROLES = ['viewer', 'responder', 'member', 'admin'];
const lines = (s) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
// group_roles are edited as "group = role" lines.
const rolesText = (m) => Object.entries(m || {}).map(([g, r]) => `${g} = ${r}`).join('\n');
const rolesMap = (s) => Object.fromEntries(lines(s.replace(/,/g, '\n')).map((l) => l.split('=').map((x) => x.trim())).filter((p) => p.length === 2));

function RequireMFA({ org, reload }) {
  const [busy, setBusy] = useState(false);
  async function toggle(v) {
    setBusy(true);
    try { await api.put('/organization', { settings: { require_mfa: v } }); toast(v ? 'Two-factor sign-in required' : 'Two-factor sign-in optional'); reload(); } finally { setBusy(false); }
  }
  return html`<section class="card"><h2>Two-factor sign-in</h2>
    <${Field} type="checkbox" label="Require two-factor sign-in for every member" name="require_mfa" value=${org.settings.require_mfa} disabled=${busy}
      hint="Members without an authenticator app or passkey must set one up at their next password sign-in. Single sign-on counts as its own second factor." onInput=${toggle} /></section>`;
}

function MappingFields({ f }) {
  return html`
    <${Field} label="Allowed e-mail domains" name="allowed_domains" hint="One per line; only these addresses may sign in." as="textarea" value=${f.values.allowed_domains} onInput=${f.set('allowed_domains')} error=${f.fieldError('allowed_domains')} />
    <${Field} label="Role of new members" name="default_role" as="select" options=${ROLES} value=${f.values.default_role} onInput=${f.set('default_role')} error=${f.fieldError('default_role')} />
    <${Field} label="Group → role" name="group_roles" as="textarea" hint="One per line, such as: ops-admins = admin. The highest role of a person's groups wins." value=${f.values.group_roles} onInput=${f.set('group_roles')} error=${f.fieldError('group_roles')} />`;
}

function TestSignIn({ protocol }) {
  const [error, setError] = useState(null);
  async function run() {
    setError(null);
    try { const { url } = await api.post('/organization/sso/test', { protocol }); location.assign(url); } catch (e) { setError(e); }
  }
  return html`<${ErrorBanner} error=${error} /><${Button} onClick=${run}>Test sign-in<//>`;
}

function OIDCForm({ cfg, reload }) {
  const f = useForm({ issuer: cfg.issuer, client_id: cfg.client_id, client_secret: '', scopes: cfg.scopes.join(' '), groups_claim: cfg.groups_claim,
    allowed_domains: cfg.allowed_domains.join('\n'), default_role: cfg.default_role, group_roles: rolesText(cfg.group_roles), enabled: cfg.enabled });
  async function onSubmit(e) {
    e.preventDefault();
    const saved = await f.submit((v) => api.put('/organization/sso/oidc', { ...v, scopes: v.scopes.split(/\s+/).filter(Boolean),
      allowed_domains: lines(v.allowed_domains), group_roles: rolesMap(v.group_roles) }));
    if (saved) { toast('OpenID Connect saved'); reload(); }
  }
  return html`<section class="card"><h2>OpenID Connect</h2>
    <p>Register this redirect URI at your provider: <code>${cfg.redirect_uri}</code> <${CopyButton} text=${cfg.redirect_uri} label="Copy redirect URI" /></p>
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['issuer', 'client_id', 'client_secret', 'scopes', 'groups_claim', 'allowed_domains', 'default_role', 'group_roles']} />
      <${Field} label="Issuer URL" name="issuer" type="url" value=${f.values.issuer} onInput=${f.set('issuer')} error=${f.fieldError('issuer')} />
      <${Field} label="Client ID" name="client_id" value=${f.values.client_id} onInput=${f.set('client_id')} error=${f.fieldError('client_id')} />
      <${Field} label="Client secret" name="client_secret" type="password" autocomplete="new-password" hint=${cfg.client_secret_set ? 'A secret is stored; leave empty to keep it.' : 'Stored encrypted, never shown again.'} value=${f.values.client_secret} onInput=${f.set('client_secret')} error=${f.fieldError('client_secret')} />
      <${Field} label="Scopes" name="scopes" hint="Besides openid; space-separated." value=${f.values.scopes} onInput=${f.set('scopes')} error=${f.fieldError('scopes')} />
      <${Field} label="Groups claim" name="groups_claim" hint="The ID-token claim listing the person's groups (default: groups)." value=${f.values.groups_claim} onInput=${f.set('groups_claim')} error=${f.fieldError('groups_claim')} />
      <${MappingFields} f=${f} />
      <${Field} type="checkbox" label="Enable OpenID Connect sign-in" name="oidc_enabled" value=${f.values.enabled} onInput=${f.set('enabled')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>Save OpenID Connect<//> ${cfg.issuer && html`<${TestSignIn} protocol="oidc" />`}</div>
    </form></section>`;
}

function SAMLForm({ cfg, reload }) {
  const f = useForm({ idp_metadata_url: cfg.idp_metadata_url, idp_metadata_xml: cfg.idp_metadata_url ? '' : cfg.idp_metadata_xml,
    email_attribute: cfg.email_attribute, name_attribute: cfg.name_attribute, groups_attribute: cfg.groups_attribute,
    allowed_domains: cfg.allowed_domains.join('\n'), default_role: cfg.default_role, group_roles: rolesText(cfg.group_roles),
    allow_idp_initiated: cfg.allow_idp_initiated, enabled: cfg.enabled });
  async function onSubmit(e) {
    e.preventDefault();
    const saved = await f.submit((v) => api.put('/organization/sso/saml', { ...v, allowed_domains: lines(v.allowed_domains), group_roles: rolesMap(v.group_roles) }));
    if (saved) { toast('SAML saved'); reload(); }
  }
  return html`<section class="card"><h2>SAML 2.0</h2>
    <p>Give your identity provider this metadata URL (it is also the entity ID): <code>${cfg.sp_metadata_url}</code> <${CopyButton} text=${cfg.sp_metadata_url} label="Copy metadata URL" /></p>
    <p>Assertion consumer service: <code>${cfg.acs_url}</code> <${CopyButton} text=${cfg.acs_url} label="Copy ACS URL" /></p>
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['idp_metadata_url', 'idp_metadata_xml', 'email_attribute', 'name_attribute', 'groups_attribute', 'allowed_domains', 'default_role', 'group_roles']} />
      <${Field} label="Identity provider metadata URL" name="idp_metadata_url" type="url" value=${f.values.idp_metadata_url} onInput=${f.set('idp_metadata_url')} error=${f.fieldError('idp_metadata_url')} />
      <${Field} label="…or its metadata XML" name="idp_metadata_xml" as="textarea" value=${f.values.idp_metadata_xml} onInput=${f.set('idp_metadata_xml')} error=${f.fieldError('idp_metadata_xml')} />
      <${Field} label="E-mail attribute" name="email_attribute" hint="Empty: email, mail or the usual URIs." value=${f.values.email_attribute} onInput=${f.set('email_attribute')} error=${f.fieldError('email_attribute')} />
      <${Field} label="Name attribute" name="name_attribute" value=${f.values.name_attribute} onInput=${f.set('name_attribute')} error=${f.fieldError('name_attribute')} />
      <${Field} label="Groups attribute" name="groups_attribute" value=${f.values.groups_attribute} onInput=${f.set('groups_attribute')} error=${f.fieldError('groups_attribute')} />
      <${MappingFields} f=${f} />
      <${Field} type="checkbox" label="Accept sign-ins started at the identity provider (IdP-initiated)" name="allow_idp_initiated" value=${f.values.allow_idp_initiated} onInput=${f.set('allow_idp_initiated')} />
      <${Field} type="checkbox" label="Enable SAML sign-in" name="saml_enabled" value=${f.values.enabled} onInput=${f.set('enabled')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>Save SAML<//> ${cfg.sp_certificate && html`<${TestSignIn} protocol="saml" />`}</div>
    </form></section>`;
}

function Enforce({ settings, reload }) {
  const [error, setError] = useState(null);
  async function toggle(v) {
    setError(null);
    try { await api.put('/organization/sso', { sso_enforced: v }); toast(v ? 'Single sign-on enforced' : 'Password sign-in allowed again'); reload(); } catch (e) { setError(e); }
  }
  return html`<section class="card"><h2>Enforce single sign-on</h2><${ErrorBanner} error=${error} shownFields=${[]} />
    <${Field} type="checkbox" label="Refuse password sign-in to members" name="sso_enforced" value=${settings.sso_enforced} onInput=${toggle}
      hint="Owners keep their password as a break-glass (each use is in the audit log). API keys keep working." /></section>`;
}

// TestResult reads the mapped identity of a finished "Test sign-in" (#sso_test=… in the
// URL, dropped at once).
function TestResult() {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const m = /(?:^#|&)sso_test=([^&]+)/.exec(location.hash);
    if (!m) return;
    history.replaceState(null, '', location.pathname + location.search);
    api.post('/organization/sso/test/result', { code: decodeURIComponent(m[1]) }).then(setResult, setError);
  }, []);
  if (error) return html`<${ErrorBanner} error=${error} />`;
  if (!result) return null;
  return html`<${Banner} kind="info"><strong>Test sign-in worked</strong> (${result.protocol === 'oidc' ? 'OpenID Connect' : 'SAML'}, nobody was provisioned):${' '}
    <span data-testid="sso-test-result">${result.email}${result.name ? ` (${result.name})` : ''} · groups: ${result.groups?.length ? result.groups.join(', ') : 'none'} → role ${result.role}</span><//>`;
}

export function Security() {
  const res = useResource(() => Promise.all([api.get('/organization'), api.get('/organization/sso'), api.get('/organization/sso/oidc'), api.get('/organization/sso/saml')]), []);
  return html`<${PageHeader} title="Security" subtitle="Sign-in rules of this organization" />
    <${TestResult} />
    <${Resource} res=${res}>${([org, settings, oidc, saml]) => html`
      <${RequireMFA} org=${org} reload=${res.reload} />
      <${OIDCForm} key=${'o' + oidc.issuer + oidc.enabled} cfg=${oidc} reload=${res.reload} />
      <${SAMLForm} key=${'s' + saml.idp_entity_id + saml.enabled} cfg=${saml} reload=${res.reload} />
      <${Enforce} settings=${settings} reload=${res.reload} />`}<//>`;
}
