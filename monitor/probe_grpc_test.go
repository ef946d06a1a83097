package monitor

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// grpcTestServer starts a real grpc-go server on 127.0.0.1 and returns its
// address. withHealth registers the standard health service with "" and
// "shop.Cart" SERVING and "shop.Billing" NOT_SERVING.
func grpcTestServer(t *testing.T, withHealth bool, opts ...grpc.ServerOption) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(opts...)
	if withHealth {
		h := health.NewServer()
		h.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
		h.SetServingStatus("shop.Cart", healthpb.HealthCheckResponse_SERVING)
		h.SetServingStatus("shop.Billing", healthpb.HealthCheckResponse_NOT_SERVING)
		healthpb.RegisterHealthServer(s, h)
	}
	go s.Serve(ln)
	t.Cleanup(s.Stop)
	return ln.Addr().String()
}

// grpcDelay is a server option that holds every call for d.
func grpcDelay(d time.Duration) grpc.ServerOption {
	return grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return h(ctx, req)
	})
}

// grpcRequireAuth is a server option that wants metadata key = value.
func grpcRequireAuth(key, value string) grpc.ServerOption {
	return grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		if v := md.Get(key); len(v) != 1 || v[0] != value {
			return nil, status.Error(codes.Unauthenticated, "missing token")
		}
		return h(ctx, req)
	})
}

func TestProbeGRPC(t *testing.T) {
	healthy := grpcTestServer(t, true)
	tooMuch := "grpc error 8 RESOURCE_EXHAUSTED: 100% busy, try later"
	exhausted := grpcTestServer(t, true, grpc.UnaryInterceptor(
		func(context.Context, any, *grpc.UnaryServerInfo, grpc.UnaryHandler) (any, error) {
			return nil, status.Error(codes.ResourceExhausted, "100% busy, try later")
		}))
	notGRPC := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			t.Errorf("probe spoke %s, want HTTP/2", r.Proto)
		}
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html")
			return
		}
		http.NotFound(w, r)
	}))
	notGRPC.Config.Protocols = new(http.Protocols)
	notGRPC.Config.Protocols.SetUnencryptedHTTP2(true)
	notGRPC.Start()
	t.Cleanup(notGRPC.Close)
	http1 := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(http1.Close)

	runWireCases(t, probeGRPC, "GRPC", []wireCase{
		{name: "server SERVING", addr: healthy, status: StatusGreen},
		{name: "service SERVING", addr: healthy, options: map[string]any{"service": "shop.Cart"}, status: StatusGreen},
		{name: "service NOT_SERVING", addr: healthy, options: map[string]any{"service": "shop.Billing"},
			status: StatusRed, err: "health status NOT_SERVING"},
		{name: "unknown service", addr: healthy, options: map[string]any{"service": "shop.Nope"},
			status: StatusRed, err: "grpc error 5 NOT_FOUND: unknown service"},
		{name: "no health service", addr: grpcTestServer(t, false),
			status: StatusYellow, err: "health service not implemented; port reachable"},
		{name: "slow", addr: grpcTestServer(t, true, grpcDelay(80*time.Millisecond)),
			threshold: 50 * time.Millisecond, status: StatusYellow, err: "slow response: *"},
		{name: "timeout", addr: grpcTestServer(t, true, grpcDelay(time.Second)), timeout: 100 * time.Millisecond,
			status: StatusRed, err: "timeout after 100ms"},
		{name: "bearer token", addr: grpcTestServer(t, true, grpcRequireAuth("authorization", "Bearer s3cret")),
			auth: &Credentials{Type: "bearer", Token: "s3cret"}, status: StatusGreen},
		{name: "basic auth", addr: grpcTestServer(t, true, grpcRequireAuth("authorization", "Basic dTpw")),
			auth: &Credentials{Type: "basic", Username: "u", Password: "p"}, status: StatusGreen},
		{name: "header auth", addr: grpcTestServer(t, true, grpcRequireAuth("x-api-key", "k1")),
			auth: &Credentials{Type: "header", Name: "X-Api-Key", Value: "k1"}, status: StatusGreen},
		{name: "missing credentials", addr: grpcTestServer(t, true, grpcRequireAuth("x-api-key", "k1")),
			status: StatusRed, err: "grpc error 16 UNAUTHENTICATED: missing token"},
		{name: "grpc-message percent-encoded", addr: exhausted, status: StatusRed, err: tooMuch},
		{name: "HTTP/2 server, not gRPC", addr: notGRPC.Listener.Addr().String(),
			status: StatusRed, err: "not a gRPC server: HTTP status 404"},
		// An HTTP/1 server answers the preface with a 400 and hangs up; which the client
		// meets first — the answer or the close — is a race on a loaded machine.
		{name: "HTTP/1 server", addr: http1.Listener.Addr().String(),
			status: StatusRed, err: "not a gRPC server: no HTTP/2 answer", orErr: "connection closed by the server|connection reset by peer"},
		{name: "plain client, TLS server", addr: grpcTLSServer(t, grpcTestCert(t, "tls", 90*24*time.Hour)),
			status: StatusRed, err: "connection closed by the server", orErr: "not a gRPC server: no HTTP/2 answer|connection reset by peer"},
		{name: "TLS client, plain server", addr: healthy, options: map[string]any{"tls": true},
			status: StatusRed, err: "TLS handshake failed: *"},
		{name: "closed port", status: StatusRed, err: "connection refused"},
		{name: "egress refused", refused: true, status: StatusRed,
			err: "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"},
	})
}

// TestProbeGRPCNotH2Path checks that a 200 answer that is not gRPC is named.
func TestProbeGRPCContentType(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html>"))
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	runWireCases(t, probeGRPC, "GRPC", []wireCase{{name: "html", addr: srv.Listener.Addr().String(),
		status: StatusRed, err: `not a gRPC server: content-type "text/html; charset=utf-8"`}})
}

// grpcTLSServer starts a real gRPC server with TLS credentials for cert.
func grpcTLSServer(t *testing.T, cert tls.Certificate) string {
	return grpcTestServer(t, true, grpc.Creds(credentials.NewServerTLSFromCert(&cert)))
}
