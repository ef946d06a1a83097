// Configuration as code: export the organization's configuration as YAML or JSON,
// and import a document (dry run first) with POST /import.
import { html, useState } from '../html.js';
import { requestRaw, download, ApiError } from '../api.js';
import { PageHeader, Button, ErrorBanner, Banner, EmptyState } from '../ui.js';
import { t } from '../i18n.js';

// contentTypeOf picks the import's Content-Type from the first non-space character.
function contentTypeOf(text) {
  const c = text.trimStart()[0];
  return c === '{' || c === '[' ? 'application/json' : 'application/yaml';
}

export function Configuration() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState('');
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);

  const exportAs = async (format) => {
    setBusy(format); setError(null);
    try { await download('/export?format=' + format, 'alertifypro-config.' + (format === 'json' ? 'json' : 'yaml')); } catch (e) { setError(e); }
    setBusy('');
  };
  const loadFile = async (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) { setText(await f.text()); setResult(null); setError(null); }
  };
  const send = async (dry) => {
    setError(null); setResult(null);
    if (!text.trim()) { setError(new Error(t('config.nothing'))); return; }
    setBusy(dry ? 'dry' : 'import');
    try {
      const res = await requestRaw('POST', '/import' + (dry ? '?dry_run=true' : ''), { body: text, contentType: contentTypeOf(text), accept: 'application/json' });
      setResult(await res.json());
    } catch (e) { setError(e); }
    setBusy('');
  };
  const problems = error instanceof ApiError && error.status === 422 ? Object.entries(error.fields || {}) : [];

  return html`<${PageHeader} title=${t('config.title')} subtitle=${t('config.subtitle')} />
    <section aria-labelledby="export-h">
      <h2 id="export-h">${t('config.export')}</h2>
      <div class="row">
        <${Button} busy=${busy === 'yaml'} onClick=${() => exportAs('yaml')}>${t('config.export_yaml')}<//>
        <${Button} busy=${busy === 'json'} onClick=${() => exportAs('json')}>${t('config.export_json')}<//>
      </div>
    </section>
    <section aria-labelledby="import-h">
      <h2 id="import-h">${t('config.import')}</h2>
      <p class="muted">${t('config.import_text')}</p>
      <div class="field"><label for="config-file">${t('config.file')}</label>
        <input id="config-file" type="file" accept=".yaml,.yml,.json,application/json,application/yaml" onChange=${loadFile} /></div>
      <div class="field"><label for="config-text">${t('config.document')}</label>
        <textarea id="config-text" name="document" class="config-text" spellcheck="false" value=${text}
          onInput=${(e) => { setText(e.target.value); setResult(null); }}></textarea></div>
      <div class="row">
        <${Button} busy=${busy === 'dry'} onClick=${() => send(true)}>${t('config.dry_run')}<//>
        <${Button} kind="primary" busy=${busy === 'import'} onClick=${() => send(false)}>${t('config.import')}<//>
      </div>
      ${problems.length > 0
    ? html`<${Banner}>${error.message}<ul class="field-list" aria-label=${t('config.problems')}>${problems.map(([k, v]) => html`<li><code>${k}</code>: ${v}</li>`)}</ul><//>`
    : html`<${ErrorBanner} error=${error} />`}
      ${result && html`<div class="import-result" role="status">
        <h3>${result.dry_run ? t('config.dry_run_done') : t('config.imported')}</h3>
        ${result.changes.length === 0
    ? html`<${EmptyState} title=${t('config.no_changes')}>${t('config.no_changes_text', { n: result.unchanged })}<//>`
    : html`<p>${result.dry_run ? t('config.would_change', { n: result.changes.length, unchanged: result.unchanged }) : t('config.changed', { n: result.changes.length, unchanged: result.unchanged })}</p>
          <ul class="change-list">${result.changes.map((c) => html`<li>${c.action === 'create' ? t('config.create') : t('config.update')} ${c.kind} <strong>${c.name}</strong></li>`)}</ul>`}
      </div>`}
    </section>`;
}
