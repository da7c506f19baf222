package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/export"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
)

// Exports of the supervision dashboards (issue #7): the whole dashboard as a
// workbook (a sheet per table, Chinese sheet names unless the viewer reads
// English), one table as CSV (UTF-8 with a BOM, money as 元 with two
// decimals), the drill-down policy list as a streamed workbook of any size,
// and the regulator's monthly bulletin as a PDF (bulletin.go). The store
// scopes every figure to the caller (ActStatsRead); these handlers read the
// filter with statsFilter and hand it to the store, which validates it and
// refuses one outside the caller's scope; they never widen it.

// exportTables are the tables a CSV export may name.
var exportTables = []string{"overview", "jurisdiction", "industry", "size", "product_type", "insurer", "month",
	"incidents_by_grade", "incidents_by_category", "policies"}

func (s *Server) registerExportAPI() {
	const tag = "stats"
	tableQ := append([]qparam{{Name: "table", Type: "string", Desc: "the dashboard table", Enum: exportTables}}, statsQuery...)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/stats/export.xlsx", OpID: "statsExportXLSX", Tag: tag, Query: langQuery(statsQuery),
		Summary: "The whole dashboard of the filter as an XLSX workbook: a sheet per table (总览, 按辖区, 按行业, 按规模, 按产品类型, " +
			"按保险机构, 按月份, 事件分级, 事件类别; English names with lang=en), money as numbers of 元 formatted #,##0.00"}, s.apiExportXLSX)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/stats/export.csv", OpID: "statsExportCSV", Tag: tag, Query: langQuery(tableQ),
		Summary: "One dashboard table of the filter as CSV (UTF-8 with a byte-order mark; money in 元 with two decimals); " +
			"table=policies streams the whole drill-down list"}, s.apiExportCSV)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/stats/policies/export.xlsx", OpID: "statsPoliciesExportXLSX", Tag: tag,
		Query: langQuery(statsQuery), Summary: "The drill-down list of every policy of the filter as an XLSX workbook, streamed " +
			"(any number of rows in flat memory)"}, s.apiExportPolicies)
	s.api(route{Method: "GET", Path: "/api/v1/stats/bulletins", OpID: "listBulletins", Tag: tag,
		Query: append([]qparam{
			{Name: "scope", Type: "string", Desc: "jurisdiction code, or \"national\" for the whole pilot"},
			{Name: "month", Type: "string", Desc: "YYYY-MM"},
		}, pageParams...),
		Summary: "Monthly bulletins: a local regulator those of its jurisdiction, national regulators and the operator all",
		Resp:    ListResponse[*store.Bulletin]{}, handle: s.apiListBulletins})
	s.rawAPI(route{Method: "GET", Path: "/api/v1/stats/bulletins/{id}/pdf", OpID: "getBulletinPDF", Tag: tag,
		Summary: "One monthly bulletin as PDF, with its SHA-256 in the X-Content-SHA256 header"}, s.apiBulletinPDF)
	s.api(route{Method: "POST", Path: "/api/v1/stats/bulletins", OpID: "generateBulletin", Tag: tag, Body: BulletinRequest{},
		Summary: "Generate the bulletin of a month for a scope now (regulators for their jurisdiction, national regulators and the " +
			"operator for any): returns the existing one unless replace is set; 503 without Chromium",
		Resp: store.Bulletin{}, handle: s.apiGenerateBulletin})
}

// langQuery adds the language parameter of an export to q.
func langQuery(q []qparam) []qparam {
	return append([]qparam{{Name: "lang", Type: "string", Desc: "zh-CN (default) or en: sheet names, titles and labels", Enum: []string{"zh-CN", "en"}}}, q...)
}

// BulletinRequest asks for a bulletin now.
type BulletinRequest struct {
	Scope   string `json:"scope"`   // jurisdiction code; "" or "national" for the whole pilot
	Month   string `json:"month"`   // YYYY-MM; default: last month
	Lang    string `json:"lang"`    // zh-CN (default) or en
	Replace bool   `json:"replace"` // regenerate an existing bulletin
}

