// The crontab line and systemd timer that run a job on a heartbeat's own schedule, so the
// snippet a user copies pings exactly as often as AlertifyPro expects (SPEC §3.14).
// Schedules arrive in the server's canonical form: "every <n><s|m|h|d>" or a 5-field
// cron expression.
import { t } from '../i18n.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 };

// parseEvery reads "every 5m" into seconds, or null for a cron expression.
export function parseEvery(schedule) {
  const m = /^every (\d+)([smhd])$/.exec(String(schedule || '').trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]] : null;
}

// Periods (in minutes) cron repeats exactly, with their expressions.
const CRON_PERIODS = [
  ...[1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30].map((m) => [m, m === 1 ? '* * * * *' : `*/${m} * * * *`]),
  ...[1, 2, 3, 4, 6, 8, 12].map((h) => [h * 60, h === 1 ? '0 * * * *' : `0 */${h} * * *`]),
  [1440, '0 0 * * *'], [10080, '0 0 * * 0'],
];

// cronFor returns { expr, note }: the cron expression that fires on the heartbeat's
// schedule. Where cron cannot repeat the period exactly it takes the longest period cron
// can that is no longer (pinging more often is safe: each ping restarts the deadline)
// and the note says so.
export function cronFor(schedule) {
  const seconds = parseEvery(schedule);
  if (seconds == null) return { expr: String(schedule).trim(), note: '' };
  if (seconds < 60) {
    return { expr: '* * * * *', note: t('heartbeat_cron.note_seconds', { seconds }) };
  }
  const minutes = seconds / 60;
  const exact = CRON_PERIODS.find(([m]) => m === minutes);
  if (exact) return { expr: exact[1], note: '' };
  if (minutes % 1440 === 0 && minutes / 1440 < 31) {
    const days = minutes / 1440;
    return { expr: `0 0 */${days} * *`, note: t('heartbeat_cron.note_days', { days }) };
  }
  const [m, expr] = CRON_PERIODS.filter(([p]) => p <= minutes).pop();
  return { expr, note: t('heartbeat_cron.note_inexact', { wanted: fmtPeriod(minutes), runs: fmtPeriod(m) }) };
}

// fmtPeriod is "day", "2 hours", "5 minutes" as "every …" reads it.
function fmtPeriod(minutes) {
  if (minutes % 1440 === 0) return t('heartbeat_cron.days', { count: minutes / 1440 });
  if (minutes % 60 === 0) return t('heartbeat_cron.hours', { count: minutes / 60 });
  return t('heartbeat_cron.minutes', { count: minutes });
}

// systemdInterval renders the period for OnUnitActiveSec ("5min", "2h", "1d").
function systemdInterval(seconds) {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

// snippets builds the copyable texts for a heartbeat: curl, the crontab line and the
// systemd service (+ timer when the schedule is an interval).
export function snippets(h) {
  const url = h.ping_url;
  const curl = `curl -fsS -m 10 --retry 3 ${url}`;
  const { expr, note } = cronFor(h.schedule);
  const everySeconds = parseEvery(h.schedule);
  const tz = everySeconds == null && h.timezone && h.timezone !== 'UTC' ? `CRON_TZ=${h.timezone}\n` : '';
  const cron = `# ${h.name}: ${h.schedule}${h.timezone && everySeconds == null ? ` (${h.timezone})` : ''} — ${t('heartbeat_cron.comment')}\n`
    + (note ? `# ${note}\n` : '') + tz
    + `${expr} /usr/local/bin/job.sh && ${curl} > /dev/null`;
  let systemd = `# /etc/systemd/system/job.service\n[Service]\nType=oneshot\nExecStartPre=-/usr/bin/curl -fsS -m 10 ${url}/start\nExecStart=/usr/local/bin/job.sh\nExecStartPost=/usr/bin/curl -fsS -m 10 --retry 3 ${url}\nExecStopPost=/bin/sh -c 'test "$SERVICE_RESULT" = success || /usr/bin/curl -fsS -m 10 ${url}/fail'`;
  if (everySeconds != null) {
    systemd += `\n\n# /etc/systemd/system/job.timer\n[Timer]\nOnActiveSec=0\nOnUnitActiveSec=${systemdInterval(everySeconds)}\n\n[Install]\nWantedBy=timers.target`;
  }
  return { url, curl, cron, cronExpr: expr, systemd };
}
