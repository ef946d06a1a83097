package api

import (
	"sort"
	"strings"
)

// unlimited is the value of any plan cap that does not apply, in this table,
// in store.Organization.MaxServices and in every response: -1 means
// "no cap" everywhere. Code that enforces a cap treats any value < 0 as
// unlimited (see capReached).
const unlimited = -1

// Plan names (SPEC §2.2). Registration gives planFree.
const (
	planFree         = "free"
	planStarter      = "starter"
	planProfessional = "professional"
	planEnterprise   = "enterprise"
)

// planLimit is what one plan allows. Every field uses unlimited (-1) for
// "no cap".
type planLimit struct {
	// MaxServices caps the organization's services; it is copied into
	// Organization.MaxServices when the plan is set, and the instance admin
	// may override that copy per organization.
	MaxServices int
	// MaxSubscribers caps the subscribers of one status page.
	MaxSubscribers int
	// API-key rate limits (SPEC §2.4): requests per minute and per day, and
	// the burst the per-minute bucket holds.
	APIKeyPerMinute int
	APIKeyPerDay    int
	APIKeyBurst     int
}

// planLimits is the one plan table (SPEC §2.2 and §2.4); the organization,
// admin, services, status-page and rate-limit code all read it. It is never
// written after start-up.
var planLimits = map[string]planLimit{
	planFree: {MaxServices: 5, MaxSubscribers: 100,
		APIKeyPerMinute: 30, APIKeyPerDay: 1_000, APIKeyBurst: 50},
	planStarter: {MaxServices: 25, MaxSubscribers: 1_000,
		APIKeyPerMinute: 60, APIKeyPerDay: 10_000, APIKeyBurst: 100},
	planProfessional: {MaxServices: 100, MaxSubscribers: 10_000,
		APIKeyPerMinute: 300, APIKeyPerDay: 100_000, APIKeyBurst: 500},
	planEnterprise: {MaxServices: unlimited, MaxSubscribers: unlimited,
		APIKeyPerMinute: unlimited, APIKeyPerDay: unlimited, APIKeyBurst: unlimited},
}

// limitsOf returns the limits of plan. An unknown plan name (a database
// written by a newer version, say) gets the free plan's limits, so a
// surprise never lifts a cap.
func limitsOf(plan string) planLimit {
	if l, ok := planLimits[plan]; ok {
		return l
	}
	return planLimits[planFree]
}

// capReached reports whether count already uses up max; a negative max is
// unlimited.
func capReached(max, count int) bool {
	return max >= 0 && count >= max
}

// planNames lists the plans for error messages, cheapest first.
func planNames() string {
	names := make([]string, 0, len(planLimits))
	for n := range planLimits {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return rankOfPlan(names[i]) < rankOfPlan(names[j])
	})
	return strings.Join(names, ", ")
}

// rankOfPlan orders plans by their service cap, unlimited last.
func rankOfPlan(name string) int {
	if m := planLimits[name].MaxServices; m >= 0 {
		return m
	}
	return int(^uint(0) >> 1)
}
