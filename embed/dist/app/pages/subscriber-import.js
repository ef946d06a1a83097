// Subscribers → manual import: a CSV file of e-mail addresses (and optional names) sent as
// a multipart upload, the "they already consented" statement, and the answer — how many
// were imported and which lines were skipped, or, when the file was refused, every line
// that must be corrected.
import { html, useState, useEffect, useRef } from '../html.js';
import { requestRaw, ApiError } from '../api.js';
import { Button, ErrorBanner, Table } from '../ui.js';
import { t } from '../i18n.js';

// reasonText words why a row was skipped.
function reasonText(reason) {
  return { duplicate: t('subscriber_import.reason.duplicate'), already_subscribed: t('subscriber_import.reason.already_subscribed') }[reason] || reason;
}

// SubscriberImport is the import dialog (a native <dialog>: focus trap and Escape);
// onDone is told when something was imported, so the list reloads.
export function SubscriberImport({ page, open, onClose, onDone }) {
  const ref = useRef(null);
  const fileInput = useRef(null);
  const [consent, setConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    // Cleared on closing, not on opening: a file chosen as the dialog appears stays chosen.
    if (!open && d.open) { d.close(); if (fileInput.current) fileInput.current.value = ''; setConsent(false); setError(null); setResult(null); }
  }, [open]);
  async function submit(e) {
    e.preventDefault();
    setError(null); setResult(null);
    // Read from the input at submit: the file chosen last, however it was chosen.
    const file = fileInput.current && fileInput.current.files && fileInput.current.files[0];
    if (!file) { setError(new ApiError(422, 'validation_failed', t('subscriber_import.choose_file'), { file: t('subscriber_import.choose_file') })); return; }
    const form = new FormData();
    form.append('file', file);
    form.append('confirmed_consent', consent ? 'true' : 'false');
    setBusy(true);
    try {
      const res = await requestRaw('POST', `/status-pages/${page.id}/subscribers/import`, { body: form, accept: 'application/json' });
      const r = await res.json();
      setResult(r);
      if (r.imported > 0) onDone && onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const fileError = error instanceof ApiError ? error.fields.file : undefined;
  const problems = error instanceof ApiError ? (error.details?.problems || []) : [];
  const shown = error instanceof ApiError ? Object.keys(error.fields) : [];
  return html`<dialog ref=${ref} class="dialog dialog-wide" aria-labelledby="sub-import-h" onCancel=${(e) => { e.preventDefault(); onClose(); }}>
    <h2 id="sub-import-h">${t('subscriber_import.title')}</h2>
    <form onSubmit=${submit} novalidate>
      <p class="hint">${t('subscriber_import.intro')}</p>
      <div class=${'field' + (fileError ? ' has-error' : '')}><label for="sub-import-file">${t('subscriber_import.file')}</label>
        <input id="sub-import-file" name="file" type="file" accept=".csv,text/csv" aria-invalid=${fileError ? 'true' : undefined}
          aria-describedby=${fileError ? 'sub-import-file-err' : 'sub-import-file-hint'} ref=${fileInput} onChange=${() => { setError(null); setResult(null); }} />
        <div class="hint" id="sub-import-file-hint">${t('subscriber_import.file_hint')}</div>
        ${fileError && html`<div class="field-error" id="sub-import-file-err">${fileError}</div>`}</div>
      <div class="field field-check"><input id="sub-import-consent" name="confirmed_consent" type="checkbox" checked=${consent}
        aria-describedby="sub-import-consent-hint" onChange=${(e) => setConsent(e.target.checked)} />
        <label for="sub-import-consent">${t('subscriber_import.consent')}</label>
        <div class="hint" id="sub-import-consent-hint">${t('subscriber_import.consent_hint')}</div></div>
      <${ErrorBanner} error=${error} shownFields=${shown} />
      ${problems.length > 0 && html`<${Table} caption=${t('subscriber_import.problems')} rows=${problems} rowKey=${(p) => p.line}
        columns=${[{ label: t('subscriber_import.line'), key: 'line', class: 'num' }, { label: t('subscriber_import.problem'), key: 'message' }]} />`}
      ${result && html`<div class="import-result" role="status">
        <p><strong>${t('subscriber_import.imported', { count: result.imported })}</strong>
          ${result.confirmed_consent ? t('subscriber_import.no_mail') : t('subscriber_import.mails', { count: result.confirmations_queued })}</p>
        ${result.skipped.length > 0 && html`<${Table} caption=${t('subscriber_import.skipped')} rows=${result.skipped} rowKey=${(s) => s.line}
          columns=${[{ label: t('subscriber_import.line'), key: 'line', class: 'num' }, { label: t('subscriber_import.email'), key: 'email' },
            { label: t('subscriber_import.reason'), render: (s) => reasonText(s.reason) }]} />`}
      </div>`}
      <div class="dialog-actions">
        <${Button} onClick=${onClose}>${result ? t('common.close') : t('common.cancel')}<//>
        <${Button} kind="primary" type="submit" busy=${busy}>${t('subscriber_import.submit')}<//>
      </div>
    </form>
  </dialog>`;
}
