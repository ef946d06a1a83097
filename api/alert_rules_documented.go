package api

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// The documentation writes an alert rule as {condition: "status == RED",
// consecutive_failures: 3, notify: [...]}; the API accepts that form beside its own and
// stores it in ours (SPEC §12): a condition that only names statuses becomes statuses,
// anything else our expression; consecutive_failures goes into the condition; notify lists
// channels by ID or name and becomes channel_ids. Problems name the documented field.

// UnmarshalJSON reads the condition object, or the documentation's condition string.
func (c *conditionRequest) UnmarshalJSON(b []byte) error {
	var text string
	if json.Unmarshal(b, &text) == nil {
		c.text = &text
		return nil
	}
	type plain conditionRequest // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*c = conditionRequest(p)
	return nil
}

// statusTerm is one "status == RED" (or !=) of a condition string; the status may be
// quoted and in any case.
var statusTerm = regexp.MustCompile(`^\s*status\s*(==|!=)\s*"?([A-Za-z]+)"?\s*$`)

// bareStatus finds an unquoted status word compared with status, which our expression
// language writes as a string ("RED").
var bareStatus = regexp.MustCompile(`(\bstatus\s*(?:==|!=)\s*)([A-Za-z]+)\b`)

// validateText turns the documentation's condition string into our condition. A string
// made only of status terms joined by || chooses the statuses (status != GREEN is RED and
// YELLOW); anything else is our expression, with bare status words quoted, over the
// default statuses.
func (c *conditionRequest) validateText(f fieldErrors) (store.AlertCondition, *alerting.ParseError) {
	out := store.AlertCondition{Statuses: []string{"RED", "YELLOW"}, ConsecutiveFailures: 1, ConsecutiveSuccesses: 1}
	src := strings.TrimSpace(*c.text)
	if src == "" {
		return out, nil
	}
	if statuses, ok := statusesOf(src); ok {
		if len(statuses) == 0 {
			f.add("condition", "must name RED or YELLOW: a rule counts failing checks")
		} else {
			out.Statuses = statuses
		}
		return out, nil
	}
	expr, err := alerting.Parse(bareStatus.ReplaceAllStringFunc(src, func(m string) string {
		sub := bareStatus.FindStringSubmatch(m)
		return sub[1] + strconv.Quote(strings.ToUpper(sub[2]))
	}))
	if err != nil {
		pe, ok := err.(*alerting.ParseError)
		if !ok {
			pe = &alerting.ParseError{Msg: err.Error()}
		}
		f.add("condition", pe.Error())
		return out, pe
	}
	out.Expression = expr.String()
	return out, nil
}

// statusesOf reads src as status terms joined by ||; ok is false when it is anything else.
func statusesOf(src string) (statuses []string, ok bool) {
	statuses = []string{}
	for _, term := range strings.Split(src, "||") {
		m := statusTerm.FindStringSubmatch(term)
		if m == nil {
			return nil, false
		}
		named := strings.ToUpper(m[2])
		if !slices.Contains([]string{"RED", "YELLOW", "GREEN"}, named) {
			return nil, false // let the expression parser say what is wrong
		}
		for _, s := range alertStatuses {
			if (m[1] == "==") == (s == named) && !slices.Contains(statuses, s) {
				statuses = append(statuses, s)
			}
		}
	}
	return statuses, true
}

// applyDocumented folds the documented top-level fields into the request: notify into
// channel_ids, resolved by ID or by name through channelNamed.
func (r *alertRuleRequest) applyDocumented(f fieldErrors, channelNamed func(string) (string, error)) error {
	if r.Notify == nil {
		return nil
	}
	if r.ChannelIDs != nil {
		f.add("notify", "is the same as channel_ids: give one of them")
		return nil
	}
	ids := make([]string, 0, len(*r.Notify))
	for i, ref := range *r.Notify {
		id, err := channelNamed(strings.TrimSpace(ref))
		if err != nil {
			return err
		}
		if id == "" {
			f.add("notify["+strconv.Itoa(i)+"]", "no notification channel has that ID or name")
			continue
		}
		ids = append(ids, id)
	}
	r.ChannelIDs = &ids
	return nil
}

// applyConsecutive sets the documented top-level consecutive_failures on cond.
func (r *alertRuleRequest) applyConsecutive(f fieldErrors, cond *store.AlertCondition) {
	if r.ConsecutiveFailures == nil {
		return
	}
	if r.Condition != nil && r.Condition.ConsecutiveFailures != nil {
		f.add("consecutive_failures", "is given in condition too: give one of them")
		return
	}
	if n := *r.ConsecutiveFailures; n < minConsecutive || n > maxConsecutive {
		f.add("consecutive_failures", consecutiveProblem)
		return
	}
	cond.ConsecutiveFailures = *r.ConsecutiveFailures
}
