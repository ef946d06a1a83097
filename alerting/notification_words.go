package alerting

import (
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// Heartbeat alert messages (Alert.Message and LastError), which also tell a missed ping
// from an explicit failure when the alert is put into words.
const (
	heartbeatMissedMessage = "Heartbeat missed: no ping within its schedule and grace period"
	heartbeatFailedMessage = "Heartbeat reported a failure"
)

// alertWords is an alert in the words a person would use in a notification: its subject
// (the service, or the heartbeat, by name) and what happened to it, per event.
type alertWords struct {
	subject   string
	heartbeat bool
	missed    bool // a heartbeat's missed ping (not an explicit /fail)
	degraded  bool // a service YELLOW rather than RED
}

// wordsOf describes al. A heartbeat alert is named after its heartbeat (its rule's name
// when the heartbeat is gone).
func wordsOf(tx *store.AlertTx, al *store.Alert) alertWords {
	w := alertWords{subject: al.ServiceName, degraded: al.LastStatus == store.StatusYellow}
	if al.HeartbeatID != "" {
		w.heartbeat, w.missed = true, al.LastError != heartbeatFailedMessage
		if hb, err := tx.Heartbeat(al.OrgID, al.HeartbeatID); err == nil && hb.Name != "" {
			w.subject = hb.Name
		}
	}
	if w.subject == "" {
		w.subject = strings.TrimSuffix(al.Title, " Triggered by Check")
	}
	return w
}

// down is the title of a failure: "Toggle API is down", "Nightly backup missed its ping".
func (w alertWords) down() string {
	switch {
	case w.heartbeat && w.missed:
		return w.subject + " missed its ping"
	case w.heartbeat:
		return w.subject + " reported a failure"
	case w.degraded:
		return w.subject + " is degraded"
	}
	return w.subject + " is down"
}

// stillDown is the title of a reminder.
func (w alertWords) stillDown() string {
	switch {
	case w.heartbeat && w.missed:
		return w.subject + " is still missing its pings"
	case w.heartbeat:
		return w.subject + " is still failing"
	case w.degraded:
		return w.subject + " is still degraded"
	}
	return w.subject + " is still down"
}

// up is the title of a recovery: "Toggle API is up again".
func (w alertWords) up() string {
	if w.heartbeat {
		return w.subject + " is pinging again"
	}
	return w.subject + " is up again"
}

// personName names who acted on an alert: a member by name, never by ID; the one-click
// link, which carries no person, as such.
func personName(tx *store.AlertTx, orgID, by string) string {
	switch by {
	case "":
		return "a responder"
	case "link":
		return "someone through the alert's acknowledge link"
	}
	if name, err := tx.MemberName(orgID, by); err == nil {
		return name
	}
	return "a former member"
}
