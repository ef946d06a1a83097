package alerting

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Evaluation of a service checked from several locations (SPEC §8). Each rule keeps its
// failure and success streaks per location (subject "<service>@<location>"): a location
// is failing for the rule once its failure streak reaches consecutive_failures and stops
// once, failing, it passes consecutive_successes times in a row. The rule's one alert on
// the service opens when at least location_quorum counted locations are failing and
// resolves when fewer are, on a passing result. A location is counted while it is online
// (an agent heard from within 30 s; LocationBoard) and not degraded (its own mass-failure
// detector quiet): a probe's own outage never pages for the services it watches. The
// alert carries the failing locations (failing_regions). A service of one location goes
// through ruleStep, as it always did.

// locationSubject is the rule-state subject of one location's streaks on a service.
func locationSubject(serviceID, location string) string { return serviceID + "@" + location }

// locationStep advances one location's streaks on a result: failures count up (and a
// pass streak restarts); a pass while failing counts towards recovery, and at successes
// the location is well again; a pass while well leaves it at zero.
func locationStep(st store.RuleState, failed bool, failures, successes int) store.RuleState {
	switch {
	case failed:
		return store.RuleState{Failures: min(st.Failures+1, math.MaxInt32)}
	case st.Failures >= failures:
		if st.Successes+1 >= successes {
			return store.RuleState{}
		}
		return store.RuleState{Failures: st.Failures, Successes: st.Successes + 1}
	}
	return store.RuleState{}
}

// counted returns whether a location of organization orgID counts towards quorums for a
// result checked at at: online and not degraded.
func (sm *StateMachine) counted(orgID string, at time.Time) func(name string) bool {
	return func(name string) bool {
		return !sm.cfg.Locations.Offline(orgID, name) && !sm.massFor(orgID, name).active(at)
	}
}

// quorumStep is ruleStep for a service of several locations (see above).
func (sm *StateMachine) quorumStep(tx *store.AlertTx, ev *store.ResultEvent, rule *store.AlertRule, suppressed bool) error {
	org, svc, loc := ev.OrgID, ev.Service, ev.Result.Location
	failed := sm.failing(rule, ev)
	if failed && suppressed {
		return nil
	}
	failures, successes := threshold(rule.Condition.ConsecutiveFailures), threshold(rule.Condition.ConsecutiveSuccesses)
	subject := locationSubject(svc.ID, loc)
	st, err := tx.RuleState(org, rule.ID, subject)
	unreadable := err != nil
	if unreadable {
		sm.log.Warn("alert rule counters unreadable; reset", "org_id", org, "rule_id", rule.ID, "subject", subject, "error", err)
		st = store.RuleState{}
	}
	next := locationStep(st, failed, failures, successes)
	if next != st || unreadable {
		if err := tx.PutRuleState(org, rule.ID, subject, next); err != nil {
			return err
		}
	}
	counted := sm.counted(org, ev.Result.CheckedAt)
	if !counted(loc) {
		return nil // an offline or degraded location's results neither open nor resolve
	}
	var regions []string
	for _, name := range svc.Locations {
		if !counted(name) {
			continue
		}
		s := next
		if name != loc {
			if s, err = tx.RuleState(org, rule.ID, locationSubject(svc.ID, name)); err != nil {
				s = store.RuleState{} // unreadable: reset when that location next reports
			}
		}
		if s.Failures >= failures {
			regions = append(regions, name)
		}
	}
	open, err := tx.OpenAlert(org, rule.ID, svc.ID)
	if err != nil {
		return err
	}
	ev.FailingRegions = regions
	atQuorum := len(regions) >= svc.Quorum()
	switch {
	case atQuorum && open == nil:
		err = sm.open(tx, ev, rule, next.Failures)
	case atQuorum && failed:
		err = sm.stillFailing(tx, ev, rule, open)
	case atQuorum:
		// A passing location while the quorum still fails: only the list may change.
		if !slices.Equal(open.FailingRegions, regions) {
			open.FailingRegions = regions
			err = tx.PutAlert(open)
		}
	case open != nil && !failed:
		err = sm.recovered(tx, ev, rule, open)
	}
	if err != nil {
		return fmt.Errorf("alerting: rule %s on %s: %w", rule.ID, svc.ID, err)
	}
	return nil
}

// lateResult reports whether an agent's result reached the server more than two of its
// service's intervals after the check (buffered while the agent was cut off): it is
// history, and never opens or resolves an alert (SPEC §8).
func lateResult(ev *store.ResultEvent) bool {
	r := ev.Result
	if r.ReceivedAt.IsZero() {
		return false
	}
	interval := time.Duration(ev.Service.CheckIntervalSeconds) * time.Second
	if interval <= 0 {
		interval = time.Minute
	}
	return r.ReceivedAt.Sub(r.CheckedAt) > 2*interval
}
