package alerting

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// minEscalationPeriod separates the repeats of a policy whose steps all have delay 0.
const minEscalationPeriod = 5 * time.Minute

// escalationPlan is a policy's steps in level order and how often it runs again.
type escalationPlan struct {
	steps  []store.EscalationStep
	repeat int
}

// period is the length of one run of the policy (SPEC §3.12 "repeat"): step delays count
// from the start of their run, and the next run starts one gap after the last step — the
// gap between the last two steps, or the last delay for a single step, at least
// minEscalationPeriod. Steps at 0, 15 and 30 minutes repeat at 45, 60 and 75.
func (p *escalationPlan) period() time.Duration {
	last := p.delay(len(p.steps) - 1)
	gap := last
	if len(p.steps) > 1 {
		gap = last - p.delay(len(p.steps)-2)
	}
	return last + max(gap, minEscalationPeriod)
}

func (p *escalationPlan) delay(i int) time.Duration {
	return time.Duration(max(p.steps[i].DelayMinutes, 0)) * time.Minute
}

// plan loads the rule's escalation policy; nil when the rule has none, or it was deleted
// (a forced delete leaves rules pointing at nothing: no escalation, SPEC §3.12).
func plan(tx *store.AlertTx, orgID string, rule *store.AlertRule) (*escalationPlan, error) {
	if rule.EscalationPolicyID == "" {
		return nil, nil
	}
	p, err := tx.EscalationPolicy(orgID, rule.EscalationPolicyID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil || len(p.Rules) == 0 {
		return nil, err // no steps: nothing to escalate to (schedule notes it on the alert)
	}
	steps := slices.Clone(p.Rules)
	slices.SortStableFunc(steps, func(a, b store.EscalationStep) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(a.DelayMinutes, b.DelayMinutes))
	})
	return &escalationPlan{steps: steps, repeat: max(p.Repeat, 0)}, nil
}

// schedule sets the first escalation and reminder due times of an alert that just fired.
// They are persisted with the alert (and indexed in alert_due), so Run finds them after a
// restart.
func (sm *StateMachine) schedule(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule) error {
	al.NextEscalationAt, al.NextReminderAt, al.EscalationLevel, al.EscalationCycle = nil, nil, 0, 0
	p, err := plan(tx, al.OrgID, rule)
	if err != nil {
		return err
	}
	if p == nil {
		if err := noteEmptyPolicy(tx, al, rule); err != nil {
			return err
		}
	}
	if p != nil {
		t := al.FiredAt.Add(p.delay(0))
		al.NextEscalationAt = &t
	}
	if rule.ReminderIntervalMinutes > 0 {
		t := al.FiredAt.Add(time.Duration(rule.ReminderIntervalMinutes) * time.Minute)
		al.NextReminderAt = &t
	}
	return nil
}

