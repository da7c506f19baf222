package quantmodels

import (
	"os"
	"path/filepath"
	"testing"
)

// The embedded copies are the documented example models, all of them.
func TestSameAsDocs(t *testing.T) {
	docs, err := filepath.Glob("../../docs/quant/models/*.yaml")
	if err != nil || len(docs) == 0 {
		t.Fatalf("no documented models: %v", err)
	}
	if got := len(All()); got != len(docs) {
		t.Errorf("%d embedded models, %d documented", got, len(docs))
	}
	for _, d := range docs {
		want, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		id := filepath.Base(d)
		id = id[:len(id)-len(".yaml")]
		m, ok := Get(id)
		if !ok {
			t.Errorf("%s: not embedded (copy it into server/quantmodels/)", d)
			continue
		}
		if m.Text != string(want) {
			t.Errorf("%s differs from server/quantmodels/%s.yaml: copy it again", d, id)
		}
		if m.Name == "" {
			t.Errorf("%s: no name", id)
		}
	}
}
