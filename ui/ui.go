// Package ui holds the assets of Anbao's server-rendered web UI: the
// html/template page templates and the static files (stylesheet, the small
// behaviour script and the vendored htmx). Everything is embedded in the
// binary; package server parses the templates and serves the files.
package ui

import (
	"embed"
	"io/fs"
)

// HTMX is the file name of the vendored htmx build under static/vendor/.
const HTMX = "vendor/htmx-2.0.11.min.js"

//go:embed templates/*.html
var templates embed.FS

//go:embed static
var static embed.FS

// Templates returns the page templates: layout.html and partials.html are
// shared by every page; each other file defines the blocks of one page.
func Templates() fs.FS { return templates }

// Static returns the files served under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
