package store_test

import (
	"encoding/json"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// scoreRec is a real score of a small input: with mfa, MFA on remote access answered yes.
func scoreRec(t testing.TB, ent int64, mfa bool) *store.ScoreRecord {
	t.Helper()
	in := &assess.Input{Answers: map[string]assess.Answer{}, Findings: []assess.Finding{}}
	if mfa {
		yes := true
		in.Answers["mfa_remote"] = assess.Answer{Bool: &yes}
	}
	m := assess.Current().Version
	res, err := assess.Score(m, in)
	must(t, err)
	canon, err := in.CanonicalJSON()
	must(t, err)
	return &store.ScoreRecord{EnterpriseID: ent, Methodology: m, Overall: res.Overall, Grade: res.Grade,
		Factors: json.RawMessage(`{}`), Result: json.RawMessage(`{}`), Input: canon, InputSHA256: res.InputSHA256, Reason: store.ScoreInputs}
}

// Scores are kept as history, the latest tracked per enterprise, and read
// only within the assessment's scope.
func TestScoreHistory(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		setClock(st, t0)
		ent := firstEnterprise(t, st)
		ctx := as(t, st, "ent1.admin")
		r, err := st.LatestScore(ctx, ent)
		must(t, err)
		if r != nil {
			t.Fatalf("latest before any score = %+v", r)
		}
		low, high := scoreRec(t, ent, false), scoreRec(t, ent, true)
		if high.Overall <= low.Overall {
			t.Fatalf("MFA answered yes scores %v, not above %v", high.Overall, low.Overall)
		}
		wantErr(t, st.SaveScores(ctx, []*store.ScoreRecord{low}), anbao.EFORBIDDEN, "")
		op := as(t, st, "op.admin")
		must(t, st.SaveScores(op, []*store.ScoreRecord{low}))
		must(t, st.SaveScores(op, []*store.ScoreRecord{high}))
		r, err = st.LatestScore(ctx, ent)
		must(t, err)
		var res assess.Result
		must(t, json.Unmarshal(r.Result, &res))
		if r.Overall != high.Overall || r.ComputedBy != "op.admin" || res.Overall != high.Overall || len(res.Items) == 0 {
			t.Fatalf("latest = %+v with explanation %+v", r, res)
		}
		h, err := st.ScoreHistory(ctx, ent, anbao.Page{})
		must(t, err)
		if h.Total != 2 || h.Items[0].Overall != high.Overall || h.Items[1].Overall != low.Overall || h.Items[0].Result != nil {
			t.Errorf("history = %+v", h)
		}
		got, err := st.GetScore(ctx, ent, h.Items[1].ID)
		must(t, err)
		if got.Overall != low.Overall || got.InputSHA256 != low.InputSHA256 {
			t.Errorf("get = %+v", got)
		}
		_, err = st.GetScore(ctx, orgOf(t, st, "ent2.admin"), h.Items[1].ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.LatestScore(as(t, st, "ent2.admin"), ent)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.ScoreHistory(as(t, st, "miit.admin"), ent, anbao.Page{})
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if n := count(t, st, "SELECT COUNT(*) FROM audit_log WHERE action = 'score.compute' AND org_id = $1", ent); n != 2 {
			t.Errorf("%d score.compute audit entries, want 2", n)
		}
	})
}

