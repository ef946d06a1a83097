// The dashboard's rows: services and heartbeats in one list (a heartbeat is a monitor
// too), in the service status vocabulary, and the orders the column headers offer —
// problems first by default.
import { fmtAgo } from './ui.js';
import { t } from './i18n.js';

// A heartbeat's status in the service vocabulary, so one filter and one badge serve both.
const HEARTBEAT_STATUS = { healthy: 'GREEN', late: 'YELLOW', down: 'RED', paused: 'PAUSED', new: 'PENDING' };

// heartbeatRow is the dashboard row of a heartbeat (GET /heartbeats).
export function heartbeatRow(hb) {
  return {
    kind: 'heartbeat', id: hb.id, name: hb.name, status: HEARTBEAT_STATUS[hb.status] || 'PENDING',
    check_type: 'HEARTBEAT', endpoint: `${hb.schedule}${hb.timezone ? ` (${hb.timezone})` : ''}`,
    last_checked_at: hb.last_ping_at, last_response_time_ms: hb.last_duration_ms, paused: hb.status === 'paused',
    href: '/heartbeats/' + hb.id, waiting: hb.status === 'new' || !hb.last_ping_at,
  };
}

// serviceRow is the dashboard row of a service merged with its overview entry.
export function serviceRow(s, overview) {
  return { ...s, ...(overview || {}), kind: 'service', id: s.id, status: s.status, href: '/services/' + s.id };
}

// Down first, then degraded, then what needs no attention; paused last.
const RANK = { RED: 0, YELLOW: 1, PENDING: 2, MAINTENANCE: 3, GREEN: 4, PAUSED: 5 };
const rank = (r) => RANK[r.status] ?? 2;
const byName = (a, b) => a.name.localeCompare(b.name);
// Rows without a figure go last in either direction.
function byNumber(key) {
  return (a, b, dir) => {
    const x = a[key], y = b[key];
    if (x == null || y == null) return (x == null) - (y == null);
    return dir * (x - y);
  };
}

// SORTS: the column orders, each a comparator taking the direction (1 or -1).
export const SORTS = {
  problems: (a, b) => rank(a) - rank(b) || byName(a, b),
  name: (a, b, dir) => dir * byName(a, b),
  status: (a, b, dir) => dir * (rank(a) - rank(b)) || byName(a, b),
  uptime: (a, b, dir) => byNumber('uptime_24h')(a, b, dir) || byName(a, b),
  latency: (a, b, dir) => byNumber('last_response_time_ms')(a, b, dir) || byName(a, b),
};

// sortRows returns rows in the order of sort {key, dir}.
export function sortRows(rows, sort) {
  const cmp = SORTS[sort.key] || SORTS.problems;
  return [...rows].sort((a, b) => cmp(a, b, sort.dir));
}

// lastCheck says when a row was last checked (a heartbeat: pinged).
export function lastCheck(r) {
  if (r.kind === 'heartbeat' && r.waiting) return t('dashboard_rows.waiting');
  return fmtAgo(r.last_checked_at);
}
