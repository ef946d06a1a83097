package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// Load reads the configuration from the environment and returns it ready to use, or one error
// that lists every problem, one per line. In order:
//
//  1. envconfig fills the struct (defaults from the `default` tags);
//  2. JWT_SECRET_FILE / ENCRYPTION_KEY_FILE supply a secret from a file (Docker secrets);
//  3. a secret still unset is read from DATA_DIR/secrets.env;
//  4. everything is validated; a set-but-invalid secret is an error, never replaced;
//  5. only if the rest is valid, a secret still unset is generated and written to
//     DATA_DIR/secrets.env (mode 0600) and SecretsGenerated is set;
//  6. JWTKey and EncryptionKeyBytes are derived.
//
// The environment (a variable or its _FILE variant) always wins over secrets.env. An empty
// JWT_SECRET or ENCRYPTION_KEY counts as unset, because compose files expand a missing variable
// to "". Nothing is written when the configuration is invalid, so a typo never leaves a
// secrets file behind in an unintended directory.
func Load() (*Config, error) {
	c := &Config{}
	var errs []error
	var unparsed map[string]bool
	if err := envconfig.Process("", c); err != nil {
		// Process stops at the first value it cannot parse; go again field by field so the
		// operator sees every such value at once.
		*c = Config{}
		unparsed, errs = processEachField(c)
	}
	errs = append(errs, c.readSecretFiles()...)

	secretsPath := filepath.Join(c.DataDir, SecretsFileName)
	var stored []byte
	if c.needsJWTSecret() || c.needsEncryptionKey() {
		if strings.TrimSpace(c.DataDir) != "" { // an empty DATA_DIR is reported by the checks below
			var err error
			if stored, err = c.readSecretsFile(secretsPath); err != nil {
				errs = append(errs, err)
			}
		}
	}

	c.normalize()
	for _, p := range c.problems(true) {
		if !unparsed[p.name] {
			errs = append(errs, p)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}

	if c.needsJWTSecret() || c.needsEncryptionKey() {
		if err := c.generateSecrets(secretsPath, stored); err != nil {
			return nil, err
		}
		c.SecretsGenerated = true
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}

	key, err := parseKey(c.EncryptionKey)
	if err != nil { // Validate checked it; kept so a future change cannot yield a nil key
		return nil, fmt.Errorf("ENCRYPTION_KEY %w", err)
	}
	c.JWTKey = []byte(c.JWTSecret)
	c.EncryptionKeyBytes = key
	return c, nil
}

// needsJWTSecret reports whether no source has supplied the JWT secret yet. A _FILE variant
// that failed to read counts as a source: its error is reported instead of a generated value.
func (c *Config) needsJWTSecret() bool { return c.JWTSecret == "" && c.jwtSecretFrom == "" }

// needsEncryptionKey is needsJWTSecret for the encryption key.
func (c *Config) needsEncryptionKey() bool {
	return c.EncryptionKey == "" && c.encryptionKeyFrom == ""
}

// processEachField runs envconfig on a one-field struct per field of the struct target
// points to, copying each value that parses into it. It returns the variables that did not parse and one error for each; the
// `default`, `envconfig` and `split_words` tags are copied, so names and defaults are
// exactly those of envconfig.Process on the whole struct.
func processEachField(target any) (unparsed map[string]bool, errs []error) {
	unparsed = map[string]bool{}
	v := reflect.ValueOf(target).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("ignored") == "true" {
			continue
		}
		one := reflect.New(reflect.StructOf([]reflect.StructField{{Name: f.Name, Type: f.Type, Tag: f.Tag}}))
		err := envconfig.Process("", one.Interface())
		var pe *envconfig.ParseError
		switch {
		case errors.As(err, &pe):
			unparsed[pe.KeyName] = true
			errs = append(errs, problem{name: pe.KeyName, msg: fmt.Sprintf("must be %s (got %q)", typeDescription(pe.TypeName), pe.Value)})
		case err != nil:
			errs = append(errs, err)
		default:
			v.Field(i).Set(one.Elem().Field(0))
		}
	}
	return unparsed, errs
}

func typeDescription(typeName string) string {
	switch typeName {
	case "time.Duration":
		return "a duration such as 90s, 10m or 72h"
	case "int":
		return "a whole number"
	default:
		return "a valid " + typeName
	}
}

// readSecretFiles applies JWT_SECRET_FILE and ENCRYPTION_KEY_FILE: the file's content, with
// surrounding white space trimmed, becomes the secret. Setting a secret both ways is an error
// because it is ambiguous which one the operator meant.
func (c *Config) readSecretFiles() []error {
	var errs []error
	for _, s := range []struct {
		name  string
		value *string
		from  *string
	}{
		{"JWT_SECRET", &c.JWTSecret, &c.jwtSecretFrom},
		{"ENCRYPTION_KEY", &c.EncryptionKey, &c.encryptionKeyFrom},
	} {
		fileVar := s.name + "_FILE"
		path, ok := os.LookupEnv(fileVar)
		if !ok || path == "" {
			continue
		}
		if *s.value != "" {
			errs = append(errs, problem{name: fileVar, msg: fmt.Sprintf("and %s are both set; set only one", s.name)})
			continue
		}
		*s.from = fileVar + " " + path
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, problem{name: fileVar, msg: fmt.Sprintf("cannot be read: %v", err)})
			continue
		}
		*s.value = strings.TrimSpace(string(data))
		if *s.value == "" {
			errs = append(errs, problem{name: fileVar, msg: fmt.Sprintf("names an empty file (%s)", path)})
		}
	}
	return errs
}
