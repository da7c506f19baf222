package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/quant/modelfile"
	"github.com/anbao/anbao/server/quantmodels"
)

// The /quant page: a model editor pre-filled from the example models or an
// enterprise's library model, a "what if" control checklist, and a Run
// button whose results partial (tables and the ECharts charts drawn by
// quant.js) comes back through htmx. The runs go through the same runner,
// limits and cache as the API.

const (
	quantDefaultTemplate = "portfolio5"
	quantDefaultSeed     = 2026
	quantTVaRLevel       = 0.99 // the level of the contribution chart's TVaR shares
)

type uiQuantTemplate struct{ ID, Label string }

type uiQuantControl struct {
	ID, Name string
	Checked  bool
}

type uiQuantData struct {
	Templates []uiQuantTemplate
	// Texts holds each template's model file by id ("library" for the
	// enterprise's library model), read by quant.js from a JSON block.
	Texts      map[string]string
	Enterprise *anbao.Organisation // the enterprise of the what-if section, if any
	LibraryErr string              // why its library model could not be built
	Controls   []uiQuantControl
	// PickEnterprise: the caller may open another enterprise by id.
	PickEnterprise bool
	Run            *uiQuantRun
	Problems       []uiQuantProblem // model-file problems, shown beside the editor
}

// uiQuantRun is what a run shows: a result, or a comparison (what if) whose
// After is shown in detail, or an error.
type uiQuantRun struct {
	Result     *quant.Result
	Comparison *quant.Comparison
	Cached     bool
	Err        string
	Chart      *uiQuantChart
	ChartJSON  string  // Chart as JSON, for the page's data-chart attribute
	TVaRLevel  float64 // level of the per-scenario TVaR shares
}

type uiQuantProblem struct {
	Line, Column int
	Where, Text  string
}

// uiQuantChart is the data of the charts, written as JSON into the page.
type uiQuantChart struct {
	Lang      string            `json:"lang"`
	Currency  string            `json:"currency"`
	LEC       [][2]float64      `json:"lec"`
	LECBefore [][2]float64      `json:"lec_before,omitempty"` // what if: the curve without the controls
	Names     []string          `json:"names"`
	MeanShare []float64         `json:"mean_share"`
	TVaRShare []float64         `json:"tvar_share"`
	Labels    map[string]string `json:"labels"`
}

// quantForm is the editor's input.
type quantForm struct {
	Model       string
	Trials      int
	Seed        uint64
	Enterprise  int64
	Controls    []string
	PIRecords   int64
	SensitivePI bool
}

func (s *Server) registerQuantUI() {
	s.mux.HandleFunc("GET /quant", s.uiAuth(s.uiQuant))
	s.mux.HandleFunc("POST /quant/run", s.uiAuth(s.uiQuantRun))
	s.mux.HandleFunc("POST /quant/export.csv", s.uiAuth(s.uiQuantExport))
}

// readQuantForm reads the editor's fields; the names match the inputs.
func readQuantForm(v url.Values) (quantForm, error) {
	f := quantForm{Model: v.Get("model_yaml"), Trials: quant.DefaultTrials, Seed: quantDefaultSeed, SensitivePI: formBool(v.Get("sensitive_pi"))}
	clean := func(name string) string {
		return strings.NewReplacer(",", "", "，", "", " ", "", "_", "").Replace(strings.TrimSpace(v.Get(name)))
	}
	if t := clean("trials"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			return f, anbao.FieldError("trials", "ui.err.integer")
		}
		f.Trials = n
	}
	if t := clean("seed"); t != "" {
		n, err := strconv.ParseUint(t, 10, 64)
		if err != nil {
			return f, anbao.FieldError("seed", "ui.err.integer")
		}
		f.Seed = n
	}
	if t := clean("enterprise"); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return f, anbao.FieldError("enterprise", "ui.err.integer")
		}
		f.Enterprise = n
	}
	if t := clean("pi_records"); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < 0 {
			return f, anbao.FieldError("pi_records", "ui.err.integer")
		}
		f.PIRecords = n
	}
	for _, c := range v["controls"] {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(f.Controls, c) {
			f.Controls = append(f.Controls, c)
		}
	}
	return f, nil
}

