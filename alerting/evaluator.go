package alerting

import (
	"fmt"
	"math"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// evaluate is the store.AlertEvaluator: for one recorded result it runs every rule that
// applies to the service — its own enabled rules and the org-wide ones, or else the
// organization's default rule — through the state machine of ruleStep.
//
// Internal results (egress refused, ICMP unavailable: our problem, not the service's)
// never change alert state. It must stay cheap: it runs for every result inside the
// recorder's transaction, and a steady service must cost two lookups per rule (counters,
// open alert) and write nothing (see BenchmarkRecordResultsWithRules).
func (sm *StateMachine) evaluate(tx *store.AlertTx, ev *store.ResultEvent) error {
	r := ev.Result
	if r.Internal || ev.Service == nil || ev.Service.Paused {
		return nil // a result of a service paused while its check ran changes nothing
	}
	if lateResult(ev) {
		return nil // buffered by an agent while it was cut off: history only (SPEC §8)
	}
	if err := sm.certTransition(tx, ev); err != nil { // ssl_events.go
		return err
	}
	suppressed := ev.Maintenance != nil && ev.Maintenance.SuppressAlerts
	if !suppressed {
		// Each location has its own detector: one location's outage is not another's.
		sm.massFor(ev.OrgID, r.Location).observe(ev.Service.Endpoint, r.CheckedAt, ev.ProbeStatus == store.StatusRed)
	}
	step := sm.ruleStep
	if ev.Service.MultiLocation() {
		// The store set the quorum's verdict over every location; only the counted ones
		// (online, not degraded) decide it.
		if st := ev.Service.Status; st != store.StatusMaintenance && st != store.StatusPaused {
			ev.Service.Status = ev.Service.QuorumStatus(sm.counted(ev.OrgID, r.CheckedAt))
		}
		step = sm.quorumStep
	}
	rules, err := tx.ServiceRules(ev.OrgID, ev.Service.ID)
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		org, err := tx.Org(ev.OrgID)
		if err != nil {
			return err
		}
		var def store.AlertRule
		defaultRule(&def, org, ev.Service.Name)
		return step(tx, ev, &def, suppressed)
	}
	for i := range rules {
		if err := step(tx, ev, &rules[i], suppressed); err != nil {
			return err
		}
	}
	return nil
}

// defaultRule fills r with the organization's default rule for svc (SPEC §3.9: out of the
// box critical, 2 consecutive RED, every channel, recovery notice on). It is named after
// the service so its alerts read "<service> Triggered by Check".
func defaultRule(r *store.AlertRule, org *store.Organization, serviceName string) {
	d := org.Settings.AlertDefaults
	*r = store.AlertRule{ID: store.DefaultRuleID, OrgID: org.ID, Name: serviceName, Severity: d.Severity,
		Condition: store.AlertCondition{Statuses: d.Statuses, ConsecutiveFailures: d.ConsecutiveFailures,
			ConsecutiveSuccesses: d.ConsecutiveSuccesses},
		NotifyOnRecovery: d.NotifyOnRecovery, Enabled: true}
	if len(r.Condition.Statuses) == 0 {
		r.Condition.Statuses = defaultRuleStatuses
	}
}

// Status lists used when a condition names none: a default rule alerts on RED (SPEC §3.9
// "2 consecutive RED"), a stored rule on RED and YELLOW (the rule's documented default).
var (
	defaultRuleStatuses = []string{store.StatusRed}
	ruleStatuses        = []string{store.StatusRed, store.StatusYellow}
)

// failing reports whether the result counts as a failure for rule: the probe's status is
// one of the condition's statuses (or, for the default rule, the result is over a
// response-time threshold) and, if the rule has an expression, it holds.
func (sm *StateMachine) failing(rule *store.AlertRule, ev *store.ResultEvent) bool {
	statuses := rule.Condition.Statuses
	if len(statuses) == 0 {
		statuses = ruleStatuses
	}
	// A result over a response-time threshold is a failure of the default rule whatever
	// its statuses (a warning-level YELLOW included).
	hit := followsLevel(rule) && levelOf(ev) != ""
	for _, s := range statuses {
		if s == ev.ProbeStatus || strings.EqualFold(s, ev.ProbeStatus) {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	e := sm.expr(rule.Condition.Expression)
	return e == nil || e.Eval(resultFacts(ev))
}

// resultFacts gives the expression language the result as the probe saw it.
func resultFacts(ev *store.ResultEvent) *Facts {
	r := ev.Result
	f := &Facts{Status: ev.ProbeStatus, ResponseTimeMS: r.ResponseTimeMS, StatusCode: r.StatusCode}
	if r.Certificate != nil {
		days := r.Certificate.DaysUntilExpiry
		f.SSLExpiryDays = &days
	}
	if p := r.Facts; p != nil {
		f.Body, f.DNSResolved, f.TCPConnected = p.Body, p.DNSResolved, p.TCPConnected
	}
	return f
}

// threshold returns n, or 1 when unset.
func threshold(n int) int { return max(n, 1) }

// ruleStep advances one rule's state on one result:
//
//   - a failure adds to the failure streak; at consecutive_failures it opens ONE alert,
//     and later failures only update it (failure_count, last_check_at);
//   - a pass ends the failure streak and, while an alert is open, adds to the success
//     streak; at consecutive_successes the alert resolves ("auto");
//   - a failure inside a maintenance window that suppresses alerts changes nothing, so it
//     can neither open an alert nor count towards one; passes still resolve.
//
// The counters are written only when they change, so a steady service writes nothing.
func (sm *StateMachine) ruleStep(tx *store.AlertTx, ev *store.ResultEvent, rule *store.AlertRule, suppressed bool) error {
	org, subject := ev.OrgID, ev.Service.ID
	failed := sm.failing(rule, ev)
	if failed && suppressed {
		return nil
	}
	st, err := tx.RuleState(org, rule.ID, subject)
	unreadable := err != nil
	if unreadable {
		// Only an undecodable row fails here; starting the streak afresh (and overwriting
		// it) beats failing every later recorder batch on it.
		sm.log.Warn("alert rule counters unreadable; reset", "org_id", org, "rule_id", rule.ID, "subject", subject, "error", err)
		st = store.RuleState{}
	}
	open, err := tx.OpenAlert(org, rule.ID, subject)
	if err != nil {
		return err
	}
	next := st
	switch {
	case failed:
		next = store.RuleState{Failures: min(st.Failures+1, math.MaxInt32)}
		if open != nil {
			err = sm.stillFailing(tx, ev, rule, open)
		} else if next.Failures >= threshold(rule.Condition.ConsecutiveFailures) {
			err = sm.open(tx, ev, rule, next.Failures)
		}
	case open != nil:
		next = store.RuleState{Successes: st.Successes + 1}
		if next.Successes >= threshold(rule.Condition.ConsecutiveSuccesses) {
			next = store.RuleState{}
			err = sm.recovered(tx, ev, rule, open)
		}
	default:
		next = store.RuleState{}
	}
	if err != nil {
		return fmt.Errorf("alerting: rule %s on %s: %w", rule.ID, subject, err)
	}
	if next != st || unreadable {
		return tx.PutRuleState(org, rule.ID, subject, next)
	}
	return nil
}
