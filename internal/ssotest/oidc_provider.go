// Package ssotest runs a real OpenID provider (zitadel/oidc's op package) on loopback
// for the single sign-on tests of api and uitest (SPEC §10): the tests sign in through an
// authorization server, never through a mock of the protocol. It is imported by tests
// only.
package ssotest

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// OIDCProvider is a real OpenID provider (zitadel/oidc's op package over its example in-memory
// storage) on 127.0.0.1, with a login form of its own: the SSO tests sign in through it
// as a browser would, with no mock of the protocol.
type OIDCProvider struct {
	Issuer   string // http://127.0.0.1:<port>
	ClientID string
	Secret   string
	storage  *opStorage
	served   sync.Map // path → *atomic.Int64: how often each path was asked for
}

// Served reports how many requests for path the provider has answered (e.g. its
// discovery document, "/.well-known/openid-configuration", or its keys, "/keys").
func (o *OIDCProvider) Served(path string) int64 {
	if n, ok := o.served.Load(path); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// opUsers is the provider's directory: username → user, and the groups each one has.
type opUsers struct {
	mu     sync.Mutex
	users  map[string]*storage.User
	groups map[string][]string
}

// GetUserByID implements storage.UserStore.
func (u *opUsers) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, v := range u.users {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// GetUserByUsername implements storage.UserStore.
func (u *opUsers) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.users[name]
}

// ExampleClientID implements storage.UserStore.
func (u *opUsers) ExampleClientID() string { return "" }

// opStorage is the example storage with the claims our relying party reads put in the ID
// token: the userinfo claims (asserted in the token), and "groups".
type opStorage struct {
	*storage.Storage
	users    *opUsers
	lifetime time.Duration // ID-token lifetime; 0: the example's hour
}

// opClient asserts the userinfo claims in the ID token (as most providers do for the email
// scope) and has the lifetime the test chose.
type opClient struct {
	op.Client
	lifetime time.Duration
}

func (c opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c opClient) IDTokenLifetime() time.Duration {
	if c.lifetime > 0 {
		return c.lifetime
	}
	return c.Client.IDTokenLifetime()
}

func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return opClient{Client: c, lifetime: s.lifetime}, nil
}

func (s *opStorage) addGroups(info *oidc.UserInfo, userID string) {
	if u := s.users.GetUserByID(userID); u != nil {
		s.users.mu.Lock()
		info.AppendClaims("groups", s.users.groups[u.Username])
		s.users.mu.Unlock()
	}
}

func (s *opStorage) SetUserinfoFromScopes(ctx context.Context, info *oidc.UserInfo, userID, clientID string, scopes []string) error {
	if err := s.Storage.SetUserinfoFromScopes(ctx, info, userID, clientID, scopes); err != nil {
		return err
	}
	s.addGroups(info, userID)
	return nil
}

func (s *opStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	s.addGroups(info, req.GetSubject())
	return nil
}

// AddUser puts a person in the provider's directory; they sign in as username with the
// password "idp-password".
func (o *OIDCProvider) AddUser(username, email string, verified bool, groups ...string) {
	u := o.storage.users
	u.mu.Lock()
	defer u.mu.Unlock()
	u.users[username] = &storage.User{ID: fmt.Sprintf("u%d", len(u.users)+1), Username: username, Password: "idp-password",
		FirstName: "Test", LastName: username, Email: email, EmailVerified: verified, PreferredLanguage: language.English}
	u.groups[username] = groups
}

// NewOIDCProvider starts the provider on 127.0.0.1 with one web client whose redirect URI is
// redirectURI.
func NewOIDCProvider(t testing.TB, redirectURI string) *OIDCProvider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	o := &OIDCProvider{Issuer: issuer, ClientID: "alertifypro", Secret: "op-client-secret"}
	users := &opUsers{users: map[string]*storage.User{}, groups: map[string][]string{}}
	client := storage.WebClient(o.ClientID, o.Secret, redirectURI)
	o.storage = &opStorage{Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{o.ClientID: client}), users: users}
	provider, err := op.NewProvider(&op.Config{CryptoKey: [32]byte{1, 2, 3}, CodeMethodS256: true, AuthMethodPost: true,
		SupportedUILocales: []language.Tag{language.English}}, o.storage, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	callback := op.AuthCallbackURL(provider)
	mux := http.NewServeMux()
	// The example client sends people to /login/username?authRequestID=…; the form posts
	// back here, the storage checks the password and the provider goes on to the callback.
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Test IdP</title><form method="post" action="/login/username">
<input type="hidden" name="id" value="%s"><label>Username <input name="username" id="username"></label>
<label>Password <input name="password" id="password" type="password"></label><button type="submit" id="idp-submit">Sign in</button></form>`,
			html.EscapeString(r.URL.Query().Get("authRequestID")))
	})
	mux.Handle("POST /login/username", op.NewIssuerInterceptor(provider.IssuerFromRequest).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := o.storage.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
			http.Error(w, "wrong username or password", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := o.served.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		mux.ServeHTTP(w, r)
	})
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: counted, ReadHeaderTimeout: 5 * time.Second}}
	srv.Start()
	t.Cleanup(srv.Close)
	return o
}

// SetIDTokenLifetime changes the lifetime of the ID tokens issued from now on (0: an hour).
func (o *OIDCProvider) SetIDTokenLifetime(d time.Duration) {
	o.storage.users.mu.Lock()
	o.storage.lifetime = d
	o.storage.users.mu.Unlock()
}
