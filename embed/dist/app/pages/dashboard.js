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
import { PageHeader, StatusBadge, EmptyState, ErrorBanner, Loading, Button, fmtPercent, fmtMs, toast, statusLabel } from '../ui.js';
import { can, RoleNote } from '../roles.js';
import { t, language } from '../i18n.js';

const POLL_MS = 5000;

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
  // [data-stat (stable, English: tests and styles find cards by it), label, value, class, note]
  const items = [['Services', t('dashboard.services'), totals.services], ['Up', t('status.up'), totals.up],
    ['Down', t('status.down'), totals.down, 'stat-down'], ['Degraded', t('status.degraded'), totals.degraded, 'stat-degraded'],
    ['Maintenance', t('status.maintenance'), totals.maintenance ?? 0, 'stat-maintenance'], ['Paused', t('status.paused'), totals.paused],
    ['Heartbeats', t('dashboard.heartbeats'), hbs.length, hbDown ? 'stat-down' : hbLate ? 'stat-degraded' : '',
      hbs.length ? t('dashboard.heartbeats_note', { down: hbDown, late: hbLate }) : t('dashboard.none_yet')],
    ['Uptime 24 h', t('dashboard.uptime_24h'), fmtPercent(totals.uptime_24h)]];
  return html`<div class="grid totals" aria-label=${t('dashboard.totals')}>${items.map(([k, label, v, cls, note]) => html`<div class=${'card ' + (cls || '')} data-stat=${k}>
    <div class="muted">${label}</div><div class="stat">${typeof v === 'number' ? v.toLocaleString(language()) : v}</div>${note && html`<div class="muted small">${note}</div>`}</div>`)}</div>`;
}

// SortHeader is a column header that sorts the rows by key; a second press reverses.
function SortHeader({ label, k, sort, setSort, cls }) {
  const on = sort.key === k;
  const dir = on ? (sort.dir === 1 ? 'asc' : 'desc') : undefined;
  return html`<th scope="col" class=${cls} aria-sort=${on ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
    <button type="button" class="sort" data-sort=${k} data-dir=${dir} onClick=${() => setSort({ key: k, dir: on ? -sort.dir : 1 })}>${label}</button></th>`;
}

