package assess

import (
	"encoding/json"
	"testing"
)

// FuzzParseInput: any bytes either fail to parse with an error, or parse to
// an input that scores under every version, whose canonical snapshot parses
// back to the same hash and score.
func FuzzParseInput(f *testing.F) {
	for _, in := range synthMany(20, 6) {
		b, _ := json.Marshal(in)
		f.Add(b)
	}
	f.Add([]byte(`{"answers":{"edr":{"choice":"mdr"}},"findings":[],"profile":{"dependencies":{},"data":{},"continuity":{}}}`))
	f.Add([]byte(`{"answers":{"rto_hours":{"number":1e308}}}`))
	f.Add([]byte(`{"findings":[{"id":"a","type":"policy","status":"open","cvss":11}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInput(data)
		if err != nil {
			return
		}
		for _, m := range Methodologies() {
			r, err := Score(m.Version, in)
			if err != nil {
				t.Fatalf("parsed input does not score: %v", err)
			}
			if r.Overall < 0 || r.Overall > 100 {
				t.Fatalf("overall %v", r.Overall)
			}
			snap, err := in.CanonicalJSON()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseInput(snap)
			if err != nil {
				t.Fatalf("snapshot does not parse: %v", err)
			}
			r2, err := Score(m.Version, back)
			if err != nil || r2.InputSHA256 != r.InputSHA256 || r2.Overall != r.Overall || r2.Grade != r.Grade {
				t.Fatalf("snapshot does not reproduce: %v", err)
			}
		}
	})
}
