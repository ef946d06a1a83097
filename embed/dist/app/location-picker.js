// Probe locations on a service (SPEC §8): the form's location multi-select and quorum,
// and the detail's per-location status chips.
import { html } from './html.js';
import { Field, StatusBadge, Loading, ErrorBanner } from './ui.js';
import { t } from './i18n.js';

// defaultQuorum is the API's default location_quorum for n locations: ceil(n/2), at least 1.
export function defaultQuorum(n) {
  return Math.max(1, Math.ceil(n / 2));
}

// LocationPicker is a group of checkboxes, one per location the organization may use
// (from GET /locations), and the quorum, bounded 1..n, showing the default until the
// user types one. A location the service names but the list lacks (deleted since) stays
// listed so it can be unticked.
export function LocationPicker({ res, picked, quorum, fe, onPick, onQuorum }) {
  if (res.error && res.data === undefined) return html`<fieldset><legend>${t('location_picker.legend')}</legend><${ErrorBanner} error=${res.error} /></fieldset>`;
  if (res.data === undefined) return html`<fieldset><legend>${t('location_picker.legend')}</legend><${Loading} label=${t('location_picker.loading')} /></fieldset>`;
  const [locations] = res.data;
  const known = new Set(locations.map((l) => l.name));
  const rows = [...locations, ...picked.filter((n) => !known.has(n)).map((n) => ({ name: n, display_name: n, status: 'deleted' }))];
  const n = picked.length;
  const toggle = (name, on) => onPick(on ? [...picked, name] : picked.filter((x) => x !== name));
  const err = fe('locations');
  return html`<fieldset><legend>${t('location_picker.legend')}</legend>
    <div class=${'location-picks' + (err ? ' has-error' : '')} role="group" aria-label=${t('location_picker.group_label')} aria-describedby=${err ? 'locations-err' : undefined}>
      ${rows.map((l) => html`<div class="field field-check" key=${l.name}>
        <input type="checkbox" id=${'loc-pick-' + l.name} name="locations" value=${l.name} checked=${picked.includes(l.name)} onChange=${(e) => toggle(l.name, e.target.checked)} />
        <label for=${'loc-pick-' + l.name}>${l.display_name && l.display_name !== l.name ? `${l.display_name} (${l.name})` : l.name}${l.builtin ? ' — ' + t('location_picker.this_server') : ''}
          ${' '}<${StatusBadge} status=${l.status} /></label>
      </div>`)}
    </div>
    ${err && html`<div class="field-error" id="locations-err">${err}</div>`}
    <${Field} label=${t('location_picker.quorum')} name="location_quorum" type="number" min="1" max=${Math.max(1, n)}
      hint=${t('location_picker.quorum_hint', { max: Math.max(1, n), default: defaultQuorum(n), n })}
      placeholder=${String(defaultQuorum(n))} value=${quorum} onInput=${onQuorum} error=${fe('location_quorum')} />
  </fieldset>`;
}

// chipStatus is what a location's chip says: the location's own state when it is
// offline or degraded (its results are left out of the quorum), else its last result.
function chipStatus(status, loc) {
  if (loc && !loc.builtin && (loc.status === 'offline' || loc.status === 'degraded')) return loc.status;
  return status;
}

// LocationChips shows one chip per location of a service from location_status, with
// the location's own offline/degraded state from GET /locations.
export function LocationChips({ service, locations }) {
  const entries = Object.entries(service.location_status || {});
  if (entries.length < 2 && !(service.locations || []).some((n) => locations?.find((l) => l.name === n && !l.builtin))) return null;
  const byName = new Map((locations || []).map((l) => [l.name, l]));
  return html`<section class="card" aria-labelledby="locs-h">
    <h2 id="locs-h">${t('location_picker.chips_title')} <span class="muted">(${t('location_picker.chips_quorum', { quorum: service.location_quorum, n: entries.length })})</span></h2>
    <ul class="chips">${entries.sort(([a], [b]) => a.localeCompare(b)).map(([name, st]) => {
      const s = chipStatus(st, byName.get(name));
      return html`<li class="chip" data-location=${name} data-status=${s}><span>${name}</span><${StatusBadge} status=${s} /></li>`;
    })}</ul>
  </section>`;
}
