// Response-time sparklines for the dashboard. A series is fetched only when its
// row scrolls into view (one shared IntersectionObserver), at most a few at a time,
// and cached for a minute: a dashboard of 1 000 services must not send 1 000
// requests every poll.
import { html, useState, useEffect, useRef } from './html.js';
import { api } from './api.js';

const TTL_MS = 60_000;
const SPAN_MS = 6 * 3600_000;
const MAX_IN_FLIGHT = 4;
const cache = new Map(); // service id → {at, values}
const waiting = [];
let inFlight = 0;

function pump() {
  while (inFlight < MAX_IN_FLIGHT && waiting.length) {
    const job = waiting.shift();
    inFlight++;
    job().finally(() => { inFlight--; pump(); });
  }
}

function loadSeries(id) {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < TTL_MS) return Promise.resolve(hit.values);
  return new Promise((resolve) => {
    waiting.push(async () => {
      const to = new Date();
      const from = new Date(to.getTime() - SPAN_MS);
      try {
        const m = await api.get(`/services/${encodeURIComponent(id)}/metrics?from=${from.toISOString()}&to=${to.toISOString()}`);
        const values = (m.points || []).map((p) => p.response_time_ms ?? p.avg_response_time_ms ?? null).filter((v) => v != null);
        cache.set(id, { at: Date.now(), values });
        resolve(values);
      } catch {
        resolve(null);
      }
    });
    pump();
  });
}

const visibleCallbacks = new WeakMap();
let observer = null;
function observe(el, fn) {
  if (!observer) {
    observer = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) visibleCallbacks.get(e.target)?.();
    }, { rootMargin: '200px' });
  }
  visibleCallbacks.set(el, fn);
  observer.observe(el);
  return () => observer.unobserve(el);
}

// SparklineSVG draws values as an inline SVG polyline (no library needed).
export function SparklineSVG({ values, width = 120, height = 28, label }) {
  if (!values || values.length < 2) return html`<svg class="sparkline" width=${width} height=${height} role="img" aria-label=${label + ': not enough data yet'}></svg>`;
  const max = Math.max(...values), min = Math.min(...values);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`).join(' ');
  return html`<svg class="sparkline" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${`${label}: ${Math.round(min)}–${Math.round(max)} ms`}>
    <polyline points=${pts} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
  </svg>`;
}

// Sparkline fetches a service's recent response times when it becomes visible;
// refreshKey (the poll's tick) lets it refresh once the cache entry expired.
export function Sparkline({ serviceId, refreshKey }) {
  const ref = useRef(null);
  const [visible, setVisible] = useState(false);
  const [values, setValues] = useState(cache.get(serviceId)?.values);
  useEffect(() => observe(ref.current, () => setVisible(true)), []);
  useEffect(() => {
    if (!visible) return;
    let live = true;
    loadSeries(serviceId).then((v) => live && v && setValues(v));
    return () => { live = false; };
  }, [visible, serviceId, refreshKey]);
  return html`<span ref=${ref}><${SparklineSVG} values=${values} label="Response time, last 6 hours" /></span>`;
}
