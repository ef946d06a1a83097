package api

import (
	"encoding/json"
	"slices"

	"github.com/alertifypro/alertifypro/store"
)

// secretItem is a secret in the configuration document: its name only. Values are never
// exported, so an import cannot create secrets; the list says which secrets the document's
// references need, and importing into an organization that lacks one of them is a 422
// naming it (as is any reference to an unknown secret in the elements themselves).
type secretItem struct {
	Name string `json:"name"`
}

// planSecrets checks that the organization has every secret the document lists.
func (p *importPlan) planSecrets(items []json.RawMessage) {
	known := storeSecretNames(p.st.secrets)
	for i, raw := range items {
		path := item("secrets", i)
		var s secretItem
		if !p.decodeItem(path, raw, &s) {
			continue
		}
		if !slices.Contains(known, s.Name) {
			p.f.add(path+".name", "unknown secret "+s.Name+": create it under Settings → Secrets before importing "+
				"(values are never exported)")
		}
	}
}

// storeSecretNames is the names of secrets, for messages and checks.
func storeSecretNames(secrets []store.Secret) []string {
	names := make([]string, len(secrets))
	for i := range secrets {
		names[i] = secrets[i].Name
	}
	return names
}
