package cluster

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"
)

// peerServerName is the name every node's certificate carries and every node asks for:
// nodes are told apart by their certificate authority (the cluster key), not by names, so
// a node's address may change without new certificates.
const peerServerName = "alertifypro-cluster"

// Fixed fields of the authority's certificate: with them and Ed25519's deterministic
// signatures, every node derives the very same certificate from the same key.
var (
	caNotBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	caNotAfter  = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// peerTLS is the mutual TLS of the nodes of one cluster (SPEC §9): a certificate authority
// whose Ed25519 key is derived from CLUSTER_KEY with HKDF, so every node holding the key
// holds the same authority without any file to distribute, and this node's own
// certificate, on a fresh key each start, signed by it. Each side of a connection demands
// the other's certificate and checks that the authority signed it: a node with another key
// is refused by both.
type peerTLS struct {
	server, client *tls.Config
}

// newPeerTLS derives the authority from clusterKey and issues this node's certificate.
func newPeerTLS(clusterKey []byte, nodeID string) (*peerTLS, error) {
	seed, err := hkdf.Key(sha256.New, clusterKey, []byte("alertifypro cluster"), "certificate authority ed25519 v1", ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("cluster: derive the certificate authority: %w", err)
	}
	caKey := ed25519.NewKeyFromSeed(seed)
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "AlertifyPro cluster authority"},
		NotBefore:             caNotBefore,
		NotAfter:              caNotAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(nil, caTemplate, caTemplate, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("cluster: certificate authority: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leaf, err := issueNodeCertificate(ca, caKey, nodeID)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &peerTLS{
		server: &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{leaf},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool},
		client: &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{leaf},
			RootCAs: pool, ServerName: peerServerName},
	}, nil
}

// issueNodeCertificate makes this node's certificate, for both ends of a connection, on a
// key of its own that never leaves memory.
func issueNodeCertificate(ca *x509.Certificate, caKey ed25519.PrivateKey, nodeID string) (tls.Certificate, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: nodeID},
		DNSNames:     []string{peerServerName},
		NotBefore:    now.Add(-time.Hour), // clocks of nodes differ a little
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, pub, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cluster: node certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
