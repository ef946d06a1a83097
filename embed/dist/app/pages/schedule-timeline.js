// The on-call timeline: one row per layer and the final row, each shift a bar placed by
// time across the window, coloured per person and labelled in words (never colour
// alone); a click on a shift hands it to onPick (the override form).
import { html } from '../html.js';
import { t, language } from '../i18n.js';

// toLocalInput is an instant as a datetime-local value in the browser's zone.
export function toLocalInput(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// fromLocalInput is a datetime-local value (browser's zone) as an RFC 3339 instant.
export function fromLocalInput(s) {
  const d = new Date(s);
  return s && !isNaN(d) ? d.toISOString() : s;
}

// fmtWhen is an instant in the reader's language and the browser's zone (the on-call
// pages' dates and times).
export function fmtWhen(iso) {
  const d = new Date(iso);
  return iso && !isNaN(d) ? d.toLocaleString(language(), { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

// colour gives each person a stable hue (from their ID) for their shifts.
function colour(id) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return hueColour(h);
}

// hueColour is a shift's background for hue h: at 28% lightness white text reads at 4.5:1
// or better on every hue (at 32% the yellows fell to 4.3:1, so some people's shifts failed
// WCAG AA depending on their ID).
export function hueColour(h) {
  return `hsl(${h} 55% 28%)`;
}

function whoOf(sh) {
  return sh.user ? sh.user.full_name || sh.user.email : t('schedule_timeline.nobody');
}

export function Timeline({ from, to, timezone, rows, onPick }) {
  const span = to - from;
  const pos = (iso) => Math.max(0, Math.min(100, ((new Date(iso) - from) / span) * 100));
  const fmt = new Intl.DateTimeFormat(language(), { timeZone: timezone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const days = [];
  for (let t = from.getTime(); t < to.getTime(); t += 86400000) days.push(new Date(t));
  const track = 'position:relative;height:2rem;background:var(--surface-2);border-radius:4px;flex:1;overflow:hidden';
  return html`<div class="oncall-timeline" role="list" aria-label=${t('schedule_timeline.label')}>
    <div class="row" aria-hidden="true" style="flex-wrap:nowrap"><span style="width:7rem"></span>
      <div style="position:relative;height:1.2rem;flex:1">${days.map((d, i) => html`<span class="muted small" style=${`position:absolute;left:${(i / days.length) * 100}%`}>${d.getDate()}</span>`)}</div></div>
    ${rows.map((r) => html`<div class="row" role="listitem" style="flex-wrap:nowrap;margin:.25rem 0" data-timeline-row=${r.final ? 'final' : r.label}>
      <strong style="width:7rem;overflow:hidden;text-overflow:ellipsis">${r.label}</strong>
      <div style=${track}>${r.shifts.filter((sh) => sh.user).map((sh) => {
        const left = pos(sh.start); const width = pos(sh.end) - left;
        const vars = { who: whoOf(sh), from: fmt.format(new Date(sh.start)), to: fmt.format(new Date(sh.end)) };
        const label = sh.layer === 'override' ? t('schedule_timeline.override_shift', vars) : t('schedule_timeline.shift', vars);
        return html`<button type="button" class="shift" title=${label} aria-label=${label} data-user=${sh.user.id} onClick=${() => onPick(sh)}
          style=${`position:absolute;top:0;bottom:0;left:${left}%;width:${width}%;background:${colour(sh.user.id)};color:#fff;border:1px solid var(--surface);border-radius:4px;padding:0 .25rem;font-size:.75rem;overflow:hidden;white-space:nowrap;text-align:left;cursor:pointer`}>${width > 4 ? whoOf(sh) : ''}</button>`;
      })}</div>
    </div>`)}
  </div>`;
}
