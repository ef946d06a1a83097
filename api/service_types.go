package api

import "strings"

// Canonical check types (SPEC §3.7), stored upper-case.
const (
	checkHTTP      = "HTTP"
	checkTCP       = "TCP"
	checkUDP       = "UDP"
	checkPing      = "PING"
	checkDNS       = "DNS"
	checkWebSocket = "WEBSOCKET"
	checkSMTP      = "SMTP"
	checkIMAP      = "IMAP"
	checkFTP       = "FTP"
	checkSSH       = "SSH"
	checkRedis     = "REDIS"
	checkMySQL     = "MYSQL"
	checkPostgres  = "POSTGRES"
	checkMongoDB   = "MONGODB"
	checkGRPC      = "GRPC"
	checkSSL       = "SSL"
)

// validCheckTypes names the canonical types and aliases for error messages.
const validCheckTypes = "HTTP, TCP, UDP, PING, DNS, WEBSOCKET, SMTP, IMAP, FTP, SSH, REDIS, MYSQL, POSTGRES, " +
	"MONGODB, GRPC, SSL (any case; aliases HTTPS, TELNET, ICMP, WS, MARIADB, POSTGRESQL, MONGO)"

// normalizeCheckType maps a check type in any case, or one of its aliases, to the canonical
// upper-case name; ok is false for anything else.
func normalizeCheckType(s string) (string, bool) {
	switch t := strings.ToUpper(strings.TrimSpace(s)); t {
	case checkHTTP, checkTCP, checkUDP, checkPing, checkDNS, checkWebSocket, checkSMTP, checkIMAP,
		checkFTP, checkSSH, checkRedis, checkMySQL, checkPostgres, checkMongoDB, checkGRPC, checkSSL:
		return t, true
	case "HTTPS":
		return checkHTTP, true
	case "TELNET":
		return checkTCP, true
	case "ICMP":
		return checkPing, true
	case "WS":
		return checkWebSocket, true
	case "MARIADB":
		return checkMySQL, true
	case "POSTGRESQL":
		return checkPostgres, true
	case "MONGO":
		return checkMongoDB, true
	}
	return "", false
}

// checkTypeProblem is the 422 message for an unknown check type: it lists what is valid.
func checkTypeProblem() string {
	return "must be one of " + validCheckTypes
}

// Service statuses (SPEC §3.6).
const (
	statusPending     = "PENDING"
	statusGreen       = "GREEN"
	statusYellow      = "YELLOW"
	statusRed         = "RED"
	statusPaused      = "PAUSED"
	statusMaintenance = "MAINTENANCE"
)

// normalizeServiceStatus upper-cases a status filter; ok is false for unknown values.
func normalizeServiceStatus(s string) (string, bool) {
	switch v := strings.ToUpper(strings.TrimSpace(s)); v {
	case statusPending, statusGreen, statusYellow, statusRed, statusPaused, statusMaintenance:
		return v, true
	}
	return "", false
}

// Service defaults and bounds (SPEC §3.6).
const (
	defaultCheckInterval    = 60
	minCheckInterval        = 10
	maxCheckInterval        = 86400
	defaultCheckTimeout     = 10
	defaultDegradedMS       = 1000
	defaultDegradedRedisMS  = 500
	maxDegradedMS           = 600_000 // ten minutes: beyond that "slow" means "down"
	maxServiceTags          = 20
	maxServiceTagLen        = 50
	maxServiceEnvironment   = 50
	maxEndpointLen          = 2048
	credentialMask          = "********"
	maxCredentialFieldBytes = 4096
)

// defaultDegradedThreshold is the YELLOW threshold a new service of type t starts with:
// Redis answers in well under a millisecond when healthy, so it gets a tighter one.
func defaultDegradedThreshold(t string) int {
	if t == checkRedis {
		return defaultDegradedRedisMS
	}
	return defaultDegradedMS
}

// authTypesFor lists which auth types a check type can use; nil means the probe has no use
// for credentials (a TCP connect or a ping carries none), so configuring them is refused
// rather than silently ignored. Protocol checks with a login take basic credentials;
// HTTP-based ones (and gRPC metadata) also take a bearer token or a custom header.
func authTypesFor(t string) []string {
	switch t {
	case checkHTTP, checkWebSocket, checkGRPC:
		return []string{authBasic, authBearer, authHeader}
	case checkRedis, checkSMTP, checkIMAP, checkFTP, checkMySQL, checkPostgres, checkMongoDB:
		return []string{authBasic}
	}
	return nil
}
