package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
)

// The process tests (agents, the server through an outage, cluster nodes) run real
// `alertifypro <subcommand>` processes: this test binary re-executed with subcommandArg and
// the subcommand after the test flags, so they test this tree without a separate build.

// subcommandArg, after the test flags and followed by a subcommand, makes
// TestSubcommandProcess run that subcommand.
const subcommandArg = "alertifypro-subcommand"

// TestSubcommandProcess is the process of a process test (a no-op in a normal run).
func TestSubcommandProcess(t *testing.T) {
	args := flag.Args()
	if len(args) != 2 || args[0] != subcommandArg {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// subcommandCmd is `alertifypro <subcommand>` as a process of this test binary; the caller
// sets its environment and output.
func subcommandCmd(subcommand string) *exec.Cmd {
	return exec.Command(os.Args[0], "-test.run=^TestSubcommandProcess$", "--", subcommandArg, subcommand)
}
