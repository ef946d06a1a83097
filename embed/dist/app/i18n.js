// Messages in the reader's language. Every string the UI shows comes from one catalogue
// per language (i18n/<lang>.json, flat "area.key" → text); only the chosen language's
// catalogue is loaded, once, before the first render (main.js), so t() is synchronous.
// The language is the one picked in the UI (stored in localStorage), else the browser's
// first supported language, else English. A test (embed/i18n_test.go) fails when a key
// used in the code is missing from any catalogue, or when the catalogues differ in keys
// or placeholders.
//
// Placeholders are {name}; t(key, {count}) picks key + '.one' / '.other' (and '.zero'
// when a catalogue has it) with the language's plural rules.
import { html } from './html.js';

// LANGUAGES are the shipped catalogues, each named in its own language (picker labels).
export const LANGUAGES = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español' };

const KEY = 'alertifypro.lang';
let lang = 'en';
let messages = {};
let plural = new Intl.PluralRules('en');

// detectLanguage returns the stored choice, else the browser's first supported language.
export function detectLanguage() {
  const stored = localStorage.getItem(KEY);
  if (stored && LANGUAGES[stored]) return stored;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

// loadCatalogue fetches one language's catalogue (from the same hashed asset path as this
// module) and makes it current; a failure falls back to English once.
export async function loadCatalogue(which) {
  try {
    const res = await fetch(new URL(`./i18n/${which}.json`, import.meta.url));
    if (!res.ok) throw new Error(`catalogue ${which}: HTTP ${res.status}`);
    messages = await res.json();
    lang = which;
  } catch (e) {
    if (which !== 'en') return loadCatalogue('en');
    throw e;
  }
  plural = new Intl.PluralRules(lang);
  document.documentElement.lang = lang;
  return lang;
}

// language is the current language code.
export function language() {
  return lang;
}

// setLanguage stores the choice and reloads the page in that language (a reload keeps
// every component simple: no string is cached in a language no longer current).
export function setLanguage(which) {
  if (!LANGUAGES[which]) return;
  localStorage.setItem(KEY, which);
  location.reload();
}

// t returns the message for key with {placeholders} filled from vars. A missing key shows
// the key itself (the catalogue test keeps that from shipping).
export function t(key, vars) {
  let text = messages[key];
  if (vars && typeof vars.count === 'number') {
    const forms = vars.count === 0 && messages[key + '.zero'] !== undefined ? 'zero' : plural.select(vars.count);
    text = messages[key + '.' + forms] ?? messages[key + '.other'] ?? text;
  }
  if (text === undefined) {
    console.warn('i18n: missing message', key);
    return key;
  }
  return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : fmtValue(vars[name]))) : text;
}

function fmtValue(v) {
  return typeof v === 'number' ? v.toLocaleString(lang) : String(v);
}

// LanguagePicker is a select of the shipped languages; choosing one reloads in it.
export function LanguagePicker({ id = 'language-picker' }) {
  return html`<label class="language-picker" for=${id}><span class="sr-only">${t('common.language')}</span>
    <select id=${id} value=${lang} onChange=${(e) => setLanguage(e.target.value)}>
      ${Object.entries(LANGUAGES).map(([code, name]) => html`<option value=${code} lang=${code}>${name}</option>`)}
    </select></label>`;
}
