// The service detail's chart periods: Recent (the last 100 checks, the default: it reads
// on day one, when a 24-hour axis would hold a dot) and 3 h / 24 h / 7 d / 30 d / 90 d, and
// what each loads — the service's own series (its failures and down/maintenance periods)
// and, for a service checked from several locations, one line per location (SPEC §8).
import { html } from './html.js';
import { api, request } from './api.js';
import { t } from './i18n.js';

// [key, seconds (null: the last RECENT checks)]
export const RANGES = [['recent', null], ['3h', 3 * 3600], ['24h', 86400], ['7d', 7 * 86400], ['30d', 30 * 86400], ['90d', 90 * 86400]];

// rangeWords is each range's button text and accessible name, in the reader's language.
function rangeWords() {
  return {
    recent: [t('chart_ranges.recent'), t('chart_ranges.recent_name')],
    '3h': ['3 h', t('chart_ranges.last_3h')],
    '24h': ['24 h', t('chart_ranges.last_24h')],
    '7d': [t('chart_ranges.7d'), t('chart_ranges.last_7d')],
    '30d': [t('chart_ranges.30d'), t('chart_ranges.last_30d')],
    '90d': [t('chart_ranges.90d'), t('chart_ranges.last_90d')],
  };
}
const RECENT = 100;
// How far back Recent looks for its checks: raw results are kept 7 days (RAW_RETENTION).
const RECENT_SPAN = 7 * 86400;
const STEP = { '1m': 60, '1h': 3600, '1d': 86400 };

// RangePicker is the row of period buttons.
export function RangePicker({ range, onPick }) {
  const words = rangeWords();
  return html`<div class="tabs" role="group" aria-label=${t('chart_ranges.period')}>${RANGES.map(([k]) => [k, ...words[k]]).map(([k, text, label]) => html`<button type="button"
    class="btn btn-small" data-range=${k} aria-pressed=${range === k ? 'true' : 'false'} title=${label} onClick=${() => onPick(k)}>${text}</button>`)}</div>`;
}

// rangeLabel names a range in headings ("last 100 checks", "24 h").
export function rangeLabel(range) {
  const [text] = rangeWords()[range];
  return range === 'recent' ? t('chart_ranges.recent_heading') : text;
}

function lastSeconds(seconds) {
  const to = new Date();
  return { from: new Date(to.getTime() - seconds * 1000).toISOString(), to: to.toISOString() };
}

// loadMetrics reads a /metrics series: the API answers the documented array of points and
// names its resolution and window in the X-Resolution, X-From and X-To headers.
async function loadMetrics(id, from, to, location) {
  const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${location ? `&location=${encodeURIComponent(location)}` : ''}`;
  const { body, headers } = await request('GET', `/services/${id}/metrics?${q}`, undefined, { withHeaders: true });
  return { points: body || [], resolution: headers.get('X-Resolution'), from: headers.get('X-From') || from, to: headers.get('X-To') || to };
}

const checkPoint = (c) => ({ timestamp: c.checked_at, status: c.status, response_time_ms: c.response_time_ms, location: c.location });

// loadChart answers { lines: [{name, points}], service: points, periods, from, to,
// resolution, uptimeQuery } for the range: uptimeQuery is the from/to the uptime card asks.
export async function loadChart(svc, range) {
  const names = svc.locations || [];
  const multi = names.length > 1;
  const seconds = RANGES.find((r) => r[0] === range)[1];
  if (seconds == null) {
    const since = new Date(Date.now() - RECENT_SPAN * 1000).toISOString();
    const checks = (await api.get(`/services/${svc.id}/checks?limit=${RECENT}&since=${encodeURIComponent(since)}`)).map(checkPoint).reverse();
    // From the oldest check to now (or just after the newest, should the server's clock be
    // ahead of the browser's); the last 24 hours before the first check.
    const newest = checks.length ? new Date(checks[checks.length - 1].timestamp).getTime() + 1000 : 0;
    const to = new Date(Math.max(Date.now(), newest)).toISOString();
    const from = checks.length ? checks[0].timestamp : new Date(Date.now() - 86400 * 1000).toISOString();
    // Several locations: the checks are every location's; the service's own verdicts (what
    // was down) come from its series over the same span.
    const own = multi && checks.length ? (await loadMetrics(svc.id, from, to)).points : checks;
    const lines = multi ? names.map((name) => ({ name, points: checks.filter((c) => c.location === name) })) : [{ name: t('chart.response_time'), points: checks }];
    return { lines, service: own, periods: periodsOf(own, to, null), from, to, resolution: 'raw', uptimeQuery: `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` };
  }
  const w = lastSeconds(seconds);
  const [own, ...perLocation] = await Promise.all([loadMetrics(svc.id, w.from, w.to), ...(multi ? names.map((n) => loadMetrics(svc.id, w.from, w.to, n)) : [])]);
  const lines = multi ? names.map((name, i) => ({ name, points: perLocation[i].points })) : [{ name: t('chart.response_time'), points: own.points }];
  return { lines, service: own.points, periods: periodsOf(own.points, own.to, STEP[own.resolution]), from: own.from, to: own.to,
    resolution: own.resolution, uptimeQuery: `from=${encodeURIComponent(w.from)}&to=${encodeURIComponent(w.to)}` };
}

// periodsOf turns the service's points into shaded periods {from, to, kind} (unix seconds):
// a down (RED) or maintenance point lasts until the next point, or a rollup bucket's step;
// touching periods of one kind merge.
export function periodsOf(points, to, step) {
  const out = [];
  const end = new Date(to).getTime() / 1000;
  points.forEach((p, i) => {
    const kind = p.status === 'RED' ? 'down' : p.status === 'MAINTENANCE' ? 'maint' : null;
    if (!kind) return;
    const from = new Date(p.timestamp).getTime() / 1000;
    const next = i + 1 < points.length ? new Date(points[i + 1].timestamp).getTime() / 1000 : end;
    const until = step ? Math.min(from + step, next) : next;
    const last = out[out.length - 1];
    if (last && last.kind === kind && last.to >= from) last.to = Math.max(last.to, until);
    else out.push({ from, to: until, kind });
  });
  return out;
}
