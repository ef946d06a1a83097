package auditstream

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// Org names the organization in every event.
type Org struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Event is one audit entry as every receiver gets it: the entry as the API shows it
// (SPEC §3.17) with its organization. ID is the entry's ID, the idempotency key by which
// a receiver drops a repeat (README: at-least-once after a crash).
type Event struct {
	ID           string              `json:"id"`
	Timestamp    time.Time           `json:"timestamp"`
	Event        string              `json:"event"`
	Actor        store.AuditActor    `json:"actor"`
	Resource     store.AuditResource `json:"resource"`
	Metadata     map[string]any      `json:"metadata"`
	Organization Org                 `json:"organization"`
}

// NewEvent is entry e of org as receivers get it.
func NewEvent(org Org, e *store.AuditEntry) Event {
	meta := e.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	return Event{ID: e.ID, Timestamp: e.Timestamp.UTC(), Event: e.Event, Actor: e.Actor,
		Resource: e.Resource, Metadata: meta, Organization: org}
}

// request is what one delivery sends, before the credentials are added.
type request struct {
	url         string
	contentType string
	body        []byte
	header      http.Header
}

// encodeSplunk is a Splunk HTTP Event Collector batch: event objects one after the other
// (the HEC's batch form, newline-separated), each {time (epoch seconds), host, source,
// sourcetype, index?, event}. A URL without a path posts to /services/collector/event.
func encodeSplunk(target string, settings map[string]string, events []Event) (request, error) {
	var body bytes.Buffer
	for _, ev := range events {
		obj := map[string]any{
			"time":       float64(ev.Timestamp.UnixMilli()) / 1000,
			"host":       orDefault(settings["host"], "alertifypro"),
			"source":     orDefault(settings["source"], "alertifypro"),
			"sourcetype": orDefault(settings["sourcetype"], "alertifypro:audit"),
			"event":      ev,
		}
		if ix := settings["index"]; ix != "" {
			obj["index"] = ix
		}
		if err := writeJSONLine(&body, obj); err != nil {
			return request{}, err
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		return request{}, err
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/services/collector/event"
	}
	return request{url: u.String(), contentType: "application/json", body: body.Bytes()}, nil
}

// encodeDatadog is a Datadog logs intake (v2) batch: a JSON array of log objects with the
// reserved attributes ddsource, service, hostname, ddtags, message and timestamp (epoch
// milliseconds), and the entry under "audit".
func encodeDatadog(target string, settings map[string]string, events []Event) (request, error) {
	logs := make([]map[string]any, 0, len(events))
	for _, ev := range events {
		l := map[string]any{
			"ddsource":  "alertifypro",
			"service":   orDefault(settings["service"], "alertifypro"),
			"hostname":  "alertifypro",
			"message":   summary(ev),
			"timestamp": ev.Timestamp.UnixMilli(),
			"audit":     ev,
		}
		if tags := settings["tags"]; tags != "" {
			l["ddtags"] = tags
		}
		logs = append(logs, l)
	}
	body, err := json.Marshal(logs)
	if err != nil {
		return request{}, err
	}
	return request{url: target, contentType: "application/json", body: body}, nil
}

// encodeElastic is an Elasticsearch _bulk body (NDJSON): per entry a "create" action with
// the index and _id = the entry's ID, so a repeat is refused as a version conflict instead
// of indexed twice, then the document with @timestamp. Posted to <url>/_bulk.
func encodeElastic(target string, settings map[string]string, events []Event) (request, error) {
	var body bytes.Buffer
	for _, ev := range events {
		action := map[string]any{"create": map[string]any{"_index": settings["index"], "_id": ev.ID}}
		doc := map[string]any{"@timestamp": ev.Timestamp.Format(time.RFC3339Nano), "message": summary(ev),
			"event": map[string]any{"action": ev.Event, "id": ev.ID}, "alertifypro": ev}
		if err := writeJSONLine(&body, action); err != nil {
			return request{}, err
		}
		if err := writeJSONLine(&body, doc); err != nil {
			return request{}, err
		}
	}
	return request{url: IntakeURL(TypeElastic, target, settings), contentType: "application/x-ndjson", body: body.Bytes()}, nil
}

// WebhookEvent is the event name of a webhook batch (X-AlertifyPro-Event).
const WebhookEvent = "audit.entries"

// encodeWebhook is the SPEC §3.15 envelope {id, event, timestamp, organization, data:
// {entries}}. Its id (X-AlertifyPro-Delivery) is derived from the stream and the batch's
// first and last entries, so the same batch sent again carries the same id; the
// signature is added with the secret (Transport).
func encodeWebhook(target, streamID string, org Org, events []Event, now time.Time) (request, error) {
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte("alertifypro:audit-stream:"+streamID+":"+events[0].ID+":"+events[len(events)-1].ID)).String()
	body, err := json.Marshal(map[string]any{"id": id, "event": WebhookEvent, "timestamp": now.UTC(),
		"organization": org, "data": map[string]any{"entries": events}})
	if err != nil {
		return request{}, err
	}
	h := http.Header{}
	h.Set("X-AlertifyPro-Event", WebhookEvent)
	h.Set("X-AlertifyPro-Delivery", id)
	return request{url: target, contentType: "application/json", body: body, header: h}, nil
}

// summary is the one-line message of an event in log tools.
func summary(ev Event) string {
	who := ev.Actor.Email
	if who == "" {
		who = ev.Actor.Type
	}
	what := ev.Resource.Type
	if ev.Resource.Name != "" {
		what += " " + ev.Resource.Name
	}
	return strings.TrimSpace(ev.Event + " by " + who + " on " + what)
}

func writeJSONLine(buf *bytes.Buffer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(raw)
	buf.WriteByte('\n')
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
