package notify

import (
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// validConfigs is one valid config per channel type.
var validConfigs = map[string]map[string]any{
	"email":       {"to": []any{"ops@example.com", "Grace Hopper <grace@example.com>"}},
	"webhook":     {"url": "https://hooks.example.com/in", "secret": "s3cret", "headers": map[string]any{"authorization": "Bearer x"}},
	"slack":       {"url": "https://hooks.slack.com/services/T000/B000/XXXX"},
	"discord":     {"url": "https://discord.com/api/webhooks/1/abc"},
	"msteams":     {"url": "https://prod-01.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x"},
	"mattermost":  {"url": "http://chat.lan/hooks/abc"},
	"google_chat": {"url": "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t"},
	"rocketchat":  {"url": "https://rocket.example.com/hooks/id/token"},
	"telegram":    {"bot_token": "123456:ABCdefGhIJKlmNoPQRsTUVwxyZ012345678", "chat_id": "-1001234567890"},
	"pagerduty":   {"routing_key": "0123456789abcdef0123456789ABCDEF"},
	"opsgenie":    {"api_key": "6f1b7c9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"},
	"pushover":    {"user_key": "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", "app_token": "azGDORePK8gMaC0QOYAMyEEuzJnyUi"},
	"ntfy":        {"topic": "alerts_ops-1"},
	"gotify":      {"server_url": "http://gotify.lan:8080", "app_token": "AbCdEf.123"},
	"twilio_sms":  {"account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "tok", "from": "+14155550100", "to": "+491701234567"},
	"matrix":      {"homeserver_url": "https://matrix.example.org", "access_token": "syt_abc", "room_id": "!room:example.org"},
}

func TestChannelTypesAllValidateAndBuild(t *testing.T) {
	types := ChannelTypes()
	if len(types) != 16 || types[0] != "email" || types[15] != "matrix" {
		t.Fatalf("ChannelTypes() = %v", types)
	}
	types[0] = "changed" // a copy: the caller cannot alter the package's list
	if ChannelTypes()[0] != "email" {
		t.Fatal("ChannelTypes returns the package's own slice")
	}
	d := Deps{HTTP: newHookReceiver(t, false).srv.Client()}
	for _, typ := range ChannelTypes() {
		clean, problems := ValidateChannelConfig(typ, validConfigs[typ])
		if len(problems) != 0 {
			t.Errorf("%s: valid config has problems %v", typ, problems)
		}
		if s, err := NewSender(typ, clean, d); err != nil || s == nil {
			t.Errorf("%s: NewSender: %v", typ, err)
		}
	}
}

func TestSecretFields(t *testing.T) {
	want := map[string][]string{
		"email": {"smtp_password"}, "webhook": {"url", "secret", "headers"}, "telegram": {"bot_token"},
		"pagerduty": {"routing_key"}, "opsgenie": {"api_key"}, "pushover": {"user_key", "app_token"},
		"ntfy": {"token"}, "gotify": {"app_token"}, "twilio_sms": {"auth_token"}, "matrix": {"access_token"},
	}
	for _, typ := range []string{"slack", "discord", "msteams", "mattermost", "google_chat", "rocketchat"} {
		want[typ] = []string{"url"} // the webhook URL is the credential
	}
	for _, typ := range ChannelTypes() {
		if got := SecretFields(typ); !reflect.DeepEqual(got, want[typ]) {
			t.Errorf("SecretFields(%s) = %v, want %v", typ, got, want[typ])
		}
	}
	if SecretFields("carrier_pigeon") != nil {
		t.Error("unknown type has secret fields")
	}
}

func TestValidateChannelConfigProblems(t *testing.T) {
	cases := []struct {
		typ    string
		config map[string]any
		fields []string // the fields with a problem
	}{
		{"email", map[string]any{}, []string{"to"}},
		{"email", map[string]any{"to": []any{"not an address"}}, []string{"to"}},
		{"email", map[string]any{"to": "a@example.com", "smtp_port": 70000, "smtp_tls": "ssl"}, []string{"smtp_host", "smtp_port", "smtp_tls"}},
		{"email", map[string]any{"to": "a@example.com", "smtp_host": "smtp.example.com"}, []string{"smtp_from"}},
		{"email", map[string]any{"to": "a@example.com", "smtp_host": "https://smtp.example.com", "smtp_from": "x",
			"smtp_password": "p"}, []string{"smtp_host", "smtp_from", "smtp_username"}},
		{"email", map[string]any{"to": "a@example.com", "smtp_host": "smtp.example.com", "smtp_from": "a@example.com",
			"smtp_username": "u", "smtp_tls": "none"}, []string{"smtp_tls"}},
		{"webhook", map[string]any{"url": "ftp://example.com/x"}, []string{"url"}},
		{"webhook", map[string]any{"url": "https://user:pw@example.com/x"}, []string{"url"}},
		{"webhook", map[string]any{"url": "/relative"}, []string{"url"}},
		{"webhook", map[string]any{"url": "https://example.com", "headers": map[string]any{"X-AlertifyPro-Signature": "forged"}}, []string{"headers"}},
		{"webhook", map[string]any{"url": "https://example.com", "headers": map[string]any{"Bad Name": "v"}}, []string{"headers"}},
		{"webhook", map[string]any{"url": "https://example.com", "headers": map[string]any{"X-A": "a\r\nInjected: 1"}}, []string{"headers"}},
		{"webhook", map[string]any{"url": "https://example.com", "headers": []any{"x"}}, []string{"headers"}},
		{"slack", map[string]any{"url": "http://hooks.slack.com/services/x"}, []string{"url"}},
		{"slack", map[string]any{"url": 42}, []string{"url"}},
		{"slack", map[string]any{"url": "https://hooks.slack.com/x", "channel": "#ops"}, []string{"channel"}},
		{"discord", map[string]any{}, []string{"url"}},
		{"msteams", map[string]any{"url": "http://example.com/x"}, []string{"url"}},
		{"google_chat", map[string]any{"url": "http://chat.googleapis.com/x"}, []string{"url"}},
		{"mattermost", map[string]any{"url": "javascript:alert(1)"}, []string{"url"}},
		{"rocketchat", map[string]any{"url": ""}, []string{"url"}},
		{"telegram", map[string]any{"bot_token": "123/../../x", "chat_id": "my chat"}, []string{"bot_token", "chat_id"}},
		{"telegram", map[string]any{"bot_token": "123456:ABCdefGhIJKlmNoPQRsTUVwxyZ012345678", "chat_id": "@ab"}, []string{"chat_id"}},
		{"pagerduty", map[string]any{"routing_key": "short"}, []string{"routing_key"}},
		{"opsgenie", map[string]any{"api_key": "k", "region": "apac"}, []string{"region"}},
		{"opsgenie", map[string]any{"api_key": "has space"}, []string{"api_key"}},
		{"pushover", map[string]any{"user_key": "u"}, []string{"user_key", "app_token"}},
		{"ntfy", map[string]any{"topic": "no spaces allowed", "server_url": "ntfy.sh"}, []string{"topic", "server_url"}},
		{"gotify", map[string]any{"server_url": "http://gotify.lan"}, []string{"app_token"}},
		{"twilio_sms", map[string]any{"account_sid": "XX1", "auth_token": "t", "from": "0170 1234", "to": "+0123"},
			[]string{"account_sid", "from", "to"}},
		{"matrix", map[string]any{"homeserver_url": "https://m.example.org", "access_token": "t", "room_id": "#ops:example.org"},
			[]string{"room_id"}},
	}
	for _, tc := range cases {
		clean, problems := ValidateChannelConfig(tc.typ, tc.config)
		var got []string
		for f := range problems {
			got = append(got, f)
		}
		sort.Strings(got)
		want := slices.Clone(tc.fields)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s %v: problems %v, want fields %v", tc.typ, tc.config, problems, want)
		}
		if clean == nil {
			t.Errorf("%s: nil clean config", tc.typ)
		}
	}
	if _, problems := ValidateChannelConfig("carrier_pigeon", nil); problems["type"] == "" {
		t.Errorf("unknown type: problems %v", problems)
	}
}

func TestValidateChannelConfigNormalizes(t *testing.T) {
	clean, _ := ValidateChannelConfig("ntfy", map[string]any{"topic": " alerts ", "token": nil})
	if !reflect.DeepEqual(clean, map[string]any{"topic": "alerts", "server_url": "https://ntfy.sh"}) {
		t.Errorf("ntfy clean = %v", clean)
	}
	clean, _ = ValidateChannelConfig("opsgenie", map[string]any{"api_key": "k", "region": "EU"})
	if clean["region"] != "eu" {
		t.Errorf("opsgenie clean = %v", clean)
	}
	clean, _ = ValidateChannelConfig("email", map[string]any{"to": "a@example.com, B <b@example.com>",
		"smtp_host": "smtp.example.com", "smtp_from": "alerts@example.com", "smtp_tls": "TLS"})
	if !reflect.DeepEqual(clean["to"], []string{"a@example.com", `"B" <b@example.com>`}) ||
		clean["smtp_port"] != 465 || clean["smtp_tls"] != "tls" {
		t.Errorf("email clean = %#v", clean)
	}
	clean, _ = ValidateChannelConfig("webhook", map[string]any{"url": "HTTPS://example.com/x#frag",
		"headers": map[string]any{"x-api-key": " k "}})
	if clean["url"] != "https://example.com/x" || !reflect.DeepEqual(clean["headers"], map[string]string{"X-Api-Key": "k"}) {
		t.Errorf("webhook clean = %#v", clean)
	}
}

func TestProblemsNeverQuoteSecrets(t *testing.T) {
	_, problems := ValidateChannelConfig("slack", map[string]any{"url": "http://hooks.slack.com/services/SECRET"})
	_, more := ValidateChannelConfig("telegram", map[string]any{"bot_token": "SECRET token", "chat_id": "1"})
	for f, p := range more {
		problems["telegram."+f] = p
	}
	for f, p := range problems {
		if strings.Contains(p, "SECRET") {
			t.Errorf("problem %s quotes the secret: %q", f, p)
		}
	}
	_, err := NewSender("slack", map[string]any{"url": "http://hooks.slack.com/services/SECRET"}, Deps{})
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("NewSender error %v", err)
	}
}

func TestNewSenderRefusalsArePermanent(t *testing.T) {
	cases := map[string]struct {
		typ    string
		config map[string]any
		deps   Deps
	}{
		"unknown type":   {"carrier_pigeon", nil, Deps{}},
		"invalid config": {"slack", map[string]any{}, Deps{HTTP: newHookReceiver(t, false).srv.Client()}},
		"no HTTP client": {"slack", validConfigs["slack"], Deps{}},
		"own SMTP without a dialer": {"email", map[string]any{"to": "a@example.com", "smtp_host": "smtp.example.com",
			"smtp_from": "b@example.com"}, Deps{}},
	}
	for name, tc := range cases {
		s, err := NewSender(tc.typ, tc.config, tc.deps)
		var de *DeliveryError
		if s != nil || !errors.As(err, &de) || !de.Permanent {
			t.Errorf("%s: sender %v, err %v; want a permanent *DeliveryError", name, s, err)
		}
	}
}
