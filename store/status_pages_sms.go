package store

// SMSSubscriptions is a status page's SMS subscription setting: whether visitors may
// subscribe a phone number, through which of the organization's twilio_sms notification
// channels the page texts them (its account, auth token and sender number; the channel's
// own "to" is not used), and whether only critical incidents are texted. The API
// validates that ChannelID names a twilio_sms channel of the page's organization.
type SMSSubscriptions struct {
	Enabled   bool   `json:"enabled"`
	ChannelID string `json:"channel_id,omitempty"`
	// CriticalOnly limits texts to the updates of incidents whose severity is critical,
	// and leaves maintenance announcements to e-mail: an SMS is paid per segment and
	// read on a lock screen. New pages start with it on.
	CriticalOnly bool `json:"critical_only"`
}

// Texts reports whether n is texted to the page's SMS subscribers: SMS subscriptions are
// on and, with CriticalOnly, n is an update of a critical incident.
func (s *SMSSubscriptions) Texts(n *SubscriberNotice) bool {
	switch {
	case !s.Enabled || s.ChannelID == "":
		return false
	case !s.CriticalOnly:
		return true
	}
	return n.Change != nil && n.Change.Incident != nil && n.Change.Incident.Severity == SeverityCritical
}
