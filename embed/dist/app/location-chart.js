// LocationsChart: one response-time line per probe location of a service (SPEC §8), each
// from that location's /metrics?location= series, on one time axis.
import { html, useEffect, useRef } from './html.js';
import uPlot from '../vendor/uplot/uPlot.esm.js';

// Line colours after the accent: distinct from each other and readable on both themes.
const PALETTE = ['#d06b00', '#7a3fc4', '#0f8a8a', '#c21d75', '#5f7f00', '#8a5a2b'];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function pointsOf(m) {
  return Array.isArray(m) ? m : (m?.points || []);
}

// lines: [{ name, metrics }] (metrics: a /metrics answer, the envelope or the array of
// points). The x axis is the union of every line's timestamps; a line has no value at
// another line's timestamps, and spanGaps joins its own points across them.
export function LocationsChart({ lines, from, to }) {
  const ref = useRef(null);
  const total = lines.reduce((n, l) => n + pointsOf(l.metrics).length, 0);
  useEffect(() => {
    const el = ref.current;
    if (!el || total === 0) return undefined;
    const byLine = lines.map((l) => new Map(pointsOf(l.metrics).map((p) => [new Date(p.timestamp).getTime() / 1000,
      p.response_time_ms ?? p.avg_response_time_ms ?? null])));
    const xs = [...new Set(byLine.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
    const data = [xs, ...byLine.map((m) => xs.map((x) => (m.has(x) ? m.get(x) : undefined)))];
    const colours = [cssVar('--accent'), ...PALETTE];
    const series = [{}, ...lines.map((l, i) => ({ label: `${l.name} (ms)`, stroke: colours[i % colours.length], width: 2, spanGaps: true }))];
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, ticks: { stroke: cssVar('--border') } };
    const plot = new uPlot({
      width: Math.max(280, el.clientWidth), height: 240, series,
      axes: [axis, { ...axis, label: 'ms' }],
      scales: { x: { time: true, range: (u, min, max) => (from && to ? [new Date(from).getTime() / 1000, new Date(to).getTime() / 1000] : [min, max]) } },
    }, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [lines, from, to]);
  if (total === 0) return html`<p class="muted">No checks in this period yet. The chart appears after the first checks.</p>`;
  // data-lines names each line with its point count, for tests and the curious.
  return html`<div class="chart" ref=${ref} role="img" data-lines=${lines.map((l) => `${l.name}:${pointsOf(l.metrics).length}`).join(',')}
    aria-label=${`Response time by location chart, one line each for ${lines.map((l) => l.name).join(', ')}`}></div>`;
}
