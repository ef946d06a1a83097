// Per-type fields of notification channels, mirroring notify/*.go validate*
// functions. secret fields are write-only: the API shows them as "********" and a
// PUT that sends the mask back keeps the stored value.
import { t } from './i18n.js';

// Labels and hints are getters: the table is built when the module loads, before the
// catalogue is, so each text is looked up when a page reads it.
function field(key, label, { required = false, secret = false, kind, options, hint } = {}) {
  return { key, required, secret, kind, options, get label() { return label(); }, get hint() { return hint ? hint() : undefined; } };
}
const url = (hint) => field('url', () => t('channel_specs.webhook_url'), { required: true, secret: true, hint });
const tok = (key, label, required = true, hint) => field(key, label, { required, secret: true, hint });
const str = (key, label, required = false, hint) => field(key, label, { required, hint });

export const CHANNEL_TYPES = {
  email: { get label() { return t('channel_specs.email'); }, fields: [
    field('to', () => t('channel_specs.to'), { required: true, kind: 'list', hint: () => t('channel_specs.to_hint') }),
    str('smtp_host', () => t('channel_specs.smtp_host'), false, () => t('channel_specs.smtp_host_hint')),
    field('smtp_port', () => t('channel_specs.smtp_port'), { kind: 'number' }),
    field('smtp_tls', () => t('channel_specs.smtp_tls'), { kind: 'select', options: ['', 'starttls', 'tls', 'none'] }),
    str('smtp_username', () => t('channel_specs.smtp_username')), tok('smtp_password', () => t('channel_specs.smtp_password'), false),
    str('smtp_from', () => t('channel_specs.smtp_from'))] },
  webhook: { label: 'Webhook', fields: [
    field('url', () => 'URL', { required: true, secret: true, hint: () => t('channel_specs.webhook_hint') }),
    tok('secret', () => t('channel_specs.secret'), false, () => t('channel_specs.secret_hint')),
    field('headers', () => t('channel_specs.headers'), { kind: 'headers', secret: true, hint: () => t('channel_specs.headers_hint') })] },
  slack: { label: 'Slack', fields: [url(() => t('channel_specs.slack_hint'))] },
  discord: { label: 'Discord', fields: [url(() => t('channel_specs.discord_hint'))] },
  msteams: { label: 'Microsoft Teams', fields: [url(() => t('channel_specs.msteams_hint'))] },
  mattermost: { label: 'Mattermost', fields: [url()] },
  google_chat: { label: 'Google Chat', fields: [url()] },
  rocketchat: { label: 'Rocket.Chat', fields: [url()] },
  telegram: { label: 'Telegram', fields: [tok('bot_token', () => t('channel_specs.bot_token'), true, () => t('channel_specs.bot_token_hint')),
    str('chat_id', () => t('channel_specs.chat_id'), true, () => t('channel_specs.chat_id_hint'))] },
  pagerduty: { label: 'PagerDuty', fields: [tok('routing_key', () => t('channel_specs.routing_key'), true, () => t('channel_specs.routing_key_hint'))] },
  opsgenie: { label: 'Opsgenie', fields: [tok('api_key', () => t('channel_specs.api_key')), field('region', () => t('channel_specs.region'), { kind: 'select', options: ['us', 'eu'] })] },
  pushover: { label: 'Pushover', fields: [tok('user_key', () => t('channel_specs.user_key')), tok('app_token', () => t('channel_specs.app_token'))] },
  ntfy: { label: 'ntfy', fields: [str('server_url', () => t('channel_specs.server_url'), false, () => t('channel_specs.ntfy_server_hint')),
    str('topic', () => t('channel_specs.topic'), true), tok('token', () => t('channel_specs.access_token'), false)] },
  gotify: { label: 'Gotify', fields: [str('server_url', () => t('channel_specs.server_url'), true), tok('app_token', () => t('channel_specs.app_token'))] },
  twilio_sms: { label: 'Twilio SMS', fields: [str('account_sid', () => 'Account SID', true), tok('auth_token', () => t('channel_specs.auth_token')),
    str('from', () => t('channel_specs.from_number'), true, () => t('channel_specs.from_number_hint')), str('to', () => t('channel_specs.to_number'), true, () => 'E.164')] },
  matrix: { label: 'Matrix', fields: [str('homeserver_url', () => t('channel_specs.homeserver_url'), true), tok('access_token', () => t('channel_specs.access_token')),
    str('room_id', () => t('channel_specs.room_id'), true, () => t('channel_specs.room_id_hint'))] },
};

export const SEVERITIES = ['critical', 'warning', 'info'];

function headersToText(v) {
  if (!v || typeof v !== 'object') return typeof v === 'string' ? v : '';
  return Object.entries(v).map(([k, x]) => `${k}: ${x}`).join('\n');
}

// configInputs turns a stored config into input values.
export function configInputs(type, config = {}) {
  const out = {};
  for (const f of CHANNEL_TYPES[type]?.fields || []) {
    const v = config[f.key];
    if (f.kind === 'list') out[f.key] = Array.isArray(v) ? v.join(', ') : v || '';
    else if (f.kind === 'headers') out[f.key] = headersToText(v);
    else out[f.key] = v ?? '';
  }
  return out;
}

// configBody builds the config object; empty optional fields are left out.
export function configBody(type, inputs) {
  const out = {};
  for (const f of CHANNEL_TYPES[type]?.fields || []) {
    const v = inputs[f.key];
    if (v === '' || v == null) continue;
    if (f.kind === 'list') out[f.key] = String(v).split(',').map((x) => x.trim()).filter(Boolean);
    else if (f.kind === 'number') out[f.key] = Number(v);
    else if (f.kind === 'headers') {
      if (v === '********') { out[f.key] = v; continue; }
      const h = {};
      for (const line of String(v).split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) h[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      out[f.key] = h;
    } else out[f.key] = v;
  }
  return out;
}
