package api

import (
	"net"
	"net/url"
	"strings"
)

// checkEgress refuses at save time a service whose target the egress policy
// would refuse at connect time, when that is knowable without DNS: a literal
// address in any form (127.1, 2130706433, [::ffff:127.0.0.1]) or a metadata
// host name (SPEC §4.2). Names that need resolving are checked on every
// connect by the guard; this only turns a certain failure into a clear 422.
// For DNS checks the connection goes to the resolver, not the queried name.
func (b *base) checkEgress(f fieldErrors, checkType, endpoint string, opts *parsedOptions) {
	if b.guard == nil {
		return
	}
	if checkType == checkDNS {
		if opts != nil {
			if r, ok := opts.values["resolver"].(string); ok && r != "" {
				if host, _, err := net.SplitHostPort(r); err == nil {
					if err := b.guard.CheckHost(host); err != nil {
						f.add("options.resolver", err.Error())
					}
				}
			}
		}
		return
	}
	if host := endpointHost(checkType, endpoint); host != "" {
		if err := b.guard.CheckHost(host); err != nil {
			f.add("endpoint", err.Error())
		}
	}
}

// endpointHost is the host a check of checkType connects to ("" when the
// endpoint does not parse; its validation reports that).
func endpointHost(checkType, endpoint string) string {
	switch checkType {
	case checkHTTP, checkWebSocket:
		u, err := url.Parse(endpoint)
		if err != nil {
			return ""
		}
		return u.Hostname()
	case checkPing:
		return unbracket(endpoint)
	}
	if host, _, err := net.SplitHostPort(endpoint); err == nil {
		return host
	}
	return strings.Trim(endpoint, "[]") // SSL with a bare domain
}
