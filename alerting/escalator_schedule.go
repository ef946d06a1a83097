package alerting

import (
	"errors"
	"strconv"
	"time"

	"github.com/alertifypro/alertifypro/oncall"
	"github.com/alertifypro/alertifypro/store"
)

// escalateToSchedule pages whoever is on call in the step's schedule at now (SPEC §11): by
// e-mail and by each of their personal contact methods, all through the outbox in this
// transaction. It returns nobody = true when nobody is (the schedule has a gap, is gone, or
// the person on call has left the organization); the caller then falls through to the next
// step. Either way the alert's notes say what happened, so its timeline shows who was paged.
func (sm *StateMachine) escalateToSchedule(tx *store.AlertTx, al *store.Alert, svc *store.Service, step store.EscalationStep, hasNext bool, now time.Time) (nobody bool, err error) {
	level := "Escalation level " + strconv.Itoa(step.Level) + ": "
	fallThrough := func(why string) (bool, error) {
		if hasNext {
			why += "; falling through to the next step."
		} else {
			why += "; there is no further step."
		}
		addNote(al, "system", level+why, now)
		return true, nil
	}
	s, err := tx.OnCallSchedule(al.OrgID, step.NotifyID)
	if errors.Is(err, store.ErrNotFound) {
		return fallThrough("the on-call schedule it pages no longer exists")
	} else if err != nil {
		return false, err
	}
	eng, err := oncall.Compile(s)
	if err != nil {
		sm.log.Error("on-call schedule does not compile", "org_id", al.OrgID, "schedule_id", s.ID, "error", err)
		return fallThrough("on-call schedule " + strconv.Quote(s.Name) + " could not be read")
	}
	userID, _, _ := eng.Who(now)
	if userID == "" {
		return fallThrough("nobody is on call in schedule " + strconv.Quote(s.Name))
	}
	addr, err := tx.MemberEmail(al.OrgID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return fallThrough("the person on call in schedule " + strconv.Quote(s.Name) + " is no longer a member")
	} else if err != nil {
		return false, err
	}
	n, err := sm.notification(tx, al, svc, eventFired, now)
	if err != nil {
		return false, err
	}
	n.Summary = "Escalation level " + strconv.Itoa(step.Level) + " (on call in " + s.Name + "): " + n.Summary
	mail := *n
	if err := sm.enqueueNotification(tx, al.OrgID, store.OutboxKindEmail, addr, &mail); err != nil {
		return false, err
	}
	methods, err := tx.ContactMethods(al.OrgID, userID)
	if err != nil {
		return false, err
	}
	for _, m := range methods {
		copyN := *n
		if err := sm.enqueueNotification(tx, al.OrgID, store.OutboxKindContact, store.ContactTarget(userID, m.ID), &copyN); err != nil {
			return false, err
		}
	}
	name, err := tx.MemberName(al.OrgID, userID)
	if err != nil {
		return false, err
	}
	addNote(al, "system", level+"paged "+name+", on call in schedule "+strconv.Quote(s.Name)+
		" (e-mail and "+strconv.Itoa(len(methods))+" contact method(s)).", now)
	return false, nil
}
