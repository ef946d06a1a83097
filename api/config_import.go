package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// importChange is one object an import creates or updates; apply writes it.
type importChange struct {
	Action string `json:"action"` // "create" or "update"
	Kind   string `json:"kind"`   // "service", "heartbeat", ...
	Name   string `json:"name"`
	apply  func(c *gin.Context) error
}

// importResult is the answer of POST /import (also for a dry run).
type importResult struct {
	Changes   []importChange `json:"changes"`
	Unchanged int            `json:"unchanged"`
	DryRun    bool           `json:"dry_run"`
}

// importPlan is an import being validated: every element is checked through its
// resource's own validator against the object of the same name (or a new one), and what
// would change is collected as closures. Nothing is written until the whole document is
// valid. References resolve against the objects that exist plus those the document
// creates, whose IDs are chosen up front.
type importPlan struct {
	h         *configHandlers // the handlers it runs for: store, sealer, audit
	org       *store.Organization
	st        *configState
	f         fieldErrors
	fatal     error // a failure that is not the document's fault (store, sealing)
	changes   []importChange
	unchanged int
	// IDs by name key (namekey) of the objects references may name, existing and planned
	// (st.names maps the other way, planned objects included).
	services, heartbeats, channels, policies map[string]string
	schedules                                map[string]string // on-call schedules, for escalation steps
	teams, users                             map[string]string // existing only: not imported
	pages                                    pageIndex         // status pages, for rules' automatic incidents
	newServices                              int
	unchecked                                int // elements left unchecked past maxImportProblems
	// channelTypes holds the types of the channels the document creates or updates, by
	// ID, for status pages' sms_subscriptions.channel (config_import_pages_sms.go).
	channelTypes map[string]string
}

// maxImportProblems caps the problems one answer lists: a document of thousands of
// broken elements would otherwise answer megabytes of them.
const maxImportProblems = 200

// namekey is how names are matched: trimmed and case-insensitive, as the store compares
// service and channel names.
func namekey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// item formats the path of a list element: "services[2]".
func item(list string, i int) string { return list + "[" + strconv.Itoa(i) + "]" }

// ok files a validator's answer under path: a 422 field by field ("services[2].endpoint"),
// another API error under path itself; any other error is fatal (500). It reports
// whether err was nil.
func (p *importPlan) ok(path string, err error) bool {
	if err == nil {
		return true
	}
	var apiErr *Error
	switch {
	case errors.As(err, &apiErr) && len(apiErr.Fields) > 0:
		for field, msg := range apiErr.Fields {
			p.f.add(path+"."+field, msg)
		}
	case errors.As(err, &apiErr):
		p.f.add(path, apiErr.Message)
	case p.fatal == nil:
		p.fatal = err
	}
	return false
}

// elements decodes each element of the document's list into a new R and yields its path
// ("services[2]") and value. An element that does not decode, or repeats a name of the
// list (name reads it), is reported and skipped.
func elements[R any](p *importPlan, list string, items []json.RawMessage, name func(*R) *string) iter.Seq2[string, *R] {
	return func(yield func(string, *R) bool) {
		seen := map[string]string{}
		for i, raw := range items {
			path, v := item(list, i), new(R)
			if !p.decodeItem(path, raw, v) || !p.claim(path, deref(name(v)), seen) {
				continue
			}
			if !yield(path, v) {
				return
			}
		}
	}
}

// claim checks that name is not used twice in one list of the document, so each element
// maps to one object; seen holds the first path of every name key.
func (p *importPlan) claim(path, name string, seen map[string]string) bool {
	k := namekey(name)
	if k == "" {
		return true // the validator reports the missing name
	}
	if first, dup := seen[k]; dup {
		p.f.add(path+".name", "repeats the name of "+first)
		return false
	}
	seen[k] = path
	return true
}

// change records a create or update, or counts an unchanged object.
func (p *importPlan) change(action, kind, name string, apply func(c *gin.Context) error) {
	if action == "" {
		p.unchanged++
		return
	}
	p.changes = append(p.changes, importChange{Action: action, Kind: kind, Name: name, apply: apply})
}

