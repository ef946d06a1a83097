package alerting

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// heartbeatData is data.heartbeat of the heartbeat.missed / heartbeat.recovered events.
type heartbeatData struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Status         string     `json:"status"`
	Schedule       string     `json:"schedule"`
	LastPingAt     *time.Time `json:"last_ping_at"`
	NextExpectedAt *time.Time `json:"next_expected_at"`
}

// heartbeatTransition is the store's heartbeat hook (StoreHooks, passed to store.Open): it
// runs in the transaction that changes a heartbeat's status, so the alert opens or
// resolves in the same commit as the status it is about.
//
//   - → down (a missed deadline past the grace period, or an explicit /fail): the
//     heartbeat's alerts open at once (SPEC §3.14: the grace period is the threshold),
//     with the heartbeat.missed event.
//   - → healthy from down: its alerts resolve ("auto"), with heartbeat.recovered.
//   - → healthy from anything else (a resume, an edit): any alert still open resolves
//     quietly, because no later transition would ever close it.
//   - late and paused change no alert: late is inside the grace period, and a paused
//     heartbeat, like a paused service, keeps what it has until it runs again.
func (sm *StateMachine) heartbeatTransition(tx *store.AlertTx, ev *store.HeartbeatTransition) error {
	hb := ev.Heartbeat
	ref := Heartbeat{ID: hb.ID, Name: hb.Name}
	switch {
	case ev.Status == store.HeartbeatDown && ev.PrevStatus != store.HeartbeatDown:
		reason := "missed"
		if ev.Reason == store.PingFail {
			reason = "fail"
		}
		if err := sm.HeartbeatFailed(tx, ev.OrgID, ref, ev.At, reason); err != nil {
			return err
		}
		return tx.Emit(ev.OrgID, sm.heartbeatEvent("heartbeat.missed", hb, ev.At))
	case ev.Status == store.HeartbeatHealthy:
		if err := sm.HeartbeatRecovered(tx, ev.OrgID, ref, ev.At); err != nil {
			return err
		}
		if ev.PrevStatus == store.HeartbeatDown {
			return tx.Emit(ev.OrgID, sm.heartbeatEvent("heartbeat.recovered", hb, ev.At))
		}
	}
	return nil
}

// heartbeatEvent builds a heartbeat webhook event.
func (sm *StateMachine) heartbeatEvent(name string, hb *store.Heartbeat, at time.Time) *store.Event {
	return &store.Event{Name: name, At: at, Data: map[string]any{
		// data.monitor as for every monitor event (SPEC §3.15): receivers
		// written against the documentation read the name there.
		"monitor": monitorData{ID: hb.ID, Name: hb.Name, Type: "heartbeat", URL: sm.cfg.BaseURL + "/api/v1/heartbeat/" + hb.UniqueKey},
		"heartbeat": heartbeatData{
			ID: hb.ID, Name: hb.Name, Status: hb.Status, Schedule: hb.Schedule,
			LastPingAt: hb.LastPingAt, NextExpectedAt: hb.NextExpectedAt}}}
}
