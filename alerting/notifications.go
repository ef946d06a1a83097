package alerting

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// Notification events of an alert (notify.Notification.Event); PagerDuty and Opsgenie map
// acknowledged/resolved onto the incident of the alert's DedupKey.
const (
	eventFired        = "alert.fired"
	eventReminder     = "alert.reminder"
	eventAcknowledged = "alert.acknowledged"
	eventResolved     = "alert.resolved"
)

// ruleTargets returns the enabled channels a rule notifies about an alert of severity:
// the rule's channel_ids, or every channel of the organization when it lists none, each
// kept only if its severities filter (empty = all) admits severity.
func ruleTargets(tx *store.AlertTx, orgID string, rule *store.AlertRule, severity string) ([]*store.NotificationChannel, error) {
	chs, err := tx.Channels(orgID)
	if err != nil {
		return nil, err
	}
	var out []*store.NotificationChannel
	for i := range chs {
		ch := &chs[i]
		if !ch.Enabled || (len(rule.ChannelIDs) > 0 && !slices.Contains(rule.ChannelIDs, ch.ID)) {
			continue
		}
		if len(ch.Severities) > 0 && !slices.ContainsFunc(ch.Severities, func(s string) bool { return strings.EqualFold(s, severity) }) {
			continue
		}
		out = append(out, ch)
	}
	return out, nil
}

// incidentTrackers are channel types that keep an incident open until told it resolved:
// they get alert.resolved even from a rule without recovery notices, or the incident would
// stay open for ever.
var incidentTrackers = []string{"pagerduty", "opsgenie"}

// notifyRule queues event about al for every channel the rule targets; alert.resolved goes
// only to incident trackers when the rule has notify_on_recovery off.
func (sm *StateMachine) notifyRule(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, svc *store.Service, event string, now time.Time) error {
	targets, err := ruleTargets(tx, al.OrgID, rule, al.Severity)
	if err != nil {
		return err
	}
	for _, ch := range targets {
		if event == eventResolved && !rule.NotifyOnRecovery && !slices.Contains(incidentTrackers, ch.Type) {
			continue
		}
		id := ch.ID
		if err := sm.enqueue(tx, al, svc, event, store.OutboxKindChannel, id, now); err != nil {
			return err
		}
	}
	return nil
}

// enqueue queues one notification of event about al to one destination (a channel ID, or
// an e-mail address for kind email) in tx, and makes sure the outbox sender is woken
// once the transaction commits.
func (sm *StateMachine) enqueue(tx *store.AlertTx, al *store.Alert, svc *store.Service, event, kind, target string, now time.Time) error {
	n, err := sm.notification(tx, al, svc, event, now)
	if err != nil {
		return err
	}
	return sm.enqueueNotification(tx, al.OrgID, kind, target, n)
}

// enqueueNotification writes n as an outbox entry whose ID is n's ID (receivers drop
// duplicates by it).
func (sm *StateMachine) enqueueNotification(tx *store.AlertTx, orgID, kind, target string, n *notify.Notification) error {
	n.ID = newID()
	raw, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("alerting: encode notification: %w", err)
	}
	first := !tx.Queued()
	e := &store.OutboxEntry{ID: n.ID, OrgID: orgID, Kind: kind, TargetID: target, Event: n.Event, AlertID: n.AlertID, Notification: raw}
	if err := tx.Enqueue(e); err != nil {
		return err
	}
	if first && sm.cfg.Wake != nil {
		tx.AfterCommit(sm.cfg.Wake)
	}
	return nil
}

