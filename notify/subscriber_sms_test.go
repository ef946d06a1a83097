package notify

import (
	"net/url"
	"strings"
	"testing"
)

func TestToGSM7(t *testing.T) {
	for in, want := range map[string]string{
		"Störung behoben":            "Störung behoben",
		"„Fehler“ — bitte warten…":   `"Fehler" - bitte warten...`,
		"Façade côté, maître, naïve": "Facade coté, maitre, naive",
		"¿Qué pasó? Año nuevo":       "¿Qué paso? Año nuevo",
		"東京 ✓ 😀":                     "?? ? ?",
		"Preis: 5 € {ok} [x]":        "Preis: 5 € {ok} [x]",
	} {
		got := ToGSM7(in)
		if got != want || !gsmOnly(got) {
			t.Errorf("ToGSM7(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubscriberSMSTextFitsTwoSegments(t *testing.T) {
	link := "https://status.example.com/status/acme"
	for _, line := range []string{"short", strings.Repeat("long text {with} extension € ", 40)} {
		body := subscriberSMSText(ToGSM7(line), link)
		if smsSegments(body) > smsSubscriberSegments || !strings.HasSuffix(body, "\n"+link+"\n"+smsStopHint) || !gsmOnly(body) {
			t.Errorf("%d segments: %q", smsSegments(body), body)
		}
	}
	// A link that leaves too little room for the message is left out.
	body := subscriberSMSText(strings.Repeat("x", 400), "https://"+strings.Repeat("a", 250)+".example")
	if strings.Contains(body, "https://") || smsSegments(body) > smsSubscriberSegments || !strings.HasSuffix(body, "...\n"+smsStopHint) {
		t.Errorf("long link: %q", body)
	}
}

func TestTwilioSignatureAndOptOut(t *testing.T) {
	form := url.Values{"From": {"+14155550100"}, "Body": {"STOP"}, "To": {"+14155550199"}}
	sig := TwilioSignature("tok", "https://example.com/in?x=1", form)
	if !VerifyTwilioSignature("tok", "https://example.com/in?x=1", form, sig) ||
		VerifyTwilioSignature("tok2", "https://example.com/in?x=1", form, sig) ||
		VerifyTwilioSignature("tok", "https://example.com/in?x=2", form, sig) ||
		VerifyTwilioSignature("", "https://example.com/in?x=1", form, TwilioSignature("", "https://example.com/in?x=1", form)) {
		t.Fatal("signature checks")
	}
	form.Set("Body", "STOP please")
	if VerifyTwilioSignature("tok", "https://example.com/in?x=1", form, sig) {
		t.Fatal("changed body verifies")
	}
	for body, want := range map[string]bool{"STOP": true, " stop\n": true, "Unsubscribe": true, "end": true, "quit": true,
		"cancel": true, "stopall": true, "STOP please": false, "start": false, "": false} {
		if IsSMSOptOut(body) != want {
			t.Errorf("IsSMSOptOut(%q) != %v", body, want)
		}
	}
}

// FuzzSubscriberSMS: whatever a page name, title or message holds, the text is GSM-7 and
// fits two segments with the STOP hint at its end.
func FuzzSubscriberSMS(f *testing.F) {
	for _, s := range []string{"", "Störung „A“ — …", "東京😀", strings.Repeat("€{", 200), "\x00\xff\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		body := subscriberSMSText(ToGSM7(oneLine(s)), ToGSM7("https://status.example.com/status/"+s))
		if !gsmOnly(body) || smsSegments(body) > smsSubscriberSegments || !strings.HasSuffix(body, smsStopHint) {
			t.Fatalf("%q → %d segments, GSM-7 %v: %q", s, smsSegments(body), gsmOnly(body), body)
		}
	})
}
