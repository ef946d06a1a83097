package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

// recordCache keeps the service records the recorder decoded, each with the bytes it was
// decoded from, so that a batch decodes a record again only when its bytes changed (an
// edit, a status change): the JSON decode of a service record per result was a fifth of
// the store's CPU per check. It is read and written only inside write transactions
// (RecordResults, DeleteService), which bbolt runs one at a time, so it needs no lock of
// its own. An entry is keyed by the bytes it was read from, never by what a transaction
// writes, so a transaction that rolls back leaves nothing wrong behind.
type recordCache struct {
	entries map[string]*cachedRecord // organization ID + "/" + service ID
	key     []byte
}

// cachedRecord is one decoded record and its stored bytes.
type cachedRecord struct {
	raw []byte
	svc Service
}

// maxCachedRecords bounds the cache: past it, it starts afresh (records of services
// deleted with their organization are never looked up again).
const maxCachedRecords = 100_000

// service returns a copy of the service stored as raw (organization orgID), decoding raw
// only when the cache holds other bytes for it. The copy may be changed freely: what the
// recorder changes in place — the certificate, the per-location statuses and check
// times — is copied too.
func (c *recordCache) service(orgID, id string, raw []byte) (*Service, error) {
	if c.entries == nil || len(c.entries) >= maxCachedRecords {
		c.entries = map[string]*cachedRecord{}
	}
	c.key = append(append(append(c.key[:0], orgID...), '/'), id...)
	e := c.entries[string(c.key)]
	if e == nil || !bytes.Equal(e.raw, raw) {
		var s Service
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("store: decode %s %q: %w", entityService, id, err)
		}
		e = &cachedRecord{raw: bytes.Clone(raw), svc: s}
		c.entries[string(c.key)] = e
	}
	s := e.svc
	if s.Certificate != nil {
		cert := *s.Certificate
		s.Certificate = &cert
	}
	s.LocationStatus, s.LocationCheckedAt = maps.Clone(s.LocationStatus), maps.Clone(s.LocationCheckedAt)
	return &s, nil
}

// forget drops the record of a deleted service.
func (c *recordCache) forget(orgID, id string) {
	delete(c.entries, orgID+"/"+id)
}
