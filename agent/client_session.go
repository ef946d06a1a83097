package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

const (
	// batchLinger is how long the agent waits after a result for more to share its batch
	// (each batch costs the server a write); a full batch goes at once.
	batchLinger = 200 * time.Millisecond
	// ackTimeout is how long a batch may wait for its ack before the connection is
	// presumed dead (the batch is sent again on the next one).
	ackTimeout = 30 * time.Second
)

// session runs one connection: handshake, then assignments in and batches out until the
// connection fails or ctx ends. welcomed reports whether the server accepted the agent.
func (c *Client) session(ctx context.Context) (welcomed bool, err error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return false, err
	}
	defer conn.CloseNow()
	conn.SetReadLimit(maxServerMessage)
	secure := c.Secure || secureURL(c.server())
	hello := &Hello{Protocol: ProtocolVersion, Version: c.Version, Name: c.Name, Instance: c.instance, Secure: secure}
	if err := writeMessage(ctx, conn, &message{Type: typeHello, Hello: hello}); err != nil {
		return false, err
	}
	hctx, cancel := context.WithTimeout(ctx, helloTimeout)
	first, err := readMessage(hctx, conn)
	cancel()
	if err != nil {
		return false, fmt.Errorf("waiting for the server's welcome: %w", err)
	}
	switch {
	case first.Type == typeRefused && first.Refused != nil:
		if first.Refused.Incompatible {
			return false, fmt.Errorf("%w: %s", errIncompatible, first.Refused.Message)
		}
		return false, errors.New("the server refused the agent: " + first.Refused.Message)
	case first.Type != typeWelcome || first.Welcome == nil:
		return false, fmt.Errorf("the server answered hello with %q", first.Type)
	}
	w := first.Welcome
	c.Logger.Info("connected", "server", c.server(), "location", w.Location, "agent_id", w.AgentID, "server_version", w.ServerVersion,
		"credentials", w.Credentials, "buffered", c.undelivered())

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	acks := make(chan *Ack, 1)
	readErr := make(chan error, 1)
	go func() { readErr <- c.readLoop(sctx, conn, secure, acks) }()
	go c.keepAlive(sctx, conn)
	err = c.sendLoop(sctx, conn, acks, readErr)
	if ctx.Err() != nil {
		conn.Close(websocket.StatusGoingAway, "agent shutting down")
	}
	return true, err
}

// dial opens the WebSocket with the token; an HTTP refusal of the token is errUnauthorized.
func (c *Client) dial(ctx context.Context) (*websocket.Conn, error) {
	u, err := channelURL(c.server())
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.Token)
	h.Set("User-Agent", "AlertifyPro-Agent/"+c.Version)
	conn, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPClient: c.HTTPClient, HTTPHeader: h})
	if err != nil {
		if resp != nil && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) {
			return nil, errUnauthorized
		}
		if resp != nil {
			return nil, fmt.Errorf("connect to %s: the server answered %s", u, resp.Status)
		}
		return nil, fmt.Errorf("connect to %s: %w", u, err)
	}
	return conn, nil
}

// readLoop applies assignments and passes acks on until the connection fails. Over an
// insecure connection any credentials are dropped, whatever the server sent.
func (c *Client) readLoop(ctx context.Context, conn *websocket.Conn, secure bool, acks chan<- *Ack) error {
	var full []Assignment // a full set arriving in chunks
	for {
		m, err := readMessage(ctx, conn)
		if err != nil {
			return err
		}
		switch {
		case m.Type == typeAssign && m.Assign != nil:
			a := m.Assign
			if !secure {
				withholdCredentials(a.Upsert)
			}
			switch {
			case a.Full && !a.Final:
				full = append(full, a.Upsert...)
			case a.Full:
				full = append(full, a.Upsert...)
				c.Executor.Replace(full)
				c.Logger.Info("assignments received", "services", len(full))
				full = nil
			default:
				c.Executor.Apply(a.Upsert, a.Remove)
				c.Logger.Debug("assignments updated", "upserted", len(a.Upsert), "removed", len(a.Remove))
			}
		case m.Type == typeAck && m.Ack != nil:
			select {
			case acks <- m.Ack:
			default: // an ack nobody waits for (a duplicate): nothing to do
			}
		case m.Type == typeRefused && m.Refused != nil:
			return errors.New("the server closed the session: " + m.Refused.Message)
		}
	}
}

