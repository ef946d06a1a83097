package alerting

import (
	"bytes"
	"encoding/json"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// Certificate states the ssl.* events move between (store.CertNotice.State).
const (
	certValid    = "valid"
	certExpiring = "expiring"
	certExpired  = "expired"
)

// defaultSSLWarnDays is the warning window of a service without ssl_warn_days (SPEC §3.7).
const defaultSSLWarnDays = 30

// sslData is the data.ssl object of the ssl.* webhook events (SPEC §3.15).
type sslData struct {
	Hostname      string    `json:"hostname"`
	ExpiresAt     time.Time `json:"expires_at"`
	DaysRemaining int       `json:"days_remaining"`
	Issuer        string    `json:"issuer"`
}

// sslMonitorData is the data.monitor object of the ssl.* events.
type sslMonitorData struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

// certTransition announces, once per transition per certificate, what the result's
// certificate changed (SPEC §3.15): ssl.changed when the leaf's fingerprint differs from
// the one last seen, ssl.expiring when it enters the service's warning days, ssl.expired
// once it has expired. Each goes to the webhooks and, as a notification, to the channels
// of the rules that cover the service. What was announced is kept on the service record
// (CertNotice), which the recorder writes in this transaction, so a restart repeats
// nothing.
func (sm *StateMachine) certTransition(tx *store.AlertTx, ev *store.ResultEvent) error {
	svc, cert := ev.Service, ev.Result.Certificate
	if cert == nil || cert.ValidTo.IsZero() {
		return nil
	}
	at := ev.Result.CheckedAt
	state := certStateAt(cert, at, sslWarnDays(svc))
	prev := svc.CertNotice
	next := &store.CertNotice{Fingerprint: cert.Fingerprint, State: state}
	var events []string
	changed := prev != nil && prev.Fingerprint != "" && cert.Fingerprint != "" && prev.Fingerprint != cert.Fingerprint
	if changed {
		events = append(events, "ssl.changed")
	}
	// Judged against what was said about this same certificate; a new leaf (or the first
	// one seen) starts from valid, so an already expiring one is announced once.
	was := certValid
	if prev != nil && !changed {
		was = prev.State
	}
	switch {
	case state == certExpired && was != certExpired:
		events = append(events, "ssl.expired")
	case state == certExpiring && was == certValid:
		events = append(events, "ssl.expiring")
	}
	if prev != nil && *prev == *next && len(events) == 0 {
		return nil
	}
	svc.CertNotice = next
	for _, name := range events {
		if err := sm.announceCert(tx, ev, name, prev); err != nil {
			return err
		}
	}
	return nil
}

// certStateAt grades cert at t with the service's warning window.
func certStateAt(cert *store.Certificate, t time.Time, warnDays int) string {
	switch {
	case !t.Before(cert.ValidTo):
		return certExpired
	case cert.ValidTo.Sub(t) < time.Duration(warnDays)*24*time.Hour:
		return certExpiring
	}
	return certValid
}

// announceCert emits the ssl.* event name about the result's certificate and queues its
// notification to the channels of the service's rules; prev is what was announced before.
func (sm *StateMachine) announceCert(tx *store.AlertTx, ev *store.ResultEvent, name string, prev *store.CertNotice) error {
	svc, cert, at := ev.Service, ev.Result.Certificate, ev.Result.CheckedAt.UTC()
	data := sslData{Hostname: certHostname(svc.Endpoint), ExpiresAt: cert.ValidTo.UTC(),
		DaysRemaining: int(math.Floor(cert.ValidTo.Sub(at).Hours() / 24)), Issuer: cert.Issuer}
	mon := sslMonitorData{ID: svc.ID, Name: svc.Name, Type: strings.ToLower(svc.CheckType), URL: svc.Endpoint}
	if err := tx.Emit(ev.OrgID, &store.Event{Name: name, At: at, Data: map[string]any{"monitor": mon, "ssl": data}}); err != nil {
		return err
	}
	return sm.notifyCert(tx, ev, name, data, prev)
}

// certWords are the severity and the title of each ssl.* notification.
func certWords(name, subject string, d sslData) (severity, title string) {
	switch name {
	case "ssl.expired":
		return "critical", "The certificate of " + subject + " has expired"
	case "ssl.expiring":
		return "warning", "The certificate of " + subject + " expires in " + plural(d.DaysRemaining, "day")
	}
	return "info", "The certificate of " + subject + " has changed"
}

// plural is "1 day", "12 days".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// notifyCert queues the ssl.* notification to every channel the service's rules target
// (its own enabled rules and the organization-wide ones, or else the organization's
// default rule), once per channel, each channel's severity filter applying.
//
// Incident trackers (PagerDuty, Opsgenie) keep what they are sent open until it resolves:
// expiring and expired open (and update) one incident per certificate, and ssl.changed —
// the certificate was replaced — resolves the old certificate's incident when one was
// opened, and is not sent to them otherwise.
func (sm *StateMachine) notifyCert(tx *store.AlertTx, ev *store.ResultEvent, name string, d sslData, prev *store.CertNotice) error {
	svc := ev.Service
	rules, err := tx.ServiceRules(ev.OrgID, svc.ID)
	if err != nil {
		return err
	}
	org, err := tx.Org(ev.OrgID)
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		var def store.AlertRule
		defaultRule(&def, org, svc.Name)
		rules = []store.AlertRule{def}
	}
	severity, title := certWords(name, svc.Name, d)
	summary := d.Hostname + ": issued by " + d.Issuer + ", valid until " + d.ExpiresAt.Format("2 Jan 2006 15:04 MST") + "."
	seen := map[string]bool{}
	for i := range rules {
		targets, err := ruleTargets(tx, ev.OrgID, &rules[i], severity)
		if err != nil {
			return err
		}
		for _, ch := range targets {
			if seen[ch.ID] {
				continue
			}
			seen[ch.ID] = true
			n := &notify.Notification{Event: name, Severity: severity, Title: title, Summary: summary,
				OrgID: org.ID, OrgName: org.Name, ServiceID: svc.ID, ServiceName: svc.Name,
				Endpoint: svc.Endpoint, CheckType: svc.CheckType, Since: ev.Result.CheckedAt.UTC(),
				DedupKey: certDedupKey(svc.ID, ev.Result.Certificate.Fingerprint, d.ExpiresAt)}
			if name == "ssl.changed" && slices.Contains(incidentTrackers, ch.Type) {
				if prev == nil || prev.State == certValid {
					continue // nothing of the old certificate is open there
				}
				at := ev.Result.CheckedAt.UTC()
				n.ResolvedAt, n.DedupKey = &at, certDedupKey(svc.ID, prev.Fingerprint, time.Time{})
			}
			if err := sm.enqueueNotification(tx, ev.OrgID, store.OutboxKindChannel, ch.ID, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// certDedupKey names one certificate of a service at the incident trackers: by its
// fingerprint, or by its expiry when the fingerprint is unknown.
func certDedupKey(serviceID, fingerprint string, expires time.Time) string {
	if fingerprint == "" {
		return "alertifypro-ssl-" + serviceID + "-" + expires.UTC().Format("20060102")
	}
	return "alertifypro-ssl-" + serviceID + "-" + fingerprint[:min(16, len(fingerprint))]
}

// sslWarnDays is the service's ssl_warn_days option, or the default. It runs for every
// result with a certificate, so the stored options (compact JSON, as the API writes them)
// are scanned for the number before falling back to decoding them.
func sslWarnDays(svc *store.Service) int {
	if i := bytes.Index(svc.Options, warnDaysKey); i >= 0 {
		rest := svc.Options[i+len(warnDaysKey):]
		end := bytes.IndexAny(rest, ",}")
		if n, err := strconv.Atoi(string(rest[:max(end, 0)])); err == nil && n > 0 {
			return n
		}
	}
	var o struct {
		SSLWarnDays int `json:"ssl_warn_days"`
	}
	if len(svc.Options) > 0 && json.Unmarshal(svc.Options, &o) == nil && o.SSLWarnDays > 0 {
		return o.SSLWarnDays
	}
	return defaultSSLWarnDays
}

// warnDaysKey is how ssl_warn_days starts in the stored options.
var warnDaysKey = []byte(`"ssl_warn_days":`)

// certHostname is the host a certificate was checked for: a URL's host, a host:port's
// host, or a bare domain.
func certHostname(endpoint string) string {
	if strings.Contains(endpoint, "://") {
		if u, err := url.Parse(endpoint); err == nil {
			return u.Hostname()
		}
	}
	if host, _, err := net.SplitHostPort(endpoint); err == nil {
		return host
	}
	return endpoint
}
