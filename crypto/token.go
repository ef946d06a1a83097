package crypto

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// minTokenSecretLen is the shortest HS256 secret accepted (SPEC §5). The
	// configuration enforces it too; checking here means a test or a wiring
	// mistake can never sign with an empty, forgeable key.
	minTokenSecretLen = 32
	// maxTokenLen bounds the work spent on a presented token; ours are a few
	// hundred bytes.
	maxTokenLen = 4096
)

// ErrInvalidToken reports a session token that is malformed, forged, signed
// with another algorithm or key, expired, or otherwise unacceptable. Verify
// wraps the reason for logs; callers match it with errors.Is and answer 401.
var ErrInvalidToken = errors.New("invalid token")

// Claims is the payload of a session JWT. Only exp and iat of the registered
// claims are set, so the JSON holds exactly user_id, tenant_id, email, tv, exp
// and iat.
type Claims struct {
	UserID       string `json:"user_id"`
	TenantID     string `json:"tenant_id"`
	Email        string `json:"email"`
	TokenVersion int    `json:"tv"` // bumped on password change and "log out everywhere"
	// Scope, when set, limits what the session may do (ScopeMFAEnrollment); absent on a
	// full session, so those tokens carry exactly the claims above.
	Scope string `json:"scope,omitempty"`
	jwt.RegisteredClaims
}

// TokenIssuer issues and verifies HS256 session tokens with one secret and a
// fixed lifetime.
type TokenIssuer struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
}

// NewTokenIssuer returns an issuer signing with secret (at least 32 bytes),
// giving tokens the lifetime ttl and reading the time from now (time.Now if
// nil). A short secret or a non-positive ttl makes Issue fail and Verify
// refuse everything.
func NewTokenIssuer(secret []byte, ttl time.Duration, now func() time.Time) *TokenIssuer {
	if now == nil {
		now = time.Now
	}
	return &TokenIssuer{
		secret: append([]byte(nil), secret...),
		ttl:    ttl,
		now:    now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithTimeFunc(now),
			// Canonical base64 only, so exactly one string verifies for
			// each issued token (no flipped padding bits).
			jwt.WithStrictDecoding(),
		),
	}
}

// ScopeMFAEnrollment is the scope of a session that may only enrol a second factor: what
// a member of an organization that requires one gets at sign-in until they have one.
const ScopeMFAEnrollment = "mfa_enrollment"

// Issue returns a signed token for the user acting in tenantID, with iat =
// now and exp = iat + ttl.
func (t *TokenIssuer) Issue(userID, tenantID, email string, version int) (string, error) {
	return t.IssueScoped(userID, tenantID, email, version, "")
}

// IssueScoped is Issue for a session limited to scope ("" is a full session).
func (t *TokenIssuer) IssueScoped(userID, tenantID, email string, version int, scope string) (string, error) {
	if len(t.secret) < minTokenSecretLen {
		return "", fmt.Errorf("token secret is %d bytes, need at least %d", len(t.secret), minTokenSecretLen)
	}
	if t.ttl <= 0 {
		return "", fmt.Errorf("token lifetime must be positive, got %s", t.ttl)
	}
	iat := jwt.NewNumericDate(t.now())
	claims := &Claims{
		UserID:       userID,
		TenantID:     tenantID,
		Email:        email,
		TokenVersion: version,
		Scope:        scope,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  iat,
			ExpiresAt: jwt.NewNumericDate(iat.Add(t.ttl)),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	if len(signed) > maxTokenLen {
		// Never hand out a token that Verify would refuse.
		return "", fmt.Errorf("token would be %d bytes, more than %d", len(signed), maxTokenLen)
	}
	return signed, nil
}

// Verify checks the token's HS256 signature, that exp is present and in the
// future and that iat is not in the future, and returns its claims. Checking
// the token version against the user is the caller's job. Every failure
// wraps ErrInvalidToken.
func (t *TokenIssuer) Verify(token string) (*Claims, error) {
	if len(t.secret) < minTokenSecretLen {
		return nil, fmt.Errorf("%w: token secret too short", ErrInvalidToken)
	}
	if len(token) > maxTokenLen || !isJWTAlphabet(token) {
		return nil, fmt.Errorf("%w: malformed", ErrInvalidToken)
	}
	claims := &Claims{}
	_, err := t.parser.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) {
		return t.secret, nil
	})
	if err != nil {
		// %v, not %w: callers depend on ErrInvalidToken, not on jwt's errors.
		return nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	return claims, nil
}

// isJWTAlphabet reports whether s holds only base64url characters and dots.
// Go's base64 decoder skips '\r' and '\n', which would otherwise let altered
// copies of a valid signature segment verify.
func isJWTAlphabet(s string) bool {
	return s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == ""
}
