// Organization roles (SPEC §2.1): their order, what each may do in one sentence, and the
// checks pages use to hide what the user's role cannot do — saying why instead of letting
// a click end in "forbidden".
import { html } from './html.js';
import { t } from './i18n.js';

export const ROLES = ['viewer', 'responder', 'member', 'admin', 'owner'];
export const ROLE_RANK = { viewer: 0, responder: 1, member: 2, editor: 2, admin: 3, owner: 4 };

// roleDescription is the permission table of SPEC §2.1, one line per role, in the
// reader's language (every role's key written out, so the catalogue test sees them all).
export function roleDescription(role) {
  const table = {
    viewer: t('roles.desc.viewer'),
    responder: t('roles.desc.responder'),
    member: t('roles.desc.member'),
    admin: t('roles.desc.admin'),
    owner: t('roles.desc.owner'),
  };
  return table[role] || '';
}

// roleLabel is a role's name as a heading or badge shows it ("Admin").
export function roleLabel(role) {
  const names = {
    viewer: t('roles.name.viewer'),
    responder: t('roles.name.responder'),
    member: t('roles.name.member'),
    admin: t('roles.name.admin'),
    owner: t('roles.name.owner'),
    editor: t('roles.name.member'),
  };
  return names[role] || (role ? role[0].toUpperCase() + role.slice(1) : '');
}

// roleInText is a role's name within a sentence or a list ("(responder)"): lower case
// where the language writes it so, capitalized where it does not (German nouns).
export function roleInText(role) {
  const names = {
    viewer: t('roles.text.viewer'),
    responder: t('roles.text.responder'),
    member: t('roles.text.member'),
    admin: t('roles.text.admin'),
    owner: t('roles.text.owner'),
  };
  return names[role] || role || '';
}

// roleOptions are <select> options naming each role with what it may do; upTo (a role)
// leaves out the roles above it (an API key cannot outrank its creator).
export function roleOptions(list = ROLES, upTo) {
  return list.filter((r) => !upTo || ROLE_RANK[r] <= ROLE_RANK[upTo])
    .map((r) => ({ value: r, label: `${roleLabel(r)} — ${roleDescription(r)}` }));
}

// can reports whether the role in org (the selected organization) reaches min.
export function can(org, min) {
  return (ROLE_RANK[org?.role] ?? -1) >= ROLE_RANK[min];
}

// RoleNote says, where actions are hidden, why: the user's role and the one needed.
// what is the hidden action, already in the reader's language.
export function RoleNote({ org, min, what }) {
  if (can(org, min)) return null;
  return html`<p class="role-note" role="note" data-role-note>${t('roles.note', {
    role: roleLabel(org?.role) || t('roles.unknown'), what, min: roleLabel(min), org: org?.name || t('roles.this_org'),
  })}</p>`;
}
