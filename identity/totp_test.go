package identity

import (
	"strings"
	"testing"
	"time"
)

// TestCheckTOTPWindowAndReplay: a code is accepted one step either side of now, and never
// again once its step (or a later one) was accepted.
func TestCheckTOTPWindowAndReplay(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	now := time.Unix(1_800_000_015, 0)
	cur := TOTPStep(now)
	for _, d := range []int64{-1, 0, 1} {
		code, err := TOTPCode(secret, cur+d)
		if err != nil {
			t.Fatal(err)
		}
		if step, ok := CheckTOTP(secret, code, now, 0); !ok || step != cur+d {
			t.Errorf("step %+d: ok=%v step=%d", d, ok, step)
		}
		if _, ok := CheckTOTP(secret, code, now, cur+d); ok || !TOTPReplayed(secret, code, now, cur+d) {
			t.Errorf("step %+d accepted again after it was used", d)
		}
	}
	for _, d := range []int64{-2, 2} {
		code, _ := TOTPCode(secret, cur+d)
		if _, ok := CheckTOTP(secret, code, now, 0); ok {
			t.Errorf("step %+d is outside the window but was accepted", d)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := CheckTOTP(secret, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestRecoveryCodes: ten distinct codes in the readable alphabet, matched by digest in any
// case and spacing, and nothing else matches.
func TestRecoveryCodes(t *testing.T) {
	codes, digests, err := NewRecoveryCodes()
	if err != nil || len(codes) != RecoveryCodeCount || len(digests) != RecoveryCodeCount {
		t.Fatalf("%d codes, %d digests, %v", len(codes), len(digests), err)
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 11 || c[5] != '-' || strings.ContainsAny(c, "01OIL") || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
		if got := MatchRecoveryCode(digests, " "+strings.ToLower(strings.ReplaceAll(c, "-", " "))+" "); got != i {
			t.Errorf("code %d typed loosely matched %d", i, got)
		}
	}
	if MatchRecoveryCode(digests, "AAAAA-AAAAA") != -1 || MatchRecoveryCode(digests, "") != -1 {
		t.Error("a code that was not issued matched")
	}
}

// TestQRCodeSVG: a square SVG with a quiet zone and dark modules, and no text of the
// encoded URL in it (the secret is only in the module pattern).
func TestQRCodeSVG(t *testing.T) {
	svg, err := QRCodeSVG("otpauth://totp/AlertifyPro:ada@example.com?secret=JBSWY3DPEHPK3PXP&issuer=AlertifyPro")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `) || !strings.HasSuffix(svg, "</svg>") ||
		strings.Count(svg, "h1v1h-1z") < 200 || strings.Contains(svg, "JBSWY3DP") {
		t.Fatalf("svg: %.300s", svg)
	}
}
