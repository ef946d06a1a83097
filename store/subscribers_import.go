package store

// ImportedSubscriber is one row of a subscriber import: the subscriber to add (prepared
// as for AddSubscriber: ID, type, address, status, token digests and seals) and, for an
// address that has not consented yet, the confirmation e-mail to queue with it.
type ImportedSubscriber struct {
	Line         int
	Subscriber   *Subscriber
	Confirmation *OutboxEntry // nil: no confirmation (the address already consented)
}

// ImportSubscribers adds rows to page pageID of orgID in one transaction, all or nothing
// (SPEC §3.16, README "Status page e-mail template and subscriber import"): an address
// already on the page is left as it is and its line returned in existing; the others are
// stored with their confirmation e-mails queued. limit caps the organization's subscribers
// as AddSubscriber does (negative: no cap): when the new rows do not all fit, nothing is
// stored and the error is ErrPlanLimit saying how many would. describe, if set, gives the
// change to record once the number of new subscribers is known. ErrNotFound when the page
// is not the organization's.
func (db *DB) ImportSubscribers(orgID, pageID string, rows []ImportedSubscriber, limit int,
	describe func(imported int, existing []int) *Change) (existing []int, err error) {
	err = db.update(orgID, nil, func(tx txn) error {
		existing = existing[:0]
		keys, err := pageSubscriberKeys(tx, orgID, pageID)
		if err != nil {
			return err
		}
		fresh := make([]ImportedSubscriber, 0, len(rows))
		for _, r := range rows {
			if keys.Get(compositeKey(pageID, r.Subscriber.addressKey())) != nil {
				existing = append(existing, r.Line)
				continue
			}
			fresh = append(fresh, r)
		}
		b, err := orgSub(tx, orgID, subSubscribers)
		if err != nil {
			return err
		}
		if n := b.Stats().KeyN; limit >= 0 && n+len(fresh) > limit {
			return planLimitf(entitySubscriber, "Importing %d new subscribers would exceed the %d status-page subscribers this organization's plan allows "+
				"(%d already); nothing was imported.", len(fresh), limit, n)
		}
		now := db.stamp()
		for _, r := range fresh {
			s := r.Subscriber
			s.OrgID, s.PageID = orgID, pageID
			if err := putNewSubscriber(tx, b, keys, s, now); err != nil {
				return err
			}
			if e := r.Confirmation; e != nil {
				e.OrgID = orgID
				if err := db.enqueueOutbox(tx, e); err != nil {
					return err
				}
			}
		}
		if describe == nil {
			return nil
		}
		return db.record(tx, orgID, describe(len(fresh), existing))
	})
	if err != nil {
		return nil, err
	}
	return existing, nil
}
