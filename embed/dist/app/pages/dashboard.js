// Dashboard: every service and heartbeat of the organization with its status, beat bar
// (the newest 50 checks or pings, one GET /beats for the whole page), uptime over
// 24 h / 7 d / 30 d and a response-time sparkline (GET /metrics, the overview, which the
// server keeps per service), problems first, sortable columns, search and filters, bulk
// pause/resume, refreshed every 5 s while visible.
import { html, useState, useMemo } from '../html.js';
import { api, listAll } from '../api.js';
import { usePoll } from '../poll.js';
import { SparklineSVG } from '../sparkline.js';
import { BeatBar, BeatTips, loadBeats, BEATS } from '../beat-bar.js';
import { serviceRow, heartbeatRow, sortRows, lastCheck } from '../dashboard-rows.js';
import { CHECK_TYPES, SERVICE_STATUSES } from '../constants.js';
import { AddServiceAction } from '../plan-cap.js';
import { OnCallNow } from './oncall-now.js';
import { PageHeader, StatusBadge, EmptyState, ErrorBanner, Loading, Button, fmtPercent, fmtMs, toast } from '../ui.js';

const POLL_MS = 5000;
const STATUS_WORD = { GREEN: 'Up', YELLOW: 'Degraded', RED: 'Down', PENDING: 'Pending', PAUSED: 'Paused', MAINTENANCE: 'Maintenance' };

// load merges the overview (uptimes) with the service list (type, paused, last check), and
// adds the heartbeats as rows of their own.
async function load() {
  const [overview, services, heartbeats, org] = await Promise.all([api.get('/metrics'), listAll('/services?limit=1000', 50),
    listAll('/heartbeats?limit=1000', 50),
    api.get('/organization').catch(() => null)]); // only for the cap on "Add a service"
  const byId = new Map(overview.services.map((o) => [o.service_id, o]));
  const rows = [...services.map((s) => serviceRow(s, byId.get(s.id))), ...heartbeats.map(heartbeatRow)];
  return { rows, totals: overview.totals, org };
}

function Totals({ totals, rows }) {
  const hbs = rows.filter((r) => r.kind === 'heartbeat');
  const hbDown = hbs.filter((r) => r.status === 'RED').length, hbLate = hbs.filter((r) => r.status === 'YELLOW').length;
  const items = [['Services', totals.services], ['Up', totals.up], ['Down', totals.down, 'stat-down'], ['Degraded', totals.degraded, 'stat-degraded'],
    ['Maintenance', totals.maintenance ?? 0, 'stat-maintenance'], ['Paused', totals.paused],
    ['Heartbeats', hbs.length, hbDown ? 'stat-down' : hbLate ? 'stat-degraded' : '', hbs.length ? `${hbDown} down, ${hbLate} late` : 'none yet'],
    ['Uptime 24 h', fmtPercent(totals.uptime_24h)]];
  return html`<div class="grid totals" aria-label="Totals">${items.map(([k, v, cls, note]) => html`<div class=${'card ' + (cls || '')} data-stat=${k}>
    <div class="muted">${k}</div><div class="stat">${v}</div>${note && html`<div class="muted small">${note}</div>`}</div>`)}</div>`;
}

