// Shared components and formatters. Pages build from these so every page gets the
// same focus handling, error placement and empty states.
import { html, useState, useEffect, useRef } from './html.js';
import { ApiError } from './api.js';
import { takeHeadingFocus } from './router.js';
import { setPageTitle } from './title.js';
import { t, language } from './i18n.js';

// ---- formatters -----------------------------------------------------------

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return '—';
  return d.toLocaleString(language(), { dateStyle: 'medium', timeStyle: 'short' });
}

export function fmtAgo(iso) {
  if (!iso) return t('ui.ago.never');
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 5) return t('ui.ago.just_now');
  if (s < 60) return t('ui.ago.seconds', { n: whole(s) });
  if (s < 3600) return t('ui.ago.minutes', { n: whole(s / 60) });
  if (s < 86400) return t('ui.ago.hours', { n: whole(s / 3600) });
  return t('ui.ago.days', { n: whole(s / 86400) });
}

// whole is n rounded down, formatted for the reader's language (a cached format: rows of a
// large table each say how long ago they were checked).
function whole(n) {
  return fixed(0).format(Math.floor(n));
}

export function fmtDuration(seconds) {
  if (seconds == null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

export function fmtPercent(p, digits = 2) {
  if (p == null || isNaN(p)) return '—';
  return `${fixed(digits).format(Number(p))}%`;
}

// fixed is a number format of the reader's language with exactly digits decimals, made
// once per digits: a dashboard of 1 000 rows formats thousands of figures per render.
const fixedFormats = new Map();
function fixed(digits) {
  let f = fixedFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat(language(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fixedFormats.set(digits, f);
  }
  return f;
}

export function fmtMs(ms) {
  if (ms == null || isNaN(ms)) return '—';
  return ms >= 1000
    ? `${fixed(2).format(ms / 1000)} s`
    : `${fixed(0).format(Math.round(ms))} ms`;
}

// ---- basic controls -------------------------------------------------------

export function Button({ kind = 'secondary', type = 'button', busy, children, ...rest }) {
  return html`<button type=${type} class=${'btn btn-' + kind} disabled=${busy || rest.disabled} aria-busy=${busy ? 'true' : undefined} ...${rest}>${children}</button>`;
}

// Banner shows an error that belongs to no single field (or any message).
export function Banner({ kind = 'error', children, onDismiss }) {
  if (!children) return null;
  return html`<div class=${'banner banner-' + kind} role=${kind === 'error' ? 'alert' : 'status'}>
    <span>${children}</span>
    ${onDismiss && html`<button type="button" class="icon-btn" aria-label=${t('ui.dismiss')} onClick=${onDismiss}>×</button>`}
  </div>`;
}

// ErrorBanner shows an ApiError's message, plus the field errors a form did not
// place under an input (so nothing the API said is lost).
//
// In a form, a new error is brought into view: focus goes to the first input marked
// invalid (each shows its message beside it), or to this banner when no input is, so
// a failed submit never leaves the reason somewhere off screen.
export function ErrorBanner({ error, shownFields = [] }) {
  const box = useRef(null);
  useEffect(() => {
    if (!error || !box.current) return;
    const form = box.current.closest('form');
    if (!form) return;
    // After the fields have drawn their errors (they render in the same pass).
    setTimeout(() => {
      const target = form.querySelector('[aria-invalid="true"]') || box.current;
      if (!target || !target.isConnected) return;
      target.scrollIntoView({ block: 'center' });
      target.focus({ preventScroll: true });
    }, 0);
  }, [error]);
  if (!error) return null;
  const msg = error instanceof Error ? error.message : String(error);
  const extra = error instanceof ApiError
    ? Object.entries(error.fields || {}).filter(([k]) => !shownFields.includes(k))
    : [];
  return html`<div class="error-summary" ref=${box} tabindex="-1"><${Banner}>${msg}${extra.length > 0 && html`<ul class="field-list">${extra.map(([k, v]) => html`<li>${fieldMessage(labelsByName.get(k) || k, v)}</li>`)}</ul>`}<//></div>`;
}

// labelsByName holds the label of every field drawn (by its API name), so a message that
// names another field ("must be after starts_at") can name it as the form does.
const labelsByName = new Map();

// fieldMessage words an API field message for the person reading the form: the field's
// label first ("End must be after Start"), other fields by their labels, not API names,
// and the password's byte bounds as characters (what a person counts; the same for
// any password typed in plain letters, digits and signs).
export function fieldMessage(label, message) {
  if (typeof message !== 'string') return message;
  let m = message.replace(/\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\b/g, (k) => labelsByName.get(k) || k);
  m = m.replace(/between (\d+) and (\d+) bytes long/, '$1–$2 characters');
  if (/^(must|is|are|cannot|can't|should|has|needs|not|already|exceeds)\b/.test(m)) m = `${label} ${m}`;
  return m;
}

// plainLabel is a label as another field's message names it: without its unit ("Timeout").
function plainLabel(label) {
  return label.replace(/\s*\([^)]*\)$/, '');
}

let fieldSeq = 0;
function useId(prefix) {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++fieldSeq}`;
  return ref.current;
}

// Field is a labelled input with its hint and its error underneath; the error is
// tied to the input with aria-describedby and aria-invalid.
export function Field({ label, name, error, hint, type = 'text', value, onInput, as, options, children, ...rest }) {
  const id = useId('f-' + (name || 'field'));
  const errId = id + '-err';
  const hintId = id + '-hint';
  if (name && typeof label === 'string') labelsByName.set(name, plainLabel(label));
  if (typeof label === 'string') error = fieldMessage(plainLabel(label), error);
  const described = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  const common = { id, name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described, ...rest };
  let control;
  if (children) control = children;
  else if (as === 'select') {
    control = html`<select ...${common} value=${value} onChange=${(e) => onInput(e.target.value)}>
      ${options.map((o) => html`<option value=${o.value ?? o}>${o.label ?? o}</option>`)}
    </select>`;
  } else if (as === 'textarea') {
    control = html`<textarea ...${common} value=${value ?? ''} onInput=${(e) => onInput(e.target.value)}></textarea>`;
  } else if (type === 'checkbox') {
    return html`<div class="field field-check">
      <input type="checkbox" ...${common} checked=${!!value} onChange=${(e) => onInput(e.target.checked)} />
      <label for=${id}>${label}</label>
      ${hint && html`<div class="hint" id=${hintId}>${hint}</div>`}
      ${error && html`<div class="field-error" id=${errId}>${error}</div>`}
    </div>`;
  } else {
    control = html`<input type=${type} ...${common} value=${value ?? ''} onInput=${(e) => onInput(type === 'number' ? (e.target.value === '' ? '' : Number(e.target.value)) : e.target.value)} />`;
  }
  return html`<div class=${'field' + (error ? ' has-error' : '')}>
    <label for=${id}>${label}</label>
    ${control}
    ${hint && html`<div class="hint" id=${hintId}>${hint}</div>`}
    ${error && html`<div class="field-error" id=${errId}>${error}</div>`}
  </div>`;
}

// useForm keeps form values, the busy flag and the last ApiError; fieldError(name)
// returns the API's message for that field (field names as the API spells them).
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (v) => setValues((old) => ({ ...old, [name]: v }));
  const fieldError = (name) => error instanceof ApiError ? error.fields[name] : undefined;
  async function submit(fn) {
    setBusy(true);
    setError(null);
    try {
      return await fn(values);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { values, setValues, set, error, setError, busy, fieldError, submit };
}

export function PageHeader({ title, children, subtitle }) {
  useEffect(() => { setPageTitle(title); }, [title]);
  const h1 = useRef(null);
  useEffect(() => {
    if (!takeHeadingFocus() || !h1.current) return;
    // The page is drawn before this runs (after a frame): a user who already clicked or
    // tabbed into it, say into a field on a slow machine, keeps focus and their typing.
    const active = document.activeElement, main = h1.current.closest('main');
    if (main && active && active !== main && main.contains(active)) return;
    h1.current.focus({ preventScroll: true });
  }, []);
  return html`<header class="page-header">
    <div><h1 ref=${h1} tabindex="-1">${title}</h1>${subtitle && html`<p class="muted">${subtitle}</p>`}</div>
    <div class="page-actions">${children}</div>
  </header>`;
}

// EmptyState says what is missing and what to do next.
export function EmptyState({ title, children, action }) {
  return html`<div class="empty-state">
    <h2>${title}</h2>
    ${children && html`<p>${children}</p>`}
    ${action}
  </div>`;
}

export function Loading({ label = t('common.loading') }) {
  return html`<p class="loading" role="status">${label}</p>`;
}

// Table renders columns [{key, label, render?}] over rows; rowKey names each row.
export function Table({ columns, rows, rowKey = (r) => r.id, caption, rowClass }) {
  return html`<div class="table-wrap"><table>
    ${caption && html`<caption class="sr-only">${caption}</caption>`}
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.class}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr key=${rowKey(r)} data-row-key=${rowKey(r)} class=${rowClass ? rowClass(r) : undefined}>
      ${columns.map((c) => html`<td class=${c.class} data-label=${typeof c.label === 'string' ? c.label : undefined}>${c.render ? c.render(r) : r[c.key]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`;
}

// statusLabels is the app's one status vocabulary in the reader's language (a function: the
// catalogue is loaded after this module; each word is one map lookup).
function statusLabels() {
  const up = t('status.up'), down = t('status.down'), degraded = t('status.degraded'), pending = t('status.pending');
  const open = t('ui.status.open'), acknowledged = t('ui.status.acknowledged'), resolved = t('ui.status.resolved');
  const delivered = t('ui.status.delivered');
  return {
    GREEN: up, RED: down, YELLOW: degraded, PENDING: pending, PAUSED: t('status.paused'), MAINTENANCE: t('status.maintenance'),
    UP: up, DOWN: down, DEGRADED: degraded,
    open, firing: t('ui.status.firing'), acknowledged, resolved, OPEN: open, ACKNOWLEDGED: acknowledged, RESOLVED: resolved,
    success: delivered, failed: t('ui.status.failed'), pending,
    delivered, retry: t('ui.status.retry'), dead: t('ui.status.dead'), permanent: t('ui.status.permanent'),
    online: t('ui.status.online'), offline: t('ui.status.offline'), degraded, unknown: t('ui.status.unknown'),
  };
}


// statusLabel is a status in the app's one vocabulary (Up, Down, Degraded, Maintenance, ...),
// for filters as well as badges.
export function statusLabel(status) {
  return statusLabels()[status] || status;
}

// StatusBadge shows a status in words and colour (never colour alone).
export function StatusBadge({ status }) {
  const s = String(status || 'unknown');
  return html`<span class=${'badge badge-' + s.toLowerCase()} data-status=${s}>${statusLabel(s)}</span>`;
}

export function CopyButton({ text, label = t('common.copy') }) {
  const [done, setDone] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API needs a secure context; fall back to a selection copy.
      const ta = document.createElement('textarea');
      ta.value = text;
      document.body.appendChild(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  }
  return html`<button type="button" class="btn btn-secondary btn-small" onClick=${copy} aria-label=${t('ui.copy_to_clipboard', { label })}>${done ? t('common.copied') : label}</button>`;
}

// ConfirmDialog is a native <dialog> (focus trapping and Escape for free).
export function ConfirmDialog({ open, title, children, confirmLabel = t('ui.confirm'), danger, onConfirm, onCancel, busy }) {
  const ref = useRef(null);
  const titleId = useId('dlg');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class="dialog" onCancel=${(e) => { e.preventDefault(); onCancel(); }} aria-labelledby=${titleId}>
    <h2 id=${titleId}>${title}</h2>
    <div>${children}</div>
    <div class="dialog-actions">
      <${Button} onClick=${onCancel}>${t('common.cancel')}<//>
      <${Button} kind=${danger ? 'danger' : 'primary'} busy=${busy} onClick=${onConfirm}>${confirmLabel}<//>
    </div>
  </dialog>`;
}

// useConfirm returns [dialog element, ask(fn, {title, body, label, danger})].
export function useConfirm() {
  const [state, setState] = useState(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const dialog = html`<${ConfirmDialog} open=${!!state} title=${state?.title || ''} confirmLabel=${state?.label}
    danger=${state?.danger} busy=${busy} onCancel=${() => { setState(null); setErr(null); }}
    onConfirm=${async () => {
      setBusy(true); setErr(null);
      try { await state.fn(); setState(null); state.refocus(); } catch (e) { setErr(e); } finally { setBusy(false); }
    }}>${state?.body}<${ErrorBanner} error=${err} /><//>`;
  // The trigger is remembered when the dialog opens: a row it removed hands focus on.
  return [dialog, (fn, opts) => setState({ fn, refocus: rowFocus(document.activeElement), ...opts })];
}

// rowFocus remembers the table row el (an in-row action) sits in and returns a function
// that, once the table has been redrawn, puts focus back on that row's first action — or,
// when the row is gone, on the action of the row that took its place (else the previous
// one), so a keyboard user keeps their place instead of starting again from the top.
export function rowFocus(el) {
  const tr = el && el.closest && el.closest('tr[data-row-key]');
  const tbody = tr && tr.parentElement;
  if (!tr) return () => {};
  const key = tr.dataset.rowKey;
  const index = [...tbody.rows].indexOf(tr);
  const label = el.textContent;
  // The table redraws when its reload answers, which may be after the action resolved:
  // watch the page for a while and hand focus on whenever it falls to the body.
  return () => {
    const fix = () => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const rows = tbody.isConnected ? [...tbody.rows] : [];
      const row = rows.find((r) => r.dataset.rowKey === key) || rows[Math.min(index, rows.length - 1)];
      const actions = row ? [...row.querySelectorAll('button:not([disabled]), a[href]')] : [];
      const target = actions.find((b) => b.textContent === label) || actions.find((b) => b.tagName === 'BUTTON') || actions[0]
        || document.querySelector('main h1');
      if (target) target.focus();
    };
    const main = document.getElementById('main') || document.body;
    const watch = new MutationObserver(fix);
    watch.observe(main, { childList: true, subtree: true });
    setTimeout(() => watch.disconnect(), 3000);
    setTimeout(fix, 0);
  };
}

// Toasts: short confirmations ("Saved") announced politely to screen readers.
const toastListeners = new Set();
export function toast(message) { toastListeners.forEach((fn) => fn(message)); }
export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    const fn = (m) => {
      const id = Math.random();
      setItems((x) => [...x, { id, m }]);
      setTimeout(() => setItems((x) => x.filter((i) => i.id !== id)), 3000);
    };
    toastListeners.add(fn);
    return () => toastListeners.delete(fn);
  }, []);
  return html`<div class="toasts" role="status" aria-live="polite">${items.map((i) => html`<div class="toast" key=${i.id}>${i.m}</div>`)}</div>`;
}

// useResource loads fn() on mount and when deps change; reload() refetches.
export function useResource(fn, deps = []) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then((data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState((s) => ({ data: s.data, error, loading: false })));
    return () => { live = false; };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

// Resource renders loading / error / content for a useResource result.
export function Resource({ res, children }) {
  if (res.error && res.data === undefined) return html`<${ErrorBanner} error=${res.error} />`;
  if (res.data === undefined) return html`<${Loading} />`;
  return children(res.data);
}
