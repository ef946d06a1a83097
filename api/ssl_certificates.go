package api

import (
	"encoding/json"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// Certificate states of the SSL views, graded at the time of the request (the stored
// days_until_expiry is as of the check that saw the certificate).
const (
	certValid       = "valid"
	certExpiring    = "expiring" // expires within the service's ssl_warn_days
	certExpired     = "expired"
	certNotYetValid = "not_yet_valid"
)

// defaultSSLWarnDays is the warning window of services without ssl_warn_days (SPEC §3.7).
const defaultSSLWarnDays = 30

// sslListItem is one row of GET /ssl-certificates (SPEC §3.8).
type sslListItem struct {
	ServiceID       string    `json:"service_id"`
	Domain          string    `json:"domain"`
	Issuer          string    `json:"issuer"`
	ValidFrom       time.Time `json:"valid_from"`
	ValidTo         time.Time `json:"valid_to"`
	DaysUntilExpiry int       `json:"days_until_expiry"`
	// Status is the documented grade, as a check result grades the same
	// certificate: GREEN valid, YELLOW inside the warning window, RED
	// expired or not yet valid.
	Status string `json:"status"`
	// State says the same in words: valid, expiring, expired, not_yet_valid.
	State string `json:"state"`
}

// newSSLListItem describes the certificate s's checks last saw (s.Certificate is set).
func newSSLListItem(s *store.Service, now time.Time) sslListItem {
	cert := s.Certificate
	state := certStatus(cert, now, sslWarnDays(s))
	return sslListItem{ServiceID: s.ID, Domain: endpointDomain(s), Issuer: cert.Issuer,
		ValidFrom: cert.ValidFrom.UTC(), ValidTo: cert.ValidTo.UTC(), DaysUntilExpiry: daysUntil(cert.ValidTo, now),
		Status: certGrade(state), State: state}
}

// sslView is GET /services/{id}/ssl: the list row of the latest certificate the service's
// checks saw, with its subject and when it was seen.
type sslView struct {
	sslListItem
	Subject   string    `json:"subject"`
	CheckedAt time.Time `json:"checked_at"`
}

// ssl answers the service's certificate, or 404 when no check has seen one (a service that
// does not speak TLS, or one not checked yet).
func (h *serviceResultHandlers) ssl(c *gin.Context) error {
	s, err := h.store.Service(actorOf(c).org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	cert := s.Certificate
	if cert == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found",
			Message: "No certificate seen yet: the service does not use TLS or has not been checked."}
	}
	c.JSON(http.StatusOK, sslView{sslListItem: newSSLListItem(s, h.now()), Subject: cert.Subject,
		CheckedAt: cert.CheckedAt.UTC()})
	return nil
}

// sslCertificateHandlers serves GET /ssl-certificates.
type sslCertificateHandlers struct {
	*base
}

// list answers the certificates of the organization's SSL services and HTTPS services
// that a check has seen, in service order, one page at a time.
func (h *sslCertificateHandlers) list(c *gin.Context) error {
	orgID, now := actorOf(c).org.ID, h.now()
	return respondList(c, func(q store.ListQuery) ([]store.Service, string, error) {
		return h.store.ListServices(orgID, q, func(s *store.Service) bool { return s.Certificate != nil && isTLSService(s) })
	}, func(s *store.Service) sslListItem {
		return newSSLListItem(s, now)
	})
}

// isTLSService is true for SSL services and HTTP services with an https:// endpoint (the
// HTTPS alias is stored as HTTP).
func isTLSService(s *store.Service) bool {
	return s.CheckType == checkSSL ||
		(s.CheckType == checkHTTP && strings.HasPrefix(strings.ToLower(s.Endpoint), "https://"))
}

// endpointDomain is the host name a certificate was checked for: a URL's host, a
// host:port's host, or the bare domain of an SSL endpoint.
func endpointDomain(s *store.Service) string {
	e := s.Endpoint
	if strings.Contains(e, "://") {
		if u, err := url.Parse(e); err == nil {
			return u.Hostname()
		}
	}
	if host, _, err := net.SplitHostPort(e); err == nil {
		return host
	}
	return e
}

// sslWarnDays is the service's ssl_warn_days option, or the default.
func sslWarnDays(s *store.Service) int {
	var o struct {
		SSLWarnDays int `json:"ssl_warn_days"`
	}
	if len(s.Options) > 0 && json.Unmarshal(s.Options, &o) == nil && o.SSLWarnDays > 0 {
		return o.SSLWarnDays
	}
	return defaultSSLWarnDays
}

// certStatus grades a certificate at now the way the checks do: expired after valid_to,
// expiring within warnDays of it, not yet valid before valid_from.
func certStatus(c *store.Certificate, now time.Time, warnDays int) string {
	switch {
	case now.After(c.ValidTo):
		return certExpired
	case now.Before(c.ValidFrom):
		return certNotYetValid
	case c.ValidTo.Sub(now) < time.Duration(warnDays)*24*time.Hour:
		return certExpiring
	}
	return certValid
}

// certGrade is the check status of a certificate state.
func certGrade(state string) string {
	switch state {
	case certValid:
		return store.StatusGreen
	case certExpiring:
		return store.StatusYellow
	}
	return store.StatusRed
}

// daysUntil counts whole days from now to t, rounded down (negative once expired), as the
// checks count them.
func daysUntil(t, now time.Time) int {
	return int(math.Floor(t.Sub(now).Hours() / 24))
}