func (s *Server) registerExportUI() error {
	if err := s.ui.addPageSet(uiFuncsBulletins(), "templates/bulletins.html", map[string]string{
		"bulletins": `{{define "bulletins-unused"}}{{end}}`,
	}); err != nil {
		return err
	}
	m := s.mux
	m.HandleFunc("GET /dashboard/export.xlsx", s.uiAuth(s.uiDownload(s.apiExportXLSX)))
	m.HandleFunc("GET /dashboard/export.csv", s.uiAuth(s.uiDownload(s.apiExportCSV)))
	m.HandleFunc("GET /dashboard/policies/export.xlsx", s.uiAuth(s.uiDownload(s.apiExportPolicies)))
	m.HandleFunc("GET /dashboard/bulletins", s.uiAuth(s.uiBulletins))
	m.HandleFunc("POST /dashboard/bulletins", s.uiAuth(s.uiGenerateBulletin))
	m.HandleFunc("GET /dashboard/bulletins/{file}", s.uiAuth(s.uiDownload(s.uiBulletinPDF)))
	return nil
}

// uiDownload serves a download on a page route: errors as the error page.
func (s *Server) uiDownload(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// download is a response that sends its headers with the first byte, so
// that a failure before any row is written still gets an error response.
type download struct {
	w           http.ResponseWriter
	ctype, name string
	started     bool
}

func (d *download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.w.Header()
		h.Set("Content-Type", d.ctype)
		h.Set("Cache-Control", "private, no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Disposition", d.name)
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(b)
}

// finish ends a download: an error before the first byte goes back to the
// caller; after it the connection is cut, so that a client never takes a
// truncated file for a whole one.
func (s *Server) finish(r *http.Request, d *download, err error) error {
	if err == nil || !d.started {
		return err
	}
	s.log.ErrorContext(r.Context(), "export interrupted", "path", r.URL.Path, "err", err)
	if conn, _, herr := http.NewResponseController(d.w).Hijack(); herr == nil {
		conn.Close()
		return nil
	}
	panic(http.ErrAbortHandler)
}

// disposition is an attachment header with an ASCII name and, for Chinese,
// the Chinese name too.
func disposition(lang, ascii, zh string) string {
	v := `attachment; filename="` + ascii + `"`
	if !export.En(lang) && zh != "" {
		v += "; filename*=UTF-8''" + url.PathEscape(zh)
	}
	return v
}

// exportLang is the language of an export: ?lang=, else the viewer's.
func exportLang(r *http.Request) string {
	if export.En(lang(r)) {
		return "en"
	}
	return i18n.Default
}

// exportStamp dates an export's file name in Beijing time.
func (s *Server) exportStamp() string {
	return s.store.Now().In(anbao.Shanghai).Format("20060102-1504")
}

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv; charset=utf-8"
)

func (s *Server) apiExportXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := statsFilter(r)
	if err != nil {
		return err
	}
	l := exportLang(r)
	o, err := s.store.StatsOverview(r.Context(), f, l)
	if err != nil {
		return err
	}
	tables := dashboardTables(o, l, showLossRatio(r.Context()))
	stamp := s.exportStamp()
	d := &download{w: w, ctype: xlsxType, name: disposition(l, "anbao-dashboard-"+stamp+".xlsx", "安保监管看板-"+stamp+".xlsx")}
	return s.finish(r, d, export.WriteXLSX(d, l, tablesOf(tables)...))
}

