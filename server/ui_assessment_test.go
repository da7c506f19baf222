package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The assessment page shows the score, its explanation and the expected loss
// to the assessment's readers; the enterprise admin shares it with an
// insurer, who can then read it, and stops sharing again.
func TestAssessmentPage(t *testing.T) {
	e := newUIEnv(t)
	p := demo.Generate(1, 60)
	if err := e.st.LoadDemoAssessments(uiSys(), p, demo.GenerateAssessments(p, 1)); err != nil {
		t.Fatal(err)
	}
	ent := e.principal("ent1.admin").OrgID
	ins2 := e.principal("ins2.admin").OrgID
	page := fmt.Sprintf("/enterprises/%d/assessment", ent)
	// In a small pilot every insurer may hold ent1's consent: start ins2 without it.
	if _, err := e.st.RawDB().Exec("DELETE FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2", ins2, ent); err != nil {
		t.Fatal(err)
	}

	admin := e.as("ent1.admin")
	rec := admin.get(page)
	body := rec.Body.String()
	for _, want := range []string{`id="asm-overall"`, `id="asm-recs"`, `id="asm-ale"`, `id="asm-history"`, `id="share-form"`, assess.Current().Version} {
		if rec.Code != 200 || !strings.Contains(body, want) {
			t.Fatalf("assessment page (%d) lacks %s", rec.Code, want)
		}
	}
	uw2 := e.as("ins2.uw")
	if rec := uw2.get(page); rec.Code != http.StatusNotFound {
		t.Fatalf("an insurer without a share: %d, want 404", rec.Code)
	}
	rec = admin.post(page, page[:len(page)-len("/assessment")]+"/shares", url.Values{"insurer_id": {fmt.Sprint(ins2)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("share: %d %s", rec.Code, rec.Body)
	}
	rec = uw2.get(page)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), `id="share-form"`) || strings.Contains(rec.Body.String(), `id="asm-shares"`) {
		t.Fatalf("shared insurer's view: %d (must see the assessment, not the sharing list)", rec.Code)
	}
	rec = admin.post(page, fmt.Sprintf("/enterprises/%d/shares/%d/revoke", ent, ins2), url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if rec := uw2.get(page); rec.Code != http.StatusNotFound {
		t.Errorf("after revoking: %d, want 404", rec.Code)
	}
	if rec := admin.post(page, fmt.Sprintf("/enterprises/%d/shares", ent), url.Values{"insurer_id": {"x"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("sharing with a malformed id: %d, want 400", rec.Code)
	}
	if rec := e.as("ent1.member").get(page); rec.Code != 200 || strings.Contains(rec.Body.String(), `id="share-form"`) {
		t.Errorf("member: %d; a member sees the sharing list but cannot share", rec.Code)
	}
	if rec := e.as("miit.admin").get(page); rec.Code != http.StatusForbidden {
		t.Errorf("regulator: %d, want 403", rec.Code)
	}
	if rec := e.as("ent2.admin").get(page); rec.Code != http.StatusNotFound {
		t.Errorf("another enterprise: %d, want 404", rec.Code)
	}

	// The methodology page for anyone; re-scoring for the operator's admin.
	if rec := e.as("ent2.member").get("/methodology?version=score/2026.1"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="meth-rules"`) {
		t.Errorf("methodology page: %d", rec.Code)
	}
	if rec := e.as("ent2.member").get("/methodology?version=score/1999.1"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown methodology: %d", rec.Code)
	}
	op := e.as("op.admin")
	rec = op.post("/methodology", "/scores/recompute", url.Values{})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="rescore-report"`) {
		t.Errorf("re-score: %d", rec.Code)
	}
	if rec := admin.post(page, "/scores/recompute", url.Values{}); rec.Code != http.StatusForbidden {
		t.Errorf("an enterprise re-scoring: %d, want 403", rec.Code)
	}
}

// The expected loss beside the score: a positive ALE, and each "what if"
// comparison's reduction is the before − after of its own runs.
func TestExpectedLossAPI(t *testing.T) {
	engineReady(t)
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 40)
	if err := e.st.LoadDemoAssessments(sysCtx(), e.pilot, demo.GenerateAssessments(e.pilot, 11)); err != nil {
		t.Fatal(err)
	}
	var ent1 string
	if err := e.st.RawDB().QueryRow("SELECT CAST(org_id AS TEXT) FROM users WHERE username = 'ent1.admin'").Scan(&ent1); err != nil {
		t.Fatal(err)
	}
	rec := e.as("ent1.admin", "GET", "/api/v1/enterprises/"+ent1+"/expected-loss", "")
	if rec.Code != 200 {
		t.Fatalf("expected loss: %d %s", rec.Code, rec.Body)
	}
	el := decodeBody[ExpectedLoss](t, rec)
	if el.Result == nil || el.Result.Mean <= 0 || len(el.Result.LEC) == 0 {
		t.Fatalf("expected loss %+v", el.Result)
	}
	for _, w := range el.WhatIf {
		if len(w.Controls) == 0 || w.ALEReduction < -3*w.ALEReductionSE ||
			abs(w.ALEBefore-w.ALEAfter-w.ALEReduction) > 1e-6*w.ALEBefore {
			t.Errorf("what if %+v", w)
		}
	}
	// The score record carries the explanation; reproducing it is identical.
	rec = e.as("ent1.admin", "GET", "/api/v1/enterprises/"+ent1+"/score", "")
	var sc store.ScoreRecord
	json.Unmarshal(rec.Body.Bytes(), &sc)
	var res assess.Result
	if err := json.Unmarshal(sc.Result, &res); err != nil || res.Overall != sc.Overall || len(res.Factors) != len(assess.Current().Factors) {
		t.Fatalf("score %+v / %v", sc, err)
	}
	rec = e.as("ent1.admin", "GET", fmt.Sprintf("/api/v1/enterprises/%s/scores/%d/reproduce", ent1, sc.ID), "")
	if rep := decodeBody[store.Reproduction](t, rec); !rep.Identical {
		t.Errorf("reproduction %+v", rep)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
