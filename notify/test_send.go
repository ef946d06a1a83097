package notify

import (
	"context"
	"fmt"
	"slices"
)

// testEventClose is the event that ends a test notification at an incident tracker.
const testEventClose = "test.resolved"

// incidentTrackerTypes keep an incident open until told it resolved.
var incidentTrackerTypes = []string{"pagerduty", "opsgenie"}

// SendTest makes a channel's test delivery of n (Event "test") with s, the sender of a
// channel of type typ, and answers the provider's answer to it. PagerDuty and Opsgenie
// open a real incident for it (a trigger, a P5 alert), so SendTest resolves or closes it
// at once, by the same key: a test never leaves an incident open (SPEC §12). A close the
// provider refuses is an error saying so, with the test's own answer.
func SendTest(ctx context.Context, typ string, s Sender, n *Notification) (Attempt, error) {
	a, err := s.Send(ctx, n)
	if err != nil || !slices.Contains(incidentTrackerTypes, typ) {
		return a, err
	}
	closing := *n
	closing.Event, closing.Summary = testEventClose, "The test is over; nothing is wrong."
	if _, cerr := s.Send(ctx, &closing); cerr != nil {
		return failed(a, false, fmt.Errorf("%s: the test incident was opened but not resolved: %w", typ, cerr))
	}
	return a, nil
}
