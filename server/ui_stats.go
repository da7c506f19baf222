package server

import (
	"errors"
	"html/template"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
)

// The supervision dashboard pages (issue #7): /dashboard (filter bar, the
// headline figures as MIIT publishes them, a tile map of the provinces,
// ECharts charts and a breakdown table per dimension, each row drilling
// down), the drill-down lists /dashboard/policies and /dashboard/incidents,
// and /dashboard/retail where insurers declare their retail-line returns.
// The store computes and scopes every figure; these handlers read the
// filter, refuse what the caller may not name and lay the figures out. The
// export links point at server/exports.go.

var dashPageNames = []string{"dashboard", "dashboard_policies", "dashboard_incidents", "dashboard_retail"}

func (s *Server) registerStatsUI() error {
	pages := map[string]string{}
	for _, name := range dashPageNames {
		pages[name] = "templates/" + name + ".html"
	}
	funcs := template.FuncMap{}
	maps.Copy(funcs, incidentFuncs)
	maps.Copy(funcs, dashFuncs)
	if err := s.ui.addPageSet(funcs, "templates/dashboard_parts.html", pages); err != nil {
		return err
	}
	m := s.mux
	m.HandleFunc("GET /dashboard", s.uiAuth(s.uiDashboard))
	m.HandleFunc("GET /dashboard/policies", s.uiAuth(s.uiDashPolicies))
	m.HandleFunc("GET /dashboard/incidents", s.uiAuth(s.uiDashIncidents))
	m.HandleFunc("GET /dashboard/retail", s.uiAuth(s.uiDashRetail))
	m.HandleFunc("POST /dashboard/retail", s.uiAuth(s.uiDashRetailDeclare))
	return nil
}

// dashFuncs are the template functions of the dashboard pages.
var dashFuncs = template.FuncMap{
	"ptName":  func(p *uiPage, t string) string { return enumLabel(p, "ui.prod.type.", t) },
	"lossPct": dashLoss,
}

// dashFilterValues writes a filter as query values (empty fields left out).
func dashFilterValues(f anbao.StatsFilter) url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("jurisdiction", f.Jurisdiction)
	set("industry", f.Industry)
	set("size", string(f.Size))
	set("product_type", f.ProductType)
	if f.InsurerID != 0 {
		v.Set("insurer_id", strconv.FormatInt(f.InsurerID, 10))
	}
	set("from", f.From)
	set("to", f.To)
	return v
}

// dashWith narrows f to one key of a dimension.
func dashWith(f anbao.StatsFilter, dim anbao.StatsDim, key string) anbao.StatsFilter {
	switch dim {
	case anbao.DimJurisdiction:
		f.Jurisdiction = key
	case anbao.DimIndustry:
		f.Industry = key
	case anbao.DimSize:
		f.Size = anbao.SizeClass(key)
	case anbao.DimProductType:
		f.ProductType = key
	case anbao.DimInsurer:
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			f.InsurerID = id
		}
	case anbao.DimMonth:
		f.From, f.To = key, key
	}
	return f
}

// dashLinks are the addresses that carry a filter.
type dashLinks struct {
	Dashboard, Policies, Incidents string
}

func dashLinksOf(f anbao.StatsFilter) dashLinks {
	v := dashFilterValues(f)
	return dashLinks{Dashboard: withQuery("/dashboard", v), Policies: withQuery("/dashboard/policies", v),
		Incidents: withQuery("/dashboard/incidents", v)}
}

// dashExport is the address of an export (server/exports.go builds them).
func dashExport(base string, f anbao.StatsFilter, table string) string {
	v := dashFilterValues(f)
	if table != "" {
		v.Set("table", table)
	}
	return withQuery(base, v)
}

// uiDashFilter is the filter bar: the filter, what it may offer, and
// whether the jurisdiction and insurer are fixed by the viewer's scope.
type uiDashFilter struct {
	F             anbao.StatsFilter
	Action        string
	FixedJur      string // a local regulator's jurisdiction name
	Insurer       bool   // the viewer is an insurer: its own book, no insurer filter
	Jurisdictions []refdata.Jurisdiction
	Sections      []refdata.Section
	Sizes         []anbao.SizeClass
	ProductTypes  []cover.ProductType
	Insurers      []uiOption
}

