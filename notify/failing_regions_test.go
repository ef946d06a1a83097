package notify

import (
	"strings"
	"testing"
)

// Every channel names the locations that fail a service checked from several (SPEC §8).
func TestEverySenderNamesFailingLocations(t *testing.T) {
	for _, typ := range ChannelTypes() {
		if typ == "email" {
			continue // below: the message the SMTP sender sends
		}
		r := receiverFor(t, typ)
		n := firedNotification()
		n.FailingRegions = []string{"eu-west", "us-east"}
		mustSend(t, senderAt(t, typ, r), n)
		body := string(r.last(t).Body)
		if !strings.Contains(body, "eu-west") || !strings.Contains(body, "us-east") {
			t.Errorf("%s does not name the failing locations:\n%s", typ, body)
		}
	}
	n := firedNotification()
	n.FailingRegions = []string{"eu-west", "us-east"}
	m := renderMessage(n, channelsNow)
	if !strings.Contains(m.textBody(), "Failing locations: eu-west, us-east") || !strings.Contains(m.htmlBody(), "eu-west, us-east") {
		t.Errorf("the e-mail does not name the failing locations:\n%s\n%s", m.textBody(), m.htmlBody())
	}
}