func (s *Server) apiExportCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := statsFilter(r)
	if err != nil {
		return err
	}
	table := strings.TrimSpace(r.URL.Query().Get("table"))
	if !containsStr(exportTables, table) {
		return anbao.FieldError("table", "export.table_invalid", table)
	}
	l := exportLang(r)
	var t *export.Table
	if table == "policies" {
		t = s.policyTable(r.Context(), f, l)
	} else {
		o, err := s.store.StatsOverview(r.Context(), f, l)
		if err != nil {
			return err
		}
		for _, x := range dashboardTables(o, l, showLossRatio(r.Context())) {
			if x.Key == table {
				t = x.Table
			}
		}
		if t == nil {
			// A breakdown the overview did not carry: ask for it.
			b, err := s.store.StatsBreakdown(r.Context(), f, anbao.StatsDim(table), l)
			if err != nil {
				return err
			}
			t = breakdownTable(b, showLossRatio(r.Context()))
		}
	}
	stamp := s.exportStamp()
	name := strings.ReplaceAll(table, "_", "-")
	d := &download{w: w, ctype: csvType, name: disposition(l, "anbao-"+name+"-"+stamp+".csv", "安保-"+t.Sheet+"-"+stamp+".csv")}
	// Buffered, so that the store's refusal of the filter (before the first
	// row) is still an error response rather than an empty file.
	bw := bufio.NewWriterSize(d, 64<<10)
	err = export.WriteCSV(bw, l, t)
	if err == nil {
		err = bw.Flush()
	}
	return s.finish(r, d, err)
}

func (s *Server) apiExportPolicies(w http.ResponseWriter, r *http.Request) error {
	f, err := statsFilter(r)
	if err != nil {
		return err
	}
	l := exportLang(r)
	stamp := s.exportStamp()
	d := &download{w: w, ctype: xlsxType, name: disposition(l, "anbao-policies-"+stamp+".xlsx", "安保保单明细-"+stamp+".xlsx")}
	return s.finish(r, d, export.WriteXLSX(d, l, s.policyTable(r.Context(), f, l)))
}

