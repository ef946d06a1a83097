// Package config reads AlertifyPro's settings from the environment (no prefix, names as in
// config.example.env), fills in the JWT secret and encryption key from DATA_DIR/secrets.env or
// generates them on first start, and validates everything at once so an operator sees every
// mistake in one message instead of fixing them one restart at a time.
package config

import (
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"
)

// Registration modes accepted in REGISTRATION_MODE.
const (
	RegistrationOpen      = "open"
	RegistrationFirstUser = "first-user"
	RegistrationClosed    = "closed"
)

// Plans accepted in DEFAULT_PLAN (SPEC §2.2).
const (
	PlanFree         = "free"
	PlanStarter      = "starter"
	PlanProfessional = "professional"
	PlanEnterprise   = "enterprise"
)

// Egress policies accepted in EGRESS_POLICY.
const (
	EgressPrivate = "private"
	EgressPublic  = "public"
)

// SMTP transport security modes accepted in SMTP_TLS.
const (
	SMTPTLSStartTLS = "starttls"
	SMTPTLSImplicit = "tls"
	SMTPTLSNone     = "none"
)

// Log formats accepted in LOG_FORMAT.
const (
	LogFormatText = "text"
	LogFormatJSON = "json"
)

// Config is the whole start-up configuration. Fields with an env name are filled by
// envconfig.Process("", &cfg); explicit `envconfig` names are used where split_words would
// mangle an acronym (JWTTTL, CIDRs, SMTPTLS). The fields after MetricsToken are derived by Load.
type Config struct {
	Port       int    `split_words:"true" default:"3001" desc:"HTTP listen port"`
	ListenAddr string `split_words:"true" desc:"bind address; empty listens on all interfaces"`
	DataDir    string `split_words:"true" default:"./data" desc:"directory of the database file (alertifypro.db) and the generated secrets.env"`

	JWTSecret     string        `split_words:"true" desc:"HS256 signing key, at least 32 bytes; generated into DATA_DIR/secrets.env when unset"`
	EncryptionKey string        `split_words:"true" desc:"AES-256-GCM key: 64 hex characters or base64 of 32 bytes; generated into DATA_DIR/secrets.env when unset"`
	JWTTTL        time.Duration `envconfig:"JWT_TTL" default:"72h" desc:"lifetime of login tokens"`
	BcryptCost    int           `split_words:"true" default:"10" desc:"bcrypt cost of password hashes (4-14)"`

	// BaseURL is stored without a trailing slash so callers can append paths.
	BaseURL          string `split_words:"true" default:"http://localhost:3001" desc:"public URL used in links (notifications, status pages, invitations)"`
	RegistrationMode string `split_words:"true" default:"first-user" desc:"who may sign up without an invitation: open, first-user or closed"`
	DefaultPlan      string `split_words:"true" default:"free" desc:"plan of organizations created by registration: free, starter, professional or enterprise (the instance admin's first organization is enterprise)"`

	LocationName string `split_words:"true" default:"local" desc:"name (slug) of the appliance's own probe location"`

	EgressPolicy     string   `split_words:"true" default:"private" desc:"addresses checks may reach: private (also private and loopback networks) or public (public unicast only)"`
	EgressAllowCIDRs []string `envconfig:"EGRESS_ALLOW_CIDRS" desc:"comma-separated CIDRs checks may reach in addition to the policy"`
	EgressDenyCIDRs  []string `envconfig:"EGRESS_DENY_CIDRS" desc:"comma-separated CIDRs checks may never reach"`
	ProbeSourceAddr  string   `split_words:"true" desc:"local IP address outgoing checks bind to; empty lets the system choose"`

	SchedulerPollInterval time.Duration `split_words:"true" default:"10s" desc:"scheduler tick, also the shortest effective check interval (at least 1s)"`
	CheckConcurrency      int           `split_words:"true" default:"512" desc:"global cap on checks in flight"`
	RawRetention          time.Duration `split_words:"true" default:"168h" desc:"how long raw check results are kept (at least 1h)"`

	SMTPHost     string `split_words:"true" desc:"instance mail server host; empty disables instance e-mail"`
	SMTPPort     int    `split_words:"true" default:"587" desc:"instance mail server port"`
	SMTPUsername string `split_words:"true" desc:"SMTP login user name"`
	SMTPPassword string `split_words:"true" desc:"SMTP login password"`
	SMTPFrom     string `split_words:"true" desc:"sender address of instance e-mail; required when SMTP_HOST is set"`
	SMTPTLS      string `envconfig:"SMTP_TLS" default:"starttls" desc:"SMTP transport security: starttls, tls or none"`

	// The cluster (SPEC §9, cluster.go): read only when CLUSTER_PEERS is set.
	ClusterNodeID            string        `split_words:"true" desc:"this node's ID in the cluster; empty is the host name"`
	ClusterBindAddr          string        `split_words:"true" default:":3002" desc:"listen address of the cluster (Raft) transport"`
	ClusterAdvertiseAddr     string        `split_words:"true" desc:"host:port other nodes reach this node's cluster transport at; empty is this node's entry in CLUSTER_PEERS"`
	ClusterPeers             []string      `split_words:"true" desc:"comma-separated id=host:port of the cluster's initial voters, the same on every node; empty runs a single node"`
	ClusterKey               string        `split_words:"true" desc:"shared secret of the cluster's nodes (at least 32 bytes), from which their mutual TLS is derived; required with CLUSTER_PEERS"`
	ClusterSnapshotInterval  time.Duration `split_words:"true" default:"2m" desc:"how often the cluster checks whether to snapshot the database and trim its log"`
	ClusterSnapshotThreshold uint64        `split_words:"true" default:"8192" desc:"log entries since the last snapshot that make the next check take one"`
	ClusterTrailingLogs      uint64        `split_words:"true" default:"10240" desc:"log entries kept after a snapshot, so a briefly absent node catches up from the log instead of a whole snapshot"`

	TrustedProxies []string `split_words:"true" desc:"comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed"`
	MetricsToken   string   `split_words:"true" desc:"bearer token for /metrics; empty turns the endpoint off"`
	LogLevel       string   `split_words:"true" default:"info" desc:"log level: debug, info, warn or error"`
	LogFormat      string   `split_words:"true" default:"text" desc:"log format: text or json"`

	// JWTKey is JWTSecret as bytes, ready for the token issuer.
	JWTKey []byte `envconfig:"-" ignored:"true"`
	// EncryptionKeyBytes is the decoded 32-byte EncryptionKey.
	EncryptionKeyBytes []byte `envconfig:"-" ignored:"true"`
	// SecretsGenerated is true when Load generated a secret and wrote DATA_DIR/secrets.env
	// during this start, so the caller can log a warning that says where it went.
	SecretsGenerated bool `envconfig:"-" ignored:"true"`

	// Where the two secrets came from, so a bad value is reported with its source
	// ("" means the environment variable itself).
	jwtSecretFrom     string
	encryptionKeyFrom string
}

// Addr is the listen address for net.Listen: LISTEN_ADDR and PORT joined, with IPv6
// addresses bracketed.
func (c *Config) Addr() string {
	return net.JoinHostPort(c.ListenAddr, strconv.Itoa(c.Port))
}

// Logger builds the process logger writing to w in LOG_FORMAT at LOG_LEVEL. An unknown level
// falls back to info; Load has already refused such a configuration.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.slogLevel()}
	if c.LogFormat == LogFormatJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// slogLevel maps LOG_LEVEL to a slog level.
func (c *Config) slogLevel() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}
