// Organization settings: name, slug, time zone and the default alert rule.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, useResource, Resource, toast, useConfirm } from '../ui.js';
import { navigate } from '../router.js';
import { session } from '../api.js';

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
      toast('Organization saved');
      reloadProfile();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const ad = (k) => fe('settings.alert_defaults.' + k);
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${['name', 'slug', 'settings.timezone', ...['severity', 'consecutive_failures', 'consecutive_successes', 'notify_on_recovery'].map((k) => 'settings.alert_defaults.' + k)]} />
    <${Field} label="Name" name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label="Slug" name="slug" hint="Used in ?org= and links." value=${v.slug} onInput=${set('slug')} error=${fe('slug')} />
    <${Field} label="Time zone" name="timezone" hint="IANA name, e.g. Europe/Berlin; used by cron heartbeats and reports." value=${v.timezone} onInput=${set('timezone')} error=${fe('settings.timezone')} />
    <fieldset><legend>Default alert rule</legend>
      <p class="hint">Applies to services without a rule of their own.</p>
      <${Field} label="Severity" name="severity" as="select" options=${['critical', 'warning', 'info']} value=${v.severity} onInput=${set('severity')} error=${ad('severity')} />
      <${Field} label="Failures in a row to alert" name="consecutive_failures" type="number" min="1" value=${v.consecutive_failures} onInput=${set('consecutive_failures')} error=${ad('consecutive_failures')} />
      <${Field} label="Passes in a row to resolve" name="consecutive_successes" type="number" min="1" value=${v.consecutive_successes} onInput=${set('consecutive_successes')} error=${ad('consecutive_successes')} />
      <${Field} type="checkbox" label="Notify on recovery" name="notify_on_recovery" value=${v.notify_on_recovery} onInput=${set('notify_on_recovery')} error=${ad('notify_on_recovery')} />
    </fieldset>
    <${Button} kind="primary" type="submit" busy=${busy}>Save<//>
  </form>`;
}

export function OrganizationSettings({ reloadProfile }) {
  const res = useResource(() => api.get('/organization'), []);
  const [dialog, confirm] = useConfirm();
  return html`<${Resource} res=${res}>${(org) => html`
    <${PageHeader} title="Organization settings" subtitle=${`Plan ${org.plan_type} · ${org.service_count} of ${org.max_services < 0 ? 'unlimited' : org.max_services} services`} />
    <${OrgForm} org=${org} reloadProfile=${reloadProfile} />
    <section class="card"><h2>SCIM provisioning</h2><p>Let your identity provider manage members and teams: <a href="/settings/scim">SCIM tokens and base URL</a>.</p></section>
    <p class="card">Two-factor sign-in, single sign-on (OpenID Connect, SAML) and enforcement: <a href="/settings/security">Security settings</a>.</p>
    <section class="card"><h2>Danger zone</h2><p>Deleting the organization deletes every service, alert and status page in it.</p>
      ${dialog}<${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/organization'); session.setOrg(null); await reloadProfile(); navigate('/'); },
        { title: 'Delete this organization?', body: `${org.name} and everything in it will be deleted. This cannot be undone.`, label: 'Delete organization', danger: true })}>Delete organization<//></section>`}<//>`;
}
