package api

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Second-factor attempts (SPEC §10): 5 failures per 15 minutes per account, kept in the
// account's record so every request (and every node of a cluster) sees the same count,
// and checked in the transaction that checks the code, so concurrent guesses cannot all
// slip under the limit.
const (
	mfaAttemptLimit  = 5
	mfaAttemptWindow = 15 * time.Minute
)

// mfaBlockedUntil drops failures older than the window and reports until when the
// account may not try again; ok is false while it may.
func mfaBlockedUntil(m *store.MFA, now time.Time) (until time.Time, blocked bool) {
	kept := m.Failures[:0]
	for _, f := range m.Failures {
		if now.Sub(f) < mfaAttemptWindow {
			kept = append(kept, f)
		}
	}
	m.Failures = kept
	if len(kept) < mfaAttemptLimit {
		return time.Time{}, false
	}
	return kept[len(kept)-mfaAttemptLimit].Add(mfaAttemptWindow), true
}

// mfaCheck is the outcome of one second-factor attempt, decided inside the account's
// transaction and answered after it commits.
type mfaCheck struct {
	ok     bool
	reason string    // why it failed: wrong_code, code_reused, rate_limited, ...
	until  time.Time // rate_limited: when the next attempt is allowed
	method string    // what succeeded (methodPasswordTOTP, ...)
}

// fail records a failed attempt at now in m (so it counts against the limit) with reason.
func (o *mfaCheck) fail(m *store.MFA, now time.Time, reason string) {
	m.Failures = append(m.Failures, now)
	o.ok, o.reason = false, reason
}

// answer is the error a failed attempt gets; nil when it succeeded.
func (o *mfaCheck) answer(now time.Time) error {
	if o.ok {
		return nil
	}
	if o.reason == "rate_limited" {
		return errRateLimited(now, o.until)
	}
	e := &Error{Status: 401, Code: "unauthorized", Message: mfaFailureMessages[o.reason]}
	if e.Message == "" {
		e.Message = "The second factor was not accepted."
	}
	return e
}

// mfaFailureMessages say what went wrong in words a person can act on; the reason
// itself goes to the audit log.
var mfaFailureMessages = map[string]string{
	"wrong_code":             "The code is not valid. Check your authenticator app's clock and try the current code.",
	"code_reused":            "This code was used already. Wait for the next code of your authenticator app.",
	"wrong_recovery_code":    "The recovery code is not valid.",
	"recovery_code_reused":   "This recovery code was used already; each works once.",
	"no_totp":                "Two-factor sign-in with an authenticator app is not set up for this account.",
	"passkey_refused":        "The passkey was not accepted. Try again with a passkey registered to this account.",
	"passkey_not_started":    "Ask for a passkey challenge first (POST /api/v1/auth/mfa/passkey).",
	"mfa_token_expired":      "This sign-in step has expired; sign in with your password again.",
	"mfa_token_used":         "This sign-in step is unknown or was used already; sign in with your password again.",
	"mfa_token_as_session":   "This is a sign-in step, not a session: finish it at POST /api/v1/auth/mfa.",
	"enrolment_not_started":  "Start the set-up first (POST /api/v1/profile/mfa/totp).",
	"wrong_password":         "The password is incorrect.",
	"totp_already_enabled":   "An authenticator app is already set up; disable it first to set up another.",
	"missing_second_factor":  "Give exactly one of code, recovery_code or credential.",
	"enrolment_code_invalid": "The code is not valid. Scan the QR code again and enter the current code.",
}