func containsStr(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// showLossRatio: the loss ratio is for regulators and the operator.
func showLossRatio(ctx context.Context) bool {
	p := anbao.PrincipalFrom(ctx)
	return p != nil && (p.System || p.OrgKind == anbao.KindRegulator || p.OrgKind == anbao.KindOperator)
}

// keyedTable is a dashboard table with the name a CSV export asks for.
type keyedTable struct {
	Key string
	*export.Table
}

// dimSheets names the sheet of each breakdown.
var dimSheets = map[anbao.StatsDim][2]string{
	anbao.DimJurisdiction: {"按辖区", "By jurisdiction"},
	anbao.DimIndustry:     {"按行业", "By industry"},
	anbao.DimSize:         {"按规模", "By size"},
	anbao.DimProductType:  {"按产品类型", "By product type"},
	anbao.DimInsurer:      {"按保险机构", "By insurer"},
	anbao.DimMonth:        {"按月份", "By month"},
}

// dimKeyTitles names the key column of each breakdown.
var dimKeyTitles = map[anbao.StatsDim][2]string{
	anbao.DimJurisdiction: {"辖区代码", "Code"},
	anbao.DimIndustry:     {"行业门类", "Section"},
	anbao.DimSize:         {"规模代码", "Size"},
	anbao.DimProductType:  {"产品类型代码", "Type"},
	anbao.DimInsurer:      {"机构编号", "Insurer ID"},
	anbao.DimMonth:        {"月份", "Month"},
}

// figureColumns are the columns of a breakdown's figures.
func figureColumns(lossRatio bool) []export.Column {
	cols := []export.Column{
		{Title: "保单数", TitleEN: "Policies", Kind: export.Integer},
		{Title: "投保企业数", TitleEN: "Enterprises", Kind: export.Integer},
		{Title: "保费（元）", TitleEN: "Premium (CNY)", Kind: export.Money},
		{Title: "保险金额（元）", TitleEN: "Sum insured (CNY)", Kind: export.Money},
		{Title: "保费补贴（元）", TitleEN: "Subsidy (CNY)", Kind: export.Money},
		{Title: "安全事件数", TitleEN: "Incidents", Kind: export.Integer},
		{Title: "理赔案件数", TitleEN: "Claims", Kind: export.Integer},
		{Title: "已赔付件数", TitleEN: "Claims paid", Kind: export.Integer},
		{Title: "赔款（元）", TitleEN: "Paid (CNY)", Kind: export.Money},
		{Title: "拒赔件数", TitleEN: "Claims declined", Kind: export.Integer},
		{Title: "未决准备金（元）", TitleEN: "Outstanding (CNY)", Kind: export.Money},
	}
	if lossRatio {
		cols = append(cols, export.Column{Title: "赔付率", TitleEN: "Loss ratio", Kind: export.Ratio})
	}
	return cols
}

func figureCells(f anbao.StatsFigures, lossRatio bool) []any {
	row := []any{f.Policies, f.Enterprises, f.Premium, f.SumInsured, f.Subsidy, f.Incidents, f.Claims, f.ClaimsPaid, f.PaidAmount,
		f.ClaimsDeclined, f.Outstanding}
	if lossRatio {
		row = append(row, f.LossRatio)
	}
	return row
}

// breakdownTable is one breakdown as a table: key, label, figures.
func breakdownTable(b *anbao.StatsBreakdown, lossRatio bool) *export.Table {
	names, ok := dimSheets[b.Dim]
	if !ok {
		names = [2]string{string(b.Dim), string(b.Dim)}
	}
	kt := dimKeyTitles[b.Dim]
	t := &export.Table{Sheet: names[0], SheetEN: names[1], Columns: append([]export.Column{
		{Title: kt[0], TitleEN: kt[1], Width: 12},
		{Title: "名称", TitleEN: "Name", Width: 24},
	}, figureColumns(lossRatio)...)}
	for _, row := range b.Rows {
		t.Rows = append(t.Rows, append([]any{row.Key, row.Label}, figureCells(row.StatsFigures, lossRatio)...))
	}
	return t
}

// countTable is a list of labelled counts as a table.
func countTable(zh, en string, cs []anbao.StatsCount) *export.Table {
	t := &export.Table{Sheet: zh, SheetEN: en, Columns: []export.Column{
		{Title: "代码", TitleEN: "Code", Width: 12},
		{Title: "名称", TitleEN: "Name", Width: 28},
		{Title: "数量", TitleEN: "Count", Kind: export.Integer},
	}}
	for _, c := range cs {
		t.Rows = append(t.Rows, []any{c.Key, c.Label, c.Count})
	}
	return t
}

// overviewTable lists the headline figures: one row per figure, its value
// in the column of its kind.
func overviewTable(o *anbao.StatsOverview, l string, lossRatio bool) *export.Table {
	en := export.En(l)
	t := &export.Table{Sheet: "总览", SheetEN: "Overview", Columns: []export.Column{
		{Title: "指标", TitleEN: "Figure", Width: 34},
		{Title: "数量", TitleEN: "Count", Kind: export.Integer, Width: 14},
		{Title: "金额（元）", TitleEN: "Amount (CNY)", Kind: export.Money, Width: 20},
		{Title: "比率", TitleEN: "Ratio", Kind: export.Ratio, Width: 10},
	}}
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	n := func(zh, e string, v int64) { t.Rows = append(t.Rows, []any{pick(zh, e), v, nil, nil}) }
	m := func(zh, e string, v int64) { t.Rows = append(t.Rows, []any{pick(zh, e), nil, v, nil}) }
	asOf := o.AsOf
	if at, err := anbao.ParseTime(o.AsOf); err == nil {
		asOf = at.In(anbao.Shanghai).Format("2006-01-02 15:04")
	}
	t.Rows = append(t.Rows, []any{pick("数据截至（北京时间）", "Figures as of (Beijing time)") + " " + asOf, nil, nil, nil})
	if d := filterText(o.Filter, l); d != "" {
		t.Rows = append(t.Rows, []any{pick("筛选条件：", "Filter: ") + d, nil, nil, nil})
	}
	x := o.Totals
	n("承保保单数（企业险）", "Policies (enterprise line)", x.Policies)
	m("保费（企业险）", "Premium (enterprise line)", x.Premium)
	m("保险金额（企业险）", "Sum insured (enterprise line)", x.SumInsured)
	m("保费补贴", "Premium subsidies", x.Subsidy)
	n("投保企业数", "Insured enterprises", x.Enterprises)
	n("零售业务保单数", "Retail policies", o.RetailPolicies)
	m("零售业务保费", "Retail premium", o.RetailPremium)
	m("零售业务保险金额", "Retail sum insured", o.RetailSumInsured)
	n("安全事件数", "Incidents", x.Incidents)
	n("理赔案件数", "Claims", x.Claims)
	n("已赔付件数", "Claims paid", x.ClaimsPaid)
	m("赔款（扣除追偿）", "Paid (less recoveries)", x.PaidAmount)
	n("拒赔件数", "Claims declined", x.ClaimsDeclined)
	m("未决赔款准备金", "Outstanding reserves", x.Outstanding)
	if lossRatio {
		t.Rows = append(t.Rows, []any{pick("赔付率", "Loss ratio"), nil, nil, x.LossRatio})
	}
	n("服务方案数", "Service plans", o.Plans)
	n("入选目录方案数", "Catalogue plans", o.CataloguePlans)
	n("试点项目数", "Pilot projects", o.Projects)
	n("风险评估次数", "Assessments", o.Assessments)
	n("应急响应与服务次数", "Response and services delivered", o.Services)
	for _, u := range o.Units {
		n("试点单位："+u.Label, "Participating units: "+u.Label, u.Count)
	}
	for _, d := range o.DeclinedByReason {
		n("拒赔原因："+d.Label, "Declined: "+d.Label, d.Count)
	}
	return t
}

// filterText describes a filter in lang.
func filterText(f anbao.StatsFilter, l string) string {
	en := export.En(l)
	var parts []string
	add := func(zh, e, v string) {
		if v == "" {
			return
		}
		if en {
			parts = append(parts, e+" "+v)
		} else {
			parts = append(parts, zh+" "+v)
		}
	}
	add("辖区", "jurisdiction", jurisdictionName(f.Jurisdiction, l))
	add("行业", "industry", industryName(f.Industry, l))
	add("规模", "size", enumName(l, "ui.size.", string(f.Size)))
	add("产品类型", "product type", enumName(l, "ui.quotes.ptype.", f.ProductType))
	if f.InsurerID != 0 {
		add("保险机构", "insurer", fmt.Sprint(f.InsurerID))
	}
	add("起始月", "from", f.From)
	add("截止月", "to", f.To)
	if en {
		return strings.Join(parts, "; ")
	}
	return strings.Join(parts, "；")
}

// dashboardTables are the tables of a dashboard, in sheet order.
func dashboardTables(o *anbao.StatsOverview, l string, lossRatio bool) []keyedTable {
	out := []keyedTable{{"overview", overviewTable(o, l, lossRatio)}}
	for _, dim := range anbao.StatsDims {
		for i := range o.Breakdowns {
			if o.Breakdowns[i].Dim == dim {
				out = append(out, keyedTable{string(dim), breakdownTable(&o.Breakdowns[i], lossRatio)})
				break
			}
		}
	}
	out = append(out,
		keyedTable{"incidents_by_grade", countTable("事件分级", "Incidents by grade", o.IncidentsByGrade)},
		keyedTable{"incidents_by_category", countTable("事件类别", "Incidents by category", o.IncidentsByCategory)})
	return out
}

// tablesOf drops the keys.
func tablesOf(ks []keyedTable) []*export.Table {
	out := make([]*export.Table, len(ks))
	for i, k := range ks {
		out[i] = k.Table
	}
	return out
}

// Labels of the policy list.

func jurisdictionName(code, l string) string {
	if code == "" {
		return ""
	}
	if j, ok := refdata.JurisdictionByCode(code); ok {
		if export.En(l) {
			return j.NameEN
		}
		return j.FullNameZH
	}
	return code
}

func industryName(code, l string) string {
	switch len(code) {
	case 0:
		return ""
	case 1:
		if s, ok := refdata.SectionByCode(code); ok {
			return code + " " + s.Name(l)
		}
	default:
		if d, ok := refdata.DivisionByCode(code); ok {
			return code + " " + d.Name(l)
		}
	}
	return code
}

func enumName(l, prefix, v string) string {
	if v == "" {
		return ""
	}
	if i18n.Has(l, prefix+v) {
		return i18n.T(l, prefix+v)
	}
	return v
}

// policyColumns are the columns of the drill-down list.
var policyColumns = []export.Column{
	{Title: "保单号", TitleEN: "Policy number", Width: 22},
	{Title: "保单年度", TitleEN: "Policy year", Kind: export.Integer},
	{Title: "保险机构", TitleEN: "Insurer", Width: 26},
	{Title: "投保企业", TitleEN: "Enterprise", Width: 30},
	{Title: "辖区", TitleEN: "Jurisdiction", Width: 14},
	{Title: "行业", TitleEN: "Industry", Width: 26},
	{Title: "规模", TitleEN: "Size", Width: 8},
	{Title: "产品类型", TitleEN: "Product type", Width: 18},
	{Title: "起保日期", TitleEN: "Inception", Kind: export.Date},
	{Title: "到期日期", TitleEN: "Expiry", Kind: export.Date},
	{Title: "状态", TitleEN: "Status", Width: 10},
	{Title: "保费（元）", TitleEN: "Premium (CNY)", Kind: export.Money},
	{Title: "保险金额（元）", TitleEN: "Sum insured (CNY)", Kind: export.Money},
	{Title: "理赔件数", TitleEN: "Claims", Kind: export.Integer},
	{Title: "已付赔款（元）", TitleEN: "Paid (CNY)", Kind: export.Money},
}

// policyTable is the drill-down list of the filter, streamed from the store
// in the caller's scope; labels are looked up once per distinct code.
func (s *Server) policyTable(ctx context.Context, f anbao.StatsFilter, l string) *export.Table {
	labels := map[string]string{}
	label := func(kind, code string, fn func() string) string {
		k := kind + "\x00" + code
		if v, ok := labels[k]; ok {
			return v
		}
		v := fn()
		labels[k] = v
		return v
	}
	return &export.Table{Sheet: "保单明细", SheetEN: "Policies", Columns: policyColumns,
		Each: func(emit func([]any) error) error {
			row := make([]any, len(policyColumns))
			return s.store.EachStatsPolicy(ctx, f, func(p *store.StatsPolicyRow) error {
				row[0], row[1], row[2], row[3] = p.Number, int64(p.Term), p.Insurer, p.Enterprise
				row[4] = label("j", p.Jurisdiction, func() string { return jurisdictionName(p.Jurisdiction, l) })
				row[5] = label("i", p.Industry, func() string { return industryName(p.Industry, l) })
				row[6] = label("s", p.Size, func() string { return enumName(l, "ui.size.", p.Size) })
				row[7] = label("p", p.ProductType, func() string { return enumName(l, "ui.quotes.ptype.", p.ProductType) })
				row[8], row[9] = p.Inception, p.Expiry
				row[10] = label("st", p.Status, func() string { return enumName(l, "ui.policies.status.", p.Status) })
				row[11], row[12], row[13], row[14] = p.Premium, p.SumInsured, p.Claims, p.Paid
				return emit(row)
			})
		}}
}

// Bulletins.

func (s *Server) apiListBulletins(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.BulletinFilter{Month: strings.TrimSpace(r.URL.Query().Get("month")), Page: pg}
	if r.URL.Query().Has("scope") {
		sc := strings.TrimSpace(r.URL.Query().Get("scope"))
		if sc == "national" {
			sc = ""
		}
		f.Scope = &sc
	}
	l, err := s.store.ListBulletins(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Bulletin]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiBulletinPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.serveBulletin(w, r, id)
}

func (s *Server) uiBulletinPDF(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	num, ok := strings.CutSuffix(file, ".pdf")
	if !ok {
		return anbao.ErrNotFound("bulletin")
	}
	r.SetPathValue("id", num)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.serveBulletin(w, r, id)
}

func (s *Server) serveBulletin(w http.ResponseWriter, r *http.Request, id int64) error {
	b, err := s.store.GetBulletin(r.Context(), id)
	if err != nil {
		return err
	}
	scope := b.Scope
	if scope == "" {
		scope = "national"
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", fmt.Sprint(len(b.PDF)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-SHA256", b.SHA256)
	h.Set("Content-Disposition", disposition(b.Lang, fmt.Sprintf("anbao-bulletin-%s-%s-%s.pdf", scope, b.Month, b.Lang),
		b.Title+".pdf"))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b.PDF)
	return err
}

