package api

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// byName indexes a list by name key; a key several objects share maps to -1 (an element
// naming it is ambiguous).
func byName[T any](list []T, name func(*T) string) map[string]int {
	out := make(map[string]int, len(list))
	for i := range list {
		k := namekey(name(&list[i]))
		if _, dup := out[k]; dup {
			out[k] = -1
		} else {
			out[k] = i
		}
	}
	return out
}

// byNameKey indexes objects whose names are unique in the organization (services,
// channels) by name key, and records their IDs under the same key in ids, through which
// the document's references resolve.
func byNameKey[T any](list []T, nameID func(*T) (string, string), ids map[string]string) map[string]*T {
	out := make(map[string]*T, len(list))
	for i := range list {
		name, id := nameID(&list[i])
		out[namekey(name)], ids[namekey(name)] = &list[i], id
	}
	return out
}

// loadPeople indexes the organization's teams by name and members by e-mail: escalation
// steps may name them, though import neither creates nor changes them.
func (p *importPlan) loadPeople() error {
	p.teams, p.users = map[string]string{}, map[string]string{}
	for i := range p.st.teams {
		p.teams[namekey(p.st.teams[i].Name)] = p.st.teams[i].ID
	}
	for _, m := range p.st.members {
		if email, ok := p.st.names[m.UserID]; ok {
			p.users[namekey(email)] = m.UserID
		}
	}
	return nil
}

// unresolvedID stands in for a reference whose name is unknown: the problem is already
// reported at the document's field, and a non-empty ID keeps the resource's validator
// from reporting it a second time as missing (the plan is refused either way).
const unresolvedID = "unresolved"

// ref resolves a reference by name through index; an unknown name is a problem at field
// (what says what it should have named).
func (p *importPlan) ref(field, name, what string, index map[string]string) string {
	id, ok := index[namekey(name)]
	switch {
	case !ok:
		p.f.add(field, "names "+strconv.Quote(name)+", which is not "+what)
		return unresolvedID
	case id == ambiguousID:
		p.f.add(field, "names "+strconv.Quote(name)+", which several objects of this organization share; rename them first")
		return unresolvedID
	}
	return id
}

// ambiguousID marks, in a name index, a name several existing objects share.
const ambiguousID = "ambiguous"

// renamed files a validator's answer under path with its ID field names turned into the
// document's (notify_id → notify, ...), so every problem points at a field that exists.
func (p *importPlan) renamed(path string, err error, names map[string]string) bool {
	if apiErr, ok := err.(*Error); ok && len(apiErr.Fields) > 0 {
		fields := make(map[string]string, len(apiErr.Fields))
		for k, v := range apiErr.Fields {
			for from, to := range names {
				if strings.HasSuffix(k, from) {
					k = strings.TrimSuffix(k, from) + to
					break
				}
			}
			fields[k] = v
		}
		err = errValidation(fields)
	}
	return p.ok(path, err)
}

// escalationPolicyImport is an escalation policy element; steps name their targets.
type escalationPolicyImport struct {
	Name        *string                 `json:"name"`
	Description *string                 `json:"description"`
	Repeat      *int                    `json:"repeat"`
	Rules       *[]escalationStepImport `json:"rules"`
}

// escalationStepImport is one step: notify is a channel or team name or a member's e-mail.
type escalationStepImport struct {
	Level        *int   `json:"level"`
	DelayMinutes int    `json:"delay_minutes"`
	NotifyType   string `json:"notify_type"`
	Notify       string `json:"notify"`
}

// planPolicies validates the escalation policies through escalationPolicyRequest.apply
// (as a POST onto a fresh policy: the element is the whole policy), with each step's
// target resolved by name. Teams and members must already exist: import does not create
// people.
func (p *importPlan) planPolicies(items []json.RawMessage) {
	existing := byName(p.st.policies, func(e *store.EscalationPolicy) string { return e.Name })
	for i := range p.st.policies {
		p.policies[namekey(p.st.policies[i].Name)] = p.st.policies[i].ID
	}
	policies := (&escalationPolicyHandlers{base: p.h.base}).policies()
	for path, in := range elements(p, "escalation_policies", items, func(r *escalationPolicyImport) *string { return r.Name }) {
		req := &escalationPolicyRequest{Name: in.Name, Description: in.Description, Repeat: in.Repeat}
		if in.Rules != nil {
			steps := make([]escalationStepRequest, len(*in.Rules))
			for j, s := range *in.Rules {
				steps[j] = escalationStepRequest{Level: s.Level, DelayMinutes: s.DelayMinutes, NotifyType: s.NotifyType}
				field := path + ".rules[" + strconv.Itoa(j) + "].notify"
				switch kind := strings.ToLower(strings.TrimSpace(s.NotifyType)); {
				case strings.TrimSpace(s.Notify) == "":
				case kind == store.EscalateToChannel:
					steps[j].NotifyID = p.ref(field, s.Notify, "a notification channel of this organization or the document", p.channels)
				case kind == store.EscalateToTeam:
					steps[j].NotifyID = p.ref(field, s.Notify, "a team of this organization (teams are not imported)", p.teams)
				case kind == store.EscalateToUser:
					steps[j].NotifyID = p.ref(field, s.Notify, "the e-mail of a member of this organization", p.users)
				case kind == store.EscalateToSchedule:
					steps[j].NotifyID = p.ref(field, s.Notify, "an on-call schedule of this organization or the document", p.schedules)
				}
			}
			req.Rules = &steps
		}
		known := func(_, id string) (bool, error) { return id != "", nil } // resolved above
		fresh := &store.EscalationPolicy{}
		if !p.renamed(path, req.apply(fresh, true, known), map[string]string{"notify_id": "notify"}) {
			continue
		}
		name := nameOf(p.st.names)
		switch at, found := existing[namekey(fresh.Name)]; {
		case !found:
			fresh.ID = uuid.Must(uuid.NewV7()).String()
			p.policies[namekey(fresh.Name)], p.st.names[fresh.ID] = fresh.ID, fresh.Name
			upsert(p, policies, "escalation_policy", fresh.Name, "", fresh, nil)
		case sameJSON(newEscalationPolicyItem(&p.st.policies[at], name), newEscalationPolicyItem(fresh, name)):
			p.change("", "escalation_policy", fresh.Name, nil)
		default:
			upsert(p, policies, "escalation_policy", fresh.Name, p.st.policies[at].ID, fresh, copyPolicyConfig)
		}
	}
}

// copyPolicyConfig copies the configuration of src onto dst, leaving identity and times.
func copyPolicyConfig(dst, src *store.EscalationPolicy) {
	dst.Name, dst.Description, dst.Repeat, dst.Rules = src.Name, src.Description, src.Repeat, src.Rules
}
