package assess

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var (
	updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.json (only when publishing a version)")
	updateDoc    = flag.Bool("update-doc", false, "rewrite the rule tables of methodology.md")
)

func hundredths(x float64) int { return int(math.Round(x * 100)) }

// TestGainsAreExact re-scores every remedial item's counterfactual through
// the public path: the listed gain must equal the difference, the fix must
// never lower the score, and the grade if fixed must be the counterfactual's.
func TestGainsAreExact(t *testing.T) {
	for n, in := range synthMany(300, 1) {
		for _, m := range Methodologies() {
			r, err := Score(m.Version, in)
			if err != nil {
				t.Fatalf("input %d: %v", n, err)
			}
			s := &scorer{m: lookup(m.Version), in: in, explain: true}
			s.run()
			if len(s.items) != len(r.Items) {
				t.Fatalf("input %d: %d items, rerun %d", n, len(r.Items), len(s.items))
			}
			for i, it := range r.Items {
				if !it.Remediable {
					continue
				}
				cf := cloneInput(in)
				s.fixes[i](cf)
				after, err := Score(m.Version, cf)
				if err != nil {
					t.Fatalf("input %d item %s: counterfactual invalid: %v", n, it.Rule, err)
				}
				if d := hundredths(after.Overall) - hundredths(r.Overall); d != hundredths(it.Gain) {
					t.Errorf("input %d %s %s: gain %v, re-scored difference %v", n, it.Rule, it.Source, it.Gain, float64(d)/100)
				}
				if it.Gain < 0 {
					t.Errorf("input %d %s %s: fixing lowers the score by %v", n, it.Rule, it.Source, -it.Gain)
				}
				if after.Grade != it.GradeIfFixed || after.Grade > r.Grade {
					t.Errorf("input %d %s: grade if fixed %s, re-scored %s, now %s", n, it.Rule, it.GradeIfFixed, after.Grade, r.Grade)
				}
			}
			for k := 1; k < len(r.Recommendations); k++ {
				a, b := r.Recommendations[k-1], r.Recommendations[k]
				if a.GainPerEffort < b.GainPerEffort {
					t.Fatalf("input %d: recommendations not ranked by gain per effort", n)
				}
			}
		}
	}
}

func TestDeterministicAndHashStable(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for n, in := range synthMany(200, 2) {
		a, err := Score(Current().Version, in)
		if err != nil {
			t.Fatal(err)
		}
		// The same answers inserted in another order, multiple choices and
		// findings shuffled: the same canonical input.
		sh := *in
		sh.Answers = map[string]Answer{}
		keys := make([]string, 0, len(in.Answers))
		for k := range in.Answers {
			keys = append(keys, k)
		}
		r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		for _, k := range keys {
			v := in.Answers[k]
			if v.Choices != nil {
				c := append([]string{}, v.Choices...) // keep "none of these" distinct from unanswered
				r.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
				v.Choices = c
			}
			sh.Answers[k] = v
		}
		sh.Findings = append([]Finding(nil), in.Findings...)
		r.Shuffle(len(sh.Findings), func(i, j int) { sh.Findings[i], sh.Findings[j] = sh.Findings[j], sh.Findings[i] })
		b, err := Score(Current().Version, &sh)
		if err != nil {
			t.Fatal(err)
		}
		if a.InputSHA256 != b.InputSHA256 {
			t.Fatalf("input %d: hash depends on order", n)
		}
		if a.Overall != b.Overall || a.Grade != b.Grade || !reflect.DeepEqual(a.Factors, b.Factors) {
			t.Fatalf("input %d: score depends on order", n)
		}
		c, _ := Score(Current().Version, in)
		ja, _ := json.Marshal(a)
		jc, _ := json.Marshal(c)
		if string(ja) != string(jc) {
			t.Fatalf("input %d: two runs differ", n)
		}
		// The stored snapshot reproduces the score.
		snap, _ := in.CanonicalJSON()
		back, err := ParseInput(snap)
		if err != nil {
			t.Fatalf("input %d: snapshot does not parse: %v", n, err)
		}
		d, _ := Score(Current().Version, back)
		if d.InputSHA256 != a.InputSHA256 || d.Overall != a.Overall || d.Grade != a.Grade {
			t.Fatalf("input %d: snapshot does not reproduce the score", n)
		}
	}
}

// TestVersionsDifferAsAnnounced: score/2026.2 changes only the KEV
// addition, 10 → 15 points (half, rounded up, for third-party findings).
func TestVersionsDifferAsAnnounced(t *testing.T) {
	for n, in := range synthMany(500, 3) {
		a, _ := Score("score/2026.1", in)
		b, _ := Score("score/2026.2", in)
		if !reflect.DeepEqual(a.Gates, b.Gates) || !reflect.DeepEqual(a.Referrals, b.Referrals) || len(a.Items) != len(b.Items) {
			t.Fatalf("input %d: gates, referrals or items differ", n)
		}
		for i := range a.Items {
			x, y := a.Items[i], b.Items[i]
			if x.Rule != y.Rule || x.Source != y.Source || x.Value != y.Value {
				t.Fatalf("input %d: item %d differs", n, i)
			}
			d := y.Points - x.Points
			switch {
			case !strings.Contains(x.Value, "+kev"):
				if d != 0 {
					t.Fatalf("input %d: non-KEV item %s changed by %d", n, x.Source, d)
				}
			case x.Factor == FactorThirdParty:
				if d != 2 && d != 3 {
					t.Fatalf("input %d: third-party KEV item changed by %d", n, d)
				}
			case d != 5:
				t.Fatalf("input %d: KEV item changed by %d, want 5", n, d)
			}
		}
	}
}

