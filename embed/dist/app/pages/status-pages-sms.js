// SMS subscriptions of a status page (README "SMS subscribers"): the toggle, the
// organization's twilio_sms channel the page texts through, "critical incidents only",
// and the inbound webhook URL to give Twilio so a STOP reply removes the number.
import { html } from '../html.js';
import { api } from '../api.js';
import { Field, CopyButton, useResource } from '../ui.js';
import { t } from '../i18n.js';

// smsState is the form state of a page's SMS setting (new pages: off, critical only).
export function smsState(page) {
  const s = page?.sms_subscriptions;
  return { sms_enabled: s?.enabled ?? false, sms_channel_id: s?.channel_id || '', sms_critical_only: s?.critical_only ?? true };
}

// smsBody is the sms_subscriptions object the form sends.
export function smsBody(v) {
  return { enabled: v.sms_enabled, channel_id: v.sms_channel_id, critical_only: v.sms_critical_only };
}

// SMSFields are the fields of the page form; v and set are the form's state and setter,
// fe its field errors.
export function SMSFields({ v, set, fe, page }) {
  const res = useResource(() => api.get('/notification-channels'), []);
  const channels = (res.data || []).filter((c) => c.type === 'twilio_sms');
  const inbound = page?.sms_subscriptions?.inbound_webhook_path;
  return html`<fieldset><legend>${t('status_pages.sms.legend')}</legend>
    <${ChannelProblem} page=${page} />
    <${Field} type="checkbox" label=${t('status_pages.sms.enabled')} name="sms_enabled" value=${v.sms_enabled} onInput=${set('sms_enabled')}
      error=${fe('sms_subscriptions.enabled')} hint=${t('status_pages.sms.enabled_hint')} />
    ${res.data && channels.length === 0 ? html`<p class="hint">${t('status_pages.sms.no_channels')} <a href="/channels">${t('status_pages.sms.add_channel')}</a></p>`
      : html`<${Field} label=${t('status_pages.sms.channel')} name="sms_channel_id" as="select" value=${v.sms_channel_id} onInput=${set('sms_channel_id')}
        error=${fe('sms_subscriptions.channel_id')} hint=${t('status_pages.sms.channel_hint')}
        options=${[{ value: '', label: t('status_pages.sms.choose_channel') }, ...channels.map((c) => ({ value: c.id, label: c.name }))]} />`}
    <${Field} type="checkbox" label=${t('status_pages.sms.critical_only')} name="sms_critical_only" value=${v.sms_critical_only} onInput=${set('sms_critical_only')}
      error=${fe('sms_subscriptions.critical_only')} hint=${t('status_pages.sms.critical_only_hint')} />
    ${inbound && html`<div class="public-url"><span class="muted">${t('status_pages.sms.inbound')}</span> <code>${location.origin + inbound}</code>
      <${CopyButton} text=${location.origin + inbound} label=${t('status_pages.sms.copy_inbound')} /></div>
      <p class="hint">${t('status_pages.sms.inbound_hint')}</p>`}
  </fieldset>`;
}

// subscriberAddress is what the subscribers list shows of a subscriber: its e-mail
// address, webhook URL (masked by the API) or phone number (all but the last four digits
// masked by the API).
export function subscriberAddress(x) {
  return x.email || x.webhook_url || x.phone || '';
}

// SMSSummary says on the page view whether visitors may subscribe by SMS, and to what,
// or why nobody is texted (the channel was deleted or disabled).
export function SMSSummary({ page }) {
  const s = page.sms_subscriptions;
  if (!s?.enabled) return null;
  return html`<p class="muted">${s.critical_only ? t('status_pages.sms.summary_critical') : t('status_pages.sms.summary_all')}</p>
    <${ChannelProblem} page=${page} />`;
}

// ChannelProblem warns that a page with SMS on texts nobody: the API's channel_problem
// says its channel was deleted or disabled (channels in use may be deleted).
function ChannelProblem({ page }) {
  const problem = page?.sms_subscriptions?.channel_problem;
  if (!problem) return null;
  return html`<p class="field-error" role="alert">${t(problem === 'deleted' ? 'status_pages.sms.channel_deleted' : 'status_pages.sms.channel_disabled')}</p>`;
}
