package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/ui"
)

// Supervision: regulators see the Anbao scores of their jurisdiction as
// aggregates by industry and size (never one enterprise's assessment);
// national bodies and the operator see the country or pick a jurisdiction.

func (s *Server) registerSupervisionAPI() {
	s.api(route{Method: "GET", Path: "/api/v1/assessment/aggregates", OpID: "scoreAggregates", Tag: "assessment",
		Summary: "Score distribution of the active enterprises by industry section and size class; groups of fewer than " +
			fmt.Sprint(store.MinCell) + " scored enterprises are withheld. A local regulator sees its own jurisdiction only.",
		Query: []qparam{{Name: "jurisdiction", Type: "string", Desc: "GB/T 2260 code; national bodies and the operator only (default: all)"}},
		Resp:  store.ScoreAggregates{}, handle: s.apiScoreAggregates})
}

func (s *Server) apiScoreAggregates(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.AggregateScores(r.Context(), strings.TrimSpace(r.URL.Query().Get("jurisdiction")))
}

// addExtraPage parses a page template that is not in uiPageNames, on the
// shared layout and partials (cloned from the error page).
func (u *uiRenderer) addExtraPage(name string) error {
	base, ok := u.pages["error"]
	if !ok {
		return errors.New("ui: no base page to clone for " + name)
	}
	t, err := base.Clone()
	if err != nil {
		return err
	}
	if t, err = t.ParseFS(ui.Templates(), "templates/"+name+".html"); err != nil {
		return fmt.Errorf("ui template %s: %w", name, err)
	}
	u.pages[name] = t
	return nil
}

func (s *Server) registerSupervisionUI() error {
	if err := s.ui.addExtraPage("supervision"); err != nil {
		return err
	}
	s.mux.HandleFunc("GET /supervision/scores", s.uiAuth(s.uiSupervision))
	return nil
}

type uiSupervisionData struct {
	Agg           *store.ScoreAggregates
	Jurisdictions []refdata.Jurisdiction // offered to national bodies and the operator
	PickAny       bool
	JurName       string
	ChartJSON     string
	Tables        []uiSupTable
}

// uiSupTable is one table of groups (by industry or by size).
type uiSupTable struct {
	P        *uiPage
	Title    string // message key
	ID       string
	Groups   []store.ScoreGroup
	Industry bool
}

// Grades lists the score grades, best first.
func (p *uiPage) Grades() []string { return scoreGrades }

// supervisionChart is the data of the page's charts, read by supervision.js.
type supervisionChart struct {
	Lang      string            `json:"lang"`
	Bins      []string          `json:"bins"`
	Counts    []int             `json:"counts"`
	Grades    []string          `json:"grades"`
	Sections  []string          `json:"sections"`
	BySection map[string][]int  `json:"by_section"` // grade → count per section
	Labels    map[string]string `json:"labels"`
}

// scoreGrades are the grades of the current methodology, best first.
var scoreGrades = func() []string {
	var out []string
	for _, g := range assess.Current().Grades {
		out = append(out, g.Grade)
	}
	return out
}()

func (s *Server) uiSupervision(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.sup.title", "supervision")
	if err := anbao.Authorize(p.P, anbao.ActAssessmentAggregate); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	p.Form, p.FormID = q, "filter"
	d := &uiSupervisionData{PickAny: p.P.OrgKind != anbao.KindRegulator || p.P.Jurisdiction == ""}
	if d.PickAny {
		for _, j := range refdata.Jurisdictions() {
			if j.Active {
				d.Jurisdictions = append(d.Jurisdictions, j)
			}
		}
	}
	p.Data = d
	status := http.StatusOK
	agg, err := s.store.AggregateScores(r.Context(), strings.TrimSpace(q.Get("jurisdiction")))
	if err != nil {
		if status = p.setError("filter", q, err, s, r); status >= 500 {
			s.writeError(w, r, err)
			return
		}
		s.render(w, r, status, "supervision", p)
		return
	}
	d.Agg = agg
	d.Tables = []uiSupTable{{P: p, Title: "ui.sup.by_industry", ID: "sup-industry", Groups: agg.ByIndustry, Industry: true},
		{P: p, Title: "ui.sup.by_size", ID: "sup-size", Groups: agg.BySize}}
	if j, ok := refdata.JurisdictionByCode(agg.Jurisdiction); ok {
		d.JurName = j.Name(p.Lang)
	}
	c := supervisionChart{Lang: p.Lang, Grades: scoreGrades, BySection: map[string][]int{},
		Labels: map[string]string{"count": i18n.T(p.Lang, "ui.sup.enterprises"), "score": i18n.T(p.Lang, "ui.sup.score")}}
	for _, b := range agg.Histogram {
		c.Bins = append(c.Bins, fmt.Sprintf("%g–%g", b.From, b.To))
		c.Counts = append(c.Counts, b.Count)
	}
	for _, g := range agg.ByIndustry {
		if g.Suppressed || g.Scored == 0 {
			continue
		}
		c.Sections = append(c.Sections, g.Key)
		for _, gr := range scoreGrades {
			c.BySection[gr] = append(c.BySection[gr], g.Grades[gr])
		}
	}
	b, _ := json.Marshal(c)
	d.ChartJSON = string(b)
	s.render(w, r, status, "supervision", p)
}

// SectionName is the name of an industry section in the page's language.
func (p *uiPage) SectionName(code string) string {
	if sec, ok := refdata.SectionByCode(code); ok {
		return sec.Name(p.Lang)
	}
	return code
}
