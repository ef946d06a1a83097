package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// A file of the most rows an import takes (10 000) is imported in one transaction, each
// address with its own opt-in e-mail queued.
func TestSubscriberImportLargestFile(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	if _, err := m.db.UpdateOrganization(m.owner.OrgID, func(o *store.Organization) error { o.PlanType = planProfessional; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("email,name\n")
	for i := range maxCSVRows {
		fmt.Fprintf(&b, "subscriber%05d@example.com,Subscriber %d\n", i, i)
	}
	start := time.Now()
	rec := m.importCSV(m.owner.Token, b.String(), false)
	if rec.Code != 200 {
		t.Fatalf("import: %d %.300s", rec.Code, rec.Body.String())
	}
	if res := decode[subscriberImportResult](t, rec); res.Imported != maxCSVRows || res.ConfirmationsQueued != maxCSVRows {
		t.Fatalf("result: %+v", res)
	}
	t.Logf("%d rows (%d bytes) imported in %s", maxCSVRows, b.Len(), time.Since(start).Round(time.Millisecond))
	if n := m.subscriberCount(); n != maxCSVRows {
		t.Fatalf("%d subscribers", n)
	}
}
