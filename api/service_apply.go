package api

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// applyMode says what an absent request field means.
type applyMode int

const (
	applyCreate  applyMode = iota // POST: absent fields take their defaults
	applyReplace                  // PUT: the same, except auth and paused, which are kept
	applyPatch                    // PATCH: absent fields keep their value
)

// applyRequest validates req against the service s (a new one with its ID set, or the stored
// one inside the update transaction) and writes the result into s. Every problem is
// collected and answered once as 422; nothing is sealed until the whole request is valid.
// orgID and s.ID are what the seals are bound to; lc are the locations it may name.
func (h *serviceHandlers) applyRequest(orgID string, req *serviceRequest, s *store.Service, mode applyMode, lc *locationChoice) error {
	f := fieldErrors{}
	full := mode != applyPatch
	old := *s

	if full || req.Name != nil {
		s.Name = f.name("name", deref(req.Name), true, maxNameLen)
	}
	if full || req.Description != nil {
		s.Description = f.text("description", deref(req.Description), false, maxDescriptionLen)
	}
	if full || req.Environment != nil {
		s.Environment = f.name("environment", deref(req.Environment), false, maxServiceEnvironment)
	}
	typeOK := true
	if full || req.CheckType != nil {
		t, ok := normalizeCheckType(deref(req.CheckType))
		switch {
		case strings.TrimSpace(deref(req.CheckType)) == "":
			f.add("check_type", "is required")
		case !ok:
			f.add("check_type", checkTypeProblem())
		}
		typeOK = ok
		if ok {
			s.CheckType = t
		}
	}
	typeChanged := mode != applyCreate && s.CheckType != old.CheckType
	switch {
	case typeOK && (full || req.Endpoint != nil || typeChanged):
		endpoint := s.Endpoint
		if full || req.Endpoint != nil {
			endpoint = deref(req.Endpoint)
		}
		var problem string
		if s.Endpoint, problem = validateEndpoint(s.CheckType, endpoint); problem != "" {
			f.add("endpoint", problem)
		}
	case full && strings.TrimSpace(deref(req.Endpoint)) == "":
		f.add("endpoint", "is required") // the form depends on the (invalid) check type
	}

	if full {
		s.CheckIntervalSeconds = intField(req.CheckIntervalSeconds, defaultCheckInterval)
		s.TimeoutSeconds = intField(req.TimeoutSeconds, defaultTimeout(s.CheckIntervalSeconds))
	} else {
		s.CheckIntervalSeconds = intField(req.CheckIntervalSeconds, s.CheckIntervalSeconds)
		s.TimeoutSeconds = intField(req.TimeoutSeconds, s.TimeoutSeconds)
	}
	checkSchedule(f, s.CheckIntervalSeconds, s.TimeoutSeconds)

	if full || req.Tags != nil {
		var tags []string
		if req.Tags != nil {
			tags = *req.Tags
		}
		s.Tags = normalizeTags(f, tags)
	}
	switch {
	case req.DegradedThresholdMS != nil:
		s.DegradedThresholdMS = *req.DegradedThresholdMS
		if s.DegradedThresholdMS < 1 || s.DegradedThresholdMS > maxDegradedMS {
			f.add("degraded_threshold_ms", "must be a whole number of milliseconds from 1 to 600000")
		}
	case full:
		s.DegradedThresholdMS = defaultDegradedThreshold(s.CheckType)
	case typeChanged && old.DegradedThresholdMS == defaultDegradedThreshold(old.CheckType):
		// Still the old type's default: follow the new type's default.
		s.DegradedThresholdMS = defaultDegradedThreshold(s.CheckType)
	}
	applyResponseThresholds(f, req, s, full) // service_thresholds.go
	if full || len(req.SLATarget) > 0 {
		s.SLATarget = parseSLATarget(f, req.SLATarget)
	}
	lc.applyLocations(f, req, s, full)

	if mode == applyCreate {
		s.Status = statusPending
	} else if !s.Paused && (typeChanged || s.Endpoint != old.Endpoint) {
		s.Status = statusPending // the last result describes another target
	}
	if req.Paused != nil {
		setPaused(s, *req.Paused)
	}

	var opts *parsedOptions
	if typeOK {
		top := req.topAliases()
		switch {
		case req.Options != nil || full:
			opts = parseOptions(f, s.CheckType, req.Options, top, false)
		case typeChanged || top.has():
			// The stored options, in the form a client would send them back (masked header
			// values keep their seals), must suit the new type too; options given by
			// their documented names at the top of a PATCH replace their stored values.
			opts = parseOptions(f, s.CheckType, optionsView(&old), top, true)
		}
	}
	newAuth, keepAuth := h.authChange(f, req.Auth, &old)
	if typeOK {
		checkAuthType(f, s.CheckType, authTypeAfter(&old, newAuth, keepAuth))
	}
	if opts != nil {
		for name, value := range opts.headers {
			if _, stored := old.SealedHeaders[name]; value == credentialMask && !stored {
				f.add("options.headers."+name, `"`+credentialMask+`" keeps a stored value, but none is stored`)
			}
		}
	}
	if _, bad := f["endpoint"]; typeOK && !bad {
		h.checkEgress(f, s.CheckType, s.Endpoint, opts)
	}
	if err := f.err(); err != nil {
		return err
	}
	return h.sealChanges(orgID, s, &old, opts, req.Auth, newAuth)
}

