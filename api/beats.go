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

// serviceBeatsView is the beat bar of one service, oldest first, in columns: at[i],
// status[i] (one letter per beat: G up, Y degraded, R down, M maintenance, P paused, N
// pending) and response_time_ms[i] describe beat i, and message holds the error of each
// beat that has one, by index. Columns keep the answer small: a page of 1 000 bars is
// 50 000 beats, about 1 MB this way where objects took 5 MB (and the time to compress them).
type serviceBeatsView struct {
	At             []int64           `json:"at"` // unix seconds
	Status         string            `json:"status"`
	ResponseTimeMS []int             `json:"response_time_ms"`
	Message        map[string]string `json:"message"`
}

// heartbeatBeatsView is the beat bar of one heartbeat, oldest first, in the same columns:
// kind is one letter per ping (P ping, S start, F fail), duration_ms the run's duration
// (null without a /start before it), message the start of the ping's body, by index.
type heartbeatBeatsView struct {
	At         []int64           `json:"at"`
	Kind       string            `json:"kind"`
	DurationMS []*int64          `json:"duration_ms"`
	Message    map[string]string `json:"message"`
}

// beatsView is the answer: beats per service and per heartbeat ID. An ID that is not the
// organization's (unknown, deleted, another organization's) has no entry.
type beatsView struct {
	Limit      int                           `json:"limit"`
	Services   map[string]serviceBeatsView   `json:"services"`
	Heartbeats map[string]heartbeatBeatsView `json:"heartbeats"`
}

// beatLetter is a status's letter in serviceBeatsView.Status.
var beatLetter = map[string]byte{store.StatusGreen: 'G', store.StatusYellow: 'Y', store.StatusRed: 'R',
	store.StatusMaintenance: 'M', store.StatusPaused: 'P', store.StatusPending: 'N'}

// pingLetter is a ping kind's letter in heartbeatBeatsView.Kind.
var pingLetter = map[string]byte{store.PingSuccess: 'P', store.PingStart: 'S', store.PingFail: 'F'}

func newServiceBeatsView(results []store.CheckResult) serviceBeatsView {
	v := serviceBeatsView{ResponseTimeMS: make([]int, len(results))}
	v.At, v.Status, v.Message = beatColumns(results, beatLetter, 'N', func(i int, r store.CheckResult) (time.Time, string, string) {
		v.ResponseTimeMS[i] = r.ResponseTimeMS
		return r.CheckedAt, r.Status, r.Error
	})
	return v
}

func newHeartbeatBeatsView(pings []store.PingBeat) heartbeatBeatsView {
	v := heartbeatBeatsView{DurationMS: make([]*int64, len(pings))}
	v.At, v.Kind, v.Message = beatColumns(pings, pingLetter, 'P', func(i int, p store.PingBeat) (time.Time, string, string) {
		v.DurationMS[i] = p.DurationMS
		return p.At, p.Kind, p.Message
	})
	return v
}

// beatColumns builds the columns every beat bar shares from beats, oldest first: at (unix
// seconds), one letter per beat (its kind's in letters, fallback for a kind it lacks) and the
// non-empty messages by index. beat tells each beat's time, kind and message, and may fill
// the bar's own columns at index i.
func beatColumns[T any](beats []T, letters map[string]byte, fallback byte,
	beat func(i int, b T) (at time.Time, kind, message string)) ([]int64, string, map[string]string) {
	at, code, messages := make([]int64, len(beats)), make([]byte, len(beats)), map[string]string{}
	for i, b := range beats {
		t, kind, message := beat(i, b)
		at[i] = t.Unix()
		if code[i] = letters[kind]; code[i] == 0 {
			code[i] = fallback
		}
		if message != "" {
			messages[strconv.Itoa(i)] = message
		}
	}
	return at, string(code), messages
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
	out := beatsView{Limit: limit}
	var err error
	if out.Services, err = beatBars(h.store.Beats, org, services, limit, newServiceBeatsView); err != nil {
		return err
	}
	if out.Heartbeats, err = beatBars(h.store.PingBeats, org, heartbeats, limit, newHeartbeatBeatsView); err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// beatBars reads the newest limit beats of each of ids with read (one store transaction;
// none when no id is asked) and makes each one's bar.
func beatBars[B, V any](read func(org string, ids []string, limit int) (map[string][]B, error),
	org string, ids []string, limit int, bar func([]B) V) (map[string]V, error) {
	out := map[string]V{}
	if len(ids) == 0 {
		return out, nil
	}
	got, err := read(org, ids, limit)
	if err != nil {
		return nil, err
	}
	for id, beats := range got {
		out[id] = bar(beats)
	}
	return out, nil
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
