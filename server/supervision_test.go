package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// seedScores gives every active enterprise a synthetic score (grade by band).
func seedScores(t *testing.T, e *testEnv) int {
	t.Helper()
	rows, err := e.st.RawDB().Query("SELECT id FROM organisations WHERE kind = 'enterprise' AND status = 'active' ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var recs []*store.ScoreRecord
	for i := 0; rows.Next(); i++ {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		overall := float64(35 + (i*37)%60)
		grade := scoreGrades[min(4, int(95-overall)/12)]
		recs = append(recs, &store.ScoreRecord{EnterpriseID: id, Methodology: "score/test", Overall: overall, Grade: grade,
			Factors: json.RawMessage(`{}`), Result: json.RawMessage(`{}`), Input: json.RawMessage(`{}`),
			InputSHA256: fmt.Sprintf("%064d", i), Reason: store.ScoreInputs})
	}
	rows.Close()
	if err := e.st.SaveScores(sysCtx(), recs); err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func TestSupervisionPage(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 600)
	f := e.fixtures() // before the synthetic scores: the fixtures compute real ones
	n := seedScores(t, e)

	rec := e.as("op.admin", "GET", "/api/v1/assessment/aggregates", "")
	agg := decodeBody[store.ScoreAggregates](t, rec)
	if rec.Code != 200 || agg.All.Scored != n || len(agg.ByIndustry) == 0 || len(agg.BySize) == 0 {
		t.Fatalf("national aggregates: %d %+v", rec.Code, agg.All)
	}

	reg := f.username("reg.admin")
	rec = e.as(reg, "GET", "/supervision/scores", "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `id="sup-industry"`) || !strings.Contains(body, `id="sup-size"`) {
		t.Fatalf("regulator page: %d", rec.Code)
	}
	if strings.Contains(body, `id="sup-jurisdiction"`) {
		t.Error("a local regulator is offered other jurisdictions")
	}
	rec = e.as("miit.admin", "GET", "/supervision/scores?jurisdiction="+f.vals["foreign_jur"], "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="sup-jurisdiction"`) {
		t.Errorf("national body page: %d", rec.Code)
	}
	rec = e.as(reg, "GET", "/supervision/scores?jurisdiction="+f.vals["foreign_jur"], "")
	if rec.Code != 403 {
		t.Errorf("regulator asking for another jurisdiction: %d, want 403", rec.Code)
	}
	for _, u := range []string{"ent1.admin", "ins1.admin", "prov1.admin"} {
		if rec := e.as(u, "GET", "/supervision/scores", ""); rec.Code != 403 {
			t.Errorf("%s: %d, want 403", u, rec.Code)
		}
	}
	rec = e.as("op.admin", "GET", "/supervision/scores?jurisdiction=zz", "")
	if rec.Code != 400 {
		t.Errorf("unknown jurisdiction: %d, want 400", rec.Code)
	}
}
