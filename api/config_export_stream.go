package api

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// writeDocument writes the state as a configuration document (SPEC §3.19): its version,
// then one list per kind, in the order rawDocument reads them. Objects refer to each
// other by name, never by ID, so a document can be applied to another organization or
// instance. Lists are in creation order, so exporting the same configuration twice gives
// the same document. Each item is rendered, encoded and written before the next, so
// nothing the size of the document is ever held.
func (st *configState) writeDocument(out *exportStream) error {
	name := nameOf(st.names)
	out.begin()
	err := writeSection(out, "services", st.services, func(s *store.Service) any { return newServiceItem(s) })
	if err == nil {
		err = writeSection(out, "heartbeats", st.heartbeats, func(hb *store.Heartbeat) any { return newHeartbeatItem(hb) })
	}
	if err == nil {
		err = writeSection(out, "notification_channels", st.channels, func(ch *store.NotificationChannel) any { return newChannelItem(ch) })
	}
	if err == nil {
		err = writeSection(out, "on_call_schedules", st.schedules, func(s *store.OnCallSchedule) any { return newScheduleItem(s, name) })
	}
	if err == nil {
		err = writeSection(out, "escalation_policies", st.policies, func(p *store.EscalationPolicy) any { return newEscalationPolicyItem(p, name) })
	}
	if err == nil {
		err = writeSection(out, "alert_rules", st.rules, func(r *store.AlertRule) any { return newAlertRuleItem(r, name) })
	}
	if err == nil {
		err = writeSection(out, "maintenance_windows", st.windows, func(w *store.MaintenanceWindow) any { return newMaintenanceItem(w, name) })
	}
	if err == nil {
		err = writeSection(out, "webhooks", st.webhooks, func(w *store.Webhook) any { return newWebhookItem(w) })
	}
	if err == nil {
		err = writeSection(out, "status_pages", st.pages, func(p *store.StatusPage) any { return newStatusPageItem(p, name) })
	}
	if err == nil {
		err = writeSection(out, "scheduled_reports", st.reports, func(r *store.ScheduledReport) any { return newScheduledReportItem(r, name) })
	}
	if err == nil {
		err = writeSection(out, "secrets", st.secrets, func(s *store.Secret) any { return secretItem{Name: s.Name} })
	}
	if err != nil {
		return err
	}
	return out.end()
}

// writeSection writes one list of the document: each object rendered as its item and
// encoded as JSON (so both formats share the items' field names and order), then written.
func writeSection[T any](out *exportStream, key string, objs []T, item func(*T) any) error {
	out.section(key, len(objs))
	for i := range objs {
		raw, err := json.Marshal(item(&objs[i]))
		if err != nil {
			return err
		}
		if err := out.item(raw, i); err != nil {
			return err
		}
	}
	out.endSection()
	return nil
}

// exportStream writes a document in JSON (compact, as json.Marshal would write it whole)
// or YAML (through yamlWriter) to a buffered writer.
type exportStream struct {
	w    *bufio.Writer
	yaml *yamlWriter // nil for JSON
}

func newExportStream(w io.Writer, yaml bool) *exportStream {
	out := &exportStream{w: bufio.NewWriterSize(w, 32<<10)}
	if yaml {
		out.yaml = &yamlWriter{w: out.w}
	}
	return out
}

func (out *exportStream) begin() {
	if out.yaml != nil {
		out.w.WriteString("version: " + strconv.Itoa(configVersion) + "\n")
		return
	}
	out.w.WriteString(`{"version":` + strconv.Itoa(configVersion))
}

// section starts the list key holding n items.
func (out *exportStream) section(key string, n int) {
	switch {
	case out.yaml != nil && n == 0:
		out.w.WriteString(key + ": []\n")
	case out.yaml != nil:
		out.w.WriteString(key + ":\n")
	default:
		out.w.WriteString(`,"` + key + `":[`)
	}
}

// item writes the i-th item of the current list.
func (out *exportStream) item(raw []byte, i int) error {
	if out.yaml != nil {
		if err := out.yaml.item(raw); err != nil {
			return err
		}
		_, err := out.w.Write(nil) // reports an earlier write's error: the client has gone
		return err
	}
	if i > 0 {
		out.w.WriteByte(',')
	}
	_, err := out.w.Write(raw)
	return err
}

func (out *exportStream) endSection() {
	if out.yaml == nil {
		out.w.WriteByte(']')
	}
}

// end finishes the document and flushes it.
func (out *exportStream) end() error {
	if out.yaml == nil {
		out.w.WriteByte('}')
	}
	return out.w.Flush()
}

// maxExportsPerOrg is how many exports of one organization may run at once. An export
// holds the organization's configuration in memory while it writes (a 10 000-service
// organization: about 30 MiB); two at once cover a person and a backup script, and a
// third waits its turn with a 429.
const maxExportsPerOrg = 2

// exportSlots counts the running exports per organization. The zero value is ready.
type exportSlots struct {
	mu      sync.Mutex
	running map[string]int
}

// acquire takes a slot for organization orgID, or answers 429 (retry after a second)
// when its exports are all running; release gives the slot back.
func (s *exportSlots) acquire(orgID string, now time.Time) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running[orgID] >= maxExportsPerOrg {
		return nil, errRateLimited(now, now.Add(time.Second))
	}
	if s.running == nil {
		s.running = map[string]int{}
	}
	s.running[orgID]++
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.running[orgID]--; s.running[orgID] == 0 {
			delete(s.running, orgID)
		}
	}, nil
}
