package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kelseyhightower/envconfig"

	"github.com/alertifypro/alertifypro/store"
)

// dbFileName is the database file inside DATA_DIR (serve opens the same one).
const dbFileName = "alertifypro.db"

// localEnv is what the offline commands read from the environment: where the data
// lives and where a local server would listen. Like healthcheck, they read only these,
// never config.Load, which would generate secrets into DATA_DIR as a side effect.
type localEnv struct {
	DataDir    string `envconfig:"DATA_DIR" default:"./data"`
	Port       int    `envconfig:"PORT" default:"3001"`
	ListenAddr string `envconfig:"LISTEN_ADDR"`
	Token      string `envconfig:"ALERTIFYPRO_TOKEN"` // instance-admin session token (backup)
}

func loadLocalEnv() (localEnv, error) {
	var env localEnv
	err := envconfig.Process("", &env)
	return env, err
}

// dbPath is the database file the server uses.
func (e localEnv) dbPath() string { return filepath.Join(e.DataDir, dbFileName) }

// localURL is the base URL of a server on this machine (healthcheck's address).
func (e localEnv) localURL() string {
	host := e.ListenAddr
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(e.Port))
}

// backupCommand is `alertifypro backup --out FILE [--url URL] [--token TOKEN]`. Without
// --url it copies DATA_DIR/alertifypro.db offline; when a running server holds the file,
// it asks that server instead (GET /api/v1/admin/backup) if it has an instance-admin
// token (--token or ALERTIFYPRO_TOKEN), and otherwise says how to. --url always asks the
// server at that address. Every copy is written to a temporary file, checked with bbolt's
// consistency check and only then renamed to FILE, so FILE is never a partial copy.
func backupCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	out := flags.String("out", "", "file to write the copy to (required)")
	url := flags.String("url", "", "back up through the server at this base URL (e.g. http://127.0.0.1:3001)")
	token := flags.String("token", "", "instance-admin session token for a backup through the server (default $ALERTIFYPRO_TOKEN)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: backup needs --out FILE", errUsage)
	}
	env, err := loadLocalEnv()
	if err != nil {
		return err
	}
	if *token == "" {
		*token = env.Token
	}
	if *url != "" {
		return onlineBackup(ctx, *url, *token, *out, stdout)
	}
	path := env.dbPath()
	n, err := writeChecked(*out, func(w io.Writer) (int64, error) { return store.BackupFile(path, w) })
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes, consistency check passed)\n", path, *out, n)
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no database at %s (is DATA_DIR right?)", path)
	case !store.IsLocked(err):
		return err
	case *token != "":
		return onlineBackup(ctx, env.localURL(), *token, *out, stdout)
	}
	return fmt.Errorf("the server is running (it holds %s), so the copy must come from it.\n"+
		"Log in as the instance admin and pass the session token:\n"+
		"  alertifypro backup --out %s --token <token>      (or set ALERTIFYPRO_TOKEN)\n"+
		"  curl -fH 'Authorization: Bearer <token>' -o %s %s/api/v1/admin/backup",
		path, *out, *out, env.localURL())
}

// onlineBackup downloads GET <base>/api/v1/admin/backup into out.
func onlineBackup(ctx context.Context, base, token, out string, stdout io.Writer) error {
	if token == "" {
		return errors.New("a backup through the server needs an instance-admin session token: --token or ALERTIFYPRO_TOKEN")
	}
	url := strings.TrimSuffix(base, "/") + "/api/v1/admin/backup"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	// No overall timeout: a large database takes as long as it takes; ctx (Ctrl-C) ends it.
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("no server answers at %s: %w", base, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return fmt.Errorf("%s refused the token (%s): it is invalid or expired; log in again", url, resp.Status)
	case http.StatusNotFound:
		return fmt.Errorf("%s answered 404: the token is not an instance admin's session token (API keys cannot download backups)", url)
	default:
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	n, err := writeChecked(out, func(w io.Writer) (int64, error) { return io.Copy(w, resp.Body) })
	if err != nil {
		return fmt.Errorf("download from %s: %w", url, err)
	}
	fmt.Fprintf(stdout, "backup from %s written to %s (%d bytes, consistency check passed)\n", base, out, n)
	return nil
}

// writeChecked writes a database copy with write into a temporary file next to path (mode
// 0600: the copy holds password hashes and sealed credentials), fsyncs it, runs bbolt's
// consistency check over it, and renames it to path. On any error path is untouched.
func writeChecked(path string, write func(io.Writer) (int64, error)) (n int64, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".alertifypro-backup-*")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if n, err = write(f); err != nil {
		return n, err
	}
	if err = f.Sync(); err != nil {
		return n, err
	}
	if err = f.Close(); err != nil {
		return n, err
	}
	if err = store.CheckFile(tmp); err != nil {
		return n, fmt.Errorf("the copy is not a sound database: %w", err)
	}
	return n, os.Rename(tmp, path)
}

// parseFlags parses a subcommand's flags; it takes no positional arguments. Problems are
// usage errors (exit status 2); -h prints the flags and succeeds.
func parseFlags(flags *flag.FlagSet, args []string) error {
	if err := flags.Parse(args); errors.Is(err, flag.ErrHelp) {
		return errHelpShown
	} else if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("%w: %s takes no arguments besides its flags, got %q", errUsage, flags.Name(), flags.Args())
	}
	return nil
}
