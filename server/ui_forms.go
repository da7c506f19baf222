package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
)

// Form parsing shared by the organisation pages. The store validates every
// value; these helpers only turn text into the domain types and report text
// that is not a number at all.

// revenueUnit is the unit revenue is typed in: 万元 in Chinese, yuan in English.
func revenueUnit(lang string) string {
	if lang == "en" {
		return "yuan"
	}
	return "wan"
}

// parseAmount reads a decimal amount in unit ("wan" = 万元, "yuan") as 分,
// exactly: no floating point touches money.
func parseAmount(s, unit string) (int64, bool) {
	s = strings.NewReplacer(",", "", "，", "", " ", "", "_", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, true
	}
	scale := 2 // decimals of a yuan amount down to 分
	if unit == "wan" {
		scale = 6
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 15 || len(frac) > scale || !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	frac += strings.Repeat("0", scale-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	mul := int64(100)
	if unit == "wan" {
		mul = 1_000_000
	}
	return w*mul + f, true
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// formatAmount writes 分 in unit for an input field, without grouping.
func formatAmount(fen int64, unit string) string {
	mul, scale := int64(100), 2
	if unit == "wan" {
		mul, scale = 1_000_000, 6
	}
	s := strconv.FormatInt(fen/mul, 10)
	if r := fen % mul; r != 0 {
		f := strconv.FormatInt(r, 10)
		f = strings.Repeat("0", scale-len(f)) + f
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

// profileFromForm reads the enterprise profile fields.
func profileFromForm(form url.Values) (*anbao.EnterpriseProfile, error) {
	pr := &anbao.EnterpriseProfile{Industry: strings.TrimSpace(form.Get("industry")), Size: anbao.SizeClass(form.Get("size")),
		CII: formBool(form.Get("cii")), Specialised: formBool(form.Get("specialised")), CentralOrgan: formBool(form.Get("central_organ"))}
	unit := form.Get("revenue_unit")
	if unit != "wan" {
		unit = "yuan"
	}
	fen, ok := parseAmount(form.Get("revenue"), unit)
	if !ok {
		return nil, anbao.FieldError("revenue", "ui.err.amount_format")
	}
	pr.RevenueFen = fen
	if e := strings.TrimSpace(strings.ReplaceAll(form.Get("employees"), ",", "")); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil {
			return nil, anbao.FieldError("employees", "ui.err.integer")
		}
		pr.Employees = n
	}
	return pr, nil
}

// orgFromForm reads a new organisation from a registration or creation form.
func orgFromForm(form url.Values, register bool) (*anbao.Organisation, error) {
	o := &anbao.Organisation{Kind: anbao.OrgKind(form.Get("kind")), USCC: form.Get("uscc"), NameZH: form.Get("name_zh"),
		NameEN: form.Get("name_en"), Jurisdiction: form.Get("jurisdiction")}
	if !register {
		o.RequireTOTP = formBool(form.Get("require_totp"))
	}
	if o.Kind == anbao.KindEnterprise {
		pr, err := profileFromForm(form)
		if err != nil {
			return nil, err
		}
		o.Profile = pr
	}
	return o, nil
}

// orgFormValues fills an edit form from a stored organisation.
func orgFormValues(o *anbao.Organisation, lang string) url.Values {
	v := url.Values{}
	v.Set("kind", string(o.Kind))
	v.Set("name_zh", o.NameZH)
	v.Set("name_en", o.NameEN)
	v.Set("jurisdiction", o.Jurisdiction)
	v.Set("version", strconv.Itoa(o.Version))
	if o.RequireTOTP {
		v.Set("require_totp", "on")
	}
	if pr := o.Profile; pr != nil {
		unit := revenueUnit(lang)
		v.Set("revenue_unit", unit)
		v.Set("industry", pr.Industry)
		v.Set("size", string(pr.Size))
		v.Set("revenue", formatAmount(pr.RevenueFen, unit))
		v.Set("employees", strconv.Itoa(pr.Employees))
		for name, on := range map[string]bool{"cii": pr.CII, "specialised": pr.Specialised, "central_organ": pr.CentralOrgan} {
			if on {
				v.Set(name, "on")
			}
		}
	}
	return v
}

// formVersion reads the hidden version field; a missing or garbled one can
// never match, so the store reports a conflict instead of skipping the check.
func formVersion(form url.Values) int {
	n, err := strconv.Atoi(form.Get("version"))
	if err != nil || n <= 0 {
		return -1
	}
	return n
}

// withQuery returns base with the query values, dropping empty ones.
func withQuery(base string, q url.Values) string {
	clean := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if v != "" {
				clean.Add(k, v)
			}
		}
	}
	if len(clean) == 0 {
		return base
	}
	return base + "?" + clean.Encode()
}

// uiPager is the position in a paginated list and the links around it.
type uiPager struct {
	Total, From, To  int
	PrevURL, NextURL string
}

func makePager(base string, q url.Values, pg anbao.Page, total, shown int) uiPager {
	pg = pg.Normalize()
	p := uiPager{Total: total}
	if shown > 0 {
		p.From, p.To = pg.Offset+1, pg.Offset+shown
	}
	link := func(offset int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("offset")
		v.Del("ok")
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		return withQuery(base, v)
	}
	if pg.Offset > 0 {
		p.PrevURL = link(max(0, pg.Offset-pg.Limit))
	}
	if pg.Offset+pg.Limit < total {
		p.NextURL = link(pg.Offset + pg.Limit)
	}
	return p
}
