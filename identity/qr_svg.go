package identity

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrQuietZone is the blank border, in modules, that scanners need around a QR code.
const qrQuietZone = 4

// QRCodeSVG renders text as a QR code (error correction M) in an SVG document: one
// path of unit squares for the dark modules on a white background, scaled by the
// viewBox, so it stays sharp at any size and needs no image decoding in the browser.
func QRCodeSVG(text string) (string, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("encoding QR code: %w", err)
	}
	n := code.Bounds().Dx()
	size := n + 2*qrQuietZone
	var path strings.Builder
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if isDark(code.At(x, y)) {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+qrQuietZone, y+qrQuietZone)
			}
		}
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR code">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, size, size, size, size, path.String()), nil
}

// isDark reports whether a QR module is set.
func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}
