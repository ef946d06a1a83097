// Package agent is AlertifyPro's remote probing (SPEC §8): `alertifypro agent` runs the
// appliance's own probes from another network and reports to the server over one outbound
// WebSocket, and the server side of the same channel (the Hub) hands out assignments and
// takes results in.
//
// The channel. The agent dials GET /api/v1/agent/connect with its token as a bearer token
// (HTTPS, HTTPS_PROXY honoured; a WebSocket because it is one long-lived, full-duplex
// connection that passes NAT and proxies, and the server can push an assignment change
// the moment it happens, where long polling would need a request per change and a timer
// per agent). Every message is one JSON text frame {"type": ..., <type>: {...}}:
//
//	agent → server   hello {protocol, version, name, instance, secure}    first message
//	server → agent   welcome {agent_id, location, protocol, ...}           or refused {message}, then close
//	server → agent   assign {full, final, upsert: [Assignment], remove: [Removal]}
//	agent → server   results {seq, dropped, results: [Result]}            one batch in flight at a time
//	server → agent   ack {seq, status, accepted, refused, message}
//
// Both sides ping every HeartbeatInterval (WebSocket ping frames); a peer that has not
// answered for 30 s is gone. An assignment names a service, everything its probe needs
// and when to check it; credentials travel only over TLS or loopback (both sides must say
// so) and stay in the agent's memory. Batches are numbered per agent process (instance,
// seq): the server records a batch once however often it arrives.
//
// The executor side — Executor, which runs assignments through monitor's Scheduler and
// Checker, and Client, which keeps the channel — is meant to be reused by cluster
// followers, which run checks as agents of the built-in location (SPEC §9).
package agent

import (
	"encoding/json"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
)

// ProtocolVersion is the version of the channel this binary speaks. The server accepts
// agents of MinProtocolVersion up to ProtocolVersion and refuses the others with a message
// that says which versions it speaks.
const (
	ProtocolVersion    = 1
	MinProtocolVersion = 1
)

// Channel limits both sides keep.
const (
	// ConnectPath is the server's endpoint of the channel.
	ConnectPath = "/api/v1/agent/connect"
	// MaxBatchResults is the most results one batch may carry; a longer one is refused.
	MaxBatchResults = 1000
	// maxAgentMessage caps what the server reads in one frame from an agent: a full batch
	// with long error texts and certificates stays well below it; more closes the
	// connection (WebSocket status 1009).
	maxAgentMessage = 4 << 20
	// maxServerMessage caps what the agent reads in one frame: assign messages are cut
	// into chunks of assignChunk.
	maxServerMessage = 32 << 20
	// assignChunk is the most assignments one assign message carries.
	assignChunk = 500
	// HeartbeatInterval is how often each side pings the other.
	HeartbeatInterval = 10 * time.Second
	// heartbeatTimeout is how long a ping may go unanswered before the peer is gone: a
	// silent peer is dropped after at most HeartbeatInterval + heartbeatTimeout (20 s),
	// inside SPEC §8's 30 s (the agent's side; the hub's is Hub.Heartbeat).
	heartbeatTimeout = 10 * time.Second
	// helloTimeout bounds the time between the upgrade and hello (and welcome).
	helloTimeout = 10 * time.Second
	// writeTimeout bounds one frame's write: a peer that stops reading is disconnected
	// rather than holding a goroutine and a buffer forever.
	writeTimeout = 10 * time.Second
	// futureSlack is how far in the future an agent's timestamp may be before it is
	// clamped to the time the server received it (SPEC §8).
	futureSlack = 5 * time.Second
)

// Message types.
const (
	typeHello   = "hello"
	typeWelcome = "welcome"
	typeRefused = "refused"
	typeAssign  = "assign"
	typeResults = "results"
	typeAck     = "ack"
)

// message is one frame of the channel: Type names the one field that is set.
type message struct {
	Type    string   `json:"type"`
	Hello   *Hello   `json:"hello,omitempty"`
	Welcome *Welcome `json:"welcome,omitempty"`
	Refused *Refusal `json:"refused,omitempty"`
	Assign  *Assign  `json:"assign,omitempty"`
	Results *Batch   `json:"results,omitempty"`
	Ack     *Ack     `json:"ack,omitempty"`
}

// Hello is the agent's first message.
type Hello struct {
	Protocol int    `json:"protocol"`
	Version  string `json:"version"` // the agent binary's version
	Name     string `json:"name"`    // AGENT_NAME, unique within the location
	// Instance identifies this agent process (random, made at start): batch numbers are
	// per instance.
	Instance string `json:"instance"`
	// Secure is the agent's own view of its connection: TLS, or a loopback server. The
	// server sends credentials only when this and its own view agree.
	Secure bool `json:"secure"`
}

// Welcome accepts a hello.
type Welcome struct {
	AgentID       string `json:"agent_id"`
	Location      string `json:"location"` // the location's name
	LocationID    string `json:"location_id"`
	Protocol      int    `json:"protocol"`
	ServerVersion string `json:"server_version"`
	// Credentials says whether this connection carries credentials (both sides secure).
	Credentials bool `json:"credentials"`
}

