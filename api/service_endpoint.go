package api

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Endpoint forms per check type (SPEC §3.7). Decisions where the table leaves room:
//   - host:port types take exactly host:port. A bare host is refused rather than given the
//     protocol's default port, so what is stored is what is probed and the form is the same
//     for every type (SSL is the one documented exception: a bare domain means port 443).
//   - hostnames are ASCII (IDNs in punycode); underscores are allowed in labels because
//     Docker Compose service names and DNS records such as _dmarc.example.com use them.
//   - IPv6 literals go in brackets wherever a port follows; PING and SSL also take them bare.

// hostPortExample is an example endpoint per host:port type, used in the error sentence.
func hostPortExample(t string) (host, port string) {
	switch t {
	case checkSMTP:
		return "mail.example.com", "587"
	case checkIMAP:
		return "mail.example.com", "993"
	case checkFTP:
		return "ftp.example.com", "21"
	case checkSSH:
		return "server.example.com", "22"
	case checkRedis:
		return "cache.internal", "6379"
	case checkMySQL:
		return "db.internal", "3306"
	case checkPostgres:
		return "db.internal", "5432"
	case checkMongoDB:
		return "db.internal", "27017"
	case checkGRPC:
		return "api.example.com", "443"
	case checkUDP:
		return "ntp.example.com", "123"
	}
	return "example.com", "8080"
}

// endpointForm is the sentence telling the caller what type t expects.
func endpointForm(t string) string {
	switch t {
	case checkHTTP:
		return "must be an http:// or https:// URL with a host, e.g. https://example.com/health " +
			"(credentials belong in auth, not in the URL)"
	case checkWebSocket:
		return "must be a ws:// or wss:// URL with a host, e.g. wss://example.com/socket " +
			"(credentials belong in auth, not in the URL)"
	case checkPing:
		return "must be a hostname or an IP address, without scheme or port, e.g. router.lan or 192.0.2.1"
	case checkDNS:
		return "must be a hostname to resolve, without scheme or port, e.g. example.com"
	case checkSSL:
		return "must be a domain (port 443 is used) or host:port, without a scheme, e.g. example.com or example.com:8443"
	}
	host, port := hostPortExample(t)
	return "must be host:port with a port from 1 to 65535, e.g. " + host + ":" + port +
		" (IPv6 in brackets: [2001:db8::1]:" + port + ")"
}

// validateEndpoint checks endpoint for check type t. It returns the trimmed endpoint and ""
// when it is valid, or a sentence describing the expected form.
func validateEndpoint(t, endpoint string) (string, string) {
	e := strings.TrimSpace(endpoint)
	switch {
	case e == "":
		return e, "is required"
	case len(e) > maxEndpointLen:
		return e, "must be at most " + strconv.Itoa(maxEndpointLen) + " characters"
	case strings.IndexFunc(e, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return e, endpointForm(t)
	}
	var ok bool
	switch t {
	case checkHTTP:
		ok = validURL(e, "http", "https")
	case checkWebSocket:
		ok = validURL(e, "ws", "wss")
	case checkPing:
		ok = validHost(unbracket(e))
	case checkDNS:
		ok = validHostname(e)
	case checkSSL:
		if _, _, err := net.SplitHostPort(e); err == nil {
			ok = validHostPort(e)
		} else {
			ok = validHost(unbracket(e))
		}
	default:
		ok = validHostPort(e)
	}
	if !ok {
		return e, endpointForm(t)
	}
	return e, ""
}

// validURL accepts an absolute URL of one of the schemes with a valid host, an optional
// valid port and no userinfo.
func validURL(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" || strings.HasSuffix(u.Host, ":") {
		return false
	}
	schemeOK := false
	for _, sc := range schemes {
		schemeOK = schemeOK || strings.EqualFold(u.Scheme, sc)
	}
	if !schemeOK || !validHost(u.Hostname()) {
		return false
	}
	return u.Port() == "" || validPort(u.Port())
}

// validHostPort accepts host:port with a valid host (IPv6 only in brackets) and port.
func validHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	if err != nil || !validPort(port) {
		return false
	}
	if strings.HasPrefix(s, "[") != strings.Contains(host, ":") {
		return false // brackets exactly around IPv6 literals
	}
	return validHost(host)
}

// validPort accepts a decimal port from 1 to 65535 without sign or padding tricks.
func validPort(p string) bool {
	if p == "" || len(p) > 5 || strings.TrimLeft(p, "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// unbracket strips the brackets of a bracketed IPv6 literal.
func unbracket(s string) string {
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' && strings.Contains(s, ":") {
		return s[1 : len(s)-1]
	}
	return s
}

// validHost accepts an IP literal (without zone) or a hostname.
func validHost(h string) bool {
	return net.ParseIP(h) != nil || validHostname(h)
}

// validHostname accepts an ASCII DNS name: labels of 1–63 letters, digits, hyphens or
// underscores, not starting or ending with a hyphen, at most 253 characters in all, an
// optional trailing dot. An all-numeric last label is a malformed IPv4 address, not a name.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return strings.TrimLeft(labels[len(labels)-1], "0123456789") != ""
}
