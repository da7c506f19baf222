package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// The product designer's form: parsing the posted fields into a product
// version, filling the form from one, and the create and draft handlers.

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
	d.NoticeHours = pf.integer("notice_hours", false)
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
	if d.NoticeHours != 0 {
		v.Set("notice_hours", strconv.Itoa(d.NoticeHours))
	}
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
