// ResponseChart: uPlot over a service's /metrics series (raw points or rollups).
import { html, useEffect, useRef } from './html.js';
import uPlot from '../vendor/uplot/uPlot.esm.js';

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// from/to (Date or ISO) pin the x axis to the selected period, so a handful of
// points do not stretch over an auto-scaled span of years.
export function ResponseChart({ points, from, to, label = 'Response time' }) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !points || points.length === 0) return undefined;
    const xs = [], avg = [], p95 = [];
    for (const p of points) {
      xs.push(new Date(p.timestamp).getTime() / 1000);
      avg.push(p.response_time_ms ?? p.avg_response_time_ms ?? null);
      p95.push(p.p95_response_time_ms ?? null);
    }
    const hasP95 = p95.some((v) => v != null);
    const series = [{}, { label: hasP95 ? 'Average (ms)' : 'Response time (ms)', stroke: cssVar('--accent'), width: 2, spanGaps: false }];
    const data = [xs, avg];
    if (hasP95) { series.push({ label: 'p95 (ms)', stroke: cssVar('--warn'), width: 1 }); data.push(p95); }
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, ticks: { stroke: cssVar('--border') } };
    const plot = new uPlot({
      width: Math.max(280, el.clientWidth), height: 240, series,
      axes: [axis, { ...axis, label: 'ms' }],
      scales: { x: { time: true, range: (u, min, max) => (from && to ? [new Date(from).getTime() / 1000, new Date(to).getTime() / 1000] : [min, max]) } },
    }, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [points, from, to]);
  if (!points || points.length === 0) return html`<p class="muted">No checks in this period yet. The chart appears after the first checks.</p>`;
  return html`<div class="chart" ref=${ref} role="img" aria-label=${`${label} chart, ${points.length} points`}></div>`;
}
