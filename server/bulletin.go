package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/ui"
	"github.com/chromedp/chromedp"
)

// The regulator's monthly bulletin (issue #7): one month's headline figures
// for a scope (the whole pilot or one jurisdiction) compared with the month
// before, the cumulative figures, tables by jurisdiction and product type,
// and two charts drawn here as inline SVG (bars and a twelve-month trend
// line; no script, so they print). Rendered to PDF by Chromium and kept by
// the store; the figures are computed as the platform itself, narrowed to the
// scope, so a bulletin reads the same whoever asked for it.
//
// Which figure comes from where: policies, premium, sum insured, insured
// enterprises, subsidies, incidents, retail, assessments and services from
// the statistics (the month: filter From = To = month; to date: To =
// month), by their definitions. Claims opened, paid (net of recoveries) and
// declined, in the month and to its end, and the plans, catalogue plans,
// projects and participating units at the month's end from
// store.MonthActivity, by the records' own instants in Beijing months: the
// statistics count claims in their policy's inception cohort and the pilot
// as of today, neither of which is what happened in the month. The loss
// ratio to date is the activity's paid to the month's end over the
// statistics' premium to the month.

// bulletinNoBrowser remembers that the missing browser was reported once.
var bulletinNoBrowser atomic.Bool

var bulletinTemplate = template.Must(template.New("bulletin_pdf.html").Funcs(template.FuncMap{
	"T": func(string, ...any) string { return "" },
}).ParseFS(ui.Templates(), "templates/bulletin_pdf.html"))

// bulletinDoc is a rendered bulletin.
type bulletinDoc struct {
	Title   string
	PDF     []byte
	HTML    []byte
	Figures anbao.StatsFigures
}

// bulletinFigure is one headline figure with its comparison.
type bulletinFigure struct {
	Label, Value, Prev, Change string
	Trend                      string // up, down or flat
}

// bulletinTable is a table of the bulletin, already formatted.
type bulletinTable struct {
	Head []string
	Rows [][]string
}

type bulletinView struct {
	Lang, Title, Sub  string
	Headline          []bulletinFigure
	Cumulative        []bulletinFigure
	ByJurisdiction    bulletinTable
	ByProduct         bulletinTable
	Grades            bulletinTable
	TrendSVG, BarsSVG template.HTML
	TrendTitle        string
	BarsTitle         string
	Footer            string
}

// scopeName names a bulletin scope in lang.
func scopeName(scope, lang string) string {
	if scope == "" {
		return i18n.T(lang, "bul.national")
	}
	return jurisdictionName(scope, lang)
}

// monthName writes YYYY-MM for a title: 2026年10月, October 2026.
func monthName(month, lang string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	if strings.HasPrefix(lang, "en") {
		return t.Format("January 2006")
	}
	return fmt.Sprintf("%d年%d月", t.Year(), t.Month())
}

// addMonths moves a YYYY-MM month by n.
func addMonths(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// bulletinTitle is the title of a bulletin.
func bulletinTitle(scope, month, lang string) string {
	return i18n.T(lang, "bul.doc_title", scopeName(scope, lang), monthName(month, lang))
}

// fmtWan writes 分 as 万元 with two decimals, by integer arithmetic.
func fmtWan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "−", -fen
	}
	// 1 万元 = 1,000,000 分; round half up to 0.01 万元 (100 元).
	hundreds := (fen + 5000) / 10000
	return fmt.Sprintf("%s%s.%02d", sign, groupDigits(hundreds/100), hundreds%100)
}

func fmtRatio(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}

// change compares a month with the one before.
func change(cur, prev int64, lang string) (string, string) {
	switch {
	case cur == prev:
		return i18n.T(lang, "bul.flat"), "flat"
	case prev == 0:
		return i18n.T(lang, "bul.new"), "up"
	}
	pct := float64(cur-prev) / float64(prev) * 100
	trend := "up"
	if cur < prev {
		trend = "down"
	}
	return fmt.Sprintf("%+.1f%%", pct), trend
}

