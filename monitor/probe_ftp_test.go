package monitor

import (
	"net"
	"testing"
	"time"
)

func TestProbeFTP(t *testing.T) {
	quit := map[string]string{"QUIT": "221 Goodbye.\r\n"}
	script := func(delay time.Duration, greeting string) func(t *testing.T) string {
		return func(t *testing.T) string { return loopbackServer(t, protoScript(delay, greeting, quit)) }
	}
	cases := []struct {
		name string
		addr func(t *testing.T) string
		env  func(t *testing.T) *Env
		want protoWant
	}{
		{"GREEN", script(0, "220 (vsFTPd 3.0.5)\r\n"), nil, protoWant{status: StatusGreen}},
		{"multi-line banner", script(0, "220-Welcome\r\n  to the archive\r\n220 ready\r\n"), nil, protoWant{status: StatusGreen}},
		{"slow greeting is YELLOW", script(80*time.Millisecond, "220 ready\r\n"), nil, protoWant{status: StatusYellow}},
		{"not ready yet", script(0, "120 ready in 5 minutes\r\n"), nil,
			protoWant{status: StatusRed, err: `unexpected greeting: "120 ready in 5 minutes"`, connected: true}},
		{"refusing service", script(0, "421 Too many connections\r\n"), nil,
			protoWant{status: StatusRed, err: `unexpected greeting: "421 Too many connections"`, connected: true}},
		{"not FTP", script(0, "+OK POP3 ready\r\n"), nil,
			protoWant{status: StatusRed, err: `unexpected greeting: "+OK POP3 ready"`, connected: true}},
		{"banner cut off", func(t *testing.T) string {
			return loopbackServer(t, func(c net.Conn) { _, _ = c.Write([]byte("220-Welcome\r\n")) })
		}, nil, protoWant{status: StatusRed, err: "connection closed by the server", connected: true}},
		{"refused port", closedLoopbackAddr, nil, protoWant{status: StatusRed, err: "connection refused"}},
		{"silent server times out", func(t *testing.T) string { return loopbackServer(t, silentConn) }, nil,
			protoWant{status: StatusRed, err: "timeout after 300ms", connected: true}},
		{"egress refused", func(*testing.T) string { return "10.0.0.1:21" }, refusingEnv,
			protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.env != nil {
				env = c.env(t)
			}
			protoCheck(t, protoRun(probeFTP, env, protoTargetFor("FTP", c.addr(t), c.want)), c.want)
		})
	}
}