// importConfig validates the whole document, then (unless ?dry_run=true) writes its
// changes. Atomicity: nothing is written unless every element is valid and the plan's
// service cap holds; the changes are then written one store transaction per object (each
// through the resource's own store method, re-validated against the current record), in
// dependency order. A failure while writing (the store failing, a concurrent edit making
// an element invalid) stops there and answers the error with the objects written so far
// kept; since import is create-or-update by name, sending the document again converges.
// Objects the document does not mention are left alone (import never deletes).
func (h *configHandlers) importConfig(c *gin.Context) error {
	dry, err := dryRun(c)
	if err != nil {
		return err
	}
	raw, isYAML, err := readImportBody(c)
	if err != nil {
		return err
	}
	// From here on, one import at a time: converting and planning a document is where an
	// import's memory goes, so the server holds at most one document's worth.
	h.importing.Lock()
	defer h.importing.Unlock()
	if isYAML {
		if raw, err = yamlToJSON(raw); err != nil {
			return err
		}
	}
	doc, err := parseDocument(raw)
	if err != nil {
		return err
	}
	org := actorOf(c).org
	p, err := h.plan(org, doc)
	if err != nil {
		return err
	}
	out := importResult{Changes: p.changes, Unchanged: p.unchanged, DryRun: dry}
	if out.Changes == nil {
		out.Changes = []importChange{}
	}
	if !dry {
		for i := range p.changes {
			ch := &p.changes[i]
			if err := ch.apply(c); err != nil {
				return importStopped(err, i, len(p.changes), ch)
			}
		}
		// Each object's entry committed with it; this summary is a write of its own, and a
		// failure to write it is answered, the objects staying written as after any
		// import that stopped.
		if len(p.changes) > 0 {
			entry := h.auditEntry(c, "organization.config_imported", store.AuditResource{Type: "organization", ID: org.ID, Name: org.Name},
				map[string]any{"changes": len(p.changes), "unchanged": p.unchanged})
			if err := h.store.AppendAudit(org.ID, entry); err != nil {
				return err
			}
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// importStopped is the answer when a write fails after validation passed (the store
// failing, or a concurrent change such as a name taken meanwhile): the same status, with a
// message that says how far the import got, since the earlier changes stay written.
func importStopped(err error, done, total int, ch *importChange) error {
	apiErr, ok := toAPIError(err)
	if !ok {
		return fmt.Errorf("import: %s %s %q after %d of %d changes: %w", ch.Action, ch.Kind, ch.Name, done, total, err)
	}
	e := *apiErr
	e.Message = fmt.Sprintf("The import stopped at %s %s %q after writing %d of %d changes: %s",
		ch.Action, ch.Kind, ch.Name, done, total, apiErr.Message)
	return &e
}

// dryRun reads ?dry_run= (true/false/1/0; absent is false).
func dryRun(c *gin.Context) (bool, error) {
	return queryBool(c, "dry_run")
}

// plan validates every element in dependency order (services and heartbeats before what
// names them) and checks the plan's service cap. The answer is the plan, a 422 listing
// every problem by path, a 402 for the cap, or a fatal error.
func (h *configHandlers) plan(org *store.Organization, doc *rawDocument) (*importPlan, error) {
	st, err := h.loadConfigState(org.ID)
	if err != nil {
		return nil, err
	}
	p := &importPlan{h: h, org: org, st: st, f: fieldErrors{}, services: map[string]string{},
		heartbeats: map[string]string{}, channels: map[string]string{}, policies: map[string]string{},
		pages: pageIndex{ids: map[string]string{}, byID: map[string]*store.StatusPage{}}}
	if err := p.loadPeople(); err != nil {
		return nil, err
	}
	p.planServices(doc.Services)
	p.planHeartbeats(doc.Heartbeats)
	p.planChannels(doc.NotificationChannels)
	p.planSchedules(doc.OnCallSchedules)
	p.planPolicies(doc.EscalationPolicies)
	// Pages before rules: a rule's create_status_page_incident names a page and one of its
	// components, which may be created by this same document.
	p.planPages(doc.StatusPages)
	p.planRules(doc.AlertRules)
	p.planWindows(doc.MaintenanceWindows)
	p.planWebhooks(doc.Webhooks)
	p.planScheduledReports(doc.ScheduledReports)
	p.planSecrets(doc.Secrets)
	if p.fatal != nil {
		return nil, p.fatal
	}
	if len(p.f) > 0 {
		e := errValidation(p.f)
		if p.unchecked > 0 {
			e.Message = fmt.Sprintf("The document has invalid fields: the first %d problems are listed, and %d more elements were not checked.",
				len(p.f), p.unchecked)
		}
		return nil, e
	}
	if limit := org.MaxServices; limit >= 0 && p.newServices > 0 && len(st.services)+p.newServices > limit {
		return nil, errPlanLimit(fmt.Sprintf("The document creates %d services; with the %d there are, that is over this plan's limit of %d. Nothing was imported.",
			p.newServices, len(st.services), limit))
	}
	return p, nil
}

// upsert plans fresh's creation (id "") or the update of record id to fresh's
// configuration (copyConfig copies it, leaving identity and times), written through r
// exactly as the API's routes write: the same audit entries, marked as the import's.
func upsert[T, V any](p *importPlan, r resource[T, V], kind, name, id string, fresh *T, copyConfig func(dst, src *T)) {
	orgID := p.org.ID
	if id == "" {
		p.change("create", kind, name, func(c *gin.Context) error { return r.add(c, orgID, fresh, importMeta(nil)) })
		return
	}
	p.change("update", kind, name, func(c *gin.Context) error {
		_, err := r.modify(c, orgID, id, "updated", importMeta(nil), func(v *T) error {
			copyConfig(v, fresh)
			return nil
		})
		return err
	})
}
