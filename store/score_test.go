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
		must(t, st.SaveScores(ctx, []*store.ScoreRecord{low}))
		must(t, st.SaveScores(ctx, []*store.ScoreRecord{high}))
		r, err = st.LatestScore(ctx, ent)
		must(t, err)
		var res assess.Result
		must(t, json.Unmarshal(r.Result, &res))
		if r.Overall != high.Overall || r.ComputedBy != "ent1.admin" || res.Overall != high.Overall || len(res.Items) == 0 {
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
			r.Overall, r.Grade = float64(40+i%50), "C"
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
		if all.All.Scored != len(recs) || all.All.Grades["C"] != len(recs) {
			t.Errorf("national all = %+v, want %d scored", all.All, len(recs))
		}
		var binned int
		for _, b := range all.Histogram {
			binned += b.Count
		}
		if binned != len(recs) {
			t.Errorf("histogram holds %d, want %d", binned, len(recs))
		}
		for _, g := range all.ByIndustry {
			if g.Scored < store.MinCell && g.Grades != nil {
				t.Errorf("group %s with %d scores not suppressed", g.Key, g.Scored)
			}
		}
		ent := firstEnterprise(t, st)
		var jur string
		must(t, st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", ent).Scan(&jur))
		reg := as(t, st, "reg"+jur+".admin")
		a, err := st.AggregateScores(reg, "")
		must(t, err)
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
