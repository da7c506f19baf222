package server

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// The insurer's side of capability D: the product catalogue, the product
// designer (definition and rate tables), the clause library, the test bench
// that rates an input on a version, and the underwriter's queue. The store
// scopes every read and checks every write; these handlers turn forms into
// the domain types (money strictly, in 元), delegate, and put a refused
// write's error next to the input that carries its field.

// prodPages are the pages of this file; those without a file of their own
// take their content from a partial of product_parts.html.
var prodPages = map[string]string{
	"products":     "templates/products.html",
	"product":      "templates/product.html",
	"underwriting": "templates/underwriting.html",
	"prod_form":    `{{define "content"}}{{template "prod-form-page" .}}{{end}}`,
	"prod_clauses": `{{define "content"}}{{template "prod-clauses-page" .}}{{end}}`,
}

var prodFuncs = template.FuncMap{
	"yuan":   fmtYuan,
	"factor": fmtFactor,
	"cnyOr": func(fen int64) string {
		if fen == 0 {
			return "—"
		}
		return "¥" + fmtYuan(fen)
	},
	"bpPct": pctBP,
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"dict2":    func(p *uiPage, name string) prodFieldCtx { return prodFieldCtx{P: p, F: name} },
	"curveCtx": func(p *uiPage, key string, rows []int) prodCurveCtx { return prodCurveCtx{P: p, Key: key, Rows: rows} },
	"fname": func(parts ...any) string {
		s := make([]string, len(parts))
		for i, p := range parts {
			s[i] = fmt.Sprint(p)
		}
		return strings.Join(s, ".")
	},
}

// Contexts of the partials of product_parts.html.
type prodFieldCtx struct {
	P *uiPage
	F string
}

type prodCurveCtx struct {
	P    *uiPage
	Key  string
	Rows []int
}

func (u *uiRenderer) addProductPages() error {
	return u.addPageSet(prodFuncs, "templates/product_parts.html", prodPages)
}

// registerProductUI registers the product, clause and underwriting pages. The
// templates are embedded, so a parse failure is a programming error caught by
// every test.
func (s *Server) registerProductUI() {
	if err := s.ui.addProductPages(); err != nil {
		panic(err)
	}
	m := s.mux
	m.HandleFunc("GET /products", s.uiAuth(s.uiProducts))
	m.HandleFunc("GET /products/new", s.uiAuth(s.uiProductNew))
	m.HandleFunc("POST /products/new", s.uiAuth(s.uiProductCreate))
	m.HandleFunc("GET /products/clauses", s.uiAuth(s.uiClauses))
	m.HandleFunc("POST /products/clauses", s.uiAuth(s.uiClauseAdd))
	m.HandleFunc("GET /products/{pid}", s.uiAuth(s.uiProduct))
	m.HandleFunc("GET /products/{pid}/draft", s.uiAuth(s.uiProductDraft))
	m.HandleFunc("POST /products/{pid}/draft", s.uiAuth(s.uiProductSaveDraft))
	m.HandleFunc("POST /products/{pid}/publish", s.uiAuth(s.uiProductStep("publish")))
	m.HandleFunc("POST /products/{pid}/retire", s.uiAuth(s.uiProductStep("retire")))
	m.HandleFunc("POST /products/{pid}/rate", s.uiAuth(s.uiProductRate))
	m.HandleFunc("GET /underwriting", s.uiAuth(s.uiUnderwriting))
}

// The product list.

type uiProdListData struct {
	List        *store.ItemList[*store.Product]
	Pager       uiPager
	Filter      url.Values
	Insurers    []*anbao.Organisation // the insurer filter (operator and regulators)
	CanManage   bool
	AllStatus   bool // the reader sees drafts and retired products
	ShowInsurer bool // the list holds other insurers' products
}

