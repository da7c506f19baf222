// Package quantmodels embeds the example risk-quantification models of
// docs/quant/models, which the /quant page offers as templates. The files are
// copies (go:embed cannot reach outside the package); a test keeps them equal
// to the documented ones.
package quantmodels

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Model is one example model file.
type Model struct {
	ID   string // the file name without .yaml, e.g. "portfolio5"
	Name string // the model's name: line
	Text string // the file as written
}

// All returns the example models, ordered by ID.
func All() []Model {
	names, _ := fs.Glob(files, "*.yaml")
	sort.Strings(names)
	out := make([]Model, 0, len(names))
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			continue
		}
		out = append(out, Model{ID: strings.TrimSuffix(path.Base(n), ".yaml"), Name: nameOf(string(b)), Text: string(b)})
	}
	return out
}

// Get returns one example model by ID.
func Get(id string) (Model, bool) {
	for _, m := range All() {
		if m.ID == id {
			return m, true
		}
	}
	return Model{}, false
}

// nameOf reads the top-level name: of a model file, without parsing it.
func nameOf(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "name:"); ok {
			v = strings.TrimSpace(v)
			if i := strings.Index(v, " #"); i >= 0 {
				v = strings.TrimSpace(v[:i])
			}
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}
