package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/alertifypro/alertifypro/store"
)

// compactCommand is `alertifypro compact`: it rewrites DATA_DIR/alertifypro.db without
// its free pages (SPEC §4.4: disk use reaches a steady state; compaction gives the file
// system back what the janitor freed). It is offline only: bbolt cannot compact a file a
// server is writing, so while one holds the file it refuses and says so.
func compactCommand(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("compact", flag.ContinueOnError)
	flags.SetOutput(stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	env, err := loadLocalEnv()
	if err != nil {
		return err
	}
	path := env.dbPath()
	before, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no database at %s (is DATA_DIR right?)", path)
	} else if err != nil {
		return err
	}
	if err := store.CompactInPlace(path); err != nil {
		if store.IsLocked(err) {
			return fmt.Errorf("the server is running (it holds %s): stop it first, compaction works offline only", path)
		}
		if errors.Is(err, store.ErrDamaged) {
			return fmt.Errorf("%w; not compacted: run `alertifypro check` for the full report and restore a backup", err)
		}
		return err
	}
	after, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compacted %s: %d → %d bytes\n", path, before.Size(), after.Size())
	return nil
}
