package store

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// changeFixture is an organization with a webhook subscribed to member.removed, on a store
// whose audit writes fail while failAudit is set.
type changeFixture struct {
	db        *DB
	org       *Organization
	member    *User
	failAudit atomic.Bool
}

var errAuditInjected = errors.New("audit log unwritable (injected)")

func newChangeFixture(t *testing.T) *changeFixture {
	t.Helper()
	f := &changeFixture{}
	f.db = openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock(),
		BeforeAudit: func(string, *AuditEntry) error {
			if f.failAudit.Load() {
				return errAuditInjected
			}
			return nil
		}})
	_, f.org, _ = mustRegister(t, f.db, "owner@example.com", "Owner")
	f.member, _, _ = mustRegister(t, f.db, "member@example.com", "Member")
	if err := f.db.AddMember(f.org.ID, &Membership{UserID: f.member.ID, Role: "member"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateWebhook(f.org.ID, &Webhook{Events: []string{"member.removed"}, Enabled: true}, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// removal is the Change the API hands RemoveMember: an entry and a webhook event.
func (f *changeFixture) removal() *Change {
	return &Change{
		Audit:  []*AuditEntry{{Event: "member.removed", Resource: AuditResource{Type: "member", ID: f.member.ID}}},
		Events: []*Event{{Name: "member.removed", Data: map[string]any{"member": map[string]any{"user_id": f.member.ID}}}},
	}
}

// state reports whether the member is still there, and counts the audit entries and
// queued deliveries.
func (f *changeFixture) state(t *testing.T) (member bool, audit, outbox int) {
	t.Helper()
	_, err := f.db.Membership(f.org.ID, f.member.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	member = err == nil
	entries, _, err := f.db.AuditLogs(f.org.ID, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	depth, err := f.db.OutboxDepth()
	if err != nil {
		t.Fatal(err)
	}
	return member, len(entries), depth
}

func (f *changeFixture) commits(t *testing.T) uint64 {
	t.Helper()
	n, err := f.db.Commits()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A change, its audit entry and its webhook event commit in one write transaction.
func TestChangeCommitsWithItsWriteInOneTransaction(t *testing.T) {
	f := newChangeFixture(t)
	before := f.commits(t)
	if err := f.db.RemoveMember(f.org.ID, f.member.ID, f.removal()); err != nil {
		t.Fatal(err)
	}
	if n := f.commits(t) - before; n != 1 {
		t.Fatalf("RemoveMember with its audit entry and event took %d write transactions, want 1", n)
	}
	member, audit, outbox := f.state(t)
	if member || audit != 1 || outbox != 1 {
		t.Fatalf("after the change: member %v, %d audit entries, %d deliveries; want false, 1, 1", member, audit, outbox)
	}
	entries, _, _ := f.db.AuditLogs(f.org.ID, AuditFilter{})
	if e := entries[0]; e.ID == "" || e.Timestamp.IsZero() || e.Event != "member.removed" {
		t.Fatalf("entry = %+v, want an ID, a time and the event", e)
	}
}

// An audit entry that cannot be written takes the change and its event down with it.
func TestChangeFailingAuditRollsBackTheWrite(t *testing.T) {
	f := newChangeFixture(t)
	before := f.commits(t)
	f.failAudit.Store(true)
	if err := f.db.RemoveMember(f.org.ID, f.member.ID, f.removal()); !errors.Is(err, errAuditInjected) {
		t.Fatalf("RemoveMember = %v, want the audit failure", err)
	}
	member, audit, outbox := f.state(t)
	if !member || audit != 0 || outbox != 0 {
		t.Fatalf("after the failed change: member %v, %d audit entries, %d deliveries; want true, 0, 0", member, audit, outbox)
	}
	if n := f.commits(t) - before; n != 0 {
		t.Fatalf("a failed change committed %d write transactions", n)
	}
}

// A change must name its organization: entries are never dropped for want of a log.
func TestChangeWithoutOrganizationIsRefused(t *testing.T) {
	f := newChangeFixture(t)
	_, err := f.db.UpdateUser(f.member.ID, func(u *User) error {
		u.FullName = "Renamed"
		return nil
	}, "", &Change{Audit: []*AuditEntry{{Event: "user.updated"}}})
	if !errors.Is(err, errChangeWithoutOrg) {
		t.Fatalf("UpdateUser without an organization for its entry = %v", err)
	}
	if u, _ := f.db.User(f.member.ID); u.FullName != "Member" {
		t.Fatalf("the refused change was written: %q", u.FullName)
	}
}

// Methods that learn the organization from a token record the change there.
func TestChangeOfATokenMethodIsRecordedInItsOrganization(t *testing.T) {
	f := newChangeFixture(t)
	newcomer, _, _ := mustRegister(t, f.db, "new@example.com", "New")
	digest := []byte("0123456789abcdef0123456789abcdef")
	if err := f.db.CreateInvitation(f.org.ID, &Invitation{Email: newcomer.Email, Role: "viewer", Digest: digest}, nil); err != nil {
		t.Fatal(err)
	}
	inv, err := f.db.AcceptInvitation(digest, newcomer.ID, &Change{Audit: []*AuditEntry{{Event: "member.added"}}})
	if err != nil || inv.OrgID != f.org.ID {
		t.Fatalf("AcceptInvitation = %+v, %v", inv, err)
	}
	entries, _, _ := f.db.AuditLogs(f.org.ID, AuditFilter{})
	if len(entries) != 1 || entries[0].Event != "member.added" {
		t.Fatalf("inviting organization's log = %+v", entries)
	}
}

// The one write path: no store file but change.go opens a bbolt write transaction, so
// every write can carry a Change and be captured for replication (kv_test.go proves that
// nothing inside one bypasses the recording wrapper).
func TestOnlyTheWritePathOpensWriteTransactions(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	opener := regexp.MustCompile(`\.(Update|Batch|readWrite)\(|\.Begin\(true\)`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "change.go" {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, "kv") && opener.MatchString(line) {
				t.Errorf("%s:%d opens a write transaction outside update: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}
