// Package identity holds the account-side rules of SPEC §10 that are not HTTP: time-based
// one-time passwords (RFC 6238) with replay refusal, their enrolment QR code as SVG,
// recovery codes, and the WebAuthn relying party for passkeys. The api package routes to
// it; the store keeps what it produces (sealed secrets, digests, credentials).
package identity
