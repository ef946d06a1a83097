package api

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestAdminBackupAndStorage(t *testing.T) {
	e := newTestEnv(t)
	admin := e.newUser("root@example.com", "Root") // the first account: instance admin
	ada := e.newUser("ada@example.com", "Ada")
	key := decode[map[string]any](t, e.do("POST", "/api/v1/api-keys", admin.Token, map[string]any{"name": "ci"}))["key"].(string)
	id := e.createHTTPService(ada.Token, "Site", "https://example.com")
	now := e.clock.Now()
	var results []store.CheckResult
	for i := range 30 {
		results = append(results, store.CheckResult{ServiceID: id, CheckedAt: now.Add(-time.Duration(30-i) * time.Minute),
			Status: store.StatusGreen, ResponseTimeMS: 10 + i})
	}
	e.recordAt(ada.OrgID, results...)

	var rows []scenario
	for _, path := range []string{"/api/v1/admin/backup", "/api/v1/admin/storage"} {
		rows = append(rows,
			scenario{name: "not the instance admin: 404 " + path, method: "GET", path: path, token: ada.Token, status: 404},
			scenario{name: "an API key of the instance admin: 404 " + path, method: "GET", path: path, token: key, status: 404},
			scenario{name: "no token: 401 " + path, method: "GET", path: path, status: 401},
		)
	}
	rows = append(rows,
		scenario{name: "backup downloads a sound database", method: "GET", path: "/api/v1/admin/backup", token: admin.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if ct := rec.Header().Get("Content-Type"); ct != "application/octet-stream" {
					t.Errorf("Content-Type %q", ct)
				}
				if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="alertifypro-20261125T120000Z.db"` {
					t.Errorf("Content-Disposition %q", cd)
				}
				path := filepath.Join(t.TempDir(), "backup.db")
				if err := os.WriteFile(path, rec.Body.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				db, err := store.Open(path, e.opts)
				if err != nil {
					t.Fatalf("open the backup: %v", err)
				}
				defer db.Close()
				if err := db.Check(); err != nil {
					t.Fatalf("backup fails bbolt's check: %v", err)
				}
				got, err := db.Checks(ada.OrgID, id, time.Time{}, time.Time{}, 0)
				if err != nil || len(got) != 30 || got[0].ResponseTimeMS != 39 {
					t.Fatalf("checks in the backup: %d, %v", len(got), err)
				}
				if u, err := db.UserByEmail("ada@example.com"); err != nil || u.ID != ada.ID {
					t.Fatalf("user in the backup: %v, %v", u, err)
				}
			}},
		scenario{name: "storage report in snake_case", method: "GET", path: "/api/v1/admin/storage", token: admin.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[storageView](t, rec)
				st, err := os.Stat(e.db.Path())
				if err != nil {
					t.Fatal(err)
				}
				if got.FileSizeBytes != st.Size() || got.PageSize <= 0 || got.DataSizeBytes <= 0 || got.DataSizeBytes > got.FileSizeBytes ||
					got.FreeBytes != int64(got.FreePages)*int64(got.PageSize) || got.BucketKeys["users"] != 2 {
					t.Errorf("storage: %+v", got)
				}
				var org *orgStorageView
				for i := range got.Organizations {
					if got.Organizations[i].OrganizationID == ada.OrgID {
						org = &got.Organizations[i]
					}
				}
				// Keys: at least the service, its series head and the 29 closed one-minute rows
				// (raw results share blocks; the open rows live in the head).
				if len(got.Organizations) != 2 || org == nil || org.Results != 30 || org.Rollup1m != 30 || org.Rollup1h != 1 || org.Rollup1d != 1 || org.Keys < 31 {
					t.Errorf("organizations: %+v", got.Organizations)
				}
			}},
		scenario{name: "storage keys are snake_case", method: "GET", path: "/api/v1/admin/storage", token: admin.Token, status: 200,
			contains: []string{`"file_size_bytes":`, `"free_pages":`, `"bucket_keys":{`, `"organizations":[{"organization_id":`, `"rollup_1m":`}},
	)
	e.run(rows)
}
