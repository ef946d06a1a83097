package store

import (
	"bytes"
	"errors"
	"strings"
	"time"
)

// subStatusPages is the organization child holding status pages (pageID → StatusPage JSON);
// created on first write. The global slug index is bucketIdxStatusPageSlug.
const subStatusPages = "status_pages"

// Subscriber restriction modes of a status page (SPEC §3.16).
const (
	SubscribeAnyone      = "anyone"
	SubscribeEmailDomain = "email_domain"
	SubscribeInviteOnly  = "invite_only"
)

// StatusPage is an organization's public (or members-only) status page (SPEC §3.16). Slug
// is unique across the instance (idx_status_page_slug). Components point at services or
// heartbeats by ID; a component whose target was deleted keeps pointing at nothing and the
// public view shows it as "unknown" rather than silently dropping it, so an operator notices.
type StatusPage struct {
	ID                   string      `json:"id"`
	OrgID                string      `json:"org_id"`
	Name                 string      `json:"name"`
	Slug                 string      `json:"slug"`
	IsPublic             bool        `json:"is_public"`
	Branding             Branding    `json:"branding"`
	Components           []Component `json:"components"`
	ShowUptimeBars       bool        `json:"show_uptime_bars"`
	HistoryDays          int         `json:"history_days"`
	SubscriptionsEnabled bool        `json:"subscriptions_enabled"`
	SubscriberMode       string      `json:"subscriber_mode"`
	SubscriberDomains    []string    `json:"subscriber_domains"`
	// Language is the public page's language (en, de, fr, es); empty on pages saved
	// before languages existed, which are English.
	Language  string    `json:"language,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// EmailTemplate is how subscriber e-mails of the page look; nil is the default.
	EmailTemplate *EmailTemplate `json:"email_template,omitempty"`

	// SMS is how the page texts its SMS subscribers (status_pages_sms.go); zero: off.
	SMS SMSSubscriptions `json:"sms,omitzero"`
}

// Branding is how a status page looks: all optional. CustomCSS is sanitized by the API
// before it is stored (it is emitted inside a <style> element).
type Branding struct {
	LogoURL      string `json:"logo_url"`
	PrimaryColor string `json:"primary_color"`
	CompanyName  string `json:"company_name"`
	CustomCSS    string `json:"custom_css"`
}

// Component is one line of a status page: a service or a heartbeat (exactly one of the
// two IDs is set), shown under Group in DisplayOrder.
type Component struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ServiceID    string `json:"service_id,omitempty"`
	HeartbeatID  string `json:"heartbeat_id,omitempty"`
	Group        string `json:"group"`
	Description  string `json:"description"`
	DisplayOrder int    `json:"display_order"`
}

// Component returns the page's component id, or nil.
func (p *StatusPage) Component(id string) *Component {
	for i := range p.Components {
		if p.Components[i].ID == id {
			return &p.Components[i]
		}
	}
	return nil
}

// slugKey is the idx_status_page_slug key: slugs compare case-insensitively.
func slugKey(slug string) []byte {
	return []byte(strings.ToLower(strings.TrimSpace(slug)))
}

// slugIndex returns the global slug index; created on first write (like the other
// indexes added after schema version 1), missing in a read transaction before any page exists.
func slugIndex(tx txn) (bucket, error) {
	if b := tx.Bucket([]byte(bucketIdxStatusPageSlug)); b.exists() || !tx.Writable() {
		return b, nil
	}
	return tx.CreateBucket([]byte(bucketIdxStatusPageSlug))
}

// claimSlug points slug at orgID/pageID, or answers ErrConflict when another page holds it.
func claimSlug(tx txn, slug, orgID, pageID string) error {
	if strings.TrimSpace(slug) == "" {
		return errors.New("store: status page slug is empty")
	}
	idx, err := slugIndex(tx)
	if err != nil {
		return err
	}
	ref := compositeKey(orgID, pageID)
	if cur := idx.Get(slugKey(slug)); cur != nil && !bytes.Equal(cur, ref) {
		return conflictf(entityStatusPage, "That slug is already used by another status page.")
	}
	return idx.Put(slugKey(slug), ref)
}

// CreateStatusPage stores a new page in orgID and claims its slug (ErrConflict when taken
// anywhere on the instance). ID and times are filled; OrgID is set to orgID.
func (db *DB) CreateStatusPage(orgID string, p *StatusPage, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subStatusPages)
		if err != nil {
			return err
		}
		if p.ID == "" {
			p.ID = NewID()
		}
		if b.Get([]byte(p.ID)) != nil {
			return conflictf(entityStatusPage, "A status page with ID %s already exists.", p.ID)
		}
		if err := claimSlug(tx, p.Slug, orgID, p.ID); err != nil {
			return err
		}
		now := db.stamp()
		p.OrgID, p.CreatedAt, p.UpdatedAt = orgID, now, now
		return putJSON(b, []byte(p.ID), p)
	})
}

// StatusPage returns page id of orgID, or ErrNotFound (also for another org's page).
func (db *DB) StatusPage(orgID, id string) (*StatusPage, error) {
	var p StatusPage
	err := db.view(func(tx txn) error { return getStatusPage(tx, orgID, id, &p) })
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// StatusPages lists orgID's pages in creation order; never nil.
func (db *DB) StatusPages(orgID string) ([]StatusPage, error) {
	var out []StatusPage
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subStatusPages)
		if err != nil {
			return err
		}
		out, err = listJSON[StatusPage](b)
		return err
	})
	return out, err
}

// UpdateStatusPage loads page id, lets fn change it and stores it in one transaction. A
// changed slug is claimed (ErrConflict when taken) and the old one freed. ID, OrgID and
// CreatedAt cannot change; an error from fn aborts and is returned as is.
func (db *DB) UpdateStatusPage(orgID, id string, fn func(*StatusPage) error, change *Change) (*StatusPage, error) {
	var p StatusPage
	err := db.update(orgID, change, func(tx txn) error {
		if err := getStatusPage(tx, orgID, id, &p); err != nil {
			return err
		}
		oldSlug, created := p.Slug, p.CreatedAt
		if err := fn(&p); err != nil {
			return err
		}
		p.ID, p.OrgID, p.CreatedAt, p.UpdatedAt = id, orgID, created, db.stamp()
		if !bytes.Equal(slugKey(oldSlug), slugKey(p.Slug)) {
			if err := claimSlug(tx, p.Slug, orgID, id); err != nil {
				return err
			}
			idx, err := slugIndex(tx)
			if err != nil {
				return err
			}
			if err := idx.Delete(slugKey(oldSlug)); err != nil {
				return err
			}
		}
		b, err := orgSub(tx, orgID, subStatusPages)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteStatusPage removes page id of orgID, its incidents, its subscribers (with their
// tokens) and its slug (which another page may then take), in one transaction. ErrNotFound when it is not the org's.
func (db *DB) DeleteStatusPage(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var p StatusPage
		if err := getStatusPage(tx, orgID, id, &p); err != nil {
			return err
		}
		if err := deletePageIncidents(tx, orgID, id); err != nil {
			return err
		}
		if err := deletePageSubscribers(tx, orgID, id); err != nil {
			return err
		}
		idx, err := slugIndex(tx)
		if err != nil {
			return err
		}
		if err := idx.Delete(slugKey(p.Slug)); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subStatusPages)
		if err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// PublicStatusPage finds a page by slug across the instance, for the unauthenticated
// public view; the caller decides what a private page shows (IsPublic). ErrNotFound for an
// unknown slug or a page whose organization is gone.
func (db *DB) PublicStatusPage(slug string) (*StatusPage, error) {
	var p StatusPage
	err := db.view(func(tx txn) error { return pageBySlug(tx, slug, &p) })
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// pageBySlug decodes the page that slug points at into p.
func pageBySlug(tx txn, slug string, p *StatusPage) error {
	idx, err := slugIndex(tx)
	if err != nil {
		return err
	}
	var ref []byte
	if idx.exists() {
		ref = idx.Get(slugKey(slug))
	}
	orgID, pageID, ok := splitComposite(ref)
	if !ok {
		return notFoundf(entityStatusPage, "status page %q", slug)
	}
	return getStatusPage(tx, orgID, pageID, p)
}

// getStatusPage decodes orgs/<orgID>/status_pages/<id> into p.
func getStatusPage(tx txn, orgID, id string, p *StatusPage) error {
	b, err := orgSub(tx, orgID, subStatusPages)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), p, entityStatusPage)
}
