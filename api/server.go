// Package api is AlertifyPro's REST API on Gin: the route table
// (router.go), middleware (request IDs, access logs, recovery, body limits,
// authentication, organization context, roles, rate limits), the one error
// table (errors.go) and one file per resource. Handlers are methods on small
// structs that hold their dependencies; they return errors and never write
// error bodies themselves.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// Deps is everything the API needs, built once by the composition root (internal/app).
type Deps struct {
	Config    *config.Config
	Store     *store.DB
	Passwords *crypto.PasswordHasher
	Tokens    *crypto.TokenIssuer
	Sealer    *crypto.Sealer
	Guard     *egress.Guard        // save-time egress checks of service targets
	Engine    *monitor.Engine      // check now, schedule changes, engine metrics; nil in tests that need no engine
	Purger    *store.HistoryPurger // background history removal of deleted services
	Alerter   *alerting.Alerter    // alert actions and ack links; nil in tests that need none
	Logger    *slog.Logger
	Now       func() time.Time // the clock; tests pass a fixed one
	Version   string

	// Notify are the egress-guarded means of notification test sends (notify.NewDeps); its
	// InstanceMail, nil when SMTP_HOST is unset, also sends invitations and e-mail changes.
	Notify notify.Deps
	// Pings group-commits heartbeat pings (its Run must be running); nil commits each ping
	// in a transaction of its own (tests that need no recorder).
	Pings *alerting.PingRecorder
	// Agents is the agent channel's hub (SPEC §8; its Run must be running); nil refuses
	// agent connections and shows every location without agents.
	Agents AgentHub
	// AgentResults counts the agents' recorded results by location and status for /metrics
	// (*agent.StoreSink); nil has none.
	AgentResults AgentResultCounts
	// Cluster is this node's cluster membership (SPEC §9); nil on a single node.
	Cluster Cluster
	// AuditStreams sends audit-stream test events, with the secrets resolver the streamer
	// uses; nil builds one over Guard and Sealer without secrets (a reference then fails
	// with "secrets are not available").
	AuditStreams *auditstream.Transport
}

// base is the dependency set every resource handler embeds.
type base struct {
	cfg          *config.Config
	store        *store.DB
	passwords    *crypto.PasswordHasher
	tokens       *crypto.TokenIssuer
	sealer       *crypto.Sealer
	guard        *egress.Guard
	engine       *monitor.Engine
	purger       *store.HistoryPurger
	logger       *slog.Logger
	now          func() time.Time
	version      string
	mailer       mailer // instance e-mail; nil when SMTP_HOST is unset
	agents       AgentHub
	agentResults AgentResultCounts
	cluster      Cluster     // nil on a single node
	keyUses      *apiKeyUses // api_key.used audit times, per key
	// secrets opens the organization's secrets for save-time checks and test sends
	// (secrets.go); the same store and sealer as everything else.
	secrets *vault.Vault
}

func newBase(d Deps) *base {
	now := d.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return &base{cfg: d.Config, store: d.Store, passwords: d.Passwords, tokens: d.Tokens,
		sealer: d.Sealer, guard: d.Guard, engine: d.Engine, purger: d.Purger, logger: logger, now: now, version: d.Version, mailer: instanceMailer(d.Notify),
		agents: d.Agents, agentResults: d.AgentResults, cluster: d.Cluster, keyUses: &apiKeyUses{},
		secrets: &vault.Vault{Store: d.Store, Opener: d.Sealer}}
}

// UseReleaseMode switches Gin, process-wide, out of its debug mode (which prints every
// route at start). The composition root calls it once; api itself never changes a
// process-wide setting, so tests choose their own mode.
func UseReleaseMode() { gin.SetMode(gin.ReleaseMode) }

// NewServer wraps the handler in an http.Server with all four timeouts set,
// so a slow client cannot hold a connection open forever.
func NewServer(addr string, handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Long enough for a streamed backup download of a large database.
		WriteTimeout:   10 * time.Minute,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
