// Theme: Light, Dark or System (the default, following prefers-color-scheme). An explicit
// choice is stored in localStorage and set as [data-theme] on <html>, which style.css
// honours; System removes both.
import { html, useState } from './html.js';

const KEY = 'alertifypro.theme';
// Each button's name contains its visible word (WCAG 2.5.3) and says what it does.
const CHOICES = [['system', 'System', 'Follow the system theme'], ['light', 'Light', 'Switch to light mode'], ['dark', 'Dark', 'Switch to dark mode']];

function stored() {
  const t = localStorage.getItem(KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
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
  return html`<div class="theme-picker" role="group" aria-label="Theme">
    ${CHOICES.map(([value, label, name]) => html`<button type="button" class="btn btn-small" data-theme-choice=${value} aria-label=${name}
      aria-pressed=${choice === value ? 'true' : 'false'} onClick=${() => pick(value)}>${label}</button>`)}
  </div>`;
}
