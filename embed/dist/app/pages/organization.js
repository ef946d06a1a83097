// Organization settings: name, slug, time zone and the default alert rule.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, useResource, Resource, toast, useConfirm } from '../ui.js';
import { navigate } from '../router.js';
import { session } from '../api.js';
import { t } from '../i18n.js';

function OrgForm({ org, reloadProfile }) {
  const d = org.settings.alert_defaults;
  const [v, setV] = useState({ name: org.name, slug: org.slug, timezone: org.settings.timezone, severity: d.severity,
    consecutive_failures: d.consecutive_failures, consecutive_successes: d.consecutive_successes, notify_on_recovery: d.notify_on_recovery });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const saved = await api.put('/organization', { name: v.name, slug: v.slug, settings: { timezone: v.timezone, alert_defaults: {
        severity: v.severity, consecutive_failures: Number(v.consecutive_failures), consecutive_successes: Number(v.consecutive_successes), notify_on_recovery: v.notify_on_recovery } } });
      if (saved.slug !== org.slug) session.setOrg(saved.slug); // ?org= follows the new slug
      toast(t('organization.saved'));
      reloadProfile();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const ad = (k) => fe('settings.alert_defaults.' + k);
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${['name', 'slug', 'settings.timezone', ...['severity', 'consecutive_failures', 'consecutive_successes', 'notify_on_recovery'].map((k) => 'settings.alert_defaults.' + k)]} />
    <${Field} label=${t('common.name')} name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label=${t('organization.slug')} name="slug" hint=${t('organization.slug_hint')} value=${v.slug} onInput=${set('slug')} error=${fe('slug')} />
    <${Field} label=${t('heartbeats.timezone')} name="timezone" hint=${t('organization.timezone_hint')} value=${v.timezone} onInput=${set('timezone')} error=${fe('settings.timezone')} />
    <fieldset><legend>${t('organization.default_rule')}</legend>
      <p class="hint">${t('organization.default_rule_hint')}</p>
      <${Field} label=${t('organization.severity')} name="severity" as="select" options=${severityOptions()} value=${v.severity} onInput=${set('severity')} error=${ad('severity')} />
      <${Field} label=${t('organization.failures')} name="consecutive_failures" type="number" min="1" value=${v.consecutive_failures} onInput=${set('consecutive_failures')} error=${ad('consecutive_failures')} />
      <${Field} label=${t('organization.passes')} name="consecutive_successes" type="number" min="1" value=${v.consecutive_successes} onInput=${set('consecutive_successes')} error=${ad('consecutive_successes')} />
      <${Field} type="checkbox" label=${t('organization.notify_recovery')} name="notify_on_recovery" value=${v.notify_on_recovery} onInput=${set('notify_on_recovery')} error=${ad('notify_on_recovery')} />
    </fieldset>
    <${Button} kind="primary" type="submit" busy=${busy}>${t('common.save')}<//>
  </form>`;
}

export function OrganizationSettings({ reloadProfile }) {
  const res = useResource(() => api.get('/organization'), []);
  const [dialog, confirm] = useConfirm();
  return html`<${Resource} res=${res}>${(org) => html`
    <${PageHeader} title=${t('organization.title')} subtitle=${t('organization.subtitle', { plan: org.plan_type, n: org.service_count, max: org.max_services < 0 ? t('organization.unlimited') : org.max_services })} />
    <${OrgForm} org=${org} reloadProfile=${reloadProfile} />
    <section class="card"><h2>${t('organization.scim_title')}</h2><p>${t('organization.scim_text')} <a href="/settings/scim">${t('organization.scim_link')}</a>.</p></section>
    <p class="card">${t('organization.security_text')} <a href="/settings/security">${t('organization.security_link')}</a>.</p>
    <p class="card">${t('organization.secrets_text')} <a href="/settings/secrets">${t('organization.secrets_link')}</a>.</p>
    <section class="card"><h2>${t('organization.danger_zone')}</h2><p>${t('organization.danger_text')}</p>
      ${dialog}<${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/organization'); session.setOrg(null); await reloadProfile(); navigate('/'); },
        { title: t('organization.delete_title'), body: t('organization.delete_body', { name: org.name }), label: t('organization.delete'), danger: true })}>${t('organization.delete')}<//></section>`}<//>`;
}

// severityOptions are the alert severities, named in the reader's language.
function severityOptions() {
  return [{ value: 'critical', label: t('organization.severity_critical') }, { value: 'warning', label: t('organization.severity_warning') },
    { value: 'info', label: t('organization.severity_info') }];
}
