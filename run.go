package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `Usage: alertifypro [command]

Commands:
  serve         run the server (the default)
  version       print version, commit and Go version
  healthcheck   exit 0 when the local server's /api/v1/health answers, else 1
  backup --out FILE [--url URL] [--token TOKEN]
                consistent copy of the database: offline while the server is
                stopped; while it runs, through GET /api/v1/admin/backup with an
                instance-admin session token (--token or ALERTIFYPRO_TOKEN)
  compact       reclaim the database file's free pages (server stopped)
  check [--file FILE]
                read the whole database file (or FILE, e.g. a backup) and
                report what is damaged; exit 1 when it is (server stopped)
  gen-secrets   print fresh JWT_SECRET and ENCRYPTION_KEY lines for an env file
  agent         run checks for one probe location of a server and report them
                (AGENT_SERVER_URL, AGENT_TOKEN, AGENT_NAME, AGENT_BUFFER; SPEC §8)
  cluster status | add-voter ID ADDRESS | remove ID  (flags first: [--url URL] [--token TOKEN])
                a cluster node's view (with each follower's lag on the leader),
                or a change of its members, through the admin API with an
                instance-admin session token (--token or ALERTIFYPRO_TOKEN)

Configuration comes from the environment; see config.example.env.
`

// errUsage marks a command line we do not understand (exit status 2).
var errUsage = errors.New("usage")

// errHelpShown reports that a subcommand printed its flags for -h (exit status 0).
var errHelpShown = errors.New("help shown")

// run is the whole program behind main: it picks the subcommand, runs it
// until ctx is cancelled (SIGINT/SIGTERM) and returns the exit status.
// Configuration is read from the process environment by config.Load.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd, rest := "serve", []string(nil)
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	// backup, compact and check parse their own flags; every other command takes none.
	if len(rest) > 0 && cmd != "backup" && cmd != "compact" && cmd != "check" && cmd != "cluster" {
		fmt.Fprintf(stderr, "%s takes no arguments\n\n%s", cmd, usage)
		return 2
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, stderr)
	case "version":
		printVersion(stdout)
	case "healthcheck":
		err = healthcheck(ctx)
	case "backup":
		err = backupCommand(ctx, rest, stdout, stderr)
	case "compact":
		err = compactCommand(rest, stdout, stderr)
	case "check":
		err = checkCommand(rest, stdout, stderr)
	case "gen-secrets":
		err = genSecrets(stdout)
	case "agent":
		err = agentCommand(ctx, stderr)
	case "cluster":
		err = clusterCommand(ctx, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, errHelpShown):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "alertifypro %s: %v\n\n%s", cmd, err, usage)
		return 2
	}
	fmt.Fprintf(stderr, "alertifypro %s: %v\n", cmd, err)
	return 1
}

// printVersion prints the version, the VCS commit when the build recorded
// one, and the Go version.
func printVersion(w io.Writer) {
	commit := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				commit = s.Value
			}
		}
	}
	fmt.Fprintf(w, "alertifypro %s (commit %s, %s)\n", version, commit, runtime.Version())
}
