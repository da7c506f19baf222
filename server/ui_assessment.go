package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/store"
)

// The assessment page (/enterprises/{id}/assessment): the Anbao score with
// its explanation and recommendations, the expected loss beside it with
// "what if we fix X", the score history and, for the enterprise, sharing
// with insurers. The methodology page (/methodology) publishes every version.

func (s *Server) registerAssessmentUI() error {
	for _, name := range []string{"assessment", "methodology"} {
		if err := s.ui.addExtraPage(name); err != nil {
			return err
		}
	}
	s.mux.HandleFunc("GET /enterprises/{id}/assessment", s.uiAuth(s.uiAssessment))
	s.mux.HandleFunc("POST /enterprises/{id}/shares", s.uiAuth(s.uiShareGrant))
	s.mux.HandleFunc("POST /enterprises/{id}/shares/{insurer_id}/revoke", s.uiAuth(s.uiShareRevoke))
	s.mux.HandleFunc("GET /methodology", s.uiAuth(s.uiMethodology))
	s.mux.HandleFunc("POST /scores/recompute", s.uiAuth(s.uiRecompute))
	return nil
}

type uiAssessmentData struct {
	Org        *anbao.Organisation
	Score      *store.ScoreRecord
	Result     *assess.Result
	Method     assess.Methodology
	Current    assess.Methodology
	Superseded bool // the score's methodology is not the current one
	Err        string
	Loss       *ExpectedLoss
	LossErr    string
	VaR95      float64
	VaR99      float64
	History    []*store.ScoreRecord
	Shares     []store.Share
	ShareList  bool // the viewer may see the sharing list
	CanShare   bool
	Insurers   []*anbao.Organisation // active insurers not yet shared with
	ChartJSON  string
	Factors    []uiFactorRow
}

type uiFactorRow struct {
	assess.FactorScore
	Items []assess.Item
}

// assessmentChart is the data of the page's charts, read by assessment.js.
type assessmentChart struct {
	Lang    string            `json:"lang"`
	Factors []string          `json:"factors"`
	Scores  []int             `json:"scores"`
	LEC     [][2]float64      `json:"lec"`
	History [][2]any          `json:"history"` // [computed_at, overall]
	Labels  map[string]string `json:"labels"`
}

func (s *Server) uiAssessment(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.asm.title", "enterprises")
	ctx := r.Context()
	ent, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.ReadableAssessment(ctx, ent); err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.store.GetOrganisation(ctx, ent)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiAssessmentData{Org: o, Current: assess.Current()}
	p.Data = d
	p.Title = p.OrgName(o) + " · " + p.T("ui.asm.title")
	rec, err := s.currentScore(ctx, ent)
	if err != nil {
		if status, e := s.uiError(r, err); status >= 500 {
			s.writeError(w, r, err)
			return
		} else {
			d.Err = e.Message
		}
	} else {
		d.Score = rec
		d.Result = &assess.Result{}
		if err := json.Unmarshal(rec.Result, d.Result); err != nil {
			s.writeError(w, r, err)
			return
		}
		d.Method, _ = assess.Get(rec.Methodology)
		d.Superseded = rec.Methodology != d.Current.Version
		for _, f := range d.Result.Factors {
			row := uiFactorRow{FactorScore: f}
			for _, it := range d.Result.Items {
				if it.Factor == f.ID {
					row.Items = append(row.Items, it)
				}
			}
			d.Factors = append(d.Factors, row)
		}
		if loss, err := s.expectedLoss(ctx, rec); err != nil {
			if status, e := s.uiError(r, err); status >= 500 {
				s.writeError(w, r, err)
				return
			} else {
				d.LossErr = e.Message
			}
		} else {
			d.Loss = loss
			for _, rl := range loss.Result.Risk {
				switch rl.Level {
				case 0.95:
					d.VaR95 = rl.VaR
				case 0.99:
					d.VaR99 = rl.VaR
				}
			}
		}
	}
	if h, err := s.store.ScoreHistory(ctx, ent, anbao.Page{Limit: 50}); err == nil {
		d.History = h.Items
	}
	if shares, err := s.store.ListShares(ctx, ent); err == nil {
		d.Shares, d.ShareList = shares, true
		d.CanShare = anbao.Can(p.P, anbao.ActAssessmentShare) && p.P.OrgID == ent
		if d.CanShare {
			d.Insurers = s.unsharedInsurers(r, shares)
		}
	}
	c := assessmentChart{Lang: p.Lang, Labels: map[string]string{"score": p.T("ui.asm.score"), "prob": p.T("ui.asm.lec_prob"),
		"loss": p.T("ui.asm.lec_loss")}}
	if d.Result != nil {
		for _, f := range d.Result.Factors {
			name := f.NameZH
			if p.En() {
				name = f.NameEN
			}
			c.Factors, c.Scores = append(c.Factors, name), append(c.Scores, f.Score)
		}
	}
	if d.Loss != nil {
		for _, pt := range d.Loss.Result.LEC {
			c.LEC = append(c.LEC, [2]float64{pt.Loss, pt.Prob})
		}
	}
	for i := len(d.History) - 1; i >= 0; i-- {
		c.History = append(c.History, [2]any{d.History[i].ComputedAt, d.History[i].Overall})
	}
	b, _ := json.Marshal(c)
	d.ChartJSON = string(b)
	s.render(w, r, http.StatusOK, "assessment", p)
}

