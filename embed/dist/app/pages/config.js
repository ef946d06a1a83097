// Configuration as code: export the organization's configuration as YAML or JSON,
// and import a document (dry run first) with POST /import.
import { html, useState } from '../html.js';
import { requestRaw, download, ApiError } from '../api.js';
import { PageHeader, Button, ErrorBanner, Banner, EmptyState } from '../ui.js';

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
    if (!text.trim()) { setError(new Error('Paste a YAML or JSON document, or choose a file, first.')); return; }
    setBusy(dry ? 'dry' : 'import');
    try {
      const res = await requestRaw('POST', '/import' + (dry ? '?dry_run=true' : ''), { body: text, contentType: contentTypeOf(text), accept: 'application/json' });
      setResult(await res.json());
    } catch (e) { setError(e); }
    setBusy('');
  };
  const problems = error instanceof ApiError && error.status === 422 ? Object.entries(error.fields || {}) : [];

  return html`<${PageHeader} title="Configuration" subtitle="Export this organization's services, rules, channels and pages as a document; import one to create or update them by name." />
    <section aria-labelledby="export-h">
      <h2 id="export-h">Export</h2>
      <div class="row">
        <${Button} busy=${busy === 'yaml'} onClick=${() => exportAs('yaml')}>Export YAML<//>
        <${Button} busy=${busy === 'json'} onClick=${() => exportAs('json')}>Export JSON<//>
      </div>
    </section>
    <section aria-labelledby="import-h">
      <h2 id="import-h">Import</h2>
      <p class="muted">Import never deletes: objects the document does not mention are left alone. Run a dry run first to see what would change.</p>
      <div class="field"><label for="config-file">Document file</label>
        <input id="config-file" type="file" accept=".yaml,.yml,.json,application/json,application/yaml" onChange=${loadFile} /></div>
      <div class="field"><label for="config-text">Document (YAML or JSON)</label>
        <textarea id="config-text" name="document" class="config-text" spellcheck="false" value=${text}
          onInput=${(e) => { setText(e.target.value); setResult(null); }}></textarea></div>
      <div class="row">
        <${Button} busy=${busy === 'dry'} onClick=${() => send(true)}>Dry run<//>
        <${Button} kind="primary" busy=${busy === 'import'} onClick=${() => send(false)}>Import<//>
      </div>
      ${problems.length > 0
    ? html`<${Banner}>${error.message}<ul class="field-list" aria-label="Problems">${problems.map(([k, v]) => html`<li><code>${k}</code>: ${v}</li>`)}</ul><//>`
    : html`<${ErrorBanner} error=${error} />`}
      ${result && html`<div class="import-result" role="status">
        <h3>${result.dry_run ? 'Dry run: nothing was written' : 'Imported'}</h3>
        ${result.changes.length === 0
    ? html`<${EmptyState} title="No changes">The document matches this organization (${result.unchanged} unchanged). Edit it, then run it again.<//>`
    : html`<p>${result.changes.length} ${result.dry_run ? 'would change' : 'changed'}, ${result.unchanged} unchanged.${result.dry_run ? ' Press Import to apply.' : ''}</p>
          <ul class="change-list">${result.changes.map((c) => html`<li>${c.action === 'create' ? 'Create' : 'Update'} ${c.kind} <strong>${c.name}</strong></li>`)}</ul>`}
      </div>`}
    </section>`;
}
