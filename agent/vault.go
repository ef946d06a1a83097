package agent

import (
	"encoding/json"
	"errors"
	"sync"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// vault keeps the credentials of the agent's assignments in memory only (SPEC §8): never
// on disk, never in a log. It is the monitor.Opener of the executor's checker, which asks
// for a service's credentials by organization and record ID exactly as the appliance's
// checker asks its sealer; the "sealed" values the services carry are mere placeholders.
type vault struct {
	mu sync.Mutex
	// records maps orgID + "\x00" + record ID to its plaintext; byService lists the record
	// keys of each orgID + "\x00" + serviceID, so a service's credentials go together.
	records   map[string][]byte
	byService map[string][]string
}

// inVault is the placeholder a service carries where the appliance has a sealed value.
const inVault = "agent-vault"

// errNotInVault is Open's answer for a record the vault does not hold.
var errNotInVault = errors.New("agent: credentials not in the vault")

func newVault() *vault {
	return &vault{records: make(map[string][]byte), byService: make(map[string][]string)}
}

// keep stores c for service serviceID of orgID and returns what the service carries in
// place of its sealed auth and headers.
func (v *vault) keep(orgID, serviceID string, c *Credentials) (*store.SealedAuth, map[string][]byte) {
	records := make(map[string][]byte)
	var auth *store.SealedAuth
	if c.Auth != nil {
		plain, err := json.Marshal(c.Auth)
		if err == nil {
			records[monitor.AuthRecordID(serviceID)] = plain
			auth = &store.SealedAuth{Type: c.Auth.Type, Sealed: []byte(inVault)}
		}
	}
	var headers map[string][]byte
	if len(c.Headers) > 0 {
		headers = make(map[string][]byte, len(c.Headers))
		for name, value := range c.Headers {
			records[monitor.HeaderRecordID(serviceID, name)] = []byte(value)
			headers[name] = []byte(inVault)
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.forgetLocked(orgID, serviceID)
	keys := make([]string, 0, len(records))
	for id, plain := range records {
		key := orgID + "\x00" + id
		v.records[key] = plain
		keys = append(keys, key)
	}
	v.byService[orgID+"\x00"+serviceID] = keys
	return auth, headers
}

// forget drops the credentials of service serviceID of orgID.
func (v *vault) forget(orgID, serviceID string) {
	v.mu.Lock()
	v.forgetLocked(orgID, serviceID)
	v.mu.Unlock()
}

func (v *vault) forgetLocked(orgID, serviceID string) {
	for _, key := range v.byService[orgID+"\x00"+serviceID] {
		delete(v.records, key)
	}
	delete(v.byService, orgID+"\x00"+serviceID)
}

// Open returns a copy of the plaintext of recordID of orgID (monitor.Opener).
func (v *vault) Open(_ []byte, orgID, recordID string) ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if plain, ok := v.records[orgID+"\x00"+recordID]; ok {
		return append([]byte(nil), plain...), nil
	}
	return nil, errNotInVault
}
