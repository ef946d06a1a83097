package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// pageAll follows a list's cursors to the end and returns every page's names.
func pageAll(t *testing.T, read func(cursor string) ([]Service, string, error)) [][]string {
	t.Helper()
	var pages [][]string
	cursor := ""
	for range 100 {
		items, next, err := read(cursor)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{}
		for _, s := range items {
			names = append(names, s.Name)
		}
		pages = append(pages, names)
		if next == "" {
			return pages
		}
		cursor = next
	}
	t.Fatal("the cursors never end")
	return nil
}

func TestListServicesPagesInIDOrderWithFilters(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		mustCreateService(t, db, org.ID, name)
	}
	read := func(limit int, keep func(*Service) bool) func(string) ([]Service, string, error) {
		return func(cursor string) ([]Service, string, error) {
			return db.ListServices(org.ID, ListQuery{Cursor: cursor, Limit: limit}, keep)
		}
	}
	if got := pageAll(t, read(2, nil)); !slices.EqualFunc(got, [][]string{{"a", "b"}, {"c", "d"}, {"e"}}, slices.Equal) {
		t.Errorf("pages of 2 = %v", got)
	}
	// A full last page has no cursor: nothing follows it.
	if got := pageAll(t, read(5, nil)); len(got) != 1 || len(got[0]) != 5 {
		t.Errorf("one page of 5 = %v", got)
	}
	// The filter runs while scanning: a full page has a cursor only when a match follows.
	vowel := func(s *Service) bool { return strings.Contains("ae", s.Name) }
	if got := pageAll(t, read(1, vowel)); !slices.EqualFunc(got, [][]string{{"a"}, {"e"}}, slices.Equal) {
		t.Errorf("filtered pages of 1 = %v", got)
	}
	if got := pageAll(t, read(2, vowel)); !slices.EqualFunc(got, [][]string{{"a", "e"}}, slices.Equal) {
		t.Errorf("filtered page of 2 = %v", got)
	}
}

// TestListReadsOnlyThePage: records past the page (and the one look-ahead that decides the
// next cursor) are never decoded — an undecodable record there does not fail the page,
// as it did when every list loaded the whole organization.
func TestListReadsOnlyThePage(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	for _, name := range []string{"a", "b", "c"} {
		mustCreateService(t, db, org.ID, name)
	}
	if err := db.update(org.ID, nil, func(tx txn) error {
		b, err := orgSub(tx, org.ID, subServices)
		if err != nil {
			return err
		}
		return b.Put([]byte("ffffffff-ffff-7fff-bfff-ffffffffffff"), []byte("{not json"))
	}); err != nil {
		t.Fatal(err)
	}
	items, next, err := db.ListServices(org.ID, ListQuery{Limit: 2}, nil)
	if err != nil || len(items) != 2 || next == "" {
		t.Fatalf("first page = %d items, cursor %q, %v", len(items), next, err)
	}
	if _, _, err := db.ListServices(org.ID, ListQuery{Cursor: next, Limit: 2}, nil); err == nil {
		t.Fatal("the page holding the damaged record decoded it without error")
	}
	// Teardown's consistency check must not trip on the planted record: remove it.
	_ = db.update(org.ID, nil, func(tx txn) error {
		b, _ := orgSub(tx, org.ID, subServices)
		return b.Delete([]byte("ffffffff-ffff-7fff-bfff-ffffffffffff"))
	})
}

// TestFilteredListScanIsBounded: a filter that matches nothing in a long list stops after
// ScanBudget records with an empty page and a cursor; following the cursors reaches the
// match at the far end and then the end of the list.
func TestFilteredListScanIsBounded(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	n := ScanBudget*2 + 10
	if err := db.update(org.ID, nil, func(tx txn) error {
		b, err := orgSub(tx, org.ID, subServices)
		if err != nil {
			return err
		}
		for i := range n {
			name := fmt.Sprintf("s%06d", i)
			if i == n-1 {
				name = "needle"
			}
			if err := putJSON(b, []byte(fmt.Sprintf("00000000-0000-7000-8000-%012d", i)), &Service{Name: name}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	needle := func(s *Service) bool { return s.Name == "needle" }
	got := pageAll(t, func(cursor string) ([]Service, string, error) {
		return db.ListServices(org.ID, ListQuery{Cursor: cursor, Limit: 10}, needle)
	})
	want := [][]string{{}, {}, {"needle"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("pages = %v, want %v", got, want)
	}
}

func TestListCursorsAreOpaqueAndChecked(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	var ids []string
	for _, name := range []string{"a", "b", "c"} {
		ids = append(ids, mustCreateService(t, db, org.ID, name).ID)
	}
	mustCreateService(t, db, other.ID, "x")
	mustCreateService(t, db, other.ID, "y")
	_, next, err := db.ListServices(org.ID, ListQuery{Limit: 1}, nil)
	if err != nil || next == "" || strings.Contains(next, ids[0]) {
		t.Fatalf("cursor %q (%v) should be set and not show the ID", next, err)
	}
	tampered := []byte(next)
	tampered[len(tampered)/2] ^= 1
	for name, cursor := range map[string]string{
		"raw ID":         ids[0],
		"garbage":        "nonsense",
		"edited":         string(tampered),
		"truncated":      next[:len(next)-2],
		"too long":       strings.Repeat("A", 300),
		"another list's": listCursor{subChannels, org.ID}.encode([]byte(ids[0])),
	} {
		if _, _, err := db.ListServices(org.ID, ListQuery{Cursor: cursor}, nil); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("%s cursor: %v, want ErrInvalidCursor", name, err)
		}
	}
	if _, _, err := db.ListServices(other.ID, ListQuery{Cursor: next}, nil); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("another organization's cursor: %v, want ErrInvalidCursor", err)
	}
	if items, _, err := db.ListServices(org.ID, ListQuery{Cursor: next}, nil); err != nil || len(items) != 2 || items[0].ID != ids[1] {
		t.Errorf("second page = %+v, %v", items, err)
	}
}

func TestListMembersFollowsMembershipIDOrder(t *testing.T) {
	db := openTestDB(t)
	owner, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	// Users added in the reverse of their ID order: the list keeps the order they joined.
	u1, _, _ := mustRegister(t, db, "u1@example.com", "U1")
	u2, _, _ := mustRegister(t, db, "u2@example.com", "U2")
	want := []string{owner.ID}
	for _, u := range []*User{u2, u1} {
		if err := db.AddMember(org.ID, &Membership{UserID: u.ID, Role: "viewer"}, nil); err != nil {
			t.Fatal(err)
		}
		want = append(want, u.ID)
	}
	var got []string
	cursor := ""
	for {
		page, next, err := db.ListMembers(org.ID, ListQuery{Cursor: cursor, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page {
			got = append(got, m.UserID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("members = %v, want %v", got, want)
	}
	if err := db.RemoveMember(org.ID, want[1], nil); err != nil {
		t.Fatal(err)
	}
	if page, _, err := db.ListMembers(org.ID, ListQuery{}); err != nil || len(page) != 2 || page[1].UserID != want[2] {
		t.Fatalf("after removal: %+v, %v", page, err)
	}
}
