// The organization's service cap as the UI shows it (SPEC §2.2): the count against the cap
// on "Add a service" ("Add a service (3 of 5)"), and once it is met, how many of how many
// and — for the instance admin, who can lift it — a link to where that is done. An
// organization without a cap (max_services -1: the instance admin's own, enterprise) shows
// no count at all.
import { html } from './html.js';
import { t } from './i18n.js';

// AddServiceAction is the dashboard's "Add a service" for org (GET /organization; null
// while unknown), or the note that replaces it when the cap is met.
export function AddServiceAction({ org, profile }) {
  const capped = org && org.max_services >= 0;
  if (!capped) return html`<a class="btn btn-primary" href="/services/new">${t('plan_cap.add_service')}</a>`;
  if (org.service_count < org.max_services) {
    return html`<a class="btn btn-primary" href="/services/new">${t('plan_cap.add_service_count', { n: org.service_count, max: org.max_services })}</a>`;
  }
  return html`<p class="cap-note" role="note" data-cap-met>${t('plan_cap.reached', { n: org.service_count, max: org.max_services, plan: org.plan_type })} <${LiftCap} profile=${profile} /></p>`;
}

// LiftCap says what to do about a met cap: the instance admin gets the link to
// Administration, where an organization's plan or cap is changed; anyone else is told who can.
export function LiftCap({ profile }) {
  return profile && profile.is_instance_admin
    ? html`<a href="/admin">${t('plan_cap.lift_admin')}</a>.`
    : t('plan_cap.lift_ask');
}

// CapError adds LiftCap under an API error that is a met plan limit (402
// plan_limit_reached, whose message already says "5 of 5").
export function CapError({ error, profile }) {
  if (!error || error.code !== 'plan_limit_reached') return null;
  return html`<p class="cap-note" data-cap-met><${LiftCap} profile=${profile} /></p>`;
}