// renderBulletin computes the figures of scope and month and prints them.
func (s *Server) renderBulletin(ctx context.Context, scope, month, lang string) (*bulletinDoc, error) {
	if chromiumPath() == "" {
		return nil, anbao.Errorf(anbao.EUNAVAILABLE, "bulletin.pdf_unavailable")
	}
	doc, err := s.bulletinHTML(ctx, scope, month, lang)
	if err != nil {
		return nil, err
	}
	pdf, err := printHTML(ctx, doc.HTML, "bulletin.pdf_unavailable", chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargins(0.55, 0.55, 0.6, 0.55), chromedp.PDFPrintBackground())
	if err != nil {
		return nil, err
	}
	doc.PDF = pdf
	return doc, nil
}

// bulletinHTML computes the figures and writes the printable page.
func (s *Server) bulletinHTML(ctx context.Context, scope, month, lang string) (*bulletinDoc, error) {
	// The figures of the scope, whoever asked: the caller was authorised for the scope already.
	sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("bulletin"))
	f := anbao.StatsFilter{Jurisdiction: scope, From: month, To: month}
	cur, err := s.store.StatsOverview(sys, f, lang)
	if err != nil {
		return nil, err
	}
	pf := f
	pf.From, pf.To = addMonths(month, -1), addMonths(month, -1)
	prev, err := s.store.StatsOverview(sys, pf, lang)
	if err != nil {
		return nil, err
	}
	cum, err := s.store.StatsOverview(sys, anbao.StatsFilter{Jurisdiction: scope, To: month}, lang)
	if err != nil {
		return nil, err
	}
	// What happened in the month, by its own instants: claims by when they
	// were opened, paid by when paid less recoveries by when recorded,
	// declines by when declined; and the pilot as it stood at the month's
	// end (the statistics count claims in their policy's inception cohort
	// and the pilot as of today).
	act, err := s.store.MonthActivity(sys, scope, month)
	if err != nil {
		return nil, err
	}
	pact, err := s.store.MonthActivity(sys, scope, addMonths(month, -1))
	if err != nil {
		return nil, err
	}
	trend, err := s.store.StatsBreakdown(sys, anbao.StatsFilter{Jurisdiction: scope, From: addMonths(month, -11), To: month}, anbao.DimMonth, lang)
	if err != nil {
		return nil, err
	}
	T := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	v := &bulletinView{Lang: lang, Title: bulletinTitle(scope, month, lang)}
	v.Sub = T("bul.doc_sub", s.store.Now().In(anbao.Shanghai).Format("2006-01-02 15:04"))
	c, p := cur.Totals, prev.Totals
	am, pm := act.InMonth, pact.InMonth
	num := func(label string, a, b int64) bulletinFigure {
		ch, tr := change(a, b, lang)
		return bulletinFigure{Label: label, Value: groupDigits(a), Prev: groupDigits(b), Change: ch, Trend: tr}
	}
	money := func(label string, a, b int64) bulletinFigure {
		ch, tr := change(a, b, lang)
		return bulletinFigure{Label: label, Value: fmtWan(a), Prev: fmtWan(b), Change: ch, Trend: tr}
	}
	v.Headline = []bulletinFigure{
		num(T("bul.f.policies"), c.Policies, p.Policies),
		money(T("bul.f.premium"), c.Premium, p.Premium),
		money(T("bul.f.sum_insured"), c.SumInsured, p.SumInsured),
		num(T("bul.f.enterprises"), c.Enterprises, p.Enterprises),
		money(T("bul.f.subsidy"), c.Subsidy, p.Subsidy),
		num(T("bul.f.incidents"), c.Incidents, p.Incidents),
		num(T("bul.f.claims_opened"), am.ClaimsOpened, pm.ClaimsOpened),
		money(T("bul.f.paid_month"), am.PaidAmount, pm.PaidAmount),
		num(T("bul.f.claims_declined"), am.ClaimsDeclined, pm.ClaimsDeclined),
	}
	k, ka := cum.Totals, act.Cumulative
	// The cumulative loss ratio: paid (net) up to the month's end over the
	// written premium of the policies up to the month (the statistics' To).
	var lr *float64
	if k.Premium > 0 {
		r := float64(ka.PaidAmount) / float64(k.Premium)
		lr = &r
	}
	v.Cumulative = []bulletinFigure{
		{Label: T("bul.f.policies"), Value: groupDigits(k.Policies)},
		{Label: T("bul.f.premium"), Value: fmtWan(k.Premium)},
		{Label: T("bul.f.sum_insured"), Value: fmtWan(k.SumInsured)},
		{Label: T("bul.f.enterprises"), Value: groupDigits(k.Enterprises)},
		{Label: T("bul.f.retail_policies"), Value: groupDigits(cum.RetailPolicies)},
		{Label: T("bul.f.retail_premium"), Value: fmtWan(cum.RetailPremium)},
		{Label: T("bul.f.cum_claims_opened"), Value: groupDigits(ka.ClaimsOpened)},
		{Label: T("bul.f.cum_paid"), Value: fmtWan(ka.PaidAmount)},
		{Label: T("bul.f.cum_loss_ratio"), Value: fmtRatio(lr)},
		{Label: T("bul.f.cum_plans"), Value: groupDigits(act.Plans)},
		{Label: T("bul.f.cum_catalogue"), Value: groupDigits(act.CataloguePlans)},
		{Label: T("bul.f.cum_projects"), Value: groupDigits(act.Projects)},
		{Label: T("bul.f.cum_units"), Value: groupDigits(act.Units)},
		{Label: T("bul.f.assessments"), Value: groupDigits(cum.Assessments)},
		{Label: T("bul.f.services"), Value: groupDigits(cum.Services)},
	}
	head := []string{"", T("bul.f.policies"), T("bul.f.premium"), T("bul.f.sum_insured"), T("bul.f.claims_opened"), T("bul.f.paid_month")}
	// The tables: the statistics' rows of the month, with the month's
	// claims opened and paid from the activity, by the policy's jurisdiction
	// or product type.
	tableOf := func(first string, dim anbao.StatsDim, acts []store.ActivityRow, name func(string) string) bulletinTable {
		t := bulletinTable{Head: slices.Clone(head)}
		t.Head[0] = first
		byKey := map[string]store.ActivityFigures{}
		for _, a := range acts {
			byKey[a.Key] = a.ActivityFigures
		}
		seen := map[string]bool{}
		row := func(label string, r anbao.StatsFigures, a store.ActivityFigures) {
			if r.Policies == 0 && a.ClaimsOpened == 0 && a.Payments == 0 && a.Recoveries == 0 {
				return
			}
			t.Rows = append(t.Rows, []string{label, groupDigits(r.Policies), fmtWan(r.Premium), fmtWan(r.SumInsured),
				groupDigits(a.ClaimsOpened), fmtWan(a.PaidAmount)})
		}
		for _, b := range cur.Breakdowns {
			if b.Dim != dim {
				continue
			}
			for _, r := range b.Rows {
				seen[r.Key] = true
				row(r.Label, r.StatsFigures, byKey[r.Key])
			}
		}
		for _, a := range acts {
			if !seen[a.Key] {
				row(name(a.Key), anbao.StatsFigures{}, a.ActivityFigures)
			}
		}
		return t
	}
	v.ByJurisdiction = tableOf(T("bul.jurisdiction"), anbao.DimJurisdiction, act.ByJurisdiction,
		func(k string) string { return jurisdictionName(k, lang) })
	v.ByProduct = tableOf(T("bul.product_type"), anbao.DimProductType, act.ByProductType, func(k string) string { return k })
	v.Grades = bulletinTable{Head: []string{T("bul.grade"), T("bul.count")}}
	for _, g := range cur.IncidentsByGrade {
		v.Grades.Rows = append(v.Grades.Rows, []string{g.Label, groupDigits(g.Count)})
	}
	// Charts: premium over twelve months, policies of the month by jurisdiction (the whole pilot) or product type.
	var pts []chartPoint
	byMonth := map[string]anbao.StatsRow{}
	for _, r := range trend.Rows {
		byMonth[r.Key] = r
	}
	for i := -11; i <= 0; i++ {
		m := addMonths(month, i)
		r := byMonth[m]
		pts = append(pts, chartPoint{Label: m[2:], Value: float64(r.Premium) / 1e6, Text: fmtWan(r.Premium)})
	}
	v.TrendTitle = T("bul.chart.trend")
	v.TrendSVG = lineChart(pts, T("bul.unit_wan"))
	var bars []chartPoint
	dim := anbao.DimProductType
	v.BarsTitle = T("bul.chart.by_product")
	if scope == "" {
		dim = anbao.DimJurisdiction
		v.BarsTitle = T("bul.chart.by_jurisdiction")
	}
	for _, b := range cur.Breakdowns {
		if b.Dim == dim {
			for _, r := range b.Rows {
				if r.Policies > 0 {
					bars = append(bars, chartPoint{Label: r.Label, Value: float64(r.Policies), Text: groupDigits(r.Policies)})
				}
			}
		}
	}
	slices.SortStableFunc(bars, func(a, b chartPoint) int { return int(b.Value - a.Value) })
	if len(bars) > 12 {
		bars = bars[:12]
	}
	v.BarsSVG = barChart(bars)
	v.Footer = T("bul.footer", v.Title)
	t, err := bulletinTemplate.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{"T": T})
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return nil, err
	}
	// The figures kept with the bulletin are the ones it prints: the
	// month's claims by the activity, not the inception cohort's; the
	// cohort's outstanding reserves and loss ratio are not the month's and
	// are left out.
	figs := c
	figs.Claims, figs.ClaimsPaid, figs.PaidAmount, figs.ClaimsDeclined = am.ClaimsOpened, am.ClaimsPaid, am.PaidAmount, am.ClaimsDeclined
	figs.Outstanding, figs.LossRatio = 0, nil
	return &bulletinDoc{Title: v.Title, HTML: buf.Bytes(), Figures: figs}, nil
}

