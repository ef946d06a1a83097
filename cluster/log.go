package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"

	"github.com/hashicorp/go-hclog"
)

// newRaftLogger is the hclog.Logger Raft and its transport log through, forwarding every
// line to the appliance's slog logger: one log, one format (LOG_FORMAT), Raft's lines
// marked component=raft. hclog writes JSON lines to an io.Writer; slogWriter turns each
// back into a record with its level, message and fields.
func newRaftLogger(log *slog.Logger) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:        "raft",
		Level:       hclog.Info, // Raft's debug lines are per heartbeat
		Output:      &slogWriter{log: log},
		JSONFormat:  true,
		DisableTime: true, // slog stamps its own
	})
}

// slogWriter receives hclog's JSON lines, one per Write.
type slogWriter struct{ log *slog.Logger }

// Write logs one hclog line; a line that is not JSON is logged as it is.
func (w *slogWriter) Write(p []byte) (int, error) {
	var fields map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(p), &fields); err != nil {
		w.log.Info(string(bytes.TrimSpace(p)), "component", "raft")
		return len(p), nil
	}
	level := slogLevel(fmt.Sprint(fields["@level"]))
	msg := fmt.Sprint(fields["@message"])
	attrs := []any{"component", fields["@module"]}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != "" && k[0] != '@' {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		attrs = append(attrs, k, fields[k])
	}
	w.log.Log(context.Background(), level, msg, attrs...)
	return len(p), nil
}

// slogLevel maps hclog's level names.
func slogLevel(s string) slog.Level {
	switch s {
	case "trace", "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}
