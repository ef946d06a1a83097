package api

import (
	"errors"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// configVersion is the version of the configuration document's format.
const configVersion = 1

// configHandlers serves configuration as code (SPEC §3.19): GET /export and POST /import.
// Export needs permRead (it reveals configuration, never a secret); import permWrite.
type configHandlers struct {
	*base
	cache *statusCache // the public status pages' cache, dropped when import writes a page
	// importing serializes imports: two concurrent imports of one document would both
	// plan "create" for objects whose names the store does not keep unique (heartbeats,
	// rules, windows, pages) and make duplicates, and the server holds one document's
	// conversion in memory at a time. Imports are rare; one at a time is cheap.
	importing sync.Mutex
	exports   exportSlots // running exports per organization
}

// configState is the organization's current configuration as stored, read resource by
// resource (not one snapshot: each list is consistent in itself, which is what the
// read-modify-write of an import re-checks anyway).
type configState struct {
	services   []store.Service
	heartbeats []store.Heartbeat
	channels   []store.NotificationChannel
	policies   []store.EscalationPolicy
	schedules  []store.OnCallSchedule
	rules      []store.AlertRule
	windows    []store.MaintenanceWindow
	webhooks   []store.Webhook
	pages      []store.StatusPage
	reports    []store.ScheduledReport
	secrets    []store.Secret // exported by name only: values never leave the vault
	// names maps the ID of every object a reference may point at to its name (members:
	// their e-mail), teams and members included, which are referenced but not exported.
	names   map[string]string
	teams   []store.Team
	members []store.Membership
}

// loadConfigState reads every configured object of organization orgID.
func (h *configHandlers) loadConfigState(orgID string) (*configState, error) {
	st := &configState{}
	var err error
	if st.services, err = h.store.Services(orgID); err != nil {
		return nil, err
	}
	if st.heartbeats, err = h.store.Heartbeats(orgID); err != nil {
		return nil, err
	}
	if st.channels, err = h.store.Channels(orgID); err != nil {
		return nil, err
	}
	if st.policies, err = h.store.EscalationPolicies(orgID); err != nil {
		return nil, err
	}
	if st.schedules, err = h.store.OnCallSchedules(orgID); err != nil {
		return nil, err
	}
	if st.rules, err = h.store.AlertRules(orgID, ""); err != nil {
		return nil, err
	}
	if st.windows, err = h.store.MaintenanceWindows(orgID); err != nil {
		return nil, err
	}
	if st.webhooks, err = h.store.Webhooks(orgID); err != nil {
		return nil, err
	}
	if st.pages, err = h.store.StatusPages(orgID); err != nil {
		return nil, err
	}
	if st.reports, err = h.store.ScheduledReports(orgID); err != nil {
		return nil, err
	}
	if st.secrets, err = h.store.Secrets(orgID); err != nil {
		return nil, err
	}
	return st, h.loadNames(orgID, st)
}

// loadNames fills st.names: the state's objects, the organization's teams, and its members'
// e-mail addresses (escalation steps may page a member).
func (h *configHandlers) loadNames(orgID string, st *configState) error {
	st.names = map[string]string{}
	for i := range st.services {
		st.names[st.services[i].ID] = st.services[i].Name
	}
	for i := range st.heartbeats {
		st.names[st.heartbeats[i].ID] = st.heartbeats[i].Name
	}
	for i := range st.channels {
		st.names[st.channels[i].ID] = st.channels[i].Name
	}
	for i := range st.policies {
		st.names[st.policies[i].ID] = st.policies[i].Name
	}
	for i := range st.schedules {
		st.names[st.schedules[i].ID] = st.schedules[i].Name
	}
	for i := range st.pages {
		st.names[st.pages[i].ID] = st.pages[i].Name
		for _, comp := range st.pages[i].Components {
			st.names[comp.ID] = comp.Name
		}
	}
	var err error
	if st.teams, err = h.store.Teams(orgID); err != nil {
		return err
	}
	for i := range st.teams {
		st.names[st.teams[i].ID] = st.teams[i].Name
	}
	if st.members, err = h.store.Memberships(orgID); err != nil {
		return err
	}
	for _, m := range st.members {
		u, err := h.store.User(m.UserID)
		if errors.Is(err, store.ErrNotFound) {
			continue // account deleted under the membership: nothing to name
		} else if err != nil {
			return err
		}
		st.names[m.UserID] = u.Email
	}
	return nil
}

// nameOf looks names up by ID; an ID with no object behind it (deleted meanwhile) keeps
// the ID itself, which import will then report as an unknown name rather than drop.
func nameOf(names map[string]string) nameFunc {
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
}

// export answers the organization's configuration: YAML unless ?format=json or an Accept
// header that prefers JSON asks for JSON. The document is written as it is rendered, item
// by item, in either format; at most maxExportsPerOrg exports of one organization run at
// once (429 beyond), since each holds the organization's configuration in memory.
func (h *configHandlers) export(c *gin.Context) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	org := actorOf(c).org
	release, err := h.exports.acquire(org.ID, h.now())
	if err != nil {
		return err
	}
	defer release()
	st, err := h.loadConfigState(org.ID)
	if err != nil {
		return err
	}
	if format == "json" {
		c.Header("Content-Type", "application/json; charset=utf-8")
	} else {
		c.Header("Content-Type", "application/yaml; charset=utf-8")
	}
	c.Status(http.StatusOK)
	out := newExportStream(c.Writer, format == "yaml")
	if err := st.writeDocument(out); err != nil {
		// The answer is under way: cut the connection, so no client takes a truncated
		// document for a whole one.
		loggerFrom(c).Error("configuration export aborted", "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	return nil
}

// exportFormat picks "yaml" or "json" from ?format= or, without it, from Accept.
func exportFormat(c *gin.Context) (string, error) {
	switch f := strings.ToLower(c.Query("format")); f {
	case "json", "yaml":
		return f, nil
	case "yml":
		return "yaml", nil
	case "":
	default:
		return "", errValidation(map[string]string{"format": "must be yaml or json"})
	}
	for part := range strings.SplitSeq(c.GetHeader("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil {
			switch mt {
			case "application/json":
				return "json", nil
			case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
				return "yaml", nil
			}
		}
	}
	return "yaml", nil
}
