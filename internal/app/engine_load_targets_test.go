package app

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The targets of the engine load programs run in a process of their own — this test
// binary started again with loadTargetsEnv set — so the CPU the appliance process spends
// per check (read from its own /proc/self/stat) leaves out the servers it checks. The
// child writes one JSON line (loadTargets) on file descriptor 3 and serves until its stdin
// closes.

// loadTargetsEnv, set to "1", makes TestLoadTargetServers serve instead of returning.
const loadTargetsEnv = "ALERTIFYPRO_LOAD_TARGETS"

// loadTargets is what the child serves: loopback addresses of plain HTTP servers, of TCP
// listeners that accept and close, of HTTPS servers presenting an ECDSA P-256 certificate
// for 127.0.0.1, and the PEM of the CA that signed it.
type loadTargets struct {
	HTTP  []string `json:"http"`
	TCP   []string `json:"tcp"`
	HTTPS []string `json:"https"`
	CAPEM string   `json:"ca_pem"`
}

// targetListeners per kind: several listeners spread the connections over several
// 4-tuple spaces, so the checker's TIME_WAIT sockets never exhaust the ephemeral ports.
const targetListeners = 8

// TestLoadTargetServers is the target process of the engine load programs; a no-op in a
// normal run.
func TestLoadTargetServers(t *testing.T) {
	if os.Getenv(loadTargetsEnv) != "1" {
		return
	}
	out := os.NewFile(3, "targets")
	var tg loadTargets
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok\n"))
	})
	tlsCfg, caPEM := targetTLS(t)
	tg.CAPEM = caPEM
	for range targetListeners {
		ln := listen()
		tg.HTTP = append(tg.HTTP, "http://"+ln.Addr().String()+"/health")
		go (&http.Server{Handler: ok, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)

		ln = listen()
		tg.HTTPS = append(tg.HTTPS, "https://"+ln.Addr().String()+"/health")
		go (&http.Server{Handler: ok, ReadHeaderTimeout: 10 * time.Second}).Serve(tls.NewListener(ln, tlsCfg))

		ln = listen()
		tg.TCP = append(tg.TCP, ln.Addr().String())
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
	}
	if err := json.NewEncoder(out).Encode(tg); err != nil {
		t.Fatal(err)
	}
	out.Close()
	for in := bufio.NewScanner(os.Stdin); in.Scan(); {
	}
	os.Exit(0)
}

// startTargets starts the target process and returns what it serves; it stops when the
// test ends.
func startTargets(t *testing.T) loadTargets {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadTargetServers$", "-test.count=1")
	cmd.Env = append(os.Environ(), loadTargetsEnv+"=1")
	cmd.Stderr = os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{w}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	var tg loadTargets
	if err := json.NewDecoder(r).Decode(&tg); err != nil {
		t.Fatalf("target process: %v", err)
	}
	r.Close()
	t.Logf("targets in process %d: %d HTTP, %d HTTPS, %d TCP listeners", cmd.Process.Pid, len(tg.HTTP), len(tg.HTTPS), len(tg.TCP))
	return tg
}

// targetTLS makes a CA and a leaf for 127.0.0.1, both ECDSA P-256 (the common choice of
// current certificate authorities), and returns the servers' configuration and the CA's
// PEM.
func targetTLS(t *testing.T) (*tls.Config, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "load test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}}}
	return cfg, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(fmt.Errorf("load: %w", err))
	}
}
