// Instance admin: every organization with its plan, storage figures and the
// backup download (fetched with the token, then saved from a blob URL).
import { html, useState } from '../html.js';
import { api, session } from '../api.js';
import { Button, ErrorBanner, PageHeader, Table, useResource, Resource, toast, fmtTime } from '../ui.js';

const PLANS = ['free', 'starter', 'professional', 'enterprise'];

function fmtBytes(n) {
  if (n == null) return '—';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}

function PlanSelect({ org, onDone }) {
  const [err, setErr] = useState(null);
  async function change(plan) {
    setErr(null);
    try { await api.put('/admin/organizations/' + org.id, { plan_type: plan }); toast('Plan changed'); onDone(); } catch (e) { setErr(e); }
  }
  return html`<select aria-label=${'Plan of ' + org.name} value=${org.plan_type} onChange=${(e) => change(e.target.value)}>${PLANS.map((p) => html`<option value=${p}>${p}</option>`)}</select>
    ${err && html`<div class="field-error" role="alert">${err.message}</div>`}`;
}

export function Admin() {
  const orgs = useResource(() => api.get('/admin/organizations'), []);
  const storage = useResource(() => api.get('/admin/storage'), []);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  async function backup() {
    setBusy(true); setErr(null);
    try {
      const res = await fetch('/api/v1/admin/backup', { headers: { Authorization: 'Bearer ' + session.token() } });
      if (!res.ok) throw new Error(`The backup failed: ${res.status} ${(await res.text()).slice(0, 200)}`);
      const name = /filename="?([^";]+)/.exec(res.headers.get('Content-Disposition') || '')?.[1] || 'alertifypro-backup.db';
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) { setErr(e); } finally { setBusy(false); }
  }
  return html`<${PageHeader} title="Instance administration" subtitle="Visible to the instance admin only.">
      <${Button} kind="primary" busy=${busy} onClick=${backup}>Download a backup<//><//>
    <${ErrorBanner} error=${err} />
    <h2>Organizations</h2>
    <${Resource} res=${orgs}>${(list) => html`<${Table} caption="Organizations" rows=${list} columns=${[
      { label: 'Name', render: (o) => html`${o.name}<div class="muted">${o.slug}</div>` }, { label: 'Plan', render: (o) => html`<${PlanSelect} org=${o} onDone=${orgs.reload} />` },
      { label: 'Services', class: 'num', render: (o) => `${o.service_count} / ${o.max_services < 0 ? '∞' : o.max_services}` },
      { label: 'Members', class: 'num', key: 'member_count' }, { label: 'Created', render: (o) => fmtTime(o.created_at) }]} />`}<//>
    <h2>Storage</h2>
    <${Resource} res=${storage}>${(s) => html`<div class="grid">
      <div class="card"><div class="muted">Database file</div><div class="stat">${fmtBytes(s.file_size_bytes)}</div></div>
      <div class="card"><div class="muted">Data</div><div class="stat">${fmtBytes(s.data_size_bytes)}</div></div>
      <div class="card"><div class="muted">Free inside the file</div><div class="stat">${fmtBytes(s.free_bytes)}</div></div>
    </div>`}<//>`;
}