// withholdCredentials strips credentials from assignments that came over a connection the
// agent does not consider secure.
func withholdCredentials(list []Assignment) {
	for i := range list {
		if list[i].Credentials != nil {
			list[i].Credentials = nil
			list[i].Withheld = "credentials withheld: the agent's connection to the server is neither TLS nor loopback"
		}
	}
}

// sendLoop delivers the buffer batch by batch, each waiting for its ack.
func (c *Client) sendLoop(ctx context.Context, conn *websocket.Conn, acks <-chan *Ack, readErr <-chan error) error {
	retry := 0
	for {
		b, err := c.nextBatch(ctx, readErr)
		if err != nil {
			return err
		}
		if b.Dropped > 0 {
			c.Logger.Warn("results were dropped while the buffer was full", "dropped", b.Dropped)
		}
		if err := writeMessage(ctx, conn, &message{Type: typeResults, Results: b}); err != nil {
			return err
		}
		timer := time.NewTimer(ackTimeout)
		var ack *Ack
		select {
		case ack = <-acks:
		case err := <-readErr:
			timer.Stop()
			return err
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
			return fmt.Errorf("no ack for batch %d within %s", b.Seq, ackTimeout)
		}
		timer.Stop()
		if ack.Seq != b.Seq {
			return fmt.Errorf("ack for batch %d while batch %d was in flight", ack.Seq, b.Seq)
		}
		switch ack.Status {
		case AckRecorded, AckDuplicate, AckRefused:
			c.mu.Lock()
			c.inflight = nil
			c.mu.Unlock()
			retry = 0
			if ack.Status == AckRefused || ack.Refused > 0 {
				c.Logger.Warn("the server refused results", "batch", b.Seq, "refused", max(ack.Refused, len(b.Results)-ack.Accepted),
					"message", ack.Message)
			}
		default: // retry: the server could not record it now
			retry++
			wait := backoff(retry, 30*time.Second)
			c.Logger.Warn("the server could not record a batch; sending it again", "batch", b.Seq, "message", ack.Message, "retry_in", wait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// nextBatch returns the batch in flight (unacknowledged, sent again as it was) or a new
// one of the oldest buffered results, waiting batchLinger for a full one.
func (c *Client) nextBatch(ctx context.Context, readErr <-chan error) (*Batch, error) {
	c.mu.Lock()
	b := c.inflight
	c.mu.Unlock()
	if b != nil {
		return b, nil
	}
	for c.buf.len() == 0 {
		select {
		case <-c.buf.ready:
		case err := <-readErr:
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.buf.len() < MaxBatchResults {
		select {
		case <-time.After(batchLinger):
		case err := <-readErr:
			return nil, err
		case <-ctx.Done():
		}
	}
	results, dropped := c.buf.take(MaxBatchResults)
	c.mu.Lock()
	b = &Batch{Seq: c.nextSeq, Dropped: dropped, Results: results}
	c.nextSeq++
	c.inflight = b
	c.mu.Unlock()
	return b, nil
}

// keepAlive pings the server every HeartbeatInterval and closes the connection when a ping
// goes unanswered for heartbeatTimeout (the session then ends and the agent reconnects).
func (c *Client) keepAlive(ctx context.Context, conn *websocket.Conn) {
	t := time.NewTicker(HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, heartbeatTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				c.Logger.Warn("the server does not answer pings; reconnecting", "error", err)
				conn.CloseNow()
				return
			}
		}
	}
}

// writeMessage sends m as one text frame within writeTimeout.
func writeMessage(ctx context.Context, conn *websocket.Conn, m *message) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, raw)
}

// readMessage reads and decodes one frame.
func readMessage(ctx context.Context, conn *websocket.Conn) (*message, error) {
	typ, raw, err := conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		return nil, errors.New("agent channel: a binary frame")
	}
	var m message
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("agent channel: bad message: %w", err)
	}
	return &m, nil
}
