// Beat bars: the newest checks of a service (or pings of a heartbeat) as coloured beats,
// oldest left, newest right, from GET /beats (one request for every row of a page).
//
// A bar is ONE element whatever its number of beats: the beats are hard colour stops of
// a background gradient and the gaps between them a mask, so a dashboard of 1 000 rows
// draws 1 000 elements, not 50 000. Pointer position (hover) or the arrow keys (focus)
// pick a beat, whose time, latency and message show in the page's one tooltip (BeatTips).
import { html, useState, useEffect, useRef } from './html.js';
import { api } from './api.js';
import { fmtMs } from './ui.js';
import { t, language } from './i18n.js';

export const BEATS = 50;
// Most ids of one GET /beats (the API answers 422 beyond, api/beats.go).
const MAX_IDS = 1000;

// kindWord names a beat's kind in the reader's language (at render: the catalogue loads
// after this module).
function kindWord(kind) {
  const words = {
    up: t('status.up'), degraded: t('status.degraded'), down: t('status.down'), maint: t('status.maintenance'),
    start: t('beat_bar.started'), none: t('beat_bar.no_check'),
  };
  return words[kind] || kind;
}

// kindCount is "3 up" for a bar's summary (only the one message asked for: a page of
// 1 000 bars words a few thousand counts).
function kindCount(kind, n) {
  const v = { n: String(n) };
  switch (kind) {
    case 'up': return t('beat_bar.count.up', v);
    case 'degraded': return t('beat_bar.count.degraded', v);
    case 'down': return t('beat_bar.count.down', v);
    case 'maint': return t('beat_bar.count.maint', v);
    case 'start': return t('beat_bar.count.start', v);
    case 'none': return t('beat_bar.count.none', v);
    default: return `${n} ${kind}`;
  }
}


function fmtClock(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleString(language(), { dateStyle: 'short', timeStyle: 'medium' });
}

// A beat is { kind, lines() }: its tooltip is formatted only when shown, as a page of
// 1 000 bars holds 50 000 beats and formatting a date is not free. GET /beats answers
// each bar in columns (at, one status letter per beat, ...; api/beats.go).
const SERVICE_KIND = { G: 'up', Y: 'degraded', R: 'down', M: 'maint' };
const PING_KIND = { P: 'up', F: 'down', S: 'start' };
function pingWord(letter) {
  const words = { P: t('beat_bar.ping'), F: t('beat_bar.failed'), S: t('beat_bar.started') };
  return words[letter] || t('beat_bar.ping');
}

// serviceBeats turns a service's columns into beats.
export function serviceBeats(c) {
  return c.at.map((at, i) => {
    const kind = SERVICE_KIND[c.status[i]] || 'none';
    return { kind, lines: () => [`${fmtClock(at)} · ${kindWord(kind)}`, fmtMs(c.response_time_ms[i]), c.message[i]].filter(Boolean) };
  });
}

// pingBeats is serviceBeats for a heartbeat's pings: a ping is up, a /fail down, a /start
// a run that began.
export function pingBeats(c) {
  return c.at.map((at, i) => ({
    kind: PING_KIND[c.kind[i]] || 'up',
    lines: () => [`${fmtClock(at)} · ${pingWord(c.kind[i])}`, c.duration_ms[i] != null ? t('beat_bar.ran', { duration: fmtMs(c.duration_ms[i]) }) : '', c.message[i]].filter(Boolean),
  }));
}

// loadBeats asks GET /beats for the newest beats of every service and heartbeat id given,
// in as few requests as the API's id limit allows (one for up to 1 000 rows), and answers
// { services: {id: beats}, heartbeats: {id: beats} } as beats (serviceBeats, pingBeats).
export async function loadBeats(serviceIds, heartbeatIds, limit = BEATS) {
  const ids = [...serviceIds.map((id) => ['s', id]), ...heartbeatIds.map((id) => ['h', id])];
  const out = { services: {}, heartbeats: {} };
  const chunks = [];
  for (let i = 0; i < ids.length; i += MAX_IDS) chunks.push(ids.slice(i, i + MAX_IDS));
  const answers = await Promise.all(chunks.map((chunk) => {
    const q = new URLSearchParams({ limit: String(limit) });
    const s = chunk.filter((x) => x[0] === 's').map((x) => x[1]);
    const h = chunk.filter((x) => x[0] === 'h').map((x) => x[1]);
    if (s.length) q.set('service_ids', s.join(','));
    if (h.length) q.set('heartbeat_ids', h.join(','));
    return api.get(`/beats?${q.toString().replace(/%2C/g, ',')}`);
  }));
  for (const a of answers) {
    for (const [id, beats] of Object.entries(a.services || {})) out.services[id] = serviceBeats(beats);
    for (const [id, beats] of Object.entries(a.heartbeats || {})) out.heartbeats[id] = pingBeats(beats);
  }
  return out;
}

