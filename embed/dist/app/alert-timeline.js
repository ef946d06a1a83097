// An alert's story on its detail page: fired → notified "<channel>" (outcome) → notes →
// acknowledged by → resolved, in time order, every person by name (never an ID).
import { html } from './html.js';
import { fmtTime } from './ui.js';
import { t } from './i18n.js';

// outcomeText words a delivery's outcome (translated at render time, not at load).
function outcomeText(o) {
  const words = { delivered: t('alert_timeline.outcome.delivered'), retry: t('alert_timeline.outcome.retry'), dead: t('alert_timeline.outcome.dead'), permanent: t('alert_timeline.outcome.permanent') };
  return words[o] || o;
}

// timelineOf builds the entries of alert a from its fields and its deliveries
// (GET /alerts/{id}/deliveries, oldest first).
export function timelineOf(a, deliveries) {
  const out = [{ at: a.fired_at, kind: 'fired', text: a.message ? t('alert_timeline.fired_with', { message: a.message }) : t('alert_timeline.fired') }];
  for (const d of deliveries || []) {
    const how = outcomeText(d.outcome);
    const code = d.status_code ? `, HTTP ${d.status_code}` : '';
    const what = d.event === 'alert.fired' ? '' : ` (${d.event.replace(/^alert\./, '')})`;
    const vars = { target: d.target_name, event: what, outcome: how + code };
    const text = d.kind === 'email' ? t('alert_timeline.emailed', vars) : t('alert_timeline.notified', vars);
    out.push({ at: d.timestamp, kind: 'notified', text, outcome: d.outcome });
  }
  for (const n of a.notes || []) out.push({ at: n.at, kind: 'note', text: t('alert_timeline.note', { name: n.user_name || t('alert_timeline.former_member'), text: n.text }) });
  if (a.acknowledged_at) out.push({ at: a.acknowledged_at, kind: 'acknowledged', text: t('alert_timeline.acknowledged', { name: a.acknowledged_by_name || t('alert_timeline.former_member') }) });
  if (a.resolved_at) {
    out.push({ at: a.resolved_at, kind: 'resolved', text: a.resolved_by ? t('alert_timeline.resolved', { name: a.resolved_by_name || t('alert_timeline.former_member') }) : t('alert_timeline.resolved_auto') });
  }
  // Stable: entries at the same instant keep the story's order.
  return out.map((e, i) => ({ ...e, i })).sort((x, y) => new Date(x.at) - new Date(y.at) || x.i - y.i);
}

export function AlertTimeline({ alert, deliveries }) {
  const items = timelineOf(alert, deliveries);
  return html`<ol class="timeline" aria-label=${t('alert_timeline.label')}>${items.map((e) => html`<li class=${'timeline-' + e.kind + (e.outcome ? ' outcome-' + e.outcome : '')} data-kind=${e.kind}>
    <time datetime=${e.at}>${fmtTime(e.at)}</time> <span>${e.text}</span></li>`)}</ol>`;
}
