package api

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"

	"github.com/alertifypro/alertifypro/store"
)

// configVersion is the version of the configuration document's format.
const configVersion = 1

// configHandlers serves configuration as code (SPEC §3.19): GET /export and POST /import.
// Export needs permRead (it reveals configuration, never a secret); import permWrite.
type configHandlers struct{ *base }

// configDocument is an organization's configuration, as exported and imported. Objects
// refer to each other by name, never by ID, so a document can be applied to another
// organization or instance. Lists are in creation order, so exporting the same
// configuration twice gives the same document.
type configDocument struct {
	Version              int               `json:"version"`
	Services             []serviceItem     `json:"services"`
	Heartbeats           []heartbeatItem   `json:"heartbeats"`
	NotificationChannels []channelItem     `json:"notification_channels"`
	MaintenanceWindows   []maintenanceItem `json:"maintenance_windows"`
	Webhooks             []webhookItem     `json:"webhooks"`
}

// configState is the organization's current configuration as stored, read resource by
// resource (not one snapshot: each list is consistent in itself, which is what the
// read-modify-write of an import re-checks anyway).
type configState struct {
	services   []store.Service
	heartbeats []store.Heartbeat
	channels   []store.NotificationChannel
	windows    []store.MaintenanceWindow
	webhooks   []store.Webhook
}

// loadConfigState reads every configured object of organization orgID.
func (x *configHandlers) loadConfigState(orgID string) (*configState, error) {
	st := &configState{}
	var err error
	if st.services, err = x.store.Services(orgID); err != nil {
		return nil, err
	}
	if st.heartbeats, err = x.store.Heartbeats(orgID); err != nil {
		return nil, err
	}
	if st.channels, err = x.store.Channels(orgID); err != nil {
		return nil, err
	}
	if st.windows, err = x.store.MaintenanceWindows(orgID); err != nil {
		return nil, err
	}
	if st.webhooks, err = x.store.Webhooks(orgID); err != nil {
		return nil, err
	}
	return st, nil
}

// serviceNames maps the state's service IDs to names.
func (st *configState) serviceNames() map[string]string {
	m := make(map[string]string, len(st.services))
	for i := range st.services {
		m[st.services[i].ID] = st.services[i].Name
	}
	return m
}

// document renders the state as a configuration document.
func (st *configState) document() *configDocument {
	doc := &configDocument{Version: configVersion, Services: make([]serviceItem, 0, len(st.services)),
		Heartbeats: make([]heartbeatItem, 0, len(st.heartbeats)), NotificationChannels: make([]channelItem, 0, len(st.channels)),
		MaintenanceWindows: make([]maintenanceItem, 0, len(st.windows)), Webhooks: make([]webhookItem, 0, len(st.webhooks))}
	for i := range st.services {
		doc.Services = append(doc.Services, newServiceItem(&st.services[i]))
	}
	for i := range st.heartbeats {
		doc.Heartbeats = append(doc.Heartbeats, newHeartbeatItem(&st.heartbeats[i]))
	}
	for i := range st.channels {
		doc.NotificationChannels = append(doc.NotificationChannels, newChannelItem(&st.channels[i]))
	}
	names := st.serviceNames()
	for i := range st.windows {
		doc.MaintenanceWindows = append(doc.MaintenanceWindows, newMaintenanceItem(&st.windows[i], nameOf(names)))
	}
	for i := range st.webhooks {
		doc.Webhooks = append(doc.Webhooks, newWebhookItem(&st.webhooks[i]))
	}
	return doc
}

// nameOf looks names up by ID; an ID with no object behind it (deleted meanwhile) keeps
// the ID itself, which import will then report as an unknown name rather than drop.
func nameOf(names map[string]string) func(string) string {
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
}

// export answers the organization's configuration: YAML unless ?format=json or an Accept
// header that prefers JSON asks for JSON.
func (x *configHandlers) export(c *gin.Context) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	st, err := x.loadConfigState(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(st.document())
	if err != nil {
		return err
	}
	if format == "json" {
		c.Data(http.StatusOK, "application/json; charset=utf-8", raw)
		return nil
	}
	// Through JSON, so YAML and JSON documents have exactly the same keys and order.
	out, err := yaml.JSONToYAML(raw)
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", out)
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
