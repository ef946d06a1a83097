package monitor

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// sshTestServer sends lines after delay, then reads the client's
// identification line and checks it is a valid SSH one.
func sshTestServer(t *testing.T, delay time.Duration, lines ...string) string {
	return loopbackServer(t, func(c net.Conn) {
		time.Sleep(delay)
		for _, l := range lines {
			if _, err := c.Write([]byte(l)); err != nil {
				return
			}
		}
		if id, err := bufio.NewReader(c).ReadString('\n'); err == nil && id != sshClientID {
			t.Errorf("client identification = %q", id)
		}
	})
}

// sshHTTPServer answers the client's first line as an HTTP server would.
func sshHTTPServer(c net.Conn) {
	if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
	}
}

func TestProbeSSH(t *testing.T) {
	server := func(delay time.Duration, lines ...string) func(t *testing.T) string {
		return func(t *testing.T) string { return sshTestServer(t, delay, lines...) }
	}
	cases := []struct {
		name string
		addr func(t *testing.T) string
		env  func(t *testing.T) *Env
		want protoWant
	}{
		{"GREEN", server(0, "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n"), nil, protoWant{status: StatusGreen}},
		{"LF only and 1.99", server(0, "SSH-1.99-Cisco-1.25\n"), nil, protoWant{status: StatusGreen}},
		{"lines before the banner", server(0, "Welcome\r\n", "Authorized use only\r\n", "SSH-2.0-dropbear\r\n"), nil,
			protoWant{status: StatusGreen}},
		{"slow banner is YELLOW", server(80*time.Millisecond, "SSH-2.0-OpenSSH_9.6\r\n"), nil, protoWant{status: StatusYellow}},
		{"HTTP server", func(t *testing.T) string { return loopbackServer(t, sshHTTPServer) }, nil,
			protoWant{status: StatusRed, err: `unexpected banner: "HTTP/1.1 400 Bad Request"`, connected: true}},
		{"SSH 1 only", server(0, "SSH-1.5-ancient\r\n"), nil,
			protoWant{status: StatusRed, err: `unexpected banner: "SSH-1.5-ancient"`, connected: true}},
		{"too many lines first", server(0, strings.Repeat("hello\r\n", 11)+"SSH-2.0-late\r\n"), nil,
			protoWant{status: StatusRed, err: `unexpected banner: "hello"`, connected: true}},
		{"line over 255", server(0, "SSH-2.0-"+strings.Repeat("x", 300)+"\r\n"), nil,
			protoWant{status: StatusRed, errPrefix: `unexpected banner: "SSH-2.0-xxxx`, connected: true}},
		{"hangs up without a banner", func(t *testing.T) string {
			return loopbackServer(t, func(c net.Conn) { _, _ = bufio.NewReader(c).ReadString('\n') })
		}, nil,
			protoWant{status: StatusRed, err: "connection closed by the server", connected: true}},
		{"refused port", closedLoopbackAddr, nil, protoWant{status: StatusRed, err: "connection refused"}},
		{"silent server times out", func(t *testing.T) string { return loopbackServer(t, silentConn) }, nil,
			protoWant{status: StatusRed, err: "timeout after 300ms", connected: true}},
		{"egress refused", func(*testing.T) string { return "10.0.0.1:22" }, refusingEnv,
			protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.env != nil {
				env = c.env(t)
			}
			protoCheck(t, protoRun(probeSSH, env, protoTargetFor("SSH", c.addr(t), c.want)), c.want)
		})
	}
}
