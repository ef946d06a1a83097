// Package embed holds the files compiled into the binary: the admin UI (dist, SPEC §7)
// and the public status-page templates (status), which
// are html/template files rendered on the server so the page needs no JavaScript. It
// imports nothing of ours. Import it with an alias (the name shadows the standard
// library's embed package): assets "github.com/alertifypro/alertifypro/embed".
package embed

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed status
var status embed.FS

// UI returns the admin UI files, rooted at dist/ (index.html at the top).
func UI() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded at build time; a failure is a build bug
	}
	return sub
}

// StatusTemplates returns the public status-page files, rooted at status/: page.html
// (the html/template of GET /status/{slug}) and page.css (its base stylesheet).
func StatusTemplates() fs.FS {
	sub, err := fs.Sub(status, "status")
	if err != nil {
		panic(err)
	}
	return sub
}
