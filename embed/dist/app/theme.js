// Dark mode: the system preference by default; the toggle stores an explicit
// choice in localStorage and sets [data-theme] on <html>, which style.css honours.
import { html, useState } from './html.js';

const KEY = 'alertifypro.theme';

export function applyStoredTheme() {
  const t = localStorage.getItem(KEY);
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
}

function effectiveTheme() {
  const t = document.documentElement.dataset.theme;
  if (t) return t;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function ThemeToggle() {
  const [theme, setTheme] = useState(effectiveTheme());
  function toggle() {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, next);
    document.documentElement.dataset.theme = next;
    setTheme(next);
  }
  return html`<button type="button" class="btn btn-small" onClick=${toggle}
    aria-label=${theme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
    aria-pressed=${theme === 'dark' ? 'true' : 'false'}>${theme === 'dark' ? '☀ Light' : '☾ Dark'}</button>`;
}
