package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// Bounds of an alert rule (SPEC §3.9).
const (
	maxReminderMinutes = 7 * 24 * 60
	maxRuleChannels    = 100
)

// alertRuleRequest is the body of POST and PUT /alert-rules. On PUT absent fields keep
// their value; condition, when sent, is replaced as a whole ({} = the defaults), and
// channel_ids replaces the list. service_id, heartbeat_id and escalation_policy_id may be
// null (or "") to clear them.
type alertRuleRequest struct {
	Name                     *string           `json:"name"`
	Severity                 *string           `json:"severity"`
	ServiceID                optionalID        `json:"service_id"`
	HeartbeatID              optionalID        `json:"heartbeat_id"`
	Condition                *conditionRequest `json:"condition"`
	ChannelIDs               *[]string         `json:"channel_ids"`
	EscalationPolicyID       optionalID        `json:"escalation_policy_id"`
	NotifyOnRecovery         *bool             `json:"notify_on_recovery"`
	ReminderIntervalMinutes  *int              `json:"reminder_interval_minutes"`
	Enabled                  *bool             `json:"enabled"`
	CreateStatusPageIncident optionalID        `json:"create_status_page_incident"` // object or null (alert_rules_incident.go)

	// The documentation's form (alert_rules_documented.go): consecutive_failures beside the
	// condition, notify for channel_ids.
	ConsecutiveFailures *int      `json:"consecutive_failures"`
	Notify              *[]string `json:"notify"`
}

// conditionRequest is the rule's condition; absent keys take the SPEC §3.9 defaults.
type conditionRequest struct {
	Statuses             []string `json:"statuses"`
	ConsecutiveFailures  *int     `json:"consecutive_failures"`
	ConsecutiveSuccesses *int     `json:"consecutive_successes"`
	Expression           *string  `json:"expression"`

	// text is the documentation's condition string ("status == RED"), when given instead
	// of the object.
	text *string
}

// optionalID is a reference that may be absent (keep), null or "" (clear) or an ID. The
// raw value is kept so a wrong JSON type is a field error of apply, not a decode failure.
type optionalID struct {
	set bool
	raw json.RawMessage
}

// UnmarshalJSON is called only when the key is present (also for null).
func (o *optionalID) UnmarshalJSON(b []byte) error {
	o.set, o.raw = true, append(json.RawMessage(nil), b...)
	return nil
}

// value returns the ID ("" for null) or ok=false when the value is not a string or null.
func (o optionalID) value() (string, bool) {
	if bytes.Equal(bytes.TrimSpace(o.raw), []byte("null")) {
		return "", true
	}
	var s string
	if err := json.Unmarshal(o.raw, &s); err != nil {
		return "", false
	}
	return strings.TrimSpace(s), true
}

