// Settings → Security (SPEC §10): require two-factor sign-in, single sign-on by OpenID
// Connect and SAML 2.0 (with what the identity provider needs from us), "Test sign-in"
// and enforcing SSO. Admins only: the API answers 403 to anyone else.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, useForm, useResource, Resource, toast, CopyButton, Banner } from '../ui.js';

// Role names stay as the API spells them in every language: the group → role lines are
// typed with these very words.
const ROLES = ['viewer', 'responder', 'member', 'admin'];
const lines = (s) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
// group_roles are edited as "group = role" lines.
const rolesText = (m) => Object.entries(m || {}).map(([g, r]) => `${g} = ${r}`).join('\n');
const rolesMap = (s) => Object.fromEntries(lines(s.replace(/,/g, '\n')).map((l) => l.split('=').map((x) => x.trim())).filter((p) => p.length === 2));

function RequireMFA({ org, reload }) {
  const [busy, setBusy] = useState(false);
  async function toggle(v) {
    setBusy(true);
    try { await api.put('/organization', { settings: { require_mfa: v } }); toast(v ? t('security.mfa.required_toast') : t('security.mfa.optional_toast')); reload(); } finally { setBusy(false); }
  }
  return html`<section class="card"><h2>${t('security.mfa.title')}</h2>
    <${Field} type="checkbox" label=${t('security.mfa.require')} name="require_mfa" value=${org.settings.require_mfa} disabled=${busy}
      hint=${t('security.mfa.hint')} onInput=${toggle} /></section>`;
}

function MappingFields({ f }) {
  return html`
    <${Field} label=${t('security.mapping.allowed_domains')} name="allowed_domains" hint=${t('security.mapping.allowed_domains_hint')} as="textarea" value=${f.values.allowed_domains} onInput=${f.set('allowed_domains')} error=${f.fieldError('allowed_domains')} />
    <${Field} label=${t('security.mapping.default_role')} name="default_role" as="select" options=${ROLES} value=${f.values.default_role} onInput=${f.set('default_role')} error=${f.fieldError('default_role')} />
    <${Field} label=${t('security.mapping.group_roles')} name="group_roles" as="textarea" hint=${t('security.mapping.group_roles_hint')} value=${f.values.group_roles} onInput=${f.set('group_roles')} error=${f.fieldError('group_roles')} />`;
}

function TestSignIn({ protocol }) {
  const [error, setError] = useState(null);
  async function run() {
    setError(null);
    try { const { url } = await api.post('/organization/sso/test', { protocol }); location.assign(url); } catch (e) { setError(e); }
  }
  return html`<${ErrorBanner} error=${error} /><${Button} onClick=${run}>${t('security.test_sign_in')}<//>`;
}

