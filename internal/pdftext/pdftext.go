// Package pdftext reads the text of a PDF back with poppler's pdftotext, for tests that
// prove a rendered report is real, searchable text. pdftotext is a test dependency:
// .ci/run installs poppler-utils, and under CI=true a missing pdftotext fails the test
// instead of skipping it (as the browser tests treat a missing Chromium).
package pdftext

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Extract returns the text pdftotext reads from pdf, laid out as on the page (-layout),
// so a table row stays on one line. Without pdftotext the test is skipped, or fails
// under CI=true.
func Extract(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is missing; .ci/run installs it")
		}
		t.Skip("pdftotext (poppler-utils) not installed; CI installs it")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", path, "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return out.String()
}
