package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// noticeIn fails unless rec is an HTML notice page in lang with status and every one of
// want, and none of the English words of a notice page.
func noticeIn(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, lang string, want ...string) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != status || !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Fatalf("%s: %d, want %d in %s:\n%s", what, rec.Code, status, lang, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, body)
		}
	}
	text := body[strings.Index(body, "<body>"):]
	for _, english := range []string{"Back to the", "Enter your code", "Subscribed", "Unsubscribed", "Subscription not possible",
		"Confirm<", "Check your inbox", "must be", "is not the code", "The request", "Too many", "does not accept", "receive"} {
		if strings.Contains(text, english) {
			t.Errorf("%s still says %q:\n%s", what, english, body)
		}
	}
}

// The pages answering the SMS forms of a German status page are German: the code form,
// confirmed, unsubscribed, and each refusal (a number that is not E.164, a wrong code,
// too many requests) with the code form again where the code was wrong.
func TestSMSFormNoticesInPageLanguage(t *testing.T) {
	m := newSMSEnv(t)
	if rec := m.do("PUT", "/api/v1/status-pages/"+m.pageID, m.owner.Token, map[string]any{"language": "de"}); rec.Code != http.StatusOK {
		t.Fatalf("set de: %d %s", rec.Code, rec.Body.String())
	}
	const phone = "+491701234567"
	path := "/api/v1/public/status-pages/acme/subscribe/sms"
	post := func(ip, p string, form url.Values) *httptest.ResponseRecorder {
		return postFormFrom(m.testEnv, ip+":1000", p, form)
	}
	noticeIn(t, "bad number", post("192.0.2.50", path, url.Values{"phone": {"12"}}), http.StatusUnprocessableEntity, "de",
		"Abonnement nicht möglich", "Die Angaben sind nicht gültig. Die Nummer muss im Format E.164 sein", "Zurück zur Statusseite")
	noticeIn(t, "code form", post("192.0.2.50", path, url.Values{"phone": {phone}}), http.StatusOK, "de",
		"<title>Code eingeben</title>", "ist eine SMS mit einem sechsstelligen Code unterwegs", `<label for="code">Code</label>`,
		`<button type="submit">Bestätigen</button>`, "Zurück zur Statusseite")
	code := m.codeOf(m.deliver(), phone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	noticeIn(t, "wrong code", post("192.0.2.50", path+"/confirm", url.Values{"phone": {phone}, "code": {wrong}}), http.StatusUnprocessableEntity, "de",
		"Der Code ist nicht der an diese Nummer gesendete Code.", `name="code"`, `value="+491701234567"`)
	noticeIn(t, "confirmed", post("192.0.2.50", path+"/confirm", url.Values{"phone": {phone}, "code": {code}}), http.StatusOK, "de",
		"<h1>Abonniert</h1>", "Sie erhalten SMS zu Acme Status. Antworten Sie auf eine davon mit STOP")
	leave := "/api/v1/public/status-pages/acme/unsubscribe/sms"
	noticeIn(t, "leave code form", post("192.0.2.51", leave, url.Values{"phone": {phone}}), http.StatusOK, "de",
		"Code eingeben", "um sie zu beenden", `action="/api/v1/public/status-pages/acme/unsubscribe/sms/confirm"`)
	noticeIn(t, "left", post("192.0.2.51", leave+"/confirm", url.Values{"phone": {phone}, "code": {m.codeOf(m.deliver(), phone)}}), http.StatusOK, "de",
		"<h1>Abgemeldet</h1>", "Sie erhalten keine SMS zu Acme Status mehr.")
	var last *httptest.ResponseRecorder
	for range 7 {
		last = post("192.0.2.52", path, url.Values{"phone": {phone}})
	}
	noticeIn(t, "rate limited", last, http.StatusTooManyRequests, "de", "Zu viele Anfragen. Versuchen Sie es nach 20")
	if rec := m.do("PUT", "/api/v1/status-pages/"+m.pageID, m.owner.Token, map[string]any{"sms_subscriptions": map[string]any{"enabled": false}}); rec.Code != http.StatusOK {
		t.Fatalf("SMS off: %d", rec.Code)
	}
	noticeIn(t, "SMS off", post("192.0.2.53", path, url.Values{"phone": {phone}}), http.StatusForbidden, "de",
		"Diese Statusseite nimmt keine SMS-Abonnements an.")
}

// The pages of the e-mail form and of the confirmation and unsubscribe links of a French
// page are French; a link that matches no subscription names no page and stays English.
func TestEmailSubscriptionNoticesInPageLanguage(t *testing.T) {
	m := newSubscriberMailEnv(t, map[string]any{"language": "fr"})
	seen := 0
	noticeIn(t, "bad address", m.postForm("nope"), http.StatusUnprocessableEntity, "fr",
		"Abonnement impossible", "L’adresse e-mail n’est pas valide.", "Retour à la page d’état")
	noticeIn(t, "check inbox", m.postForm("ann@example.com"), http.StatusOK, "fr",
		"Consultez votre boîte de réception", "Si l’adresse peut s’abonner à Acme Status")
	mails := byRecipient(m.deliver(&seen))["ann@example.com"]
	if len(mails) != 1 {
		t.Fatalf("confirmation mails: %+v", mails)
	}
	noticeIn(t, "confirmed", m.do("GET", link(t, mails[0], "confirm"), "", nil), http.StatusOK, "fr",
		"<h1>Abonné</h1>", "Vous êtes maintenant abonné aux mises à jour de Acme Status.", "Retour à la page d’état")
	noticeIn(t, "unsubscribed", m.do("GET", link(t, mails[0], "unsubscribe"), "", nil), http.StatusOK, "fr",
		"<h1>Désabonné</h1>", "Vous ne recevrez plus les mises à jour de Acme Status.")
	if rec := m.do("GET", link(t, mails[0], "unsubscribe"), "", nil); rec.Code != http.StatusNotFound ||
		!strings.Contains(rec.Body.String(), `<html lang="en">`) || !strings.Contains(rec.Body.String(), "Not subscribed") {
		t.Fatalf("used link: %d %s", rec.Code, rec.Body.String())
	}
}

// noticeKeyRe finds the catalogue keys the notice pages name in Go ("notice.…", "error.…").
var noticeKeyRe = regexp.MustCompile(`"((?:notice|error)\.[a-z0-9_]+)"`)

// TestNoticeKeysInCatalogues: every notice and error key the handlers name (and the
// "_title" of a link's outcome) is in the catalogues, and every English error sentence
// the public forms can produce is one of them (so it is translated, not left English).
func TestNoticeKeysInCatalogues(t *testing.T) {
	en := statusCatalogues["en"].messages
	files, _ := filepath.Glob("subscribers*.go")
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range noticeKeyRe.FindAllStringSubmatch(string(src), -1) {
			found++
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s names %q, which no catalogue has", f, m[1])
			}
		}
	}
	for _, k := range []string{"notice.subscribed_title", "notice.unsubscribed_title"} {
		if _, ok := en[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if found < 10 {
		t.Fatalf("only %d keys found in the handlers; the pattern no longer matches", found)
	}
	de := statusCatalogues["de"]
	for _, english := range []string{"The request has invalid fields.", "Too many requests. Retry after 2026-11-25T12:00:05Z.",
		"Subscriber limit reached: 100 of 100 status-page subscribers this organization's plan allows.",
		"The email must be an address at one of: corp.example, corp.test.",
		"The code was entered wrongly too many times; subscribe again to get a new code.",
		"The code has expired; subscribe again to get a new code."} {
		if got := de.sentence(english); got == english {
			t.Errorf("%q is not translated", english)
		}
	}
	if got := de.sentence("Too many requests. Retry after 2026-11-25T12:00:05Z."); got != "Zu viele Anfragen. Versuchen Sie es nach 2026-11-25T12:00:05Z erneut." {
		t.Errorf("placeholder not carried over: %q", got)
	}
}
