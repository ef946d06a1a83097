// Package store keeps all of AlertifyPro's state in one bbolt file. It is the only package
// that imports bbolt; everyone else uses the methods of *DB and the sentinel errors.
//
// Bucket tree:
//
//	meta                      schema_version → uint64 BE; key_check → bytes; raft_index → uint64 BE (a cluster node: raft_index.go)
//	users                     userID → User JSON
//	idx_user_email            lower(email) → userID
//	idx_user_orgs             userID + "/" + orgID → nil          (profile org list)
//	idx_org_slug              slug → orgID
//	idx_api_key               sha256(secret) → orgID + "/" + keyID
//	idx_invitation            sha256(token) → orgID + "/" + invitationID
//	idx_heartbeat_key         sha256(unique_key) → orgID + "/" + heartbeatID   (created on first write)
//	idx_heartbeat_due         be64(due nanos) + heartbeatUUID(16) → orgID + "/" + heartbeatID
//	idx_status_page_slug      lower(slug) → orgID + "/" + pageID   (created on first write)
//	idx_subscriber_token      sha256(token) → orgID + "/" + subscriberID  (created on first write)
//	email_changes             userID → EmailChange JSON (pending, unconfirmed)  (created on first write)
//	idx_email_change          sha256(token) → userID                            (created on first write)
//	instance_locations        locationID → Location JSON (instance probe locations, locations.go)
//	idx_instance_location_name name → locationID
//	instance_agent_tokens     locationID + "/" + tokenID → AgentToken JSON (agent_tokens.go)
//	idx_agent_token           sha256(token) → orgID|"instance" + "/" + locationID + "/" + tokenID
//	agent_batches             locationID + "/" + agent instance → highest recorded batch (agent_batches.go)
//	user_mfa                  userID → MFA JSON (TOTP secrets sealed, recovery code digests; mfa.go)
//	user_passkeys             userID + "/" + passkeyID → Passkey JSON (passkeys.go)
//	idx_passkey_credential    WebAuthn credential ID → userID + "/" + passkeyID
//	auth_challenges           sha256(token) → AuthChallenge JSON (pending sign-in steps; auth_challenges.go)
//	orgs/<orgID>/             one bucket per organization:
//	    "info" key            Organization JSON
//	    members               userID → Membership JSON
//	    invitations           invitationID → Invitation JSON
//	    teams                 teamID → Team JSON
//	    team_members          teamID + "/" + userID → TeamMember JSON
//	    api_keys              keyID → APIKey JSON
//	    services              serviceID → Service JSON
//	    audit                 be64(unix nanos) + be64(seq) → AuditEntry JSON
//	    results               serviceUUID(16) + be64(checked_at nanos) → raw result (binary)
//	    rollup_1m             serviceUUID(16) + be64(UTC minute start nanos) → rollup (binary)
//	    rollup_1h             serviceUUID(16) + be64(UTC hour start nanos) → rollup (binary)
//	    rollup_1d             serviceUUID(16) + be64(UTC day start nanos) → rollup (binary)
//	    outbox                be64(due unix nanos) + entryUUID(16) → OutboxEntry JSON
//	    outbox_index          entryID → outbox key (24 bytes)
//	    outbox_dest           kind/target + NUL + be64(created nanos) + entryUUID(16) → outbox key
//	    deliveries            be64(unix nanos) + be64(seq) → DeliveryLog JSON (append-only)
//	    dead_letters          entryID → OutboxEntry JSON
//	    maintenance           windowID → MaintenanceWindow JSON
//	    webhooks              webhookID → Webhook JSON (URL and secret sealed)
//	    maintenance_announced windowID → MaintenanceAnnouncement JSON (webhook events sent)
//	    heartbeats            heartbeatID → Heartbeat JSON
//	    heartbeat_pings       heartbeatUUID(16) + be64(nanos) + be64(seq) → Ping JSON (newest 100 kept)
//	    alert_rules           ruleID → AlertRule JSON
//	    alerts                alertID (UUIDv7) → Alert JSON
//	    alert_open            ruleID + "/" + subjectID → alertID  (one open alert per rule+subject)
//	    alert_due             be64(due unix nanos) + alertID → nil (escalations, reminders)
//	    alert_state           ruleID + "/" + subjectID → RuleState (binary counters)
//	    status_pages          pageID → StatusPage JSON
//	    incidents             incidentID → Incident JSON (with page_id)
//	    page_incidents        pageID + "/" + incidentID → nil      (a page's incidents)
//	    alert_incidents       alertID → pageID + "/" + incidentID  (automatic incidents of alerts)
//	    subscribers           subscriberID → Subscriber JSON (with page_id; URL sealed)
//	    page_subscribers      pageID + "/" + subscriberID → nil    (a page's subscribers)
//	    subscriber_keys       pageID + "/" + "e:"+lower(email) | "w:"+hex(sha256(url)) → subscriberID
//	    locations             locationID → Location JSON (the organization's probe locations)
//	    location_names        name → locationID
//	    agent_tokens          locationID + "/" + tokenID → AgentToken JSON
//	    secrets               NAME → Secret JSON (value sealed; secrets.go)
//
// Global buckets hold only what must be found before the tenant is known; everything else
// lives under orgs/<orgID>, and every method that touches organization data takes orgID first
// and looks only inside that bucket, so another organization's record answers ErrNotFound.
// An organization bucket without its "info" key is being deleted (DeleteOrganization removes
// "info" first and then drains the bucket in chunks) and reads as ErrNotFound.
//
// Values are JSON, except the time series (series_codec.go: versioned binary, about 7 bytes
// per raw result); keys are fixed-width big-endian numbers or UUIDv7 strings, which both sort
// by time. The time-series buckets are append-mostly: every write transaction sets their
// FillPercent to appendFillRatio. Results are written only by RecordResults (one
// transaction per recorder group), read back as raw rows or rollups (series_query.go), and
// expired by the Janitor under a RetentionPolicy (retention.go). Notifications wait in the
// due-ordered outbox until the sender delivers them (outbox.go); their attempts go to the
// deliveries log (deliveries.go) and the ones given up on to dead_letters.
// Bytes read inside a transaction are copied (JSON decoding copies; raw values go through
// string() or bytes.Clone) before the transaction ends.
//
// Every write transaction is opened by update (change.go), and store code reaches bbolt only
// through kv.go's txn, bucket and cursor, so a transaction's mutations can be recorded as a
// WriteSet (writeset.go): Options.Capture receives it before the commit, ApplyWriteSet
// replays it elsewhere — the seam the cluster replicates (SPEC §9).
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Now is the clock used for CreatedAt/JoinedAt/Timestamp defaults and backup names;
	// nil means time.Now().UTC().
	Now func() time.Time
	// Logger receives migration, backup and recovery messages; nil discards them.
	Logger *slog.Logger
	// Retention is how long each time-series resolution is kept; zero fields take
	// DefaultRetention's. Queries pick resolutions the policy still covers, and the
	// Janitor enforces it, so both read it from here.
	Retention RetentionPolicy
	// BeforeAudit, when set, runs inside the write transaction just before each audit entry
	// is written; an error aborts the whole transaction, the change the entry describes
	// included. Tests use it to prove that a change and its audit entry commit together or
	// not at all (SPEC §12); production leaves it nil.
	BeforeAudit func(orgID string, e *AuditEntry) error
	// NoSync skips the fsync that ends every commit, so a power cut can lose or damage
	// what was acknowledged. Never for real data: serve leaves it off; the durability
	// test sets it to prove that its check catches a missing fsync.
	NoSync bool
	// Capture, when set, receives the write set of every write transaction — its puts,
	// deletes, bucket creations and deletions and sequences, in order (WriteSet) — inside
	// the transaction, after its logic and its Change, just before the commit. An error
	// aborts the commit and is the write's error. ws is Capture's to keep. Open's own
	// writes (migrations, finishing an interrupted organization deletion) are captured
	// too; ApplyWriteSet's replays are not (they were captured where they were recorded).
	// nil records nothing, and the write path costs what it did without recording (a
	// single node is no slower, SPEC §9). It is the seam the cluster replicates: see
	// update (change.go) for the flow the leader builds on it.
	Capture func(ws *WriteSet) error
	// Replicator, when set, makes this a clustered node's store (SPEC §9): every write
	// after Open's own goes through the cluster (updateReplicated, replicate.go) and
	// commits here only when the cluster's state machine applies it (ApplyEntry). Open's
	// own writes (migrations, finishing an interrupted organization deletion) and the
	// encryption key check stay local: every node makes them alike from its own binary
	// and keys. nil: a single node, which commits its writes itself.
	Replicator Replicator
	// FutureSchemaForTest appends that many migrations to the ones this binary knows,
	// each storing a marker in meta (tests only: the rolling-upgrade tests play a newer
	// binary with it, SPEC §9).
	FutureSchemaForTest int

	// What must run inside write transactions, decided by other packages: the alert state
	// machine (alerting.StateMachine.StoreHooks), the maintenance rule
	// (alerting.MaintenanceActive) and the rendering of subscriber notices
	// (notify.SubscriberNotices.Notice). All are required — without one a feature would
	// silently stop — and Open refuses options that lack any (ErrMissingOption).
	Alerts      AlertHooks
	Maintenance MaintenanceCheck
	Subscribers SubscriberNotifier
}

