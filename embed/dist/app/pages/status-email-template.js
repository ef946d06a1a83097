// The status page's e-mail template (Settings → Email Template): subjects, logo, colours,
// body and footer with the documented {{variables}}, a live preview rendered by the API
// from the unsaved form (POST .../email-template/preview), save and reset to default.
import { html, useState, useEffect } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, Resource, useResource, useConfirm, toast } from '../ui.js';
import { t } from '../i18n.js';
import { can, RoleNote } from '../roles.js';

const FIELDS = ['subject', 'update_subject', 'resolved_subject', 'maintenance_subject', 'logo_url', 'brand_color', 'background_color', 'text_color', 'body', 'footer'];
const KINDS = ['created', 'updated', 'resolved', 'maintenance'];
const VARIABLES = ['incident.title', 'incident.status', 'page.name', 'update.message', 'unsubscribe_url',
  'incident.severity', 'incident.components', 'page.url', 'update.time'];

// pick keeps the template fields of an API answer.
const pick = (v) => Object.fromEntries(FIELDS.map((k) => [k, v[k] || '']));

// kindLabel names a kind of notice in the reader's language.
function kindLabel(k) {
  return { created: t('email_template.kind.created'), updated: t('email_template.kind.updated'),
    resolved: t('email_template.kind.resolved'), maintenance: t('email_template.kind.maintenance') }[k];
}

// ColourField is a hex colour typed as text, with a swatch of it.
function ColourField({ label, name, value, onInput, error, disabled }) {
  const ok = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value);
  return html`<div class="colour-field"><${Field} label=${label} name=${name} value=${value} onInput=${onInput} error=${error} disabled=${disabled}
    hint=${t('email_template.colour_hint')} /><span class="swatch" aria-hidden="true" style=${ok ? { background: value } : {}}></span></div>`;
}

// The preview frame's document inherits the app's CSP (style-src 'self'), which refuses
// style attributes in parsed HTML — and a mail's look is all style attributes. So each
// style attribute of the rendered HTML becomes data-style before the frame parses it, and
// once the frame has loaded they are applied through the CSSOM, which the CSP allows (the
// attribute values are the API's, escaped by html/template: a quote inside is &#34;). The
// frame runs no script (sandbox without allow-scripts); allow-same-origin only lets this
// page reach its document.
const frameSource = (mailHTML) => mailHTML.replace(/(<[a-zA-Z][^<>]*?\s)style="/g, '$1data-style="');
function applyInlineStyles(e) {
  const doc = e.target.contentDocument;
  if (!doc) return;
  for (const el of doc.querySelectorAll('[data-style]')) el.style.cssText = el.getAttribute('data-style');
}

// usePreview renders values as kind through the API, at most every 400 ms while typing.
function usePreview(pageID, values, kind) {
  const [state, setState] = useState({ preview: null, error: null, busy: true });
  const key = JSON.stringify([values, kind]);
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const preview = await api.post(`/status-pages/${pageID}/email-template/preview`, { template: values, kind }, { signal: ctl.signal });
        setState({ preview, error: null, busy: false });
      } catch (e) {
        if (e.name !== 'AbortError') setState((s) => ({ preview: s.preview, error: e, busy: false }));
      }
    }, 400);
    return () => { clearTimeout(timer); ctl.abort(); };
  }, [pageID, key]);
  return state;
}

