package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/store"
)

// The score API: an enterprise's current score with its explanation, its
// history, the reproduction of any stored score, the published
// methodologies, the operator's re-scoring, and the expected loss beside
// the score with "what if we fix X" comparisons.

const (
	lossTrials    = 100_000 // enough for the ALE to ±1–2% and a smooth curve
	lossSeed      = 2026
	lossMaxWhatIf = 5 // comparisons shown: the top recommendations that add a control
)

// MethodologyResponse is one published methodology with its rules.
type MethodologyResponse struct {
	assess.Methodology
	Rules []assess.Rule `json:"rules"`
}

// ExpectedLoss is the quantified risk beside the score: the scenario
// library's model for the enterprise with the controls its answers show, and
// what fixing the top recommendations would change.
type ExpectedLoss struct {
	Library string         `json:"library"`
	Profile quant.Profile  `json:"profile"`
	Result  *quant.Result  `json:"result"`
	WhatIf  []WhatIfResult `json:"what_if"`
	Cached  bool           `json:"cached"`
}

// WhatIfResult is the effect of fixing one recommendation: its score gain and
// the change in expected loss from the controls the fix puts in place.
type WhatIfResult struct {
	Rule           string   `json:"rule"`
	RemedyZH       string   `json:"remedy_zh"`
	RemedyEN       string   `json:"remedy_en"`
	Controls       []string `json:"controls"`
	ScoreGain      float64  `json:"score_gain"`
	ALEBefore      float64  `json:"ale_before"`
	ALEAfter       float64  `json:"ale_after"`
	ALEReduction   float64  `json:"ale_reduction"`
	ALEReductionSE float64  `json:"ale_reduction_se"`
	ALEReductionPc float64  `json:"ale_reduction_pct"`
	VaR99Before    float64  `json:"var99_before"`
	VaR99After     float64  `json:"var99_after"`
}

func (s *Server) registerAssessmentAPI() {
	const base = "/api/v1/enterprises/{id}"
	const tag = "assessment"
	s.api(route{Method: "GET", Path: base + "/score", OpID: "getScore", Tag: tag,
		Summary: "The enterprise's Anbao score under the current methodology, with every item that moved it and the ranked recommendations; " +
			"recomputed and stored when the inputs or the methodology changed since the latest score",
		Resp: store.ScoreRecord{}, handle: s.apiScore})
	s.api(route{Method: "GET", Path: base + "/scores", OpID: "listScores", Tag: tag,
		Summary: "Score history, newest first (without explanations)", Query: pageParams,
		Resp: ListResponse[*store.ScoreRecord]{}, handle: s.apiScoreHistory})
	s.api(route{Method: "GET", Path: base + "/scores/{score_id}", OpID: "getStoredScore", Tag: tag,
		Summary: "One stored score with its explanation and input snapshot", Resp: store.ScoreRecord{}, handle: s.apiStoredScore})
	s.api(route{Method: "GET", Path: base + "/scores/{score_id}/reproduce", OpID: "reproduceScore", Tag: tag,
		Summary: "Recompute a stored score from its input snapshot under its methodology and say whether it is identical",
		Resp:    store.Reproduction{}, handle: s.apiReproduceScore})
	s.api(route{Method: "GET", Path: base + "/expected-loss", OpID: "expectedLoss", Tag: tag,
		Summary: "Annualised loss expectancy and loss exceedance curve from the scenario library with the controls the assessment shows, " +
			"and the effect of fixing the top recommendations",
		Resp: ExpectedLoss{}, handle: s.apiExpectedLoss})
	s.api(route{Method: "POST", Path: "/api/v1/scores/recompute", OpID: "recomputeScores", Tag: tag,
		Summary: "Re-score every enterprise under the current methodology (the operator's admin, after a methodology change)",
		Resp:    store.RecomputeReport{}, handle: s.apiRecomputeScores})
	s.api(route{Method: "GET", Path: "/api/v1/score-methodologies", OpID: "listMethodologies", Tag: tag,
		Summary: "The published score methodologies, oldest first, with their announcements", Resp: []assess.Methodology{},
		handle: s.apiMethodologies})
	s.api(route{Method: "GET", Path: "/api/v1/score-methodologies/{version...}", OpID: "getMethodology", Tag: tag,
		Summary: "One methodology with all its rules (e.g. score/2026.2)", Resp: MethodologyResponse{}, handle: s.apiMethodology})
}

func (s *Server) apiScore(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.currentScore(r.Context(), ent)
}

// currentScore is store.CurrentScore with engine input errors made readable.
func (s *Server) currentScore(ctx context.Context, ent int64) (*store.ScoreRecord, error) {
	rec, err := s.store.CurrentScore(ctx, ent)
	return rec, scoreInputError(err)
}