// notification renders al as the provider-independent message of event: what fired, the
// service and endpoint, status and error, since when, links to the alert and to
// acknowledge it (while it can be acknowledged), and on recovery how long it was down.
func (sm *StateMachine) notification(tx *store.AlertTx, al *store.Alert, svc *store.Service, event string, now time.Time) (*notify.Notification, error) {
	org, err := tx.Org(al.OrgID)
	if err != nil {
		return nil, err
	}
	rule := strings.TrimSuffix(al.Title, " Triggered by Check")
	n := &notify.Notification{Event: event, Severity: al.Severity, Rule: rule,
		OrgID: org.ID, OrgName: org.Name, ServiceID: al.ServiceID, ServiceName: al.ServiceName,
		Status: al.LastStatus, Error: al.LastError, Since: al.FiredAt, ResolvedAt: al.ResolvedAt,
		AlertID: al.ID, AlertURL: sm.cfg.BaseURL + "/alerts/" + al.ID, DedupKey: "alertifypro-alert-" + al.ID,
		FailingRegions: al.FailingRegions}
	if svc != nil {
		n.Endpoint, n.CheckType = svc.Endpoint, svc.CheckType
	}
	// Titles read as a person would write them ("Toggle API is down"), not as the alert's
	// "<rule> Triggered by Check"; whoever acted is named, never by ID.
	w := wordsOf(tx, al)
	switch event {
	case eventFired, eventReminder:
		n.AckURL = sm.AckURL(al.OrgID, al.ID, now.Add(sm.cfg.AckTTL))
		n.Title, n.Summary = w.down(), w.down()
		if event == eventReminder {
			n.Title, n.Summary = w.stillDown(), w.stillDown()
		}
		if al.LastError != "" && !w.heartbeat {
			n.Summary += ": " + al.LastError
		} else if al.LastError != "" {
			n.Summary = al.LastError
		}
	case eventAcknowledged:
		n.Actor = personName(tx, al.OrgID, al.AcknowledgedBy)
		n.Title = w.down() + ", acknowledged by " + n.Actor
		n.Summary = "The alert no longer escalates."
	case eventResolved:
		end := now
		if al.ResolvedAt != nil {
			end = *al.ResolvedAt
		}
		// The renderer says how long it was down, once, in words.
		n.DownFor = end.Sub(al.FiredAt).Round(time.Second)
		n.Error = ""
		switch al.ResolvedBy {
		case store.ResolvedByAuto:
			n.Title, n.Status = w.up(), store.StatusGreen
		case store.ResolvedByRuleDeleted, store.ResolvedByRuleChanged, ResolvedByServiceDeleted, ResolvedByHeartbeatDeleted:
			n.Title = w.subject + " alert closed: " + al.ResolvedBy
		default:
			n.Actor = personName(tx, al.OrgID, al.ResolvedBy)
			n.Title = w.subject + " alert resolved by " + n.Actor
		}
	}
	return n, nil
}

// monitorData and alertData are the "data" of the monitor.* and alert.* webhook events
// (SPEC §3.15).
type monitorData struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

type alertData struct {
	ID                  string     `json:"id"`
	Severity            string     `json:"severity"`
	Reason              string     `json:"reason"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	StartedAt           time.Time  `json:"started_at"`
	ResolvedAt          *time.Time `json:"resolved_at"`
	DowntimeSeconds     *int64     `json:"downtime_seconds"`
	ResponseTimeMS      int        `json:"response_time_ms"`
	// FailingRegions names the locations whose failures fired the alert of a service
	// checked from several (SPEC §8).
	FailingRegions []string `json:"failing_regions,omitempty"`
}

// eventData is the {"monitor": ..., "alert": ...} data of an alert's events.
func eventData(al *store.Alert, svc *store.Service, responseTimeMS int) map[string]any {
	ad := alertData{ID: al.ID, Severity: al.Severity, Reason: al.Message, ConsecutiveFailures: al.FailureCount,
		StartedAt: al.FiredAt, ResolvedAt: al.ResolvedAt, ResponseTimeMS: responseTimeMS, FailingRegions: al.FailingRegions}
	if al.ResolvedAt != nil {
		secs := int64(al.ResolvedAt.Sub(al.FiredAt) / time.Second)
		ad.DowntimeSeconds = &secs
	}
	data := map[string]any{"alert": ad}
	if svc != nil {
		// The type in lower case, as SPEC §3.15's payload writes it (the
		// service object keeps the stored upper case).
		data["monitor"] = monitorData{ID: svc.ID, Name: svc.Name, Type: strings.ToLower(svc.CheckType), URL: svc.Endpoint}
	}
	return data
}