// ErrMissingOption is the error of Open given Options without a required function.
var ErrMissingOption = errors.New("store: required option missing")

// validate reports every required function opts lacks, with what would silently stop
// working without it.
func (opts *Options) validate() error {
	var missing []string
	for _, o := range []struct {
		set        bool
		name, loss string
	}{
		{opts.Alerts.Result != nil, "Alerts.Result", "check results would open no alerts"},
		{opts.Alerts.Heartbeat != nil, "Alerts.Heartbeat", "heartbeats would open no alerts"},
		{opts.Alerts.Closed != nil, "Alerts.Closed", "alerts resolved by rule changes would notify no one"},
		{opts.Maintenance != nil, "Maintenance", "results in maintenance windows would count as outages"},
		{opts.Subscribers != nil, "Subscribers", "status-page subscribers would hear of nothing"},
	} {
		if !o.set {
			missing = append(missing, fmt.Sprintf("%s (%s)", o.name, o.loss))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrMissingOption, strings.Join(missing, "; "))
	}
	return nil
}

// DB is an open AlertifyPro database. It is safe for concurrent use.
type DB struct {
	// kv is the open file, bbolt with transactions safe against a damaged file. Restore
	// swaps it for the file a cluster snapshot brought (restore.go); everything else
	// only loads it.
	kv        atomic.Pointer[boltFile]
	noSync    bool // Options.NoSync, for every file kv holds
	path      string
	now       func() time.Time
	log       *slog.Logger
	retention RetentionPolicy
	// alerts, maintenance and subscribers are Options' (required, fixed at Open).
	alerts      AlertHooks
	maintenance MaintenanceCheck
	subscribers SubscriberNotifier
	// ruleCache holds each organization's decoded alert rules between transactions
	// (orgID → *orgRules, alert_tx_rules.go); rule writers invalidate it.
	ruleCache sync.Map
	// records holds the service records the recorder decoded (services_record_cache.go);
	// only write transactions touch it.
	records recordCache
	// afterIncident runs inside every transaction that changes an incident (incidentHook).
	afterIncident []incidentHook
	// eventSinks receive every Event inside the transaction that caused it (events.go).
	eventSinks []eventSink
	// onDeleteChunk, when set (tests), is told the size of every chunked time-series
	// delete after its transaction commits.
	onDeleteChunk func(bucket string, keys int)
	// beforeAudit is Options.BeforeAudit.
	beforeAudit func(orgID string, e *AuditEntry) error
	// capture is Options.Capture.
	capture func(ws *WriteSet) error
	// space follows full-disk episodes: writes refused for lack of space (disk_full.go).
	space diskSpace
	// replicator is Options.Replicator, set once Open's own writes are done; group is
	// the queue of a clustered node's writes and the store-wide write lock that commits
	// them in groups (replicate.go), groupMu guards its queue.
	replicator Replicator
	group      groupQueue
	groupMu    sync.Mutex
	// migrations are the ones this binary knows (their count is its schema version);
	// schemaHeld is set when a cluster entry or snapshot of a newer schema was refused
	// (schema_gate.go).
	migrations []migration
	schemaHeld atomic.Pointer[error]
	// appliedIndex is the Raft index of the last cluster entry applied (raft_index.go);
	// applyingIndex the one being applied, set before its commit; appliedWatch wakes the
	// reads that wait for an index (raft_wait.go).
	appliedIndex  atomic.Uint64
	applyingIndex atomic.Uint64
	appliedWatch  indexWatch
}

