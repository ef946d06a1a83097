package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
)

// clusterCommand is `alertifypro cluster status|add-voter ID ADDRESS|remove ID [--url URL]
// [--token TOKEN]` (SPEC §9). It talks to a node's admin API — the local one by default
// (PORT, LISTEN_ADDR), or --url — with an instance admin's session token (--token or
// ALERTIFYPRO_TOKEN), like `backup`: the API is the one place that checks who may change
// the cluster and records it, and the command needs no key of its own. A follower
// forwards add-voter and remove to the leader; status shows the asked node's view, with
// the other nodes' progress as that node sees it (the leader's lag is the one that counts).
func clusterCommand(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("cluster", flag.ContinueOnError)
	base := flags.String("url", "", "the node's base URL (default: this machine's PORT and LISTEN_ADDR)")
	token := flags.String("token", "", "an instance admin's session token (default: ALERTIFYPRO_TOKEN)")
	if len(args) == 0 {
		return fmt.Errorf("%w: cluster needs status, add-voter ID ADDRESS or remove ID", errUsage)
	}
	sub, rest := args[0], args[1:]
	if err := flags.Parse(rest); errors.Is(err, flag.ErrHelp) {
		return errHelpShown
	} else if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	env, err := loadLocalEnv()
	if err != nil {
		return err
	}
	if *base == "" {
		*base = env.localURL()
	}
	if *token == "" {
		*token = env.Token
	}
	if *token == "" {
		return fmt.Errorf("%w: an instance admin's session token is needed (--token or ALERTIFYPRO_TOKEN; "+
			"POST /api/v1/auth/login gives one)", errUsage)
	}
	api := clusterAPI{base: strings.TrimSuffix(*base, "/"), token: *token}
	pos := flags.Args()
	var view clusterStatusView
	switch {
	case sub == "status" && len(pos) == 0:
		err = api.do(ctx, http.MethodGet, "/api/v1/admin/cluster", nil, &view)
	case sub == "add-voter" && len(pos) == 2:
		err = api.do(ctx, http.MethodPost, "/api/v1/admin/cluster/voters",
			map[string]string{"id": pos[0], "address": pos[1]}, &view)
	case sub == "remove" && len(pos) == 1:
		err = api.do(ctx, http.MethodDelete, "/api/v1/admin/cluster/nodes/"+url.PathEscape(pos[0]), nil, &view)
	default:
		return fmt.Errorf("%w: cluster status | cluster add-voter ID ADDRESS | cluster remove ID", errUsage)
	}
	if err != nil {
		return err
	}
	return view.print(stdout)
}

// clusterAPI is a node's admin API.
type clusterAPI struct{ base, token string }

// do sends one request and decodes a 200 answer into out; any other answer is an error
// with the API's message.
func (a clusterAPI) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(raw)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		return json.Unmarshal(raw, out)
	}
	var apiErr struct {
		Error   string            `json:"error"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	}
	_ = json.Unmarshal(raw, &apiErr)
	switch {
	case resp.StatusCode == http.StatusNotFound && apiErr.Error == "not_found" && strings.Contains(apiErr.Message, "Route"):
		return fmt.Errorf("%s answered 404: the token is not an instance admin's session token (API keys cannot manage the cluster)", a.base)
	case apiErr.Message != "":
		return fmt.Errorf("%s: %s %v", resp.Status, apiErr.Message, apiErr.Fields)
	}
	return fmt.Errorf("%s answered %s", a.base, resp.Status)
}

// clusterStatusView is the part of GET /api/v1/admin/cluster the command prints.
type clusterStatusView struct {
	Clustered bool   `json:"clustered"`
	NodeID    string `json:"node_id"`
	State     string `json:"state"`
	LeaderID  string `json:"leader_id"`
	Term      uint64 `json:"term"`
	Commit    uint64 `json:"commit_index"`
	Applied   uint64 `json:"applied_index"`
	Ready     bool   `json:"ready"`
	NotReady  string `json:"not_ready"`
	Nodes     []struct {
		ID       string `json:"id"`
		Address  string `json:"address"`
		Suffrage string `json:"suffrage"`
	} `json:"nodes"`
	Followers []struct {
		ID           string     `json:"id"`
		Reachable    bool       `json:"reachable"`
		AppliedIndex uint64     `json:"applied_index"`
		Lag          uint64     `json:"lag"`
		LastContact  *time.Time `json:"last_contact"`
		Error        string     `json:"error"`
	} `json:"followers"`
}

// print writes the view as a person reads it: the node, then one line per member.
func (v *clusterStatusView) print(w io.Writer) error {
	if !v.Clustered {
		_, err := fmt.Fprintln(w, "not clustered: this appliance is a single node (CLUSTER_PEERS is unset)")
		return err
	}
	ready := "ready"
	if !v.Ready {
		ready = "not ready: " + v.NotReady
	}
	fmt.Fprintf(w, "node %s: %s, term %d, commit %d, applied %d, %s\n", v.NodeID, v.State, v.Term, v.Commit, v.Applied, ready)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tADDRESS\tSUFFRAGE\tROLE\tAPPLIED\tLAG")
	for _, n := range v.Nodes {
		role, applied, lag := "follower", "-", "-"
		switch {
		case n.ID == v.LeaderID:
			role = "leader"
		case v.State != "leader":
			role = "?"
		}
		if n.ID == v.NodeID {
			applied = fmt.Sprint(v.Applied)
		}
		for _, f := range v.Followers {
			if f.ID != n.ID {
				continue
			}
			if f.Reachable {
				applied, lag = fmt.Sprint(f.AppliedIndex), fmt.Sprint(f.Lag)
			} else {
				lag = "unreachable"
			}
		}
		if n.ID == v.LeaderID && v.State == "leader" {
			lag = "0"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.ID, n.Address, n.Suffrage, role, applied, lag)
	}
	return tw.Flush()
}