type golden struct {
	Version string  `json:"version"`
	Hash    string  `json:"input_sha256"`
	Overall float64 `json:"overall"`
	Grade   string  `json:"grade"`
	Factors []int   `json:"factors"`
	Items   int     `json:"items"`
}

// TestGolden keeps every published version reproducible: scores of fixed
// synthetic inputs under each version are pinned in testdata/golden.json. A
// change to a published version's result fails here; publish a new version
// instead; go test -update-golden pins only what is not pinned yet.
func TestGolden(t *testing.T) {
	var got []golden
	for _, in := range synthMany(100, 4) {
		for _, m := range Methodologies() {
			r, err := Score(m.Version, in)
			if err != nil {
				t.Fatal(err)
			}
			g := golden{Version: m.Version, Hash: r.InputSHA256, Overall: r.Overall, Grade: r.Grade, Items: len(r.Items)}
			for _, f := range r.Factors {
				g.Factors = append(g.Factors, f.Score)
			}
			got = append(got, g)
		}
	}
	const path = "testdata/golden.json"
	b, err := os.ReadFile(path)
	if err != nil && !(*updateGolden && os.IsNotExist(err)) {
		t.Fatal(err)
	}
	var want []golden
	if len(b) > 0 {
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
	}
	old := map[string]golden{}
	for _, w := range want {
		old[w.Version+w.Hash] = w
	}
	if *updateGolden {
		// Pin what is not pinned yet (a new version); never re-pin a
		// published version's results.
		for _, g := range got {
			if _, ok := old[g.Version+g.Hash]; !ok {
				want = append(want, g)
				old[g.Version+g.Hash] = g
			}
		}
		out, _ := json.MarshalIndent(want, "", " ")
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range got {
		w, ok := old[g.Version+g.Hash]
		if !ok {
			t.Errorf("%s %s: not pinned (input generator changed?)", g.Version, g.Hash[:12])
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: %+v, pinned %+v", g.Version, g.Hash[:12], g, w)
		}
	}
}

func TestRegistry(t *testing.T) {
	ms := Methodologies()
	if len(ms) < 2 || Current().Version != ms[len(ms)-1].Version || Current().Status != StatusCurrent {
		t.Fatal("the last version must be current")
	}
	for i, m := range ms {
		sum := 0
		for _, f := range m.Factors {
			sum += f.Weight
		}
		if sum != 100 {
			t.Errorf("%s: weights sum to %d", m.Version, sum)
		}
		if i < len(ms)-1 && m.Status != StatusSuperseded {
			t.Errorf("%s: status %s", m.Version, m.Status)
		}
		if m.ChangelogZH == "" || m.ChangelogEN == "" || !validDate(m.Announced) || !validDate(m.Effective) {
			t.Errorf("%s: announcement incomplete", m.Version)
		}
		if g, ok := Get(m.Version); !ok || g.Version != m.Version {
			t.Errorf("Get(%s)", m.Version)
		}
	}
	if _, ok := Get("score/1999.1"); ok {
		t.Error("Get of an unknown version")
	}
	if _, err := Score("score/1999.1", &Input{}); err == nil {
		t.Error("Score of an unknown version")
	}
	// A caller cannot alter a published version.
	m := Current()
	m.Findings.Severity["critical"] = 99
	m.Factors[0].Weight = 0
	if Current().Findings.Severity["critical"] == 99 || Current().Factors[0].Weight == 0 {
		t.Error("Current returns shared state")
	}
}

// TestRulesPublished: every rule is in the published document, and every
// quant control named is one the library knows.
func TestRulesPublished(t *testing.T) {
	doc, err := os.ReadFile("../docs/assessment/methodology.md")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range Current().Rules() {
		if ids[r.ID] {
			t.Errorf("rule %s twice", r.ID)
		}
		ids[r.ID] = true
		if !strings.Contains(string(doc), "`"+r.ID+"`") {
			t.Errorf("rule %s is not in methodology.md", r.ID)
		}
		if r.Evidence == "" || r.ReasonZH == "" || r.ReasonEN == "" {
			t.Errorf("rule %s: evidence or reason missing", r.ID)
		}
		if r.Effort < 0 || r.Effort > 5 {
			t.Errorf("rule %s: effort %d", r.ID, r.Effort)
		}
		if r.Control != "" && !knownControl(r.Control) {
			t.Errorf("rule %s: unknown control %s", r.ID, r.Control)
		}
	}
}

// Summary gives exactly Score's figures, gates included, without the explanation.
func TestSummaryMatchesScore(t *testing.T) {
	for _, m := range Methodologies() {
		for i, in := range synthMany(300, 17) {
			full, err := Score(m.Version, in)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := Summary(m.Version, in)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Overall != full.Overall || sum.Grade != full.Grade || sum.GradeUncapped != full.GradeUncapped ||
				sum.InputSHA256 != full.InputSHA256 || !slices.Equal(sum.Gates, full.Gates) || !slices.Equal(sum.Factors, full.Factors) {
				t.Fatalf("%s input %d: summary %+v, score %+v", m.Version, i, sum, full)
			}
			if len(sum.Items) != 0 || len(sum.Recommendations) != 0 {
				t.Fatalf("summary carries an explanation")
			}
		}
	}
}