// Open opens (creating if needed, mode 0600) the database at path, waits at most one second
// for another process's lock, brings the schema up to date (taking a backup copy first when an
// existing file needs migrating) and finishes any organization deletion a crash interrupted.
// A file written by a newer binary is refused with ErrSchemaTooNew, a damaged one with a
// *DamageError (ErrDamaged) from a bounded check that runs first.
func Open(path string, opts Options) (*DB, error) {
	migrations := schemaMigrations()
	for range opts.FutureSchemaForTest {
		migrations = append(migrations, futureMigrationForTest(len(migrations)+1))
	}
	return open(path, opts, migrations)
}

// open is Open with an explicit migration list, so tests can exercise multi-step upgrades.
func open(path string, opts Options, migrations []migration) (*DB, error) {
	db, err := openFile(path, opts)
	if err != nil {
		return nil, err
	}
	db.migrations = migrations
	if err := db.migrate(migrations, opts.Replicator != nil); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.finishOrgDeletions(); err != nil {
		_ = db.Close()
		return nil, err
	}
	db.replicator = opts.Replicator
	db.group.baton = make(chan struct{}, 1)
	return db, nil
}

// openFile is open without Open's writes (migrations, repairs): the file as it is, as a
// replica that only ApplyWriteSet fills opens it.
func openFile(path string, opts Options) (*DB, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	db := &DB{path: path, now: opts.Now, log: opts.Logger, retention: opts.Retention.orDefaults(DefaultRetention()),
		alerts: opts.Alerts, maintenance: opts.Maintenance, subscribers: opts.Subscribers}
	db.beforeAudit, db.capture = opts.BeforeAudit, opts.Capture
	if db.now == nil {
		db.now = func() time.Time { return time.Now().UTC() }
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	kv, err := openBolt(path, db.log) // refuses a damaged file (file_open.go)
	if err != nil {
		return nil, err
	}
	kv.NoSync, db.noSync = opts.NoSync, opts.NoSync
	db.kv.Store(kv)
	if err := db.loadAppliedIndex(); err != nil {
		_ = kv.Close()
		return nil, err
	}
	db.eventSinks = append(db.eventSinks, db.webhookSink) // outbound webhooks (SPEC §3.15)
	// Status-page subscribers hear of incident updates and maintenance (SPEC §3.16).
	db.afterIncident = append(db.afterIncident, db.notifyIncidentSubscribers)
	db.eventSinks = append(db.eventSinks, db.maintenanceSubscriberSink)
	return db, nil
}

// Close releases the file and its lock. Closing twice is harmless.
func (db *DB) Close() error {
	return db.kv.Load().Close()
}

// Path returns the database file path given to Open.
func (db *DB) Path() string {
	return db.path
}

// Ping runs a read transaction to prove the database is open and readable (used by /ready).
// Once a transaction has met a damaged page, it reports that damage (ErrDamaged); while
// writes are refused for lack of space, it reports that (ErrDiskFull).
func (db *DB) Ping() error {
	if d := db.kv.Load().damaged.Load(); d != nil {
		return d
	}
	if err := db.diskFull(); err != nil {
		return err
	}
	return db.view(func(tx txn) error {
		if !tx.Bucket([]byte(bucketMeta)).exists() {
			return errors.New("store: meta bucket missing")
		}
		return nil
	})
}

// stamp returns the current time in UTC from the configured clock.
func (db *DB) stamp() time.Time {
	return db.now().UTC()
}

// orgBucket returns orgs/<orgID>, or ErrNotFound when the organization does not exist or is
// being deleted (its "info" key is gone).
func orgBucket(tx txn, orgID string) (bucket, error) {
	orgs := tx.Bucket([]byte(bucketOrgs))
	if !orgs.exists() || orgID == "" {
		return bucket{}, notFoundf(entityOrganization, "organization %q", orgID)
	}
	b := orgs.Bucket([]byte(orgID))
	if !b.exists() || b.Get([]byte(orgInfoKey)) == nil {
		return bucket{}, notFoundf(entityOrganization, "organization %q", orgID)
	}
	return b, nil
}

// orgSub returns the child bucket name of an organization. In a write transaction a missing
// child is created; in a read transaction it is returned missing, which getJSON and listJSON
// treat as empty.
func orgSub(tx txn, orgID, name string) (bucket, error) {
	ob, err := orgBucket(tx, orgID)
	if err != nil {
		return bucket{}, err
	}
	if b := ob.Bucket([]byte(name)); b.exists() || !tx.Writable() {
		return b, nil
	}
	return ob.CreateBucket([]byte(name))
}

// getJSON decodes the value at key into v; the ErrNotFound of entity (the kind of record
// the bucket holds, as the API names it) when b or the key is missing. Decoding
// copies, so v stays valid after the transaction.
func getJSON(b bucket, key []byte, v any, entity string) error {
	var raw []byte
	if b.exists() {
		raw = b.Get(key)
	}
	if raw == nil {
		return notFoundf(entity, "%s %q", strings.ToLower(entity), key)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: decode %q: %w", key, err)
	}
	return nil
}

// putJSON encodes v and stores it at key.
func putJSON(b bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %q: %w", key, err)
	}
	return b.Put(key, raw)
}

// listJSON decodes every value of b in key order, skipping nested buckets. It never returns a
// nil slice, so an empty list renders as [] rather than null.
func listJSON[T any](b bucket) ([]T, error) {
	out := make([]T, 0)
	if !b.exists() {
		return out, nil
	}
	err := b.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil
		}
		var item T
		if err := json.Unmarshal(v, &item); err != nil {
			return fmt.Errorf("store: decode %q: %w", k, err)
		}
		out = append(out, item)
		return nil
	})
	return out, err
}

// Check runs bbolt's consistency check over the whole file and returns every
// problem it reports, joined; nil means the file is sound. Tests run it at
// cleanup; it reads the whole file, so it is not for the hot path.
func (db *DB) Check() error {
	var errs []error
	err := db.view(func(tx txn) error {
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}
