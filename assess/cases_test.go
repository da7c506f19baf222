package assess

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// handCase is a hand-worked case of testdata/cases.json: the factor scores,
// overall and grade were computed by hand from the rules in
// docs/assessment/methodology.md and are checked exactly.
type handCase struct {
	Name   string `json:"name"`
	Input  Input  `json:"input"`
	Expect map[string]struct {
		Factors map[string]int `json:"factors"`
		Overall float64        `json:"overall"`
		Grade   string         `json:"grade"`
	} `json:"expect"`
	Controls []string `json:"controls"`
}

func loadCases(t *testing.T) []handCase {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []handCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestHandWorkedCases(t *testing.T) {
	for _, c := range loadCases(t) {
		for _, m := range Methodologies() {
			want, ok := c.Expect[m.Version]
			if !ok {
				t.Errorf("%s: no expectation for %s: every version must be checked", c.Name, m.Version)
				continue
			}
			r, err := Score(m.Version, &c.Input)
			if err != nil {
				t.Fatalf("%s %s: %v", c.Name, m.Version, err)
			}
			got := map[string]int{}
			for _, f := range r.Factors {
				got[f.ID] = f.Score
			}
			if !reflect.DeepEqual(got, want.Factors) {
				t.Errorf("%s %s: factors\n got %v\nwant %v", c.Name, m.Version, got, want.Factors)
			}
			if r.Overall != want.Overall || r.Grade != want.Grade {
				t.Errorf("%s %s: overall %v grade %s, want %v %s", c.Name, m.Version, r.Overall, r.Grade, want.Overall, want.Grade)
			}
		}
		got := controlsOf(&c.Input)
		if !reflect.DeepEqual(got, c.Controls) {
			t.Errorf("%s: controls %v, want %v", c.Name, got, c.Controls)
		}
	}
}