// authChange interprets the auth field: absent keeps the stored credential, null removes
// it, the response form {type, configured:true} keeps it (and must match it), anything else
// is a new credential.
func (h *serviceHandlers) authChange(f fieldErrors, raw json.RawMessage, old *store.Service) (*authCredentials, bool) {
	if len(raw) == 0 || isNull(raw) {
		return nil, len(raw) == 0
	}
	creds, keepType := parseAuth(f, raw)
	if keepType != "" {
		if old.Auth == nil || old.Auth.Type != keepType {
			f.add("auth", "has no stored "+keepType+" credential to keep; send the credential itself")
		}
		return nil, true
	}
	return creds, false
}

// authTypeAfter is the auth type the service will have once the request is applied.
func authTypeAfter(old *store.Service, creds *authCredentials, keep bool) string {
	switch {
	case creds != nil:
		return creds.Type
	case keep && old.Auth != nil:
		return old.Auth.Type
	}
	return "" // none, removed, or an invalid request already reported
}

// checkAuthType refuses credentials the check type's probe would not use.
func checkAuthType(f fieldErrors, checkType, authType string) {
	if authType == "" {
		return
	}
	allowed := authTypesFor(checkType)
	switch {
	case allowed == nil:
		f.add("auth", "is not used by "+checkType+` checks; send "auth": null to remove it`)
	case !slices.Contains(allowed, authType):
		f.add("auth", "must be of type "+strings.Join(allowed, ", ")+" for "+checkType+" checks")
	}
}

// sealChanges seals new header values and a new credential into s, reusing the stored
// seals where the request kept them. It runs only for a valid request.
func (h *serviceHandlers) sealChanges(orgID string, s, old *store.Service, opts *parsedOptions,
	rawAuth json.RawMessage, creds *authCredentials) error {
	if opts != nil {
		sealed := make(map[string][]byte, len(opts.headers))
		for name, value := range opts.headers {
			if value == credentialMask {
				sealed[name] = old.SealedHeaders[name]
				continue
			}
			b, err := h.sealHeader(orgID, s.ID, name, value)
			if err != nil {
				return err
			}
			sealed[name] = b
		}
		if len(sealed) == 0 {
			sealed = nil
		}
		values, err := json.Marshal(opts.values)
		if err != nil {
			return err
		}
		s.Options, s.SealedHeaders = values, sealed
	}
	switch {
	case creds != nil:
		a, err := h.sealAuth(orgID, s.ID, creds)
		if err != nil {
			return err
		}
		s.Auth = a
	case isNull(rawAuth):
		s.Auth = nil
	}
	return nil
}

// setPaused pauses or resumes s. A resumed service is PENDING until its next check.
func setPaused(s *store.Service, paused bool) {
	if s.Paused == paused {
		return
	}
	s.Paused = paused
	if paused {
		s.Status = statusPaused
	} else {
		s.Status = statusPending
	}
}
