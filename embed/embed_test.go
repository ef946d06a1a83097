package embed

import (
	"io/fs"
	"testing"
)

func TestEmbeddedFiles(t *testing.T) {
	for _, c := range []struct {
		fsys fs.FS
		name string
	}{{UI(), "index.html"}, {StatusTemplates(), "page.html"}, {StatusTemplates(), "page.css"}} {
		if b, err := fs.ReadFile(c.fsys, c.name); err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", c.name, len(b), err)
		}
	}
}
