package store

import (
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Names of the global buckets and of the keys in meta. They are constants (strings) rather
// than package-level []byte so that no caller can mutate them; []byte(name) is cheap.
const (
	bucketMeta          = "meta"
	bucketUsers         = "users"
	bucketIdxUserEmail  = "idx_user_email"
	bucketIdxUserOrgs   = "idx_user_orgs"
	bucketIdxOrgSlug    = "idx_org_slug"
	bucketIdxAPIKey     = "idx_api_key"
	bucketIdxInvitation = "idx_invitation"
	bucketOrgs          = "orgs"

	metaSchemaVersion = "schema_version"
	metaKeyCheck      = "key_check"
)

// bucketIdxStatusPageSlug is the global status-page slug index, lower(slug) → orgID + "/" +
// pageID, created on first write (store/status_pages.go).
const bucketIdxStatusPageSlug = "idx_status_page_slug"

// Names inside an organization's bucket (orgs/<orgID>/).
const (
	orgInfoKey      = "info"
	subMembers      = "members"
	subInvitations  = "invitations"
	subTeams        = "teams"
	subTeamMembers  = "team_members"
	subAPIKeys      = "api_keys"
	subServices     = "services"
	subAudit        = "audit"
	subOutbox       = "outbox"
	subOutboxIndex  = "outbox_index"
	subDeliveries   = "deliveries"
	subDeadLetters  = "dead_letters"
	subChannels     = "channels"
	subChannelNames = "channel_names"
	keySeparator    = "/"
	maxDeleteChunk  = 1000 // keys deleted per write transaction (ARCHITECTURE §2.6)
	appendFillRatio = 0.9  // FillPercent for append-only buckets; not persisted, set per tx
)

// orgSubBuckets lists the children created with every organization. Entity files that add
// a child later create it on first write (orgSub does) and treat a missing one as empty.
func orgSubBuckets() []string {
	return []string{subMembers, subInvitations, subTeams, subTeamMembers, subAPIKeys, subServices, subAudit}
}

// orgScopedIndexes lists global index buckets whose values are orgID + "/" + recordID; when an
// organization is deleted, every entry of these pointing at it is removed. Add new global
// indexes of that shape (heartbeat keys, status-page slugs, ...) here.
func orgScopedIndexes() []string {
	return []string{bucketIdxAPIKey, bucketIdxInvitation, bucketIdxHeartbeatKey, bucketIdxHeartbeatDue, bucketIdxStatusPageSlug,
		bucketIdxSubscriberToken, bucketIdxAgentToken, bucketIdxCalendarToken}
}

// NewID returns a new record ID, a UUIDv7 string: v7 IDs sort by creation time, so bucket
// order is age order. Store methods fill an empty ID with one and keep a given one, so a
// caller may name a record before writing it (the API does, so that the audit entry riding
// in the write already names the new record).
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// be64 encodes v as 8 big-endian bytes, so byte order equals numeric order.
func be64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// unixNanos returns t as non-negative unix nanoseconds for use in fixed-width keys (times
// before 1970 clamp to 0 rather than wrapping round to the far future).
func unixNanos(t time.Time) uint64 {
	n := t.UnixNano()
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// auditKey is be64(unix nanos) + be64(seq): time-ordered, and seq keeps entries with the same
// timestamp distinct and in insertion order.
func auditKey(ts time.Time, seq uint64) []byte {
	return append(be64(unixNanos(ts)), be64(seq)...)
}

// compositeKey joins the parts of a two-level key ("userID/orgID", "teamID/userID").
func compositeKey(a, b string) []byte {
	return []byte(a + keySeparator + b)
}

// splitComposite splits a compositeKey value (or an "orgID/recordID" index value).
func splitComposite(v []byte) (a, b string, ok bool) {
	a, b, ok = strings.Cut(string(v), keySeparator)
	return a, b, ok && a != "" && b != ""
}

// emailKey is the idx_user_email key: e-mails are compared case-insensitively.
func emailKey(email string) []byte {
	return []byte(strings.ToLower(strings.TrimSpace(email)))
}

// slugify derives a URL slug from a name: lower-case ASCII letters and digits, runs of
// anything else become one "-". An empty result becomes "org".
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		return "org"
	}
	return s
}

// slugCandidate returns base for n == 1 and base-n after that (-2, -3, ...).
func slugCandidate(base string, n int) string {
	if n == 1 {
		return base
	}
	return base + "-" + strconv.Itoa(n)
}
