package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// Limits of GET /beats. maxBeatIDs bounds the ids of one request, services and heartbeats
// together: 1 000 UUIDs are a 37 KB query string, well under the server's 64 KB of headers,
// and a dashboard page of 1 000 rows is one request.
const (
	maxBeatIDs      = 1000
	defaultBeatsPer = 50
)

// beatHandlers serves the beat bars of many services and heartbeats in one request (SPEC
// §7): the dashboard asks once for every row it shows, not once per row.
type beatHandlers struct {
	*base
}

// beatView is one check of a service's beat bar.
type beatView struct {
	At             time.Time `json:"at"`
	Status         string    `json:"status"`
	ResponseTimeMS int       `json:"response_time_ms"`
	StatusCode     int       `json:"status_code"`
	Message        string    `json:"message"`
}

// pingBeatView is one ping of a heartbeat's beat bar: kind is ping, start or fail.
type pingBeatView struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	DurationMS *int64    `json:"duration_ms"`
	Message    string    `json:"message"`
}

// beatsView is the answer: beats per service and per heartbeat ID, oldest first. An ID
// that is not the organization's (unknown, deleted, another organization's) has no entry.
type beatsView struct {
	Limit      int                       `json:"limit"`
	Services   map[string][]beatView     `json:"services"`
	Heartbeats map[string][]pingBeatView `json:"heartbeats"`
}

// list answers GET /beats?service_ids=a,b&heartbeat_ids=c&limit=50: the newest limit
// (1–100, default 50) checks of each service and pings of each heartbeat, read in one store
// transaction each. More than maxBeatIDs ids in all is 422, as is a bad limit.
func (h *beatHandlers) list(c *gin.Context) error {
	f := fieldErrors{}
	services, heartbeats := idList(c.Query("service_ids")), idList(c.Query("heartbeat_ids"))
	if len(services)+len(heartbeats) > maxBeatIDs {
		f.add("service_ids", "at most "+strconv.Itoa(maxBeatIDs)+" ids in all (service_ids and heartbeat_ids); ask in pages")
	}
	limit := defaultBeatsPer
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxBeats {
			f.add("limit", "must be a whole number from 1 to "+strconv.Itoa(store.MaxBeats))
		}
		limit = n
	}
	if len(f) > 0 {
		return errValidation(f)
	}
	org := actorOf(c).org.ID
	out := beatsView{Limit: limit, Services: map[string][]beatView{}, Heartbeats: map[string][]pingBeatView{}}
	if len(services) > 0 {
		got, err := h.store.Beats(org, services, limit)
		if err != nil {
			return err
		}
		for id, results := range got {
			beats := make([]beatView, len(results))
			for i, r := range results {
				beats[i] = beatView{At: r.CheckedAt.UTC(), Status: r.Status, ResponseTimeMS: r.ResponseTimeMS,
					StatusCode: r.StatusCode, Message: r.Error}
			}
			out.Services[id] = beats
		}
	}
	if len(heartbeats) > 0 {
		got, err := h.store.PingBeats(org, heartbeats, limit)
		if err != nil {
			return err
		}
		for id, pings := range got {
			beats := make([]pingBeatView, len(pings))
			for i, p := range pings {
				beats[i] = pingBeatView{At: p.At.UTC(), Kind: p.Kind, DurationMS: p.DurationMS, Message: p.Message}
			}
			out.Heartbeats[id] = beats
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// idList splits a comma-separated list of ids, dropping empty items.
func idList(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}
