// Instance admin: every organization with its plan, storage figures, the cluster's
// nodes (SPEC §9) and the backup download (fetched with the token, then saved from a
// blob URL).
import { html, useState } from '../html.js';
import { api, session } from '../api.js';
import { usePoll } from '../poll.js';
import { Button, ErrorBanner, PageHeader, Table, useResource, Resource, toast, fmtTime, fmtAgo } from '../ui.js';
import { t, language } from '../i18n.js';

const PLANS = ['free', 'starter', 'professional', 'enterprise'];

function fmtBytes(n) {
  if (n == null) return '—';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toLocaleString(language(), { minimumFractionDigits: i ? 1 : 0, maximumFractionDigits: i ? 1 : 0 })} ${u[i]}`;
}

function PlanSelect({ org, onDone }) {
  const [err, setErr] = useState(null);
  async function change(plan) {
    setErr(null);
    try { await api.put('/admin/organizations/' + org.id, { plan_type: plan }); toast(t('admin.plan_changed')); onDone(); } catch (e) { setErr(e); }
  }
  return html`<select aria-label=${t('admin.plan_of', { name: org.name })} value=${org.plan_type} onChange=${(e) => change(e.target.value)}>${PLANS.map((p) => html`<option value=${p}>${p}</option>`)}</select>
    ${err && html`<div class="field-error" role="alert">${err.message}</div>`}`;
}

// RetentionInput sets an organization's audit-log retention in days (up to seven years);
// 0 returns to the plan's period.
function RetentionInput({ org, onDone }) {
  const r = org.audit_retention;
  const [days, setDays] = useState(r.source === 'plan' ? '' : r.retention_days);
  const [err, setErr] = useState(null);
  async function save(e) {
    e.preventDefault();
    setErr(null);
    try { await api.put('/admin/organizations/' + org.id, { audit_retention_days: days === '' ? 0 : Number(days) }); toast(t('admin.retention_saved')); onDone(); } catch (x) { setErr(x); }
  }
  return html`<form class="row" onSubmit=${save}>
    <input type="number" name=${'retention-' + org.slug} min="0" max=${r.max_days} placeholder=${String(r.plan_days)} aria-label=${t('admin.retention_of', { name: org.name })}
      value=${days} onInput=${(e) => setDays(e.target.value)} style="width:6em" />
    <${Button} type="submit">${t('admin.retention_set')}<//>
    <div class="muted" data-retention=${r.retention_days}>${t('admin.retention_now', { count: r.retention_days, days: r.retention_days.toLocaleString(language()) })}${r.source === 'plan' ? ' · ' + t('admin.retention_plan') : ''}</div>
    ${err && html`<div class="field-error" role="alert">${err.message}</div>`}</form>`;
}

// nodeRow is one node as the answering node sees it: itself from its own status, the
// others from what they answered it (lag against its commit index: the leader's view is
// the one that means lag, a follower's trails it by moments).
function nodeRow(s, n) {
  const self = n.id === s.node_id;
  const f = (s.followers || []).find((x) => x.id === n.id);
  const row = { ...n, role: n.leader ? 'leader' : self ? s.state : 'follower', applied: '—', lag: '—', reach: '—', schema: '—' };
  if (self) {
    Object.assign(row, { applied: s.applied_index, lag: Math.max(0, s.commit_index - s.applied_index), reach: 'self', schema: s.schema_version });
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
  if (!s.clustered) return html`<p class="muted" data-cluster-panel="single">${t('admin.single_node')}</p>`;
  return html`<div data-cluster-panel="clustered">
    <${ErrorBanner} error=${error} />
    <p data-cluster-summary>${t('admin.cluster_summary', { term: s.term, leader: s.leader_id || t('admin.no_leader'), node: s.node_id, state: roleWord(s.state) })}${s.ready ? '' : html` · <strong>${t('admin.not_ready')}</strong> ${s.not_ready}`}</p>
    ${s.store_schema_version < s.schema_version && html`<p class="muted">${t('admin.schema_pending', { stored: s.store_schema_version, known: s.schema_version })}</p>`}
    ${s.state !== 'leader' && s.last_contact && html`<p class="muted">${t('admin.last_contact', { ago: fmtAgo(s.last_contact) })}</p>`}
    <${Table} caption=${t('admin.cluster_nodes')} rows=${s.nodes.map((n) => nodeRow(s, n))} columns=${[
      { label: t('admin.node'), render: (r) => html`${r.id}<div class="muted">${r.address}</div>` }, { label: t('teams.role'), render: (r) => html`<span data-role=${r.role}>${roleWord(r.role)}</span>${r.suffrage !== 'voter' ? html`<div class="muted">${roleWord(r.suffrage)}</div>` : ''}` },
      { label: t('admin.applied'), class: 'num', key: 'applied' }, { label: t('admin.lag'), class: 'num', key: 'lag' },
      { label: t('admin.reachability'), render: (r) => html`<span title=${r.title || ''} data-reach=${r.reach}>${reachWord(r.reach)}</span>` }, { label: t('admin.schema'), class: 'num', key: 'schema' }]} />
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
      if (!res.ok) throw new Error(t('admin.backup_failed', { status: res.status, text: (await res.text()).slice(0, 200) }));
      const name = /filename="?([^";]+)/.exec(res.headers.get('Content-Disposition') || '')?.[1] || 'alertifypro-backup.db';
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) { setErr(e); } finally { setBusy(false); }
  }
  return html`<${PageHeader} title=${t('admin.title')} subtitle=${t('admin.subtitle')}>
      <${Button} kind="primary" busy=${busy} onClick=${backup}>${t('admin.backup')}<//><//>
    <${ErrorBanner} error=${err} />
    <h2>${t('profile.organizations')}</h2>
    <${Resource} res=${orgs}>${(list) => html`<${Table} caption=${t('profile.organizations')} rows=${list} columns=${[
      { label: t('common.name'), render: (o) => html`${o.name}<div class="muted">${o.slug}</div>` }, { label: t('admin.plan'), render: (o) => html`<${PlanSelect} org=${o} onDone=${orgs.reload} />` },
      { label: t('dashboard.services'), class: 'num', render: (o) => `${o.service_count} / ${o.max_services < 0 ? '∞' : o.max_services}` },
      { label: t('teams.members'), class: 'num', key: 'member_count' },
      { label: t('admin.audit_retention'), render: (o) => html`<${RetentionInput} key=${o.id + ':' + o.audit_retention.retention_days} org=${o} onDone=${orgs.reload} />` },
      { label: t('api_keys.created'), render: (o) => fmtTime(o.created_at) }]} />`}<//>
    <h2>${t('admin.cluster')}</h2>
    <${ClusterPanel} />
    <h2>${t('admin.storage')}</h2>
    <${Resource} res=${storage}>${(s) => html`<div class="grid">
      <div class="card"><div class="muted">${t('admin.db_file')}</div><div class="stat">${fmtBytes(s.file_size_bytes)}</div></div>
      <div class="card"><div class="muted">${t('admin.data')}</div><div class="stat">${fmtBytes(s.data_size_bytes)}</div></div>
      <div class="card"><div class="muted">${t('admin.free')}</div><div class="stat">${fmtBytes(s.free_bytes)}</div></div>
    </div>`}<//>`;
}

// reachWord says how a node answered, in the reader's language (data-reach keeps the
// stable word for tests).
// roleWord names a node's Raft state (leader, follower, candidate, shutdown) or suffrage
// (nonvoter, staging) in the page's language; data-role keeps the API's word.
function roleWord(word) {
  const words = { leader: t('admin.role_leader'), follower: t('admin.role_follower'), candidate: t('admin.role_candidate'),
    shutdown: t('admin.role_shutdown'), nonvoter: t('admin.suffrage_nonvoter'), staging: t('admin.suffrage_staging') };
  return words[word] || word;
}

function reachWord(reach) {
  const words = { self: t('admin.reach_self'), reachable: t('admin.reach_ok'), unreachable: t('admin.reach_failed') };
  return words[reach] || reach;
}
