package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// pingRateLimit is the per-key allowance of the public ping path (SPEC §2.4: 60/min).
var pingRateLimit = rateLimit{perMinute: 60, burst: 60}

// pingGuessLimit is the per-client allowance of unknown keys on the ping path (per IPv4
// address or IPv6 /64): a job pinging a deleted heartbeat stays far below it, a guesser is
// held to 30 keys a minute instead of thousands a second.
var pingGuessLimit = rateLimit{perMinute: 30, burst: 30}

// maxPingKeyLen bounds what is looked up: a real key is a ≤ 40-character slug plus 17.
const maxPingKeyLen = 128

// heartbeatPinger serves the public POST|GET /api/v1/heartbeat/{key}[/start|/fail]
// (SPEC §2.6, §3.14). The unguessable key is the credential; it is looked up by digest.
// An accepted ping is answered only after its group commit (PingRecorder).
type heartbeatPinger struct {
	*base
	recorder *alerting.PingRecorder // nil: commit each ping in a transaction of its own
	limits   *rateLimiter
}

func newHeartbeatPinger(b *base, recorder *alerting.PingRecorder) *heartbeatPinger {
	return &heartbeatPinger{base: b, recorder: recorder, limits: newRateLimiter(b.now)}
}

func (h *heartbeatPinger) ping(c *gin.Context) error  { return h.record(c, store.PingSuccess) }
func (h *heartbeatPinger) start(c *gin.Context) error { return h.record(c, store.PingStart) }
func (h *heartbeatPinger) fail(c *gin.Context) error  { return h.record(c, store.PingFail) }

// record looks the key up (404 for an unknown one, counted against the client's guesses),
// applies the per-key limit, keeps the first 10 KB of the body and waits for the ping's
// commit.
func (h *heartbeatPinger) record(c *gin.Context, kind string) error {
	key, client, now := c.Param("key"), clientBucket(c), h.now()
	if key == "" || len(key) > maxPingKeyLen {
		return h.unknownKey(c, client, now)
	}
	digest := crypto.Digest(key)
	hb, err := h.store.HeartbeatByKey(digest)
	if errors.Is(err, store.ErrNotFound) {
		return h.unknownKey(c, client, now)
	} else if err != nil {
		return err
	}
	// A client out of guesses gets the very 429 an unknown key would get, for a real key
	// too: a 200 would tell a guesser that it hit. A key this client already pings is let
	// through, so a job that shares its address with a guesser keeps reporting.
	pinger := rateKey{kind: 'p', id: hb.ID + " " + client}
	if g := h.limits.peek(rateKey{kind: 'g', id: client}, pingGuessLimit, now); !g.allowed && !h.limits.marked(pinger, now) {
		setRateHeaders(c, g)
		return errRateLimited(now, g.retryAt)
	}
	d := h.limits.take(rateKey{kind: 'h', id: hb.ID}, pingRateLimit, now)
	setRateHeaders(c, d)
	if !d.allowed {
		return errRateLimited(now, d.retryAt)
	}
	body, err := readPingBody(c.Request.Body)
	if err != nil {
		return err
	}
	item := store.PingItem{KeyDigest: digest, Ping: store.Ping{Kind: kind, At: now, Body: body,
		SourceIP: c.ClientIP(), UserAgent: c.GetHeader("User-Agent")}}
	if h.recorder != nil {
		err = h.recorder.Record(item)
	} else {
		err = h.store.RecordPings([]store.PingItem{item}, alerting.HeartbeatDeadline)
	}
	if errors.Is(err, alerting.ErrPingRecorderClosed) {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "The server is shutting down; send the ping again."}
	} else if err != nil {
		return err
	}
	h.limits.mark(pinger, now)
	c.JSON(http.StatusOK, gin.H{"status": "ok", "monitor": hb.Name, "pinged_at": now.UTC().Format(time.RFC3339)})
	return nil
}

// unknownKey answers a key that names no heartbeat: 404 while the client has guesses left
// in its window, 429 beyond (SPEC §2.4), both with the window's X-RateLimit-* headers.
func (h *heartbeatPinger) unknownKey(c *gin.Context, client string, now time.Time) error {
	d := h.limits.take(rateKey{kind: 'g', id: client}, pingGuessLimit, now)
	setRateHeaders(c, d)
	if !d.allowed {
		return errRateLimited(now, d.retryAt)
	}
	return errNotFound("Heartbeat")
}

// readPingBody keeps the first store.MaxPingBodyBytes of the body and discards the rest,
// up to the 1 MiB request limit (413 beyond it), so the connection can be reused.
func readPingBody(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	head, err := io.ReadAll(io.LimitReader(r, store.MaxPingBodyBytes))
	if err == nil {
		_, err = io.Copy(io.Discard, r)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return "", &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: "The request body is larger than 1 MiB."}
	} else if err != nil {
		return "", errBadRequest("The request body could not be read.")
	}
	return string(head), nil
}

// setRateHeaders writes the X-RateLimit-* headers of SPEC §2.4 for decision d, spelled as
// the SPEC writes them (as perCaller does).
func setRateHeaders(c *gin.Context, d rateDecision) {
	hdr := c.Writer.Header()
	hdr["X-RateLimit-Limit"] = []string{strconv.Itoa(d.limit)}
	hdr["X-RateLimit-Remaining"] = []string{strconv.Itoa(d.remaining)}
	hdr["X-RateLimit-Reset"] = []string{strconv.FormatInt(d.reset.Unix(), 10)}
	hdr["X-RateLimit-Window"] = []string{strconv.Itoa(int(d.window / time.Second))}
}
