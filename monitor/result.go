package monitor

import (
	"encoding/json"
	"time"
)

// Check statuses a result can have (SPEC §3.7).
const (
	StatusGreen  = "GREEN"  // passed within the degraded threshold
	StatusYellow = "YELLOW" // passed, but slow or a certificate is in its warning window
	StatusRed    = "RED"    // failed
)

// Result is the outcome of one check.
type Result struct {
	CheckedAt    time.Time
	Status       string
	ResponseTime time.Duration
	StatusCode   int    // HTTP status code; 0 for other types
	Error        string // short human reason for RED (and for YELLOW: why degraded); "" when GREEN
	Certificate  *Certificate
	// Timings split ResponseTime into the connection's phases; they reach
	// the API's check-now answer and the service's latest result, not the
	// stored raw row (see Timings).
	Timings Timings
	// Internal marks a result that could not be obtained for reasons of our
	// own (egress policy, ICMP unavailable): recorded RED, never alerts.
	Internal bool
	// Facts the alert-rule expression language reads (SPEC §3.9). Not stored.
	Body      []byte // HTTP/WebSocket response body, at most 1 MiB, for body_contains()
	Resolved  bool   // the endpoint's name resolved (dns_resolved)
	Connected bool   // a transport connection was established (tcp_connected)
	// Location is the probe location (name) that made the check (SPEC §8); ReceivedAt is
	// when an agent's result reached the server (zero for the appliance's own checks).
	// Neither is in the stored raw row yet (see store.CheckResult).
	Location   string
	ReceivedAt time.Time
}

// Certificate is the leaf certificate a TLS endpoint presented.
type Certificate struct {
	Issuer          string    `json:"issuer"`
	Subject         string    `json:"subject"`
	DNSNames        []string  `json:"dns_names,omitempty"`
	ValidFrom       time.Time `json:"valid_from"`
	ValidTo         time.Time `json:"valid_to"`
	DaysUntilExpiry int       `json:"days_until_expiry"`
	// Fingerprint is the hex SHA-256 of the leaf's DER encoding.
	Fingerprint string `json:"fingerprint_sha256,omitempty"`
}

// Target is what a probe checks: the service's endpoint and options, with
// its credentials already opened (plaintext lives only in memory).
type Target struct {
	OrgID             string
	ServiceID         string
	CheckType         string          // canonical upper-case type
	Endpoint          string          // validated for its type by the API
	Options           json.RawMessage // the normalized options the API stored (defaults filled)
	Timeout           time.Duration   // hard per-check timeout (the probe's ctx also carries it)
	DegradedThreshold time.Duration   // slower than this → YELLOW, unless ResponseTimeWarning is set
	// ResponseTimeWarning and ResponseTimeCritical are the service's response-time
	// thresholds (zero: unset): a passing check slower than the warning one is YELLOW
	// (in place of DegradedThreshold), slower than the critical one RED (grade.go).
	ResponseTimeWarning  time.Duration
	ResponseTimeCritical time.Duration
	Auth                 *Credentials // nil when the service has none
	Headers              map[string]string
}

// Credentials is a service's probe credential in plaintext.
type Credentials struct {
	Type     string `json:"type"` // "basic", "bearer" or "header"
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Token    string `json:"token,omitempty"`
	Name     string `json:"name,omitempty"`  // header name for type "header"
	Value    string `json:"value,omitempty"` // header value for type "header"
}
