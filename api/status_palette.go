package api

import (
	"fmt"
	"math"
	"strconv"
)

// The public status page keeps every text at WCAG AA contrast (4.5:1, SPEC §3.16) in its
// light and its dark palette. A page's brand colour is the owner's choice and may be any
// colour, so it is used as given only where it is a surface (the header band, whose text
// is black or white, whichever reads better on it) and, for text and links, moved towards
// black (light palette) or white (dark palette) until it reaches 4.5:1 against the
// palette's backgrounds. These backgrounds are the ones page.css declares.
const (
	lightPageBG = "#f9fafb" // --bg
	lightCardBG = "#ffffff" // --card
	darkPageBG  = "#0f172a"
	darkCardBG  = "#1e293b"
	// minTextContrast is WCAG AA's ratio for normal-size text.
	minTextContrast = 4.5
)

// rgb is a colour with channels in 0..1.
type rgb struct{ r, g, b float64 }

// parseHexColour reads "#rrggbb" (validated when the page was saved).
func parseHexColour(s string) (rgb, bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255}, true
}

// hex renders the colour as "#rrggbb".
func (c rgb) hex() string {
	ch := func(x float64) int { return int(math.Round(math.Max(0, math.Min(1, x)) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", ch(c.r), ch(c.g), ch(c.b))
}

// luminance is WCAG 2's relative luminance.
func (c rgb) luminance() float64 {
	lin := func(x float64) float64 {
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is WCAG 2's contrast ratio of two colours (1 to 21).
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// mix moves c the fraction t of the way towards to.
func mix(c, to rgb, t float64) rgb {
	return rgb{c.r + (to.r-c.r)*t, c.g + (to.g-c.g)*t, c.b + (to.b-c.b)*t}
}

// readableOn returns c, or c moved towards towards in small steps, so that it reaches
// minTextContrast against every background (the first step that does, so the brand's hue
// stays as close as the backgrounds allow). It reports whether c had to change.
func readableOn(c, towards rgb, backgrounds ...rgb) (rgb, bool) {
	ok := func(x rgb) bool {
		for _, bg := range backgrounds {
			// Compare the colour as it will be written (rounded to #rrggbb).
			if y, _ := parseHexColour(x.hex()); contrast(y, bg) < minTextContrast {
				return false
			}
		}
		return true
	}
	for i := 0; i <= 100; i++ {
		if x := mix(c, towards, float64(i)/100); ok(x) {
			return x, i > 0
		}
	}
	return towards, true
}

// brandPalette is the CSS variables of a brand colour: --primary (the colour itself, the
// header band), --on-primary (black or white text on it), and --brand-text for links and
// other brand-coloured text in the light and dark palettes.
type brandPalette struct {
	Primary, OnPrimary, LightText, DarkText string
	// Adjusted says the colour itself was too light (or too dark) for text in a palette.
	LightAdjusted, DarkAdjusted bool
}

// newBrandPalette derives the palette of a "#rrggbb" brand colour.
func newBrandPalette(hex string) brandPalette {
	c, ok := parseHexColour(hex)
	if !ok {
		c, _ = parseHexColour(defaultBrandColour)
	}
	black, white := rgb{0, 0, 0}, rgb{1, 1, 1}
	p := brandPalette{Primary: c.hex(), OnPrimary: "#ffffff"}
	if contrast(c, black) > contrast(c, white) {
		p.OnPrimary = "#000000"
	}
	lightBG, _ := parseHexColour(lightPageBG)
	lightCard, _ := parseHexColour(lightCardBG)
	darkBG, _ := parseHexColour(darkPageBG)
	darkCard, _ := parseHexColour(darkCardBG)
	light, la := readableOn(c, black, lightBG, lightCard)
	dark, da := readableOn(c, white, darkBG, darkCard)
	p.LightText, p.DarkText, p.LightAdjusted, p.DarkAdjusted = light.hex(), dark.hex(), la, da
	return p
}

// defaultBrandColour is the brand colour of a page without one.
const defaultBrandColour = "#2563eb"

// css renders the palette as custom properties for both colour schemes.
func (p brandPalette) css() string {
	return ":root{--primary:" + p.Primary + ";--on-primary:" + p.OnPrimary + ";--brand-text:" + p.LightText + "}\n" +
		"@media (prefers-color-scheme: dark){:root{--brand-text:" + p.DarkText + "}}\n"
}