func (s *Server) apiGenerateBulletin(w http.ResponseWriter, r *http.Request) (any, error) {
	var req BulletinRequest
	if err := decodeOptionalJSON(r, &req); err != nil {
		return nil, err
	}
	b, _, err := s.generateBulletinNow(r.Context(), req, store.BulletinManual)
	return b, err
}

// generateBulletinNow checks, renders and keeps one bulletin; an existing
// one is returned as it is unless req.Replace.
func (s *Server) generateBulletinNow(ctx context.Context, req BulletinRequest, origin string) (*store.Bulletin, bool, error) {
	req.Scope = strings.TrimSpace(req.Scope)
	if req.Scope == "national" {
		req.Scope = ""
	}
	if err := s.store.CheckBulletinScope(ctx, req.Scope); err != nil {
		return nil, false, err
	}
	if req.Month == "" {
		req.Month = s.store.LastMonth()
	}
	switch l := strings.ToLower(req.Lang); {
	case l == "" || strings.HasPrefix(l, "zh"):
		req.Lang = "zh-CN"
	case strings.HasPrefix(l, "en"):
		req.Lang = "en"
	default:
		return nil, false, anbao.FieldError("lang", "bulletin.lang_invalid", req.Lang)
	}
	if err := s.store.CheckBulletinMonth(req.Month); err != nil {
		return nil, false, err
	}
	if !req.Replace {
		sc := req.Scope
		l, err := s.store.ListBulletins(ctx, store.BulletinFilter{Scope: &sc, Month: req.Month})
		if err != nil {
			return nil, false, err
		}
		for _, b := range l.Items {
			if b.Lang == req.Lang {
				return b, false, nil
			}
		}
	}
	doc, err := s.renderBulletin(ctx, req.Scope, req.Month, req.Lang)
	if err != nil {
		return nil, false, err
	}
	return s.store.SaveBulletin(ctx, store.BulletinInput{Scope: req.Scope, Month: req.Month, Lang: req.Lang, Title: doc.Title,
		PDF: doc.PDF, Figures: doc.Figures, Origin: origin, Replace: req.Replace})
}

