package identity

import (
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// FuzzPasskeyAnswer feeds arbitrary bytes as a browser's answer to both ceremonies: every
// one is refused with ErrPasskeyRefused (or a lookup error), none panics or is accepted.
func FuzzPasskeyAnswer(f *testing.F) {
	rp, err := NewRelyingParty("https://uptime.example.com", "AlertifyPro")
	if err != nil {
		f.Fatal(err)
	}
	user := &store.User{ID: "01900000-0000-7000-8000-000000000001", Email: "ada@example.com"}
	reg, err := rp.BeginRegistration(user, nil)
	if err != nil {
		f.Fatal(err)
	}
	login, err := rp.BeginDiscoverableLogin()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}`))
	f.Add([]byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","userHandle":"AA"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, answer []byte) {
		if c, err := rp.FinishRegistration(user, nil, reg.Session, answer); err == nil {
			t.Fatalf("registration accepted: %x", c.ID)
		}
		lookup := func(string) (*store.User, []store.Passkey, error) { return user, nil, nil }
		if u, _, err := rp.FinishDiscoverableLogin(login.Session, answer, lookup); err == nil {
			t.Fatalf("sign-in accepted for %v", u)
		}
	})
}