// dashFilterBar prepares the filter bar of a page.
func (s *Server) dashFilterBar(r *http.Request, p *uiPage, f anbao.StatsFilter, action string) *uiDashFilter {
	fb := &uiDashFilter{F: f, Action: action, Insurer: p.P.OrgKind == anbao.KindInsurer, Sections: refdata.Sections(),
		Sizes: anbao.SizeClasses, ProductTypes: cover.ProductTypes}
	if p.P.OrgKind == anbao.KindRegulator && p.P.Jurisdiction != "" {
		fb.FixedJur = p.Jur(p.P.Jurisdiction)
	} else {
		fb.Jurisdictions = p.ActiveJurisdictions()
	}
	if !fb.Insurer {
		l, err := s.store.ListOrganisations(r.Context(), anbao.OrgFilter{Kind: anbao.KindInsurer, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		if err == nil {
			for _, o := range l.Items {
				fb.Insurers = append(fb.Insurers, uiOption{strconv.FormatInt(o.ID, 10), o.Name(p.Lang)})
			}
		}
	}
	return fb
}

// IsInsurer reports whether insurer id is the one the filter names.
func (fb *uiDashFilter) IsInsurer(id string) bool {
	return fb.F.InsurerID != 0 && strconv.FormatInt(fb.F.InsurerID, 10) == id
}

// dashReadFilter reads the page's filter. A refusal (another jurisdiction,
// another insurer) or a failure is written as an error page (ok false); an
// invalid value is recorded as the filter form's error, to show on the page.
func (s *Server) dashReadFilter(w http.ResponseWriter, r *http.Request, p *uiPage) (f anbao.StatsFilter, status int, ok bool) {
	f, err := statsFilter(r)
	p.Form, p.FormID = r.URL.Query(), "filter"
	if err == nil {
		return f, http.StatusOK, true
	}
	if anbao.ErrorCode(err) != anbao.EINVALID {
		s.writeError(w, r, err)
		return f, 0, false
	}
	return anbao.StatsFilter{}, p.setError("filter", r.URL.Query(), err, s, r), true
}

// dashStoreError shows a store error: an invalid filter on the page, anything else as an error page.
func (s *Server) dashStoreError(w http.ResponseWriter, r *http.Request, p *uiPage, err error) (int, bool) {
	if anbao.ErrorCode(err) == anbao.EINVALID {
		return p.setError("filter", r.URL.Query(), err, s, r), true
	}
	s.writeError(w, r, err)
	return 0, false
}

// The dashboard.

// uiDashKPI is one headline figure.
type uiDashKPI struct {
	ID, Label, Value, Sub string
	Money                 bool
}

// uiDashRow is one row of a breakdown table.
type uiDashRow struct {
	anbao.StatsRow
	Links dashLinks
}

// uiDashTable is the breakdown by one dimension.
type uiDashTable struct {
	Dim   anbao.StatsDim
	Title string
	Rows  []uiDashRow
	Total anbao.StatsFigures
	CSV   string
	Chart bool // a bar chart goes with it
}

// uiDashCounts is a table of labelled counts (incidents by grade…).
type uiDashCounts struct {
	ID, Title, CSV string
	Rows           []anbao.StatsCount
}

// uiDashData is the dashboard.
type uiDashData struct {
	Filter    *uiDashFilter
	Ov        *anbao.StatsOverview
	Links     dashLinks
	ExportX   string
	ShowLoss  bool
	Scope     string // what the figures cover, in words
	KPIs      []uiDashKPI
	Units     []anbao.StatsCount
	Map       *uiDashMap
	Tables    []uiDashTable
	Counts    []uiDashCounts
	Chart     dashChart
	Bulletins string
	Retail    bool // the viewer may declare retail returns
}

// dashShowLoss reports whether the viewer sees loss ratios: regulators and the operator.
func dashShowLoss(p *anbao.Principal) bool {
	return p.OrgKind == anbao.KindRegulator || p.OrgKind == anbao.KindOperator || p.System
}

func (s *Server) uiDashboard(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dash.title", "dashboard")
	if err := anbao.Authorize(p.P, anbao.ActStatsRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	f, status, ok := s.dashReadFilter(w, r, p)
	if !ok {
		return
	}
	d := &uiDashData{Filter: s.dashFilterBar(r, p, f, "/dashboard"), Links: dashLinksOf(f), ShowLoss: dashShowLoss(p.P),
		ExportX: dashExport("/dashboard/export.xlsx", f, ""), Bulletins: "/dashboard/bulletins",
		Retail: anbao.Can(p.P, anbao.ActRetailDeclare)}
	p.Data = d
	if p.Err == nil {
		ov, err := s.store.StatsOverview(r.Context(), f, p.Lang)
		if err != nil {
			if status, ok = s.dashStoreError(w, r, p, err); !ok {
				return
			}
		} else {
			d.Ov = ov
			s.dashLayout(p, d, f, r.URL.Query().Get("metric"))
		}
	}
	s.render(w, r, status, "dashboard", p)
}

// dashLayout turns the overview into the page's tiles, map, tables and charts.
func (s *Server) dashLayout(p *uiPage, d *uiDashData, f anbao.StatsFilter, metric string) {
	ov := d.Ov
	t := ov.Totals
	d.Scope = dashScope(p, f)
	num := func(n int64) string { return groupDigits(n) }
	d.KPIs = []uiDashKPI{
		{ID: "policies", Label: p.T("dash.kpi.policies"), Value: num(t.Policies), Sub: p.T("dash.kpi.enterprises", num(t.Enterprises))},
		{ID: "premium", Label: p.T("dash.kpi.premium"), Value: p.Money(t.Premium), Money: true, Sub: p.T("dash.kpi.subsidy", p.Money(t.Subsidy))},
		{ID: "sum_insured", Label: p.T("dash.kpi.sum_insured"), Value: p.Money(t.SumInsured), Money: true},
		{ID: "retail_policies", Label: p.T("dash.kpi.retail_policies"), Value: num(ov.RetailPolicies)},
		{ID: "retail_premium", Label: p.T("dash.kpi.retail_premium"), Value: p.Money(ov.RetailPremium), Money: true},
		{ID: "retail_sum_insured", Label: p.T("dash.kpi.retail_sum_insured"), Value: p.Money(ov.RetailSumInsured), Money: true},
		{ID: "catalogue_plans", Label: p.T("dash.kpi.catalogue_plans"), Value: num(ov.CataloguePlans), Sub: p.T("dash.kpi.plans", num(ov.Plans))},
		{ID: "projects", Label: p.T("dash.kpi.projects"), Value: num(ov.Projects)},
		{ID: "assessments", Label: p.T("dash.kpi.assessments"), Value: num(ov.Assessments),
			Sub: p.T("dash.kpi.self_assessments", num(ov.SelfAssessments))},
		{ID: "services", Label: p.T("dash.kpi.services"), Value: num(ov.Services)},
		{ID: "incidents", Label: p.T("dash.kpi.incidents"), Value: num(t.Incidents)},
		{ID: "claims_paid", Label: p.T("dash.kpi.claims_paid"), Value: num(t.ClaimsPaid), Sub: p.T("dash.kpi.paid_amount", p.Money(t.PaidAmount))},
		{ID: "claims_declined", Label: p.T("dash.kpi.claims_declined"), Value: num(t.ClaimsDeclined), Sub: p.T("dash.kpi.claims", num(t.Claims))},
		{ID: "outstanding", Label: p.T("dash.kpi.outstanding"), Value: p.Money(t.Outstanding), Money: true},
	}
	if d.ShowLoss {
		d.KPIs = append(d.KPIs, uiDashKPI{ID: "loss_ratio", Label: p.T("dash.kpi.loss_ratio"), Value: dashLoss(t.LossRatio)})
	}
	d.Units = ov.Units

	byDim := map[anbao.StatsDim]anbao.StatsBreakdown{}
	for _, b := range ov.Breakdowns {
		byDim[b.Dim] = b
	}
	for _, dim := range anbao.StatsDims {
		b := byDim[dim]
		tb := uiDashTable{Dim: dim, Title: p.T("dash.dim." + string(dim)), Total: t,
			CSV: dashExport("/dashboard/export.csv", f, string(dim)), Chart: dim != anbao.DimMonth && len(b.Rows) > 0}
		for _, row := range b.Rows {
			if !d.ShowLoss {
				row.LossRatio = nil
			}
			tb.Rows = append(tb.Rows, uiDashRow{StatsRow: row, Links: dashLinksOf(dashWith(f, dim, row.Key))})
		}
		d.Tables = append(d.Tables, tb)
	}
	d.Counts = []uiDashCounts{
		{ID: "incidents_by_grade", Title: p.T("dash.incidents_by_grade"), Rows: ov.IncidentsByGrade,
			CSV: dashExport("/dashboard/export.csv", f, "incidents_by_grade")},
		{ID: "incidents_by_category", Title: p.T("dash.incidents_by_category"), Rows: ov.IncidentsByCategory,
			CSV: dashExport("/dashboard/export.csv", f, "incidents_by_category")},
	}
	if len(ov.DeclinedByReason) > 0 {
		d.Counts = append(d.Counts, uiDashCounts{ID: "declined_by_reason", Title: p.T("dash.declined_by_reason"), Rows: ov.DeclinedByReason})
	}
	d.Map = dashMapOf(p, f, byDim[anbao.DimJurisdiction], metric, d.ShowLoss)
	d.Chart = dashChartOf(p, f, ov, byDim)
}

// dashLoss writes a loss ratio as a percentage.
func dashLoss(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v*100, 'f', 1, 64) + "%"
}

// dashScope names what the figures cover: the place, the insurer and the months.
func dashScope(p *uiPage, f anbao.StatsFilter) string {
	var parts []string
	jur := f.Jurisdiction
	if jur == "" && p.P.OrgKind == anbao.KindRegulator {
		jur = p.P.Jurisdiction
	}
	parts = append(parts, p.Jur(jur))
	if p.P.OrgKind == anbao.KindInsurer {
		parts = append(parts, p.T("dash.scope.own_book"))
	}
	switch {
	case f.From != "" && f.To != "":
		parts = append(parts, f.From+" – "+f.To)
	case f.From != "":
		parts = append(parts, p.T("dash.scope.from", f.From))
	case f.To != "":
		parts = append(parts, p.T("dash.scope.to", f.To))
	default:
		parts = append(parts, p.T("dash.scope.all_months"))
	}
	sep := " · "
	return strings.Join(parts, sep)
}

// The tile map.

// uiDashTile is one jurisdiction of the tile map.
type uiDashTile struct {
	Code, Name, Value, Title, Href string
	Row, Col                       int
	Level                          int // 0 (nothing) to 5
	Off                            bool
	Selected                       bool
}

// uiDashMap is the tile map of the jurisdictions, coloured by one metric.
type uiDashMap struct {
	Metric  string
	Metrics []uiDashMetric
	Tiles   []uiDashTile // the provinces, on the grid
	Small   []uiDashTile // separately-planned cities and the XPCC
	Legend  string
}

// uiDashMetric is a choice of the map's colouring.
type uiDashMetric struct {
	Key, Label, Href string
	Active           bool
}

// dashTileGrid places each province-level unit at a row and column that
// approximate China's geography (8 × 8). Taiwan, Hong Kong and Macao are
// shown but are outside the pilot.
var dashTileGrid = map[string][2]int{
	"23": {0, 7},
	"15": {1, 4}, "11": {1, 5}, "21": {1, 6}, "22": {1, 7},
	"65": {2, 0}, "63": {2, 1}, "62": {2, 2}, "64": {2, 3}, "14": {2, 4}, "13": {2, 5}, "12": {2, 6},
	"54": {3, 1}, "51": {3, 2}, "61": {3, 3}, "41": {3, 4}, "37": {3, 5},
	"50": {4, 3}, "42": {4, 4}, "34": {4, 5}, "32": {4, 6}, "31": {4, 7},
	"53": {5, 2}, "52": {5, 3}, "43": {5, 4}, "36": {5, 5}, "33": {5, 6},
	"45": {6, 3}, "44": {6, 4}, "35": {6, 5}, "71": {6, 6},
	"46": {7, 3}, "82": {7, 4}, "81": {7, 5},
}

var dashMetrics = []string{"premium", "policies", "incidents", "loss_ratio"}

func dashMapOf(p *uiPage, f anbao.StatsFilter, b anbao.StatsBreakdown, metric string, showLoss bool) *uiDashMap {
	if !slices.Contains(dashMetrics, metric) || (metric == "loss_ratio" && !showLoss) {
		metric = "premium"
	}
	m := &uiDashMap{Metric: metric}
	base := dashFilterValues(f)
	for _, k := range dashMetrics {
		if k == "loss_ratio" && !showLoss {
			continue
		}
		v := url.Values{}
		for kk, vs := range base {
			v[kk] = vs
		}
		v.Set("metric", k)
		m.Metrics = append(m.Metrics, uiDashMetric{Key: k, Label: p.T("dash.metric." + k), Href: withQuery("/dashboard", v) + "#dash-map",
			Active: k == metric})
	}
	rows := map[string]anbao.StatsRow{}
	for _, r := range b.Rows {
		rows[r.Key] = r
	}
	value := func(r anbao.StatsRow) float64 {
		switch metric {
		case "policies":
			return float64(r.Policies)
		case "incidents":
			return float64(r.Incidents)
		case "loss_ratio":
			if r.LossRatio != nil {
				return *r.LossRatio
			}
			return 0
		}
		return float64(r.Premium)
	}
	show := func(r anbao.StatsRow) string {
		switch metric {
		case "policies":
			return groupDigits(r.Policies)
		case "incidents":
			return groupDigits(r.Incidents)
		case "loss_ratio":
			return dashLoss(r.LossRatio)
		}
		return groupDigits(roundDiv(r.Premium, 1_000_000))
	}
	var peak float64
	for _, r := range b.Rows {
		peak = math.Max(peak, value(r))
	}
	local := p.P.OrgKind == anbao.KindRegulator && p.P.Jurisdiction != ""
	tile := func(j refdata.Jurisdiction) uiDashTile {
		t := uiDashTile{Code: j.Code, Name: j.Name(p.Lang), Off: !j.Active || (local && j.Code != p.P.Jurisdiction),
			Selected: f.Jurisdiction == j.Code}
		if pos, ok := dashTileGrid[j.Code]; ok {
			t.Row, t.Col = pos[0]+1, pos[1]+1
		}
		full := j.FullNameZH
		if p.En() {
			full = j.FullNameEN
		}
		if !j.Active {
			t.Title = full + " · " + p.T("dash.map.outside")
			return t
		}
		r, ok := rows[j.Code]
		if ok {
			t.Value = show(r)
			if v := value(r); v > 0 && peak > 0 {
				t.Level = min(5, max(1, int(math.Ceil(v/peak*5))))
			}
		} else {
			t.Value = "—"
		}
		t.Title = full + " · " + p.T("dash.metric."+metric) + " " + t.Value
		if !t.Off {
			t.Href = withQuery("/dashboard", dashFilterValues(dashWith(f, anbao.DimJurisdiction, j.Code)))
		}
		return t
	}
	for _, j := range refdata.Jurisdictions() {
		if _, ok := dashTileGrid[j.Code]; ok {
			m.Tiles = append(m.Tiles, tile(j))
		} else if j.Active {
			m.Small = append(m.Small, tile(j))
		}
	}
	m.Legend = p.T("dash.map.legend." + metric)
	return m
}

// The charts.

// dashChart is the data dashboard.js draws: the monthly trend, incidents
// by grade and category, and a bar chart per breakdown.
type dashChart struct {
	Lang       string              `json:"lang"`
	Labels     map[string]string   `json:"labels"`
	Months     []string            `json:"months"`
	Policies   []int64             `json:"policies"`
	Premium    []float64           `json:"premium"` // 万元
	Paid       []float64           `json:"paid"`    // 万元
	Grades     []dashKV            `json:"grades"`
	Categories []dashKV            `json:"categories"`
	Bars       map[string]dashBars `json:"bars"` // dimension → bars
}

type dashKV struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

type dashBars struct {
	Names     []string  `json:"names"`
	Policies  []int64   `json:"policies"`
	Premium   []float64 `json:"premium"` // 万元
	Incidents []int64   `json:"incidents"`
	Links     []string  `json:"links"` // the dashboard narrowed to each bar
}

// wan converts 分 to 万元 with two decimals.
func wan(fen int64) float64 { return math.Round(float64(fen)/1_000_000*100) / 100 }

func dashChartOf(p *uiPage, f anbao.StatsFilter, ov *anbao.StatsOverview, byDim map[anbao.StatsDim]anbao.StatsBreakdown) dashChart {
	c := dashChart{Lang: p.Lang, Bars: map[string]dashBars{}, Labels: map[string]string{},
		Months: []string{}, Policies: []int64{}, Premium: []float64{}, Paid: []float64{}, Grades: []dashKV{}, Categories: []dashKV{}}
	for _, k := range []string{"policies", "premium_wan", "paid_wan", "incidents", "count"} {
		c.Labels[k] = p.T("dash.chart." + k)
	}
	months := slices.Clone(byDim[anbao.DimMonth].Rows)
	slices.SortFunc(months, func(a, b anbao.StatsRow) int { return strings.Compare(a.Key, b.Key) })
	// Every month from the first to the last, those without figures at zero.
	byMonth := map[string]anbao.StatsRow{}
	for _, r := range months {
		byMonth[r.Key] = r
	}
	if len(months) > 0 {
		first, err1 := time.Parse("2006-01", months[0].Key)
		last, err2 := time.Parse("2006-01", months[len(months)-1].Key)
		for m := first; err1 == nil && err2 == nil && !m.After(last) && len(c.Months) < 600; m = m.AddDate(0, 1, 0) {
			r := byMonth[m.Format("2006-01")]
			c.Months = append(c.Months, m.Format("2006-01"))
			c.Policies = append(c.Policies, r.Policies)
			c.Premium = append(c.Premium, wan(r.Premium))
			c.Paid = append(c.Paid, wan(r.PaidAmount))
		}
	}
	for _, g := range ov.IncidentsByGrade {
		c.Grades = append(c.Grades, dashKV{g.Label, g.Count})
	}
	for _, g := range ov.IncidentsByCategory {
		c.Categories = append(c.Categories, dashKV{g.Label, g.Count})
	}
	for dim, b := range byDim {
		// The dashboard's filter is in every row's links; the bars drill down the same way.
		if dim == anbao.DimMonth || len(b.Rows) == 0 {
			continue
		}
		bars := dashBars{}
		for _, r := range b.Rows {
			bars.Names = append(bars.Names, r.Label)
			bars.Policies = append(bars.Policies, r.Policies)
			bars.Premium = append(bars.Premium, wan(r.Premium))
			bars.Incidents = append(bars.Incidents, r.Incidents)
			bars.Links = append(bars.Links, withQuery("/dashboard", dashFilterValues(dashWith(f, dim, r.Key))))
		}
		c.Bars[string(dim)] = bars
	}
	return c
}

// The drill-down lists.

// uiDashListData is a drill-down list.
type uiDashListData struct {
	Filter   *uiDashFilter
	Links    dashLinks
	Scope    string
	Policies []*store.StatsPolicyRow
	Incs     []*store.StatsIncidentRow
	Total    int
	Pager    uiPager
	ExportX  string
	ExportC  string
	Insurer  bool // the viewer is an insurer (no insurer column)
}

func (s *Server) uiDashPolicies(w http.ResponseWriter, r *http.Request) {
	s.uiDashList(w, r, "policies")
}

func (s *Server) uiDashIncidents(w http.ResponseWriter, r *http.Request) {
	s.uiDashList(w, r, "incidents")
}

func (s *Server) uiDashList(w http.ResponseWriter, r *http.Request, which string) {
	p := s.newPage(r, "dash."+which+".title", "dashboard")
	if err := anbao.Authorize(p.P, anbao.ActStatsRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, status, ok := s.dashReadFilter(w, r, p)
	if !ok {
		return
	}
	d := &uiDashListData{Filter: s.dashFilterBar(r, p, f, "/dashboard/"+which), Links: dashLinksOf(f), Scope: dashScope(p, f),
		Insurer: p.P.OrgKind == anbao.KindInsurer}
	p.Data = d
	q := r.URL.Query()
	if which == "policies" {
		d.ExportX = dashExport("/dashboard/policies/export.xlsx", f, "")
		d.ExportC = dashExport("/dashboard/export.csv", f, "policies")
	}
	if p.Err == nil {
		var err error
		switch which {
		case "policies":
			var l *store.StatsPolicyList
			if l, err = s.store.StatsPolicies(r.Context(), f, pg); err == nil {
				d.Policies, d.Total = l.Items, l.Total
				d.Pager = makePager("/dashboard/policies", q, pg, l.Total, len(l.Items))
			}
		default:
			var l *store.StatsIncidentList
			if l, err = s.store.StatsIncidents(r.Context(), f, pg); err == nil {
				d.Incs, d.Total = l.Items, l.Total
				d.Pager = makePager("/dashboard/incidents", q, pg, l.Total, len(l.Items))
			}
		}
		if err != nil {
			if status, ok = s.dashStoreError(w, r, p, err); !ok {
				return
			}
			d.Scope = ""
		}
	}
	s.render(w, r, status, "dashboard_"+which, p)
}

// The retail line.

// uiDashRetailData is the retail-line page: the declaration form (insurers) and the returns.
type uiDashRetailData struct {
	Filter        *uiDashFilter
	Links         dashLinks
	Items         []*store.RetailReturn
	Declare       bool
	Insurer       bool
	Jurisdictions []refdata.Jurisdiction
	Lines         []string
}

func (s *Server) uiDashRetail(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dash.retail.title", "dashboard")
	s.dashRetailPage(w, r, p, http.StatusOK)
}

func (s *Server) dashRetailPage(w http.ResponseWriter, r *http.Request, p *uiPage, status int) {
	if err := anbao.Authorize(p.P, anbao.ActStatsRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	form, formID, formErr := p.Form, p.FormID, p.Err
	f, st, ok := s.dashReadFilter(w, r, p)
	if !ok {
		return
	}
	d := &uiDashRetailData{Filter: s.dashFilterBar(r, p, f, "/dashboard/retail"), Links: dashLinksOf(f), Declare: anbao.Can(p.P, anbao.ActRetailDeclare),
		Insurer: p.P.OrgKind == anbao.KindInsurer, Jurisdictions: p.ActiveJurisdictions(), Lines: store.RetailLines}
	p.Data = d
	if p.Err == nil {
		items, err := s.store.ListRetail(r.Context(), f)
		if err != nil {
			if st, ok = s.dashStoreError(w, r, p, err); !ok {
				return
			}
		}
		d.Items = items
	}
	if formErr != nil || formID == "retail" {
		// The declaration form's error and values win over the filter's.
		p.Form, p.FormID, p.Err = form, formID, formErr
	} else if status == http.StatusOK {
		status = st
	}
	s.render(w, r, status, "dashboard_retail", p)
}

func (s *Server) uiDashRetailDeclare(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dash.retail.title", "dashboard")
	if err := anbao.Authorize(p.P, anbao.ActRetailDeclare); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := dashRetailForm(r.PostForm)
	if err == nil {
		in.InsurerID = p.P.OrgID
		_, err = s.store.DeclareRetail(r.Context(), in)
	}
	if err != nil {
		var e *anbao.Error
		if !errors.As(err, &e) || e.Code == anbao.EINTERNAL || e.Code == anbao.EUNAVAILABLE {
			s.writeError(w, r, err)
			return
		}
		status := p.setError("retail", r.PostForm, err, s, r)
		p.FormID = "retail"
		// Show the page as a GET would, with the form's values and error.
		r.URL.RawQuery = ""
		s.dashRetailPage(w, r, p, status)
		return
	}
	http.Redirect(w, r, "/dashboard/retail?ok=saved", http.StatusSeeOther)
}

// dashRetailForm reads the declaration form: counts as whole numbers, money in 元.
func dashRetailForm(v url.Values) (*store.RetailReturn, error) {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	in := &store.RetailReturn{Jurisdiction: get("jurisdiction"), Month: get("month"), Line: get("line")}
	for _, c := range []struct {
		name string
		dst  *int64
	}{{"policies", &in.Policies}, {"claims", &in.Claims}} {
		s := strings.ReplaceAll(get(c.name), ",", "")
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, anbao.FieldError(c.name, "dash.error.count", get(c.name))
		}
		*c.dst = n
	}
	for _, m := range []struct {
		name string
		dst  *int64
	}{{"premium", &in.Premium}, {"sum_insured", &in.SumInsured}, {"paid", &in.Paid}} {
		s := get(m.name)
		if s == "" {
			continue
		}
		fen, ok := parseYuan(s)
		if !ok {
			return nil, anbao.FieldError(m.name, "dash.error.amount", s)
		}
		*m.dst = fen
	}
	if n, err := strconv.Atoi(get("version")); err == nil && n > 0 {
		in.Version = n
	}
	return in, nil
}