export function Dashboard({ profile, org }) {
  const mayEdit = can(org, 'member');
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

  if (!data) return html`<${PageHeader} title=${t('dashboard.title')} />${error ? html`<${ErrorBanner} error=${error} />` : html`<${Loading} />`}`;

  if (data.rows.length === 0) {
    return html`<${PageHeader} title=${t('dashboard.title')} />
      <${ErrorBanner} error=${error} />
      <${EmptyState} title=${mayEdit ? t('dashboard.empty_title') : t('dashboard.empty_title_viewer')}
        action=${mayEdit ? html`<${AddServiceAction} org=${data.org} profile=${profile} />` : html`<${RoleNote} org=${org} min="member" what=${t('dashboard.role_what')} />`}>
        ${t('dashboard.empty_text')}
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
    if (failures.length) {
      setBulkError(new Error(action === 'pause'
        ? t('dashboard.bulk_pause_failed', { failed: failures.length, total: ids.length, reasons: failures.slice(0, 3).join('; ') })
        : t('dashboard.bulk_resume_failed', { failed: failures.length, total: ids.length, reasons: failures.slice(0, 3).join('; ') })));
    } else toast(action === 'pause' ? t('dashboard.bulk_paused', { count: ids.length }) : t('dashboard.bulk_resumed', { count: ids.length }));
    setSelected(new Set());
    refresh();
  }

  // The words every row repeats, looked up once per render (1 000 rows, refreshed every 5 s).
  const beatsN = String(BEATS);
  const w = {
    service: t('dashboard.service'), status: t('common.status'), lastChecks: t('dashboard.last_checks', { n: beatsN }),
    lastPings: t('dashboard.last_pings', { n: beatsN }), up24: t('dashboard.uptime_24h'), up7: t('dashboard.uptime_7d'),
    up30: t('dashboard.uptime_30d'), lastRun: t('dashboard.last_run'), responseTime: t('chart.response_time'),
    sparkline: t('dashboard.sparkline'), type: t('dashboard.type'), heartbeat: t('dashboard.heartbeat'),
    lastPing: t('dashboard.last_ping'), lastCheck: t('dashboard.last_check'),
  };
  return html`
    <${PageHeader} title=${t('dashboard.title')} subtitle=${t('dashboard.subtitle')}>
      ${mayEdit && html`<${AddServiceAction} org=${data.org} profile=${profile} />`}
    <//><${OnCallNow} />
    <${RoleNote} org=${org} min="member" what=${t('dashboard.role_what')} />
    ${error && html`<${ErrorBanner} error=${new Error(t('dashboard.refresh_failed', { message: error.message }))} />`}
    <${Totals} totals=${data.totals} rows=${data.rows} />
    <div class="toolbar" role="search">
      <div class="field"><label for="dash-q">${t('common.search')}</label><input id="dash-q" name="q" type="search" placeholder=${t('dashboard.search_placeholder')} value=${q} onInput=${(e) => setQ(e.target.value)} /></div>
      <div class="field"><label for="dash-status">${t('common.status')}</label>
        <select id="dash-status" name="status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
          <option value="">${t('dashboard.all_statuses')}</option>${SERVICE_STATUSES.map((s) => html`<option value=${s}>${statusLabel(s)}</option>`)}
        </select></div>
      <div class="field"><label for="dash-type">${t('dashboard.type')}</label>
        <select id="dash-type" name="check_type" value=${type} onChange=${(e) => setType(e.target.value)}>
          <option value="">${t('dashboard.all_types')}</option>${[...CHECK_TYPES, 'HEARTBEAT'].map((s) => html`<option value=${s}>${s === 'HEARTBEAT' ? t('dashboard.heartbeat') : s}</option>`)}
        </select></div>
      ${mayEdit && selected.size > 0 && html`<div class="row bulk" aria-live="polite">
        <span>${t('dashboard.selected', { n: selected.size })}</span>
        <${Button} busy=${bulkBusy} onClick=${() => bulk('pause')}>${t('dashboard.pause')}<//>
        <${Button} busy=${bulkBusy} onClick=${() => bulk('resume')}>${t('dashboard.resume')}<//>
      </div>`}
    </div>
    <${ErrorBanner} error=${bulkError} />
    <p class="muted" aria-live="polite">${t('dashboard.shown', { n: rows.length, total: data.rows.length })}</p>
    ${rows.length === 0 ? html`<${EmptyState} title=${t('dashboard.no_match')}>${t('dashboard.no_match_text')}<//>` : html`
    <div class="table-wrap"><table class="services">
      <caption class="sr-only">${sort.key === 'problems' ? t('dashboard.caption_problems') : t('dashboard.caption_sorted', { column: sortName(sort.key) })}</caption>
      <thead><tr>
        ${mayEdit && html`<th scope="col"><input type="checkbox" aria-label=${t('dashboard.select_all')} checked=${allShownSelected} onChange=${toggleAll} /></th>`}
        <${SortHeader} label=${t('dashboard.service')} k="name" sort=${sort} setSort=${setSort} />
        <${SortHeader} label=${t('common.status')} k="status" sort=${sort} setSort=${setSort} />
        <th scope="col">${w.lastChecks}</th>
        <${SortHeader} label="24 h" k="uptime" sort=${sort} setSort=${setSort} cls="num" />
        <th scope="col" class="num">${t('dashboard.7d')}</th><th scope="col" class="num">${t('dashboard.30d')}</th>
        <${SortHeader} label=${t('chart.response_time')} k="latency" sort=${sort} setSort=${setSort} />
        <th scope="col">${t('dashboard.type')}</th><th scope="col">${t('dashboard.last_check')}</th>
      </tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.kind + r.id} class=${(selected.has(r.id) ? 'selected ' : '') + 'kind-' + r.kind} data-service-id=${r.kind === 'service' ? r.id : undefined} data-heartbeat-id=${r.kind === 'heartbeat' ? r.id : undefined}>
        ${mayEdit && html`<td class="col-select"><input type="checkbox" aria-label=${t('dashboard.select', { name: r.name })} checked=${selected.has(r.id)} onChange=${() => toggle(r.id)} /></td>`}
        <td class="col-name" data-label=${w.service}><a href=${r.href}>${r.name}</a><div class="muted small">${r.endpoint}</div></td>
        <td class="col-status" data-label=${w.status}><${StatusBadge} status=${r.status} /></td>
        <td class="col-beats" data-label=${r.kind === 'heartbeat' ? w.lastPings : w.lastChecks}>${beats
          ? html`<${BeatBar} beats=${(r.kind === 'heartbeat' ? beats.heartbeats : beats.services)[r.id]} beatKey=${r.kind[0] + ':' + r.id}
              label=${r.kind === 'heartbeat' ? t('dashboard.last_pings_of', { n: beatsN, name: r.name }) : t('dashboard.last_checks_of', { n: beatsN, name: r.name })} />`
          : html`<span class="muted small">…</span>`}</td>
        <td class="col-uptime24 num" data-label=${w.up24}>${fmtPercent(r.uptime_24h)}</td>
        <td class="col-more num" data-label=${w.up7}>${fmtPercent(r.uptime_7d)}</td>
        <td class="col-more num" data-label=${w.up30}>${fmtPercent(r.uptime_30d)}</td>
        <td class="col-more" data-label=${r.kind === 'heartbeat' ? w.lastRun : w.responseTime}>${r.kind === 'service' && html`<${SparklineSVG} values=${(r.response_time_sparkline || []).filter((v) => v != null)} label=${w.sparkline} />`} <span class="muted">${fmtMs(r.last_response_time_ms)}</span></td>
        <td class="col-more" data-label=${w.type}>${r.kind === 'heartbeat' ? w.heartbeat : r.check_type}</td>
        <td class="col-more" data-label=${r.kind === 'heartbeat' ? w.lastPing : w.lastCheck}>${lastCheck(r)}</td>

      </tr>`)}</tbody>
    </table></div><${BeatTips} find=${findBeats} />`}`;
}

// sortName names a sort key as its column header does.
function sortName(key) {
  const names = { name: t('dashboard.service'), status: t('common.status'), uptime: '24 h', latency: t('chart.response_time') };
  return names[key] || key;
}