// unsharedInsurers lists the active insurers the enterprise does not share with now.
func (s *Server) unsharedInsurers(r *http.Request, shares []store.Share) []*anbao.Organisation {
	active := map[int64]bool{}
	for _, sh := range shares {
		active[sh.InsurerID] = sh.Active
	}
	l, err := s.store.ListOrganisations(r.Context(), anbao.OrgFilter{Kind: anbao.KindInsurer, Status: anbao.OrgActive,
		Page: anbao.Page{Limit: 500}})
	if err != nil {
		return nil
	}
	var out []*anbao.Organisation
	for _, o := range l.Items {
		if !active[o.ID] {
			out = append(out, o)
		}
	}
	return out
}

func (s *Server) uiShareGrant(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ins, err := strconv.ParseInt(r.PostFormValue("insurer_id"), 10, 64)
	if err != nil {
		err = anbao.FieldError("insurer_id", "share.not_insurer", r.PostFormValue("insurer_id"))
	} else {
		_, err = s.store.GrantShare(r.Context(), ent, ins)
	}
	s.afterShare(w, r, ent, err)
}

func (s *Server) uiShareRevoke(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ins, err := pathID(r, "insurer_id")
	if err == nil {
		err = s.store.RevokeShare(r.Context(), ent, ins)
	}
	s.afterShare(w, r, ent, err)
}

// afterShare returns to the sharing section, or shows the error page.
func (s *Server) afterShare(w http.ResponseWriter, r *http.Request, ent int64, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/enterprises/%d/assessment?ok=saved#sharing", ent), http.StatusSeeOther)
}

type uiMethodologyData struct {
	All        []assess.Methodology
	M          assess.Methodology
	Rules      []assess.Rule
	CanRescore bool
	Report     *store.RecomputeReport
}

func (s *Server) uiMethodology(w http.ResponseWriter, r *http.Request) {
	s.showMethodology(w, r, nil)
}

func (s *Server) showMethodology(w http.ResponseWriter, r *http.Request, rep *store.RecomputeReport) {
	p := s.newPage(r, "ui.meth.title", "methodology")
	v := r.URL.Query().Get("version")
	m := assess.Current()
	if v != "" {
		var ok bool
		if m, ok = assess.Get(v); !ok {
			s.writeError(w, r, anbao.ErrNotFound("methodology"))
			return
		}
	}
	p.Data = &uiMethodologyData{All: assess.Methodologies(), M: m, Rules: m.Rules(),
		CanRescore: anbao.Can(p.P, anbao.ActScoreRecompute), Report: rep}
	s.render(w, r, http.StatusOK, "methodology", p)
}

func (s *Server) uiRecompute(w http.ResponseWriter, r *http.Request) {
	rep, err := s.store.RecomputeScores(r.Context())
	if err != nil {
		s.writeError(w, r, scoreInputError(err))
		return
	}
	r.URL.RawQuery = ""
	s.showMethodology(w, r, rep)
}

// Pick returns zh or en by the page's language.
func (p *uiPage) Pick(zh, en string) string {
	if p.En() && en != "" {
		return en
	}
	return zh
}

// Yuan formats an amount in yuan (a float from the quantification engine).
func (p *uiPage) Yuan(x float64) string {
	return p.Money(int64(math.Round(x * 100)))
}

// Fixed formats x with d decimals.
func (p *uiPage) Fixed(x float64, d int) string { return strconv.FormatFloat(x, 'f', d, 64) }

// FactorName is a factor's name in the page's language.
func (p *uiPage) FactorName(id string) string {
	for _, f := range assess.Current().Factors {
		if f.ID == id {
			return p.Pick(f.NameZH, f.NameEN)
		}
	}
	return id
}

// ControlName is a quantification control's name in the page's language.
func (p *uiPage) ControlName(id string) string {
	for _, c := range quant.Controls {
		if c.ID == id {
			return p.Pick(c.NameZH, c.NameEN)
		}
	}
	return id
}
