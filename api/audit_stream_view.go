package api

import (
	"time"

	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/store"
)

// auditStreamView is an audit stream as the API shows it: credentials set appear as the
// mask (write-only), the URL in its display form, and where delivery stands.
type auditStreamView struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	Enabled        bool   `json:"enabled"`
	URL            string `json:"url"`
	// IntakeURL is where entries are posted (auditstream.IntakeURL): the URL with the
	// collector or _bulk path a Splunk or Elastic destination adds, or a Datadog logs intake.
	IntakeURL string            `json:"intake_url"`
	Config    map[string]string `json:"config"`
	Status    auditStreamStatus `json:"status"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// auditStreamStatus is where a stream's delivery stands: Backlog entries are committed
// and not yet accepted by the receiver, the oldest of them logged at OldestPendingAt.
type auditStreamStatus struct {
	LastSuccessAt   *time.Time `json:"last_success_at"`
	LastAttemptAt   *time.Time `json:"last_attempt_at"`
	LastError       *string    `json:"last_error"`
	LastStatusCode  *int       `json:"last_status_code"`
	Failures        int        `json:"failures"`
	NextAttemptAt   *time.Time `json:"next_attempt_at"`
	Delivered       uint64     `json:"delivered"`
	Backlog         uint64     `json:"backlog"`
	OldestPendingAt *time.Time `json:"oldest_pending_at"`
}

// auditStreamTestView is the answer of POST /audit-streams/{id}/test.
type auditStreamTestView struct {
	Delivered  bool    `json:"delivered"`
	EventID    string  `json:"event_id"`
	StatusCode *int    `json:"status_code"`
	Response   string  `json:"response"`
	Error      *string `json:"error"`
}

// auditRetentionView is GET /audit-logs/retention: how long the organization's entries
// are kept and why (the plan's window, or the instance admin's setting).
type auditRetentionView struct {
	PlanType      string `json:"plan_type"`
	RetentionDays int    `json:"retention_days"`
	Source        string `json:"source"` // "plan" or "instance_admin"
	PlanDays      int    `json:"plan_days"`
	MaxDays       int    `json:"max_days"`
}

func newAuditRetentionView(o *store.Organization) auditRetentionView {
	v := auditRetentionView{PlanType: o.PlanType, RetentionDays: int(o.AuditRetentionWindow() / (24 * time.Hour)),
		Source: "plan", PlanDays: int(store.PlanAuditRetention(o.PlanType) / (24 * time.Hour)), MaxDays: store.MaxAuditRetentionDays}
	if o.AuditRetentionDays > 0 {
		v.Source = "instance_admin"
	}
	return v
}

// newAuditStreamView renders s with its backlog (b).
func newAuditStreamView(s *store.AuditStream, b store.AuditBacklog) auditStreamView {
	cfg := map[string]string{}
	for k, v := range s.Settings {
		cfg[k] = v
	}
	for k := range s.Secrets {
		cfg[k] = channelSecretMask
	}
	st := s.State
	v := auditStreamView{ID: s.ID, OrganizationID: s.OrgID, Name: s.Name, Type: s.Type, Enabled: s.Enabled,
		URL: s.DisplayURL, Config: cfg, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(),
		Status: auditStreamStatus{LastSuccessAt: utcPtr(st.LastSuccessAt), LastAttemptAt: utcPtr(st.LastAttemptAt),
			LastError: nullable(st.LastError), Failures: st.Failures, Delivered: st.Delivered,
			Backlog: b.Entries, OldestPendingAt: utcPtr(b.Oldest)}}
	if st.LastStatus != 0 {
		code := st.LastStatus
		v.Status.LastStatusCode = &code
	}
	if !st.NextAttemptAt.IsZero() && st.Failures > 0 {
		next := st.NextAttemptAt.UTC()
		v.Status.NextAttemptAt = &next
	}
	v.IntakeURL = auditstream.IntakeURL(s.Type, v.URL, s.Settings)
	return v
}
