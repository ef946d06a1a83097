package alerting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// LocationWatch raises and resolves the alerts about probe locations themselves (SPEC
// §8): a location.offline alert while an agent location has had no agent for the board's
// grace, a location.degraded alert while its own mass-failure detector says most of its
// checks fail at once. One alert per episode — the open alert, persisted, is the episode,
// so a restart neither repeats nor forgets it — resolved when the location recovers. An
// organization location's alerts go to that organization's admins and owners, an instance
// location's to the instance admin (in their oldest organization, as the probe
// connectivity notice does). The built-in location has none: its mass failure is the
// appliance's own (§4.5).
type LocationWatch struct {
	Alerter *Alerter
	Board   *LocationBoard
	// Every is how often it looks; 0 is 2 s.
	Every  time.Duration
	Logger *slog.Logger

	mu sync.Mutex
	// open caches each (location, rule)'s last known alert state, so a steady location
	// costs no write transaction.
	open map[string]bool
}

// Run sweeps every Every until ctx ends.
func (w *LocationWatch) Run(ctx context.Context) error {
	every := w.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := w.Sweep(); err != nil && w.Logger != nil {
				w.Logger.Error("probe location alerts not updated", "error", err)
			}
		}
	}
}

// Sweep brings every known agent location's alerts in line with its state now.
func (w *LocationWatch) Sweep() error {
	sm := w.Alerter.StateMachine
	now := sm.now()
	var errs []error
	for _, h := range w.Board.snapshot() {
		degraded := !h.offline && !h.deleted && sm.massFor(h.loc.OrgID, h.loc.Name).active(now)
		err := errors.Join(w.episode(h, store.LocationOfflineRuleID, h.offline, now),
			w.episode(h, store.LocationDegradedRuleID, degraded, now))
		if h.deleted && err == nil {
			// A deleted location's episodes are over: its alerts are resolved.
			w.Board.drop(h.key)
			w.mu.Lock()
			delete(w.open, h.key+"\x00"+store.LocationOfflineRuleID)
			delete(w.open, h.key+"\x00"+store.LocationDegradedRuleID)
			w.mu.Unlock()
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// episode opens the location's alert of ruleID when on and none is open, resolves it when
// off and one is.
func (w *LocationWatch) episode(h locationHealth, ruleID string, on bool, now time.Time) error {
	key := h.key + "\x00" + ruleID
	w.mu.Lock()
	if w.open == nil {
		w.open = map[string]bool{}
	}
	known, seen := w.open[key]
	w.mu.Unlock()
	if seen && known == on {
		return nil
	}
	err := w.Alerter.db.WithAlertTx(func(tx *store.AlertTx) error {
		orgID, to, err := locationRecipients(tx, &h.loc)
		if err != nil || orgID == "" {
			return err
		}
		open, err := tx.OpenAlert(orgID, ruleID, h.loc.ID)
		switch {
		case err != nil:
			return err
		case on && open == nil:
			return w.raise(tx, orgID, to, &h.loc, ruleID, now)
		case !on && open != nil:
			return w.resolve(tx, to, open, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("location %s: %s: %w", h.loc.Name, ruleID, err)
	}
	w.mu.Lock()
	w.open[key] = on
	w.mu.Unlock()
	return nil
}

// LocationDegraded reports whether agent location name (of organization orgID, "" for an
// instance location) is degraded now: its own mass-failure detector (§4.5) fired.
func (a *Alerter) LocationDegraded(orgID, name string) bool {
	return a.massFor(orgID, name).active(a.now())
}

// locationRecipients is where loc's alerts live and who is told: its organization and
// that organization's admins, or for an instance location the instance admin's oldest
// organization and the admin ("" when there is no instance admin yet).
func locationRecipients(tx *store.AlertTx, loc *store.Location) (orgID string, to []string, err error) {
	if loc.OrgID != "" {
		to, err = tx.AdminEmails(loc.OrgID)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil, nil // the organization is being deleted
		}
		return loc.OrgID, to, err
	}
	admin, orgID, err := tx.InstanceAdmin()
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return orgID, []string{admin.Email}, nil
}

// locationAlertText is the title and message of a location alert.
func locationAlertText(loc *store.Location, ruleID string) (title, message string) {
	if ruleID == store.LocationOfflineRuleID {
		return "Location " + loc.Name + " is offline",
			"No agent of probe location " + loc.Name + " has been heard from. Its checks have stopped, and it is " +
				"left out of every service's quorum until an agent reconnects."
	}
	return "Location " + loc.Name + " is degraded",
		"Most of the checks of probe location " + loc.Name + " turned RED at once: its own network is probably " +
			"failing. It is left out of every service's quorum until it recovers."
}

// raise opens the location's alert and tells the admins.
func (w *LocationWatch) raise(tx *store.AlertTx, orgID string, to []string, loc *store.Location, ruleID string, now time.Time) error {
	title, message := locationAlertText(loc, ruleID)
	al := &store.Alert{ID: newID(), OrgID: orgID, AlertRuleID: ruleID, LocationID: loc.ID, Severity: "warning",
		Title: title, Message: message, Status: store.AlertFiring, FiredAt: now}
	if err := tx.CreateAlert(al); err != nil {
		return err
	}
	if w.Logger != nil {
		w.Logger.Warn("probe location alert", "location", loc.Name, "alert", ruleID)
	}
	return w.tell(tx, al, to, eventFired, message)
}

// resolve resolves the location's alert and tells the admins.
func (w *LocationWatch) resolve(tx *store.AlertTx, to []string, al *store.Alert, now time.Time) error {
	al.Status, al.ResolvedAt, al.ResolvedBy = store.AlertResolved, &now, store.ResolvedByAuto
	if err := tx.PutAlert(al); err != nil {
		return err
	}
	return w.tell(tx, al, to, eventResolved, "The location has recovered.")
}

// tell queues one e-mail per recipient about al.
func (w *LocationWatch) tell(tx *store.AlertTx, al *store.Alert, to []string, event, summary string) error {
	status := store.StatusRed
	if event == eventResolved {
		status = store.StatusGreen
	}
	for _, addr := range to {
		n := &notify.Notification{Event: event, Severity: al.Severity, Title: al.Title, Summary: summary,
			OrgID: al.OrgID, Status: status, Since: al.FiredAt, ResolvedAt: al.ResolvedAt,
			AlertID: al.ID, AlertURL: w.Alerter.cfg.BaseURL + "/alerts/" + al.ID, DedupKey: "alertifypro-alert-" + al.ID}
		if err := w.Alerter.enqueueNotification(tx, al.OrgID, store.OutboxKindEmail, addr, n); err != nil {
			return err
		}
	}
	return nil
}
