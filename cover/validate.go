package cover

import (
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// FieldError is one validation failure: the path of the field at fault
// (coverages[2].sublimit), a message code (the catalogue key without its
// "uw." prefix) and the message's arguments.
type FieldError struct {
	Field string
	Code  string
	Args  []any
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s %v", e.Field, e.Code, e.Args) }

// at is the path of element i of a list field: "coverages[2]". Validate
// runs on every quote, so it avoids fmt.
func at(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }

func ferr(field, code string, args ...any) *FieldError {
	return &FieldError{Field: field, Code: code, Args: args}
}

// Bounds far above any real cyber policy, so that every sum of amounts stays
// well inside int64 and every product of an amount and a factor inside 128 bits.
const (
	MaxAmount        = 1_000_000_000_000 // 分: CNY 10 billion
	MaxWaitingHours  = 720
	MaxIndemnityDays = 730
	MaxReportingDays = 365
	maxText          = 500
)

// RegistrationNumber checks an insurance product registration number
// (产品注册号): "C" and 23 digits, e.g. C00010830612020012322442.
func RegistrationNumber(s string) *FieldError {
	if len(s) != 24 || s[0] != 'C' {
		return ferr("registration_no", "product.regno_format", s)
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ferr("registration_no", "product.regno_format", s)
		}
	}
	return nil
}

// Validate checks a product definition. It returns every problem found, in
// field order, or nil.
func (d *Definition) Validate() []*FieldError {
	var errs []*FieldError
	add := func(e *FieldError) { errs = append(errs, e) }
	if !slices.Contains(ProductTypes, d.Type) {
		add(ferr("type", "product.type_invalid", string(d.Type)))
	}
	switch {
	case d.Type == TypeProductService && !slices.Contains(SecurityProducts, d.SecurityProduct):
		add(ferr("security_product", "product.security_product_required", d.SecurityProduct))
	case d.Type != TypeProductService && d.SecurityProduct != "":
		add(ferr("security_product", "product.security_product_only"))
	}
	if d.MinLimit <= 0 || d.MinLimit > MaxAmount {
		add(ferr("min_limit", "product.amount_range", Yuan(d.MinLimit)))
	}
	if d.MaxLimit > MaxAmount {
		add(ferr("max_limit", "product.amount_range", Yuan(d.MaxLimit)))
	} else if d.MaxLimit < d.MinLimit {
		add(ferr("max_limit", "product.max_below_min"))
	}
	if d.MinRetention < 0 {
		add(ferr("min_retention", "product.amount_range", Yuan(d.MinRetention)))
	} else if d.MinRetention >= d.MinLimit {
		add(ferr("min_retention", "product.limit_below_deductible"))
	}
	if d.TermMonths < 1 || d.TermMonths > 36 {
		add(ferr("term_months", "product.term_months"))
	}
	if d.QuoteValidDays < 1 || d.QuoteValidDays > 90 {
		add(ferr("quote_valid_days", "product.quote_valid_days"))
	}
	if d.NoticeHours < 0 || d.NoticeHours > 720 {
		add(ferr("notice_hours", "product.notice_hours"))
	}
	if len(d.Coverages) == 0 {
		add(ferr("coverages", "product.coverages_required"))
	}
	var first, third bool
	for i := range d.Coverages {
		c := &d.Coverages[i]
		p := at("coverages", i)
		k, ok := Kind(c.Code)
		if !ok {
			add(ferr(p+".code", "product.coverage_unknown", c.Code))
			continue
		}
		// A scan of the few coverages before: no map to allocate and grow
		// (the rating engine validates the definition on every quote).
		if slices.ContainsFunc(d.Coverages[:i], func(o Coverage) bool { return o.Code == c.Code }) {
			add(ferr(p+".code", "product.coverage_twice", c.Code))
		}
		if k.Side == FirstParty {
			first = true
		} else {
			third = true
		}
		switch {
		case d.Type == TypeProperty && k.Side != FirstParty:
			add(ferr(p+".code", "product.coverage_side", c.Code, string(d.Type)))
		case d.Type == TypeLiability && k.Side != ThirdParty:
			add(ferr(p+".code", "product.coverage_side", c.Code, string(d.Type)))
		}
		for _, e := range c.validate(p, k, d.MaxLimit) {
			add(e)
		}
	}
	if d.Type == TypeCombined && len(d.Coverages) > 0 && !(first && third) {
		add(ferr("coverages", "product.combined_needs_both"))
	}
	codes := map[string]bool{}
	for i, x := range d.Exclusions {
		p := at("exclusions", i)
		if x.Code == "" || x.Version < 1 {
			add(ferr(p, "product.clause_ref"))
		} else if codes[x.Code] {
			add(ferr(p, "product.clause_twice", x.Code))
		}
		codes[x.Code] = true
	}
	ids := map[int64]bool{}
	for i, id := range d.Providers {
		if id <= 0 || ids[id] {
			add(ferr(at("providers", i), "product.provider_invalid", id))
		}
		ids[id] = true
	}
	svc := map[string]bool{}
	for i, e := range d.Entitlements {
		p := at("entitlements", i)
		switch {
		case !slices.Contains(ServiceKinds, e.Service):
			add(ferr(p+".service", "product.service_unknown", e.Service))
		case svc[e.Service]:
			add(ferr(p+".service", "product.service_twice", e.Service))
		}
		svc[e.Service] = true
		if e.Unit != UnitTimes && e.Unit != UnitHours && e.Unit != UnitDays {
			add(ferr(p+".unit", "product.service_unit", e.Unit))
		}
		if e.Quantity < 1 || e.Quantity > 10000 {
			add(ferr(p+".quantity", "product.service_quantity"))
		}
		if e.ValueFen < 0 || e.ValueFen > MaxAmount {
			add(ferr(p+".value_fen", "product.amount_range", Yuan(e.ValueFen)))
		}
	}
	for i, c := range d.Contingencies {
		p := at("contingencies", i)
		if c.Kind != PreBind && c.Kind != PostBind {
			add(ferr(p+".kind", "product.contingency_kind", c.Kind))
		}
		if n := utf8.RuneCountInString(c.TextZH); n < 2 || n > maxText {
			add(ferr(p+".text_zh", "product.contingency_text"))
		}
		if utf8.RuneCountInString(c.TextEN) > maxText {
			add(ferr(p+".text_en", "product.contingency_text"))
		}
		if c.DueDays < 0 || c.DueDays > 365 {
			add(ferr(p+".due_days", "product.contingency_due"))
		}
	}
	return errs
}

func (c *Coverage) validate(p string, k CoverageKind, maxLimit int64) []*FieldError {
	var errs []*FieldError
	add := func(e *FieldError) { errs = append(errs, e) }
	if c.Sublimit < 0 || c.Sublimit > MaxAmount {
		add(ferr(p+".sublimit", "product.amount_range", Yuan(c.Sublimit)))
	} else if !c.Outside && c.Sublimit > maxLimit && maxLimit > 0 {
		add(ferr(p+".sublimit", "product.sublimit_above_limit", Yuan(c.Sublimit), Yuan(maxLimit)))
	} else if c.Outside && c.Sublimit == 0 {
		add(ferr(p+".sublimit", "product.outside_needs_sublimit"))
	}
	if c.Deductible < 0 || c.Deductible > MaxAmount {
		add(ferr(p+".deductible", "product.amount_range", Yuan(c.Deductible)))
	} else if c.Sublimit > 0 && c.Deductible >= c.Sublimit {
		add(ferr(p+".deductible", "product.limit_below_deductible"))
	}
	if k.BI {
		if c.WaitingHours < 0 || c.WaitingHours > MaxWaitingHours {
			add(ferr(p+".waiting_hours", "product.waiting_hours", MaxWaitingHours))
		}
		if (c.WaitingHours > 0 || c.WaitingMode != "") && c.WaitingMode != WaitTimeDeductible && c.WaitingMode != WaitTrigger {
			add(ferr(p+".waiting_mode", "product.waiting_mode", c.WaitingMode))
		}
		if c.IndemnityDays < 1 || c.IndemnityDays > MaxIndemnityDays {
			add(ferr(p+".indemnity_days", "product.indemnity_days", MaxIndemnityDays))
		}
	} else if c.WaitingHours != 0 || c.WaitingMode != "" || c.IndemnityDays != 0 {
		add(ferr(p+".waiting_hours", "product.bi_only"))
	}
	if c.CoinsuranceBP < 0 || c.CoinsuranceBP > 9000 {
		add(ferr(p+".coinsurance_bp", "product.coinsurance"))
	}
	switch c.Trigger {
	case ClaimsMade, Discovered, Occurrence:
	default:
		add(ferr(p+".trigger", "product.trigger", string(c.Trigger)))
	}
	if c.ReportingDays < 0 || c.ReportingDays > MaxReportingDays {
		add(ferr(p+".reporting_days", "product.reporting_days", MaxReportingDays))
	} else if c.ReportingDays > 0 && c.Trigger != ClaimsMade {
		add(ferr(p+".reporting_days", "product.reporting_claims_made"))
	}
	if c.DefenceInside && !k.Liability {
		add(ferr(p+".defence_inside", "product.defence_liability"))
	}
	return errs
}

// Option checks an option (aggregate limit and retention) against d.
func (d *Definition) Option(limit, retention int64) *FieldError {
	switch {
	case limit < d.MinLimit || limit > d.MaxLimit:
		return ferr("limit", "quote.limit_range", Yuan(limit), Yuan(d.MinLimit), Yuan(d.MaxLimit))
	case retention < 0:
		return ferr("retention", "product.amount_range", Yuan(retention))
	case retention >= limit:
		return ferr("retention", "quote.limit_below_retention", Yuan(limit), Yuan(retention))
	case retention < d.MinRetention:
		return ferr("retention", "quote.retention_floor", Yuan(retention), Yuan(d.MinRetention))
	}
	return nil
}

// CheckRetro checks a retroactive date against the inception date (both
// YYYY-MM-DD): it is required when any coverage is claims-made, and may not
// fall after inception.
func (t *Terms) CheckRetro(inception string) *FieldError {
	if t.RetroDate == "" {
		if t.ClaimsMade() {
			return ferr("retro_date", "quote.retro_required")
		}
		return nil
	}
	r, err := time.Parse(time.DateOnly, t.RetroDate)
	if err != nil {
		return ferr("retro_date", "quote.date_format", t.RetroDate)
	}
	if i, err := time.Parse(time.DateOnly, inception); err == nil && r.After(i) {
		return ferr("retro_date", "quote.retro_after_inception", t.RetroDate, inception)
	}
	return nil
}

// EffectiveSublimit is what a coverage can pay at most in one term under
// aggregate limit agg: its sublimit, or the aggregate when it has none; an
// eroding sublimit never exceeds the aggregate.
func (c *Coverage) EffectiveSublimit(agg int64) int64 {
	if c.Sublimit == 0 {
		return agg
	}
	if !c.Outside && c.Sublimit > agg {
		return agg
	}
	return c.Sublimit
}
