package notify

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// channelSpec is what the package knows about one channel type.
type channelSpec struct {
	// secrets are the config keys sealed at rest and masked on read.
	secrets []string
	// validate checks and cleans every field of the type's config.
	validate func(c *configCheck)
	// build makes the sender from a clean config.
	build func(cfg map[string]any, d Deps) (Sender, error)
}

// channelTypeOrder is SPEC §3.11's table, in its order.
var channelTypeOrder = []string{"email", "webhook", "slack", "discord", "msteams", "mattermost",
	"google_chat", "rocketchat", "telegram", "pagerduty", "opsgenie", "pushover", "ntfy", "gotify",
	"twilio_sms", "matrix"}

// channelSpecs is a read-only table: every webhook URL is a secret, since
// Slack, Discord, Teams, Mattermost, Google Chat, Rocket.Chat and generic
// webhook URLs carry their credential in the path or query (SPEC §3.11).
var channelSpecs = map[string]channelSpec{
	"email":       {[]string{"smtp_password"}, validateEmail, newEmailSender},
	"webhook":     {[]string{"url", "secret", "headers"}, validateWebhook, newWebhookSender},
	"slack":       {[]string{"url"}, validateHTTPSURL, newSlackSender},
	"discord":     {[]string{"url"}, validateHTTPSURL, newDiscordSender},
	"msteams":     {[]string{"url"}, validateHTTPSURL, newTeamsSender},
	"mattermost":  {[]string{"url"}, validateSelfHostedURL, newMattermostSender},
	"google_chat": {[]string{"url"}, validateHTTPSURL, newGoogleChatSender},
	"rocketchat":  {[]string{"url"}, validateSelfHostedURL, newRocketChatSender},
	"telegram":    {[]string{"bot_token"}, validateTelegram, newTelegramSender},
	"pagerduty":   {[]string{"routing_key"}, validatePagerDuty, newPagerDutySender},
	"opsgenie":    {[]string{"api_key"}, validateOpsgenie, newOpsgenieSender},
	"pushover":    {[]string{"user_key", "app_token"}, validatePushover, newPushoverSender},
	"ntfy":        {[]string{"token"}, validateNtfy, newNtfySender},
	"gotify":      {[]string{"app_token"}, validateGotify, newGotifySender},
	"twilio_sms":  {[]string{"auth_token"}, validateTwilio, newTwilioSender},
	"matrix":      {[]string{"access_token"}, validateMatrix, newMatrixSender},
}

// ChannelTypes lists the supported notification channel types (SPEC §3.11).
func ChannelTypes() []string { return slices.Clone(channelTypeOrder) }

// ValidateChannelConfig checks a channel's config for its type; the returned
// map is field → problem (keys like "url", "to", "routing_key"), empty when
// valid. It also normalizes: the clean config holds the known fields only,
// trimmed, with defaults filled in (ntfy's server, Opsgenie's region, SMTP
// port and TLS mode). Problems never quote a value, which may be a secret.
// An unknown type yields the problem under "type" and a nil config.
func ValidateChannelConfig(typ string, config map[string]any) (clean map[string]any, problems map[string]string) {
	spec, ok := channelSpecs[typ]
	if !ok {
		return nil, map[string]string{"type": "must be one of " + strings.Join(channelTypeOrder, ", ")}
	}
	c := newConfigCheck(config)
	spec.validate(c)
	return c.finish()
}

// SecretFields names the config keys of a type that are secrets (sealed at
// rest, masked on read): tokens, keys, passwords and every webhook URL. It
// is nil for an unknown type.
func SecretFields(typ string) []string {
	return slices.Clone(channelSpecs[typ].secrets)
}

// NewSender builds the sender of a channel from its (validated, opened)
// config. The config is validated again, so a stored config that no longer
// passes fails here. Every error is a permanent *DeliveryError: retrying
// cannot fix a configuration.
func NewSender(typ string, config map[string]any, d Deps) (Sender, error) {
	spec, ok := channelSpecs[typ]
	if !ok {
		return nil, configError("notify", "unknown channel type %q", typ)
	}
	clean, problems := ValidateChannelConfig(typ, config)
	if len(problems) > 0 {
		return nil, configError(typ, "invalid config: %s", describeProblems(problems))
	}
	if typ != "email" && d.HTTP == nil {
		return nil, configError(typ, "no HTTP client")
	}
	return spec.build(clean, d)
}

// describeProblems renders problems as "to: is required; url: ...", sorted.
func describeProblems(problems map[string]string) string {
	keys := make([]string, 0, len(problems))
	for k := range problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %s", k, problems[k])
	}
	return strings.Join(parts, "; ")
}

// validateHTTPSURL is the config of a hosted chat service's incoming
// webhook: one https URL.
func validateHTTPSURL(c *configCheck) { c.url("url", true, false) }

// validateSelfHostedURL is the config of a chat server the organization may
// run itself on its LAN: one http or https URL.
func validateSelfHostedURL(c *configCheck) { c.url("url", true, true) }
