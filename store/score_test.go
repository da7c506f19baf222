package store_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

func scoreRec(ent int64, overall float64, grade string) *store.ScoreRecord {
	return &store.ScoreRecord{EnterpriseID: ent, Methodology: "score/test", Overall: overall, Grade: grade,
		Factors: json.RawMessage(`{"identity_access":50}`), Result: json.RawMessage(`{"items":[]}`),
		Input: json.RawMessage(`{}`), InputSHA256: fmt.Sprintf("%064d", int(overall)), Reason: store.ScoreInputs}
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
		must(t, st.SaveScores(ctx, []*store.ScoreRecord{scoreRec(ent, 61, "C")}))
		must(t, st.SaveScores(ctx, []*store.ScoreRecord{scoreRec(ent, 72, "B")}))
		r, err = st.LatestScore(ctx, ent)
		must(t, err)
		if r == nil || r.Overall != 72 || r.Grade != "B" || string(r.Result) != `{"items":[]}` || r.ComputedBy != "ent1.admin" {
			t.Fatalf("latest = %+v", r)
		}
		h, err := st.ScoreHistory(ctx, ent, anbao.Page{})
		must(t, err)
		if h.Total != 2 || h.Items[0].Overall != 72 || h.Items[1].Overall != 61 || h.Items[0].Result != nil {
			t.Errorf("history = %+v", h)
		}
		got, err := st.GetScore(ctx, ent, h.Items[1].ID)
		must(t, err)
		if got.Overall != 61 || string(got.Input) != "{}" {
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
			recs = append(recs, scoreRec(id, float64(40+i%50), "C"))
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
