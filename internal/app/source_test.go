package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// The appliance's own checks leave from PROBE_SOURCE_ADDR when it is set (SPEC §8): the
// target on 127.0.0.1 sees 127.0.0.9 as the peer.
func TestChecksLeaveFromProbeSourceAddr(t *testing.T) {
	peers := make(chan string, 16)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		select {
		case peers <- host:
		default:
		}
	}))
	defer target.Close()
	cfg := testConfig(t.TempDir())
	cfg.ProbeSourceAddr = "127.0.0.9"
	a, err := New(cfg, Options{FirstCheckDelay: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	org := &store.Organization{Name: "Ada", PlanType: "enterprise", MaxServices: -1}
	if err := a.DB().Register(&store.User{Email: "ada@example.com", FullName: "Ada", PasswordHash: "x"}, org, &store.Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	svc := &store.Service{Name: "api", CheckType: "HTTP", Endpoint: target.URL, CheckIntervalSeconds: 60, TimeoutSeconds: 5,
		Options: json.RawMessage(`{"method":"GET","expected_status_codes":[200]}`)}
	if err := a.DB().CreateService(org.ID, svc, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.Run(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()
	select {
	case peer := <-peers:
		if peer != "127.0.0.9" {
			t.Fatalf("the check came from %s, want PROBE_SOURCE_ADDR 127.0.0.9", peer)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no check reached the target")
	}
}
