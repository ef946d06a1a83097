// Package compare holds the side-by-side comparison of AlertifyPro with Gatus that the
// README's "How it compares" table reports. It has no code of its own: the comparison is
// a load program (compare_test.go), gated by ALERTIFYPRO_COMPARE=1 and GATUS_BIN, that
// runs both products as separate processes against the same loopback targets and
// measures each from the outside in the same way (/proc/<pid>/stat and status, the size
// of its database files, its list endpoint over HTTP). scripts/compare-gatus builds
// Gatus and runs it.
package compare
