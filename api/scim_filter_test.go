package api

import (
	"strings"
	"testing"
)

// TestSCIMFilterMatches evaluates filters against a user's representation.
func TestSCIMFilterMatches(t *testing.T) {
	user := map[string]any{"userName": "Ada@Acme.test", "externalId": "X1", "active": true,
		"name":   map[string]any{"givenName": "Ada"},
		"emails": []any{map[string]any{"value": "ada@acme.test", "type": "work"}, map[string]any{"value": "a@home.test", "type": "home"}}}
	cases := map[string]bool{
		`userName eq "ada@acme.test"`:                     true,
		`USERNAME EQ "ADA@ACME.TEST"`:                     true,
		`externalId eq "x1"`:                              false, // caseExact
		`externalId eq "X1"`:                              true,
		`emails[type eq "work"].value eq "ada@acme.test"`: true,
		`emails[type eq "work"].value eq "a@home.test"`:   false,
		`emails[type eq "home" and value ew "home.test"]`: true,
		`name.givenName sw "A" and active eq true`:        true,
		`active eq false or not (userName co "acme")`:     false,
		`title pr`: false,
		`urn:ietf:params:scim:schemas:core:2.0:User:userName pr`:              true,
		`(userName eq "x" or userName eq "ada@acme.test") and active eq true`: true,
	}
	for src, want := range cases {
		f, err := parseSCIMFilter(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := f.match(user); got != want {
			t.Errorf("%s: match %v, want %v", src, got, want)
		}
	}
}

// FuzzSCIMFilter: any input parses or is refused as invalidFilter, never panics, and
// long or deeply nested input is refused.
func FuzzSCIMFilter(f *testing.F) {
	for _, seed := range []string{`userName eq "a"`, `emails[type eq "work"].value eq "x"`, `not (a pr)`,
		`(a eq 1) or b gt 2.5`, strings.Repeat("(", 20) + "a pr" + strings.Repeat(")", 20), `a eq "\u0000"`} {
		f.Add(seed)
	}
	user := map[string]any{"userName": "a", "emails": []any{map[string]any{"value": "x"}}}
	f.Fuzz(func(t *testing.T, src string) {
		flt, err := parseSCIMFilter(src)
		if err != nil {
			if se, ok := err.(*scimError); !ok || se.ScimType != "invalidFilter" || se.Status != 400 {
				t.Fatalf("%q: error %v is not a SCIM invalidFilter", src, err)
			}
			return
		}
		if len(src) > maxFilterLen {
			t.Fatalf("%q: a filter over the length cap was accepted", src)
		}
		flt.match(user)
	})
}
