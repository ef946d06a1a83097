package monitor

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// defaultSSLWarnDays is the certificate warning window when a check has no
// ssl_warn_days option (the API's default; WebSocket has no such option).
const defaultSSLWarnDays = 30

// certificateOf describes the leaf certificate of a TLS connection, or
// returns nil when the peer presented none. Every TLS-speaking probe fills
// Result.Certificate with it.
func certificateOf(state tls.ConnectionState, now time.Time) *Certificate {
	if len(state.PeerCertificates) == 0 {
		return nil
	}
	return describeCertificate(state.PeerCertificates[0], now)
}

// describeCertificate is certificateOf for one parsed certificate; a failed
// handshake still yields the (unverified) leaf through it.
func describeCertificate(c *x509.Certificate, now time.Time) *Certificate {
	subject := c.Subject.CommonName
	if subject == "" && len(c.DNSNames) > 0 {
		// Modern certificates often leave the CN empty: the first SAN is
		// what a person recognises the certificate by.
		subject = c.DNSNames[0]
	}
	if subject == "" {
		subject = certName(c.Subject)
	}
	return &Certificate{
		Issuer:   certName(c.Issuer),
		Subject:  subject,
		DNSNames: slices.Clone(c.DNSNames),
		// UTC: the stored JSON must not depend on the appliance's zone.
		ValidFrom:       c.NotBefore.UTC(),
		ValidTo:         c.NotAfter.UTC(),
		DaysUntilExpiry: certDaysUntil(c.NotAfter, now),
		Fingerprint:     certFingerprint(c),
	}
}

// certName is the short form of a distinguished name: its CN, else its
// organisation, else the whole name.
func certName(n pkix.Name) string {
	switch {
	case n.CommonName != "":
		return n.CommonName
	case len(n.Organization) > 0:
		return n.Organization[0]
	}
	return n.String()
}

// certDaysUntil counts whole days from now to t, rounded down (an expired
// certificate has a negative count).
func certDaysUntil(t, now time.Time) int {
	return int(math.Floor(t.Sub(now).Hours() / 24))
}

// certificateWindow grades a certificate's validity window at now: RED when
// it has expired (or is not valid yet), YELLOW when it expires within
// warnDays, "" (fine) otherwise; msg says why.
func certificateWindow(c *Certificate, now time.Time, warnDays int) (status, msg string) {
	switch {
	case c == nil:
		return "", ""
	case now.After(c.ValidTo):
		return StatusRed, "certificate expired on " + c.ValidTo.UTC().Format(time.DateOnly)
	case now.Before(c.ValidFrom):
		return StatusRed, "certificate not valid before " + c.ValidFrom.UTC().Format(time.DateOnly)
	case c.ValidTo.Sub(now) < time.Duration(warnDays)*24*time.Hour:
		switch days := certDaysUntil(c.ValidTo, now); days {
		case 0:
			return StatusYellow, "certificate expires in less than a day"
		case 1:
			return StatusYellow, "certificate expires in 1 day"
		default:
			return StatusYellow, "certificate expires in " + strconv.Itoa(days) + " days"
		}
	}
	return "", ""
}

// gradeCertificate folds r.Certificate's window into a passing result. A
// certificate problem outranks slowness; a result that already failed is
// left alone. With lenient set (HTTP with verify_tls false: the user chose
// not to have certificate problems fail the check), an expired certificate
// only warns.
func gradeCertificate(r *Result, now time.Time, warnDays int, lenient bool) {
	status, msg := certificateWindow(r.Certificate, now, warnDays)
	if status == "" || r.Status == StatusRed {
		return
	}
	if status == StatusRed && lenient {
		status = StatusYellow
	}
	if r.Status == StatusYellow && status == StatusYellow && r.Error != "" {
		msg += "; " + r.Error // keep the slowness too: both are worth knowing
	}
	r.Status, r.Error = status, msg
}

// describeTLSError words a certificate verification failure from a TLS
// handshake and recovers the unverified leaf. ok is false for any other
// error, which the caller words itself.
func describeTLSError(err error, now time.Time) (msg string, cert *Certificate, ok bool) {
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		return "", nil, false
	}
	if len(verr.UnverifiedCertificates) > 0 {
		cert = describeCertificate(verr.UnverifiedCertificates[0], now)
	}
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(verr.Err, &invalid) && invalid.Reason == x509.Expired && invalid.Cert != nil:
		// The same words as certificateWindow, whether or not the failing
		// certificate is the leaf.
		if now.Before(invalid.Cert.NotBefore) {
			return "certificate not valid before " + invalid.Cert.NotBefore.UTC().Format(time.DateOnly), cert, true
		}
		return "certificate expired on " + invalid.Cert.NotAfter.UTC().Format(time.DateOnly), cert, true
	case errors.As(verr.Err, &unknown):
		// Its own text may append a long "possibly because of ..." note.
		return "TLS certificate invalid: x509: certificate signed by unknown authority", cert, true
	}
	return "TLS certificate invalid: " + netClip(verr.Err.Error(), 120), cert, true
}

// netClip shortens s to at most n runes, marking the cut with "…", so that
// text quoted from a server keeps error messages short.
func netClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// netQuote quotes at most 60 runes of text received from a server.
func netQuote(s string) string {
	return fmt.Sprintf("%q", netClip(s, 60))
}

// certFingerprint is the hex SHA-256 of c's DER encoding, the usual way to tell two
// certificates apart.
func certFingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
