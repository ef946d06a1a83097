package api

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// softAuthenticator is a WebAuthn authenticator in software, for tests: it makes real
// P-256 keys, answers navigator.credentials.create with "none" attestation and .get with
// ES256 assertions, byte for byte as the specification lays them out (authenticator data,
// client data JSON, CBOR attestation object), so the relying party's library verifies
// them as it would a browser's.
type softAuthenticator struct {
	rpID, origin string
}

// softCredential is one key the authenticator made.
type softCredential struct {
	id         []byte
	key        *ecdsa.PrivateKey
	userHandle []byte
	signCount  uint32
}

var b64url = base64.RawURLEncoding

// Authenticator data flags (WebAuthn §6.1).
const (
	flagUserPresent  = 0x01
	flagUserVerified = 0x04
	flagAttested     = 0x40
)

// creationOptions is what the server's begin answer holds for create().
type creationOptions struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID string `json:"id"`
	} `json:"rp"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
}

// create answers a registration's public_key options with a new credential, as the
// PublicKeyCredential JSON a browser sends.
func (a *softAuthenticator) create(t *testing.T, publicKey json.RawMessage) ([]byte, *softCredential) {
	t.Helper()
	var opts struct {
		PublicKey creationOptions `json:"publicKey"`
	}
	if err := json.Unmarshal(publicKey, &opts); err != nil {
		t.Fatalf("creation options: %v (%s)", err, publicKey)
	}
	if opts.PublicKey.RP.ID != a.rpID {
		t.Fatalf("rp.id %q, want %q", opts.PublicKey.RP.ID, a.rpID)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	handle, err := b64url.DecodeString(opts.PublicKey.User.ID)
	if err != nil {
		t.Fatalf("user.id: %v", err)
	}
	cred := &softCredential{id: make([]byte, 32), key: key, userHandle: handle}
	if _, err := rand.Read(cred.id); err != nil {
		t.Fatal(err)
	}
	x, y := key.PublicKey.X.FillBytes(make([]byte, 32)), key.PublicKey.Y.FillBytes(make([]byte, 32))
	coseKey, err := webauthncbor.Marshal(map[int64]any{
		1: int64(webauthncose.EllipticKey), 3: int64(webauthncose.AlgES256), -1: int64(webauthncose.P256), -2: x, -3: y})
	if err != nil {
		t.Fatal(err)
	}
	attested := make([]byte, 16) // AAGUID: zero, as "none" attestation allows
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(cred.id)))
	attested = append(append(attested, cred.id...), coseKey...)
	authData := a.authData(flagUserPresent|flagUserVerified|flagAttested, 0, attested)
	clientData := a.clientData(t, "webauthn.create", opts.PublicKey.Challenge)
	attObj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		t.Fatal(err)
	}
	return a.credentialJSON(t, cred.id, map[string]any{
		"attestationObject": b64url.EncodeToString(attObj), "clientDataJSON": b64url.EncodeToString(clientData),
		"transports": []string{"internal"}}), cred
}

// challengeOf reads the challenge of a get() public_key options.
func challengeOf(t *testing.T, publicKey json.RawMessage) string {
	t.Helper()
	var opts struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal(publicKey, &opts); err != nil || opts.PublicKey.Challenge == "" {
		t.Fatalf("request options: %v (%s)", err, publicKey)
	}
	return opts.PublicKey.Challenge
}

// get signs challenge (base64url, as the options carry it) with cred, as the browser's
// answer to navigator.credentials.get.
func (a *softAuthenticator) get(t *testing.T, cred *softCredential, challenge string) []byte {
	t.Helper()
	cred.signCount++
	authData := a.authData(flagUserPresent|flagUserVerified, cred.signCount, nil)
	clientData := a.clientData(t, "webauthn.get", challenge)
	hash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte(nil), authData...), hash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, cred.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return a.credentialJSON(t, cred.id, map[string]any{
		"authenticatorData": b64url.EncodeToString(authData), "clientDataJSON": b64url.EncodeToString(clientData),
		"signature": b64url.EncodeToString(sig), "userHandle": b64url.EncodeToString(cred.userHandle)})
}

func (a *softAuthenticator) authData(flags byte, count uint32, attested []byte) []byte {
	rp := sha256.Sum256([]byte(a.rpID))
	out := append(rp[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, attested...)
}

func (a *softAuthenticator) clientData(t *testing.T, typ, challenge string) []byte {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.origin, "crossOrigin": false})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (a *softAuthenticator) credentialJSON(t *testing.T, id []byte, response map[string]any) []byte {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"id": b64url.EncodeToString(id), "rawId": b64url.EncodeToString(id),
		"type": string(protocol.PublicKeyCredentialType), "response": response})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
