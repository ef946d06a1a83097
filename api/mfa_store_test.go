package api

import (
	"encoding/json"
)

// rawUserMFA is the account's second-factor record as stored (JSON), for checking that
// secrets are sealed.
func (e *testEnv) rawUserMFA(userID string) []byte {
	e.t.Helper()
	m, err := e.db.UserMFA(userID)
	if err != nil {
		e.t.Fatal(err)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		e.t.Fatal(err)
	}
	return raw
}
