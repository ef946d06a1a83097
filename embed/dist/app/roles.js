// Organization roles (SPEC §2.1): their order, what each may do in one sentence, and the
// checks pages use to hide what the user's role cannot do — saying why instead of letting
// a click end in "forbidden".
import { html } from './html.js';

export const ROLES = ['viewer', 'responder', 'member', 'admin', 'owner'];
export const ROLE_RANK = { viewer: 0, responder: 1, member: 2, editor: 2, admin: 3, owner: 4 };

// ROLE_DESCRIPTION is the permission table of SPEC §2.1, one line per role.
export const ROLE_DESCRIPTION = {
  viewer: 'Reads everything; changes nothing.',
  responder: 'Viewer, plus acknowledges and resolves alerts and posts incident updates.',
  member: 'Responder, plus creates, edits and deletes services, rules, channels, status pages and webhooks, and manages own API keys.',
  admin: 'Member, plus manages members, teams, all API keys, the audit log and organization settings.',
  owner: 'Admin, plus deletes the organization, transfers ownership and changes the plan.',
};

export function roleLabel(role) {
  return role ? role[0].toUpperCase() + role.slice(1) : '';
}

// roleOptions are <select> options naming each role with what it may do; upTo (a role)
// leaves out the roles above it (an API key cannot outrank its creator).
export function roleOptions(list = ROLES, upTo) {
  return list.filter((r) => !upTo || ROLE_RANK[r] <= ROLE_RANK[upTo])
    .map((r) => ({ value: r, label: `${roleLabel(r)} — ${ROLE_DESCRIPTION[r]}` }));
}

// can reports whether the role in org (the selected organization) reaches min.
export function can(org, min) {
  return (ROLE_RANK[org?.role] ?? -1) >= ROLE_RANK[min];
}

// RoleNote says, where actions are hidden, why: the user's role and the one needed.
export function RoleNote({ org, min, what }) {
  if (can(org, min)) return null;
  return html`<p class="role-note" role="note" data-role-note>Your role here is ${roleLabel(org?.role) || 'unknown'}:
    ${what} needs the ${roleLabel(min)} role or higher. Ask an admin of ${org?.name || 'this organization'} if you need it.</p>`;
}
