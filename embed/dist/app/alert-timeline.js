// An alert's story on its detail page: fired → notified "<channel>" (outcome) → notes →
// acknowledged by → resolved, in time order, every person by name (never an ID).
import { html } from './html.js';
import { fmtTime } from './ui.js';

const OUTCOME = { delivered: 'delivered', retry: 'failed, will retry', dead: 'failed, gave up', permanent: 'refused' };

// timelineOf builds the entries of alert a from its fields and its deliveries
// (GET /alerts/{id}/deliveries, oldest first).
export function timelineOf(a, deliveries) {
  const out = [{ at: a.fired_at, kind: 'fired', text: `Fired${a.message ? ': ' + a.message : ''}` }];
  for (const d of deliveries || []) {
    const how = OUTCOME[d.outcome] || d.outcome;
    const code = d.status_code ? `, HTTP ${d.status_code}` : '';
    const what = d.event === 'alert.fired' ? '' : ` (${d.event.replace(/^alert\./, '')})`;
    const text = d.kind === 'email' ? `E-mailed ${d.target_name}${what} (${how}${code})` : `Notified "${d.target_name}"${what} (${how}${code})`;
    out.push({ at: d.timestamp, kind: 'notified', text, outcome: d.outcome });
  }
  for (const n of a.notes || []) out.push({ at: n.at, kind: 'note', text: `Note by ${n.user_name || 'a former member'}: ${n.text}` });
  if (a.acknowledged_at) out.push({ at: a.acknowledged_at, kind: 'acknowledged', text: `Acknowledged by ${a.acknowledged_by_name || 'a former member'}` });
  if (a.resolved_at) {
    out.push({ at: a.resolved_at, kind: 'resolved', text: a.resolved_by ? `Resolved by ${a.resolved_by_name || 'a former member'}` : 'Resolved automatically (the check recovered)' });
  }
  // Stable: entries at the same instant keep the story's order.
  return out.map((e, i) => ({ ...e, i })).sort((x, y) => new Date(x.at) - new Date(y.at) || x.i - y.i);
}

export function AlertTimeline({ alert, deliveries }) {
  const items = timelineOf(alert, deliveries);
  return html`<ol class="timeline" aria-label="Timeline">${items.map((e) => html`<li class=${'timeline-' + e.kind + (e.outcome ? ' outcome-' + e.outcome : '')} data-kind=${e.kind}>
    <time datetime=${e.at}>${fmtTime(e.at)}</time> <span>${e.text}</span></li>`)}</ol>`;
}
