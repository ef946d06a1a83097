package api

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// metadataHost serves, at /metadata, the metadata of whichever identity provider it
// points at (or 503 while down): the URL an admin configured stays, what it publishes
// changes, as when a provider rotates its signing certificate.
type metadataHost struct {
	url     string
	mu      sync.Mutex
	from    *testIdP
	down    bool
	fetches atomic.Int64
}

func newMetadataHost(t *testing.T, from *testIdP) *metadataHost {
	t.Helper()
	m := &metadataHost{from: from}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m.fetches.Add(1)
			m.mu.Lock()
			from, down := m.from, m.down
			m.mu.Unlock()
			if down {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			resp, err := http.Get(from.url + "/metadata")
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			w.Header().Set("Content-Type", "application/samlmetadata+xml")
			_, _ = io.Copy(w, resp.Body)
		})}}
	srv.Start()
	t.Cleanup(srv.Close)
	m.url = srv.URL + "/metadata"
	return m
}

func (m *metadataHost) set(from *testIdP, down bool) {
	m.mu.Lock()
	m.from, m.down = from, down
	m.mu.Unlock()
}

// ageMetadata makes the organization's stored metadata look fetched by long ago.
func ageMetadata(t *testing.T, e *testEnv, orgID string, by time.Duration) {
	t.Helper()
	if _, err := e.db.UpdateSSOConfig(orgID, func(cfg *store.SSOConfig) error {
		cfg.SAML.IdPMetadataFetchedAt = cfg.SAML.IdPMetadataFetchedAt.Add(-by)
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
}

// Metadata configured by URL is fetched again by a sign-in once a day old: an identity
// provider that now signs with another key (another provider at the same metadata URL)
// signs people in without an admin saving the form again. While the URL is down, the
// metadata held is used and the URL is not asked again for a few minutes.
func TestSAMLMetadataByURLIsRefreshedDaily(t *testing.T) {
	e, oldIdP := newSAMLEnv(t)
	host := newMetadataHost(t, oldIdP)
	s := newSAMLOrgFrom(t, e, oldIdP, host.url, "Acme", false, true)
	if rec := s.acs(s.spInitiated(t, "alice")); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in with the first key: %d %s", rec.Code, rec.Body.String())
	}

	// The provider rotates: its metadata now names another key (and sign-on URL).
	newIdP := newTestIdP(t)
	newIdP.addUser(t, "alice", "alice@acme.test", "ops-admins")
	md := e.do(http.MethodGet, "/saml/"+s.owner.OrgSlug+"/metadata", "", nil)
	newIdP.addServiceProvider(t, s.owner.OrgSlug, md.Body.Bytes(), "http://localhost:3001/saml/"+s.owner.OrgSlug+"/metadata", "")
	host.set(newIdP, false)
	rotated := &samlOrg{e: e, owner: s.owner, idp: newIdP}
	fetched := host.fetches.Load()
	if rec := s.acs(s.spInitiated(t, "alice")); rec.Code != http.StatusSeeOther || host.fetches.Load() != fetched {
		t.Fatalf("within the day the held metadata is used without a fetch: %d, %d fetches", rec.Code, host.fetches.Load()-fetched)
	}
	ageMetadata(t, e, s.owner.OrgID, samlMetadataMaxAge)
	if rec := rotated.acs(rotated.spInitiated(t, "alice")); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in at the rotated provider after a day: %d %s", rec.Code, rec.Body.String())
	}
	cfg, err := e.db.SSOConfig(s.owner.OrgID)
	if err != nil || !strings.Contains(cfg.SAML.IdPMetadataXML, newIdP.url) || e.clock.now.Sub(cfg.SAML.IdPMetadataFetchedAt) > time.Minute {
		t.Fatalf("the refreshed metadata was not stored: fetched at %v, %v", cfg.SAML.IdPMetadataFetchedAt, err)
	}

	// The metadata URL is down: sign-ins go on with what is held, asking once.
	host.set(newIdP, true)
	ageMetadata(t, e, s.owner.OrgID, samlMetadataMaxAge)
	fetched = host.fetches.Load()
	for range 2 {
		if rec := rotated.acs(rotated.spInitiated(t, "alice")); rec.Code != http.StatusSeeOther {
			t.Fatalf("sign-in while the metadata URL is down: %d %s", rec.Code, rec.Body.String())
		}
	}
	if n := host.fetches.Load() - fetched; n != 1 {
		t.Fatalf("the URL that is down was asked %d times by two sign-ins, want once", n)
	}
}
