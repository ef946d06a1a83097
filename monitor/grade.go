package monitor

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// gradeResponseTime grades a passing result r by its response time against t's
// thresholds. Whole milliseconds are compared — the figure the result is stored and shown
// with — so "slow: 1 000 ms > 1 000 ms" can never be said, and the alert evaluator, which
// sees only the stored milliseconds, reaches the same verdict (alerting.resultLevel):
//
//   - above ResponseTimeCritical: RED, "slow: 8 412 ms > 8 000 ms";
//   - else above ResponseTimeWarning: YELLOW, "slow: 1 503 ms > 1 000 ms";
//   - else, when no warning threshold is set, above DegradedThreshold (the fallback, SPEC
//     §3.6 degraded_threshold_ms): YELLOW, "slow response: 1503 ms (threshold 1000 ms)",
//     worded as it always was.
//
// Every probe's passing result comes through here (passed), on the appliance and on an
// agent alike: the thresholds travel in the agent's assignment.
func gradeResponseTime(t *Target, r *Result) {
	ms := r.ResponseTime.Milliseconds()
	switch crit, warn := t.ResponseTimeCritical.Milliseconds(), t.ResponseTimeWarning.Milliseconds(); {
	case crit > 0 && ms > crit:
		r.Status, r.Error = StatusRed, slowReason(ms, crit)
	case warn > 0 && ms > warn:
		r.Status, r.Error = StatusYellow, slowReason(ms, warn)
	case warn <= 0 && t.DegradedThreshold > 0 && r.ResponseTime > t.DegradedThreshold:
		r.Status = StatusYellow
		r.Error = fmt.Sprintf("slow response: %d ms (threshold %d ms)", ms, t.DegradedThreshold.Milliseconds())
	}
}

// responseThresholds are s's response-time thresholds as durations (zero: unset).
func responseThresholds(s *store.Service) (warning, critical time.Duration) {
	return time.Duration(s.ResponseTimeWarningMS) * time.Millisecond, time.Duration(s.ResponseTimeCriticalMS) * time.Millisecond
}

// slowReason is the reason of a result over a response-time threshold:
// "slow: 8 412 ms > 8 000 ms", thousands grouped by a plain space as the README writes
// figures (SI style: a comma or a point would read as a decimal mark in some languages,
// and the reason is shown untranslated).
func slowReason(tookMS, limitMS int64) string {
	return "slow: " + groupThousands(tookMS) + " ms > " + groupThousands(limitMS) + " ms"
}

// groupThousands writes n with its thousands separated by spaces: 8412 → "8 412".
func groupThousands(n int64) string {
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatMillis writes a duration in milliseconds to the microsecond, thousands grouped and
// trailing zeros dropped: 312 ms → "312", 52 µs → "0.052", 1 234.5 ms → "1 234.5".
func formatMillis(d time.Duration) string {
	us := d.Microseconds()
	whole := groupThousands(us / 1000)
	frac := strings.TrimRight(fmt.Sprintf("%03d", us%1000), "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