// gradient draws beats (right-aligned in slots) as hard colour stops, merging runs of one
// colour so the string stays short.
function gradient(beats, slots) {
  const pad = slots - beats.length;
  const kindAt = (i) => (i < pad ? 'empty' : beats[i - pad].kind);
  const stops = [];
  let start = 0;
  for (let i = 1; i <= slots; i++) {
    if (i === slots || kindAt(i) !== kindAt(start)) {
      stops.push(`var(--beat-${kindAt(start)}) ${((start * 100) / slots).toFixed(3)}% ${((i * 100) / slots).toFixed(3)}%`);
      start = i;
    }
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

// BeatBar draws beats (from serviceBeats or pingBeats, oldest first) in slots; label names
// the bar for screen readers ("Last 50 checks of shop"), beatKey finds its beats again for
// BeatTips. It holds no state: a page of 1 000 bars renders as 1 000 plain elements.
export function BeatBar({ beats, slots = BEATS, label, beatKey }) {
  const list = (beats || []).slice(-slots);
  const counts = {};
  for (const b of list) counts[b.kind] = (counts[b.kind] || 0) + 1;
  const summary = list.length === 0 ? t('beat_bar.empty', { label })
    : t('beat_bar.summary', { label, counts: Object.entries(counts).map(([k, n]) => kindCount(k, n)).join(', ') });
  return html`<div class="beat-bar" tabindex="0" role="group" aria-label=${summary} data-beat-key=${beatKey}
    data-beats=${list.length} style=${`--slots: ${slots}; --beats: ${gradient(list, slots)}`}></div>`;
}

// BeatTips shows the tooltip of the beat under the pointer, or of the focused bar's beat the
// arrow keys chose (focus starts on the newest), for every BeatBar of the page: one
// listener set on the document and one tooltip, so the bars stay plain elements.
// find(beatKey) answers a bar's beats.
export function BeatTips({ find, slots = BEATS }) {
  const [tip, setTip] = useState(null); // { bar, idx }
  const findRef = useRef(find);
  findRef.current = find;
  useEffect(() => {
    const barOf = (e) => e.target instanceof Element ? e.target.closest('.beat-bar[data-beat-key]') : null;
    const listOf = (bar) => (findRef.current(bar.dataset.beatKey) || []).slice(-slots);
    let focused = null;
    function move(e) {
      const bar = barOf(e);
      if (!bar) { setTip((t) => (t && t.bar !== focused ? null : t)); return; }
      const r = bar.getBoundingClientRect();
      const list = listOf(bar);
      const slot = Math.min(slots - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * slots)));
      const idx = slot - (slots - list.length);
      setTip(idx >= 0 ? { bar, idx } : null);
    }
    function focusIn(e) {
      const bar = barOf(e);
      focused = bar;
      const n = bar ? listOf(bar).length : 0;
      setTip(n ? { bar, idx: n - 1 } : null);
    }
    function focusOut(e) {
      if (barOf(e)) { focused = null; setTip(null); }
    }
    function key(e) {
      const bar = barOf(e);
      if (!bar) return;
      const n = listOf(bar).length;
      const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
      if (e.key === 'Escape') { setTip(null); return; }
      if (!n || !(e.key in moves)) return;
      e.preventDefault();
      setTip((t) => ({ bar, idx: Math.min(n - 1, Math.max(0, (t && t.bar === bar ? t.idx : n - 1) + moves[e.key])) }));
    }
    // A scroll moves the bar under a tooltip placed in viewport coordinates: place it again.
    const scroll = () => setTip((t) => (t ? { ...t } : t));
    document.addEventListener('scroll', scroll, true);
    document.addEventListener('mousemove', move);
    document.addEventListener('focusin', focusIn);
    document.addEventListener('focusout', focusOut);
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('scroll', scroll, true);
      document.removeEventListener('mousemove', move);
      document.removeEventListener('focusin', focusIn);
      document.removeEventListener('focusout', focusOut);
      document.removeEventListener('keydown', key);
    };
  }, [slots]);
  // The focused bar is described by the tooltip (set on the element: the bar's own
  // render knows nothing of it).
  useEffect(() => {
    if (!tip) return undefined;
    tip.bar.setAttribute('aria-describedby', 'beat-tip');
    return () => tip.bar.removeAttribute('aria-describedby');
  }, [tip && tip.bar]);
  if (!tip || !tip.bar.isConnected) return null;
  const beat = (find(tip.bar.dataset.beatKey) || []).slice(-slots)[tip.idx];
  if (!beat) return null;
  const r = tip.bar.getBoundingClientRect();
  const n = (find(tip.bar.dataset.beatKey) || []).slice(-slots).length;
  const w = r.width / slots;
  const x = r.left + (slots - n + tip.idx) * w;
  return html`<div class="beat-cursor" style=${`left: ${x}px; top: ${r.top - 3}px; width: ${w}px; height: ${r.height + 6}px`}></div>
    <div class="beat-tip" id="beat-tip" role="tooltip" aria-live="polite" data-beat-index=${tip.idx}
      style=${`left: ${x + w / 2}px; top: ${r.top - 8}px`}>${beat.lines().map((l) => html`<div>${l}</div>`)}</div>`;
}
