package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Notification is what happened, independent of any provider.
type Notification struct {
	ID                                          string // delivery/outbox id (UUID); stable across retries (idempotency, PagerDuty dedup uses DedupKey)
	Event                                       string // "alert.fired" | "alert.reminder" | "alert.acknowledged" | "alert.resolved" | "test" | webhook events (monitor.down, ...)
	Severity                                    string // "critical" | "warning" | "info"
	Title                                       string // "<rule> Triggered by Check"
	Summary                                     string // one sentence: "API is down: connection refused"
	OrgID, OrgName                              string
	ServiceID, ServiceName, Endpoint, CheckType string
	Status                                      string // GREEN|YELLOW|RED|MAINTENANCE
	Error                                       string
	Since                                       time.Time // when the alert fired
	ResolvedAt                                  *time.Time
	DownFor                                     time.Duration // on recovery
	AlertID                                     string
	AlertURL                                    string          // BASE_URL link to the alert in the UI
	AckURL                                      string          // signed one-click acknowledge link ("" when not applicable)
	DedupKey                                    string          // stable per alert (PagerDuty dedup_key, Opsgenie alias)
	Payload                                     json.RawMessage // for webhook channels/subscriptions: the exact JSON envelope to send (SPEC §3.15); nil → the channel renders its own
}

// Attempt is the result of one delivery attempt.
type Attempt struct {
	StatusCode int           // HTTP status (0 for SMTP/none)
	Response   string        // first 500 characters of the answer
	RetryAfter time.Duration // from Retry-After / 429, 0 if none
	Permanent  bool          // stop retrying (401/403/404/410/422 for most providers, bad config)
}

// DeliveryError is a failed attempt: the attempt details and the cause.
type DeliveryError struct {
	Attempt
	Err error
}

// Error describes the failure with its HTTP status, when there is one.
func (e *DeliveryError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("notify: delivery failed (HTTP %d): %v", e.StatusCode, e.Err)
	}
	return fmt.Sprintf("notify: delivery failed: %v", e.Err)
}

// Unwrap returns the cause.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Sender delivers one notification to one destination.
type Sender interface {
	Send(ctx context.Context, n *Notification) (Attempt, error) // error is *DeliveryError on failure
}
