// "On call now": who is on call in every schedule of the organization and the
// signed-in member's own next shift (GET /on-call), shown on the dashboard.
import { html } from '../html.js';
import { api } from '../api.js';
import { useResource, fmtTime } from '../ui.js';

export function OnCallNow() {
  const res = useResource(() => api.get('/on-call'), []);
  const data = res.data;
  if (!data || data.on_call.length === 0) return null; // no schedules: nothing to say
  const mine = data.my_shifts[0];
  return html`<section class="card" aria-labelledby="oncall-now-h">
    <h2 id="oncall-now-h">On call now</h2>
    <ul class="plain">${data.on_call.map((r) => html`<li>
      <a href=${'/schedules/' + r.schedule.id}>${r.schedule.name}</a>:
      ${r.user ? html` <strong>${r.user.full_name || r.user.email}</strong> <span class="muted">until ${fmtTime(r.shift_end)}</span>` : html` <span class="muted">nobody</span>`}
    </li>`)}</ul>
    <p class="muted">${mine ? html`Your next shift: ${mine.schedule_name}, ${fmtTime(mine.start)} – ${fmtTime(mine.end)}.` : 'You have no shift in the next two weeks.'}</p>
  </section>`;
}