function TemplateForm({ page, initial, mayEdit, onSaved }) {
  const [values, setValues] = useState(() => pick(initial));
  const [customized, setCustomized] = useState(initial.customized);
  const [kind, setKind] = useState('created');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const pv = usePreview(page.id, values, kind);
  const set = (k) => (x) => setValues((o) => ({ ...o, [k]: x }));
  // A field's problem: from the last save, else from the live preview (same checks).
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined) || (pv.error instanceof ApiError ? pv.error.fields['template.' + k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const saved = await api.put(`/status-pages/${page.id}/email-template`, values);
      setValues(pick(saved)); setCustomized(saved.customized);
      toast(t('email_template.saved'));
      onSaved && onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const reset = () => confirm(async () => {
    const saved = await api.del(`/status-pages/${page.id}/email-template`);
    setValues(pick(saved)); setCustomized(false); setError(null);
    toast(t('email_template.reset_done'));
  }, { title: t('email_template.reset_title'), body: t('email_template.reset_body'), label: t('email_template.reset'), danger: true });
  const text = (k, label, hint) => html`<${Field} label=${label} name=${k} value=${values[k]} onInput=${set(k)} error=${fe(k)} hint=${hint} disabled=${!mayEdit} />`;
  return html`<div class="editor-split"><form class="form" onSubmit=${onSubmit} novalidate>
    ${dialog}
    <${ErrorBanner} error=${error} shownFields=${FIELDS} />
    <p class="muted">${customized ? t('email_template.customized') : t('email_template.using_default')}</p>
    <details class="variables"><summary>${t('email_template.variables')}</summary>
      <p class="hint">${t('email_template.variables_hint')}</p>
      <ul>${VARIABLES.map((v) => html`<li><code>${'{{' + v + '}}'}</code></li>`)}</ul>
      <p class="hint">${t('email_template.filters_hint')}</p>
    </details>
    <fieldset><legend>${t('email_template.subjects')}</legend>
      ${text('subject', t('email_template.subject'))}
      ${text('update_subject', t('email_template.update_subject'))}
      ${text('resolved_subject', t('email_template.resolved_subject'))}
      ${text('maintenance_subject', t('email_template.maintenance_subject'))}
    </fieldset>
    <fieldset><legend>${t('email_template.look')}</legend>
      ${text('logo_url', t('email_template.logo'), t('email_template.logo_hint'))}
      <${ColourField} label=${t('email_template.brand_color')} name="brand_color" value=${values.brand_color} onInput=${set('brand_color')} error=${fe('brand_color')} disabled=${!mayEdit} />
      <${ColourField} label=${t('email_template.background_color')} name="background_color" value=${values.background_color} onInput=${set('background_color')} error=${fe('background_color')} disabled=${!mayEdit} />
      <${ColourField} label=${t('email_template.text_color')} name="text_color" value=${values.text_color} onInput=${set('text_color')} error=${fe('text_color')} disabled=${!mayEdit} />
    </fieldset>
    <${Field} as="textarea" class="template-text" spellcheck="false" label=${t('email_template.body')} name="body" value=${values.body} onInput=${set('body')} error=${fe('body')}
      hint=${t('email_template.body_hint')} disabled=${!mayEdit} />
    <${Field} as="textarea" class="template-text" spellcheck="false" label=${t('email_template.footer')} name="footer" value=${values.footer} onInput=${set('footer')} error=${fe('footer')} disabled=${!mayEdit} />
    ${mayEdit && html`<div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${t('email_template.save')}<//>
      <${Button} kind="danger" onClick=${reset} disabled=${!customized}>${t('email_template.reset')}<//>
      <a class="btn" href=${'/status-pages/' + page.id}>${t('common.back')}</a></div>`}
  </form>
  <aside class="mail-preview" aria-label=${t('email_template.preview_label')}>
    <p class="mail-preview-label">${t('email_template.preview')}</p>
    <${Field} label=${t('email_template.kind')} name="preview_kind" as="select" value=${kind} onInput=${setKind}
      options=${KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />
    ${pv.error && !(pv.error instanceof ApiError && pv.error.status === 422) && html`<${ErrorBanner} error=${pv.error} />`}
    ${pv.error instanceof ApiError && pv.error.status === 422 && html`<p class="field-error" role="status">${t('email_template.preview_invalid')}</p>`}
    ${pv.preview && html`<div aria-live="polite">
      <p><span class="muted">${t('email_template.preview_subject')}</span> <strong data-preview-subject>${pv.preview.subject}</strong></p>
      <iframe class="mail-frame" sandbox="allow-same-origin" title=${t('email_template.preview_html')} srcdoc=${frameSource(pv.preview.html)} onLoad=${applyInlineStyles}></iframe>
      <details><summary>${t('email_template.preview_text')}</summary><pre class="mail-text">${pv.preview.text}</pre></details>
    </div>`}
  </aside></div>`;
}

export function StatusPageEmailTemplate({ params, org }) {
  const res = useResource(() => Promise.all([api.get('/status-pages/' + params.id), api.get(`/status-pages/${params.id}/email-template`)]), [params.id]);
  const mayEdit = can(org, 'member');
  return html`<${Resource} res=${res}>${([p, tmpl]) => html`
    <${PageHeader} title=${t('email_template.title', { name: p.name })} subtitle=${t('email_template.subtitle')}>
      <a class="btn" href=${'/status-pages/' + p.id}>${t('common.back')}</a><//>
    <${RoleNote} org=${org} min="member" what=${t('email_template.role_what')} />
    <${TemplateForm} page=${p} initial=${tmpl} mayEdit=${mayEdit} />`}<//>`;
}
