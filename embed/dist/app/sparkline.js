// Response-time sparklines for the dashboard, drawn from the values the
// organization overview (GET /metrics) carries for every service: no request
// per row.
import { html } from './html.js';
import { t } from './i18n.js';

// SparklineSVG draws values as an inline SVG polyline (no library needed).
export function SparklineSVG({ values, width = 120, height = 28, label }) {
  if (!values || values.length < 2) return html`<svg class="sparkline" width=${width} height=${height} role="img" aria-label=${t('sparkline.no_data', { label })}></svg>`;
  const max = Math.max(...values), min = Math.min(...values);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`).join(' ');
  return html`<svg class="sparkline" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${`${label}: ${Math.round(min)}–${Math.round(max)} ms`}>
    <polyline points=${pts} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
  </svg>`;
}
