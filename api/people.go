package api

import "github.com/alertifypro/alertifypro/store"

// ackLinkName is how a view names the "person" behind ackByLink: the one-click link of a
// notification, which carries no account.
const ackLinkName = "the acknowledge link of a notification"

// peopleNames turns the user IDs an object records (who acknowledged, who wrote a note)
// into the names the UI shows, so no page ever has to show a UUID. One is made per
// request; each ID is looked up once.
type peopleNames struct {
	db    *store.DB
	names map[string]*string
}

func newPeopleNames(db *store.DB) *peopleNames {
	return &peopleNames{db: db, names: map[string]*string{}}
}

// of answers the person's full name (else e-mail address), or nil when id is empty or no
// longer names an account (a deleted user keeps their ID in old records).
func (p *peopleNames) of(id string) *string {
	if id == "" {
		return nil
	}
	if id == ackByLink {
		s := ackLinkName
		return &s
	}
	if n, ok := p.names[id]; ok {
		return n
	}
	var n *string
	if u, err := p.db.User(id); err == nil {
		s := displayName(u)
		n = &s
	}
	p.names[id] = n
	return n
}

// named fills the names of an alert view's people.
func (p *peopleNames) named(v alertView) alertView {
	v.AcknowledgedByName = p.of(deref(v.AcknowledgedBy))
	v.ResolvedByName = p.of(deref(v.ResolvedBy))
	for i := range v.Notes {
		v.Notes[i].UserName = p.of(v.Notes[i].UserID)
	}
	return v
}

// alertViewer renders alerts with their people named, for one request.
func (b *base) alertViewer() func(*store.Alert) alertView {
	people := newPeopleNames(b.store)
	return func(a *store.Alert) alertView { return people.named(newAlertView(a)) }
}
