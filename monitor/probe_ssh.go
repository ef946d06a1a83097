package monitor

import (
	"context"
	"io"
	"strings"
)

const (
	// sshClientID is the identification string the probe sends (RFC 4253
	// §4.2: both sides send one; the software version may not hold spaces
	// or minus signs). Sending it first also makes a non-SSH server that waits
	// for a request (an HTTP server, say) answer with something we can show.
	sshClientID = "SSH-2.0-AlertifyPro\r\n"
	// sshMaxLine is the longest identification line RFC 4253 allows, CR LF
	// included; sshMaxLines is how many other lines we let a server send
	// before it (the RFC allows some, without a limit we need to honour).
	sshMaxLine  = 255
	sshMaxLines = 10
)

// probeSSH checks an SSH server's identification line: "SSH-2.0-..." (or
// "SSH-1.99-...", a server that also speaks 2.0). Lines before it are
// skipped, as RFC 4253 §4.2 allows. The probe closes after the banner, before
// any key exchange.
func probeSSH(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	conn, closeConn, err := protoDial(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer closeConn()
	if _, err := io.WriteString(conn, sshClientID); err != nil {
		return protoFailedErr(ctx, t, start, env.Now(), err)
	}
	rd := newProtoReader(conn)
	first := ""
	for i := 0; i < sshMaxLines; i++ {
		line, err := rd.ReadLine()
		if err != nil {
			if first != "" {
				// The server said something, then hung up: what it said is the
				// clearer reason.
				return protoFailed(start, env.Now(), "unexpected banner: "+protoQuote(first))
			}
			return protoFailedErr(ctx, t, start, env.Now(), err)
		}
		if i == 0 {
			first = line
		}
		switch {
		case len(line)+2 > sshMaxLine:
			return protoFailed(start, env.Now(), "unexpected banner: "+protoQuote(line))
		case strings.HasPrefix(line, "SSH-2.0-"), strings.HasPrefix(line, "SSH-1.99-"):
			return passed(t, start, env.Now())
		case strings.HasPrefix(line, "SSH-"):
			return protoFailed(start, env.Now(), "unexpected banner: "+protoQuote(line))
		}
	}
	return protoFailed(start, env.Now(), "unexpected banner: "+protoQuote(first))
}
