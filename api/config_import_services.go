package api

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// planServices validates the services through the API's own serviceRequest and
// applyRequest: a new one as a POST (its placeholder credentials are refused: "auth has
// no stored credential to keep"), an existing one as a PUT (placeholders keep the stored
// credentials, an absent auth keeps it too, auth: null removes it).
func (p *importPlan) planServices(items []json.RawMessage) {
	existing := byNameKey(p.st.services, func(s *store.Service) (string, string) { return s.Name, s.ID }, p.services)
	sh := &serviceHandlers{base: p.h.base}
	services, orgID := sh.services(), p.org.ID
	lc, err := p.h.locationChoice(p.org)
	if err != nil {
		p.ok("services", err) // not the document's fault: fatal
		return
	}
	for path, req := range elements(p, "services", items, func(r *serviceRequest) *string { return r.Name }) {
		problems, err := sh.serviceSecretProblems(orgID, req)
		if !p.ok(path, err) {
			continue
		}
		old := existing[namekey(deref(req.Name))]
		if old == nil {
			// The ID is chosen now: the seals are bound to it, and rules and windows of the
			// same document refer to the service through it.
			s := &store.Service{ID: uuid.Must(uuid.NewV7()).String()}
			if !p.ok(path, withSecretProblems(problems, sh.applyRequest(orgID, req, s, applyCreate, lc))) {
				continue
			}
			p.services[namekey(s.Name)] = s.ID
			p.st.names[s.ID] = s.Name
			p.newServices++
			p.change("create", "service", s.Name, func(c *gin.Context) error {
				return services.add(c, orgID, s, importMeta(nil))
			})
			continue
		}
		next := *old
		if !p.ok(path, withSecretProblems(problems, sh.applyRequest(orgID, req, &next, applyReplace, lc))) {
			continue
		}
		if sameService(old, &next) {
			p.change("", "service", old.Name, nil)
			continue
		}
		id := old.ID
		p.change("update", "service", next.Name, func(c *gin.Context) error {
			_, err := services.modify(c, orgID, id, "updated", importMeta(nil), func(s *store.Service) error {
				return sh.applyRequest(orgID, req, s, applyReplace, lc)
			})
			return err
		})
	}
}

// sameService reports whether applying the element changed nothing: the same exported
// form, and the same sealed credentials (kept seals are reused byte for byte, while a
// credential sent in plain text is sealed afresh and so counts as a change).
func sameService(a, b *store.Service) bool {
	if !reflect.DeepEqual(newServiceItem(a), newServiceItem(b)) || (a.Auth == nil) != (b.Auth == nil) {
		return false
	}
	if a.Auth != nil && (a.Auth.Type != b.Auth.Type || !bytes.Equal(a.Auth.Sealed, b.Auth.Sealed)) {
		return false
	}
	if len(a.SealedHeaders) != len(b.SealedHeaders) {
		return false
	}
	for name, sealed := range a.SealedHeaders {
		if !bytes.Equal(sealed, b.SealedHeaders[name]) {
			return false
		}
	}
	return true
}

// importMeta marks an audit entry's metadata as written by an import.
func importMeta(meta map[string]any) map[string]any {
	if meta == nil {
		meta = map[string]any{}
	}
	meta["source"] = "import"
	return meta
}

// planHeartbeats validates the heartbeats through heartbeatRequest.apply: a new one as a
// POST (it gets a fresh ping key), an existing one as a PUT.
func (p *importPlan) planHeartbeats(items []json.RawMessage) {
	existing := map[string]*store.Heartbeat{}
	for i := range p.st.heartbeats {
		hb := &p.st.heartbeats[i]
		k := namekey(hb.Name)
		if _, dup := existing[k]; dup {
			// Two heartbeats share the name: an element or a reference naming it is ambiguous.
			existing[k], p.heartbeats[k] = nil, ambiguousID
		} else {
			existing[k], p.heartbeats[k] = hb, hb.ID
		}
	}
	beats := (&heartbeatHandlers{base: p.h.base}).heartbeats()
	orgID, tz := p.org.ID, p.org.Settings.Timezone
	for path, req := range elements(p, "heartbeats", items, func(r *heartbeatRequest) *string { return r.Name }) {
		old, found := existing[namekey(deref(req.Name))]
		switch {
		case found && old == nil:
			p.f.add(path+".name", "is shared by several heartbeats of this organization; rename them first")
		case !found:
			hb := &store.Heartbeat{ID: uuid.Must(uuid.NewV7()).String()}
			if _, err := req.apply(hb, true, tz); !p.ok(path, err) {
				continue
			}
			p.heartbeats[namekey(hb.Name)] = hb.ID
			p.st.names[hb.ID] = hb.Name
			p.change("create", "heartbeat", hb.Name, func(c *gin.Context) error {
				return beats.add(c, orgID, hb, importMeta(map[string]any{"schedule": hb.Schedule}))
			})
		default:
			next := *old
			if _, err := req.apply(&next, false, tz); !p.ok(path, err) {
				continue
			}
			if newHeartbeatItem(old) == newHeartbeatItem(&next) {
				p.change("", "heartbeat", old.Name, nil)
				continue
			}
			id, now := old.ID, p.h.now()
			p.change("update", "heartbeat", next.Name, func(c *gin.Context) error {
				_, err := beats.modify(c, orgID, id, "updated", importMeta(nil), func(hb *store.Heartbeat) error {
					return req.update(hb, tz, now)
				})
				return err
			})
		}
	}
}