// uiQuant shows the page. The editor holds the template asked for, else the
// library model of the enterprise in view, else the default template.
func (s *Server) uiQuant(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.quant.title", "quant")
	if err := anbao.Authorize(p.P, anbao.ActQuantRun); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	form, err := readQuantForm(q)
	if err != nil {
		s.writeError(w, r, anbao.Errorf(anbao.EINVALID, "error.bad_query", fieldOf(err)))
		return
	}
	d, err := s.quantPageData(r, p, &form, form.Enterprise != 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	values := url.Values{"trials": {strconv.Itoa(form.Trials)}, "seed": {strconv.FormatUint(form.Seed, 10)},
		"controls": form.Controls}
	if form.PIRecords > 0 {
		values.Set("pi_records", strconv.FormatInt(form.PIRecords, 10))
	}
	if form.SensitivePI {
		values.Set("sensitive_pi", "on")
	}
	tpl := q.Get("template")
	if _, ok := d.Texts[tpl]; !ok {
		tpl = ""
	}
	switch {
	case tpl != "":
	case d.Texts["library"] != "":
		tpl = "library"
	default:
		tpl = quantDefaultTemplate
	}
	values.Set("template", tpl)
	values.Set("model_yaml", d.Texts[tpl])
	if d.Enterprise != nil {
		values.Set("enterprise", strconv.FormatInt(d.Enterprise.ID, 10))
	}
	p.Form, p.FormID, p.Data = values, "run", d
	s.render(w, r, http.StatusOK, "quant", p)
}

// fieldOf names the field of a field error.
func fieldOf(err error) string {
	var e *anbao.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// quantPageData gathers the templates and the enterprise in view. An
// enterprise asked for by id must be one the caller may read (else "not
// found", as on its profile page); an enterprise user's own is used by default.
func (s *Server) quantPageData(r *http.Request, p *uiPage, form *quantForm, explicit bool) (*uiQuantData, error) {
	d := &uiQuantData{Texts: map[string]string{}, PickEnterprise: anbao.Can(p.P, anbao.ActEnterpriseRead) && p.P.OrgKind != anbao.KindEnterprise}
	for _, m := range quantmodels.All() {
		label := m.Name
		if k := "ui.quant.template." + strings.ReplaceAll(m.ID, "-", "_"); i18n.Has(p.Lang, k) {
			label = p.T(k)
		}
		d.Templates = append(d.Templates, uiQuantTemplate{ID: m.ID, Label: label})
		d.Texts[m.ID] = m.Text
	}
	if form.Enterprise == 0 && p.P.OrgKind == anbao.KindEnterprise {
		form.Enterprise = p.P.OrgID
	}
	if form.Enterprise != 0 {
		o, prof, err := s.quantProfile(r.Context(), form.Enterprise, form.PIRecords, form.SensitivePI, nil)
		switch {
		case err != nil && explicit:
			return nil, err
		case err == nil:
			d.Enterprise = o
			if m, err := quant.Library(prof); err != nil {
				s.log.WarnContext(r.Context(), "quant library", "enterprise", o.ID, "err", err)
				d.LibraryErr = p.T("errors.quant.library_failed")
			} else if text, err := modelfile.Marshal(m); err == nil {
				d.Texts["library"] = string(text)
			}
		}
	}
	for _, c := range quant.Controls {
		name := c.NameZH
		if p.En() && c.NameEN != "" {
			name = c.NameEN
		}
		d.Controls = append(d.Controls, uiQuantControl{ID: c.ID, Name: name, Checked: slices.Contains(form.Controls, c.ID)})
	}
	return d, nil
}

// quantJobOf turns the editor's input into a job: with controls ticked and
// an enterprise in view, the library model without and with them (what if);
// otherwise the model in the editor.
func (s *Server) quantJobOf(r *http.Request, f quantForm) (*quantJob, error) {
	opt, err := s.quantOptions(f.Trials, f.Seed, nil, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	job := &quantJob{Opt: opt}
	if len(f.Controls) > 0 && f.Enterprise != 0 {
		_, prof, err := s.quantProfile(r.Context(), f.Enterprise, f.PIRecords, f.SensitivePI, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range f.Controls {
			if !knownControl(c) {
				return nil, anbao.FieldError("controls", "errors.quant.unknown_control", c)
			}
		}
		before, after, err := quant.WhatIf(prof, f.Controls)
		if err != nil {
			s.log.WarnContext(r.Context(), "quant what-if", "enterprise", f.Enterprise, "err", err)
			return nil, &anbao.Error{Code: anbao.EPRECONDITION, Key: "errors.quant.library_failed", Field: "enterprise", Err: err}
		}
		job.Model, job.Compare = before, after
		return job, nil
	}
	if strings.TrimSpace(f.Model) == "" {
		return nil, anbao.FieldError("model_yaml", "errors.quant.model_empty")
	}
	if job.Model, err = parseModelText([]byte(f.Model), "model_yaml"); err != nil {
		return nil, err
	}
	return job, nil
}

// uiQuantRun runs the editor's model and answers the results partial (with
// the model's problems beside the editor, out of band), or the whole page
// for a browser without htmx.
func (s *Server) uiQuantRun(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.quant.title", "quant")
	p.Path = "/quant"
	if err := anbao.Authorize(p.P, anbao.ActQuantRun); err != nil {
		s.writeError(w, r, err)
		return
	}
	r.ParseForm()
	values := r.PostForm
	values.Del("csrf")
	run, status := &uiQuantRun{}, http.StatusOK
	var problems []uiQuantProblem
	form, err := readQuantForm(values)
	var job *quantJob
	if err == nil {
		job, err = s.quantJobOf(r, form)
	}
	if err == nil {
		var v any
		v, run.Cached, err = s.quant.run(r.Context(), job)
		w.Header().Set("X-Anbao-Cache", cacheWord(run.Cached))
		if err == nil {
			s.fillRun(p, run, v)
		}
	}
	if err != nil {
		if anbao.ErrorCode(err) == anbao.EINTERNAL {
			s.writeError(w, r, err)
			return
		}
		var ue *uiError
		status, ue = s.uiError(r, err)
		run.Err = ue.Message
		var mp *modelProblems
		if errors.As(err, &mp) {
			run.Err, problems = quantProblemsFor(p, mp)
		}
	}
	if isHX(r) {
		p.Data = &uiQuantData{Run: run, Problems: problems}
		s.renderBlock(w, r, status, "quant", "quant-run-response", p)
		return
	}
	d, derr := s.quantPageData(r, p, &form, false)
	if derr != nil {
		s.writeError(w, r, derr)
		return
	}
	d.Run, d.Problems = run, problems
	p.Form, p.FormID, p.Data = values, "run", d
	s.render(w, r, status, "quant", p)
}

// quantProblemsFor lists a model's problems for the page, with the summary.
func quantProblemsFor(p *uiPage, mp *modelProblems) (string, []uiQuantProblem) {
	msg, _ := mp.localize(p.Lang)
	out := make([]uiQuantProblem, len(mp.problems))
	for i, pr := range mp.problems {
		where := ""
		switch {
		case pr.Line > 0 && pr.Column > 0:
			where = p.T("ui.quant.at_line_col", pr.Line, pr.Column)
		case pr.Line > 0:
			where = p.T("ui.quant.at_line", pr.Line)
		}
		text := problemMessage(p.Lang, pr)
		if pr.Path != "" {
			text = pr.Path + ": " + text
		}
		out[i] = uiQuantProblem{Line: pr.Line, Column: pr.Column, Where: where, Text: text}
	}
	return msg, out
}

// fillRun prepares a result or comparison for display and its chart data.
func (s *Server) fillRun(p *uiPage, run *uiQuantRun, v any) {
	switch x := v.(type) {
	case *quant.Result:
		run.Result = x
	case *quant.Comparison:
		run.Comparison, run.Result = x, x.After
	}
	res := run.Result
	run.TVaRLevel = tvarLevel(res)
	ch := &uiQuantChart{Lang: p.Lang, Currency: res.Currency, LEC: lecPoints(res), Labels: map[string]string{}}
	if run.Comparison != nil {
		ch.LECBefore = lecPoints(run.Comparison.Before)
	}
	for _, sc := range res.Scenarios {
		name := sc.Name
		if name == "" {
			name = sc.ID
		}
		ch.Names = append(ch.Names, name)
		ch.MeanShare = append(ch.MeanShare, sc.MeanShare)
		ch.TVaRShare = append(ch.TVaRShare, tvarShare(sc, run.TVaRLevel))
	}
	for _, k := range []string{"loss_axis", "prob_axis", "lec", "lec_before", "lec_after", "mean_share"} {
		ch.Labels[k] = p.T("ui.quant.chart." + k)
	}
	ch.Labels["currency"] = p.CurrencyUnit(res.Currency)
	ch.Labels["tvar_share"] = p.T("ui.quant.chart.tvar_share", p.Pct(run.TVaRLevel))
	run.Chart = ch
	b, _ := json.Marshal(ch)
	run.ChartJSON = string(b)
}

// tvarLevel picks the level of the TVaR shares: 99% if reported, else the highest.
func tvarLevel(res *quant.Result) float64 {
	lv := 0.0
	for _, rl := range res.Risk {
		if rl.Level == quantTVaRLevel {
			return rl.Level
		}
		lv = max(lv, rl.Level)
	}
	return lv
}

func tvarShare(sc quant.ScenarioResult, level float64) float64 {
	for _, c := range sc.TVaR {
		if c.Level == level {
			return c.Share
		}
	}
	return 0
}

// lecPoints keeps the curve's points with a positive loss (the loss axis is logarithmic).
func lecPoints(res *quant.Result) [][2]float64 {
	var out [][2]float64
	for _, pt := range res.LEC {
		if pt.Loss > 0 && !math.IsInf(pt.Loss, 0) {
			out = append(out, [2]float64{pt.Loss, pt.Prob})
		}
	}
	return out
}

// uiQuantExport answers the run of the editor's input as CSV: the summary,
// VaR/TVaR, quantiles, scenarios and the loss exceedance curve.
func (s *Server) uiQuantExport(w http.ResponseWriter, r *http.Request) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActQuantRun); err != nil {
		s.writeError(w, r, err)
		return
	}
	r.ParseForm()
	form, err := readQuantForm(r.PostForm)
	var job *quantJob
	if err == nil {
		job, err = s.quantJobOf(r, form)
	}
	var v any
	var hit bool
	if err == nil {
		v, hit, err = s.quant.run(r.Context(), job)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // spreadsheet programs read UTF-8 names only after a byte-order mark
	cw := csv.NewWriter(&buf)
	switch x := v.(type) {
	case *quant.Result:
		writeResultCSV(cw, "", x)
	case *quant.Comparison:
		cw.Write([]string{"metric", "value"})
		cw.Write([]string{"ale_reduction", num(x.ALEReduction)})
		cw.Write([]string{"ale_reduction_se", num(x.ALEReductionSE)})
		cw.Write([]string{"ale_reduction_pct", num(x.ALEReductionPc)})
		cw.Write(nil)
		cw.Write([]string{"level", "var_before", "var_after", "var_reduction", "var_reduction_pct"})
		for _, d := range x.VaRReduction {
			cw.Write([]string{num(d.Level), num(d.Before), num(d.After), num(d.Delta), num(d.Pc)})
		}
		cw.Write(nil)
		writeResultCSV(cw, "before_", x.Before)
		cw.Write(nil)
		writeResultCSV(cw, "after_", x.After)
	}
	cw.Flush()
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="anbao-quant.csv"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Anbao-Cache", cacheWord(hit))
	w.Write(buf.Bytes())
}

// writeResultCSV writes one result as blocks separated by empty lines; the
// first column of every header names the block (prefixed for comparisons).
func writeResultCSV(cw *csv.Writer, prefix string, res *quant.Result) {
	cw.Write([]string{prefix + "metric", "value"})
	for _, kv := range [][2]string{
		{"engine", res.Engine}, {"model", res.Model}, {"currency", res.Currency},
		{"trials", strconv.Itoa(res.Trials)}, {"seed", strconv.FormatUint(res.Seed, 10)},
		{"ale", num(res.Mean)}, {"ale_se", num(res.MeanSE)}, {"sd", num(res.SD)},
		{"min", num(res.Min)}, {"max", num(res.Max)}, {"p_loss", num(res.PLoss)},
	} {
		cw.Write(kv[:])
	}
	cw.Write(nil)
	cw.Write([]string{prefix + "level", "var", "tvar"})
	for _, rl := range res.Risk {
		cw.Write([]string{num(rl.Level), num(rl.VaR), num(rl.TVaR)})
	}
	cw.Write(nil)
	cw.Write([]string{prefix + "quantile", "value", "ci_low", "ci_high"})
	for _, q := range res.Quantiles {
		cw.Write([]string{num(q.P), num(q.Value), num(q.Low), num(q.High)})
	}
	cw.Write(nil)
	level := tvarLevel(res)
	cw.Write([]string{prefix + "scenario", "name", "mean", "mean_se", "p_loss", "mean_share", "tvar_share_" + num(level)})
	for _, sc := range res.Scenarios {
		cw.Write([]string{sc.ID, sc.Name, num(sc.Mean), num(sc.MeanSE), num(sc.PLoss), num(sc.MeanShare), num(tvarShare(sc, level))})
	}
	cw.Write(nil)
	cw.Write([]string{prefix + "loss", "exceedance_probability"})
	for _, pt := range res.LEC {
		cw.Write([]string{num(pt.Loss), num(pt.Prob)})
	}
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// Formatting of simulated figures for the templates.

// Amount shows a sum in the model's currency with thousands separators:
// "1,234,568 元" in Chinese, "CNY 1,234,568" in English.
func (p *uiPage) Amount(x float64, currency string) string {
	n := groupFloat(x)
	if p.En() {
		return strings.TrimSpace(currencyOr(currency) + " " + n)
	}
	return n + " " + p.CurrencyUnit(currency)
}

// CurrencyUnit names a currency as a unit after a number.
func (p *uiPage) CurrencyUnit(currency string) string {
	c := currencyOr(currency)
	if c == "CNY" && !p.En() {
		return p.T("ui.quant.unit.yuan")
	}
	return c
}

func currencyOr(c string) string {
	if c == "" {
		return "CNY"
	}
	return c
}

// groupFloat rounds to a whole number with thousands separators; amounts
// under 100 keep two decimals.
func groupFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprint(x)
	}
	if math.Abs(x) < 100 && x != math.Trunc(x) {
		whole := math.Trunc(x)
		frac := fmt.Sprintf("%.2f", math.Abs(x-whole))[1:]
		if frac == ".00" || frac == "1.00" {
			return groupDigits(int64(math.Round(x)))
		}
		s := groupDigits(int64(whole)) + frac
		if x < 0 && whole == 0 {
			s = "-" + s
		}
		return s
	}
	return groupDigits(int64(math.Round(x)))
}

// Pct shows a share or probability as a percentage, to at most two decimals.
func (p *uiPage) Pct(x float64) string {
	s := strconv.FormatFloat(math.Round(x*10000)/100, 'f', -1, 64)
	return s + "%"
}

// Prob shows a small probability readably: a percentage, or "< 0.01%".
func (p *uiPage) Prob(x float64) string {
	if x > 0 && x < 0.0001 {
		return "< 0.01%"
	}
	return p.Pct(x)
}

var quantVerbRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// Warn is an engine warning in the page's language, or its English text
// when the catalogue has no matching message.
func (p *uiPage) Warn(w quant.Warning) string {
	key := "ui.quant.warn." + w.Code
	if i18n.Has(p.Lang, key) && len(quantVerbRE.FindAllString(i18n.Catalog(p.Lang)[key], -1)) == len(w.Args) {
		return p.T(key, w.Args...)
	}
	return w.Text
}

// LevelDelta finds the comparison's VaR change at a level.
func (r *uiQuantRun) LevelDelta(level float64) *quant.LevelDelta {
	if r.Comparison == nil {
		return nil
	}
	for i := range r.Comparison.VaRReduction {
		if r.Comparison.VaRReduction[i].Level == level {
			return &r.Comparison.VaRReduction[i]
		}
	}
	return nil
}

// TVaRShareOf is a scenario's share of the portfolio TVaR at the run's level.
func (r *uiQuantRun) TVaRShareOf(sc quant.ScenarioResult) float64 { return tvarShare(sc, r.TVaRLevel) }

// Pc shows a number that is already a percentage (the engine's reductions).
func (p *uiPage) Pc(x float64) string { return p.Pct(x / 100) }
