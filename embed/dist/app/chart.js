// ResponseChart: uPlot over a service's response times — one line, or one per probe
// location (SPEC §8) — on a y axis from 0, with down and maintenance periods shaded,
// failed checks drawn as marks, and a legend of real figures (uPlot's own legend shows
// the hovered values; chartFigures the range's min / average / max and failures).
import { html, useEffect, useRef } from './html.js';
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { fmtMs } from './ui.js';
import { t, language } from './i18n.js';

// Line colours after the accent: distinct from each other and readable on both themes.
const PALETTE = ['#d06b00', '#7a3fc4', '#0f8a8a', '#c21d75', '#5f7f00', '#8a5a2b'];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const secs = (iso) => new Date(iso).getTime() / 1000;
const valueOf = (p) => p.response_time_ms ?? p.avg_response_time_ms ?? null;
// A failed check's time is how long it took to fail, not a response time: the line skips it
// (its mark shows it), instead of diving to 0 and back.
const lineValue = (p) => (p.status === 'RED' && p.total == null ? null : valueOf(p));

// shading draws each period {from, to, kind} (unix seconds; kind down|maint) across the
// plot, under the lines.
function shading(periods) {
  return {
    hooks: {
      drawClear: [(u) => {
        const colour = { down: cssVar('--chart-down'), maint: cssVar('--chart-maint') };
        for (const p of periods) {
          const x0 = u.valToPos(p.from, 'x', true), x1 = u.valToPos(p.to, 'x', true);
          u.ctx.fillStyle = colour[p.kind];
          u.ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
        }
      }],
    },
  };
}

// chartFigures sums the service's own points: min / average / max of the up checks'
// response times, and how many checks failed of how many (maintenance left out).
export function chartFigures(points) {
  let min = Infinity, max = -Infinity, sum = 0, up = 0, failed = 0, total = 0;
  for (const p of points) {
    if (p.total != null) { // a rollup bucket
      const n = p.up || 0;
      if (n > 0) {
        min = Math.min(min, p.min_response_time_ms ?? p.avg_response_time_ms);
        max = Math.max(max, p.max_response_time_ms ?? p.avg_response_time_ms);
        sum += (p.avg_response_time_ms || 0) * n; up += n;
      }
      failed += p.total - n; total += p.total;
    } else if (p.status !== 'MAINTENANCE') {
      total += 1;
      if (p.status === 'RED') failed += 1;
      else { const v = p.response_time_ms || 0; min = Math.min(min, v); max = Math.max(max, v); sum += v; up += 1; }
    }
  }
  return up ? { min, max, avg: sum / up, failed, total } : { min: null, max: null, avg: null, failed, total };
}

// lines: [{ name, points }] (points oldest first, as /metrics or /checks answer them);
// service: the service's own points, whose failures and down/maintenance periods are
// drawn (the lines' when omitted); periods: [{from, to, kind}] in unix seconds.
export function ResponseChart({ lines, service, periods = [], from, to, label = t('chart.response_time') }) {
  const ref = useRef(null);
  const own = service || (lines.length === 1 ? lines[0].points : []);
  const total = lines.reduce((n, l) => n + l.points.length, 0);
  const failedPoints = own.filter((p) => p.status === 'RED' || (p.total != null && p.up < p.total));
  useEffect(() => {
    const el = ref.current;
    if (!el || total === 0) return undefined;
    const byLine = lines.map((l) => new Map(l.points.map((p) => [secs(p.timestamp), lineValue(p)])));
    const fails = new Map(failedPoints.map((p) => [secs(p.timestamp), valueOf(p) || 0]));
    const xs = [...new Set([...byLine.flatMap((m) => [...m.keys()]), ...fails.keys()])].sort((a, b) => a - b);
    const colours = [cssVar('--accent'), ...PALETTE];
    const multi = lines.length > 1;
    const series = [{}, ...lines.map((l, i) => ({ label: multi ? `${l.name} (ms)` : t('chart.response_time_ms'), stroke: colours[i % colours.length],
      width: 2, spanGaps: true, value: (u, v) => (v == null ? '—' : fmtMs(v)) }))];
    const data = [xs, ...byLine.map((m) => xs.map((x) => (m.has(x) ? m.get(x) : null)))];
    series.push({ label: t('chart.failed_check'), stroke: cssVar('--down'), fill: cssVar('--down'), width: 0, paths: () => null,
      points: { show: true, size: 8, fill: cssVar('--down'), stroke: cssVar('--down') }, value: (u, v) => (v == null ? '—' : t('chart.failed_value')) });
    data.push(xs.map((x) => (fails.has(x) ? fails.get(x) : null)));
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, ticks: { stroke: cssVar('--border') } };
    const plot = new uPlot({
      width: Math.max(280, el.clientWidth), height: 240, series, plugins: [shading(periods)],
      hooks: { draw: [(u) => { el.dataset.yMin = String(u.scales.y.min); }] }, // for tests: the axis starts at 0
      axes: [axis, { ...axis, label: 'ms' }],
      fmtDate: (tpl) => uPlot.fmtDate(tpl, { MMMM: monthNames('long'), MMM: monthNames('short'), WWWW: dayNames('long'), WWW: dayNames('short') }),
      scales: {
        x: { time: true, range: (u, min, max) => (from && to ? [secs(from), secs(to)] : [min, max]) },
        // From 0, so a 5 ms wobble does not fill the chart like an outage.
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 10] },
      },
    }, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [lines, service, periods, from, to]);
  if (total === 0) return html`<p class="muted">${t('chart.empty')}</p>`;
  const f = chartFigures(own.length ? own : lines.flatMap((l) => l.points));
  // data-lines names each line with its point count, for tests and the curious.
  return html`<div class="chart" ref=${ref} role="img" data-lines=${lines.length > 1 ? lines.map((l) => `${l.name}:${l.points.length}`).join(',') : undefined}
      data-failed=${failedPoints.length} data-shaded=${periods.map((p) => p.kind).join(',')}
      aria-label=${lines.length > 1 ? t('chart.label_locations', { label, locations: lines.map((l) => l.name).join(', ') })
        : t('chart.label_points', { label, n: total })}></div>
    <dl class="chart-legend" aria-label=${t('chart.figures')}>
      <div><dt>${t('chart.min')}</dt><dd data-figure="min">${fmtMs(f.min)}</dd></div>
      <div><dt>${t('chart.average')}</dt><dd data-figure="avg">${fmtMs(f.avg)}</dd></div>
      <div><dt>${t('chart.max')}</dt><dd data-figure="max">${fmtMs(f.max)}</dd></div>
      <div><dt>${t('chart.failed')}</dt><dd data-figure="failed">${t('chart.failed_of', { failed: f.failed, total: f.total })}</dd></div>
      ${periods.some((p) => p.kind === 'down') && html`<div><dt><span class="swatch swatch-down"></span>${t('status.down')}</dt><dd>${t('chart.shaded')}</dd></div>`}
      ${periods.some((p) => p.kind === 'maint') && html`<div><dt><span class="swatch swatch-maint"></span>${t('status.maintenance')}</dt><dd>${t('chart.shaded')}</dd></div>`}
    </dl>`;
}

// monthNames and dayNames are the axis's month and weekday names in the reader's language.
function monthNames(width) {
  const f = new Intl.DateTimeFormat(language(), { month: width, timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, m) => f.format(Date.UTC(2024, m, 15)));
}

function dayNames(width) {
  const f = new Intl.DateTimeFormat(language(), { weekday: width, timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, d) => f.format(Date.UTC(2024, 0, 7 + d))); // 7 Jan 2024 was a Sunday
}
