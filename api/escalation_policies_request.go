package api

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// Bounds of an escalation policy (SPEC §3.12). A week of delay and ten repeats are far
// beyond any sensible paging plan; fifty levels bound the work of one escalation tick.
const (
	maxEscalationRepeat = 10
	maxEscalationLevels = 50
	maxEscalationDelay  = 7 * 24 * 60 // minutes
)

// escalationPolicyRequest is the body of POST and PUT. On PUT absent fields keep their
// value; rules, when sent, replace the whole list.
type escalationPolicyRequest struct {
	Name        *string                  `json:"name"`
	Description *string                  `json:"description"`
	Repeat      *int                     `json:"repeat"`
	Rules       *[]escalationStepRequest `json:"rules"`
}

// escalationStepRequest is one level. An absent level takes the step's position (1-based),
// so a client may simply list the steps in order.
type escalationStepRequest struct {
	Level        *int   `json:"level"`
	DelayMinutes int    `json:"delay_minutes"`
	NotifyType   string `json:"notify_type"`
	NotifyID     string `json:"notify_id"`
}

// targetExists reports whether an escalation target of the given kind exists in the
// active organization; errors other than "not found" are returned.
type targetExists func(kind, id string) (bool, error)

// escalationTargets looks targets up in organization orgID only, so a policy can never
// name another organization's channel, team or member.
func escalationTargets(db *store.DB, orgID string) targetExists {
	return func(kind, id string) (bool, error) {
		switch kind {
		case store.EscalateToChannel:
			return found(db.Channel(orgID, id))
		case store.EscalateToTeam:
			return found(db.Team(orgID, id))
		case store.EscalateToUser:
			return found(db.Membership(orgID, id))
		case store.EscalateToSchedule:
			return found(db.OnCallSchedule(orgID, id))
		default:
			return false, nil
		}
	}
}

// apply validates the request and writes it onto p; create requires a name. A policy
// may have no steps (as documented: a placeholder to fill in later); it then notifies
// nobody, and its view and the alerts of its rules say so.
// Field keys of step problems carry the step's index in the request, e.g.
// "rules[1].notify_id", so a client can point at the offending row.
func (r *escalationPolicyRequest) apply(p *store.EscalationPolicy, create bool, exists targetExists) error {
	f := fieldErrors{}
	if r.Name != nil || create {
		p.Name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	if r.Description != nil {
		p.Description = f.text("description", *r.Description, false, maxDescriptionLen)
	}
	if r.Repeat != nil {
		if *r.Repeat < 0 || *r.Repeat > maxEscalationRepeat {
			f.add("repeat", fmt.Sprintf("must be from 0 to %d", maxEscalationRepeat))
		}
		p.Repeat = *r.Repeat
	}
	if r.Rules != nil || create {
		var steps []escalationStepRequest
		if r.Rules != nil {
			steps = *r.Rules
		}
		rules, err := validateEscalationSteps(f, steps, exists)
		if err != nil {
			return err
		}
		p.Rules = rules
	}
	return f.err()
}

// validateEscalationSteps checks every step and returns them ordered by level. Levels
// must be exactly 1..n (each once) and delays must not decrease from one level to the
// next, since every delay counts from when the alert fired.
func validateEscalationSteps(f fieldErrors, steps []escalationStepRequest, exists targetExists) ([]store.EscalationStep, error) {
	switch {
	case len(steps) == 0:
		return []store.EscalationStep{}, nil
	case len(steps) > maxEscalationLevels:
		f.add("rules", "must list at most "+strconv.Itoa(maxEscalationLevels)+" steps")
		return nil, nil
	}
	out := make([]store.EscalationStep, len(steps))
	index := make(map[int]int, len(steps)) // level → request index
	for i, s := range steps {
		key := func(field string) string { return "rules[" + strconv.Itoa(i) + "]." + field }
		level := i + 1
		if s.Level != nil {
			level = *s.Level
		}
		if level < 1 || level > len(steps) {
			f.add(key("level"), fmt.Sprintf("must be from 1 to %d (one step per level)", len(steps)))
		} else if j, dup := index[level]; dup {
			f.add(key("level"), fmt.Sprintf("level %d is also used by rules[%d]", level, j))
		} else {
			index[level] = i
		}
		if s.DelayMinutes < 0 || s.DelayMinutes > maxEscalationDelay {
			f.add(key("delay_minutes"), fmt.Sprintf("must be from 0 to %d (7 days)", maxEscalationDelay))
		}
		kind := strings.ToLower(strings.TrimSpace(s.NotifyType))
		id := strings.TrimSpace(s.NotifyID)
		switch {
		case kind != store.EscalateToChannel && kind != store.EscalateToTeam && kind != store.EscalateToUser && kind != store.EscalateToSchedule:
			f.add(key("notify_type"), "must be channel, team, user or schedule")
		case id == "":
			f.add(key("notify_id"), "is required")
		default:
			ok, err := exists(kind, id)
			if err != nil {
				return nil, err
			}
			if !ok {
				f.add(key("notify_id"), "no such "+kind+" in this organization")
			}
		}
		out[i] = store.EscalationStep{Level: level, DelayMinutes: s.DelayMinutes, NotifyType: kind, NotifyID: id}
	}
	if len(index) != len(steps) {
		return out, nil // level problems are reported; the order check needs every level
	}
	slices.SortFunc(out, func(a, b store.EscalationStep) int { return a.Level - b.Level })
	for k := 1; k < len(out); k++ {
		if out[k].DelayMinutes < out[k-1].DelayMinutes {
			f.add("rules["+strconv.Itoa(index[out[k].Level])+"].delay_minutes",
				fmt.Sprintf("must be at least level %d's delay (%d); delays count from when the alert fired", out[k-1].Level, out[k-1].DelayMinutes))
		}
	}
	return out, nil
}
