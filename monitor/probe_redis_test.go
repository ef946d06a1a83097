package monitor

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// redisTestServer is a small RESP server: it reads commands as RESP arrays
// (failing the test on anything else) and answers AUTH and PING the way Redis
// does, with a password (requirepass) and ACL users.
type redisTestServer struct {
	password string            // "" = no requirepass
	users    map[string]string // ACL users besides "default"
	delay    time.Duration     // before answering PING
	pingRaw  string            // replaces the PING reply when set
}

func (s redisTestServer) serve(t *testing.T) func(net.Conn) {
	return func(c net.Conn) {
		r := bufio.NewReader(c)
		authed := s.password == ""
		for {
			args, err := redisReadCommand(r)
			if err != nil {
				// EOF: the probe hung up; ErrClosed: the test ended.
				if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
					t.Errorf("RESP server: %v", err)
				}
				return
			}
			var reply string
			switch strings.ToUpper(args[0]) {
			case "AUTH":
				reply, authed = s.auth(args[1:])
			case "PING":
				time.Sleep(s.delay)
				switch {
				case s.pingRaw != "":
					reply = s.pingRaw
				case !authed:
					reply = "-NOAUTH Authentication required.\r\n"
				default:
					reply = "+PONG\r\n"
				}
			default:
				reply = "-ERR unknown command\r\n"
			}
			if _, err := c.Write([]byte(reply)); err != nil {
				return
			}
		}
	}
}

// auth answers AUTH [user] password.
func (s redisTestServer) auth(args []string) (string, bool) {
	user, pass := "default", args[len(args)-1]
	if len(args) == 2 {
		user = args[0]
	}
	switch {
	case s.password == "" && len(s.users) == 0:
		return "-ERR AUTH <password> called without any password configured for the default user. " +
			"Are you sure your configuration is correct?\r\n", true
	case user == "default" && pass == s.password, user != "default" && s.users[user] == pass && pass != "":
		return "+OK\r\n", true
	}
	return "-WRONGPASS invalid username-password pair or user is disabled.\r\n", false
}

// redisReadCommand reads one RESP array of bulk strings.
func redisReadCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(line, "*"), "\r\n"))
	if !strings.HasPrefix(line, "*") || err != nil || n < 1 {
		return nil, &net.ParseError{Type: "RESP array", Text: line}
	}
	args := make([]string, n)
	for i := range args {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(line, "$"), "\r\n"))
		if !strings.HasPrefix(line, "$") || err != nil {
			return nil, &net.ParseError{Type: "RESP bulk string", Text: line}
		}
		b := make([]byte, size+2)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		args[i] = string(b[:size])
	}
	return args, nil
}

func TestProbeRedis(t *testing.T) {
	const pw = "s3cret with spaces\r\nand CRLF"
	server := func(s redisTestServer) func(t *testing.T) string {
		return func(t *testing.T) string { return loopbackServer(t, s.serve(t)) }
	}
	basic := func(user, pass string) *Credentials {
		return &Credentials{Type: "basic", Username: user, Password: pass}
	}
	cases := []struct {
		name string
		addr func(t *testing.T) string
		auth *Credentials
		env  func(t *testing.T) *Env
		want protoWant
	}{
		{"GREEN", server(redisTestServer{}), nil, nil, protoWant{status: StatusGreen}},
		{"AUTH password", server(redisTestServer{password: pw}), basic("", pw), nil, protoWant{status: StatusGreen}},
		{"AUTH default user", server(redisTestServer{password: pw}), basic("default", pw), nil, protoWant{status: StatusGreen}},
		{"AUTH ACL user", server(redisTestServer{users: map[string]string{"probe": pw}}), basic("probe", pw), nil,
			protoWant{status: StatusGreen}},
		{"slow PONG is YELLOW", server(redisTestServer{delay: 80 * time.Millisecond}), nil, nil, protoWant{status: StatusYellow}},
		{"authentication required", server(redisTestServer{password: pw}), nil, nil,
			protoWant{status: StatusRed, err: "authentication required", connected: true}},
		{"wrong password", server(redisTestServer{password: pw}), basic("", "nope"), nil,
			protoWant{status: StatusRed, err: "AUTH failed: -WRONGPASS invalid username-password pair or user is disable…", connected: true}},
		{"AUTH without a password set", server(redisTestServer{}), basic("", pw), nil,
			protoWant{status: StatusRed, err: "AUTH failed: -ERR AUTH <password> called without any password configured …", connected: true}},
		{"loading", server(redisTestServer{pingRaw: "-LOADING Redis is loading the dataset in memory\r\n"}), nil, nil,
			protoWant{status: StatusRed, err: `unexpected reply to PING: "-LOADING Redis is loading the dataset in memory"`, connected: true}},
		{"garbage", server(redisTestServer{pingRaw: "HTTP/1.1 400 Bad Request\r\n\r\n"}), nil, nil,
			protoWant{status: StatusRed, err: `unexpected reply to PING: "HTTP/1.1 400 Bad Request"`, connected: true}},
		{"refused port", closedLoopbackAddr, nil, nil, protoWant{status: StatusRed, err: "connection refused"}},
		{"silent server times out", func(t *testing.T) string { return loopbackServer(t, silentConn) }, nil, nil,
			protoWant{status: StatusRed, err: "timeout after 300ms", connected: true}},
		{"egress refused", func(*testing.T) string { return "10.0.0.1:6379" }, nil, refusingEnv,
			protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.env != nil {
				env = c.env(t)
			}
			tgt := protoTargetFor("REDIS", c.addr(t), c.want)
			tgt.Auth = c.auth
			protoCheck(t, protoRun(probeRedis, env, tgt), c.want)
		})
	}
}
