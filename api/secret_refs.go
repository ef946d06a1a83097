package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/textproto"
	"slices"

	"github.com/alertifypro/alertifypro/vault"
)

// Save-time checks of {{secrets.NAME}} references: a service or channel request that
// refers to a secret the organization does not have is a 422 naming the field
// ("options.headers.Authorization": "unknown secret API_TOKEN"). Only what a request sends
// can add a reference (masked values keep stored ones, which were checked when sent), so
// the check reads the request, outside the store's write transaction.

// unknownSecretProblems returns, for each field of texts (field → text) that refers to a
// secret orgID lacks, the problem "unknown secret NAME" (or, first, that a reference is
// malformed); empty when every reference is well-formed and known.
func (b *base) unknownSecretProblems(orgID string, texts map[string]string) (fieldErrors, error) {
	f := fieldErrors{}
	for field, text := range texts {
		if bad := vault.Malformed(text); bad != "" {
			f.add(field, fmt.Sprintf("malformed secret reference %q: write {{secrets.NAME}}, NAME of A-Z, 0-9 and _", bad))
		}
	}
	var names []string
	for _, text := range texts {
		for _, name := range vault.References(text) {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	if len(names) == 0 {
		return f, nil
	}
	known, err := b.store.SecretsNamed(orgID, names)
	if err != nil {
		return nil, err
	}
	for field, text := range texts {
		for _, name := range vault.References(text) {
			if _, ok := known[name]; !ok {
				f.add(field, "unknown secret "+name)
				break
			}
		}
	}
	return f, nil
}

// withSecretProblems joins reference problems to a validator's answer: into its 422 (the
// validator's own problem wins on a shared field), as a 422 of their own when it passed,
// and not at all when it failed otherwise (404, a store failure).
func withSecretProblems(problems fieldErrors, err error) error {
	if len(problems) == 0 {
		return err
	}
	if err == nil {
		return errValidation(problems)
	}
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Fields == nil {
		return err
	}
	for field, msg := range problems {
		if _, ok := apiErr.Fields[field]; !ok {
			apiErr.Fields[field] = msg
		}
	}
	return apiErr
}

// serviceRequestTexts are the texts of a service request that may hold references: the
// endpoint, the body option, each header value and each credential field, by the field
// names a 422 uses.
func serviceRequestTexts(req *serviceRequest) map[string]string {
	texts := map[string]string{}
	if req.Endpoint != nil {
		texts["endpoint"] = *req.Endpoint
	}
	var opts struct {
		Body    *string           `json:"body"`
		Headers map[string]string `json:"headers"`
	}
	// A malformed options object is the options reader's problem to report.
	if len(req.Options) > 0 && json.Unmarshal(req.Options, &opts) == nil {
		if opts.Body != nil {
			texts["options.body"] = *opts.Body
		}
		for name, value := range opts.Headers {
			texts["options.headers."+textproto.CanonicalMIMEHeaderKey(name)] = value
		}
	}
	var auth map[string]any
	if len(req.Auth) > 0 && json.NewDecoder(bytes.NewReader(req.Auth)).Decode(&auth) == nil {
		vault.Walk(auth, "auth", func(path, text string) { texts[path] = text })
	}
	return texts
}

// serviceSecretProblems are the request's references to secrets orgID lacks, read before
// the store's write transaction and joined to applyRequest's answer by withSecretProblems.
func (b *base) serviceSecretProblems(orgID string, req *serviceRequest) (fieldErrors, error) {
	return b.unknownSecretProblems(orgID, serviceRequestTexts(req))
}

// checkChannelSecrets is a channel validator's answer with the unknown references of the
// request's config ("config.url", "config.headers.Authorization") added.
func (b *base) checkChannelSecrets(orgID string, config map[string]any, validated error) error {
	texts := map[string]string{}
	vault.Walk(config, "config", func(path, text string) { texts[path] = text })
	problems, err := b.unknownSecretProblems(orgID, texts)
	if err != nil {
		return err
	}
	return withSecretProblems(problems, validated)
}
