package store

import (
	"bytes"
	"encoding/json"
	"time"
)

// SubscriberNotice is what a status page's subscribers are told: an incident change
// (Change) or a maintenance announcement (Maintenance); exactly one is set.
type SubscriberNotice struct {
	OrgID       string
	Page        *StatusPage
	Change      *IncidentChange
	Maintenance *MaintenanceNotice
}

// MaintenanceNotice is a maintenance window that started and is shown on status pages;
// StartsAt/EndsAt are those of the occurrence that started.
type MaintenanceNotice struct {
	Window   MaintenanceWindow
	StartsAt time.Time
	EndsAt   time.Time
}

// SubscriberNotifier renders the outbox entry that tells one confirmed subscriber about a
// notice (nil: nothing for this subscriber). It runs inside the write transaction that
// caused the notice, once per subscriber, so it must be quick and do no I/O. The store
// cannot render messages itself: links need BASE_URL and the subscriber's sealed
// unsubscribe token, so Open is given one (Options.Subscribers:
// notify.SubscriberNotices.Notice).
type SubscriberNotifier func(n *SubscriberNotice, s *Subscriber) (*OutboxEntry, error)

// notifyIncidentSubscribers is the incident hook of subscribers: every posted update (the
// first one of a new incident, later updates, the resolution) queues one message per
// confirmed subscriber of the page in the incident's transaction. Edits without an update
// and deletions tell subscribers nothing.
func (db *DB) notifyIncidentSubscribers(tx txn, ev *IncidentChange) error {
	if ev.Update == nil || ev.Kind == IncidentKindDeleted {
		return nil
	}
	return db.notifySubscribers(tx, &SubscriberNotice{OrgID: ev.OrgID, Page: ev.Page, Change: ev})
}

// notifySubscribers queues n for every confirmed subscriber of n.Page, unless the page has
// subscriptions turned off (its subscribers are kept, and hear again once they are on).
func (db *DB) notifySubscribers(tx txn, n *SubscriberNotice) error {
	if !n.Page.SubscriptionsEnabled {
		return nil
	}
	return eachPageSubscriber(tx, n.OrgID, n.Page.ID, func(s *Subscriber) error {
		if s.Status != SubscriberConfirmed {
			return nil
		}
		e, err := db.subscribers(n, s)
		if err != nil || e == nil {
			return err
		}
		e.OrgID = n.OrgID
		return db.enqueueOutbox(tx, e)
	})
}

// maintenanceSubscriberSink is the event sink that announces a started maintenance window
// to the subscribers of every page showing one of its services (a window without services
// covers them all), when the window has show_on_status_pages. It reads the window from
// maintenance_announced, which AnnounceMaintenance writes in the same transaction just
// before it emits maintenance.started; the occurrence's times come from the event data.
func (db *DB) maintenanceSubscriberSink(tx txn, orgID string, ev *Event) error {
	if ev.Name != "maintenance.started" {
		return nil
	}
	var data struct {
		Maintenance struct {
			ID       string     `json:"id"`
			StartsAt *time.Time `json:"starts_at"`
			EndsAt   *time.Time `json:"ends_at"`
		} `json:"maintenance"`
	}
	raw, err := json.Marshal(ev.Data)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &data); err != nil || data.Maintenance.ID == "" {
		return nil // not the shape alerting emits: nothing to announce
	}
	var a MaintenanceAnnouncement
	b, err := orgSub(tx, orgID, subMaintenanceAnnounced)
	if err != nil {
		return err
	}
	if err := getJSON(b, []byte(data.Maintenance.ID), &a, entityWindow); err != nil || !a.Window.ShowOnStatusPages {
		return nil
	}
	notice := &MaintenanceNotice{Window: a.Window, StartsAt: a.Window.StartsAt, EndsAt: a.Window.EndsAt}
	if data.Maintenance.StartsAt != nil {
		notice.StartsAt = *data.Maintenance.StartsAt
	}
	if data.Maintenance.EndsAt != nil {
		notice.EndsAt = *data.Maintenance.EndsAt
	}
	list, err := orgStatusPages(tx, orgID)
	if err != nil {
		return err
	}
	for i := range list {
		if !pageShowsWindow(&list[i], &a.Window) {
			continue
		}
		if err := db.notifySubscribers(tx, &SubscriberNotice{OrgID: orgID, Page: &list[i], Maintenance: notice}); err != nil {
			return err
		}
	}
	return nil
}

// pageShowsWindow reports whether one of the page's service components is covered by w.
func pageShowsWindow(p *StatusPage, w *MaintenanceWindow) bool {
	for _, c := range p.Components {
		if c.ServiceID != "" && w.Covers(c.ServiceID) {
			return true
		}
	}
	return false
}

// eachPageSubscriber calls fn with every subscriber of a page, oldest first. IDs are
// collected before decoding, so fn may write (enqueue) without disturbing the cursor.
func eachPageSubscriber(tx txn, orgID, pageID string, fn func(*Subscriber) error) error {
	ids, err := pageSubscriberIDs(tx, orgID, pageID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var s Subscriber
		if err := getSubscriber(tx, orgID, id, &s); err != nil {
			return err
		}
		if err := fn(&s); err != nil {
			return err
		}
	}
	return nil
}

// pageSubscriberIDs returns the IDs of a page's subscribers, oldest first (copied).
func pageSubscriberIDs(tx txn, orgID, pageID string) ([]string, error) {
	idx, err := orgSub(tx, orgID, subPageSubscribers)
	if err != nil || !idx.exists() {
		return nil, err
	}
	prefix := []byte(pageID + keySeparator)
	var ids []string
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids, nil
}

// deletePageSubscribers removes every subscriber of a page with its index entries
// (collected first, then deleted): part of DeleteStatusPage.
func deletePageSubscribers(tx txn, orgID, pageID string) error {
	return eachPageSubscriber(tx, orgID, pageID, func(s *Subscriber) error { return removeSubscriber(tx, s) })
}

// orgStatusPages lists the status pages of orgID inside tx; none (nil) when it has none.
func orgStatusPages(tx txn, orgID string) ([]StatusPage, error) {
	pages, err := orgSub(tx, orgID, subStatusPages)
	if err != nil || !pages.exists() {
		return nil, err
	}
	return listJSON[StatusPage](pages)
}
