package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
)

// Scoring: the platform computes an enterprise's Anbao score from its current
// inputs whenever someone looks at it and the inputs or the current
// methodology differ from the latest score's; an operator re-scores every
// enterprise after a methodology change. Each score is kept with its input
// snapshot, so any score can be reproduced.

// loadFindings reads the findings of the enterprises ids (nil: all) for
// scoring, with KEV membership and EPSS from the imported feeds.
func (s *Store) loadFindings(ctx context.Context, db querier, ids []int64) (map[int64][]assess.Finding, error) {
	out := map[int64][]assess.Finding{}
	cond, args := enterpriseSet("enterprise_id", ids, 1)
	var cves []string
	err := eachRow(ctx, db, `SELECT id, enterprise_id, type, severity, cvss_score, internet_facing, status, cve_ids, title
		FROM findings WHERE `+cond+` ORDER BY enterprise_id, id`, args, func(sc scanner) error {
		var id, ent int64
		var f assess.Finding
		var cvss *float64
		var cveIDs string
		if err := sc.Scan(&id, &ent, &f.Type, &f.Severity, &cvss, &f.InternetFacing, &f.Status, &cveIDs, &f.Title); err != nil {
			return err
		}
		f.ID = strconv.FormatInt(id, 10)
		if cvss != nil {
			f.CVSS = *cvss
		}
		// The CVE ids ride in Title's place until enrichment; see below.
		for _, c := range splitIDs(cveIDs) {
			cves = append(cves, c)
			f.Title += "\x00" + c
		}
		out[ent] = append(out[ent], f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	intel, err := vulnIntel(ctx, db, cves)
	if err != nil {
		return nil, err
	}
	for _, fs := range out {
		for i := range fs {
			parts := strings.Split(fs[i].Title, "\x00")
			fs[i].Title = parts[0]
			for _, c := range parts[1:] {
				if v, ok := intel[c]; ok {
					fs[i].KEV = fs[i].KEV || v.KEV
					fs[i].EPSS = max(fs[i].EPSS, v.EPSS)
				}
			}
		}
	}
	return out, nil
}

// assessmentInputs assembles the score inputs of the enterprises ids (nil: all).
func (s *Store) assessmentInputs(ctx context.Context, db querier, ids []int64) (map[int64]*assess.Input, error) {
	profiles, err := s.loadProfiles(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	answers, err := s.loadScoreAnswers(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	findings, err := s.loadFindings(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	asOf := s.today()
	out := make(map[int64]*assess.Input, len(profiles))
	for id, p := range profiles {
		in := &assess.Input{AsOf: asOf, Answers: answers[id], Findings: findings[id], Profile: *p}
		if in.Answers == nil {
			in.Answers = map[string]assess.Answer{}
		}
		if in.Findings == nil {
			in.Findings = []assess.Finding{}
		}
		out[id] = in
	}
	return out, nil
}

// scoreRecord computes the score of in under methodology and wraps it for storage.
func scoreRecord(ent int64, methodology, reason string, in *assess.Input) (*ScoreRecord, error) {
	res, canon, err := assess.Snapshot(methodology, in)
	if err != nil {
		return nil, err
	}
	// The explanation is a function of the input and the methodology, so it
	// is recomputed when read (withExplanation) rather than stored: the row
	// keeps the figures and the gates only.
	result, err := json.Marshal(struct {
		GradeUncapped string           `json:"grade_uncapped"`
		Gates         []assess.GateHit `json:"gates"`
	}{res.GradeUncapped, res.Gates})
	if err != nil {
		return nil, err
	}
	factors := map[string]int{}
	for _, f := range res.Factors {
		factors[f.ID] = f.Score
	}
	fj, _ := json.Marshal(factors)
	return &ScoreRecord{EnterpriseID: ent, Methodology: res.Methodology, Overall: res.Overall, Grade: res.Grade,
		Factors: fj, Result: result, Input: canon, InputSHA256: res.InputSHA256, Reason: reason}, nil
}

// CurrentScore returns enterprise id's score under the current methodology
// from its current inputs: the latest stored score when nothing changed,
// otherwise a new score, stored (with its reason) before it is returned.
func (s *Store) CurrentScore(ctx context.Context, enterpriseID int64) (*ScoreRecord, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.readableAssessment(ctx, s.read, p, enterpriseID); err != nil {
		return nil, err
	}
	inputs, err := s.assessmentInputs(ctx, s.read, []int64{enterpriseID})
	if err != nil {
		return nil, err
	}
	in := inputs[enterpriseID]
	hash, err := in.Hash()
	if err != nil {
		return nil, err
	}
	method := assess.Current().Version
	latest, err := s.latestScore(ctx, enterpriseID)
	if err != nil {
		return nil, err
	}
	reason := ScoreFirst
	if latest != nil {
		if latest.InputSHA256 == hash && latest.Methodology == method {
			return latest, withExplanation(latest)
		}
		reason = ScoreInputs
		if latest.Methodology != method {
			reason = ScoreMethodology
		}
	}
	rec, err := scoreRecord(enterpriseID, method, reason, in)
	if err != nil {
		return nil, err
	}
	if err := s.inTx(ctx, func(t *tx) error { return t.saveScores([]*ScoreRecord{rec}, p) }); err != nil {
		return nil, err
	}
	return rec, withExplanation(rec)
}

// RecomputeReport says what a re-scoring did.
type RecomputeReport struct {
	Methodology string `json:"methodology"`
	Enterprises int    `json:"enterprises"`
	Changed     int    `json:"changed"` // scores whose overall or grade moved
	LoadMS      int64  `json:"load_ms"`
	ScoreMS     int64  `json:"score_ms"`
	SaveMS      int64  `json:"save_ms"`
	TotalMS     int64  `json:"total_ms"`
}

// RecomputeScores re-scores every enterprise under the current methodology
// (after a methodology change), in one transaction; the operator's admin only.
func (s *Store) RecomputeScores(ctx context.Context) (*RecomputeReport, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActScoreRecompute); err != nil {
		return nil, err
	}
	method := assess.Current().Version
	rep := &RecomputeReport{Methodology: method}
	start := time.Now()
	inputs, err := s.assessmentInputs(ctx, s.read, nil)
	if err != nil {
		return nil, err
	}
	prev := map[int64][2]any{}
	err = eachRow(ctx, s.read, "SELECT enterprise_id, overall, grade FROM latest_scores", nil, func(sc scanner) error {
		var id int64
		var overall float64
		var grade string
		if err := sc.Scan(&id, &overall, &grade); err != nil {
			return err
		}
		prev[id] = [2]any{overall, grade}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.LoadMS = time.Since(start).Milliseconds()
	start = time.Now()
	recs, err := scoreAll(inputs, method)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if old, ok := prev[rec.EnterpriseID]; !ok || old[0].(float64) != rec.Overall || old[1].(string) != rec.Grade {
			rep.Changed++
		}
	}
	// Deterministic order: enterprise id.
	sortScores(recs)
	rep.ScoreMS = time.Since(start).Milliseconds()
	start = time.Now()
	if err := s.inTx(ctx, func(t *tx) error { return t.saveScores(recs, p) }); err != nil {
		return nil, err
	}
	rep.SaveMS = time.Since(start).Milliseconds()
	rep.TotalMS = rep.LoadMS + rep.ScoreMS + rep.SaveMS
	rep.Enterprises = len(recs)
	return rep, nil
}

func sortScores(recs []*ScoreRecord) {
	slices.SortFunc(recs, func(a, b *ScoreRecord) int { return cmp.Compare(a.EnterpriseID, b.EnterpriseID) })
}

// ReproduceScore recomputes a stored score from its stored input under its
// stored methodology and reports whether the result is identical.
func (s *Store) ReproduceScore(ctx context.Context, enterpriseID, id int64) (*Reproduction, error) {
	rec, err := s.GetScore(ctx, enterpriseID, id)
	if err != nil {
		return nil, err
	}
	in, err := assess.ParseInput(rec.Input)
	if err != nil {
		return nil, err
	}
	res, err := assess.Score(rec.Methodology, in)
	if err != nil {
		return nil, err
	}
	return &Reproduction{ScoreID: id, Methodology: rec.Methodology, Stored: rec.Overall, Recomputed: res.Overall,
		StoredGrade: rec.Grade, RecomputedGrade: res.Grade, InputSHA256: res.InputSHA256,
		Identical: res.Overall == rec.Overall && res.Grade == rec.Grade && res.InputSHA256 == rec.InputSHA256}, nil
}

// Reproduction is the outcome of ReproduceScore.
type Reproduction struct {
	ScoreID         int64   `json:"score_id"`
	Methodology     string  `json:"methodology"`
	Stored          float64 `json:"stored"`
	Recomputed      float64 `json:"recomputed"`
	StoredGrade     string  `json:"stored_grade"`
	RecomputedGrade string  `json:"recomputed_grade"`
	InputSHA256     string  `json:"input_sha256"`
	Identical       bool    `json:"identical"`
}

// AssessmentInput returns the current score input of enterprise id.
func (s *Store) AssessmentInput(ctx context.Context, enterpriseID int64) (*assess.Input, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	inputs, err := s.assessmentInputs(ctx, s.read, []int64{enterpriseID})
	if err != nil {
		return nil, err
	}
	return inputs[enterpriseID], nil
}

// withExplanation replaces a stored score's Result by the full explanation,
// recomputed from its input snapshot under its methodology. A stored score
// that its input no longer reproduces is an internal error, not a silent
// difference.
func withExplanation(r *ScoreRecord) error {
	in, err := assess.ParseInput(r.Input)
	if err != nil {
		return fmt.Errorf("score %d: stored input: %w", r.ID, err)
	}
	res, err := assess.Score(r.Methodology, in)
	if err != nil {
		return fmt.Errorf("score %d: %w", r.ID, err)
	}
	if res.Overall != r.Overall || res.Grade != r.Grade {
		return fmt.Errorf("score %d: stored %v %s, recomputed %v %s", r.ID, r.Overall, r.Grade, res.Overall, res.Grade)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	r.Result = b
	return nil
}

// scoreAll scores every input on all cores.
func scoreAll(inputs map[int64]*assess.Input, method string) ([]*ScoreRecord, error) {
	ids := make([]int64, 0, len(inputs))
	for id := range inputs {
		ids = append(ids, id)
	}
	recs := make([]*ScoreRecord, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += workers {
				recs[i], errs[i] = scoreRecord(ids[i], method, ScoreMethodology, inputs[ids[i]])
			}
		}()
	}
	wg.Wait()
	return recs, errors.Join(errs...)
}