// chartPoint is one point or bar of a chart.
type chartPoint struct {
	Label string
	Value float64
	Text  string // the value as printed
}

// niceMax rounds a chart's maximum up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

const chartW, chartH = 680.0, 230.0

// lineChart draws a trend line with its points, value labels and a y axis.
func lineChart(pts []chartPoint, unit string) template.HTML {
	var b strings.Builder
	left, right, top, bottom := 56.0, 16.0, 18.0, 30.0
	w, h := chartW-left-right, chartH-top-bottom
	maxV := 0.0
	for _, p := range pts {
		maxV = max(maxV, p.Value)
	}
	maxV = niceMax(maxV)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" class="chart" role="img">`, chartW, chartH)
	for i := 0; i <= 4; i++ {
		y := top + h - h*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>`, left, y, left+w, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#555">%s</text>`, left-6, y+3, trimFloat(maxV*float64(i)/4))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" fill="#555">%s</text>`, 4.0, top-6, html.EscapeString(unit))
	if len(pts) > 0 {
		step := w / float64(max(len(pts)-1, 1))
		var path strings.Builder
		for i, p := range pts {
			x := left + step*float64(i)
			y := top + h - h*p.Value/maxV
			if i == 0 {
				fmt.Fprintf(&path, "M%.1f %.1f", x, y)
			} else {
				fmt.Fprintf(&path, " L%.1f %.1f", x, y)
			}
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#1d4ed8" stroke-width="2"/>`, path.String())
		for i, p := range pts {
			x := left + step*float64(i)
			y := top + h - h*p.Value/maxV
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="#1d4ed8"/>`, x, y)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle" fill="#111">%s</text>`, x, y-6, html.EscapeString(p.Text))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="#555">%s</text>`, x, top+h+16, html.EscapeString(p.Label))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barChart draws horizontal bars with their labels and values.
func barChart(bars []chartPoint) template.HTML {
	var b strings.Builder
	left, right, row := 150.0, 70.0, 20.0
	height := max(float64(len(bars))*row+10, 40)
	w := chartW - left - right
	maxV := 0.0
	for _, p := range bars {
		maxV = max(maxV, p.Value)
	}
	if maxV == 0 {
		maxV = 1
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" class="chart" role="img">`, chartW, height)
	for i, p := range bars {
		y := 5 + float64(i)*row
		bw := w * p.Value / maxV
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="#111">%s</text>`, left-8, y+13, html.EscapeString(p.Label))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2563eb"/>`, left, y+2, math.Max(bw, 1), row-6)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" fill="#111">%s</text>`, left+bw+6, y+13, html.EscapeString(p.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// The bulletin list page.

type uiBulletinData struct {
	Items       []*store.Bulletin
	Total       int
	CanGenerate bool
	Scopes      []uiScope
	LastMonth   string
	MaxMonth    string
}

type uiScope struct{ Code, Name string }

func uiFuncsBulletins() template.FuncMap {
	return template.FuncMap{
		"scopeName": func(p *uiPage, scope string) string { return scopeName(scope, p.Lang) },
		"monthName": func(p *uiPage, month string) string { return monthName(month, p.Lang) },
		"kib":       func(n int64) string { return fmt.Sprintf("%d KiB", (n+1023)/1024) },
		"shortHash": shortHash,
	}
}

func (s *Server) uiBulletins(w http.ResponseWriter, r *http.Request) {
	s.bulletinsPage(w, r, http.StatusOK, nil)
}

func (s *Server) bulletinsPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	ctx := r.Context()
	l, err := s.store.ListBulletins(ctx, store.BulletinFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := s.newPage(r, "bul.page_title", "dashboard")
	if k := r.URL.Query().Get("done"); k == "generated" || k == "existing" {
		p.Flash = p.T("bul.done." + k)
	}
	pr := anbao.PrincipalFrom(ctx)
	d := &uiBulletinData{Items: l.Items, Total: l.Total, LastMonth: s.store.LastMonth(),
		MaxMonth: s.store.Now().In(anbao.Shanghai).Format("2006-01")}
	if s.store.CheckBulletinScope(ctx, pr.Jurisdiction) == nil {
		d.CanGenerate = true
		if pr.IsNational() {
			d.Scopes = append(d.Scopes, uiScope{"national", scopeName("", p.Lang)})
			for _, j := range refdata.Jurisdictions() {
				if j.Active {
					d.Scopes = append(d.Scopes, uiScope{j.Code, jurisdictionName(j.Code, p.Lang)})
				}
			}
		} else {
			d.Scopes = []uiScope{{pr.Jurisdiction, scopeName(pr.Jurisdiction, p.Lang)}}
		}
	}
	p.Data = d
	if formErr != nil {
		status = p.setError("generate", r.PostForm, formErr, s, r)
	} else {
		p.Form = url.Values{"month": {d.LastMonth}, "lang": {"zh-CN"}}
	}
	s.render(w, r, status, "bulletins", p)
}

func (s *Server) uiGenerateBulletin(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.PostForm
	req := BulletinRequest{Scope: f.Get("scope"), Month: strings.TrimSpace(f.Get("month")), Lang: f.Get("lang"), Replace: formBool(f.Get("replace"))}
	if req.Month == "" {
		req.Month = s.store.LastMonth()
	}
	_, created, err := s.generateBulletinNow(r.Context(), req, store.BulletinManual)
	if err != nil {
		var ae *anbao.Error
		if !errors.As(err, &ae) || ae.Code == anbao.EINTERNAL || ae.Code == anbao.ENOTFOUND {
			s.writeError(w, r, err)
			return
		}
		s.bulletinsPage(w, r, 0, err)
		return
	}
	done := "existing"
	if created || req.Replace {
		done = "generated"
	}
	http.Redirect(w, r, "/dashboard/bulletins?done="+done, http.StatusSeeOther)
}
