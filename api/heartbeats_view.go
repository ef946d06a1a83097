package api

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// heartbeatView is a heartbeat as the API shows it (SPEC §3.14). The key digest and the
// ping bookkeeping stay inside; ping_url is BASE_URL + "/api/v1/heartbeat/" + unique_key.
type heartbeatView struct {
	ID                 string     `json:"id"`
	Name               string     `json:"name"`
	Schedule           string     `json:"schedule"`
	Timezone           string     `json:"timezone"`
	GracePeriodSeconds int        `json:"grace_period_seconds"`
	UniqueKey          string     `json:"unique_key"`
	PingURL            string     `json:"ping_url"`
	Status             string     `json:"status"`
	LastPingAt         *time.Time `json:"last_ping_at"`
	NextExpectedAt     *time.Time `json:"next_expected_at"`
	LastDurationMS     *int64     `json:"last_duration_ms"`
	StartedAt          *time.Time `json:"started_at"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// pingView is one kept ping, newest first in GET /heartbeats/{id}/pings.
type pingView struct {
	Kind       string    `json:"kind"`
	ReceivedAt time.Time `json:"received_at"`
	SourceIP   string    `json:"source_ip"`
	UserAgent  string    `json:"user_agent"`
	Body       string    `json:"body"`
	DurationMS *int64    `json:"duration_ms"`
}

// heartbeatPingPath is the public ping route's prefix.
const heartbeatPingPath = "/api/v1/heartbeat/"

func newHeartbeatView(hb *store.Heartbeat, baseURL string) heartbeatView {
	return heartbeatView{ID: hb.ID, Name: hb.Name, Schedule: hb.Schedule, Timezone: hb.Timezone,
		GracePeriodSeconds: hb.GracePeriodSeconds, UniqueKey: hb.UniqueKey,
		PingURL: baseURL + heartbeatPingPath + hb.UniqueKey, Status: hb.Status,
		LastPingAt: utcPtr(hb.LastPingAt), NextExpectedAt: utcPtr(hb.NextExpectedAt),
		LastDurationMS: hb.LastDurationMS, StartedAt: utcPtr(hb.StartedAt),
		CreatedAt: hb.CreatedAt.UTC(), UpdatedAt: hb.UpdatedAt.UTC()}
}

func newPingViews(pings []store.Ping) []pingView {
	out := make([]pingView, 0, len(pings))
	for _, p := range pings {
		out = append(out, pingView{Kind: p.Kind, ReceivedAt: p.At.UTC(), SourceIP: p.SourceIP,
			UserAgent: p.UserAgent, Body: p.Body, DurationMS: p.DurationMS})
	}
	return out
}

// heartbeatRes names a heartbeat in the audit log.
func heartbeatRes(hb *store.Heartbeat) store.AuditResource {
	return store.AuditResource{Type: "heartbeat", ID: hb.ID, Name: hb.Name}
}