func (s *Server) uiProducts(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.prod.title", "products")
	ctx := r.Context()
	q := r.URL.Query()
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiProdListData{Filter: q, CanManage: prodCanManage(p.P)}
	d.AllStatus = p.P.OrgKind == anbao.KindInsurer || p.P.OrgKind == anbao.KindOperator || p.P.OrgKind == anbao.KindRegulator
	d.ShowInsurer = p.P.OrgKind != anbao.KindInsurer
	f := store.ProductFilter{Type: cover.ProductType(q.Get("type")), Status: q.Get("status"), Query: q.Get("q"), Page: pg}
	if !d.AllStatus {
		f.Status = ""
	}
	if v := q.Get("insurer"); v != "" {
		if f.InsurerID, err = strconv.ParseInt(v, 10, 64); err != nil {
			s.writeError(w, r, anbao.FieldError("insurer", "error.bad_query", "insurer"))
			return
		}
	}
	status := http.StatusOK
	if d.List, err = s.store.ListProducts(ctx, f); err != nil {
		if anbao.ErrorCode(err) != anbao.EINVALID {
			s.writeError(w, r, err)
			return
		}
		status = p.setError("filter", nil, err, s, r)
		d.List = &store.ItemList[*store.Product]{Items: []*store.Product{}}
	}
	if p.P.OrgKind == anbao.KindOperator || p.P.OrgKind == anbao.KindRegulator {
		if l, err := s.store.ListOrganisations(ctx, anbao.OrgFilter{Kind: anbao.KindInsurer, Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err == nil {
			d.Insurers = l.Items
		}
	}
	d.Pager = makePager("/products", q, pg, d.List.Total, len(d.List.Items))
	p.Data = d
	s.render(w, r, status, "products", p)
}

// prodCanManage reports whether p designs its insurer's products.
func prodCanManage(p *anbao.Principal) bool {
	return p != nil && p.OrgKind == anbao.KindInsurer && anbao.Can(p, anbao.ActProductManage)
}

func (d *uiProdListData) Types() []cover.ProductType { return cover.ProductTypes }
func (d *uiProdListData) Statuses() []string {
	return []string{store.ProductDraft, store.ProductActive, store.ProductRetired}
}

// One product.

type uiProdData struct {
	Product   *store.Product
	V         *store.ProductVersion // the version shown
	Latest    *store.ProductVersion
	CanManage bool
	Providers map[int64]string
	Rate      *rating.Result // the test bench's result
	RateSum   int64
	RateNo    int // the version the bench rates
}

func (s *Server) prodPage(w http.ResponseWriter, r *http.Request, status int, form string, formErr error, rate *rating.Result) {
	p := s.newPage(r, "ui.prod.title", "products")
	ctx := r.Context()
	id, err := pathID(r, "pid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiProdData{}
	if d.Product, err = s.store.GetProduct(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Title = d.Product.Name(p.Lang)
	pr := d.Product
	d.CanManage = prodCanManage(p.P) && pr.InsurerID == p.P.OrgID
	if len(pr.Versions) > 0 {
		d.Latest, d.V = pr.Versions[0], pr.Versions[0]
	}
	want := r.URL.Query().Get("v")
	if r.Method == http.MethodPost {
		want = r.PostFormValue("number")
	}
	for _, v := range pr.Versions {
		if strconv.Itoa(v.Number) == want {
			d.V = v
		}
	}
	if d.V == nil {
		s.writeError(w, r, anbao.ErrNotFound("product_version"))
		return
	}
	d.RateNo = d.V.Number
	d.Providers = map[int64]string{}
	if len(d.V.Definition.Providers) > 0 {
		if provs, err := s.store.ActiveProviders(ctx); err == nil {
			for _, o := range provs {
				d.Providers[o.ID] = o.Name(p.Lang)
			}
		}
	}
	if rate != nil {
		d.Rate = rate
		for _, st := range rate.Trail {
			d.RateSum += st.Effect
		}
	}
	// Every form but the bench's has no fields: p.Form holds the bench's input.
	p.Form = prodRateDefaults(d.V.Rating)
	if form == "rate" {
		p.Form = r.PostForm
	}
	if formErr != nil {
		status = p.setError(form, nil, formErr, s, r)
		p.Err.Field = strings.TrimPrefix(p.Err.Field, "input.")
	}
	p.Data = d
	if form == "rate" && isHX(r) {
		s.renderBlock(w, r, http.StatusOK, "product", "prod-rate-panel", p)
		return
	}
	s.render(w, r, status, "product", p)
}

func (s *Server) uiProduct(w http.ResponseWriter, r *http.Request) {
	s.prodPage(w, r, http.StatusOK, "", nil, nil)
}

// uiProductStep publishes or retires a product.
func (s *Server) uiProductStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "pid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !s.prodParse(w, r) {
			return
		}
		ctx := r.Context()
		if step == "publish" {
			_, err = s.store.PublishProduct(ctx, id, formVersion(r.PostForm))
		} else {
			_, err = s.store.RetireProduct(ctx, id)
		}
		if err != nil {
			if prodPageError(err) {
				s.writeError(w, r, err)
				return
			}
			s.prodPage(w, r, 0, step, err, nil)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/products/%d?ok=saved", id), http.StatusSeeOther)
	}
}

// The test bench.

// prodRateDefaults is the bench's first input: a mid-sized software firm
// with the usual controls, asking for the configuration's reference option.
func prodRateDefaults(c *rating.Config) url.Values {
	v := url.Values{"industry": {"65"}, "revenue": {"10000000"}, "grade": {"B"}, "claims": {"0"},
		"controls": {"mfa", "edr", "offline_backups"}, "limit": {"1000000"}, "retention": {"10000"}}
	if c != nil && c.ReferenceLimit > 0 {
		v.Set("limit", formatAmount(c.ReferenceLimit, "yuan"))
		v.Set("retention", formatAmount(c.ReferenceRetention, "yuan"))
	}
	return v
}

// prodRateInput reads the bench's form.
func prodRateInput(f url.Values) (*rating.Input, error) {
	pf := &prodForm{f: f}
	in := &rating.Input{Industry: pf.str("industry"), Revenue: pf.money("revenue", true), Grade: pf.str("grade"),
		CII: pf.on("cii"), Controls: []string{}, Claims: pf.integer("claims", false), ExpectedLoss: -1,
		Limit: pf.money("limit", true), Retention: pf.money("retention", false)}
	for _, c := range f["controls"] {
		if c = strings.TrimSpace(c); c != "" {
			in.Controls = append(in.Controls, c)
		}
	}
	if pf.str("expected_loss") != "" {
		in.ExpectedLoss = pf.money("expected_loss", false)
	}
	return in, pf.err
}

func (s *Server) uiProductRate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "pid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.prodParse(w, r) {
		return
	}
	number, _ := strconv.Atoi(r.PostFormValue("number"))
	in, err := prodRateInput(r.PostForm)
	var res *rating.Result
	if err == nil {
		res, err = s.store.RatePreview(r.Context(), id, number, in)
		if err != nil && prodPageError(err) {
			s.writeError(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusBadRequest
	}
	s.prodPage(w, r, status, "rate", err, res)
}

// Template helpers of the product page.

func (d *uiProdData) Grades() []string { return []string{"A", "B", "C", "D", "E"} }

// CanPublish reports whether the latest version is a draft that may be published.
func (d *uiProdData) CanPublish() bool {
	return d.CanManage && d.Latest != nil && d.Latest.Status == store.VersionDraft && d.Product.Status != store.ProductRetired
}

// CanEdit reports whether the product's draft may be edited.
func (d *uiProdData) CanEdit() bool { return d.CanManage && d.Product.Status != store.ProductRetired }

// ProviderName names an approved provider, or shows its id when it is no longer active.
func (d *uiProdData) ProviderName(id int64) string {
	if n, ok := d.Providers[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// uiProdClass is one hazard class of the rate table.
type uiProdClass struct {
	No         int
	Industries []string
	Default    bool
	Rates      []int64
}

// Classes are the rows of the base-rate table.
func (d *uiProdData) Classes() []uiProdClass {
	c := d.V.Rating
	inds := map[int][]string{}
	for code, class := range c.IndustryClasses {
		inds[class] = append(inds[class], code)
	}
	out := make([]uiProdClass, len(c.BaseRates))
	for i, row := range c.BaseRates {
		sort.Strings(inds[i+1])
		out[i] = uiProdClass{No: i + 1, Industries: inds[i+1], Default: c.DefaultClass == i+1, Rates: row}
	}
	return out
}

// BandLabel names revenue band j by its upper bound, "≤ ¥5,000,000"; the
// last band also holds every revenue above its bound, so it reads "> " the
// bound before it.
func (d *uiProdData) BandLabel(j int) string {
	b := d.V.Rating.RevenueBands
	if j == len(b)-1 && j > 0 {
		return "> ¥" + prodYuanShort(b[j-1])
	}
	return "≤ ¥" + prodYuanShort(b[j])
}

// prodYuanShort writes 分 as yuan, without decimals when there are none: 5,000,000 or 1,234.50.
func prodYuanShort(fen int64) string {
	if fen%100 == 0 {
		return strings.TrimSuffix(fmtYuan(fen), ".00")
	}
	return fmtYuan(fen)
}

// GradeKeys lists the grades priced, in order.
func (d *uiProdData) GradeKeys() []string {
	var out []string
	for _, g := range d.Grades() {
		if _, ok := d.V.Rating.GradeFactors[g]; ok {
			out = append(out, g)
		}
	}
	return out
}

// When describes a rule's condition in the page's language.
func (d *uiProdData) When(p *uiPage, w rating.When) string {
	var parts []string
	sep := "、"
	if p.En() {
		sep = ", "
	}
	if len(w.Industries) > 0 {
		parts = append(parts, p.T("ui.prod.when.industries", strings.Join(w.Industries, sep)))
	}
	lo, hi := "¥"+prodYuanShort(w.RevenueMin), "¥"+prodYuanShort(w.RevenueMax)
	switch {
	case w.RevenueMin > 0 && w.RevenueMax > 0:
		parts = append(parts, p.T("ui.prod.when.revenue", lo, hi))
	case w.RevenueMin > 0:
		parts = append(parts, p.T("ui.prod.when.revenue_min", lo))
	case w.RevenueMax > 0:
		parts = append(parts, p.T("ui.prod.when.revenue_max", hi))
	}
	if w.LimitMin > 0 {
		parts = append(parts, p.T("ui.prod.when.limit_min", "¥"+prodYuanShort(w.LimitMin)))
	}
	if len(w.Grades) > 0 {
		parts = append(parts, p.T("ui.prod.when.grades", strings.Join(w.Grades, sep)))
	}
	if len(w.MissingAny) > 0 {
		names := make([]string, len(w.MissingAny))
		for i, c := range w.MissingAny {
			names[i] = p.ControlName(c)
		}
		parts = append(parts, p.T("ui.prod.when.missing_any", strings.Join(names, sep)))
	}
	if w.ClaimsMin > 0 {
		parts = append(parts, p.T("ui.prod.when.claims_min", w.ClaimsMin))
	}
	if w.HasReferral {
		parts = append(parts, p.T("ui.prod.when.has_referral"))
	}
	if w.CII != nil {
		if *w.CII {
			parts = append(parts, p.T("ui.prod.when.cii"))
		} else {
			parts = append(parts, p.T("ui.prod.when.not_cii"))
		}
	}
	if w.ProductService {
		parts = append(parts, p.T("ui.prod.when.product_service"))
	}
	if len(parts) == 0 {
		return p.T("ui.prod.when.always")
	}
	return strings.Join(parts, p.T("ui.prod.when.and"))
}

// Then describes a rule's action in the page's language.
func (d *uiProdData) Then(p *uiPage, a rating.Action) string {
	cov := covName(p.Lang, a.Coverage)
	switch a.Kind {
	case rating.ActWaitingPeriod:
		mode := ""
		if a.WaitingMode != "" {
			mode = p.T("ui.prod.waiting_mode." + a.WaitingMode)
		}
		return p.T("ui.prod.then.waiting_period", cov, a.Hours, mode)
	case rating.ActRetentionFloor, rating.ActLimitCap:
		return p.T("ui.prod.then."+a.Kind, "¥"+prodYuanShort(a.Amount))
	case rating.ActSublimitCap, rating.ActDeductible:
		return p.T("ui.prod.then."+a.Kind, cov, "¥"+prodYuanShort(a.Amount))
	case rating.ActCoinsurance:
		return p.T("ui.prod.then.coinsurance", cov, pctBP(a.BP))
	case rating.ActRemoveCoverage:
		return p.T("ui.prod.then.remove_coverage", cov)
	case rating.ActSurcharge:
		return p.T("ui.prod.then.surcharge", fmtFactor(a.BP))
	case rating.ActRefer, rating.ActDecline:
		return p.T("ui.prod.then." + a.Kind)
	}
	return a.Kind
}

// Side is a coverage's side: first_party or third_party.
func (d *uiProdData) Side(code string) string {
	k, _ := cover.Kind(code)
	return string(k.Side)
}

// Cov names a coverage in the page's language.
func (d *uiProdData) Cov(p *uiPage, code string) string { return covName(p.Lang, code) }

// OverrideField names the term a rule changed.
func (d *uiProdData) OverrideField(p *uiPage, field string) string {
	switch field {
	case "limit":
		return p.T("ui.prod.f.rate_limit")
	case "retention":
		return p.T("ui.prod.f.rate_retention")
	}
	rest, ok := strings.CutPrefix(field, "coverages.")
	if !ok {
		return field
	}
	code, attr, _ := strings.Cut(rest, ".")
	if attr == "" {
		return covName(p.Lang, code)
	}
	switch attr {
	case "coinsurance_bp":
		attr = "coinsurance_short"
	case "sublimit", "deductible":
		attr += "_short"
	}
	if k := "ui.prod.f." + attr; i18n.Has(p.Lang, k) {
		return covName(p.Lang, code) + " · " + p.T(k)
	}
	return covName(p.Lang, code) + " · " + attr
}

// OvValue names a requested or applied value of an override where it is a
// word (a coverage included or removed, a waiting mode); amounts stay as they are.
func (d *uiProdData) OvValue(p *uiPage, v string) string {
	for _, k := range []string{"ui.prod.ovval." + v, "ui.prod.waiting_mode." + v} {
		if i18n.Has(p.Lang, k) {
			return p.T(k)
		}
	}
	return v
}

// ELMode names the expected-loss mode.
func (d *uiProdData) ELMode(p *uiPage) string {
	return p.T("ui.prod.el." + d.V.Rating.ExpectedLoss.Mode)
}

// MaxClaims shows the envelope's claim bound.
func (d *uiProdData) MaxClaims() string {
	if mc := d.V.Rating.Envelope.MaxClaims; mc != nil {
		return strconv.Itoa(*mc)
	}
	return "—"
}

// Join lists values for a table cell.
func (d *uiProdData) Join(vs []string) string {
	if len(vs) == 0 {
		return "—"
	}
	return strings.Join(vs, ", ")
}
