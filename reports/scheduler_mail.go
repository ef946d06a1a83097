package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// eventScheduledReport names a scheduled report's e-mails in the outbox and delivery log.
const eventScheduledReport = "report.scheduled"

// maxRunBytes bounds what one run queues: the report times its recipients. The e-mails
// are queued in one store write — in a cluster, one Raft entry replicated to every node —
// so it stays a few MiB. A monthly PDF of 1 000 services is about 400 KB: ten recipients
// fit.
const maxRunBytes = 8 << 20

// reportMail is one run's e-mail, before it is addressed.
type reportMail struct {
	orgID, orgName string
	msg            notify.Message
}

// render builds run runAt of report r: the SLA report of the period before runAt in
// loc, in the report's format, attached to a short e-mail that lists each service's
// uptime. Store failures are returned as they are; what retrying cannot fix is a
// *runFailure.
func (s *Scheduler) render(r *store.ScheduledReport, loc *time.Location, runAt, now time.Time) (*reportMail, error) {
	org, err := s.Store.Organization(r.OrgID)
	if err != nil {
		return nil, err
	}
	ids, err := s.existingServices(r)
	if err != nil {
		return nil, err
	}
	from, to := Period(r.Frequency, loc, runAt)
	doc, err := BuildDocument(s.Store, r.OrgID, org.Name, ids, from, to, loc, now)
	if err != nil {
		return nil, err
	}
	var data []byte
	ctype, ext := "application/pdf", "pdf"
	switch r.Format {
	case "csv":
		ctype, ext = "text/csv; charset=utf-8", "csv"
		data, err = CSV(doc.SLA.Services)
	case "json":
		ctype, ext = "application/json", "json"
		data, err = json.MarshalIndent(doc.SLA, "", "  ")
	default:
		data, err = RenderPDF(doc)
	}
	if err != nil {
		return nil, &runFailure{reason: "rendering failed: " + err.Error()}
	}
	period := doc.periodText()
	files := []notify.Attachment{{Filename: "sla-report-" + from.Format("2006-01-02") + "." + ext, ContentType: ctype, Data: data}}
	if err := notify.CheckAttachments(files); err != nil || len(data)*len(r.Recipients) > maxRunBytes {
		return nil, &runFailure{reason: fmt.Sprintf("the report is %d bytes: too large to mail to %d recipients (at most %d bytes, %d in all); name fewer services or recipients",
			len(data), len(r.Recipients), notify.MaxAttachmentBytes, maxRunBytes)}
	}
	msg := notify.Message{
		Subject:       "[AlertifyPro] " + r.Name + ": SLA report " + period,
		Text:          mailText(doc, r.Name, period),
		AutoSubmitted: true,
		// The same for every retry of this run's e-mails, so a server can drop a duplicate.
		MessageID:   "report-" + r.ID + "-" + strconv.FormatInt(runAt.Unix(), 10),
		Attachments: files,
	}
	return &reportMail{orgID: r.OrgID, orgName: org.Name, msg: msg}, nil
}

// existingServices is the report's service list without services deleted since it was
// saved; a report that named services of which none is left is a *runFailure (sending
// every service instead would show what the report was not meant to).
func (s *Scheduler) existingServices(r *store.ScheduledReport) ([]string, error) {
	var ids []string
	for _, id := range r.ServiceIDs {
		switch _, err := s.Store.Service(r.OrgID, id); {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			ids = append(ids, id)
		}
	}
	if len(r.ServiceIDs) > 0 && len(ids) == 0 {
		return nil, &runFailure{reason: "every service of this report was deleted"}
	}
	return ids, nil
}

// mailText is the e-mail's body: the period, then one line per service.
func mailText(doc *Document, name, period string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — SLA report for %s\n%s (%s)\n\n", name, doc.OrgName, period, doc.Location)
	for _, r := range doc.SLA.Services {
		status := "no checks"
		if r.SLAMet != nil {
			status = "target " + fmtNum(r.SLATarget) + " % " + map[bool]string{true: "met", false: "missed"}[*r.SLAMet]
		}
		fmt.Fprintf(&b, "• %s: %s %% uptime, %d incident(s), %s\n", r.ServiceName, optNum(r.UptimePercent), r.IncidentCount, status)
	}
	if len(doc.SLA.Services) == 0 {
		b.WriteString("No services in this report.\n")
	}
	b.WriteString("\nThe full report is attached.\n")
	return b.String()
}

// entries addresses the e-mail to each recipient: one outbox entry each, as every
// e-mail the outbox sends goes to one address (a bounce or retry concerns one person).
func (m *reportMail) entries(recipients []string) ([]*store.OutboxEntry, error) {
	out := make([]*store.OutboxEntry, 0, len(recipients))
	for _, to := range recipients {
		id := store.NewID()
		msg := m.msg
		raw, err := json.Marshal(&notify.Notification{ID: id, Event: eventScheduledReport, OrgID: m.orgID, OrgName: m.orgName, Mail: &msg})
		if err != nil {
			return nil, err
		}
		out = append(out, &store.OutboxEntry{ID: id, OrgID: m.orgID, Kind: store.OutboxKindEmail, TargetID: to,
			Event: eventScheduledReport, Notification: raw})
	}
	return out, nil
}