// Refusal is the server's no, with a sentence for the agent's log; the connection closes.
type Refusal struct {
	Message string `json:"message"`
	// Incompatible marks a protocol mismatch: retrying soon cannot help.
	Incompatible bool `json:"incompatible,omitempty"`
}

// Assign changes the agent's assignments. A full set may span several messages: the agent
// applies it when the one with Final arrives, replacing everything it had. Incremental
// messages (Full false) apply at once.
type Assign struct {
	Full   bool         `json:"full"`
	Final  bool         `json:"final"`
	Upsert []Assignment `json:"upsert,omitempty"`
	Remove []Removal    `json:"remove,omitempty"`
}

// Assignment is one service an agent checks, with everything its probe needs.
type Assignment struct {
	ServiceID           string          `json:"service_id"`
	OrgID               string          `json:"org_id"`
	Type                string          `json:"type"` // canonical check type
	Endpoint            string          `json:"endpoint"`
	Options             json.RawMessage `json:"options,omitempty"`
	IntervalSeconds     int             `json:"interval_seconds"`
	TimeoutSeconds      int             `json:"timeout_seconds"`
	DegradedThresholdMS int             `json:"degraded_threshold_ms"`
	// ResponseTimeWarningMS and ResponseTimeCriticalMS are the service's response-time
	// thresholds (0: unset): the agent's probe grades a passing result by them as the
	// appliance's own does (YELLOW, RED "slow: …").
	ResponseTimeWarningMS  int `json:"response_time_warning_ms,omitempty"`
	ResponseTimeCriticalMS int `json:"response_time_critical_ms,omitempty"`
	// OffsetMS places the checks in time: planned checks are at the instants whose unix
	// millisecond count is OffsetMS modulo the interval, the same on every agent, so an
	// agent taking a service over continues its rhythm.
	OffsetMS int64 `json:"offset_ms"`
	// StartAt, on a service handed over from another agent that is still connected, is
	// the first planned check this agent makes (the other makes those before it).
	StartAt *time.Time `json:"start_at,omitempty"`
	// Credentials are the service's probe credentials in plaintext; only over a secure
	// connection.
	Credentials *Credentials `json:"credentials,omitempty"`
	// Withheld says why a service that has credentials came without them: the agent
	// reports its checks as failed for that reason instead of probing without them.
	Withheld string `json:"withheld,omitempty"`
}

// Credentials are a service's opened probe credentials.
type Credentials struct {
	Auth    *monitor.Credentials `json:"auth,omitempty"`
	Headers map[string]string    `json:"headers,omitempty"`
}

// Removal takes a service away from an agent. StopAt, when set, is when: the agent keeps
// making the checks planned before the new owner's first one and drops the service then.
type Removal struct {
	ServiceID string     `json:"service_id"`
	StopAt    *time.Time `json:"stop_at,omitempty"`
}

// Batch is a numbered group of results. Seq counts from 1 per agent process; Dropped is how
// many results the agent's full buffer dropped since its previous batch.
type Batch struct {
	Seq     uint64   `json:"seq"`
	Dropped uint64   `json:"dropped,omitempty"`
	Results []Result `json:"results"`
}

// Result is one check result as an agent reports it.
type Result struct {
	ServiceID      string               `json:"service_id"`
	CheckedAt      time.Time            `json:"checked_at"`
	Status         string               `json:"status"`
	ResponseTimeUS int64                `json:"response_time_us"`
	StatusCode     int                  `json:"status_code,omitempty"`
	Error          string               `json:"error,omitempty"`
	Internal       bool                 `json:"internal,omitempty"`
	Resolved       bool                 `json:"resolved,omitempty"`
	Connected      bool                 `json:"connected,omitempty"`
	Timings        *Timings             `json:"timings,omitempty"`
	Certificate    *monitor.Certificate `json:"certificate,omitempty"`
}

// Timings are a result's phase durations in microseconds.
type Timings struct {
	DNS       int64 `json:"dns_us,omitempty"`
	Connect   int64 `json:"connect_us,omitempty"`
	TLS       int64 `json:"tls_us,omitempty"`
	FirstByte int64 `json:"first_byte_us,omitempty"`
}

// Ack answers a batch.
type Ack struct {
	Seq    uint64 `json:"seq"`
	Status string `json:"status"` // AckRecorded, AckDuplicate, AckRefused or AckRetry
	// Accepted and Refused count the batch's results the server took and turned down
	// (a result for a service not assigned to the agent, or malformed).
	Accepted int    `json:"accepted"`
	Refused  int    `json:"refused,omitempty"`
	Message  string `json:"message,omitempty"`
}

// Ack statuses.
const (
	AckRecorded  = "recorded"  // the batch's accepted results are recorded
	AckDuplicate = "duplicate" // an earlier copy was recorded; nothing was done
	AckRefused   = "refused"   // the whole batch is refused (too large); do not send it again
	AckRetry     = "retry"     // the server could not record it now; send it again later
)
