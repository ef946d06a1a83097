package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readSecrets(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, SecretsFileName))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func TestSecretsGeneratedOnceThenReadBack(t *testing.T) {
	dir := testEnv(t)

	first := mustLoad(t)
	if !first.SecretsGenerated {
		t.Fatal("first start: SecretsGenerated = false")
	}
	checkMode(t, dir, 0o700)
	checkMode(t, filepath.Join(dir, SecretsFileName), 0o600)
	written := readSecrets(t, dir)
	for _, line := range []string{"JWT_SECRET=" + first.JWTSecret, "ENCRYPTION_KEY=" + first.EncryptionKey} {
		if !strings.Contains(written, "\n"+line+"\n") {
			t.Errorf("secrets.env lacks %q:\n%s", line, written)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("DATA_DIR holds %d entries, want only secrets.env (no temporary file left)", len(entries))
	}

	second := mustLoad(t)
	if second.SecretsGenerated {
		t.Error("second start: SecretsGenerated = true")
	}
	if second.JWTSecret != first.JWTSecret || second.EncryptionKey != first.EncryptionKey {
		t.Error("second start did not read back the generated secrets")
	}
	if got := readSecrets(t, dir); got != written {
		t.Errorf("second start rewrote secrets.env:\n%s", got)
	}
}

func TestEnvironmentOverridesSecretsFile(t *testing.T) {
	dir := testEnv(t)
	generated := mustLoad(t)
	written := readSecrets(t, dir)

	t.Setenv("JWT_SECRET", testJWTSecret)
	c := mustLoad(t)
	if c.JWTSecret != testJWTSecret || string(c.JWTKey) != testJWTSecret {
		t.Errorf("JWTSecret = %q, want the environment's", c.JWTSecret)
	}
	if c.EncryptionKey != generated.EncryptionKey || c.SecretsGenerated {
		t.Errorf("the key should still come from secrets.env (SecretsGenerated = %v)", c.SecretsGenerated)
	}
	if got := readSecrets(t, dir); got != written {
		t.Errorf("secrets.env was changed to:\n%s", got)
	}

	// With both in the environment, the file is not even read: an invalid one is ignored.
	t.Setenv("ENCRYPTION_KEY", testKeyHex)
	if err := os.WriteFile(filepath.Join(dir, SecretsFileName), []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c = mustLoad(t)
	if c.EncryptionKey != testKeyHex {
		t.Errorf("EncryptionKey = %q, want the environment's", c.EncryptionKey)
	}
}

func TestPartialSecretsFileIsCompleted(t *testing.T) {
	dir := testEnv(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, SecretsFileName)
	// Hand-written: quoted, with export, no final newline, and too open a mode.
	if err := os.WriteFile(path, []byte("# mine\nexport JWT_SECRET=\""+testJWTSecret+"\""), 0o644); err != nil {
		t.Fatal(err)
	}

	c := mustLoad(t)
	if c.JWTSecret != testJWTSecret || !c.SecretsGenerated || len(c.EncryptionKeyBytes) != 32 {
		t.Fatalf("JWTSecret = %q, SecretsGenerated = %v", c.JWTSecret, c.SecretsGenerated)
	}
	want := "# mine\nexport JWT_SECRET=\"" + testJWTSecret + "\"\nENCRYPTION_KEY=" + c.EncryptionKey + "\n"
	if got := readSecrets(t, dir); got != want {
		t.Errorf("secrets.env =\n%s\nwant\n%s", got, want)
	}
	checkMode(t, path, 0o600)

	again := mustLoad(t)
	if again.SecretsGenerated || again.EncryptionKey != c.EncryptionKey {
		t.Error("third start did not read back the appended key")
	}
}

func TestInvalidSetSecretsAreRefused(t *testing.T) {
	for _, tt := range []struct{ name, value string }{
		{"JWT_SECRET", strings.Repeat("x", 31)},
		{"ENCRYPTION_KEY", testKeyHex[:63]},
		{"ENCRYPTION_KEY", "AAAAAAAAAAAAAAAAAAAAAA=="}, // 16 bytes: AES-128, not what we use
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := testEnv(t)
			t.Setenv(tt.name, tt.value)
			lines := problemLines(t)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], tt.name+" must") {
				t.Errorf("problems = %q", lines)
			}
			// Never repaired: the other, unset secret is not generated either.
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("DATA_DIR was created (stat: %v)", err)
			}
		})
	}
}

func TestInvalidSecretsFileIsRefused(t *testing.T) {
	for _, tt := range []struct{ name, content, want string }{
		{"bad key", "JWT_SECRET=" + testJWTSecret + "\nENCRYPTION_KEY=deadbeef\n", "ENCRYPTION_KEY (from "},
		{"short secret", "JWT_SECRET=short\n", "JWT_SECRET (from "},
		{"not an assignment", "JWT_SECRET " + testJWTSecret + "\n", "secrets.env:1: want NAME=value"},
		{"unknown variable", "\n# c\nPORT=1\n", "secrets.env:3: unexpected variable"},
		{"repeated", "JWT_SECRET=" + testJWTSecret + "\nJWT_SECRET=" + testJWTSecret + "\n", "secrets.env:2: JWT_SECRET appears twice"},
		{"empty value", "ENCRYPTION_KEY=\n", "secrets.env:1: ENCRYPTION_KEY is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := testEnv(t)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, SecretsFileName)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			lines := problemLines(t)
			if len(lines) != 1 || !strings.Contains(lines[0], tt.want) {
				t.Errorf("problems = %q, want one containing %q", lines, tt.want)
			}
			if strings.Contains(tt.want, "(from ") && !strings.Contains(lines[0], path) {
				t.Errorf("problem %q does not name %s", lines[0], path)
			}
			if got := readSecrets(t, dir); got != tt.content {
				t.Errorf("secrets.env was changed to:\n%s", got)
			}
		})
	}
}

func TestGenerateSecrets(t *testing.T) {
	jwt1, key1, err := GenerateSecrets()
	if err != nil {
		t.Fatal(err)
	}
	jwt2, key2, err := GenerateSecrets()
	if err != nil {
		t.Fatal(err)
	}
	if jwt1 == jwt2 || key1 == key2 {
		t.Error("two calls returned the same secret")
	}
	if len(jwt1) != 64 {
		t.Errorf("JWT secret has %d characters, want 64", len(jwt1))
	}
	if k, err := parseKey(key1); err != nil || len(key1) != 64 || len(k) != 32 {
		t.Errorf("key %q: %v", key1, err)
	}
}
