package store

// CountServices returns how many services organization orgID has; the
// organization view and the instance-admin usage list show it.
func (db *DB) CountServices(orgID string) (int, error) {
	var n int
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subServices)
		if err != nil || !b.exists() {
			return err
		}
		n = b.Stats().KeyN
		return nil
	})
	return n, err
}