// bulletinBudget bounds one scheduled run, so that a slow browser does not
// hold up the rest of the housekeeping; what is left is due next time.
const bulletinBudget = 3 * time.Minute

// generateBulletins produces the scheduled bulletins that are due: last
// month's, once per enabled scope. A failure is logged and retried on a
// later run; without Chromium nothing is attempted.
func (s *Server) generateBulletins(ctx context.Context) {
	if chromiumPath() == "" {
		if !bulletinNoBrowser.Swap(true) {
			s.log.Warn("monthly bulletins skipped: Chromium is not installed")
		}
		return
	}
	ctx = anbao.WithPrincipal(ctx, anbao.SystemPrincipal("bulletins"))
	month := s.store.LastMonth()
	due, err := s.store.DueBulletins(ctx, month)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("monthly bulletins", "err", err)
		}
		return
	}
	deadline := time.Now().Add(bulletinBudget)
	made := 0
	for _, d := range due {
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		b, created, err := s.generateBulletinNow(ctx, BulletinRequest{Scope: d.Scope, Month: month, Lang: d.Lang}, store.BulletinScheduled)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("monthly bulletin", "scope", d.Scope, "month", month, "err", err)
			}
			var ae *anbao.Error
			if errors.As(err, &ae) && ae.Code == anbao.EUNAVAILABLE {
				return
			}
			continue
		}
		if created {
			made++
			s.log.Info("monthly bulletin", "scope", d.Scope, "month", month, "id", b.ID, "bytes", b.Size)
		}
	}
	if made > 0 {
		s.log.Info("monthly bulletins generated", "month", month, "count", made, "due", len(due))
	}
}
