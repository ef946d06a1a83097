package api

import (
	"errors"
	"maps"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// resource is what the routes of one kind of organization-scoped record share: the :id
// record is looked up in the active organization only (another organization's answers
// the store's 404, which names the entity), lists are paged by the store in ID order, and every write carries
// its audit entry into the store's transaction (SPEC §12). A handler struct builds its
// resource from the store's methods and writes only what is particular to the kind.
type resource[T, V any] struct {
	*base
	event string // audit event prefix: "webhook" makes "webhook.created", "webhook.deleted"
	param string // the route parameter that names a record; "" is :id

	load func(orgID, id string) (*T, error)
	// page reads one page of the organization's records in ID order, keep (nil: every
	// record) applied while the store scans (store.ListServices and its siblings).
	page   func(orgID string, q store.ListQuery, keep func(*T) bool) ([]T, string, error)
	insert func(orgID string, v *T, change *store.Change) error
	save   func(orgID, id string, fn func(*T) error, change *store.Change) (*T, error)
	remove func(orgID, id string, change *store.Change) error

	id    func(*T) string
	audit func(*T) store.AuditResource // names a record in the audit log
	meta  func(*T) map[string]any      // what every audit entry of a record says; nil: nothing
	view  func(*T) V
	// written runs after every committed write (a cache to drop, a scheduler to wake); nil: nothing.
	written func()
}

// one loads the :id record of the active organization.
func (r resource[T, V]) one(c *gin.Context) (*T, error) {
	return r.load(actorOf(c).org.ID, r.key(c))
}

// bind loads the :id record, so another organization's is a 404 before the body is judged,
// and then decodes the body into req.
func (r resource[T, V]) bind(c *gin.Context, req any) (*T, error) {
	v, err := r.one(c)
	if err != nil {
		return nil, err
	}
	return v, bindJSON(c, req)
}

// key is the ID the route names.
func (r resource[T, V]) key(c *gin.Context) string {
	if r.param == "" {
		return c.Param("id")
	}
	return c.Param(r.param)
}

// get answers the :id record.
func (r resource[T, V]) get(c *gin.Context) error {
	v, err := r.one(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r.view(v))
	return nil
}

// list answers one page of the organization's records in creation order.
func (r resource[T, V]) list(c *gin.Context) error {
	return r.listWhere(c, nil)
}

// listWhere answers one page of the records that the filter made by where keeps. where
// runs once the paging parameters are found valid, so their errors come first; nil keeps
// every record.
func (r resource[T, V]) listWhere(c *gin.Context, where func() (func(*T) bool, error)) error {
	orgID := actorOf(c).org.ID
	return respondList(c, func(q store.ListQuery) ([]T, string, error) {
		var keep func(*T) bool
		if where != nil {
			var err error
			if keep, err = where(); err != nil {
				return nil, "", err
			}
		}
		return r.page(orgID, q, keep)
	}, r.view)
}

// create stores v, a validated new record, in the active organization and answers 201.
func (r resource[T, V]) create(c *gin.Context, v *T, extra map[string]any) error {
	if err := r.add(c, actorOf(c).org.ID, v, extra); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, r.view(v))
	return nil
}

// createFrom decodes the body into req, builds the new record with build (which judges
// req; its error is the answer) and creates it.
func (r resource[T, V]) createFrom(c *gin.Context, req any, build func() (*T, error)) error {
	if err := bindJSON(c, req); err != nil {
		return err
	}
	v, err := build()
	if err != nil {
		return err
	}
	return r.create(c, v, nil)
}

// add stores v in orgID with its audit entry (r.event+".created"; extra added to the
// metadata). The import writes through it too.
func (r resource[T, V]) add(c *gin.Context, orgID string, v *T, extra map[string]any) error {
	entry := r.auditEntry(c, r.event+".created", r.audit(v), r.metadata(v, extra))
	if err := r.insert(orgID, v, audited(entry)); err != nil {
		return err
	}
	r.wrote()
	return nil
}

// update runs fn on the :id record of the active organization and answers the record as
// stored. fn returning errUnchanged writes nothing and answers the record as it is, as
// repeating a pause does.
func (r resource[T, V]) update(c *gin.Context, action string, extra map[string]any, fn func(*T) error) error {
	orgID, id := actorOf(c).org.ID, r.key(c)
	v, err := r.modify(c, orgID, id, action, extra, fn)
	if errors.Is(err, errUnchanged) {
		v, err = r.load(orgID, id)
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r.view(v))
	return nil
}

// updateChecked decodes the body into req for the :id record (bind), judges it with check
// and only then runs apply on the record inside the store's write transaction. check runs
// outside that transaction because the lookups it makes (members, targets, services) open
// transactions of their own, which must not run inside the store's update; it gets the
// record as stored and must not change it.
func (r resource[T, V]) updateChecked(c *gin.Context, req any, check func(current *T) error, apply func(*T) error) error {
	current, err := r.bind(c, req)
	if err != nil {
		return err
	}
	if err := check(current); err != nil {
		return err
	}
	return r.update(c, "updated", nil, apply)
}

// modify runs fn on record id of orgID inside the store's write transaction, with its
// audit entry (r.event+"."+action) naming the record as fn left it. The import writes
// through it too.
func (r resource[T, V]) modify(c *gin.Context, orgID, id, action string, extra map[string]any, fn func(*T) error) (*T, error) {
	entry := r.auditEntry(c, r.event+"."+action, store.AuditResource{}, nil)
	v, err := r.save(orgID, id, func(v *T) error {
		if err := fn(v); err != nil {
			return err
		}
		entry.Resource, entry.Metadata = r.audit(v), r.metadata(v, extra)
		return nil
	}, audited(entry))
	if err == nil {
		r.wrote()
	}
	return v, err
}

// delete removes the :id record with its audit entry and answers 204.
func (r resource[T, V]) delete(c *gin.Context) error {
	v, err := r.one(c)
	if err != nil {
		return err
	}
	entry := r.auditEntry(c, r.event+".deleted", r.audit(v), r.metadata(v, nil))
	if err := r.remove(actorOf(c).org.ID, r.id(v), audited(entry)); err != nil {
		return err
	}
	r.wrote()
	c.Status(http.StatusNoContent)
	return nil
}

// answer runs the written hook after a write and answers the record with status.
func (r resource[T, V]) answer(c *gin.Context, status int, v *T) error {
	r.wrote()
	c.JSON(status, r.view(v))
	return nil
}

func (r resource[T, V]) wrote() {
	if r.written != nil {
		r.written()
	}
}

// metadata is what an audit entry of v says: the resource's own meta with extra added.
func (r resource[T, V]) metadata(v *T, extra map[string]any) map[string]any {
	if r.meta == nil {
		return extra
	}
	m := r.meta(v)
	if m == nil {
		return extra
	}
	maps.Copy(m, extra)
	return m
}