// scoreInputError turns the engine's input errors (stored data the
// methodology cannot read, e.g. an answer from a newer bank) into a 422.
func scoreInputError(err error) error {
	var ie *assess.InputError
	if errors.As(err, &ie) {
		return &anbao.Error{Code: anbao.EINVALID, Key: "score.input_invalid", Args: []any{ie.Path, ie.Msg}, Field: ie.Path, Err: err}
	}
	return err
}

func (s *Server) apiScoreHistory(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.ScoreHistory(r.Context(), ent, pg)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.ScoreRecord]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiStoredScore(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := ids(r, "score_id")
	if err != nil {
		return nil, err
	}
	return s.store.GetScore(r.Context(), ent, id)
}

func (s *Server) apiReproduceScore(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := ids(r, "score_id")
	if err != nil {
		return nil, err
	}
	return s.store.ReproduceScore(r.Context(), ent, id)
}

func (s *Server) apiRecomputeScores(w http.ResponseWriter, r *http.Request) (any, error) {
	rep, err := s.store.RecomputeScores(r.Context())
	return rep, scoreInputError(err)
}

func (s *Server) apiMethodologies(w http.ResponseWriter, r *http.Request) (any, error) {
	return assess.Methodologies(), nil
}

func (s *Server) apiMethodology(w http.ResponseWriter, r *http.Request) (any, error) {
	m, ok := assess.Get(r.PathValue("version"))
	if !ok {
		return nil, anbao.ErrNotFound("methodology")
	}
	return MethodologyResponse{Methodology: m, Rules: m.Rules()}, nil
}

func (s *Server) apiExpectedLoss(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	rec, err := s.currentScore(r.Context(), ent)
	if err != nil {
		return nil, err
	}
	return s.expectedLoss(r.Context(), rec)
}

// expectedLoss runs the library model of a scored assessment and the what-if
// comparisons of its top recommendations that add a control.
func (s *Server) expectedLoss(ctx context.Context, rec *store.ScoreRecord) (*ExpectedLoss, error) {
	in, err := assess.ParseInput(rec.Input)
	if err != nil {
		return nil, err
	}
	var res assess.Result
	if err := json.Unmarshal(rec.Result, &res); err != nil {
		return nil, err
	}
	prof, _, err := assess.LossInputs(in)
	if err != nil {
		return nil, lossInputError(err)
	}
	model, err := quant.Library(prof)
	if err != nil {
		return nil, lossInputError(err)
	}
	opt := quant.Options{Trials: lossTrials, Seed: lossSeed, LECPoints: 40}
	v, cached, err := s.quant.run(ctx, &quantJob{Model: model, Opt: opt})
	if err != nil {
		return nil, err
	}
	out := &ExpectedLoss{Library: quant.LibraryVersion, Profile: prof, Result: v.(*quant.Result), Cached: cached, WhatIf: []WhatIfResult{}}
	var seen [][]string
	for _, rc := range res.Recommendations {
		if len(out.WhatIf) == lossMaxWhatIf {
			break
		}
		if len(rc.ControlsAdded) == 0 || slices.ContainsFunc(seen, func(c []string) bool { return slices.Equal(c, rc.ControlsAdded) }) {
			continue
		}
		seen = append(seen, rc.ControlsAdded)
		before, after, err := quant.WhatIf(prof, rc.ControlsAdded)
		if err != nil {
			return nil, lossInputError(err)
		}
		cv, _, err := s.quant.run(ctx, &quantJob{Model: before, Compare: after, Opt: quant.Options{Trials: lossTrials, Seed: lossSeed, Levels: []float64{0.99}}})
		if err != nil {
			return nil, err
		}
		c := cv.(*quant.Comparison)
		w := WhatIfResult{Rule: rc.Rule, RemedyZH: rc.RemedyZH, RemedyEN: rc.RemedyEN, Controls: rc.ControlsAdded, ScoreGain: rc.Gain,
			ALEBefore: c.Before.Mean, ALEAfter: c.After.Mean, ALEReduction: c.ALEReduction, ALEReductionSE: c.ALEReductionSE,
			ALEReductionPc: c.ALEReductionPc}
		for _, d := range c.VaRReduction {
			if d.Level == 0.99 {
				w.VaR99Before, w.VaR99After = d.Before, d.After
			}
		}
		out.WhatIf = append(out.WhatIf, w)
	}
	return out, nil
}

// lossInputError reports a profile the scenario library cannot take (no
// revenue yet, say) as a 400 naming the field.
func lossInputError(err error) error {
	var fe *quant.FieldError
	if errors.As(err, &fe) {
		return &anbao.Error{Code: anbao.EINVALID, Key: "score.loss_input", Args: []any{strings.TrimSpace(fe.Error())}, Err: err}
	}
	return scoreInputError(err)
}
