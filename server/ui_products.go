package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/ui"
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
	base, ok := u.pages["error"]
	if !ok {
		return errors.New("ui: no base page to clone for products")
	}
	for name, src := range prodPages {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.Funcs(prodFuncs).ParseFS(ui.Templates(), "templates/product_parts.html"); err != nil {
			return fmt.Errorf("ui template %s: %w", name, err)
		}
		if strings.HasPrefix(src, "templates/") {
			t, err = t.ParseFS(ui.Templates(), src)
		} else {
			t, err = t.Parse(src)
		}
		if err != nil {
			return fmt.Errorf("ui template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	return nil
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

// Input parsing. The store validates every value; these only turn text into
// numbers, refusing anything that is not exactly one.

var (
	prodFactorRE = regexp.MustCompile(`^\d{1,2}(\.\d{1,4})?$`)
	prodPctRE    = regexp.MustCompile(`^\d{1,3}(\.\d{1,2})?$`)
	prodIntRE    = regexp.MustCompile(`^\d{1,9}$`)
)

// prodDecimal reads a decimal with at most scale decimals as an integer of
// 10^-scale units ("1.35", 4 → 13500).
func prodDecimal(s string, scale int) int {
	whole, frac, _ := strings.Cut(s, ".")
	frac += strings.Repeat("0", scale-len(frac))
	w, _ := strconv.Atoi(whole)
	f, _ := strconv.Atoi(frac)
	mul := 1
	for range scale {
		mul *= 10
	}
	return w*mul + f
}

// prodForm reads the fields of one posted form, remembering the first problem.
type prodForm struct {
	f   url.Values
	err error
}

func (pf *prodForm) fail(name, key string, args ...any) {
	if pf.err == nil {
		pf.err = anbao.FieldError(name, key, args...)
	}
}

func (pf *prodForm) str(name string) string { return strings.TrimSpace(pf.f.Get(name)) }
func (pf *prodForm) on(name string) bool    { return formBool(pf.f.Get(name)) }

// money reads an amount in 元; an empty optional field is 0.
func (pf *prodForm) money(name string, required bool) int64 {
	v := pf.str(name)
	if v == "" {
		if required {
			pf.fail(name, "ui.prod.err.required")
		}
		return 0
	}
	fen, ok := parseYuan(v)
	if !ok {
		pf.fail(name, "ui.prod.err.money", v)
	}
	return fen
}

// integer reads a whole number; an empty optional field is 0.
func (pf *prodForm) integer(name string, required bool) int {
	v := pf.str(name)
	if v == "" {
		if required {
			pf.fail(name, "ui.prod.err.required")
		}
		return 0
	}
	if !prodIntRE.MatchString(v) {
		pf.fail(name, "ui.prod.err.integer", v)
		return 0
	}
	n, _ := strconv.Atoi(v)
	return n
}

// factor reads a factor typed as a decimal (×1.35) in basis points.
func (pf *prodForm) factor(name string) int {
	v := strings.TrimLeft(pf.str(name), "×xX")
	if !prodFactorRE.MatchString(v) {
		pf.fail(name, "ui.prod.err.factor", pf.str(name))
		return 0
	}
	return prodDecimal(v, 4)
}

// percent reads a percentage (20 or 20.5 or 20%) in basis points; empty is 0.
func (pf *prodForm) percent(name string) int {
	v := strings.TrimSpace(strings.TrimSuffix(pf.str(name), "%"))
	if v == "" {
		return 0
	}
	if !prodPctRE.MatchString(v) {
		pf.fail(name, "ui.prod.err.percent", pf.str(name))
		return 0
	}
	return prodDecimal(v, 2)
}

// rows is the number of rows of a repeated group: one more than the highest
// index N among the fields named prefix.N(.…).
func (pf *prodForm) rows(prefix string) int {
	n := 0
	for k := range pf.f {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < 200 && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// blank reports whether every named field is empty.
func (pf *prodForm) blank(names ...string) bool {
	for _, n := range names {
		if pf.str(n) != "" {
			return false
		}
	}
	return true
}

// The rating configuration is edited in two parts: the tables (revenue
// bands, hazard classes with their industries and base rates, reference
// option, limit and retention curves) as inputs, the rest as JSON.
var prodTableKeys = []string{"revenue_bands", "industry_classes", "default_class", "base_rates",
	"reference_limit", "reference_retention", "limit_factors", "retention_factors"}

// prodFormMap remembers where each element of the parsed input came from, to
// put the store's errors (definition.coverages[2].sublimit) on their inputs.
type prodFormMap struct {
	covs, excls, ents     []string
	conts, bands, classes []int
	ilf, ret              []int
	industry              map[string]int // industry code → class row
}

// parseProductForm reads the designer's form.
func parseProductForm(f url.Values) (store.ProductInput, *prodFormMap, error) {
	pf := &prodForm{f: f}
	m := &prodFormMap{industry: map[string]int{}}
	in := store.ProductInput{Code: pf.str("code"), NameZH: pf.str("name_zh"), NameEN: pf.str("name_en")}
	in.RegistrationNo = pf.str("registration_no")
	d := &in.Definition
	d.Type = cover.ProductType(pf.str("type"))
	if d.Type == cover.TypeProductService {
		d.SecurityProduct = pf.str("security_product")
	}
	d.MinLimit = pf.money("min_limit", true)
	d.MaxLimit = pf.money("max_limit", true)
	d.MinRetention = pf.money("min_retention", false)
	d.TermMonths = pf.integer("term_months", true)
	d.QuoteValidDays = pf.integer("quote_valid_days", true)
	d.Coverages, d.Exclusions, d.Providers, d.Entitlements, d.Contingencies =
		[]cover.Coverage{}, []cover.ClauseRef{}, []int64{}, []cover.Entitlement{}, []cover.ContingencyTemplate{}
	for _, k := range cover.Kinds {
		p := "cov." + k.Code + "."
		if !pf.on(p + "on") {
			continue
		}
		c := cover.Coverage{Code: k.Code, Trigger: cover.Trigger(pf.str(p + "trigger")), Outside: pf.on(p + "outside"),
			Sublimit: pf.money(p+"sublimit", false), Deductible: pf.money(p+"deductible", false),
			CoinsuranceBP: pf.percent(p + "coinsurance"), ReportingDays: pf.integer(p+"reporting_days", false)}
		if k.BI {
			c.WaitingHours = pf.integer(p+"waiting_hours", false)
			c.WaitingMode = pf.str(p + "waiting_mode")
			c.IndemnityDays = pf.integer(p+"indemnity_days", false)
		}
		if k.Liability {
			c.DefenceInside = pf.on(p + "defence_inside")
		}
		d.Coverages = append(d.Coverages, c)
		m.covs = append(m.covs, k.Code)
	}
	for _, code := range f["excl"] {
		v, err := strconv.Atoi(f.Get("excl." + code + ".version"))
		if err != nil {
			pf.fail("excl."+code, "ui.prod.err.integer", f.Get("excl."+code+".version"))
		}
		d.Exclusions = append(d.Exclusions, cover.ClauseRef{Code: code, Version: v})
		m.excls = append(m.excls, code)
	}
	for _, v := range f["provider"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			pf.fail("providers", "ui.prod.err.integer", v)
			continue
		}
		d.Providers = append(d.Providers, id)
	}
	for _, svc := range cover.ServiceKinds {
		p := "ent." + svc + "."
		if !pf.on(p + "on") {
			continue
		}
		d.Entitlements = append(d.Entitlements, cover.Entitlement{Service: svc, Unit: pf.str(p + "unit"),
			Quantity: pf.integer(p+"quantity", true), ValueFen: pf.money(p+"value", false)})
		m.ents = append(m.ents, svc)
	}
	for i := range pf.rows("cont.") {
		p := "cont." + strconv.Itoa(i) + "."
		if pf.blank(p+"text_zh", p+"text_en", p+"due_days") {
			continue
		}
		d.Contingencies = append(d.Contingencies, cover.ContingencyTemplate{Kind: pf.str(p + "kind"), TextZH: pf.str(p + "text_zh"),
			TextEN: pf.str(p + "text_en"), DueDays: pf.integer(p+"due_days", false)})
		m.conts = append(m.conts, i)
	}
	in.Rating = *parseRatingForm(pf, m)
	return in, m, pf.err
}

// parseRatingForm reads the rate tables and the JSON of the rest of the configuration.
func parseRatingForm(pf *prodForm, m *prodFormMap) *rating.Config {
	cfg := &rating.Config{}
	if raw := strings.TrimSpace(pf.f.Get("rating_json")); raw != "" {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal([]byte(raw), &keys); err != nil {
			pf.fail("rating_json", "ui.prod.err.json", err.Error())
			return cfg
		}
		for _, k := range prodTableKeys {
			if _, ok := keys[k]; ok {
				pf.fail("rating_json", "ui.prod.err.json_table", k)
				return cfg
			}
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(cfg); err != nil {
			pf.fail("rating_json", "ui.prod.err.json", err.Error())
			return cfg
		}
	}
	// Bands are columns, classes rows; a column or a row left wholly blank is dropped.
	cols := max(pf.rows("rt.band."), prodMaxCol(pf))
	rows := pf.rows("rt.class.")
	cell := func(i, j int) string { return "rt.base." + strconv.Itoa(i) + "." + strconv.Itoa(j) }
	for j := range cols {
		names := []string{"rt.band." + strconv.Itoa(j)}
		for i := range rows {
			names = append(names, cell(i, j))
		}
		if pf.blank(names...) {
			continue
		}
		cfg.RevenueBands = append(cfg.RevenueBands, pf.money("rt.band."+strconv.Itoa(j), true))
		m.bands = append(m.bands, j)
	}
	cfg.IndustryClasses = map[string]int{}
	for i := range rows {
		ind := "rt.class." + strconv.Itoa(i) + ".ind"
		names := []string{ind}
		for _, j := range m.bands {
			names = append(names, cell(i, j))
		}
		if pf.blank(names...) {
			continue
		}
		row := make([]int64, 0, len(m.bands))
		for _, j := range m.bands {
			row = append(row, pf.money(cell(i, j), true))
		}
		cfg.BaseRates = append(cfg.BaseRates, row)
		m.classes = append(m.classes, i)
		class := len(cfg.BaseRates)
		for _, code := range splitList(strings.ToUpper(pf.f.Get(ind))) {
			if _, dup := cfg.IndustryClasses[code]; dup {
				pf.fail(ind, "ui.prod.err.industry_twice", code)
			}
			cfg.IndustryClasses[code] = class
			m.industry[code] = i
		}
		if pf.str("rt.default_class") == strconv.Itoa(i) {
			cfg.DefaultClass = class
		}
	}
	cfg.ReferenceLimit = pf.money("rt.ref_limit", true)
	cfg.ReferenceRetention = pf.money("rt.ref_retention", false)
	curve := func(prefix string, rowsOut *[]int) []rating.Point {
		pts := []rating.Point{}
		for k := range pf.rows(prefix) {
			p := prefix + strconv.Itoa(k) + "."
			if pf.blank(p+"amount", p+"factor") {
				continue
			}
			amount := pf.money(p+"amount", false)
			if pf.str(p+"amount") == "" {
				pf.fail(p+"amount", "ui.prod.err.required")
			}
			pts = append(pts, rating.Point{Amount: amount, Factor: pf.factor(p + "factor")})
			*rowsOut = append(*rowsOut, k)
		}
		return pts
	}
	cfg.LimitFactors = curve("rt.ilf.", &m.ilf)
	cfg.RetentionFactors = curve("rt.ret.", &m.ret)
	return cfg
}

// prodMaxCol is the number of base-rate columns posted.
func prodMaxCol(pf *prodForm) int {
	n := 0
	for k := range pf.f {
		rest, ok := strings.CutPrefix(k, "rt.base.")
		if !ok {
			continue
		}
		_, col, _ := strings.Cut(rest, ".")
		if j, err := strconv.Atoi(col); err == nil && j >= 0 && j < 50 && j+1 > n {
			n = j + 1
		}
	}
	return n
}

var prodIndexRE = regexp.MustCompile(`^([a-z_]+)\[(\d+)\](?:\[(\d+)\])?(?:\.([a-z_]+))?$`)

// input names the form input that carries a field of the store's error, and
// for a field of the JSON part the path to name in the message.
func (m *prodFormMap) input(field string) (name, path string) {
	f := strings.TrimPrefix(field, "definition.")
	idx := func(list []int, i int) (string, bool) {
		if i < len(list) {
			return strconv.Itoa(list[i]), true
		}
		return "", false
	}
	if rest, ok := strings.CutPrefix(f, "rating."); ok {
		switch {
		case rest == "revenue_bands" || rest == "base_rates":
			return "rt.table", ""
		case rest == "default_class":
			return "rt.default_class", ""
		case rest == "reference_limit":
			return "rt.ref_limit", ""
		case rest == "reference_retention":
			return "rt.ref_retention", ""
		case rest == "limit_factors":
			return "rt.ilf", ""
		case rest == "retention_factors":
			return "rt.ret", ""
		case strings.HasPrefix(rest, "industry_classes."):
			if row, ok := m.industry[strings.TrimPrefix(rest, "industry_classes.")]; ok {
				return "rt.class." + strconv.Itoa(row) + ".ind", ""
			}
			return "rt.table", ""
		}
		if g := prodIndexRE.FindStringSubmatch(rest); g != nil {
			i, _ := strconv.Atoi(g[2])
			switch g[1] {
			case "revenue_bands":
				if j, ok := idx(m.bands, i); ok {
					return "rt.band." + j, ""
				}
			case "base_rates":
				r, ok := idx(m.classes, i)
				if !ok {
					break
				}
				if g[3] == "" {
					return "rt.class." + r + ".ind", ""
				}
				j, _ := strconv.Atoi(g[3])
				if c, ok := idx(m.bands, j); ok {
					return "rt.base." + r + "." + c, ""
				}
			case "limit_factors", "retention_factors":
				list, prefix := m.ilf, "rt.ilf."
				if g[1] == "retention_factors" {
					list, prefix = m.ret, "rt.ret."
				}
				if k, ok := idx(list, i); ok && g[4] != "" {
					return prefix + k + "." + g[4], ""
				}
			}
		}
		return "rating_json", rest
	}
	if g := prodIndexRE.FindStringSubmatch(f); g != nil {
		i, _ := strconv.Atoi(g[2])
		attr := g[4]
		switch g[1] {
		case "coverages":
			if i < len(m.covs) {
				switch attr {
				case "", "code":
					attr = "on"
				case "coinsurance_bp":
					attr = "coinsurance"
				}
				return "cov." + m.covs[i] + "." + attr, ""
			}
		case "exclusions":
			if i < len(m.excls) {
				return "excl." + m.excls[i], ""
			}
		case "providers":
			return "providers", ""
		case "entitlements":
			if i < len(m.ents) {
				if attr == "value_fen" {
					attr = "value"
				}
				return "ent." + m.ents[i] + "." + attr, ""
			}
		case "contingencies":
			if r, ok := idx(m.conts, i); ok {
				return "cont." + r + "." + attr, ""
			}
		}
	}
	return f, ""
}

// prodFormValues fills the designer's form from a stored (or seed) version.
func prodFormValues(pr *store.Product, regNo string, d *cover.Definition, c *rating.Config) url.Values {
	v := url.Values{}
	if pr != nil {
		v.Set("code", pr.Code)
		v.Set("name_zh", pr.NameZH)
		v.Set("name_en", pr.NameEN)
		v.Set("version", strconv.Itoa(pr.Version))
	}
	y := func(fen int64) string { return formatAmount(fen, "yuan") }
	v.Set("registration_no", regNo)
	v.Set("type", string(d.Type))
	v.Set("security_product", d.SecurityProduct)
	v.Set("min_limit", y(d.MinLimit))
	v.Set("max_limit", y(d.MaxLimit))
	v.Set("min_retention", y(d.MinRetention))
	v.Set("term_months", strconv.Itoa(d.TermMonths))
	v.Set("quote_valid_days", strconv.Itoa(d.QuoteValidDays))
	for _, c := range d.Coverages {
		p := "cov." + c.Code + "."
		v.Set(p+"on", "on")
		if c.Sublimit != 0 {
			v.Set(p+"sublimit", y(c.Sublimit))
		}
		if c.Outside {
			v.Set(p+"outside", "on")
		}
		if c.Deductible != 0 {
			v.Set(p+"deductible", y(c.Deductible))
		}
		if c.WaitingHours != 0 {
			v.Set(p+"waiting_hours", strconv.Itoa(c.WaitingHours))
		}
		v.Set(p+"waiting_mode", c.WaitingMode)
		if c.IndemnityDays != 0 {
			v.Set(p+"indemnity_days", strconv.Itoa(c.IndemnityDays))
		}
		if c.CoinsuranceBP != 0 {
			v.Set(p+"coinsurance", prodPctInput(c.CoinsuranceBP))
		}
		v.Set(p+"trigger", string(c.Trigger))
		if c.ReportingDays != 0 {
			v.Set(p+"reporting_days", strconv.Itoa(c.ReportingDays))
		}
		if c.DefenceInside {
			v.Set(p+"defence_inside", "on")
		}
	}
	for _, x := range d.Exclusions {
		v.Add("excl", x.Code)
		v.Set("excl."+x.Code+".version", strconv.Itoa(x.Version))
	}
	for _, id := range d.Providers {
		v.Add("provider", strconv.FormatInt(id, 10))
	}
	for _, e := range d.Entitlements {
		p := "ent." + e.Service + "."
		v.Set(p+"on", "on")
		v.Set(p+"unit", e.Unit)
		v.Set(p+"quantity", strconv.Itoa(e.Quantity))
		v.Set(p+"value", y(e.ValueFen))
	}
	for i, ct := range d.Contingencies {
		p := "cont." + strconv.Itoa(i) + "."
		v.Set(p+"kind", ct.Kind)
		v.Set(p+"text_zh", ct.TextZH)
		v.Set(p+"text_en", ct.TextEN)
		v.Set(p+"due_days", strconv.Itoa(ct.DueDays))
	}
	if c == nil {
		return v
	}
	for j, b := range c.RevenueBands {
		v.Set("rt.band."+strconv.Itoa(j), y(b))
	}
	inds := map[int][]string{}
	for code, class := range c.IndustryClasses {
		inds[class] = append(inds[class], code)
	}
	for i, row := range c.BaseRates {
		sort.Strings(inds[i+1])
		v.Set("rt.class."+strconv.Itoa(i)+".ind", strings.Join(inds[i+1], ", "))
		for j, r := range row {
			v.Set("rt.base."+strconv.Itoa(i)+"."+strconv.Itoa(j), y(r))
		}
	}
	if c.DefaultClass > 0 {
		v.Set("rt.default_class", strconv.Itoa(c.DefaultClass-1))
	}
	v.Set("rt.ref_limit", y(c.ReferenceLimit))
	v.Set("rt.ref_retention", y(c.ReferenceRetention))
	for k, pt := range c.LimitFactors {
		v.Set("rt.ilf."+strconv.Itoa(k)+".amount", y(pt.Amount))
		v.Set("rt.ilf."+strconv.Itoa(k)+".factor", prodFactorInput(pt.Factor))
	}
	for k, pt := range c.RetentionFactors {
		v.Set("rt.ret."+strconv.Itoa(k)+".amount", y(pt.Amount))
		v.Set("rt.ret."+strconv.Itoa(k)+".factor", prodFactorInput(pt.Factor))
	}
	v.Set("rating_json", prodRestJSON(c))
	return v
}

// prodRestJSON is the configuration without its tables, indented for the textarea.
func prodRestJSON(c *rating.Config) string {
	b, err := json.Marshal(c)
	if err != nil {
		return "{}"
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return "{}"
	}
	for _, k := range prodTableKeys {
		delete(all, k)
	}
	b, _ = json.Marshal(all)
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

func prodFactorInput(bp int) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%04d", bp/10000, bp%10000), "0"), ".")
}

func prodPctInput(bp int) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), ".")
}

// pctBP writes basis points as a percentage: 2000 → 20.00%.

// Labels shared by the pages.

// prodFieldLabel names a form input for the error summary.
func prodFieldLabel(p *uiPage, name string) string {
	parts := strings.Split(name, ".")
	attr := func(a string) string {
		if k := "ui.prod.f." + a; i18n.Has(p.Lang, k) {
			return p.T(k)
		}
		return a
	}
	num := func(s string) string { n, _ := strconv.Atoi(s); return strconv.Itoa(n + 1) }
	switch {
	case len(parts) == 3 && parts[0] == "cov":
		return covName(p.Lang, parts[1]) + " · " + attr(parts[2])
	case len(parts) == 3 && parts[0] == "ent":
		return p.T("ui.prod.service."+parts[1]) + " · " + attr(parts[2])
	case len(parts) == 2 && parts[0] == "excl":
		return p.T("ui.prod.exclusions") + " · " + parts[1]
	case len(parts) == 3 && parts[0] == "cont":
		return p.T("ui.prod.contingency_no", num(parts[1])) + " · " + attr(parts[2])
	case len(parts) == 3 && parts[0] == "rt" && parts[1] == "band":
		return p.T("ui.prod.rt.band_no", num(parts[2]))
	case len(parts) == 4 && parts[0] == "rt" && parts[1] == "class":
		return p.T("ui.prod.rt.class_no", num(parts[2])) + " · " + p.T("ui.prod.rt.industries")
	case len(parts) == 4 && parts[0] == "rt" && parts[1] == "base":
		return p.T("ui.prod.rt.base_rates") + " · " + p.T("ui.prod.rt.class_no", num(parts[2])) + " · " + p.T("ui.prod.rt.band_no", num(parts[3]))
	case len(parts) == 4 && parts[0] == "rt" && (parts[1] == "ilf" || parts[1] == "ret"):
		return p.T("ui.prod.rt."+parts[1]) + " #" + num(parts[2]) + " · " + attr(parts[3])
	case len(parts) == 2 && parts[0] == "rt":
		return attr("rt_" + parts[1])
	}
	return attr(name)
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

// The designer's form.

type uiProdClause struct {
	Code, TitleZH, TitleEN string
	Versions               []int // newest first
}

type uiProdFormData struct {
	Product   *store.Product // nil for a new product
	Action    string
	Clauses   []uiProdClause
	Providers []*anbao.Organisation
	TypeFixed bool // published: the type may no longer change
	// Rows of the repeated groups to draw (one blank more than used).
	Bands, Classes, ILF, Ret, Conts []int
	ErrLabel, ErrAnchor             string
}

func (d *uiProdFormData) Kinds() []cover.CoverageKind { return cover.Kinds }
func (d *uiProdFormData) Services() []string          { return cover.ServiceKinds }
func (d *uiProdFormData) Types() []cover.ProductType  { return cover.ProductTypes }
func (d *uiProdFormData) SecurityProducts() []string  { return cover.SecurityProducts }
func (d *uiProdFormData) Units() []string {
	return []string{cover.UnitTimes, cover.UnitHours, cover.UnitDays}
}
func (d *uiProdFormData) Triggers() []cover.Trigger {
	return []cover.Trigger{cover.Discovered, cover.ClaimsMade, cover.Occurrence}
}
func (d *uiProdFormData) WaitModes() []string {
	return []string{cover.WaitTimeDeductible, cover.WaitTrigger}
}
func (d *uiProdFormData) ContKinds() []string { return []string{cover.PreBind, cover.PostBind} }

// prodUsed is the number of rows of a group that hold a value, plus a blank one.
func prodUsed(v url.Values, prefix string, minRows int) []int {
	n := 0
	for k, vs := range v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		idx, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < 200 && i+1 > n {
			n = i + 1
		}
	}
	out := make([]int, max(n+1, minRows))
	for i := range out {
		out[i] = i
	}
	return out
}

// prodBandCols counts the base-rate columns holding a value, plus a blank one.
func prodBandCols(v url.Values) []int {
	n := len(prodUsed(v, "rt.band.", 0)) - 1
	for k, vs := range v {
		rest, ok := strings.CutPrefix(k, "rt.base.")
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		_, col, _ := strings.Cut(rest, ".")
		if j, err := strconv.Atoi(col); err == nil && j >= 0 && j < 50 && j+1 > n {
			n = j + 1
		}
	}
	out := make([]int, n+1)
	for i := range out {
		out[i] = i
	}
	return out
}

// prodFormPage shows the designer's form with p.Form filled (stored or posted values).
func (s *Server) prodFormPage(w http.ResponseWriter, r *http.Request, status int, p *uiPage, pr *store.Product, formErr error, m *prodFormMap) {
	ctx := r.Context()
	d := &uiProdFormData{Product: pr, Action: "/products/new"}
	if pr != nil {
		d.Action = fmt.Sprintf("/products/%d/draft", pr.ID)
		d.TypeFixed = pr.PublishedVersion > 0
	}
	clauses, err := s.store.ListClauses(ctx, p.P.OrgID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, c := range clauses {
		if n := len(d.Clauses); n > 0 && d.Clauses[n-1].Code == c.Code {
			last := &d.Clauses[n-1]
			last.Versions = append([]int{c.Version}, last.Versions...)
			last.TitleZH, last.TitleEN = c.TitleZH, c.TitleEN
			continue
		}
		d.Clauses = append(d.Clauses, uiProdClause{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN, Versions: []int{c.Version}})
	}
	if d.Providers, err = s.store.ActiveProviders(ctx); err != nil {
		s.writeError(w, r, err)
		return
	}
	if formErr != nil {
		status = p.setError("product", r.PostForm, formErr, s, r)
		if m == nil {
			m = &prodFormMap{industry: map[string]int{}}
		}
		if p.Err.Field != "" {
			name, path := m.input(p.Err.Field)
			p.Err.Field = name
			if path != "" {
				p.Err.Message = path + ": " + p.Err.Message
			}
			d.ErrLabel, d.ErrAnchor = prodFieldLabel(p, name), "pf-"+name
		}
	}
	v := p.Form
	d.Bands = prodBandCols(v)
	d.Classes = prodUsed(v, "rt.class.", 0)
	if n := len(prodUsed(v, "rt.base.", 0)); n > len(d.Classes) {
		d.Classes = prodUsed(v, "rt.base.", 0)
	}
	d.ILF, d.Ret = prodUsed(v, "rt.ilf.", 3), prodUsed(v, "rt.ret.", 3)
	d.Conts = prodUsed(v, "cont.", 2)
	p.Data = d
	s.render(w, r, status, "prod_form", p)
}

// prodMayDesign refuses the designer's pages to anyone who does not manage products.
func prodMayDesign(p *anbao.Principal) error {
	if err := anbao.Authorize(p, anbao.ActProductManage); err != nil {
		return err
	}
	if p.OrgKind != anbao.KindInsurer {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

func (s *Server) uiProductNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.prod.new", "products")
	if err := prodMayDesign(p.P); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Form = prodFormValues(nil, "", rating.SeedDefinition(), rating.SeedConfig())
	// The seed's exclusions name clauses the library may not hold: the insurer picks its own.
	p.Form.Del("excl")
	s.prodFormPage(w, r, http.StatusOK, p, nil, nil, nil)
}

func (s *Server) uiProductCreate(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.prod.new", "products")
	if err := prodMayDesign(p.P); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.prodParse(w, r) {
		return
	}
	in, m, err := parseProductForm(r.PostForm)
	if err == nil {
		var pr *store.Product
		if pr, err = s.store.CreateProduct(r.Context(), in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/products/%d?ok=saved", pr.ID), http.StatusSeeOther)
			return
		}
		if prodPageError(err) {
			s.writeError(w, r, err)
			return
		}
	}
	s.prodFormPage(w, r, 0, p, nil, err, m)
}

// prodParse parses a posted form (htmx sends the CSRF token as a header, so
// nothing before has read the body); false when it could not be read.
func (s *Server) prodParse(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, r, anbao.Errorf(anbao.ETOOLARGE, "error.body_too_large", tooBig.Limit))
		} else {
			s.writeError(w, r, anbao.Errorf(anbao.EINVALID, "error.bad_query", "form"))
		}
		return false
	}
	return true
}

// prodPageError reports whether a refused step is shown as an error page
// rather than on its form.
func prodPageError(err error) bool {
	switch anbao.ErrorCode(err) {
	case anbao.ENOTFOUND, anbao.EFORBIDDEN, anbao.EUNAUTHORIZED, anbao.EINTERNAL:
		return true
	}
	return false
}

// prodForManager loads a product the principal designs.
func (s *Server) prodForManager(r *http.Request) (*store.Product, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	p := anbao.PrincipalFrom(r.Context())
	if err := prodMayDesign(p); err != nil {
		return nil, err
	}
	pr, err := s.store.GetProduct(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if pr.InsurerID != p.OrgID {
		return nil, anbao.ErrNotFound("product")
	}
	return pr, nil
}

func (s *Server) uiProductDraft(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.prod.edit", "products")
	pr, err := s.prodForManager(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if pr.Status == store.ProductRetired || len(pr.Versions) == 0 {
		s.writeError(w, r, anbao.Errorf(anbao.ECONFLICT, "uw.product.retired"))
		return
	}
	v := pr.Versions[0]
	p.Form = prodFormValues(pr, v.RegistrationNo, v.Definition, v.Rating)
	s.prodFormPage(w, r, http.StatusOK, p, pr, nil, nil)
}

func (s *Server) uiProductSaveDraft(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.prod.edit", "products")
	pr, err := s.prodForManager(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.prodParse(w, r) {
		return
	}
	in, m, err := parseProductForm(r.PostForm)
	if err == nil {
		if _, err = s.store.SaveProductDraft(r.Context(), pr.ID, formVersion(r.PostForm), in.ProductVersionInput); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/products/%d?ok=saved", pr.ID), http.StatusSeeOther)
			return
		}
		if prodPageError(err) {
			s.writeError(w, r, err)
			return
		}
	}
	// The code and names are not part of a draft: show the stored ones.
	r.PostForm.Set("code", pr.Code)
	r.PostForm.Set("name_zh", pr.NameZH)
	r.PostForm.Set("name_en", pr.NameEN)
	s.prodFormPage(w, r, 0, p, pr, err, m)
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

// The clause library.

type uiClauseData struct {
	InsurerID int64
	Insurers  []*anbao.Organisation
	Groups    [][]*store.Clause // by code, newest version first
	Codes     []string
	CanAdd    bool
}

func (s *Server) clausePage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.newPage(r, "ui.prod.clauses", "products")
	ctx := r.Context()
	if err := anbao.Authorize(p.P, anbao.ActProductRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiClauseData{CanAdd: prodCanManage(p.P)}
	if p.P.OrgKind == anbao.KindInsurer {
		d.InsurerID = p.P.OrgID
	} else if v := r.URL.Query().Get("insurer"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.writeError(w, r, anbao.ErrNotFound("insurer"))
			return
		}
		d.InsurerID = n
	}
	if p.P.OrgKind == anbao.KindOperator || p.P.OrgKind == anbao.KindRegulator {
		if l, err := s.store.ListOrganisations(ctx, anbao.OrgFilter{Kind: anbao.KindInsurer, Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err == nil {
			d.Insurers = l.Items
		}
	}
	if d.InsurerID != 0 {
		list, err := s.store.ListClauses(ctx, d.InsurerID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, c := range list {
			if n := len(d.Groups); n > 0 && d.Groups[n-1][0].Code == c.Code {
				d.Groups[n-1] = append([]*store.Clause{c}, d.Groups[n-1]...)
				continue
			}
			d.Groups = append(d.Groups, []*store.Clause{c})
			d.Codes = append(d.Codes, c.Code)
		}
	} else if p.P.OrgKind != anbao.KindOperator && p.P.OrgKind != anbao.KindRegulator {
		s.writeError(w, r, anbao.ErrNotFound("insurer"))
		return
	}
	if formErr != nil {
		status = p.setError("clause", r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "prod_clauses", p)
}

func (s *Server) uiClauses(w http.ResponseWriter, r *http.Request) {
	s.clausePage(w, r, http.StatusOK, nil)
}

func (s *Server) uiClauseAdd(w http.ResponseWriter, r *http.Request) {
	if !s.prodParse(w, r) {
		return
	}
	f := r.PostForm
	c, err := s.store.AddClause(r.Context(), store.ClauseInput{Code: f.Get("code"), TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"),
		TextZH: f.Get("text_zh"), TextEN: f.Get("text_en")})
	if err != nil {
		if prodPageError(err) {
			s.writeError(w, r, err)
			return
		}
		s.clausePage(w, r, 0, err)
		return
	}
	http.Redirect(w, r, "/products/clauses?ok=saved#clause-"+url.PathEscape(c.Code), http.StatusSeeOther)
}

// The underwriter's queue.

type uiUWRow struct {
	Q       *store.Quote
	Product string
	Age     string
}

type uiUWNotice struct {
	N   *store.RiskNotice
	Age string
}

type uiUWData struct {
	Tab                        string
	Referred, Bind             []uiUWRow
	Notices                    []uiUWNotice
	NReferred, NBind, NNotices int
	Pager                      uiPager
}

func (s *Server) uiUnderwriting(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.uwq.title", "underwriting")
	ctx := r.Context()
	if err := anbao.Authorize(p.P, anbao.ActQuoteUnderwrite); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &uiUWData{Tab: q.Get("tab")}
	switch d.Tab {
	case "referred", "bind", "notices":
	default:
		d.Tab = "referred"
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := map[int64]*store.Product{}
	if l, err := s.store.ListProducts(ctx, store.ProductFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err == nil {
		for _, pr := range l.Items {
			names[pr.ID] = pr
		}
	}
	now := s.store.Now()
	rows := func(status string, into *[]uiUWRow, total *int, list bool) error {
		f := store.QuoteFilter{Status: status, Page: anbao.Page{Limit: 1}}
		if list {
			f.Page = pg
		}
		l, err := s.store.ListQuotes(ctx, f)
		if err != nil {
			return err
		}
		*total = l.Total
		if !list {
			return nil
		}
		for _, qt := range l.Items {
			name := qt.ProductName
			if pr, ok := names[qt.ProductID]; ok {
				name = pr.Name(p.Lang)
			}
			since := qt.QuotedAt
			if status == store.QuoteBindRequested && qt.BindRequested != "" {
				since = qt.BindRequested
			}
			if since == "" {
				since = qt.CreatedAt
			}
			*into = append(*into, uiUWRow{Q: qt, Product: name, Age: prodAge(p, since, now)})
		}
		// Oldest first, like the referral queue.
		slices.SortFunc(*into, func(a, b uiUWRow) int { return cmp.Compare(a.Q.ID, b.Q.ID) })
		d.Pager = makePager("/underwriting", q, pg, l.Total, len(l.Items))
		return nil
	}
	if err := rows(store.QuoteReferred, &d.Referred, &d.NReferred, d.Tab == "referred"); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := rows(store.QuoteBindRequested, &d.Bind, &d.NBind, d.Tab == "bind"); err != nil {
		s.writeError(w, r, err)
		return
	}
	notices, err := s.store.ListRiskNotices(ctx, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d.NNotices = len(notices)
	if d.Tab == "notices" {
		for _, n := range notices {
			d.Notices = append(d.Notices, uiUWNotice{N: n, Age: prodAge(p, n.RaisedAt, now)})
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "underwriting", p)
}

// prodAge says how long ago a stored instant was: minutes, hours or days.
func prodAge(p *uiPage, stored string, now time.Time) string {
	t, err := anbao.ParseTime(stored)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, stored); err != nil {
			return "—"
		}
	}
	age := now.Sub(t)
	switch {
	case age < time.Hour:
		return p.T("ui.uwq.age_minutes", max(0, int(age.Minutes())))
	case age < 48*time.Hour:
		return p.T("ui.uwq.age_hours", int(age.Hours()))
	}
	return p.T("ui.uwq.age_days", int(age.Hours()/24))
}

// Reasons are a queued quote's referral reasons in the page's language.
func (d *uiUWData) Reasons(p *uiPage, q *store.Quote) []string {
	out := make([]string, 0, len(q.Reasons))
	for _, r := range q.Reasons {
		out = append(out, p.Pick(r.MessageZH, r.MessageEN))
	}
	return out
}
