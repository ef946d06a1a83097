package config

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SecretsFileName is the file in DATA_DIR that holds generated secrets as KEY=value lines.
const SecretsFileName = "secrets.env"

// keySize is the AES-256 key length ENCRYPTION_KEY must decode to.
const keySize = 32

const secretsHeader = `# AlertifyPro secrets, generated because JWT_SECRET and/or ENCRYPTION_KEY were not set.
# Keep this file private and back it up together with the database: without ENCRYPTION_KEY the
# stored credentials cannot be decrypted. A value set in the environment takes precedence.
`

// GenerateSecrets returns a fresh JWT secret (48 random bytes, base64url without padding) and
// encryption key (32 random bytes as 64 hex characters): what Load writes to secrets.env on
// first start, and what `alertifypro gen-secrets` prints.
func GenerateSecrets() (jwtSecret, encryptionKey string, err error) {
	buf := make([]byte, 48+keySize)
	if _, err := rand.Read(buf); err != nil {
		return "", "", fmt.Errorf("generate secrets: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(buf[:48]), hex.EncodeToString(buf[48:]), nil
}

// parseKey decodes ENCRYPTION_KEY: 64 hex characters, or standard or URL-safe base64 (padded
// or not) of exactly 32 bytes. It is the rule of crypto.ParseKey, repeated here because config
// imports nothing of ours.
func parseKey(s string) ([]byte, error) {
	if len(s) == 2*keySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) == keySize {
				return b, nil
			}
			return nil, fmt.Errorf("must be 64 hex characters or base64 of exactly 32 bytes (its base64 decodes to %d bytes)", len(b))
		}
	}
	return nil, fmt.Errorf("must be 64 hex characters or base64 of exactly 32 bytes (got %d characters that are neither)", len(s))
}

// readSecretsFile fills the secrets no other source supplied from the KEY=value lines of
// path, and returns the file's bytes so generateSecrets can keep them. A missing file is
// not an error. The values are validated later with the rest, naming the file as their
// source.
func (c *Config) readSecretsFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read: %w", path, err)
	}
	values, err := parseSecrets(path, data)
	if err != nil {
		return nil, err
	}
	if v, ok := values["JWT_SECRET"]; ok && c.needsJWTSecret() {
		c.JWTSecret, c.jwtSecretFrom = v, path
	}
	if v, ok := values["ENCRYPTION_KEY"]; ok && c.needsEncryptionKey() {
		c.EncryptionKey, c.encryptionKeyFrom = v, path
	}
	return data, nil
}

// parseSecrets reads KEY=value lines; blank lines and # comments are skipped, an `export `
// prefix and matching quotes around the value are allowed so the file can be sourced by a
// shell. Anything unexpected is an error rather than ignored, because a secret that is
// silently not picked up would be regenerated and invalidate tokens and stored credentials.
func parseSecrets(path string, data []byte) (map[string]string, error) {
	values := map[string]string{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := path + ":" + strconv.Itoa(i+1)
		name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return nil, fmt.Errorf("%s: want NAME=value", where)
		}
		name, value = strings.TrimSpace(name), unquote(strings.TrimSpace(value))
		switch {
		case name != "JWT_SECRET" && name != "ENCRYPTION_KEY":
			return nil, fmt.Errorf("%s: unexpected variable %q (this file holds only JWT_SECRET and ENCRYPTION_KEY)", where, name)
		case values[name] != "":
			return nil, fmt.Errorf("%s: %s appears twice", where, name)
		case value == "":
			return nil, fmt.Errorf("%s: %s is empty", where, name)
		}
		values[name] = value
	}
	return values, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// generateSecrets creates the secrets still missing and writes them to path after the lines
// already there (existing). The file is replaced atomically — temporary file, fsync, rename —
// so a crash never leaves a half-written secret that the next start would have to refuse.
func (c *Config) generateSecrets(path string, existing []byte) error {
	jwtSecret, key, err := GenerateSecrets()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if len(bytes.TrimSpace(existing)) == 0 {
		buf.WriteString(secretsHeader)
	} else {
		buf.Write(existing)
		if !bytes.HasSuffix(existing, []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	if c.needsJWTSecret() {
		c.JWTSecret, c.jwtSecretFrom = jwtSecret, path
		fmt.Fprintf(&buf, "JWT_SECRET=%s\n", jwtSecret)
	}
	if c.needsEncryptionKey() {
		c.EncryptionKey, c.encryptionKeyFrom = key, path
		fmt.Fprintf(&buf, "ENCRYPTION_KEY=%s\n", key)
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("write generated secrets: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path with mode 0600, creating the directory with mode 0700
// when it does not exist.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already uses 0600; set it explicitly because the file holds secrets.
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable. Not every platform can sync a directory, and the file
	// is complete either way, so a failure here is not worth refusing to start over.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
