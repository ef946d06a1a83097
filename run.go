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
  gen-secrets   print fresh JWT_SECRET and ENCRYPTION_KEY lines for an env file

Configuration comes from the environment; see config.example.env.
`

// errUsage marks a command line we do not understand (exit status 2).
var errUsage = errors.New("usage")

// run is the whole program behind main: it picks the subcommand, runs it
// until ctx is cancelled (SIGINT/SIGTERM) and returns the exit status.
// Configuration is read from the process environment by config.Load.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	if len(args) > 1 {
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
	case "gen-secrets":
		err = genSecrets(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "alertifypro %s: %v\n", cmd, err)
		return 1
	}
	return 0
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