// noteEmptyPolicy notes on an alert whose rule names an escalation policy without steps
// that the policy notifies nobody, so whoever reads the alert does not wait for it.
func noteEmptyPolicy(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule) error {
	if rule.EscalationPolicyID == "" {
		return nil
	}
	pol, err := tx.EscalationPolicy(al.OrgID, rule.EscalationPolicyID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || len(pol.Rules) > 0 {
		return err
	}
	addNote(al, "system", "Escalation policy "+strconv.Quote(pol.Name)+" has no steps: it notifies nobody.", al.FiredAt)
	return nil
}

// escalate fires every escalation step of a firing alert that is due at now, in order,
// and sets the next due time (nil after the last step of the last run). A level-1 step
// with delay 0 therefore fires in the transaction that opens the alert.
func (sm *StateMachine) escalate(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, svc *store.Service, now time.Time) error {
	p, err := plan(tx, al.OrgID, rule)
	if err != nil || p == nil {
		al.NextEscalationAt = nil
		return err
	}
	for al.Status == store.AlertFiring && al.NextEscalationAt != nil && !al.NextEscalationAt.After(now) {
		idx := al.EscalationLevel
		if idx >= len(p.steps) {
			idx = 0 // a repeat run starts again at the first step
		}
		nobody := false
		if skip, err := notifiedAtFiring(tx, al, rule, p.steps[idx], now); err != nil {
			return err
		} else if p.steps[idx].NotifyType == store.EscalateToSchedule {
			if nobody, err = sm.escalateToSchedule(tx, al, svc, p.steps[idx], idx+1 < len(p.steps), now); err != nil {
				return err
			}
		} else if !skip {
			if err := sm.escalateTo(tx, al, svc, p.steps[idx], now); err != nil {
				return err
			}
		}
		al.EscalationLevel = idx + 1
		var next time.Time
		switch {
		case idx+1 < len(p.steps):
			next = al.FiredAt.Add(time.Duration(al.EscalationCycle)*p.period() + p.delay(idx+1))
			if nobody && next.After(now) {
				next = now // nobody on call: the next step fires at once (SPEC §11)
			}
		case al.EscalationCycle < p.repeat:
			al.EscalationCycle++
			next = al.FiredAt.Add(time.Duration(al.EscalationCycle)*p.period() + p.delay(0))
		default:
			al.NextEscalationAt = nil
			return nil
		}
		al.NextEscalationAt = &next
	}
	return nil
}

// notifiedAtFiring reports whether step is an immediate channel step of the alert's first
// run that the rule's own notification has just reached in this same transaction: a
// policy whose level 1 is "the on-call channel at once", on a rule that already notifies
// that channel, would otherwise post the same alert twice. Later steps and repeat runs
// that name the channel again are deliberate re-pages and still go out.
func notifiedAtFiring(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, step store.EscalationStep, now time.Time) (bool, error) {
	if step.NotifyType != store.EscalateToChannel || al.EscalationCycle > 0 || now.After(al.FiredAt) || al.Held {
		return false, nil
	}
	targets, err := ruleTargets(tx, al.OrgID, rule, al.Severity)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(targets, func(c *store.NotificationChannel) bool { return c.ID == step.NotifyID }), nil
}

// escalateTo notifies one step's target: a channel through the outbox, a team's members
// and a user by e-mail (instance SMTP). A target that no longer exists (or a user who left
// the organization) is skipped and logged: the other steps still run.
func (sm *StateMachine) escalateTo(tx *store.AlertTx, al *store.Alert, svc *store.Service, step store.EscalationStep, now time.Time) error {
	n, err := sm.notification(tx, al, svc, eventFired, now)
	if err != nil {
		return err
	}
	n.Summary = "Escalation level " + strconv.Itoa(step.Level) + ": " + n.Summary
	switch step.NotifyType {
	case store.EscalateToChannel:
		chs, err := tx.Channels(al.OrgID)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(chs, func(c store.NotificationChannel) bool { return c.ID == step.NotifyID }); i >= 0 && chs[i].Enabled {
			return sm.enqueueNotification(tx, al.OrgID, store.OutboxKindChannel, step.NotifyID, n)
		}
	case store.EscalateToTeam, store.EscalateToUser:
		users := []string{step.NotifyID}
		if step.NotifyType == store.EscalateToTeam {
			if users, err = tx.TeamMemberIDs(al.OrgID, step.NotifyID); errors.Is(err, store.ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
		}
		sent := 0
		for _, id := range users {
			addr, err := tx.MemberEmail(al.OrgID, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			copyN := *n
			if err := sm.enqueueNotification(tx, al.OrgID, store.OutboxKindEmail, addr, &copyN); err != nil {
				return err
			}
			sent++
		}
		if sent > 0 {
			return nil
		}
	}
	sm.log.Warn("escalation target not found; step skipped", "org_id", al.OrgID, "alert_id", al.ID,
		"level", step.Level, "notify_type", step.NotifyType, "notify_id", step.NotifyID)
	return nil
}

// remind queues a reminder to the rule's channels when one is due and the alert is still
// firing (not acknowledged), and moves the next reminder past now.
func (sm *StateMachine) remind(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, svc *store.Service, now time.Time) error {
	if al.NextReminderAt == nil || al.NextReminderAt.After(now) || al.Status != store.AlertFiring {
		return nil
	}
	every := time.Duration(rule.ReminderIntervalMinutes) * time.Minute
	if every <= 0 {
		al.NextReminderAt = nil
		return nil
	}
	if err := sm.notifyRule(tx, al, rule, svc, eventReminder, now); err != nil {
		return err
	}
	next := *al.NextReminderAt
	for !next.After(now) {
		next = next.Add(every)
	}
	al.NextReminderAt = &next
	return nil
}

// advance is Run's work on one due alert, inside its write transaction: an alert that is
// no longer firing (or is held, or whose rule is gone) just loses its due times.
func (sm *StateMachine) advance(tx *store.AlertTx, al *store.Alert, now time.Time) error {
	rule, svc, err := sm.ruleOf(tx, al)
	if err != nil {
		return err
	}
	if rule == nil || al.Status != store.AlertFiring || al.Held {
		al.NextEscalationAt, al.NextReminderAt = nil, nil
		return nil
	}
	if err := sm.escalate(tx, al, rule, svc, now); err != nil {
		return err
	}
	return sm.remind(tx, al, rule, svc, now)
}

// ruleOf returns the rule of al (the default rule built from the organization's settings
// for DefaultRuleID; nil when the rule is gone) and its service (nil when gone).
func (sm *StateMachine) ruleOf(tx *store.AlertTx, al *store.Alert) (*store.AlertRule, *store.Service, error) {
	svc, err := tx.Service(al.OrgID, al.ServiceID)
	if errors.Is(err, store.ErrNotFound) || al.ServiceID == "" {
		svc, err = nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	if al.AlertRuleID == store.DefaultRuleID {
		org, err := tx.Org(al.OrgID)
		if err != nil {
			return nil, nil, err
		}
		var r store.AlertRule
		defaultRule(&r, org, al.ServiceName)
		return &r, svc, nil
	}
	rule, err := tx.Rule(al.OrgID, al.AlertRuleID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, svc, nil
	}
	return rule, svc, err
}
