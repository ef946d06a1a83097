package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ServiceScan reads every service of every organization as ForEachService does, but
// decodes only the records that changed since its previous Each: the scheduler reloads
// every few seconds, and a JSON decode per service and reload cost about as much CPU as
// the checks themselves, where comparing a record's bytes with the ones kept is a
// memcmp. A record changes when an API call edits the service or the recorder changes its
// status; the latest result lives in the series head and does not change it.
//
// The services Each hands out are shared between calls: a caller keeps the pointer, and
// must not change what it points to. Not safe for concurrent use.
type ServiceScan struct {
	DB   *DB
	seen map[string]*scannedService // organization ID + "/" + service ID
	pass uint64
}

// scannedService is a service as the last Each decoded it, with its record's bytes.
type scannedService struct {
	raw  []byte
	svc  *Service
	pass uint64 // the last Each that saw it
}

// Each calls fn with every service of every organization (organizations being deleted
// are skipped), in one read transaction; fn must not call back into the store. Unlike
// ForEachService, the Last* fields are not laid over the record (the scheduler does not
// read them).
func (sc *ServiceScan) Each(fn func(s *Service) error) error {
	if sc.seen == nil {
		sc.seen = map[string]*scannedService{}
	}
	sc.pass++
	var key []byte
	err := sc.DB.view(func(tx txn) error {
		return eachServiceRecord(tx, func(orgID []byte, _ bucket, k, v []byte) error {
			key = append(append(append(key[:0], orgID...), '/'), k...)
			known := sc.seen[string(key)] // no allocation: the conversion is only looked up
			if known == nil || !bytes.Equal(known.raw, v) {
				s := new(Service)
				if err := json.Unmarshal(v, s); err != nil {
					return fmt.Errorf("store: decode service %q: %w", k, err)
				}
				s.OrgID = string(orgID)
				if known == nil {
					known = new(scannedService)
					sc.seen[string(key)] = known
				}
				known.raw, known.svc = bytes.Clone(v), s
			}
			known.pass = sc.pass
			return fn(known.svc)
		})
	})
	if err != nil {
		return err
	}
	for k, s := range sc.seen {
		if s.pass != sc.pass {
			delete(sc.seen, k) // deleted, or its organization is
		}
	}
	return nil
}
