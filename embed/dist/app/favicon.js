// The favicon, drawn at run time as SVG: the brand mark, and while alerts are open a red
// badge with their count, so a pinned tab shows trouble without being looked at.
const ID = 'app-favicon';

function svg(count) {
  const label = count > 99 ? '99+' : String(count);
  const badge = count > 0
    ? `<circle cx="23" cy="9" r="9" fill="#c21d2b"/><text x="23" y="13" font-family="system-ui,sans-serif" font-size="${label.length > 2 ? 8 : 11}" font-weight="700" text-anchor="middle" fill="#fff">${label}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="1" y="4" width="26" height="26" rx="6" fill="#2456d6"/>` +
    `<path d="M5 18h5l3-7 4 12 3-5h4" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>${badge}</svg>`;
}

// drawFavicon shows count open alerts on the favicon (0: the plain mark).
export function drawFavicon(count) {
  let link = document.getElementById(ID);
  if (!link) {
    document.querySelectorAll('link[rel~="icon"]').forEach((l) => l.remove());
    link = document.createElement('link');
    link.id = ID;
    link.rel = 'icon';
    link.type = 'image/svg+xml';
    document.head.appendChild(link);
  }
  link.dataset.count = String(count || 0);
  link.href = 'data:image/svg+xml,' + encodeURIComponent(svg(count || 0));
}
