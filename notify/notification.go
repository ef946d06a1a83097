package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Notification is what happened, independent of any provider. The sender of
// each channel type renders it in that provider's native format.
type Notification struct {
	// ID is the delivery (outbox) id, a UUID that stays the same across
	// retries: it names webhook deliveries and Matrix transactions.
	ID string
	// Event is "alert.fired", "alert.reminder", "alert.acknowledged",
	// "alert.resolved", "test" or a webhook event ("monitor.down", ...).
	Event string
	// Severity is "critical", "warning" or "info".
	Severity string
	// Title says what happened as a person would: "Toggle API is down", "Nightly
	// backup missed its ping", "Toggle API is up again". Empty: the renderer
	// words it from the event and the service.
	Title string
	// Summary is one sentence: "API is down: connection refused". On recovery
	// the renderer adds how long it was down.
	Summary string
	// Rule is the alert rule's name, shown when it differs from the service's.
	Rule string `json:",omitempty"`
	// Actor names the person who acknowledged or resolved the alert ("Ada
	// Lovelace"), never an ID; "" for the system.
	Actor string `json:",omitempty"`

	OrgID, OrgName                              string
	ServiceID, ServiceName, Endpoint, CheckType string

	// Status is the service status: GREEN, YELLOW, RED or MAINTENANCE.
	Status string
	Error  string
	// FailingRegions are the probe locations whose failures fired the alert of a service
	// checked from several (SPEC §8); every channel names them.
	FailingRegions []string `json:",omitempty"`
	// Since is when the alert fired.
	Since      time.Time
	ResolvedAt *time.Time
	// DownFor is how long the service was down, on recovery.
	DownFor time.Duration

	AlertID string
	// AlertURL links to the alert in the UI (BASE_URL based).
	AlertURL string
	// AckURL is the signed one-click acknowledge link, "" when not applicable.
	AckURL string
	// DedupKey is stable per alert: PagerDuty's dedup_key, Opsgenie's alias.
	DedupKey string
	// Payload is, for webhook channels and subscriptions, the exact JSON
	// envelope to send (SPEC §3.15); nil (or JSON null, which is what a nil
	// RawMessage becomes after a trip through the outbox) lets the channel
	// render its own.
	Payload json.RawMessage `json:",omitempty"`
	// Mail, for e-mail deliveries, is a message rendered by its producer (status-page
	// subscriber notices): the email sender sends its subject, bodies and unsubscribe
	// header as they are, to its own recipients (Mail.To is ignored), instead of
	// rendering an alert. nil renders the alert as usual.
	Mail *Message `json:",omitempty"`
	// SMS, for texts to status-page SMS subscribers, is the text rendered by its producer
	// (an incident notice, a confirmation code): the twilio_sms sender sends it as it is
	// instead of rendering an alert.
	SMS string `json:",omitempty"`
}

// Attempt is the result of one delivery attempt, successful or not, as the
// delivery log records it.
type Attempt struct {
	StatusCode int           // HTTP status (0 for SMTP, or when no answer came)
	Response   string        // the first 500 characters of the answer
	RetryAfter time.Duration // from Retry-After (or the provider's equivalent), 0 if none
	Permanent  bool          // stop retrying: the request can never succeed as configured
}

// DeliveryError is a failed delivery: the attempt's details and the cause.
type DeliveryError struct {
	Attempt
	Err error
}

// Error returns the cause's message.
func (e *DeliveryError) Error() string {
	if e.Err == nil {
		return "notify: delivery failed"
	}
	return e.Err.Error()
}

// Unwrap returns the cause.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Sender delivers one notification to one destination.
type Sender interface {
	// Send makes one delivery attempt. On failure the error is a
	// *DeliveryError carrying the same Attempt.
	Send(ctx context.Context, n *Notification) (Attempt, error)
}

// Deps are the outbound means a sender may use.
type Deps struct {
	// HTTP is the egress-guarded client (at most 5 redirects); required by
	// every type but email.
	HTTP *http.Client
	// Dial connects through the egress guard; an email channel with its own
	// SMTP server dials with it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// InstanceMail is the instance SMTP server, used by email channels
	// without their own settings; nil when none is configured.
	InstanceMail *SMTPMailer
	// UserAgent is sent with every HTTP request ("AlertifyPro" when empty).
	UserAgent string
	// HeloName is the EHLO name an email channel's own SMTP server is greeted
	// with (HeloNameOf(BASE_URL)); the instance server's is in its SMTPConfig.
	HeloName string
	// TwilioAPI is the base URL of Twilio's REST API ("" is https://api.twilio.com);
	// tests point it at a local receiver.
	TwilioAPI string
}

// failed returns a as a failed attempt with its *DeliveryError.
func failed(a Attempt, permanent bool, err error) (Attempt, error) {
	a.Permanent = permanent
	return a, &DeliveryError{Attempt: a, Err: err}
}

// configError is the permanent failure of a channel whose configuration
// cannot work; retrying would not change that.
func configError(channel, format string, args ...any) *DeliveryError {
	err := fmt.Errorf("%s: %s", channel, fmt.Sprintf(format, args...))
	return &DeliveryError{Attempt: Attempt{Permanent: true}, Err: err}
}

// configFailure is configError as Send's results.
func configFailure(channel, format string, args ...any) (Attempt, error) {
	e := configError(channel, format, args...)
	return e.Attempt, e
}
