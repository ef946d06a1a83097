// Theme: Light, Dark or System (the default, following prefers-color-scheme). An explicit
// choice is stored in localStorage and set as [data-theme] on <html>, which style.css
// honours; System removes both.
import { html, useState } from './html.js';
import { t } from './i18n.js';

const KEY = 'alertifypro.theme';
// Each button's name contains its visible word (WCAG 2.5.3) and says what it does. A
// function: the catalogue loads after this module.
const choices = () => [['system', t('theme.system'), t('theme.system_name')], ['light', t('theme.light'), t('theme.light_name')], ['dark', t('theme.dark'), t('theme.dark_name')]];

function stored() {
  const s = localStorage.getItem(KEY);
  return s === 'light' || s === 'dark' ? s : 'system';
}

function apply(choice) {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export function applyStoredTheme() {
  apply(stored());
}

// ThemeToggle picks the theme; the choice applies at once and on every later visit.
export function ThemeToggle() {
  const [choice, setChoice] = useState(stored());
  function pick(next) {
    if (next === 'system') localStorage.removeItem(KEY); else localStorage.setItem(KEY, next);
    apply(next);
    setChoice(next);
  }
  return html`<div class="theme-picker" role="group" aria-label=${t('theme.group')}>
    ${choices().map(
([value, label, name]) => html`<button type="button" class="btn btn-small" data-theme-choice=${value} aria-label=${name}
      aria-pressed=${choice === value ? 'true' : 'false'} onClick=${() => pick(value)}>${label}</button>`)}
  </div>`;
}
