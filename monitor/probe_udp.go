package monitor

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
)

// maxUDPReply is the read buffer for a reply datagram: enough for any
// expect the API accepts (8 KiB) and for quoting; a longer datagram is
// truncated by the kernel, which is fine for a prefix check.
const maxUDPReply = 8192

// probeUDP sends the payload (text, or "hex:" and hex digits; an empty
// datagram without the option) to the endpoint and waits for one reply
// datagram: a reply means up, and with expect it must start with expect.
// The socket is connected, so an ICMP port-unreachable answer surfaces as
// "connection refused".
func probeUDP(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	var o struct {
		Payload string `json:"payload"`
		Expect  string `json:"expect"`
	}
	if len(t.Options) > 0 {
		if err := json.Unmarshal(t.Options, &o); err != nil {
			return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
		}
	}
	payload, errP := datagramOption(o.Payload)
	expect, errE := datagramOption(o.Expect)
	if err := errors.Join(errP, errE); err != nil {
		return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
	}
	conn, err := env.Dial(ctx, "udp", t.Endpoint)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer conn.Close()
	defer netWatchDeadline(ctx, conn)()
	if _, err := conn.Write(payload); err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	buf := make([]byte, maxUDPReply)
	n, err := conn.Read(buf)
	end := env.Now()
	if err != nil {
		// The socket's deadline is the check's: silence until then is the
		// answer (unless the check was cancelled instead).
		if errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(ctx.Err(), context.Canceled) {
			return failed(start, end, "no UDP reply within "+formatTimeout(t.Timeout))
		}
		return failedErr(t, start, end, err)
	}
	if reply := buf[:n]; !bytes.HasPrefix(reply, expect) {
		r := failed(start, end, "expected reply starting with "+quoteDatagram(expect, o.Expect)+
			", got "+quoteDatagram(reply, o.Expect))
		r.Resolved, r.Connected = true, true
		return r
	}
	return passed(t, start, end)
}

// datagramOption decodes a payload or expect option: "hex:" followed by hex
// digits, or the text itself.
func datagramOption(s string) ([]byte, error) {
	if len(s) >= 4 && strings.EqualFold(s[:4], "hex:") {
		return hex.DecodeString(s[4:])
	}
	return []byte(s), nil
}

// quoteDatagram quotes data for an error the way the option was written:
// as hex:… when expect was given in hex, else as (clipped) text.
func quoteDatagram(data []byte, option string) string {
	if len(option) >= 4 && strings.EqualFold(option[:4], "hex:") {
		text := "hex:" + hex.EncodeToString(data[:min(len(data), 28)])
		if len(data) > 28 {
			text += "…"
		}
		return netQuote(text)
	}
	return netQuote(strings.TrimRight(string(data), "\r\n"))
}
