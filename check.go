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

// checkCommand is `alertifypro check [--file FILE]`: it reads the whole database file
// (DATA_DIR/alertifypro.db, or FILE, such as a backup copy) offline and reports what is
// damaged: meta pages, truncation, the page of each damaged bucket, and bbolt's own
// consistency check. A damaged file is an error (exit status 1); the server refuses to
// start on one and points here. Like compact, it needs the server stopped.
func checkCommand(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	file := flags.String("file", "", "database file to check (default: DATA_DIR/alertifypro.db)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	path := *file
	if path == "" {
		env, err := loadLocalEnv()
		if err != nil {
			return err
		}
		path = env.dbPath()
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no database at %s (is DATA_DIR right?)", path)
	} else if err != nil {
		return err
	}
	rep, err := store.InspectFile(path)
	if store.IsLocked(err) {
		return fmt.Errorf("the server is running (it holds %s): stop it first, or check a copy: "+
			"alertifypro backup --out copy.db, then alertifypro check --file copy.db", path)
	} else if err != nil {
		return err
	}
	printReport(stdout, rep)
	if n := len(rep.Problems); n > 0 {
		return fmt.Errorf("%s is damaged (%d %s, listed above). Keep it for analysis and restore "+
			"the newest backup: with the server stopped, copy the backup over %s and start the server",
			path, n, plural(n, "problem"), path)
	}
	return nil
}

// printReport writes what the check found, one fact per line.
func printReport(w io.Writer, rep *store.FileReport) {
	fmt.Fprintf(w, "file:     %s, %d bytes\n", rep.Path, rep.FileSize)
	if rep.PageSize > 0 {
		fmt.Fprintf(w, "in use:   %d pages of %d bytes (%d bytes), last commit: transaction %d\n",
			rep.DataSize/int64(rep.PageSize), rep.PageSize, rep.DataSize, rep.TxID)
	}
	if rep.Buckets > 0 {
		fmt.Fprintf(w, "read:     %d buckets, %d keys\n", rep.Buckets, rep.Keys)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note:     %s\n", n)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "DAMAGED:  %s\n", p)
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintln(w, "result:   sound (every reachable page read; bbolt's consistency check passed)")
	}
}

// plural is word for n == 1 and word+"s" otherwise.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
