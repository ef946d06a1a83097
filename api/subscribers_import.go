package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// Bounds of a subscriber import (README "Status page e-mail template and subscriber
// import"): the file is at most the request limit and maxCSVRows rows; past either,
// the answer is a 422 and nothing is imported.
const (
	maxCSVRows          = 10_000
	maxCSVProblems      = 1_000 // invalid rows listed in details; the fields name the first few
	maxCSVProblemFields = 50
)

// subscriberImportSkip is a row that was not imported, and why: "duplicate" (the address is on an
// earlier line of the file) or "already_subscribed" (on the page already).
type subscriberImportSkip struct {
	Line    int    `json:"line"`
	Email   string `json:"email"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// subscriberImportResult is the answer to an import.
type subscriberImportResult struct {
	Imported            int                    `json:"imported"`
	ConfirmationsQueued int                    `json:"confirmations_queued"`
	ConfirmedConsent    bool                   `json:"confirmed_consent"`
	Skipped             []subscriberImportSkip `json:"skipped"`
}

// importCSV imports e-mail subscribers from a CSV file (multipart field "file", or a
// text/csv body), one transaction for the whole file. Each new address is pending and
// gets the double opt-in e-mail, unless confirmed_consent is true: the member states the
// addresses already agreed, they are confirmed at once and no e-mail is sent; the audit
// entry records that statement with the count and the member. Invalid rows refuse the
// whole file (422, every line listed); duplicates are skipped and listed.
func (h *subscriberHandlers) importCSV(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	data, consent, err := readImportUpload(c)
	if err != nil {
		return err
	}
	rows, err := parseSubscriberCSV(data)
	if err != nil {
		return err
	}
	if h.cfg.SMTPHost == "" {
		return errValidation(map[string]string{"file": "cannot be imported: this server has no SMTP server configured (SMTP_HOST), so subscribers could not be e-mailed"})
	}
	result := subscriberImportResult{ConfirmedConsent: consent, Skipped: []subscriberImportSkip{}}
	firstLine := map[string]int{}
	byLine := map[int]string{}
	var batch []store.ImportedSubscriber
	for _, r := range rows {
		if first, dup := firstLine[r.email]; dup {
			result.Skipped = append(result.Skipped, subscriberImportSkip{Line: r.line, Email: r.email, Reason: "duplicate", Message: "repeats line " + strconv.Itoa(first)})
			continue
		}
		firstLine[r.email], byLine[r.line] = r.line, r.email
		row, err := h.importRow(p, r, consent)
		if err != nil {
			return err
		}
		batch = append(batch, row)
	}
	org, err := h.store.Organization(p.OrgID)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "subscriber.imported", statusPageRes(p), nil)
	existing, err := h.store.ImportSubscribers(p.OrgID, p.ID, batch, limitsOf(strings.ToLower(org.PlanType)).MaxSubscribers,
		func(imported int, existing []int) *store.Change {
			entry.Metadata = map[string]any{"status_page_id": p.ID, "count": imported, "confirmed_consent": consent,
				"already_subscribed": len(existing), "duplicates_in_file": len(result.Skipped)}
			return audited(entry)
		})
	if err != nil {
		return err
	}
	for _, line := range existing {
		result.Skipped = append(result.Skipped, subscriberImportSkip{Line: line, Email: byLine[line], Reason: "already_subscribed", Message: "is already a subscriber of this page"})
	}
	slices.SortFunc(result.Skipped, func(a, b subscriberImportSkip) int { return a.Line - b.Line })
	result.Imported = len(batch) - len(existing)
	if !consent {
		result.ConfirmationsQueued = result.Imported
	}
	c.JSON(http.StatusOK, result)
	return nil
}

// importRow prepares one valid row as a subscriber (through the member add's build:
// tokens, seals) with its confirmation e-mail, or confirmed at once when consent is given.
func (h *subscriberHandlers) importRow(p *store.StatusPage, r csvSubscriber, consent bool) (store.ImportedSubscriber, error) {
	email := r.email
	ns, err := h.build(p, &subscriberRequest{Email: &email}, false)
	if err != nil {
		return store.ImportedSubscriber{}, err // validated before: only a crypto failure
	}
	s := ns.sub
	s.Name = r.name
	row := store.ImportedSubscriber{Line: r.line, Subscriber: s}
	if consent {
		now := h.now()
		s.Status, s.ConfirmedAt, s.ConfirmDigest = store.SubscriberConfirmed, &now, nil
		return row, nil
	}
	id := uuid.Must(uuid.NewV7()).String()
	raw, err := json.Marshal(&notify.Notification{ID: id, Event: "subscriber.confirm", OrgID: p.OrgID,
		Mail: h.notices.ConfirmationMail(p, ns.confirm, ns.unsubscribe)})
	if err != nil {
		return row, err
	}
	row.Confirmation = &store.OutboxEntry{ID: id, Kind: store.OutboxKindEmail, TargetID: s.Email, Event: "subscriber.confirm", Notification: raw}
	return row, nil
}

// readImportUpload reads the CSV and the consent flag from a multipart form (fields
// "file" and "confirmed_consent") or a text/csv body (?confirmed_consent=true). The body
// limit (1 MiB) bounds what is read; past it the answer is a 422 naming the file.
func readImportUpload(c *gin.Context) ([]byte, bool, error) {
	consentText := c.Query("confirmed_consent")
	var data []byte
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "multipart/form-data":
		mr, err := c.Request.MultipartReader()
		if err != nil {
			return nil, false, errBadRequest("The multipart body could not be read.")
		}
		found := false
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, false, uploadError(err)
			}
			b, err := io.ReadAll(part)
			if err != nil {
				return nil, false, uploadError(err)
			}
			switch part.FormName() {
			case "file":
				data, found = b, true
			case "confirmed_consent":
				consentText = string(b)
			}
		}
		if !found {
			return nil, false, errValidation(map[string]string{"file": "is required: a CSV file of e-mail addresses"})
		}
	case "text/csv", "text/plain", "application/csv":
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			return nil, false, uploadError(err)
		}
		data = b
	default:
		return nil, false, errBadRequest("Content-Type must be multipart/form-data (a \"file\" field) or text/csv.")
	}
	consent := false
	switch strings.ToLower(strings.TrimSpace(consentText)) {
	case "", "false", "off", "0":
	case "true", "on", "1":
		consent = true
	default:
		return nil, false, errValidation(map[string]string{"confirmed_consent": "must be true or false"})
	}
	return data, consent, nil
}

// uploadError is the answer to a body that could not be read: over the limit, a 422
// naming the file (the documented answer to an oversized CSV); else a 400.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errValidation(map[string]string{"file": "is larger than 1 MiB; split it into smaller files (nothing was imported)"})
	}
	return errBadRequest("The upload could not be read.")
}
