// What the service detail says about the last check, and whether it has a certificate to
// ask about: small rules kept out of the page so they read (and change) on their own.
import { html } from './html.js';
import { api } from './api.js';
import { t, language } from './i18n.js';

// seconds words a duration in ms as the notice does: "1.50 s" from a second up, "850 ms"
// below, and a whole threshold plainly ("1 s").
function seconds(ms, whole) {
  const n = (x, digits) => x.toLocaleString(language(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (ms < 1000) return `${n(Math.round(ms), 0)} ms`;
  return whole && ms % 1000 === 0 ? `${n(ms / 1000, 0)} s` : `${n(ms / 1000, 2)} s`;
}

// SLOW and OVER match the checker's own wordings of a slow answer (monitor/grade.go): the
// degraded threshold's, and the response-time thresholds' with thousands spaced.
const SLOW = /^slow response: (\d+) ms \(threshold (\d+) ms\)$/;
const OVER = /^slow: ([\d ]+) ms > ([\d ]+) ms$/;
const whole = (x) => Number(x.replace(/ /g, ''));

// lastCheckMessage is the sentence about the last check of s: a slow one (YELLOW) says it
// was slow, with its time and the threshold — it did not fail — and a RED one says why it
// failed. '' when there is nothing to say.
export function lastCheckMessage(s) {
  if (!s.last_error) return '';
  if (s.status === 'YELLOW') {
    const m = SLOW.exec(s.last_error) || OVER.exec(s.last_error);
    const took = m ? whole(m[1]) : s.last_response_time_ms;
    const limit = m ? whole(m[2]) : s.response_time_warning || s.degraded_threshold_ms;
    if (took != null && limit) return t('service_notes.slow', { took: seconds(took), limit: seconds(limit, true) });
    return t('service_notes.degraded', { error: s.last_error });
  }
  return t('service_notes.failed', { error: s.last_error });
}

// LastCheckNotice is the banner of lastCheckMessage.
export function LastCheckNotice({ service }) {
  const msg = lastCheckMessage(service);
  if (!msg) return null;
  return html`<div class=${'banner ' + (service.status === 'YELLOW' ? 'banner-info' : 'banner-warn')} role="status" data-last-check>${msg}</div>`;
}

// hasCertificate says whether checks of s can see a TLS certificate: not a plain http://
// or ws:// endpoint, and not a check type without TLS.
export function hasCertificate(s) {
  if (!s) return true;
  if (/^(http|ws):\/\//i.test(s.endpoint || '')) return false;
  return !['PING', 'DNS', 'UDP'].includes(s.check_type);
}

// certificateOf loads the service's certificate, or null: none asked for a service that
// cannot have one (no 404 every poll), none seen yet (404).
export async function certificateOf(id, service) {
  if (!hasCertificate(await service)) return null;
  return api.get(`/services/${id}/ssl`).catch((e) => (e.status === 404 ? null : Promise.reject(e)));
}
