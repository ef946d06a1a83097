// Instance admin: every organization with its plan, storage figures, the cluster's
// nodes (SPEC §9) and the backup download (fetched with the token, then saved from a
// blob URL).
import { html, useState } from '../html.js';
import { api, session } from '../api.js';
import { usePoll } from '../poll.js';
import { Button, ErrorBanner, PageHeader, Table, useResource, Resource, toast, fmtTime, fmtAgo } from '../ui.js';

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

// nodeRow is one node as the answering node sees it: itself from its own status, the
// others from what they answered it (lag against its commit index: the leader's view is
// the one that means lag, a follower's trails it by moments).
function nodeRow(s, n) {
  const self = n.id === s.node_id;
  const f = (s.followers || []).find((x) => x.id === n.id);
  const row = { ...n, role: n.leader ? 'leader' : self ? s.state : 'follower', applied: '—', lag: '—', reach: '—', schema: '—' };
  if (self) {
    Object.assign(row, { applied: s.applied_index, lag: Math.max(0, s.commit_index - s.applied_index), reach: 'this node', schema: s.schema_version });
  } else if (f) {
    Object.assign(row, f.reachable ? { applied: f.applied_index, lag: f.lag, reach: 'reachable', schema: f.schema_version }
      : { reach: 'unreachable', title: f.error });
  }
  return row;
}

// ClusterPanel shows the cluster's nodes, refreshed every 5 s; a single node says so.
function ClusterPanel() {
  const [s, setS] = useState(null);
  const [error, setError] = useState(null);
  usePoll(async () => { try { setS(await api.get('/admin/cluster')); setError(null); } catch (e) { setError(e); } }, 5000, []);
  if (!s) return html`<${ErrorBanner} error=${error} />`;
  if (!s.clustered) return html`<p class="muted" data-cluster-panel="single">Not clustered: this appliance runs as a single node (CLUSTER_PEERS is unset).</p>`;
  return html`<div data-cluster-panel="clustered">
    <${ErrorBanner} error=${error} />
    <p data-cluster-summary>Term ${s.term} · leader ${s.leader_id || 'none (an election is under way)'} · this page from node ${s.node_id} (${s.state})${s.ready ? '' : html` · <strong>not ready:</strong> ${s.not_ready}`}</p>
    ${s.store_schema_version < s.schema_version && html`<p class="muted">Schema ${s.store_schema_version} in the database, ${s.schema_version} known to this node: the leader migrates once every voter runs the new release.</p>`}
    ${s.state !== 'leader' && s.last_contact && html`<p class="muted">This node last heard from the leader ${fmtAgo(s.last_contact)}; lag is against its own commit index.</p>`}
    <${Table} caption="Cluster nodes" rows=${s.nodes.map((n) => nodeRow(s, n))} columns=${[
      { label: 'Node', render: (r) => html`${r.id}<div class="muted">${r.address}</div>` }, { label: 'Role', render: (r) => html`<span data-role=${r.role}>${r.role}</span>${r.suffrage !== 'voter' ? html`<div class="muted">${r.suffrage}</div>` : ''}` },
      { label: 'Applied', class: 'num', key: 'applied' }, { label: 'Lag', class: 'num', key: 'lag' },
      { label: 'Reachability', render: (r) => html`<span title=${r.title || ''} data-reach=${r.reach}>${r.reach}</span>` }, { label: 'Schema', class: 'num', key: 'schema' }]} />
  </div>`;
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
    <h2>Cluster</h2>
    <${ClusterPanel} />
    <h2>Storage</h2>
    <${Resource} res=${storage}>${(s) => html`<div class="grid">
      <div class="card"><div class="muted">Database file</div><div class="stat">${fmtBytes(s.file_size_bytes)}</div></div>
      <div class="card"><div class="muted">Data</div><div class="stat">${fmtBytes(s.data_size_bytes)}</div></div>
      <div class="card"><div class="muted">Free inside the file</div><div class="stat">${fmtBytes(s.free_bytes)}</div></div>
    </div>`}<//>`;
}
