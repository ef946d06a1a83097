package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// smsCodeTTL is how long a texted confirmation code works.
const smsCodeTTL = 10 * time.Minute

var (
	// e164Re is a phone number in E.164: "+", a country code not starting with 0, and 8
	// to 15 digits in all.
	e164Re = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
	// smsCodeRe is a confirmation code as entered.
	smsCodeRe = regexp.MustCompile(`^[0-9]{6}$`)
	// phoneSeparators are what people type between digit groups; they are dropped.
	phoneSeparators = strings.NewReplacer(" ", "", "-", "", "\u00a0", "")
)

// phoneNumber checks a submitted number: E.164 once spaces and dashes between digit
// groups are dropped ("+49 170 1234567" is accepted as +491701234567).
func phoneNumber(f fieldErrors, field, raw string) string {
	p := phoneSeparators.Replace(strings.TrimSpace(raw))
	if !e164Re.MatchString(p) {
		f.add(field, "must be a phone number in E.164 format: + and 8 to 15 digits, e.g. +14155550100")
	}
	return p
}

// SMS code purposes, bound into their digests.
const (
	smsPurposeConfirm     = "confirm"
	smsPurposeUnsubscribe = "unsubscribe"
)

// smsCodeDigest is the keyed digest a texted code is stored as: HMAC-SHA256 under a key
// derived from ENCRYPTION_KEY over the purpose, organization, page, number and code, so a
// copy of the database alone does not give the million candidates away, and a code is
// bound to the number it was sent to and what it was sent for.
func (subs *subscribers) smsCodeDigest(purpose, orgID, pageID, phone, code string) []byte {
	k := hmac.New(sha256.New, subs.cfg.EncryptionKeyBytes)
	k.Write([]byte("alertifypro sms confirmation code"))
	mac := hmac.New(sha256.New, k.Sum(nil))
	mac.Write([]byte(purpose + "\x00" + orgID + "\x00" + pageID + "\x00" + phone + "\x00" + code))
	return mac.Sum(nil)
}

// newSMSCode draws a uniform six-digit code.
func newSMSCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("drawing an SMS code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// smsChannelReady reports whether page can text: SMS subscriptions on and its channel an
// enabled twilio_sms channel of the organization.
func (subs *subscribers) smsChannelReady(page *store.StatusPage) bool {
	if !page.SMS.Enabled || page.SMS.ChannelID == "" {
		return false
	}
	ch, err := subs.store.Channel(page.OrgID, page.SMS.ChannelID)
	return err == nil && ch.Enabled && ch.Type == "twilio_sms"
}

// addSMS subscribes phone (already valid) to page as a pending SMS subscriber under the
// organization's plan cap, which counts subscribers of every type together, and texts a
// new code when the number is new or pending without a recent code. It returns the
// outcome; change is recorded only when the subscriber is new.
func (subs *subscribers) addSMS(page *store.StatusPage, phone string, change func(*store.Subscriber) *store.Change) (store.SubscribeOutcome, error) {
	org, err := subs.store.Organization(page.OrgID)
	if err != nil {
		return 0, err
	}
	code, err := newSMSCode()
	if err != nil {
		return 0, err
	}
	s := &store.Subscriber{ID: store.NewID(), PageID: page.ID, Type: store.SubscriberSMS, Status: store.SubscriberPending, Phone: phone,
		SMSCode: &store.SMSCode{Digest: subs.smsCodeDigest(smsPurposeConfirm, page.OrgID, page.ID, phone, code), ExpiresAt: subs.now().Add(smsCodeTTL)}}
	outcome, err := subs.store.AddSMSSubscriber(page.OrgID, s, limitsOf(strings.ToLower(org.PlanType)).MaxSubscribers, change(s))
	if err != nil || (outcome != store.SubscriberCreated && outcome != store.SubscriberRenewed) {
		return outcome, err
	}
	// Queued after the subscriber committed: should this fail, subscribing again re-sends.
	return outcome, subs.queueSMS(page, s, "subscriber.confirm", subs.notices.ConfirmationSMS(page, code, smsCodeTTL))
}

// queueSMS queues text to SMS subscriber s of page through the outbox.
func (subs *subscribers) queueSMS(page *store.StatusPage, s *store.Subscriber, event, text string) error {
	id := uuid.Must(uuid.NewV7()).String()
	raw, err := json.Marshal(&notify.Notification{ID: id, Event: event, OrgID: page.OrgID, SMS: text})
	if err != nil {
		return err
	}
	return subs.store.Enqueue(page.OrgID, &store.OutboxEntry{ID: id, Kind: store.OutboxKindSubscriber,
		TargetID: store.SubscriberTarget(page.ID, s.ID), Event: event, Notification: raw})
}

// checkSMSCode checks code for phone on page; a refused code is a 422 naming code, worded by
// why (wrong, expired, too many attempts), the same for a number that never subscribed.
func (subs *subscribers) checkSMSCode(page *store.StatusPage, phone, code string, change func(*store.Subscriber) *store.Change) error {
	outcome, _, err := subs.store.ConfirmSMSSubscriber(page.OrgID, page.ID, phone, subs.smsCodeDigest(smsPurposeConfirm, page.OrgID, page.ID, phone, code), change)
	if err != nil {
		return err
	}
	return smsCodeRefused(outcome)
}

// smsCodeRefused is the 422 naming code for a refused code (nil for SMSConfirmed).
func smsCodeRefused(outcome store.SMSConfirmOutcome) error {
	switch outcome {
	case store.SMSConfirmed:
		return nil
	case store.SMSCodeExpired:
		return errValidation(map[string]string{"code": "has expired; subscribe again to get a new code"})
	case store.SMSCodeExhausted:
		return errValidation(map[string]string{"code": "was entered wrongly too many times; subscribe again to get a new code"})
	}
	return errValidation(map[string]string{"code": "is not the code sent to this number"})
}

// maskPhone shows only a number's last four digits, which is what an operator needs to
// tell subscribers apart without the list becoming a phone book.
func maskPhone(p string) string {
	if len(p) <= 4 {
		return strings.Repeat("•", len(p))
	}
	return "+" + strings.Repeat("•", len(p)-5) + p[len(p)-4:]
}

// requestSMSUnsubscribe texts a confirmed SMS subscriber phone of page a code that
// removes it; nothing happens for other numbers, or within a minute of the last code.
func (subs *subscribers) requestSMSUnsubscribe(page *store.StatusPage, phone string) error {
	code, err := newSMSCode()
	if err != nil {
		return err
	}
	s, err := subs.store.RequestSMSUnsubscribe(page.OrgID, page.ID, phone, &store.SMSCode{
		Digest: subs.smsCodeDigest(smsPurposeUnsubscribe, page.OrgID, page.ID, phone, code), ExpiresAt: subs.now().Add(smsCodeTTL)})
	if err != nil || s == nil {
		return err
	}
	return subs.queueSMS(page, s, "subscriber.unsubscribe_code", subs.notices.UnsubscribeSMS(page, code, smsCodeTTL))
}

// leaveSMS removes SMS subscriber phone of page when code is its unsubscribe code.
func (subs *subscribers) leaveSMS(page *store.StatusPage, phone, code string, change func(*store.Subscriber) *store.Change) error {
	outcome, err := subs.store.UnsubscribeSMS(page.OrgID, page.ID, phone, subs.smsCodeDigest(smsPurposeUnsubscribe, page.OrgID, page.ID, phone, code), change)
	if err != nil {
		return err
	}
	return smsCodeRefused(outcome)
}