// Aggregates cover the regulator's jurisdiction only and withhold groups
// smaller than MinCell.
func TestAggregateScores(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		setClock(st, t0)
		rows, err := st.RawDB().Query(`SELECT id, jurisdiction FROM organisations WHERE kind = 'enterprise' AND status = 'active' ORDER BY id`)
		must(t, err)
		byJur := map[string][]int64{}
		var recs []*store.ScoreRecord
		i := 0
		for rows.Next() {
			var id int64
			var jur string
			must(t, rows.Scan(&id, &jur))
			byJur[jur] = append(byJur[jur], id)
			r := scoreRec(t, id, false)
			r.Overall, r.Grade = float64(40+i%50), []string{"B", "C", "D"}[i%3]
			recs = append(recs, r)
			i++
		}
		must(t, rows.Err())
		rows.Close()
		op := as(t, st, "op.admin")
		must(t, st.SaveScores(op, recs))
		if n := count(t, st, "SELECT COUNT(*) FROM audit_log WHERE action = 'score.recompute'"); n != 1 {
			t.Errorf("%d recompute audit entries, want 1", n)
		}

		all, err := st.AggregateScores(op, "")
		must(t, err)
		if all.All.Scored != len(recs) || all.All.Grades["B"]+all.All.Grades["C"]+all.All.Grades["D"] != len(recs) {
			t.Errorf("national all = %+v, want %d scored", all.All, len(recs))
		}
		var binned int
		for _, b := range all.Histogram {
			binned += b.Count
		}
		if binned != len(recs) {
			t.Errorf("histogram holds %d, want %d", binned, len(recs))
		}
		checkDisclosure(t, all)
		ent := firstEnterprise(t, st)
		var jur string
		must(t, st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", ent).Scan(&jur))
		reg := as(t, st, "reg"+jur+".admin")
		a, err := st.AggregateScores(reg, "")
		must(t, err)
		checkDisclosure(t, a)
		if a.Jurisdiction != jur || a.All.Enterprises != len(byJur[jur]) {
			t.Errorf("regulator sees %s with %d enterprises, want %s with %d", a.Jurisdiction, a.All.Enterprises, jur, len(byJur[jur]))
		}
		for other := range byJur {
			if other != jur {
				_, err = st.AggregateScores(reg, other)
				wantErr(t, err, anbao.EFORBIDDEN, "agg.jurisdiction_forbidden")
				break
			}
		}
		_, err = st.AggregateScores(as(t, st, "ent1.admin"), "")
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.AggregateScores(op, "99")
		wantErr(t, err, anbao.EINVALID, "org.jurisdiction_unknown")
	})
}

// checkDisclosure asserts that no figure singles out fewer than MinCell
// enterprises: small groups withheld, and the withheld groups of a breakdown
// not recoverable by subtracting the shown ones from the total.
func checkDisclosure(t *testing.T, a *store.ScoreAggregates) {
	t.Helper()
	for name, groups := range map[string][]store.ScoreGroup{"industry": a.ByIndustry, "size": a.BySize} {
		hidden := 0
		for _, g := range groups {
			if g.Scored > 0 && g.Scored < store.MinCell && !g.Suppressed {
				t.Errorf("%s group %s with %d scores shown", name, g.Key, g.Scored)
			}
			if g.Suppressed {
				hidden += g.Scored
				if g.Mean != 0 || g.Grades != nil {
					t.Errorf("%s group %s withheld but carries figures", name, g.Key)
				}
			}
			if len(g.Grades) == 1 {
				t.Errorf("%s group %s shows a single grade", name, g.Key)
			}
		}
		if hidden > 0 && hidden < store.MinCell && !a.All.Suppressed {
			t.Errorf("%s: the withheld groups hold %d scores, recoverable from the total", name, hidden)
		}
	}
	for _, b := range a.Histogram {
		if b.Count > 0 && b.Count < store.MinCell {
			t.Errorf("histogram bin %v–%v holds %d", b.From, b.To, b.Count)
		}
	}
}

// One small group withheld alone would be the total minus the rest: the next
// smallest is withheld with it. Histogram bins widen until none is small.
func TestComplementarySuppression(t *testing.T) {
	g := store.SuppressComplementForTest([]store.ScoreGroup{
		{Key: "A", Scored: 10, Mean: 60}, {Key: "B", Scored: 3, Suppressed: true}, {Key: "C", Scored: 6, Mean: 50}, {Key: "D", Scored: 8, Mean: 70}})
	if g[0].Suppressed || !g[1].Suppressed || !g[2].Suppressed || g[2].Mean != 0 || g[3].Suppressed {
		t.Errorf("suppression %+v", g)
	}
	h := store.HistogramForTest([]float64{12, 55, 56, 57, 58, 59, 61, 62, 63, 64, 65, 66, 91, 92, 93, 94, 95})
	for _, b := range h {
		if b.Count > 0 && b.Count < store.MinCell {
			t.Errorf("bin %+v", b)
		}
	}
	total := 0
	for _, b := range h {
		total += b.Count
	}
	if total != 17 {
		t.Errorf("histogram holds %d of 17", total)
	}
}
