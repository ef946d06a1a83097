// Package crypto holds every cryptographic primitive AlertifyPro uses, kept
// small, boring and checked so the rest of the code never touches a cipher,
// a hash or a JWT library directly:
//
//   - password.go: bcrypt hashing of user passwords (8–72 bytes, never
//     truncated), with a CPU-sized semaphore so a login flood cannot starve
//     the process and a dummy comparison that gives unknown e-mails the same
//     timing as known ones.
//   - seal.go: AES-256-GCM sealing of credentials at rest, laid out as
//     version | nonce | ciphertext, with associated data binding each
//     ciphertext to its organization and record; plus the key check value
//     stored in the database to detect a changed ENCRYPTION_KEY.
//   - token.go: HS256 session JWTs with the algorithm pinned and exp required.
//   - random.go: random bearer secrets (API keys, invitation, acknowledge and
//     heartbeat tokens), their SHA-256 digests and constant-time comparison.
//   - sign.go: HMAC-SHA256 signatures for outbound webhooks.
//
// The package imports nothing else of AlertifyPro and keeps no package-level
// mutable state: keys live in the structs their constructors return.
package crypto
