package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/monitor"
)

// agentCommand runs `alertifypro agent` (SPEC §8): the appliance's probes, run from this
// host for one location of a server, reported over one outbound connection, until ctx
// ends (SIGTERM), after which buffered results are delivered for a few seconds.
func agentCommand(ctx context.Context, stderr io.Writer) error {
	cfg, err := config.LoadAgent()
	if err != nil {
		return err
	}
	logger := cfg.Logger(stderr)
	policy, err := egress.ParsePolicy(cfg.EgressPolicy, cfg.EgressAllowCIDRs, cfg.EgressDenyCIDRs)
	if err != nil {
		return err
	}
	var opts []egress.Option
	if cfg.ProbeSourceAddr != "" {
		source, err := netip.ParseAddr(cfg.ProbeSourceAddr)
		if err != nil {
			return fmt.Errorf("PROBE_SOURCE_ADDR: %w", err)
		}
		opts = append(opts, egress.WithSourceAddr(source))
	}
	// The agent's own egress policy judges every check it makes, on its own host. Its
	// connection to the server is the operator's configuration, not a tenant's target, so
	// it does not go through the guard (as the host's resolver does not, SPEC §12).
	guard := egress.New(policy, opts...)
	exec := &agent.Executor{
		Env: &monitor.Env{
			Dial:               guard.DialContext,
			ResolveIP:          guard.ResolveIP,
			DialSystemResolver: guard.DialSystemResolver,
			SourceAddr:         guard.SourceAddr(),
			UserAgent:          "AlertifyPro/" + version,
			Now:                time.Now,
			ICMP:               monitor.DetectICMP(),
		},
		Concurrency: cfg.CheckConcurrency,
		Logger:      logger,
	}
	client := &agent.Client{ServerURL: cfg.ServerURL, Token: cfg.Token, Name: cfg.Name, Version: version,
		Buffer: cfg.Buffer, Executor: exec, Logger: logger}
	return client.Run(ctx)
}
