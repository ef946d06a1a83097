// "Sign in with SSO" on the login page (SPEC §10): find the organization's identity
// provider by e-mail domain or organization slug (POST /auth/sso/discover) and go there;
// back from the provider, the URL fragment carries a one-time code that is exchanged for
// the session (POST /auth/sso/exchange) and removed from the address bar at once.
import { html, useEffect, useState } from '../html.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, useForm } from '../ui.js';

// takeCode returns the one-time code of the fragment (#sso_code=…) and drops it from the
// URL and the history entry.
function takeCode() {
  const m = /(?:^#|&)sso_code=([^&]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(m[1]);
}

export function SSOSignIn({ onDone }) {
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState(null);
  const [exchangeError, setExchangeError] = useState(null);
  const f = useForm({ who: '' });
  useEffect(() => {
    const code = takeCode();
    if (code) api.post('/auth/sso/exchange', { code }).then(onDone, setExchangeError);
  }, []);
  async function onSubmit(e) {
    e.preventDefault();
    const who = f.values.who.trim();
    const res = await f.submit(() => api.post('/auth/sso/discover', who.includes('@') ? { email: who } : { slug: who }));
    if (!res) return;
    if (res.options.length === 1) { location.assign(res.options[0].login_url); return; }
    setOptions(res.options);
  }
  return html`<section class="sso-signin" aria-label=${t('sso_login.region')}>
    <${ErrorBanner} error=${exchangeError} />
    ${!open ? html`<${Button} onClick=${() => setOpen(true)}>${t('sso_login.open')}<//>` : html`
      <form onSubmit=${onSubmit} novalidate>
        <${ErrorBanner} error=${f.error} shownFields=${['email']} />
        <${Field} label=${t('sso_login.who')} name="sso_who" autocomplete="username" required
          value=${f.values.who} onInput=${f.set('who')} error=${f.fieldError('email')} />
        <div class="form-actions"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('sso_login.continue')}<//></div>
      </form>
      ${options && options.length === 0 && html`<p role="status">${t('sso_login.none_found')}</p>`}
      ${options && options.length > 1 && html`<ul class="sso-options">${options.map((o) => html`
        <li><a href=${o.login_url}>${o.name} (${o.protocol === 'oidc' ? 'OpenID Connect' : 'SAML'})</a></li>`)}</ul>`}`}
  </section>`;
}
