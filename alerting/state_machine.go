package alerting

import (
	"log/slog"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Config are the alert state machine's knobs; the zero value of every field is usable.
type Config struct {
	BaseURL string // links in notifications: BASE_URL/alerts/<id> and the acknowledge link
	AckKey  []byte // HMAC key of one-click acknowledge links (serve derives it from JWT_SECRET)
	Now     func() time.Time
	Logger  *slog.Logger
	// Wake wakes the outbox sender; it is called after every commit that queued a
	// notification (the evaluator's, the escalator's and the API actions'), so messages go
	// out at once instead of at the sender's next poll. May be nil.
	Wake func()
	// Tick is how often Alerter.Run looks for due escalations and reminders at the latest
	// (default 15s); it also wakes at the earliest persisted due time.
	Tick time.Duration
	// AckTTL is how long a one-click acknowledge link stays valid (default 7 days).
	AckTTL time.Duration
	// MassFailure tunes the mass-failure detectors (zero fields take the defaults).
	MassFailure MassFailureConfig
	// Location is the built-in probe location's name (LOCATION_NAME; "" is "local"): its
	// mass failure is the appliance's own (§4.5), every other location has a detector of
	// its own (SPEC §8).
	Location string
	// Locations tells which agent locations are offline (nil: none is); the agent hub
	// keeps it up to date.
	Locations *LocationBoard
}

// StateMachine is the alert state machine (SPEC §3.10, §4.5): what each result, heartbeat
// transition, escalation step or responder action does to alerts, decided inside the
// store's write transaction it is handed (store.AlertTx), with every notification written
// to the outbox in that same transaction. It holds no database: it is built before the
// store, which runs its decisions inside its transactions (StoreHooks, passed to
// store.Open), and the Alerter built on the open store drives it.
type StateMachine struct {
	cfg  Config
	log  *slog.Logger
	mass *massDetector
	// masses are the agent locations' mass-failure detectors, by LocationBoard key.
	massMu sync.Mutex
	masses map[string]*massDetector

	// exprs caches parsed rule expressions by their canonical source (a rule's expression is
	// parsed once, not once per result); a source that does not parse maps to nil.
	exprs sync.Map // string → *Expr
}

// Defaults of Config.
const (
	defaultTick   = 15 * time.Second
	defaultAckTTL = 7 * 24 * time.Hour
	dueBatchSize  = 100
)

// NewStateMachine builds the state machine; pass its StoreHooks to store.Open.
func NewStateMachine(cfg Config) *StateMachine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Tick <= 0 {
		cfg.Tick = defaultTick
	}
	if cfg.AckTTL <= 0 {
		cfg.AckTTL = defaultAckTTL
	}
	if cfg.Location == "" {
		cfg.Location = "local"
	}
	return &StateMachine{cfg: cfg, log: cfg.Logger, mass: newMassDetector(cfg.MassFailure), masses: map[string]*massDetector{}}
}

// builtin reports whether location (a result's) is the built-in one ("" for results that
// do not say).
func (sm *StateMachine) builtin(location string) bool {
	return location == "" || location == sm.cfg.Location
}

// massFor is the mass-failure detector of location name as organization orgID sees it.
func (sm *StateMachine) massFor(orgID, name string) *massDetector {
	if sm.builtin(name) {
		return sm.mass
	}
	key := boardKey("", name)
	if b := sm.cfg.Locations; b != nil {
		key = b.Key(orgID, name)
	}
	sm.massMu.Lock()
	defer sm.massMu.Unlock()
	d := sm.masses[key]
	if d == nil {
		d = newMassDetector(sm.cfg.MassFailure)
		sm.masses[key] = d
	}
	return d
}

// StoreHooks are the decisions the store runs inside its write transactions: the result
// evaluator (evaluator.go) for every recorded result, the heartbeat hook
// (alerter_heartbeat_hook.go) for every heartbeat status change, and the closer that
// queues resolve notifications for alerts the store resolves itself (a rule deleted or
// disabled).
func (sm *StateMachine) StoreHooks() store.AlertHooks {
	return store.AlertHooks{Result: sm.evaluate, Heartbeat: sm.heartbeatTransition, Closed: sm.closedByStore}
}

// now returns the configured clock in UTC.
func (sm *StateMachine) now() time.Time { return sm.cfg.Now().UTC() }

// expr returns the parsed expression of a rule condition, nil for none (or one that does
// not parse: rules are validated when saved, so that is only a stored rule from an older
// grammar, and it is logged once and then treated as absent).
func (sm *StateMachine) expr(src string) *Expr {
	if src == "" {
		return nil
	}
	if e, ok := sm.exprs.Load(src); ok {
		return e.(*Expr)
	}
	e, err := Parse(src)
	if err != nil {
		sm.log.Warn("alert rule expression does not parse; ignored", "expression", src, "error", err)
		e = nil
	}
	sm.exprs.Store(src, e)
	return e
}
