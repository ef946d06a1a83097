package api

import (
	"strings"
	"testing"
)

// TestOverallState pins the banner rule of a public page (overallState's doc comment).
func TestOverallState(t *testing.T) {
	const (
		up, deg, down, maint, unk = stateOperational, stateDegraded, stateMajorOutage, stateMaintenance, stateUnknown
	)
	for _, tc := range []struct {
		states []string
		want   string
	}{
		{nil, stateUnknown},
		{[]string{unk, unk}, stateUnknown},
		{[]string{up}, stateOperational},
		{[]string{up, unk}, stateOperational},
		{[]string{down}, stateMajorOutage},
		{[]string{down, down, unk}, stateMajorOutage},
		{[]string{up, down}, statePartialOutage},
		{[]string{deg, down}, statePartialOutage},
		{[]string{maint, down}, statePartialOutage},
		{[]string{up, deg}, stateDegraded},
		{[]string{maint, deg}, stateDegraded},
		{[]string{up, maint}, stateMaintenance},
	} {
		if got := overallState(tc.states); got != tc.want {
			t.Errorf("overallState(%v) = %s, want %s", tc.states, got, tc.want)
		}
	}
	if got := stateText(statePartialOutage); got != "Partial outage" {
		t.Errorf("partial outage reads %q", got)
	}
}

// TestBrandPaletteContrast: whatever brand colour a page has, the text colours derived from
// it reach 4.5:1 on both palettes' backgrounds, the header's text reaches 4.5:1 on the
// colour itself, and a colour that already reads well is kept as it is.
func TestBrandPaletteContrast(t *testing.T) {
	bgs := func(hexes ...string) []rgb {
		var out []rgb
		for _, h := range hexes {
			c, _ := parseHexColour(h)
			out = append(out, c)
		}
		return out
	}
	light, dark := bgs(lightPageBG, lightCardBG), bgs(darkPageBG, darkCardBG)
	for _, tc := range []struct {
		brand               string
		keepLight, keepDark bool
	}{
		{"#1d4ed8", true, false}, // deep blue: fine on white, too dark on slate
		{"#ffff00", false, true}, // yellow: unreadable on white
		{"#777777", false, false},
		{"#000000", true, false},
		{"#ffffff", false, true},
		{"#112233", true, false},
	} {
		p := newBrandPalette(tc.brand)
		lt, _ := parseHexColour(p.LightText)
		dt, _ := parseHexColour(p.DarkText)
		for _, bg := range light {
			if r := contrast(lt, bg); r < minTextContrast {
				t.Errorf("%s: light text %s has %.2f:1 on %s", tc.brand, p.LightText, r, bg.hex())
			}
		}
		for _, bg := range dark {
			if r := contrast(dt, bg); r < minTextContrast {
				t.Errorf("%s: dark text %s has %.2f:1 on %s", tc.brand, p.DarkText, r, bg.hex())
			}
		}
		c, _ := parseHexColour(tc.brand)
		on, _ := parseHexColour(p.OnPrimary)
		if r := contrast(c, on); r < minTextContrast {
			t.Errorf("%s: header text %s has %.2f:1", tc.brand, p.OnPrimary, r)
		}
		if (p.LightText == tc.brand) != tc.keepLight || p.LightAdjusted == tc.keepLight {
			t.Errorf("%s: light text %s (adjusted %v), want kept=%v", tc.brand, p.LightText, p.LightAdjusted, tc.keepLight)
		}
		if (p.DarkText == tc.brand) != tc.keepDark || p.DarkAdjusted == tc.keepDark {
			t.Errorf("%s: dark text %s (adjusted %v), want kept=%v", tc.brand, p.DarkText, p.DarkAdjusted, tc.keepDark)
		}
		css := p.css()
		if !strings.Contains(css, "--primary:"+tc.brand) || !strings.Contains(css, "prefers-color-scheme: dark") {
			t.Errorf("%s: css %q", tc.brand, css)
		}
	}
}
