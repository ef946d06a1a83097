package alerting

import "github.com/alertifypro/alertifypro/store"

// Alert severities (SPEC §3.9), lowest first.
const (
	severityInfo     = "info"
	severityWarning  = "warning"
	severityCritical = "critical"
)

// severityRank orders severities: info < warning < critical (an unknown one ranks lowest).
func severityRank(s string) int {
	switch s {
	case severityCritical:
		return 3
	case severityWarning:
		return 2
	case severityInfo:
		return 1
	}
	return 0
}

// resultLevel is the severity a result earns by its service's response-time thresholds
// (SPEC §3.6 response_time_warning / response_time_critical): "critical" for a RED result
// slower than the critical threshold, "warning" for a YELLOW one slower than the warning
// threshold, "" for every other result. The probe graded the result by the same whole
// milliseconds (monitor.gradeResponseTime), so the two agree; a YELLOW certificate warning
// of a fast check, or a RED refusal, has no level.
func resultLevel(svc *store.Service, probeStatus string, responseTimeMS int) string {
	switch {
	case svc == nil:
	case probeStatus == store.StatusRed && svc.ResponseTimeCriticalMS > 0 && responseTimeMS > svc.ResponseTimeCriticalMS:
		return severityCritical
	case probeStatus == store.StatusYellow && svc.ResponseTimeWarningMS > 0 && responseTimeMS > svc.ResponseTimeWarningMS:
		return severityWarning
	}
	return ""
}

// levelOf is resultLevel of the event's result.
func levelOf(ev *store.ResultEvent) string {
	return resultLevel(ev.Service, ev.ProbeStatus, ev.Result.ResponseTimeMS)
}

// followsLevel reports whether rule takes its alerts' severity, and its failures, from the
// results' levels: the default rule does (SPEC §3.9: the default rule follows the
// thresholds — a warning-level result is a failure with severity warning, a critical one
// critical). A rule someone wrote keeps the statuses and the severity it names.
func followsLevel(rule *store.AlertRule) bool { return rule.ID == store.DefaultRuleID }

// alertSeverity is the severity an alert of rule gets (or rises to) on the event's result:
// the result's level for the default rule, when it has one; the rule's own otherwise.
func alertSeverity(rule *store.AlertRule, ev *store.ResultEvent) string {
	if followsLevel(rule) {
		if level := levelOf(ev); level != "" {
			return level
		}
	}
	return severityOf(rule)
}
