// "On call now": who is on call in every schedule of the organization and the
// signed-in member's own next shift (GET /on-call), shown on the dashboard.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { useResource } from '../ui.js';
import { fmtWhen } from './schedule-timeline.js';

export function OnCallNow() {
  const res = useResource(() => api.get('/on-call'), []);
  const data = res.data;
  if (!data || data.on_call.length === 0) return null; // no schedules: nothing to say
  const mine = data.my_shifts[0];
  return html`<section class="card" aria-labelledby="oncall-now-h">
    <h2 id="oncall-now-h">${t('oncall_now.title')}</h2>
    <ul class="plain">${data.on_call.map((r) => html`<li>
      <a href=${'/schedules/' + r.schedule.id}>${r.schedule.name}</a>:
      ${r.user ? html` <strong>${r.user.full_name || r.user.email}</strong> <span class="muted">${t('oncall_now.until', { time: fmtWhen(r.shift_end) })}</span>` : html` <span class="muted">${t('oncall_now.nobody')}</span>`}
    </li>`)}</ul>
    <p class="muted">${mine ? t('oncall_now.next_shift', { schedule: mine.schedule_name, from: fmtWhen(mine.start), to: fmtWhen(mine.end) }) : t('oncall_now.no_shift')}</p>
  </section>`;
}
