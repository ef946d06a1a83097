package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// prometheusHandlers serves GET /metrics in the Prometheus text format (SPEC §3.20). It
// lives outside /api/v1 and its token authentication: it is off (404, like any unknown
// path) while METRICS_TOKEN is unset, and otherwise needs
// "Authorization: Bearer <METRICS_TOKEN>", compared in constant time.
type prometheusHandlers struct {
	*base
}

// serve authenticates the scraper and writes the exposition. The text is rendered into a
// buffer first, so a store error is a clean 500 rather than a truncated 200.
func (h *prometheusHandlers) serve(c *gin.Context) error {
	want := h.cfg.MetricsToken
	if want == "" {
		return errNotFound("Route")
	}
	got, ok := bearerToken(c.GetHeader("Authorization"))
	// Digests first: ConstantTimeCompare leaks the length of unequal-length inputs.
	gd, wd := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	if subtle.ConstantTimeCompare(gd[:], wd[:]) != 1 || !ok {
		c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
		return errUnauthorized()
	}
	var buf bytes.Buffer
	if err := h.write(&buf); err != nil {
		return err
	}
	if h.cluster != nil {
		writeClusterMetrics(c.Request.Context(), &buf, h.cluster)
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", buf.Bytes())
	return nil
}

// write renders the per-service gauges from each service's stored current state, then the
// engine's counters and histograms (when this process runs an engine) and the database
// file size. Services of every organization are included: the endpoint is for the
// operator of the instance.
func (h *prometheusHandlers) write(w io.Writer) error {
	var up, quorum, rt, cert bytes.Buffer
	now, builtin := h.now(), h.cfg.BuiltinLocation()
	err := h.store.ForEachService(func(s *store.Service) error {
		service := []string{"service_id", s.ID, "organization_id", s.OrgID, "name", s.Name, "check_type", s.CheckType}
		// The latest result's location: a service of one location has only that one.
		latest := locationsView(s, builtin)[0]
		if s.MultiLocation() {
			latest = s.LastLocation
			// Each location's latest status, and the service's quorum verdict.
			for _, loc := range s.Locations {
				if !s.Paused && s.Status != statusMaintenance {
					upSample(&up, "alertifypro_service_up", promLabels(append(service, "location", loc)...), s.LocationStatus[loc])
				}
			}
			upSample(&quorum, "alertifypro_service_quorum_up", promLabels(service...), s.Status)
		} else {
			upSample(&up, "alertifypro_service_up", promLabels(append(service, "location", latest)...), s.Status)
		}
		labels := promLabels(append(service, "location", latest)...)
		if s.LastResponseTimeMS != nil {
			fmt.Fprintf(&rt, "alertifypro_service_response_time_ms%s %d\n", labels, *s.LastResponseTimeMS)
		}
		if s.Certificate != nil {
			fmt.Fprintf(&cert, "alertifypro_service_cert_expiry_seconds%s %d\n", labels,
				int64(s.Certificate.ValidTo.Sub(now).Seconds()))
		}
		return nil
	})
	if err != nil {
		return err
	}
	family(w, "alertifypro_service_up", "gauge", "1 when the service's last check from the location passed (GREEN or YELLOW), 0 when it failed (RED).", &up)
	family(w, "alertifypro_service_quorum_up", "gauge", "For a service checked from several locations: 1 while fewer than its quorum of them fail, 0 when at least its quorum fail.", &quorum)
	family(w, "alertifypro_service_response_time_ms", "gauge", "Response time of the service's last check (from the location labelled), in milliseconds.", &rt)
	family(w, "alertifypro_service_cert_expiry_seconds", "gauge", "Seconds until the TLS certificate the service's last check saw expires (negative once expired).", &cert)
	family(w, "alertifypro_checks_total", "counter", "Checks finished (the appliance's own and agents' recorded results), by location and result status.", h.checkCounts(builtin))
	if h.engine != nil {
		h.engine.Metrics.WritePrometheus(w)
	}
	if info, err := os.Stat(h.store.Path()); err == nil {
		family(w, "alertifypro_database_size_bytes", "gauge", "Size of the database file on disk.",
			strings.NewReader("alertifypro_database_size_bytes "+strconv.FormatInt(info.Size(), 10)+"\n"))
	}
	family(w, "alertifypro_build_info", "gauge", "Always 1; the version label names the running build.",
		strings.NewReader("alertifypro_build_info"+promLabels("version", h.version)+" 1\n"))
	return nil
}

// upSample writes one sample of an up gauge (name) for status: only a checked,
// active service (or location) is up or down; PENDING, PAUSED and MAINTENANCE have no
// sample rather than a misleading 0.
func upSample(b *bytes.Buffer, name, labels, status string) {
	switch status {
	case statusGreen, statusYellow:
		fmt.Fprintf(b, "%s%s 1\n", name, labels)
	case statusRed:
		fmt.Fprintf(b, "%s%s 0\n", name, labels)
	}
}

// AgentResultCounts counts the results agents reported, by location and status.
type AgentResultCounts interface {
	Counts() map[string]map[string]uint64
}

// checkCounts are the alertifypro_checks_total samples: the engine's checks under the
// built-in location, each agent location's recorded results under its own.
func (h *prometheusHandlers) checkCounts(builtin string) io.Reader {
	counts := map[string]map[string]uint64{}
	if h.agentResults != nil {
		counts = h.agentResults.Counts()
	}
	if h.engine != nil {
		counts[builtin] = h.engine.Metrics.CheckCounts()
	}
	var b bytes.Buffer
	for _, loc := range slices.Sorted(maps.Keys(counts)) {
		for _, st := range []string{statusGreen, statusYellow, statusRed} {
			fmt.Fprintf(&b, "alertifypro_checks_total%s %d\n", promLabels("location", loc, "status", st), counts[loc][st])
		}
	}
	return &b
}

// family writes one metric family: its HELP and TYPE lines, then its samples.
func family(w io.Writer, name, typ, help string, samples io.Reader) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	_, _ = io.Copy(w, samples)
}

// promLabels renders {k1="v1",k2="v2"} from name/value pairs.
func promLabels(kv ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString(`="`)
		b.WriteString(promEscaper.Replace(kv[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// promEscaper escapes a label value as the text format defines it: backslash, double
// quote and line feed, and nothing else (Go's %q escapes differ: \t, \x00, \u2028 are not
// understood by Prometheus parsers). A carriage return is replaced, as a bare one would
// upset line-oriented readers.
var promEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", " ")
