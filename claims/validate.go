package claims

import (
	"slices"
	"strconv"

	"github.com/anbao/anbao/cover"
)

func ferr(field, code string, args ...any) *cover.FieldError {
	return &cover.FieldError{Field: field, Code: code, Args: args}
}

// at is the path of element i of a list: "items[2]". Paths are built only
// for a field at fault, so a valid input costs no allocation.
func at(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }

// parsed is the validated input in the form the calculation needs.
type parsed struct {
	start, end, occ, disc, rep, made, retro int32
	hasRetro                                bool
	// ci and ki are each item's coverage index in Terms.Coverages and kind
	// index in ItemKinds.
	ci, ki []int8
}

// Validate checks the input and returns every problem found, in field
// order, or nil. Calculate runs it first.
func (in *Input) Validate() []*cover.FieldError {
	var p parsed
	return validate(in, &p)
}

func validate(in *Input, p *parsed) []*cover.FieldError {
	var errs []*cover.FieldError
	add := func(e *cover.FieldError) { errs = append(errs, e) }
	t := &in.Terms

	// The terms: only what the arithmetic relies on.
	amount := func(v int64) bool { return v >= 0 && v <= cover.MaxAmount }
	if !amount(t.AggregateLimit) {
		add(ferr("terms.aggregate_limit", "claim.terms_invalid", cover.Yuan(t.AggregateLimit)))
	}
	if !amount(t.Retention) {
		add(ferr("terms.retention", "claim.terms_invalid", cover.Yuan(t.Retention)))
	}
	termsOK := len(t.Coverages) <= maxCoverages
	if !termsOK {
		add(ferr("terms.coverages", "claim.terms_invalid", len(t.Coverages)))
	}
	for i := range t.Coverages {
		c := &t.Coverages[i]
		bad := func(field string, v any) {
			add(ferr(at("terms.coverages", i)+"."+field, "claim.terms_invalid", v))
		}
		k, known := cover.Kind(c.Code)
		switch {
		case !known:
			bad("code", c.Code)
		case slices.ContainsFunc(t.Coverages[:i], func(o cover.Coverage) bool { return o.Code == c.Code }):
			bad("code", c.Code)
		}
		if !amount(c.Sublimit) || c.Outside && c.Sublimit == 0 {
			bad("sublimit", cover.Yuan(c.Sublimit))
		}
		if !amount(c.Deductible) {
			bad("deductible", cover.Yuan(c.Deductible))
		}
		if c.WaitingHours < 0 || c.WaitingHours > cover.MaxWaitingHours || c.WaitingHours > 0 && !k.BI {
			bad("waiting_hours", c.WaitingHours)
		}
		switch c.WaitingMode {
		case cover.WaitTimeDeductible, cover.WaitTrigger:
		case "":
			if c.WaitingHours > 0 {
				bad("waiting_mode", c.WaitingMode)
			}
		default:
			bad("waiting_mode", c.WaitingMode)
		}
		if c.IndemnityDays < 0 || c.IndemnityDays > cover.MaxIndemnityDays {
			bad("indemnity_days", c.IndemnityDays)
		}
		if c.CoinsuranceBP < 0 || c.CoinsuranceBP > 10000 {
			bad("coinsurance_bp", c.CoinsuranceBP)
		}
		switch c.Trigger {
		case cover.Occurrence, cover.Discovered, cover.ClaimsMade:
		default:
			bad("trigger", string(c.Trigger))
		}
		if c.ReportingDays < 0 || c.ReportingDays > cover.MaxReportingDays {
			bad("reporting_days", c.ReportingDays)
		}
	}
	if t.RetroDate != "" {
		var ok bool
		if p.retro, ok = parseDate(t.RetroDate); !ok {
			add(ferr("terms.retro_date", "claim.date_format", t.RetroDate))
		}
		p.hasRetro = true
	}

	// Dates.
	date := func(field, s string, dst *int32) bool {
		if s == "" {
			add(ferr(field, "claim.date_required", field))
			return false
		}
		d, ok := parseDate(s)
		if !ok {
			add(ferr(field, "claim.date_format", s))
			return false
		}
		*dst = d
		return true
	}
	okS := date("term_start", in.TermStart, &p.start)
	okE := date("term_end", in.TermEnd, &p.end)
	if okS && okE && (p.end <= p.start || p.end-p.start > maxTermDays) {
		add(ferr("term_end", "claim.term_invalid", in.TermStart, in.TermEnd))
	}
	okO := date("occurred_at", in.OccurredAt, &p.occ)
	okD := date("discovered_at", in.DiscoveredAt, &p.disc)
	if okO && okD && p.disc < p.occ {
		add(ferr("discovered_at", "claim.date_order", in.DiscoveredAt, in.OccurredAt))
	}
	okR := date("reported_at", in.ReportedAt, &p.rep)
	if okR && okD && p.rep < p.disc {
		add(ferr("reported_at", "claim.date_order", in.ReportedAt, in.DiscoveredAt))
	}
	hasMade := false
	if in.ClaimMadeAt != "" {
		hasMade = date("claim_made_at", in.ClaimMadeAt, &p.made)
		switch {
		case !hasMade:
		case okO && p.made < p.occ:
			add(ferr("claim_made_at", "claim.date_order", in.ClaimMadeAt, in.OccurredAt))
		case okR && p.made > p.rep:
			add(ferr("claim_made_at", "claim.date_order", in.ClaimMadeAt, in.ReportedAt))
		}
	}

	// Items.
	needMade := false
	switch n := len(in.Items); {
	case n == 0:
		add(ferr("items", "claim.items_required"))
	case n > MaxItems:
		add(ferr("items", "claim.too_many_items", MaxItems))
	default:
		buf := make([]int8, 2*n) // one allocation for both
		p.ci, p.ki = buf[:n:n], buf[n:]
		for i := range in.Items {
			it := &in.Items[i]
			pre := func() string { return at("items", i) } // only for a fault
			switch {
			case it.ID == "" || len(it.ID) > MaxIDLen:
				add(ferr(pre()+".id", "claim.item_id", it.ID))
			case slices.ContainsFunc(in.Items[:i], func(o Item) bool { return o.ID == it.ID }):
				add(ferr(pre()+".id", "claim.item_id_duplicate", it.ID))
			}
			ki := kindIndex(it.Kind)
			p.ki[i] = int8(ki)
			if ki < 0 {
				add(ferr(pre()+".kind", "claim.item_kind_unknown", it.Kind))
			}
			ci := -1
			if termsOK {
				ci = slices.IndexFunc(t.Coverages, func(c cover.Coverage) bool { return c.Code == it.Coverage })
			}
			p.ci[i] = int8(ci)
			switch {
			case ci < 0:
				add(ferr(pre()+".coverage", "claim.coverage_not_on_policy", it.Coverage))
			case ki >= 0 && !slices.Contains(ItemKinds[ki].Coverages, it.Coverage):
				add(ferr(pre()+".coverage", "claim.item_coverage_mismatch", it.Kind, it.Coverage))
			default:
				needMade = needMade || t.Coverages[ci].Trigger == cover.ClaimsMade
			}
			if !amount(it.Amount) {
				add(ferr(pre()+".amount", "claim.amount_range", cover.Yuan(it.Amount)))
			}
			if ki >= 0 && ItemKinds[ki].Daily {
				switch {
				case len(it.DailyLoss) == 0:
					add(ferr(pre()+".daily_loss", "claim.daily_loss_required"))
				case len(it.DailyLoss) > MaxDays:
					add(ferr(pre()+".daily_loss", "claim.daily_loss_days", MaxDays))
				default:
					var sum int64
					rangeOK := true
					for d, v := range it.DailyLoss {
						if !amount(v) {
							add(ferr(at(pre()+".daily_loss", d), "claim.daily_loss_range", cover.Yuan(v)))
							rangeOK = false
						}
						sum += v
					}
					if rangeOK && sum != it.Amount && amount(it.Amount) {
						add(ferr(pre()+".amount", "claim.daily_loss_sum", cover.Yuan(it.Amount), cover.Yuan(sum)))
					}
				}
				if it.OutageHours < 1 || it.OutageHours > MaxOutageHours {
					add(ferr(pre()+".outage_hours", "claim.outage_hours", it.OutageHours))
				}
			} else if ki >= 0 {
				if len(it.DailyLoss) > 0 {
					add(ferr(pre()+".daily_loss", "claim.bi_only", it.Kind))
				}
				if it.OutageHours != 0 {
					add(ferr(pre()+".outage_hours", "claim.bi_only", it.Kind))
				}
			}
		}
	}
	if needMade && in.ClaimMadeAt == "" {
		add(ferr("claim_made_at", "claim.date_required", "claim_made_at"))
	}

	// Exclusion facts.
	for i := range in.Exclusions {
		f := &in.Exclusions[i]
		pre := func() string { return at("exclusions", i) }
		j := slices.IndexFunc(t.Exclusions, func(c cover.ClauseRef) bool { return c.Code == f.Code && c.Version == f.Version })
		switch {
		case j < 0:
			add(ferr(pre()+".code", "claim.exclusion_unknown", f.Code, f.Version))
		case slices.ContainsFunc(in.Exclusions[:i], func(o ExclusionFact) bool { return o.Code == f.Code && o.Version == f.Version }):
			add(ferr(pre()+".code", "claim.exclusion_twice", f.Code))
		}
		for k, code := range f.Coverages {
			if t.Coverage(code) == nil {
				add(ferr(at(pre()+".coverages", k), "claim.coverage_not_on_policy", code))
			}
		}
	}

	if in.FindingSurchargeBP < 0 || in.FindingSurchargeBP > 10000 {
		add(ferr("finding_surcharge_bp", "claim.surcharge_range", in.FindingSurchargeBP))
	}

	if !amount(in.Paid.Aggregate) {
		add(ferr("paid.aggregate", "claim.paid_range", cover.Yuan(in.Paid.Aggregate)))
	}
	var bad []string
	for code, v := range in.Paid.Coverage {
		if !amount(v) {
			bad = append(bad, code)
		}
	}
	slices.Sort(bad) // map order is random; errors are not
	for _, code := range bad {
		add(ferr("paid.coverage."+code, "claim.paid_range", cover.Yuan(in.Paid.Coverage[code])))
	}
	return errs
}
