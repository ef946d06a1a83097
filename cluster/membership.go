package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// membershipTimeout bounds a change of the cluster's configuration.
const membershipTimeout = 10 * time.Second

// peerStatusTimeout bounds the leader's question to one follower about its state.
const peerStatusTimeout = time.Second

// AddVoter adds the node id, reachable at addr (its CLUSTER_ADVERTISE_ADDR), to the
// cluster as a voter, once the leader has sent it the log (SPEC §9, `alertifypro cluster
// add-voter`). Only the leader can; elsewhere it is a *store.NotLeaderError.
func (n *Node) AddVoter(id, addr string) error {
	if err := n.Writable(); err != nil {
		return err
	}
	return n.membershipError(n.raft.AddVoter(raft.ServerID(id), raft.ServerAddress(addr), 0, membershipTimeout).Error())
}

// RemoveServer takes the node id out of the cluster's configuration (`alertifypro
// cluster remove`); a leader that removes itself hands over. ErrUnknownNode when the
// configuration has no such node.
func (n *Node) RemoveServer(id string) error {
	if err := n.Writable(); err != nil {
		return err
	}
	f := n.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return err
	}
	found := false
	for _, s := range f.Configuration().Servers {
		found = found || s.ID == raft.ServerID(id)
	}
	if !found {
		return ErrUnknownNode
	}
	return n.membershipError(n.raft.RemoveServer(raft.ServerID(id), 0, membershipTimeout).Error())
}

// ErrUnknownNode is RemoveServer's error for a node the configuration does not have.
var ErrUnknownNode = errors.New("cluster: no node with that ID is in the cluster's configuration")

// membershipError maps Raft's error of a configuration change.
func (n *Node) membershipError(err error) error {
	if err == nil {
		return nil
	}
	return n.applyError(err)
}

// FollowerState is what the leader learned from one follower about its progress.
type FollowerState struct {
	ID string `json:"id"`
	// Reachable is false when the follower did not answer within a second (then the
	// rest is empty).
	Reachable    bool   `json:"reachable"`
	AppliedIndex uint64 `json:"applied_index"`
	// Lag is how many entries the follower has yet to apply of those the leader knows
	// committed.
	Lag         uint64     `json:"lag"`
	LastContact *time.Time `json:"last_contact"`
	// SchemaVersion is the store schema the follower's binary knows (schema.go).
	SchemaVersion uint64 `json:"schema_version"`
	Error         string `json:"error,omitempty"`
}

// Followers asks every other node of the configuration for its progress, over the
// cluster port and its mutual TLS (progress.go), and returns each one's against this
// node's commit index. Only the leader's answer means lag.
func (n *Node) Followers(ctx context.Context) []FollowerState {
	f := n.raft.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	commit := n.raft.CommitIndex()
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out []FollowerState
	)
	for _, s := range f.Configuration().Servers {
		if string(s.ID) == n.cfg.NodeID {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := n.followerState(ctx, string(s.ID), string(s.Address), commit)
			mu.Lock()
			out = append(out, st)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// followerState asks one node for its progress.
func (n *Node) followerState(ctx context.Context, id, addr string, commit uint64) FollowerState {
	st := FollowerState{ID: id}
	ctx, cancel := context.WithTimeout(ctx, peerStatusTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+progressPath, nil)
	if err != nil {
		st.Error = err.Error()
		return st
	}
	req.Header.Set(HeaderForwardedBy, n.cfg.NodeID)
	resp, err := n.forwarder.Transport.RoundTrip(req)
	if err != nil {
		st.Error = err.Error()
		return st
	}
	defer resp.Body.Close()
	var view Progress
	if resp.StatusCode != http.StatusOK {
		st.Error = fmt.Sprintf("answered %s", resp.Status)
		return st
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&view); err != nil {
		st.Error = err.Error()
		return st
	}
	st.Reachable, st.AppliedIndex, st.LastContact, st.SchemaVersion = true, view.AppliedIndex, view.LastContact, view.SchemaVersion
	if commit > view.AppliedIndex {
		st.Lag = commit - view.AppliedIndex
	}
	return st
}
