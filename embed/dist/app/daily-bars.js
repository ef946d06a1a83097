// DailyBars: one bar per day of a service's uptime over the range shown, built from
// the metrics series the chart already loads (raw points count one check each;
// rollup buckets carry up/total). There is no daily endpoint, so a day's figure is
// the share of its checks that were up; maintenance checks are left out.
import { html } from './html.js';
import { t, language } from './i18n.js';

export function dailyUptime(points, from, to) {
  const days = new Map();
  const key = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  for (let d = new Date(from); d <= new Date(to); d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)) {
    days.set(key(d), { day: key(d), up: 0, total: 0 });
  }
  const last = key(new Date(to));
  if (!days.has(last)) days.set(last, { day: last, up: 0, total: 0 });
  for (const p of points || []) {
    const k = key(new Date(p.timestamp));
    const b = days.get(k);
    if (!b) continue;
    if (p.total != null) { b.up += p.up || 0; b.total += p.total; } else if (p.status !== 'MAINTENANCE') {
      b.total += 1;
      if (p.status !== 'RED') b.up += 1;
    }
  }
  return [...days.values()];
}

export function DailyBars({ points, from, to }) {
  const days = dailyUptime(points, from, to);
  const w = 12; const gap = 3; const h = 40;
  const width = days.length * (w + gap);
  return html`<div class="daily-bars">
    <svg role="img" aria-label=${t('daily_bars.label', { n: days.length })} viewBox=${`0 0 ${width} ${h}`} width=${Math.min(width, 900)} height=${h} preserveAspectRatio="none">
      ${days.map((d, i) => {
    const pct = d.total ? (100 * d.up) / d.total : null;
    const cls = pct == null ? 'bar-none' : pct >= 99.9 ? 'bar-up' : pct >= 99 ? 'bar-warn' : 'bar-down';
    const bh = pct == null ? 4 : Math.max(4, (h * pct) / 100);
    return html`<rect class=${cls} x=${i * (w + gap)} y=${h - bh} width=${w} height=${bh}><title>${d.day}: ${pct == null ? t('daily_bars.no_checks') : t('daily_bars.day', { pct: pct.toLocaleString(language(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }), up: d.up, total: d.total })}</title>
</rect>`;
  })}
    </svg>
  </div>`;
}
