// Dashboard: every service of the organization with its status, uptime over
// 24 h / 7 d / 30 d and a response-time sparkline (GET /metrics, the overview,
// which the server keeps per service), search and filters, bulk pause/resume,
// refreshed every 5 s while visible.
import { html, useState, useMemo } from '../html.js';
import { api, listAll } from '../api.js';
import { usePoll } from '../poll.js';
import { SparklineSVG } from '../sparkline.js';
import { CHECK_TYPES, SERVICE_STATUSES } from '../constants.js';
import { AddServiceAction } from '../plan-cap.js';
import { OnCallNow } from './oncall-now.js';
import { PageHeader, StatusBadge, EmptyState, ErrorBanner, Loading, Button, fmtPercent, fmtMs, fmtAgo, toast } from '../ui.js';

const POLL_MS = 5000;

// load merges the overview (uptimes) with the service list (type, paused, last check).
async function load() {
  const [overview, services, org] = await Promise.all([api.get('/metrics'), listAll('/services?limit=1000', 50),
    api.get('/organization').catch(() => null)]); // only for the cap on "Add a service"
  const byId = new Map(overview.services.map((o) => [o.service_id, o]));
  const rows = services.map((s) => ({ ...s, ...(byId.get(s.id) || {}), id: s.id, status: s.status }));
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return { rows, totals: overview.totals, org };
}

function Totals({ totals }) {
  const items = [['Services', totals.services], ['Up', totals.up], ['Down', totals.down], ['Degraded', totals.degraded],
    ['Paused', totals.paused], ['Uptime 24 h', fmtPercent(totals.uptime_24h)]];
  return html`<div class="grid totals" aria-label="Totals">${items.map(([k, v]) => html`<div class="card"><div class="muted">${k}</div><div class="stat">${v}</div></div>`)}</div>`;
}

export function Dashboard({ profile }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [selected, setSelected] = useState(new Set());
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkError, setBulkError] = useState(null);

  const refresh = async () => {
    try {
      setData(await load());
      setError(null);
    } catch (e) { setError(e); }
  };
  usePoll(refresh, POLL_MS);

  const rows = useMemo(() => {
    if (!data) return [];
    const needle = q.trim().toLowerCase();
    return data.rows.filter((r) => (!status || r.status === status) && (!type || r.check_type === type) &&
      (!needle || r.name.toLowerCase().includes(needle) || (r.endpoint || '').toLowerCase().includes(needle) ||
        (r.tags || []).some((t) => t.toLowerCase().includes(needle))));
  }, [data, q, status, type]);

  if (!data) return html`<${PageHeader} title="Dashboard" />${error ? html`<${ErrorBanner} error=${error} />` : html`<${Loading} />`}`;

  if (data.rows.length === 0) {
    return html`<${PageHeader} title="Dashboard" />
      <${ErrorBanner} error=${error} />
      <${EmptyState} title="Add your first service" action=${html`<${AddServiceAction} org=${data.org} profile=${profile} />`}>
        AlertifyPro checks your websites, APIs, ports and databases and tells you when they go down.
      <//>`;
  }

  const allShownSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  function toggleAll() {
    setSelected(allShownSelected ? new Set() : new Set(rows.map((r) => r.id)));
  }
  function toggle(id) {
    const next = new Set(selected);
    next.has(id) ? next.delete(id) : next.add(id);
    setSelected(next);
  }
  async function bulk(action) {
    setBulkBusy(true);
    setBulkError(null);
    const ids = [...selected];
    const failures = [];
    // A few at a time: the per-caller rate limit is shared with the 5 s poll.
    for (let i = 0; i < ids.length; i += 5) {
      await Promise.all(ids.slice(i, i + 5).map((id) => api.post(`/services/${id}/${action}`).catch((e) => failures.push(`${data.rows.find((r) => r.id === id)?.name}: ${e.message}`))));
    }
    setBulkBusy(false);
    if (failures.length) setBulkError(new Error(`${failures.length} of ${ids.length} could not be ${action}d — ${failures.slice(0, 3).join('; ')}`));
    else toast(`${ids.length} service${ids.length === 1 ? '' : 's'} ${action}d`);
    setSelected(new Set());
    refresh();
  }

  return html`
    <${PageHeader} title="Dashboard" subtitle="Refreshes every 5 seconds while this tab is visible.">
      <${AddServiceAction} org=${data.org} profile=${profile} />
    <//><${OnCallNow} />
    ${error && html`<${ErrorBanner} error=${new Error('Could not refresh: ' + error.message + ' Showing the last data received.')} />`}
    <${Totals} totals=${data.totals} />
    <div class="toolbar" role="search">
      <div class="field"><label for="dash-q">Search</label><input id="dash-q" name="q" type="search" placeholder="Name, URL or tag" value=${q} onInput=${(e) => setQ(e.target.value)} /></div>
      <div class="field"><label for="dash-status">Status</label>
        <select id="dash-status" name="status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
          <option value="">All statuses</option>${SERVICE_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></div>
      <div class="field"><label for="dash-type">Type</label>
        <select id="dash-type" name="check_type" value=${type} onChange=${(e) => setType(e.target.value)}>
          <option value="">All types</option>${CHECK_TYPES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></div>
      ${selected.size > 0 && html`<div class="row bulk" aria-live="polite">
        <span>${selected.size} selected</span>
        <${Button} busy=${bulkBusy} onClick=${() => bulk('pause')}>Pause<//>
        <${Button} busy=${bulkBusy} onClick=${() => bulk('resume')}>Resume<//>
      </div>`}
    </div>
    <${ErrorBanner} error=${bulkError} />
    <p class="muted" aria-live="polite">${rows.length} of ${data.rows.length} services shown</p>
    ${rows.length === 0 ? html`<${EmptyState} title="No service matches">Clear the search or the filters to see every service.<//>` : html`
    <div class="table-wrap"><table class="services">
      <caption class="sr-only">Services</caption>
      <thead><tr>
        <th scope="col"><input type="checkbox" aria-label="Select every service shown" checked=${allShownSelected} onChange=${toggleAll} /></th>
        <th scope="col">Service</th><th scope="col">Status</th><th scope="col">Type</th>
        <th scope="col" class="num">24 h</th><th scope="col" class="num">7 d</th><th scope="col" class="num">30 d</th>
        <th scope="col">Response time</th><th scope="col">Last check</th>
      </tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id} class=${selected.has(r.id) ? 'selected' : undefined} data-service-id=${r.id}>
        <td><input type="checkbox" aria-label=${'Select ' + r.name} checked=${selected.has(r.id)} onChange=${() => toggle(r.id)} /></td>
        <td data-label="Service"><a href=${'/services/' + r.id}>${r.name}</a><div class="muted small">${r.endpoint}</div></td>
        <td data-label="Status"><${StatusBadge} status=${r.status} /></td>
        <td data-label="Type">${r.check_type}</td>
        <td data-label="Uptime 24 h" class="num">${fmtPercent(r.uptime_24h)}</td>
        <td data-label="Uptime 7 d" class="num">${fmtPercent(r.uptime_7d)}</td>
        <td data-label="Uptime 30 d" class="num">${fmtPercent(r.uptime_30d)}</td>
        <td data-label="Response time"><${SparklineSVG} values=${(r.response_time_sparkline || []).filter((v) => v != null)} label="Response time, last 6 hours" /> <span class="muted">${fmtMs(r.last_response_time_ms)}</span></td>
        <td data-label="Last check">${fmtAgo(r.last_checked_at)}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}