// SortHeader is a column header that sorts the rows by key; a second press reverses.
function SortHeader({ label, k, sort, setSort, cls }) {
  const on = sort.key === k;
  const dir = on ? (sort.dir === 1 ? 'asc' : 'desc') : undefined;
  return html`<th scope="col" class=${cls} aria-sort=${on ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
    <button type="button" class="sort" data-sort=${k} data-dir=${dir} onClick=${() => setSort({ key: k, dir: on ? -sort.dir : 1 })}>${label}</button></th>`;
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
  const [sort, setSort] = useState({ key: 'problems', dir: 1 });
  const [beats, setBeats] = useState(null);

  // The beat bars of every row come from one GET /beats, asked as soon as the rows are
  // known; rows and bars then render in one pass (the two state changes batch). Should the
  // beats fail, the rows show with the bars of the last refresh.
  const refresh = async () => {
    let d;
    try {
      d = await load();
    } catch (e) { setError(e); return; }
    try {
      setBeats(await loadBeats(d.rows.filter((r) => r.kind === 'service').map((r) => r.id),
        d.rows.filter((r) => r.kind === 'heartbeat').map((r) => r.id)));
      setError(null);
    } catch (e) { setError(e); }
    setData(d);
  };
  const findBeats = (key) => beats && (key[0] === 'h' ? beats.heartbeats : beats.services)[key.slice(2)];
  usePoll(refresh, POLL_MS);

  const rows = useMemo(() => {
    if (!data) return [];
    const needle = q.trim().toLowerCase();
    return sortRows(data.rows, sort).filter((r) => (!status || r.status === status) && (!type || r.check_type === type) &&
      (!needle || r.name.toLowerCase().includes(needle) || (r.endpoint || '').toLowerCase().includes(needle) ||
        (r.tags || []).some((t) => t.toLowerCase().includes(needle))));
  }, [data, q, status, type, sort]);

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
      await Promise.all(ids.slice(i, i + 5).map((id) => api.post(`/${data.rows.find((r) => r.id === id)?.kind === 'heartbeat' ? 'heartbeats' : 'services'}/${id}/${action}`).catch((e) => failures.push(`${data.rows.find((r) => r.id === id)?.name}: ${e.message}`))));
    }
    setBulkBusy(false);
    if (failures.length) setBulkError(new Error(`${failures.length} of ${ids.length} could not be ${action}d — ${failures.slice(0, 3).join('; ')}`));
    else toast(`${ids.length} monitor${ids.length === 1 ? '' : 's'} ${action}d`);
    setSelected(new Set());
    refresh();
  }

  return html`
    <${PageHeader} title="Dashboard" subtitle="Refreshes every 5 seconds while this tab is visible.">
      <${AddServiceAction} org=${data.org} profile=${profile} />
    <//><${OnCallNow} />
    ${error && html`<${ErrorBanner} error=${new Error('Could not refresh: ' + error.message + ' Showing the last data received.')} />`}
    <${Totals} totals=${data.totals} rows=${data.rows} />
    <div class="toolbar" role="search">
      <div class="field"><label for="dash-q">Search</label><input id="dash-q" name="q" type="search" placeholder="Name, URL or tag" value=${q} onInput=${(e) => setQ(e.target.value)} /></div>
      <div class="field"><label for="dash-status">Status</label>
        <select id="dash-status" name="status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
          <option value="">All statuses</option>${SERVICE_STATUSES.map((s) => html`<option value=${s}>${STATUS_WORD[s]}</option>`)}
        </select></div>
      <div class="field"><label for="dash-type">Type</label>
        <select id="dash-type" name="check_type" value=${type} onChange=${(e) => setType(e.target.value)}>
          <option value="">All types</option>${[...CHECK_TYPES, 'HEARTBEAT'].map((s) => html`<option value=${s}>${s === 'HEARTBEAT' ? 'Heartbeat' : s}</option>`)}
        </select></div>
      ${selected.size > 0 && html`<div class="row bulk" aria-live="polite">
        <span>${selected.size} selected</span>
        <${Button} busy=${bulkBusy} onClick=${() => bulk('pause')}>Pause<//>
        <${Button} busy=${bulkBusy} onClick=${() => bulk('resume')}>Resume<//>
      </div>`}
    </div>
    <${ErrorBanner} error=${bulkError} />
    <p class="muted" aria-live="polite">${rows.length} of ${data.rows.length} monitors shown</p>
    ${rows.length === 0 ? html`<${EmptyState} title="No service matches">Clear the search or the filters to see every service.<//>` : html`
    <div class="table-wrap"><table class="services">
      <caption class="sr-only">Services and heartbeats, ${sort.key === 'problems' ? 'problems first' : 'sorted by ' + sort.key}</caption>
      <thead><tr>
        <th scope="col"><input type="checkbox" aria-label="Select every monitor shown" checked=${allShownSelected} onChange=${toggleAll} /></th>
        <${SortHeader} label="Service" k="name" sort=${sort} setSort=${setSort} />
        <${SortHeader} label="Status" k="status" sort=${sort} setSort=${setSort} />
        <th scope="col">Last ${BEATS} checks</th>
        <${SortHeader} label="24 h" k="uptime" sort=${sort} setSort=${setSort} cls="num" />
        <th scope="col" class="num">7 d</th><th scope="col" class="num">30 d</th>
        <${SortHeader} label="Response time" k="latency" sort=${sort} setSort=${setSort} />
        <th scope="col">Type</th><th scope="col">Last check</th>
      </tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.kind + r.id} class=${(selected.has(r.id) ? 'selected ' : '') + 'kind-' + r.kind} data-service-id=${r.kind === 'service' ? r.id : undefined} data-heartbeat-id=${r.kind === 'heartbeat' ? r.id : undefined}>
        <td class="col-select"><input type="checkbox" aria-label=${'Select ' + r.name} checked=${selected.has(r.id)} onChange=${() => toggle(r.id)} /></td>
        <td class="col-name" data-label="Service"><a href=${r.href}>${r.name}</a><div class="muted small">${r.endpoint}</div></td>
        <td class="col-status" data-label="Status"><${StatusBadge} status=${r.status} /></td>
        <td class="col-beats" data-label=${r.kind === 'heartbeat' ? `Last ${BEATS} pings` : `Last ${BEATS} checks`}>${beats
          ? html`<${BeatBar} beats=${(r.kind === 'heartbeat' ? beats.heartbeats : beats.services)[r.id]} beatKey=${r.kind[0] + ':' + r.id}
              label=${`Last ${BEATS} ${r.kind === 'heartbeat' ? 'pings' : 'checks'} of ${r.name}`} />`
          : html`<span class="muted small">…</span>`}</td>
        <td class="col-uptime24 num" data-label="Uptime 24 h">${fmtPercent(r.uptime_24h)}</td>
        <td class="col-more num" data-label="Uptime 7 d">${fmtPercent(r.uptime_7d)}</td>
        <td class="col-more num" data-label="Uptime 30 d">${fmtPercent(r.uptime_30d)}</td>
        <td class="col-more" data-label=${r.kind === 'heartbeat' ? 'Last run' : 'Response time'}>${r.kind === 'service' && html`<${SparklineSVG} values=${(r.response_time_sparkline || []).filter((v) => v != null)} label="Response time, last 6 hours" />`} <span class="muted">${fmtMs(r.last_response_time_ms)}</span></td>
        <td class="col-more" data-label="Type">${r.kind === 'heartbeat' ? 'Heartbeat' : r.check_type}</td>
        <td class="col-more" data-label=${r.kind === 'heartbeat' ? 'Last ping' : 'Last check'}>${lastCheck(r)}</td>
      </tr>`)}</tbody>
    </table></div><${BeatTips} find=${findBeats} />`}`;
}
