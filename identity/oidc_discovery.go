package identity

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// DiscoveryTTL is how long a provider's discovery document (and the signing keys fetched
// through it) is reused before sign-ins fetch it again. An hour keeps a sign-in to one
// round trip to the provider (the code exchange) while an issuer that moved its
// endpoints is followed within the hour; keys the provider rotates in are fetched at once
// (an ID token signed by an unknown key makes the key set refresh).
const DiscoveryTTL = time.Hour

// OIDCDiscovery caches discovered providers by issuer, per process. Each entry keeps the
// HTTP client it was discovered through (the egress-guarded one), which later key
// fetches use too.
type OIDCDiscovery struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]discovered
}

// discovered is one issuer's provider and when it was fetched.
type discovered struct {
	provider *oidc.Provider
	at       time.Time
}

// NewOIDCDiscovery returns an empty cache reading the time from now (the clock's time
// when nil).
func NewOIDCDiscovery(now func() time.Time) *OIDCDiscovery {
	if now == nil {
		now = time.Now
	}
	return &OIDCDiscovery{now: now, entries: map[string]discovered{}}
}

// provider returns the issuer's provider, discovering it through client when it is not
// cached, older than DiscoveryTTL, or fresh is set (saving a configuration checks the
// provider as it is now). A failed discovery is not cached.
func (d *OIDCDiscovery) provider(ctx context.Context, issuer string, client *http.Client, fresh bool) (*oidc.Provider, error) {
	d.mu.Lock()
	e, ok := d.entries[issuer]
	d.mu.Unlock()
	if ok && !fresh && d.now().Sub(e.at) < DiscoveryTTL {
		return e.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, client), issuer)
	if err != nil {
		return nil, fmt.Errorf("discovery of %s failed: %w", issuer, err)
	}
	d.mu.Lock()
	d.entries[issuer] = discovered{provider: p, at: d.now()}
	d.mu.Unlock()
	return p, nil
}