// found turns a store lookup into "exists": ErrNotFound is false, other errors are errors.
// It takes the lookup's two results as they come: found(db.Service(orgID, id)).
func found(_ any, err error) (bool, error) {
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ruleRefs looks up the objects a rule may name, in the active organization only; each
// returns false for an unknown ID and an error only when the store fails.
type ruleRefs struct {
	service, heartbeat, channel, policy func(id string) (bool, error)
	// page loads a status page of the organization (create_status_page_incident).
	page func(id string) (*store.StatusPage, error)
	// channelNamed answers the ID of the channel with that ID or name ("": none), for
	// the documented notify list.
	channelNamed func(ref string) (string, error)
}

// newRuleRefs builds the lookups over organization orgID.
func newRuleRefs(db *store.DB, orgID string) ruleRefs {
	return ruleRefs{
		service:   func(id string) (bool, error) { return found(db.Service(orgID, id)) },
		heartbeat: func(id string) (bool, error) { return found(db.Heartbeat(orgID, id)) },
		channel:   func(id string) (bool, error) { return found(db.Channel(orgID, id)) },
		policy:    func(id string) (bool, error) { return found(db.EscalationPolicy(orgID, id)) },
		page:      func(id string) (*store.StatusPage, error) { return db.StatusPage(orgID, id) },
		channelNamed: func(ref string) (string, error) {
			chs, err := db.Channels(orgID)
			if err != nil {
				return "", err
			}
			for _, byName := range []bool{false, true} {
				for _, ch := range chs {
					if !byName && ch.ID == ref || byName && strings.EqualFold(ch.Name, ref) {
						return ch.ID, nil
					}
				}
			}
			return "", nil
		},
	}
}

// keeping accepts the references rule already holds without looking them up again, so a
// client can PUT back the object it read even after a referenced policy was deleted with
// ?force=true (alerting treats such a reference as "none"); new references are checked.
func (r ruleRefs) keeping(rule *store.AlertRule) ruleRefs {
	keep := func(look func(string) (bool, error), has func(string) bool) func(string) (bool, error) {
		return func(id string) (bool, error) {
			if has(id) {
				return true, nil
			}
			return look(id)
		}
	}
	is := func(cur string) func(string) bool { return func(id string) bool { return id == cur } }
	return ruleRefs{service: keep(r.service, is(rule.ServiceID)), heartbeat: keep(r.heartbeat, is(rule.HeartbeatID)),
		policy:  keep(r.policy, is(rule.EscalationPolicyID)),
		channel: keep(r.channel, func(id string) bool { return slices.Contains(rule.ChannelIDs, id) }), page: r.page,
		channelNamed: r.channelNamed}
}

// apply validates the request and writes it onto rule (a new rule with its defaults on
// POST). Every problem is collected into one 422; an expression error also carries its
// byte position: details {"field": "condition.expression", "position": <byte offset>}.
func (r *alertRuleRequest) apply(rule *store.AlertRule, create bool, refs ruleRefs) error {
	f := fieldErrors{}
	if r.Name != nil || create {
		rule.Name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	if r.Severity != nil {
		rule.Severity = strings.ToLower(strings.TrimSpace(*r.Severity))
		if !slices.Contains(alertSeverities, rule.Severity) {
			f.add("severity", "must be one of "+strings.Join(alertSeverities, ", "))
		}
	}
	links := []struct {
		field string
		in    optionalID
		dst   *string
		look  func(string) (bool, error)
		what  string
	}{
		{"service_id", r.ServiceID, &rule.ServiceID, refs.service, "no such service"},
		{"heartbeat_id", r.HeartbeatID, &rule.HeartbeatID, refs.heartbeat, "no such heartbeat"},
		{"escalation_policy_id", r.EscalationPolicyID, &rule.EscalationPolicyID, refs.policy, "no such escalation policy"},
	}
	for _, ref := range links {
		if !ref.in.set {
			continue
		}
		id, ok := ref.in.value()
		switch {
		case !ok:
			f.add(ref.field, "must be an ID string or null")
		case id == "":
			*ref.dst = ""
		default:
			exists, err := ref.look(id)
			if err != nil {
				return err
			}
			if !exists {
				f.add(ref.field, ref.what)
			}
			*ref.dst = id
		}
	}
	if rule.ServiceID != "" && rule.HeartbeatID != "" {
		f.add("heartbeat_id", "a rule watches either a service or a heartbeat, not both")
	}
	if refs.channelNamed != nil {
		if err := r.applyDocumented(f, refs.channelNamed); err != nil {
			return err
		}
	}
	if r.ChannelIDs != nil {
		ids, err := validateChannelIDs(f, *r.ChannelIDs, refs.channel)
		if err != nil {
			return err
		}
		rule.ChannelIDs = ids
	}
	if r.NotifyOnRecovery != nil {
		rule.NotifyOnRecovery = *r.NotifyOnRecovery
	}
	if r.ReminderIntervalMinutes != nil {
		if m := *r.ReminderIntervalMinutes; m < 0 || m > maxReminderMinutes {
			f.add("reminder_interval_minutes", "must be from 0 (off) to "+strconv.Itoa(maxReminderMinutes))
		}
		rule.ReminderIntervalMinutes = *r.ReminderIntervalMinutes
	}
	if r.Enabled != nil {
		rule.Enabled = *r.Enabled
	}
	if r.CreateStatusPageIncident.set {
		if err := applyIncidentTemplate(f, r.CreateStatusPageIncident, rule, refs.page); err != nil {
			return err
		}
	}
	var exprErr *alerting.ParseError
	if r.Condition != nil || create {
		rule.Condition, exprErr = r.Condition.validate(f)
	}
	r.applyConsecutive(f, &rule.Condition)
	if len(f) == 0 {
		return nil
	}
	e := errValidation(f)
	if exprErr != nil {
		field := "condition.expression"
		if r.Condition != nil && r.Condition.text != nil {
			field = "condition"
		}
		e.Details = map[string]any{"field": field, "position": exprErr.Pos}
	}
	return e
}

// validateChannelIDs checks that every ID is a channel of the organization, dropping
// duplicates; an empty list means every enabled channel of the organization.
func validateChannelIDs(f fieldErrors, ids []string, exists func(string) (bool, error)) ([]string, error) {
	if len(ids) > maxRuleChannels {
		f.add("channel_ids", "must list at most "+strconv.Itoa(maxRuleChannels)+" channels")
		return nil, nil
	}
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		id = strings.TrimSpace(id)
		if slices.Contains(out, id) {
			continue
		}
		ok, err := exists(id)
		if err != nil {
			return nil, err
		}
		if !ok {
			f.add("channel_ids["+strconv.Itoa(i)+"]", "no such notification channel")
		}
		out = append(out, id)
	}
	return out, nil
}

// validate returns the condition with its defaults filled (a nil request is {}), the
// statuses upper-cased and the expression in canonical form. A parse error is also
// returned so apply can report its position.
func (c *conditionRequest) validate(f fieldErrors) (store.AlertCondition, *alerting.ParseError) {
	if c != nil && c.text != nil {
		return c.validateText(f)
	}
	out := store.AlertCondition{Statuses: []string{"RED", "YELLOW"}, ConsecutiveFailures: 1, ConsecutiveSuccesses: 1}
	if c == nil {
		return out, nil
	}
	if c.Statuses != nil {
		out.Statuses = []string{}
		for _, s := range c.Statuses {
			s = strings.ToUpper(strings.TrimSpace(s))
			if !slices.Contains(alertStatuses, s) {
				f.add("condition.statuses", "may hold only "+strings.Join(alertStatuses, " and "))
			} else if !slices.Contains(out.Statuses, s) {
				out.Statuses = append(out.Statuses, s)
			}
		}
		if len(out.Statuses) == 0 {
			f.add("condition.statuses", "must name at least one of "+strings.Join(alertStatuses, ", "))
		}
	}
	for name, v := range map[string]struct {
		in  *int
		dst *int
	}{"consecutive_failures": {c.ConsecutiveFailures, &out.ConsecutiveFailures},
		"consecutive_successes": {c.ConsecutiveSuccesses, &out.ConsecutiveSuccesses}} {
		if v.in == nil {
			continue
		}
		if *v.in < minConsecutive || *v.in > maxConsecutive {
			f.add("condition."+name, consecutiveProblem)
		}
		*v.dst = *v.in
	}
	if c.Expression == nil || strings.TrimSpace(*c.Expression) == "" {
		return out, nil
	}
	expr, err := alerting.Parse(*c.Expression)
	if err != nil {
		var pe *alerting.ParseError
		if !errors.As(err, &pe) {
			pe = &alerting.ParseError{Msg: err.Error()}
		}
		f.add("condition.expression", pe.Error())
		return out, pe
	}
	out.Expression = expr.String()
	return out, nil
}
