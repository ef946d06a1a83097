package store

// orgRules is an immutable snapshot of an organization's rules with the applicable rules
// of each service worked out: the evaluator asks for them once per result, so they are
// decoded and grouped once and kept across transactions (DB.ruleCache) until a rule of
// the organization changes.
type orgRules struct {
	all     []AlertRule
	orgWide []AlertRule            // enabled org-wide rules
	own     map[string][]AlertRule // serviceID → its enabled rules, then the org-wide ones
}

func newOrgRules(all []AlertRule) *orgRules {
	r := &orgRules{all: all, own: map[string][]AlertRule{}}
	for _, rule := range all {
		if rule.Enabled && rule.OrgWide() {
			r.orgWide = append(r.orgWide, rule)
		}
	}
	for _, rule := range all {
		if rule.Enabled && rule.ServiceID != "" && rule.HeartbeatID == "" {
			r.own[rule.ServiceID] = append(r.own[rule.ServiceID], rule)
		}
	}
	for id, rules := range r.own {
		r.own[id] = append(rules, r.orgWide...)
	}
	return r
}

// invalidateRules drops the cached rules of orgID. Rule writers call it inside their
// write transaction: write transactions are serialized and only they read the cache, so
// the next one after the commit rebuilds from committed data (a rollback merely costs a
// rebuild).
func (db *DB) invalidateRules(orgID string) { db.ruleCache.Delete(orgID) }

// orgRules returns the rules of orgID from the view, the DB's cache, or the bucket.
func (t *AlertTx) orgRules(orgID string) (*orgRules, error) {
	if r := t.rules[orgID]; r != nil {
		return r, nil
	}
	if v, ok := t.db.ruleCache.Load(orgID); ok && t.shared && t.tx.Writable() {
		r := v.(*orgRules)
		t.rules[orgID] = r
		return r, nil
	}
	all, err := listAlertRules(t.tx, orgID)
	if err != nil {
		return nil, err
	}
	r := newOrgRules(all)
	t.rules[orgID] = r
	if t.shared && t.tx.Writable() {
		t.db.ruleCache.Store(orgID, r)
	}
	return r, nil
}

// ServiceRules returns the enabled rules that apply to a service: its own, then the
// org-wide ones. Empty means the organization's default rule applies. The slice is shared:
// do not modify it.
func (t *AlertTx) ServiceRules(orgID, serviceID string) ([]AlertRule, error) {
	r, err := t.orgRules(orgID)
	if err != nil {
		return nil, err
	}
	if rules, ok := r.own[serviceID]; ok {
		return rules, nil
	}
	return r.orgWide, nil
}

// HeartbeatRules returns the enabled rules of a heartbeat; empty means the default applies.
func (t *AlertTx) HeartbeatRules(orgID, heartbeatID string) ([]AlertRule, error) {
	r, err := t.orgRules(orgID)
	if err != nil {
		return nil, err
	}
	var out []AlertRule
	for _, rule := range r.all {
		if rule.Enabled && rule.HeartbeatID == heartbeatID {
			out = append(out, rule)
		}
	}
	return out, nil
}

// Rule returns rule id of orgID (disabled ones too), or ErrNotFound.
func (t *AlertTx) Rule(orgID, id string) (*AlertRule, error) {
	r, err := t.orgRules(orgID)
	if err != nil {
		return nil, err
	}
	for i := range r.all {
		if r.all[i].ID == id {
			rule := r.all[i]
			return &rule, nil
		}
	}
	return nil, notFoundf(entityAlertRule, "alert rule %q", id)
}

// listAlertRules decodes every rule of the organization; never nil.
func listAlertRules(tx txn, orgID string) ([]AlertRule, error) {
	b, err := orgSub(tx, orgID, subAlertRules)
	if err != nil {
		return nil, err
	}
	return listJSON[AlertRule](b)
}
