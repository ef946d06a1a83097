package monitor

import (
	"bufio"
	"context"
	"net/textproto"
)

// probeFTP checks an FTP server: its greeting must be 220 (RFC 959 §5.4;
// multi-line "220-" banners are read to their end). A "120 ready in n
// minutes" greeting is not ready, so it fails. The probe then sends QUIT.
// Credentials are not used: the check is that the server answers, not that
// an account can log in.
func probeFTP(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	conn, closeConn, err := protoDial(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer closeConn()
	r := newProtoReader(conn)
	code, lines, err := readProtoReply(r)
	end := env.Now()
	switch {
	case code != 0 && code != 220:
		return protoFailed(start, end, "unexpected greeting: "+protoQuote(lines[0]))
	case err != nil:
		return protoFailedErr(ctx, t, start, end, err)
	case code != 220:
		return protoFailed(start, end, "unexpected greeting: "+protoQuote(lines[0]))
	}
	protoGoodbye(ctx, conn)
	w := textproto.NewWriter(bufio.NewWriter(conn))
	if w.PrintfLine("QUIT") == nil {
		_, _, _ = readProtoReply(r)
	}
	return passed(t, start, end)
}
