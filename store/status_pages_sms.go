package store

// SMSSubscriptions is a status page's SMS subscription setting: whether visitors may
// subscribe a phone number, through which of the organization's twilio_sms notification
// channels the page texts them (its account, auth token and sender number; the channel's
// own "to" is not used), and whether every update is texted or only those of critical
// incidents. The API validates that ChannelID names a twilio_sms channel of the page's
// organization.
type SMSSubscriptions struct {
	Enabled   bool   `json:"enabled"`
	ChannelID string `json:"channel_id,omitempty"`
	// AllUpdates texts every incident update and maintenance start. Off (the zero value,
	// so also on pages saved before SMS existed) only the updates of incidents whose
	// severity is critical are texted and maintenance is left to e-mail: an SMS is paid
	// per segment and read on a lock screen. The API calls its negation critical_only.
	AllUpdates bool `json:"all_updates,omitempty"`
}

// Texts reports whether n is texted to the page's SMS subscribers: SMS subscriptions are
// on and, unless AllUpdates, n is an update of a critical incident.
func (s *SMSSubscriptions) Texts(n *SubscriberNotice) bool {
	switch {
	case !s.Enabled || s.ChannelID == "":
		return false
	case s.AllUpdates:
		return true
	}
	return n.Change != nil && n.Change.Incident != nil && n.Change.Incident.Severity == SeverityCritical
}
