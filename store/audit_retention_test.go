package store

import (
	"testing"
	"time"
)

// TestJanitorPrunesAuditByPlan: each plan keeps its own window (free 7 d, starter 30 d,
// professional 90 d, enterprise 1 y) and the instance admin's setting overrides it.
func TestJanitorPrunesAuditByPlan(t *testing.T) {
	db := openTestDB(t)
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		plan       string
		customDays int
		windowDays int
	}{
		{"free", 0, 7}, {"starter", 0, 30}, {"professional", 0, 90}, {"enterprise", 0, 365},
		{"free", 2 * 365, 730}, {"enterprise", MaxAuditRetentionDays, 7 * 365},
	}
	orgs := make([]string, len(cases))
	for i, c := range cases {
		_, org, _ := mustRegister(t, db, "user"+string(rune('a'+i))+"@example.com", "User "+string(rune('A'+i)))
		if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error {
			o.PlanType, o.AuditRetentionDays = c.plan, c.customDays
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		orgs[i] = org.ID
		window := time.Duration(c.windowDays) * day
		// Just outside the window, just inside it, and recent.
		for _, age := range []time.Duration{window + day, window + time.Minute, window - time.Minute, time.Hour} {
			if err := db.AppendAudit(org.ID, &AuditEntry{Timestamp: now.Add(-age), Event: "test.event",
				Metadata: map[string]any{"age_minutes": age.Minutes()}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := (&Janitor{DB: db, Now: func() time.Time { return now }}).Sweep(); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		left, _, err := db.AuditLogs(orgs[i], AuditFilter{Event: "test.event"})
		if err != nil {
			t.Fatal(err)
		}
		window := time.Duration(c.windowDays) * day
		if len(left) != 2 {
			t.Errorf("plan %s (custom %d d): %d entries left, want the 2 younger than %d days", c.plan, c.customDays, len(left), c.windowDays)
		}
		for _, e := range left {
			if now.Sub(e.Timestamp) > window {
				t.Errorf("plan %s: an entry %v old survived a %d-day window", c.plan, now.Sub(e.Timestamp), c.windowDays)
			}
		}
	}
}

func TestAuditRetentionWindow(t *testing.T) {
	for _, c := range []struct {
		org  Organization
		want time.Duration
	}{
		{Organization{PlanType: "free"}, 7 * day},
		{Organization{PlanType: "starter"}, 30 * day},
		{Organization{PlanType: "professional"}, 90 * day},
		{Organization{PlanType: "enterprise"}, 365 * day},
		{Organization{PlanType: "platinum"}, AuditRetention}, // unknown: never shorter than the SPEC's default
		{Organization{PlanType: "free", AuditRetentionDays: 400}, 400 * day},
	} {
		if got := c.org.AuditRetentionWindow(); got != c.want {
			t.Errorf("%+v: window %v, want %v", c.org, got, c.want)
		}
	}
}
