package api

import "testing"

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"Ada Lovelace's Organization": "ada-lovelace-s-organization",
		"  Hello   World  ":           "hello-world",
		"Ünïcode only":                "n-code-only",
		"!!!":                         "org",
		"API v2 -- prod":              "api-v2-prod",
	}
	for in, want := range cases {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
		if got := slugify(in); !validSlug(got) && got != "org" {
			t.Errorf("slugify(%q) = %q is not a valid slug", in, got)
		}
	}
	for _, bad := range []string{"", "a", "-ab", "ab-", "Ab", "a b", "a_b"} {
		if validSlug(bad) {
			t.Errorf("validSlug(%q) = true", bad)
		}
	}
}
