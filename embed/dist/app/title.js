// The tab title: the page's title, led by the open-alert count ("(3) Alerts · AlertifyPro")
// so a background tab shows that something needs attention.
let page = 'AlertifyPro';
let count = 0;

function apply() {
  document.title = (count > 0 ? `(${count > 99 ? '99+' : count}) ` : '') + page;
}

// setPageTitle is called by each page's header.
export function setPageTitle(title) {
  page = title ? `${title} · AlertifyPro` : 'AlertifyPro';
  apply();
}

// setTitleCount sets the open-alert count (0 shows none).
export function setTitleCount(n) {
  count = n || 0;
  apply();
}
