package reports

import (
	"fmt"
	"strconv"
	"time"
)

// fmtNum prints a figure with up to 3 decimals and no trailing zeros (99.9, 99.987).
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// optNum is fmtNum, or "–" for a figure there was nothing to compute from.
func optNum(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmtNum(*v)
}

// metText says whether the target was met; "–" when there was nothing to judge.
func metText(v *bool) string {
	switch {
	case v == nil:
		return "–"
	case *v:
		return "yes"
	}
	return "no"
}

// duration prints seconds as the two largest units ("2d 3h", "1h 5m", "4m 7s", "12s").
func duration(seconds float64) string {
	d := time.Duration(seconds * float64(time.Second)).Round(time.Second)
	days, h, m, s := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm %ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// optDuration is duration, or "–" when there was nothing to average.
func optDuration(v *float64) string {
	if v == nil {
		return "–"
	}
	return duration(*v)
}
