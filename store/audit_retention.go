package store

import "time"

// Audit-log retention per plan (docs: audit logs; SPEC §3.17 keeps 90 days when nothing
// else says): the janitor prunes an organization's entries older than its window.
const (
	day = 24 * time.Hour
	// MaxAuditRetentionDays is the longest window the instance admin may give an
	// organization (seven years, the span compliance regimes ask for).
	MaxAuditRetentionDays = 7 * 365
)

// planAuditRetention is each plan's window. Plan names are the API's (SPEC §2.2); the
// store keeps this table because the janitor, which prunes, lives here.
var planAuditRetention = map[string]time.Duration{
	"free":         7 * day,
	"starter":      30 * day,
	"professional": 90 * day,
	"enterprise":   365 * day,
}

// PlanAuditRetention is plan's audit-log window. An unknown plan name (a database written
// by a newer version) keeps the SPEC's default AuditRetention: pruning cannot be undone,
// so a surprise never shortens it.
func PlanAuditRetention(plan string) time.Duration {
	if d, ok := planAuditRetention[plan]; ok {
		return d
	}
	return AuditRetention
}

// AuditRetentionWindow is how long o's audit entries are kept: the instance admin's
// setting (AuditRetentionDays) when there is one, else the plan's.
func (o *Organization) AuditRetentionWindow() time.Duration {
	if o.AuditRetentionDays > 0 {
		return time.Duration(o.AuditRetentionDays) * day
	}
	return PlanAuditRetention(o.PlanType)
}
