package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes content to a new file in a temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSecretFiles(t *testing.T) {
	dir := testEnv(t)
	// Docker secrets and `echo > file` leave a trailing newline; it is not part of the secret.
	t.Setenv("JWT_SECRET_FILE", writeFile(t, "jwt", "  "+testJWTSecret+"\n"))
	t.Setenv("ENCRYPTION_KEY_FILE", writeFile(t, "key", testKeyHex+"\r\n"))

	c := mustLoad(t)
	if c.JWTSecret != testJWTSecret || c.EncryptionKey != testKeyHex {
		t.Errorf("secrets = %q, %q; want the trimmed file contents", c.JWTSecret, c.EncryptionKey)
	}
	if c.SecretsGenerated || len(c.EncryptionKeyBytes) != 32 {
		t.Errorf("SecretsGenerated = %v, key bytes = %d", c.SecretsGenerated, len(c.EncryptionKeyBytes))
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("DATA_DIR was created although no secret was missing (stat: %v)", err)
	}
}

func TestLoadSecretFileMixedWithGenerated(t *testing.T) {
	dir := testEnv(t)
	t.Setenv("JWT_SECRET_FILE", writeFile(t, "jwt", testJWTSecret))

	c := mustLoad(t)
	if c.JWTSecret != testJWTSecret || !c.SecretsGenerated {
		t.Fatalf("JWTSecret = %q, SecretsGenerated = %v", c.JWTSecret, c.SecretsGenerated)
	}
	data, err := os.ReadFile(filepath.Join(dir, SecretsFileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "JWT_SECRET=") || !strings.Contains(string(data), "ENCRYPTION_KEY="+c.EncryptionKey+"\n") {
		t.Errorf("secrets.env should hold only the generated key:\n%s", data)
	}
}

func TestLoadSecretFileErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T)
		want  string
	}{
		{"both set", func(t *testing.T) {
			t.Setenv("JWT_SECRET", testJWTSecret)
			t.Setenv("JWT_SECRET_FILE", writeFile(t, "jwt", testJWTSecret))
		}, "JWT_SECRET_FILE and JWT_SECRET are both set"},
		{"missing file", func(t *testing.T) {
			t.Setenv("ENCRYPTION_KEY_FILE", filepath.Join(t.TempDir(), "nope"))
		}, "ENCRYPTION_KEY_FILE cannot be read"},
		{"empty file", func(t *testing.T) {
			t.Setenv("JWT_SECRET_FILE", writeFile(t, "jwt", "\n"))
		}, "JWT_SECRET_FILE names an empty file"},
		{"short secret in file", func(t *testing.T) {
			t.Setenv("JWT_SECRET_FILE", writeFile(t, "jwt", "short"))
		}, "JWT_SECRET (from JWT_SECRET_FILE "},
		{"bad key in file", func(t *testing.T) {
			t.Setenv("ENCRYPTION_KEY_FILE", writeFile(t, "key", "abcd"))
		}, "ENCRYPTION_KEY (from ENCRYPTION_KEY_FILE "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := testEnv(t)
			tt.setup(t)
			lines := problemLines(t)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], tt.want) {
				t.Errorf("problems = %q, want one starting with %q", lines, tt.want)
			}
			// A secret given through a file that failed is never replaced by a generated one.
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("DATA_DIR was created (stat: %v)", err)
			}
		})
	}
}
