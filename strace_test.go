package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// syscallTrace is what the durability test needs from an `strace -f -xx` output: the
// writes, pwrites and syncs in the order the kernel completed them, and the database
// file's descriptor. Causal order holds across threads: a thread stopped at a system
// call's exit cannot have told another thread anything yet.
type syscallTrace struct {
	dbFD     int
	pageSize int64
	calls    []syscallEvent
}

// syscallEvent is one completed system call; start and end are trace line numbers (equal
// unless another thread's calls came between its entry and exit).
type syscallEvent struct {
	name       string
	fd         int
	buf        []byte // data written (write, writev, pwrite64)
	off        int64  // pwrite64's offset
	start, end int
}

var (
	straceLine    = regexp.MustCompile(`^(\d+)\s+(.*)$`)
	straceCall    = regexp.MustCompile(`^(\w+)\((.*)$`)
	straceResumed = regexp.MustCompile(`^<\.\.\. (\w+) resumed>(.*)$`)
	straceQuoted  = regexp.MustCompile(`"((?:\\x[0-9a-f]{2})*)"`)
	straceResult  = regexp.MustCompile(`\)\s+= (-?\d+)`)
)

// parseTrace reads an strace output file; dbPath is the database file whose descriptor
// (opened for writing) the check follows.
func parseTrace(path, dbPath string) (*syscallTrace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := &syscallTrace{dbFD: -1, pageSize: int64(os.Getpagesize())}
	pending := map[string]*syscallEvent{} // pid → call whose exit has not been seen
	pendingArgs := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for n := 0; sc.Scan(); n++ {
		m := straceLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		pid, rest := m[1], m[2]
		if r := straceResumed.FindStringSubmatch(rest); r != nil {
			ev := pending[pid]
			if ev == nil || ev.name != r[1] {
				continue
			}
			delete(pending, pid)
			ev.end = n
			tr.add(ev, pendingArgs[pid]+r[2], dbPath)
			continue
		}
		c := straceCall.FindStringSubmatch(rest)
		if c == nil {
			continue // exits, signals
		}
		ev := &syscallEvent{name: c[1], start: n, end: n}
		if args, ok := strings.CutSuffix(c[2], " <unfinished ...>"); ok {
			pending[pid], pendingArgs[pid] = ev, args
			continue
		}
		tr.add(ev, c[2], dbPath)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if tr.dbFD < 0 {
		return nil, fmt.Errorf("the trace never opens %s for writing", dbPath)
	}
	return tr, nil
}

// add decodes the arguments of a completed call and keeps the ones the check reads.
func (tr *syscallTrace) add(ev *syscallEvent, args, dbPath string) {
	res := straceResult.FindStringSubmatch(args)
	if res == nil || strings.HasPrefix(res[1], "-") {
		return // failed calls wrote or synced nothing
	}
	ret, _ := strconv.Atoi(res[1])
	quoted := straceQuoted.FindAllStringSubmatch(args, -1)
	switch ev.name {
	case "openat":
		if len(quoted) > 0 && string(unhex(quoted[0][1])) == dbPath && strings.Contains(args, "O_RDWR") {
			tr.dbFD = ret
		}
		return
	case "write", "writev", "pwrite64":
		for _, q := range quoted {
			ev.buf = append(ev.buf, unhex(q[1])...)
		}
		if ev.name == "pwrite64" {
			tail := args[strings.LastIndex(args, `"`)+1:] // , len, offset) = n
			fields := strings.FieldsFunc(tail, func(r rune) bool { return r == ',' || r == ' ' || r == ')' })
			if len(fields) >= 2 {
				ev.off, _ = strconv.ParseInt(fields[1], 10, 64)
			}
		}
	case "fsync", "fdatasync":
	default:
		return
	}
	if i := strings.IndexAny(args, ",)"); i > 0 { // the descriptor is the first argument
		ev.fd, _ = strconv.Atoi(strings.TrimSpace(args[:i]))
	}
	tr.calls = append(tr.calls, *ev)
}

// unhex decodes strace's -xx form (\x41\x42...).
func unhex(s string) []byte {
	out, _ := hex.DecodeString(strings.ReplaceAll(s, `\x`, ""))
	return out
}

// syncs counts the fsync/fdatasync calls on the database file.
func (tr *syscallTrace) syncs() int {
	n := 0
	for _, c := range tr.calls {
		if c.fd == tr.dbFD && (c.name == "fsync" || c.name == "fdatasync") {
			n++
		}
	}
	return n
}

// syncedBefore checks one acknowledgement: the first pwrite of the database file that
// holds a.stored (the commit that stored it), then that commit's meta-page write (bbolt
// writes it after the data pages; it makes the commit), then an fsync or fdatasync of
// the file that began after the meta write ended, must all have finished before the
// answer carrying a.response began to be written.
func (tr *syscallTrace) syncedBefore(a fsyncAck) error {
	answer := -1
	for _, c := range tr.calls {
		if (c.name == "write" || c.name == "writev") && c.fd != tr.dbFD && bytes.Contains(c.buf, a.response) {
			if !bytes.HasPrefix(c.buf, []byte("HTTP/1.1 2")) {
				return fmt.Errorf("the answer was not written in one piece with its status line (trace line %d)", c.start+1)
			}
			answer = c.start
			break
		}
	}
	if answer < 0 {
		return fmt.Errorf("no answer carrying %q in the trace", a.response)
	}
	step, data, meta := 0, -1, -1
	for _, c := range tr.calls {
		if c.fd != tr.dbFD || c.start >= answer {
			continue
		}
		switch {
		case step == 0 && c.name == "pwrite64" && bytes.Contains(c.buf, a.stored):
			step, data = 1, c.end
		case step == 1 && c.name == "pwrite64" && c.start > data && (c.off == 0 || c.off == tr.pageSize) && int64(len(c.buf)) == tr.pageSize:
			step, meta = 2, c.end
		case step == 2 && (c.name == "fsync" || c.name == "fdatasync") && c.start > meta && c.end < answer:
			return nil
		}
	}
	switch step {
	case 0:
		return fmt.Errorf("nothing of it was written to the database file before the answer (trace line %d)", answer+1)
	case 1:
		return fmt.Errorf("its data pages were written (trace line %d) but no meta page before the answer (line %d)", data+1, answer+1)
	}
	return fmt.Errorf("no fsync/fdatasync of the database file between its commit's meta-page write (trace line %d) "+
		"and the answer (line %d): a power cut could lose what was acknowledged", meta+1, answer+1)
}
