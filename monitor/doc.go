// Package monitor is AlertifyPro's monitoring engine: one probe per check
// type (probe_<type>.go), the scheduler that decides what is due, and the
// recorder that commits results in groups.
//
// A probe is a plain function of a Target and an Env. It never opens a
// connection of its own: every dial goes through Env.Dial (in production the
// egress guard, in tests a loopback dialer), so the egress policy applies to
// every check type. A probe never panics and never returns without a Result:
// failures are results (RED with a short human error), and a failure of our
// own making (egress refused, ICMP unavailable) is marked Internal so the
// alerting pipeline treats it as a configuration problem, not an outage.
package monitor
