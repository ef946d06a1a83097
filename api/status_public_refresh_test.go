package api

import (
	"net/http"
	"strings"
	"testing"
)

// The public page reloads itself (SPEC §7), and a visitor can turn that off (WCAG 2.2.1:
// a time limit can be turned off): the page links to ?refresh=off, which serves the same
// page without the meta refresh and links back; each variant has its own ETag.
func TestPublicStatusPageRefreshCanBeTurnedOff(t *testing.T) {
	e := newTestEnv(t, withInstanceSMTP)
	s := newStatusFixture(t, e)
	live := e.do("GET", "/status/"+s.slug, "", nil)
	still := e.do("GET", "/status/"+s.slug+"?refresh=off", "", nil)
	if live.Code != http.StatusOK || still.Code != http.StatusOK {
		t.Fatalf("live %d, still %d", live.Code, still.Code)
	}
	lh, sh := live.Body.String(), still.Body.String()
	for _, want := range []string{`<meta http-equiv="refresh" content="60">`, `href="/status/acme-status?refresh=off">Stop refreshing</a>`} {
		if !strings.Contains(lh, want) {
			t.Errorf("the live page lacks %q", want)
		}
	}
	if strings.Contains(sh, `http-equiv="refresh"`) {
		t.Error("?refresh=off still reloads itself")
	}
	if !strings.Contains(sh, `href="/status/acme-status">Refresh automatically</a>`) || !strings.Contains(sh, "Partial outage") {
		t.Error("?refresh=off lacks the page or the link back to the refreshing page")
	}
	if live.Header().Get("ETag") == still.Header().Get("ETag") {
		t.Error("both variants answer the same ETag: a cache would serve one for the other")
	}
	again := e.getWithHeaders("/status/"+s.slug+"?refresh=off", "If-None-Match", still.Header().Get("ETag"))
	if again.Code != http.StatusNotModified {
		t.Errorf("revalidating the still page: %d", again.Code)
	}
}