function OIDCForm({ cfg, reload }) {
  const f = useForm({ issuer: cfg.issuer, client_id: cfg.client_id, client_secret: '', scopes: cfg.scopes.join(' '), groups_claim: cfg.groups_claim,
    allowed_domains: cfg.allowed_domains.join('\n'), default_role: cfg.default_role, group_roles: rolesText(cfg.group_roles), enabled: cfg.enabled });
  async function onSubmit(e) {
    e.preventDefault();
    const saved = await f.submit((v) => api.put('/organization/sso/oidc', { ...v, scopes: v.scopes.split(/\s+/).filter(Boolean),
      allowed_domains: lines(v.allowed_domains), group_roles: rolesMap(v.group_roles) }));
    if (saved) { toast(t('security.oidc.saved')); reload(); }
  }
  return html`<section class="card"><h2>OpenID Connect</h2>
    <p>${t('security.oidc.redirect_uri')} <code>${cfg.redirect_uri}</code> <${CopyButton} text=${cfg.redirect_uri} label=${t('security.oidc.copy_redirect_uri')} /></p>
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['issuer', 'client_id', 'client_secret', 'scopes', 'groups_claim', 'allowed_domains', 'default_role', 'group_roles']} />
      <${Field} label=${t('security.oidc.issuer')} name="issuer" type="url" value=${f.values.issuer} onInput=${f.set('issuer')} error=${f.fieldError('issuer')} />
      <${Field} label=${t('security.oidc.client_id')} name="client_id" value=${f.values.client_id} onInput=${f.set('client_id')} error=${f.fieldError('client_id')} />
      <${Field} label=${t('security.oidc.client_secret')} name="client_secret" type="password" autocomplete="new-password" hint=${cfg.client_secret_set ? t('security.oidc.secret_stored') : t('security.oidc.secret_new')} value=${f.values.client_secret} onInput=${f.set('client_secret')} error=${f.fieldError('client_secret')} />
      <${Field} label=${t('security.oidc.scopes')} name="scopes" hint=${t('security.oidc.scopes_hint')} value=${f.values.scopes} onInput=${f.set('scopes')} error=${f.fieldError('scopes')} />
      <${Field} label=${t('security.oidc.groups_claim')} name="groups_claim" hint=${t('security.oidc.groups_claim_hint')} value=${f.values.groups_claim} onInput=${f.set('groups_claim')} error=${f.fieldError('groups_claim')} />
      <${MappingFields} f=${f} />
      <${Field} type="checkbox" label=${t('security.oidc.enable')} name="oidc_enabled" value=${f.values.enabled} onInput=${f.set('enabled')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('security.oidc.save')}<//> ${cfg.issuer && html`<${TestSignIn} protocol="oidc" />`}</div>
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
    if (saved) { toast(t('security.saml.saved')); reload(); }
  }
  return html`<section class="card"><h2>SAML 2.0</h2>
    <p>${t('security.saml.metadata_url')} <code>${cfg.sp_metadata_url}</code> <${CopyButton} text=${cfg.sp_metadata_url} label=${t('security.saml.copy_metadata_url')} /></p>
    <p>${t('security.saml.acs')} <code>${cfg.acs_url}</code> <${CopyButton} text=${cfg.acs_url} label=${t('security.saml.copy_acs_url')} /></p>
    <form onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${f.error} shownFields=${['idp_metadata_url', 'idp_metadata_xml', 'email_attribute', 'name_attribute', 'groups_attribute', 'allowed_domains', 'default_role', 'group_roles']} />
      <${Field} label=${t('security.saml.idp_metadata_url')} name="idp_metadata_url" type="url" value=${f.values.idp_metadata_url} onInput=${f.set('idp_metadata_url')} error=${f.fieldError('idp_metadata_url')} />
      <${Field} label=${t('security.saml.idp_metadata_xml')} name="idp_metadata_xml" as="textarea" value=${f.values.idp_metadata_xml} onInput=${f.set('idp_metadata_xml')} error=${f.fieldError('idp_metadata_xml')} />
      <${Field} label=${t('security.saml.email_attribute')} name="email_attribute" hint=${t('security.saml.email_attribute_hint')} value=${f.values.email_attribute} onInput=${f.set('email_attribute')} error=${f.fieldError('email_attribute')} />
      <${Field} label=${t('security.saml.name_attribute')} name="name_attribute" value=${f.values.name_attribute} onInput=${f.set('name_attribute')} error=${f.fieldError('name_attribute')} />
      <${Field} label=${t('security.saml.groups_attribute')} name="groups_attribute" value=${f.values.groups_attribute} onInput=${f.set('groups_attribute')} error=${f.fieldError('groups_attribute')} />
      <${MappingFields} f=${f} />
      <${Field} type="checkbox" label=${t('security.saml.allow_idp_initiated')} name="allow_idp_initiated" value=${f.values.allow_idp_initiated} onInput=${f.set('allow_idp_initiated')} />
      <${Field} type="checkbox" label=${t('security.saml.enable')} name="saml_enabled" value=${f.values.enabled} onInput=${f.set('enabled')} />
      <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('security.saml.save')}<//> ${cfg.sp_certificate && html`<${TestSignIn} protocol="saml" />`}</div>
    </form></section>`;
}

function Enforce({ settings, reload }) {
  const [error, setError] = useState(null);
  async function toggle(v) {
    setError(null);
    try { await api.put('/organization/sso', { sso_enforced: v }); toast(v ? t('security.enforce.enforced_toast') : t('security.enforce.allowed_toast')); reload(); } catch (e) { setError(e); }
  }
  return html`<section class="card"><h2>${t('security.enforce.title')}</h2><${ErrorBanner} error=${error} shownFields=${[]} />
    <${Field} type="checkbox" label=${t('security.enforce.refuse_passwords')} name="sso_enforced" value=${settings.sso_enforced} onInput=${toggle}
      hint=${t('security.enforce.hint')} /></section>`;
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
  const groups = result.groups?.length ? result.groups.join(', ') : t('security.test_result.no_groups');
  return html`<${Banner} kind="info"><strong>${t('security.test_result.title')}</strong> ${t('security.test_result.not_provisioned', { protocol: result.protocol === 'oidc' ? 'OpenID Connect' : 'SAML' })}${' '}
    <span data-testid="sso-test-result">${result.email}${result.name ? ` (${result.name})` : ''} · ${t('security.test_result.groups', { groups })} → ${t('security.test_result.role', { role: result.role })}</span><//>`;
}

export function Security() {
  const res = useResource(() => Promise.all([api.get('/organization'), api.get('/organization/sso'), api.get('/organization/sso/oidc'), api.get('/organization/sso/saml')]), []);
  return html`<${PageHeader} title=${t('security.title')} subtitle=${t('security.subtitle')} />
    <${TestResult} />
    <${Resource} res=${res}>${([org, settings, oidc, saml]) => html`
      <${RequireMFA} org=${org} reload=${res.reload} />
      <${OIDCForm} key=${'o' + oidc.issuer + oidc.enabled} cfg=${oidc} reload=${res.reload} />
      <${SAMLForm} key=${'s' + saml.idp_entity_id + saml.enabled} cfg=${saml} reload=${res.reload} />
      <${Enforce} settings=${settings} reload=${res.reload} />`}<//>`;
}
