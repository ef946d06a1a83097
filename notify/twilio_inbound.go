package notify

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// smsOptOutWords are the replies Twilio's Advanced Opt-Out treats as opting out of a
// sender number (the whole message, any case); the inbound webhook removes the number's
// subscriptions on them too.
var smsOptOutWords = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}

// IsSMSOptOut reports whether an inbound text is an opt-out keyword.
func IsSMSOptOut(body string) bool {
	return slices.Contains(smsOptOutWords, strings.ToUpper(strings.TrimSpace(body)))
}

// TwilioSignature is the X-Twilio-Signature Twilio sends with a webhook request to
// fullURL (as configured at Twilio, query included) carrying the POST form: the base64
// HMAC-SHA1, keyed with the account's auth token, of the URL followed by every parameter
// name and value, sorted by name (and a repeated name's values by value).
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		values := slices.Clone(form[name])
		slices.Sort(values)
		for _, v := range values {
			mac.Write([]byte(name + v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyTwilioSignature reports, in constant time, whether signature is Twilio's
// signature of the request; an empty token or signature never verifies.
func VerifyTwilioSignature(authToken, fullURL string, form url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	return hmac.Equal([]byte(signature), []byte(TwilioSignature(authToken, fullURL, form)))
}

// TwilioAuthToken opens the auth token of a twilio_sms channel.
func TwilioAuthToken(o Opener, ch *store.NotificationChannel) (string, error) {
	if ch.Type != "twilio_sms" {
		return "", fmt.Errorf("channel %s is not a twilio_sms channel", ch.ID)
	}
	cfg, err := ChannelConfig(o, ch)
	if err != nil {
		return "", err
	}
	return cfgString(cfg, "auth_token"), nil
}
