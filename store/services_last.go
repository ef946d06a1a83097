package store

import (
	"errors"
	"slices"
	"time"
)

// A service's latest result (LastCheckedAt, LastResponseTimeMS, LastStatusCode,
// LastError, LastTimings, and when a check last saw its certificate) lives in its series
// head, which every result rewrites, not in its JSON record, which the recorder writes
// only when the status or the certificate changes. Every read of a service record goes
// through readService or readServices, which lay the head's latest result over the
// record. A record written before series heads existed still holds its own latest
// result; it shows until the service's next result moves it to a head.

// lastFields holds the values a Service's Last* fields point to.
type lastFields struct {
	at       time.Time
	ms, code int
	timings  Timings
}

// set lays the latest result l over s's Last* fields (pointing them into f); a head
// without a result leaves s as its record has it.
func (f *lastFields) set(s *Service, l *headLast) {
	if !l.has {
		return
	}
	e := &l.entry
	f.at, f.ms, f.code = time.Unix(0, e.at).UTC(), int(e.ms), int(e.code)
	s.LastCheckedAt, s.LastResponseTimeMS, s.LastStatusCode, s.LastError = &f.at, &f.ms, &f.code, e.errorText
	s.LastTimings = nil
	if l.timings != (Timings{}) {
		f.timings = l.timings
		s.LastTimings = &f.timings
	}
	if s.Certificate != nil && l.certAtSet {
		s.Certificate.CheckedAt = time.Unix(0, l.certAt).UTC()
	}
}

// lastFromRecord is the latest result a record written before series heads holds, as a
// head's; its status is the service's (0 when that is no result status, e.g. PAUSED).
func lastFromRecord(s *Service) headLast {
	if s.LastCheckedAt == nil {
		return headLast{}
	}
	l := headLast{has: true, entry: rawEntry{at: seriesNanos(*s.LastCheckedAt), status: statusToCode(s.Status),
		errorText: clampError(s.LastError)}}
	if s.LastResponseTimeMS != nil {
		l.entry.ms = nonNegative(*s.LastResponseTimeMS)
	}
	if s.LastStatusCode != nil {
		l.entry.code = nonNegative(*s.LastStatusCode)
	}
	if s.LastTimings != nil {
		l.timings = *s.LastTimings
	}
	if s.Certificate != nil && !s.Certificate.CheckedAt.IsZero() {
		l.certAt, l.certAtSet = seriesNanos(s.Certificate.CheckedAt), true
	}
	return l
}

// putService writes the recorder's change of s (status, certificate) to its record,
// without the latest result, which its head holds.
func putService(b bucket, s *Service) error {
	stored := *s
	stored.LastCheckedAt, stored.LastResponseTimeMS, stored.LastStatusCode = nil, nil, nil
	stored.LastError, stored.LastTimings = "", nil
	return putJSON(b, []byte(s.ID), &stored)
}

// writeService writes s to its record in services bucket b of organization bucket ob:
// without its latest result when its head holds it, as is when it has no head yet.
func writeService(ob, b bucket, s *Service) error {
	if prefix, ok := seriesPrefix(s.ID); ok {
		if heads := ob.Bucket([]byte(subHeads)); heads.exists() && heads.Get(prefix) != nil {
			return putService(b, s)
		}
	}
	return putJSON(b, []byte(s.ID), s)
}

// sameCertificate reports whether a and b are the same certificate as a check sees it
// (everything but when it was seen).
func sameCertificate(a, b *Certificate) bool {
	return a.Issuer == b.Issuer && a.Subject == b.Subject && slices.Equal(a.DNSNames, b.DNSNames) &&
		a.ValidFrom.Equal(b.ValidFrom) && a.ValidTo.Equal(b.ValidTo) && a.DaysUntilExpiry == b.DaysUntilExpiry
}

// overlayLast lays the latest result of s's head in organization bucket ob over s.
func overlayLast(ob bucket, s *Service) error {
	prefix, ok := seriesPrefix(s.ID)
	if !ok {
		return nil
	}
	heads := ob.Bucket([]byte(subHeads))
	if !heads.exists() {
		return nil
	}
	v := heads.Get(prefix)
	if v == nil {
		return nil
	}
	var h seriesHead
	if err := decodeHead(v, &h); err != nil {
		return errors.Join(errors.New("store: series head of service "+s.ID), err)
	}
	new(lastFields).set(s, &h.last)
	return nil
}

// readService reads service id of organization bucket ob, with its latest result, into s;
// the ErrNotFound of a service when there is none.
func readService(ob bucket, id string, s *Service) error {
	if err := getJSON(ob.Bucket([]byte(subServices)), []byte(id), s, entityService); err != nil {
		return err
	}
	return overlayLast(ob, s)
}

// readServices reads every service of organization bucket ob in key (creation) order,
// with their latest results; never nil.
func readServices(ob bucket) ([]Service, error) {
	out, err := listJSON[Service](ob.Bucket([]byte(subServices)))
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := overlayLast(ob, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
