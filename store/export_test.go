package store

// What the external tests of this package (package store_test, which may import the
// packages that import store) need from inside it.

// OpenReplicaForTest opens the file at path without Open's writes, as a replica that only
// ApplyWriteSet fills.
func OpenReplicaForTest(path string, opts Options) (*DB, error) { return openFile(path, opts) }

// DumpFileForTest lists everything the closed database file at path holds (logicalDump).
func DumpFileForTest(path string) ([]string, error) { return dumpFile(path) }

// DumpDiffForTest returns the first differences between two dumps (nil: equal).
func DumpDiffForTest(want, got []string) []string { return dumpDiff(want, got) }

// WithoutForTest returns ws without its mutations of kind k: what a recording that
// dropped them would have captured.
func (ws *WriteSet) WithoutForTest(k MutationKind) *WriteSet {
	out := &WriteSet{paths: ws.paths, data: ws.data}
	for _, op := range ws.ops {
		if op.kind != k {
			out.ops = append(out.ops, op)
		}
	}
	return out
}

// LogicalDumpForTest lists everything db holds (logicalDump).
func LogicalDumpForTest(db *DB) ([]string, error) { return logicalDump(db) }
