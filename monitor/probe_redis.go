package monitor

import (
	"context"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"unicode"
)

// probeRedis checks a Redis server: with basic credentials AUTH first, then
// PING, which must answer +PONG. Commands go as RESP arrays, so a password
// holding spaces or CR LF is sent intact. Replies are read one line at a
// time: every reply the check accepts is a one-line simple string, and of any
// other only the first line is shown. The degraded threshold defaults to
// 500 ms for Redis (the API stores it); nothing here is special about it.
func probeRedis(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	conn, closeConn, err := protoDial(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer closeConn()
	rd := newProtoReader(conn)
	if args := redisAuthArgs(t.Auth); args != nil {
		reply, err := redisCommand(conn, rd, args...)
		if err != nil {
			return protoFailedErr(ctx, t, start, env.Now(), err)
		}
		if reply != "+OK" {
			return protoFailed(start, env.Now(), "AUTH failed: "+redisPrintable(reply))
		}
	}
	reply, err := redisCommand(conn, rd, "PING")
	end := env.Now()
	switch {
	case err != nil:
		return protoFailedErr(ctx, t, start, end, err)
	case reply == "+PONG":
		return passed(t, start, end)
	case strings.HasPrefix(reply, "-NOAUTH"):
		return protoFailed(start, end, "authentication required")
	}
	return protoFailed(start, end, "unexpected reply to PING: "+protoQuote(reply))
}

// redisAuthArgs is the AUTH command for the target's credentials, or nil when
// it has none. The user "default" (or none) uses the one-argument form every
// Redis version understands; any other user needs Redis 6 ACLs.
func redisAuthArgs(auth *Credentials) []string {
	if auth == nil || auth.Type != "basic" {
		return nil
	}
	if auth.Username == "" || auth.Username == "default" {
		return []string{"AUTH", auth.Password}
	}
	return []string{"AUTH", auth.Username, auth.Password}
}

// redisCommand sends args as a RESP array of bulk strings and returns the
// first line of the reply.
func redisCommand(conn net.Conn, rd *textproto.Reader, args ...string) (string, error) {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	return rd.ReadLine()
}

// redisPrintable shortens a server's error reply for the message, replacing
// control characters: it is shown as the server wrote it, without quotes.
func redisPrintable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, protoShorten(s))
}
