// Per-type fields of notification channels, mirroring notify/*.go validate*
// functions. secret fields are write-only: the API shows them as "********" and a
// PUT that sends the mask back keeps the stored value.
const url = (hint) => ({ key: 'url', label: 'Webhook URL', required: true, secret: true, hint });
const tok = (key, label, required = true, hint) => ({ key, label, required, secret: true, hint });
const str = (key, label, required = false, hint) => ({ key, label, required, hint });

export const CHANNEL_TYPES = {
  email: { label: 'E-mail', fields: [
    { key: 'to', label: 'Recipients', required: true, kind: 'list', hint: 'Comma-separated e-mail addresses.' },
    str('smtp_host', 'SMTP host', false, 'Leave empty to use the instance mail server.'),
    { key: 'smtp_port', label: 'SMTP port', kind: 'number' },
    { key: 'smtp_tls', label: 'SMTP TLS', kind: 'select', options: ['', 'starttls', 'tls', 'none'] },
    str('smtp_username', 'SMTP username'), tok('smtp_password', 'SMTP password', false), str('smtp_from', 'From address')] },
  webhook: { label: 'Webhook', fields: [
    { key: 'url', label: 'URL', required: true, secret: true, hint: 'Receives a JSON POST for every alert event.' },
    tok('secret', 'Signing secret', false, 'Optional: signs each request (X-AlertifyPro-Signature).'),
    { key: 'headers', label: 'Extra headers', kind: 'headers', secret: true, hint: 'One "Name: value" per line.' }] },
  slack: { label: 'Slack', fields: [url('An https://hooks.slack.com/... incoming-webhook URL.')] },
  discord: { label: 'Discord', fields: [url('A Discord channel webhook URL.')] },
  msteams: { label: 'Microsoft Teams', fields: [url('A Teams incoming-webhook / workflow URL.')] },
  mattermost: { label: 'Mattermost', fields: [url()] },
  google_chat: { label: 'Google Chat', fields: [url()] },
  rocketchat: { label: 'Rocket.Chat', fields: [url()] },
  telegram: { label: 'Telegram', fields: [tok('bot_token', 'Bot token', true, 'From @BotFather (123456:ABC...).'), str('chat_id', 'Chat ID', true, 'A numeric chat id or @channelusername.')] },
  pagerduty: { label: 'PagerDuty', fields: [tok('routing_key', 'Routing key', true, 'The 32-character Events API v2 integration key.')] },
  opsgenie: { label: 'Opsgenie', fields: [tok('api_key', 'API key'), { key: 'region', label: 'Region', kind: 'select', options: ['us', 'eu'] }] },
  pushover: { label: 'Pushover', fields: [tok('user_key', 'User or group key'), tok('app_token', 'Application token')] },
  ntfy: { label: 'ntfy', fields: [str('server_url', 'Server URL', false, 'Empty: https://ntfy.sh'), str('topic', 'Topic', true), tok('token', 'Access token', false)] },
  gotify: { label: 'Gotify', fields: [str('server_url', 'Server URL', true), tok('app_token', 'Application token')] },
  twilio_sms: { label: 'Twilio SMS', fields: [str('account_sid', 'Account SID', true), tok('auth_token', 'Auth token'), str('from', 'From number', true, 'E.164, e.g. +14155550100'), str('to', 'To number', true, 'E.164')] },
  matrix: { label: 'Matrix', fields: [str('homeserver_url', 'Homeserver URL', true), tok('access_token', 'Access token'), str('room_id', 'Room ID', true, 'e.g. !abc123:example.org')] },
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
