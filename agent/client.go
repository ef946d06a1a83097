package agent

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Client is the agent's side of the channel: it keeps one connection to the server —
// reconnecting with exponential backoff and jitter while the server is unreachable — feeds
// the assignments it receives to its Executor and sends the Executor's results in
// numbered batches, one in flight at a time, from a bounded buffer (SPEC §8).
type Client struct {
	// ServerURL is the server's base URL (http, https, ws or wss), or several separated by
	// commas — the nodes of a cluster, any of which serves the channel (SPEC §9): the agent
	// uses one until a connection to it fails, then the next.
	ServerURL string
	// Secure says the connection is secure whatever its URL says: a cluster node's own
	// agent, whose transport is the nodes' mutual TLS.
	Secure  bool
	Token   string
	Name    string
	Version string
	// Buffer is how many results are kept while the server is unreachable (AGENT_BUFFER).
	Buffer int
	// Executor runs the checks; Run sets its Record to the client's buffer.
	Executor *Executor
	// HTTPClient makes the WebSocket handshake; nil is one that honours HTTPS_PROXY
	// (http.ProxyFromEnvironment).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// FlushTimeout is how long Run keeps delivering buffered results after its context
	// ends (SIGTERM); 0 is 5 s.
	FlushTimeout time.Duration
	// MaxBackoff caps the wait between connection attempts; 0 is 60 s.
	MaxBackoff time.Duration

	instance string
	servers  []string // ServerURL's URLs
	current  int      // the one in use (link's goroutine only)
	buf      *buffer
	dropLog  dropReporter

	mu       sync.Mutex
	inflight *Batch // sent or about to be, not yet acknowledged
	nextSeq  uint64
}

// refusalBackoff is the wait after the server refused the agent's protocol version: only
// an upgrade helps, so the agent asks rarely.
const refusalBackoff = 10 * time.Minute

// errIncompatible is a session's end when the server refused the agent's version.
var errIncompatible = errors.New("agent: the server refused this agent's protocol version")

// errUnauthorized is a session's end when the server refused the token.
var errUnauthorized = errors.New("agent: the server refused the token (revoked, or not one of this server's)")

func (c *Client) init() error {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.FlushTimeout <= 0 {
		c.FlushTimeout = 5 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Minute
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment,
			TLSHandshakeTimeout: 10 * time.Second, ForceAttemptHTTP2: false}}
	}
	for _, u := range strings.Split(c.ServerURL, ",") {
		if u = strings.TrimSpace(u); u != "" {
			c.servers = append(c.servers, u)
		}
	}
	if len(c.servers) == 0 {
		return errors.New("agent: no server URL")
	}
	id := make([]byte, 12)
	if _, err := crand.Read(id); err != nil {
		return err
	}
	c.instance = hex.EncodeToString(id)
	c.buf = newBuffer(max(c.Buffer, 1))
	c.nextSeq = 1
	c.dropLog.log = c.Logger
	c.Executor.Record = func(r Result) {
		c.buf.push(r)
		c.dropLog.note(c.buf.droppedTotal())
	}
	return nil
}

// Run checks and reports until ctx ends (SIGTERM). Then it stops starting checks and,
// for at most FlushTimeout, keeps delivering what is buffered; it logs how many results
// it could not deliver and returns.
func (c *Client) Run(ctx context.Context) error {
	if err := c.init(); err != nil {
		return err
	}
	c.Logger.Info("agent starting", "server", c.ServerURL, "name", c.Name, "version", c.Version,
		"protocol", ProtocolVersion, "buffer", c.Buffer)
	execCtx, stopExec := context.WithCancel(context.WithoutCancel(ctx))
	defer stopExec()
	execDone := make(chan error, 1)
	go func() { execDone <- c.Executor.Run(execCtx) }()
	linkCtx, stopLink := context.WithCancel(context.WithoutCancel(ctx))
	linkDone := make(chan struct{})
	go func() { defer close(linkDone); c.link(linkCtx) }()

	<-ctx.Done()
	c.Logger.Info("agent stopping: no new checks; delivering buffered results", "within", c.FlushTimeout)
	stopExec()
	deadline := time.NewTimer(c.FlushTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var execErr error
	checksDone := false
flush:
	for {
		select {
		case execErr = <-execDone:
			checksDone = true
		case <-tick.C:
			if checksDone && c.idle() {
				break flush
			}
		case <-deadline.C:
			break flush
		}
	}
	stopLink()
	<-linkDone
	if left := c.undelivered(); left > 0 || !checksDone {
		c.Logger.Warn("agent stopped with results not delivered", "results", left, "checks_still_running", !checksDone)
	} else {
		c.Logger.Info("agent stopped; every result was delivered")
	}
	return execErr
}

// idle reports whether every result has been delivered.
func (c *Client) idle() bool { return c.undelivered() == 0 }

// undelivered counts buffered results and those of the batch in flight.
func (c *Client) undelivered() int {
	c.mu.Lock()
	n := 0
	if c.inflight != nil {
		n = len(c.inflight.Results)
	}
	c.mu.Unlock()
	return n + c.buf.len()
}

// link keeps a session open until ctx ends, waiting between attempts with exponential
// backoff and full jitter (after a refused version, refusalBackoff).
func (c *Client) link(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		welcomed, err := c.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if welcomed {
			failures = 0
		} else if len(c.servers) > 1 {
			c.current = (c.current + 1) % len(c.servers) // that one is down: the next
		}
		failures++
		wait := backoff(failures, c.MaxBackoff)
		switch {
		case errors.Is(err, errIncompatible):
			wait = refusalBackoff/2 + rand.N(refusalBackoff/2)
			c.Logger.Error("the server refused this agent; upgrade the agent or the server", "error", err, "retry_in", wait.Round(time.Second))
		case errors.Is(err, errUnauthorized):
			wait = max(wait, 30*time.Second)
			c.Logger.Error("cannot connect", "error", err, "retry_in", wait.Round(time.Second))
		default:
			c.Logger.Warn("not connected to the server", "error", err, "retry_in", wait.Round(time.Millisecond),
				"buffered", c.buf.len())
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// server is the base URL in use.
func (c *Client) server() string { return c.servers[c.current] }

// backoff is the wait before attempt n+1 after n failures: 0.5 s doubling up to limit,
// with full jitter over its upper half, so agents that lost one server do not all come
// back at the same instant.
func backoff(failures int, limit time.Duration) time.Duration {
	d := limit
	if failures < 20 {
		d = min(limit, 500*time.Millisecond<<failures)
	}
	return d/2 + rand.N(d/2+1)
}

// channelURL is the WebSocket URL of the channel on the server at base.
func channelURL(base string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	}
	u.Path += ConnectPath
	return u.String(), nil
}

// secureURL reports whether a connection to base is TLS or to this host's loopback: the
// agent's half of the rule that credentials travel only over such connections.
func secureURL(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	if u.Scheme == "https" || u.Scheme == "wss" {
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dropReporter logs the buffer's drops: at most once every 10 s, with the total so far.
type dropReporter struct {
	log      *slog.Logger
	mu       sync.Mutex
	reported uint64
	at       time.Time
}

func (d *dropReporter) note(total uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if total == d.reported || time.Since(d.at) < 10*time.Second {
		return
	}
	d.log.Warn("result buffer full: dropped the oldest results (AGENT_BUFFER)",
		"dropped_since_last_report", total-d.reported, "dropped_total", total)
	d.reported, d.at = total, time.Now()
}
