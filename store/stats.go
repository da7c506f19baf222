package store

// Supervision statistics (issue #7): the figures regulators publish and the
// breakdowns they drill into, computed from a warehouse that RefreshStats
// rebuilds (the server must call it periodically; a store never refreshed
// is refreshed on first read). StatsOverview.AsOf is the time of that
// rebuild: every figure, breakdown and drill-down row is as of then, except
// the retail returns and the pilot counts, which are read live.
//
// How: stats_policies holds one narrow row per policy term ever in force
// with its dimensions resolved and its subsidies and claims folded in;
// stats_incidents one row per incident. RefreshStats also folds them into
// stats_rollup: every
// figure of the scope-only views (national, each jurisdiction, each
// insurer, for all time and for each calendar year), so that those views
// read a few hundred rows, and stats_rollup_month: the same scopes' figures
// per month, so that a scope-only view over any other month range sums its
// months' rows (additive figures), and counts distinct enterprises exactly
// by keeping each row's enterprises apart by prev, the enterprise's
// previous month with a term in the same cell: an enterprise counts in a
// range in its first month there, the one month of the range whose prev is
// before it. Any other filter is folded live from the
// warehouse in one pass (in Go: exact distinct enterprises with a bitset
// per cell). bench/dashboard measures both at 500,000 policies.
//
// Definitions (keep in step with the code below and store/stats_test.go):
//
//   - Policies count policy terms (policy years): new business and each
//     renewal is one policy written in the month its term starts
//     (policy_terms.start_date is a Beijing calendar date, so the month is
//     its first 7 characters). policies.inception_date (the first term's
//     start, never moved by a renewal) is not used. A term never in force is
//     left out: cancelled flat, or from (or before) its start date.
//   - Premium is the term's written premium (policy_terms.written_premium:
//     net of the term's endorsements and cancellation refund), all of it
//     booked to the month the term starts. Simplification: an endorsement or
//     refund is not booked to the month it was made, so a term's cell moves
//     when the term is endorsed or cancelled (it is the term's cohort, like
//     its claims). policies.premium is not used.
//   - Sum insured is the term's policy_terms.sum_insured. Subsidy is the sum
//     of policy_subsidies.amount of the term (policy_subsidies.term_no).
//   - Enterprises are the distinct insured among the counted terms
//     (policies.enterprise_id; members of a park master policy are not
//     counted separately).
//   - Insurer, product type, jurisdiction, industry and size of a term are
//     the facts copied on its policy; industry is the GB/T 4754 section of
//     its division.
//   - Incidents count by discovery month (discovered_at in Asia/Shanghai);
//     their jurisdiction, industry and size come from the enterprise
//     organisation, their insurer and product type from their policy, if it
//     was ever in force (it has a counted term): an incident without one has
//     no insurer and no product type, so an insurer or product-type filter
//     leaves it out.
//   - Claims attach to the term they are on (claims.term_no) and count in
//     that term's cohort (its start month); a claim on a term never in force
//     is left out. Claims paid: claims with paid > 0. Paid amount:
//     sum(paid) − sum(recovered). Declined: status declined (its current
//     status: a claim declined, reopened and declined again counts once).
//     Outstanding: the reserves (reserve_loss + reserve_expense) of claims
//     neither closed nor declined.
//   - Loss ratio = paid amount / premium, nil when premium is 0 and always nil
//     for insurers.
//   - The drill-down lists (StatsPolicies, EachStatsPolicy) have one row per
//     counted term, in (policy id, term) order, so they add up to the figures.
//   - Retail figures are the insurers' declared retail returns (by month,
//     jurisdiction, insurer); they have no industry, size or product type, so
//     a filter on one of those shows none.
//   - Pilot counts are cumulative (not limited to the period), by jurisdiction
//     where the table has one: plans submitted (service_plans not draft nor
//     withdrawn), catalogue plans (distinct plans in published catalogue
//     versions), projects (pilot_projects), participating units (distinct
//     project members by organisation kind). With an insurer filter they
//     count the plans it leads and the projects it is a member of.
//   - Assessments are professional assessments completed in the period
//     (engagements with status completed, by the Asia/Shanghai month of
//     completed_at); self-assessments are questionnaire attestations
//     (attestations, by attested_at) in the period. Both by the enterprise's
//     jurisdiction, industry and size; with an insurer or product-type
//     filter, of enterprises holding such a policy. Services are dispatches
//     (by request month) plus entitlement_usage rows (by record month), by
//     their policy's facts, on a policy (for entitlement_usage: its term)
//     that was in force. These are read live.

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/refdata"
)

// StatsPolicyRow is one policy term (policy year) of a drill-down list: the
// policy's number and facts with the term's dates, status and figures.
type StatsPolicyRow struct {
	ID           int64  `json:"id"` // the policy's
	Term         int    `json:"term"`
	Number       string `json:"number"`
	InsurerID    int64  `json:"insurer_id"`
	Insurer      string `json:"insurer"`
	EnterpriseID int64  `json:"enterprise_id,omitempty"` // omitted for viewers who may not read the policy itself
	Enterprise   string `json:"enterprise,omitempty"`
	Jurisdiction string `json:"jurisdiction"`
	Industry     string `json:"industry"` // GB/T 4754 section letter
	Size         string `json:"size"`
	ProductType  string `json:"product_type"`
	Inception    string `json:"inception"` // the term's start date
	Expiry       string `json:"expiry"`    // the term's end date
	Status       string `json:"status"`    // the term's: active | expired | cancelled
	Premium      int64  `json:"premium"`   // the term's written premium
	SumInsured   int64  `json:"sum_insured"`
	Claims       int64  `json:"claims"` // on this term
	Paid         int64  `json:"paid"`   // paid less recovered
}

// StatsPolicyList is a page of drill-down policy terms.
type StatsPolicyList struct {
	Items []*StatsPolicyRow `json:"items"`
	Total int               `json:"total"`
}

// StatsIncidentRow is one incident, de-identified (no enterprise name or id).
type StatsIncidentRow struct {
	ID           int64  `json:"id"`
	Month        string `json:"month"` // YYYY-MM of discovery (Asia/Shanghai)
	Jurisdiction string `json:"jurisdiction"`
	Industry     string `json:"industry"` // GB/T 4754 section letter
	Size         string `json:"size"`
	Category     string `json:"category"`
	SubCategory  string `json:"sub_category"`
	Grade        string `json:"grade"`
	Status       string `json:"status"`
	ClaimOutcome string `json:"claim_outcome"` // "" (no claim), or the status of the incident's latest claim
}

// StatsIncidentList is a page of de-identified incidents.
type StatsIncidentList struct {
	Items []*StatsIncidentRow `json:"items"`
	Total int                 `json:"total"`
}

// statsView is a validated, scoped request.
type statsView struct {
	p      *anbao.Principal
	f      anbao.StatsFilter
	hideLR bool // insurers never see loss ratios
	names  bool // the viewer may read the policies of the rows it gets
}

// statsScope authorises p, validates f and forces it to p's scope.
func (s *Store) statsScope(ctx context.Context, f anbao.StatsFilter) (*statsView, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActStatsRead); err != nil {
		return nil, err
	}
	if err := s.validStatsFilter(ctx, &f); err != nil {
		return nil, err
	}
	v := &statsView{p: p, names: anbao.Can(p, anbao.ActPolicyRead)}
	switch {
	case p.System || p.OrgKind == anbao.KindOperator:
	case p.OrgKind == anbao.KindRegulator:
		if p.Jurisdiction != "" {
			if f.Jurisdiction != "" && f.Jurisdiction != p.Jurisdiction {
				return nil, anbao.Errorf(anbao.EFORBIDDEN, "stats.jurisdiction_forbidden", f.Jurisdiction)
			}
			f.Jurisdiction = p.Jurisdiction
		}
	case p.OrgKind == anbao.KindInsurer:
		if f.InsurerID != 0 && f.InsurerID != p.OrgID {
			return nil, anbao.Errorf(anbao.EFORBIDDEN, "stats.insurer_forbidden", f.InsurerID)
		}
		f.InsurerID = p.OrgID
		v.hideLR = true
	default:
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	v.f = f
	return v, nil
}

// validStatsFilter checks every field of f (trimming blanks).
func (s *Store) validStatsFilter(ctx context.Context, f *anbao.StatsFilter) error {
	f.Jurisdiction = strings.TrimSpace(f.Jurisdiction)
	f.Industry = strings.ToUpper(strings.TrimSpace(f.Industry))
	f.ProductType = strings.TrimSpace(f.ProductType)
	f.From, f.To = strings.TrimSpace(f.From), strings.TrimSpace(f.To)
	if f.Jurisdiction != "" {
		if j, ok := refdata.JurisdictionByCode(f.Jurisdiction); !ok || !j.Active {
			return anbao.FieldError("jurisdiction", "stats.jurisdiction_invalid", f.Jurisdiction)
		}
	}
	if f.Industry != "" {
		if _, ok := refdata.SectionByCode(f.Industry); !ok {
			return anbao.FieldError("industry", "stats.industry_invalid", f.Industry)
		}
	}
	if f.Size != "" && !f.Size.Valid() {
		return anbao.FieldError("size", "stats.size_invalid", string(f.Size))
	}
	if f.ProductType != "" && !slices.Contains(cover.ProductTypes, cover.ProductType(f.ProductType)) {
		return anbao.FieldError("product_type", "stats.product_type_invalid", f.ProductType)
	}
	if f.From != "" && !validMonth(f.From) {
		return anbao.FieldError("from", "stats.month_invalid", f.From)
	}
	if f.To != "" && !validMonth(f.To) {
		return anbao.FieldError("to", "stats.month_invalid", f.To)
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return anbao.FieldError("to", "stats.period_reversed", f.From, f.To)
	}
	if f.InsurerID < 0 {
		return anbao.FieldError("insurer_id", "stats.insurer_invalid", f.InsurerID)
	}
	if f.InsurerID > 0 {
		var kind string
		err := s.read.QueryRowContext(ctx, "SELECT kind FROM organisations WHERE id = $1", f.InsurerID).Scan(&kind)
		if isNoRows(err) || (err == nil && kind != string(anbao.KindInsurer)) {
			return anbao.FieldError("insurer_id", "stats.insurer_invalid", f.InsurerID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// validMonth reports whether m is a YYYY-MM month.
func validMonth(m string) bool {
	if len(m) != 7 {
		return false
	}
	t, err := time.Parse("2006-01", m)
	return err == nil && t.Year() >= 2000 && t.Year() <= 2100
}

// statsWhere adds f's conditions on a warehouse table (alias a).
func statsWhere(w *where, a string, f anbao.StatsFilter) {
	if f.Jurisdiction != "" {
		w.add(a+".jurisdiction = ?", f.Jurisdiction)
	}
	if f.Industry != "" {
		w.add(a+".section = ?", f.Industry)
	}
	if f.Size != "" {
		w.add(a+".size = ?", string(f.Size))
	}
	if f.ProductType != "" {
		w.add(a+".product_type = ?", f.ProductType)
	}
	if f.InsurerID != 0 {
		w.add(a+".insurer_id = ?", f.InsurerID)
	}
	if f.From != "" {
		w.add(a+".month >= ?", f.From)
	}
	if f.To != "" {
		w.add(a+".month <= ?", f.To)
	}
}

// rollupScope names the precomputed scope answering f, or ok false when f
// needs a live query. The rollup holds the national view, each
// jurisdiction's and each insurer's, each for all time and for each
// calendar year (From YYYY-01, To YYYY-12): "", "j:<code>", "i:<id>", with
// "@YYYY" appended for a year.
func rollupScope(f anbao.StatsFilter) (string, bool) {
	rest := f
	rest.Jurisdiction, rest.InsurerID, rest.From, rest.To = "", 0, "", ""
	if rest != (anbao.StatsFilter{}) || (f.Jurisdiction != "" && f.InsurerID != 0) {
		return "", false
	}
	year := ""
	if f.From != "" || f.To != "" {
		if len(f.From) != 7 || f.From[4:] != "-01" || f.To != f.From[:4]+"-12" {
			return "", false
		}
		year = "@" + f.From[:4]
	}
	switch {
	case f.Jurisdiction != "":
		return "j:" + f.Jurisdiction + year, true
	case f.InsurerID != 0:
		return "i:" + strconv.FormatInt(f.InsurerID, 10) + year, true
	}
	return year, true
}

// rangeScope names the scope of the monthly rollup answering f, a
// scope-only filter with a month range that is not a calendar year (those
// and all time are in the rollup), with the range's bounds; ok false when
// f has another filter or no range.
func rangeScope(f anbao.StatsFilter) (scope, from, to string, ok bool) {
	rest := f
	rest.Jurisdiction, rest.InsurerID, rest.From, rest.To = "", 0, "", ""
	if rest != (anbao.StatsFilter{}) || (f.Jurisdiction != "" && f.InsurerID != 0) || (f.From == "" && f.To == "") {
		return "", "", "", false
	}
	from, to = f.From, f.To
	if from == "" {
		from = "0000-00" // before every month
	}
	if to == "" {
		to = "9999-99"
	}
	switch {
	case f.Jurisdiction != "":
		scope = "j:" + f.Jurisdiction
	case f.InsurerID != 0:
		scope = "i:" + strconv.FormatInt(f.InsurerID, 10)
	}
	return scope, from, to, true
}

// statsRangeCells sums the monthly rollup of scope over the months from..to
// for dims: the additive figures of every row, the enterprises of the rows
// whose prev (the enterprise's previous month in the cell) is before the
// range, so that each enterprise counts once, in its first month in the
// range.
func (s *Store) statsRangeCells(ctx context.Context, scope, from, to string, dims []string) (map[string]map[string]*anbao.StatsFigures, error) {
	out := map[string]map[string]*anbao.StatsFigures{dimTotal: {"": {}}}
	var w where
	w.add("scope = ?", scope)
	w.add("month >= ?", from)
	w.add("month <= ?", to)
	if len(dims) == 1 {
		w.add("dim = ?", dims[0])
	}
	q := `SELECT dim, k, SUM(policies), SUM(premium), SUM(sum_insured), SUM(subsidy),
		SUM(CASE WHEN prev < ` + w.next(from) + ` THEN enterprises ELSE 0 END), SUM(incidents), SUM(claims), SUM(claims_paid),
		SUM(paid_amount), SUM(claims_declined), SUM(outstanding) FROM stats_rollup_month` + w.String() + " GROUP BY dim, k"
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		var dim, key string
		var x anbao.StatsFigures
		if err := sc.Scan(&dim, &key, &x.Policies, &x.Premium, &x.SumInsured, &x.Subsidy, &x.Enterprises, &x.Incidents, &x.Claims,
			&x.ClaimsPaid, &x.PaidAmount, &x.ClaimsDeclined, &x.Outstanding); err != nil {
			return err
		}
		if out[dim] == nil {
			out[dim] = map[string]*anbao.StatsFigures{}
		}
		out[dim][key] = &x
		return nil
	})
	return out, err
}

// Extra figure groups kept beside the dimensions.
const (
	dimTotal    = ""
	dimGrade    = "grade"
	dimCategory = "category"
	dimDecline  = "decline"
)

// statsDimCol is the warehouse column of a dimension.
var statsDimCol = map[string]string{
	string(anbao.DimJurisdiction): "jurisdiction",
	string(anbao.DimIndustry):     "section",
	string(anbao.DimSize):         "size",
	string(anbao.DimProductType):  "product_type",
	string(anbao.DimInsurer):      "insurer_id",
	string(anbao.DimMonth):        "month",
	dimGrade:                      "grade",
	dimCategory:                   "category",
}

// allStatsDims are the figure groups of an overview.
func allStatsDims() []string {
	dims := []string{dimTotal}
	for _, d := range anbao.StatsDims {
		dims = append(dims, string(d))
	}
	return append(dims, dimGrade, dimCategory, dimDecline)
}

// statsCellsFor returns the figures of v's filter for dims, from the rollup
// when the filter is scope-only, else from the warehouse.
func (s *Store) statsCellsFor(ctx context.Context, v *statsView, dims []string) (map[string]map[string]*anbao.StatsFigures, error) {
	if scope, ok := rollupScope(v.f); ok {
		out := map[string]map[string]*anbao.StatsFigures{}
		var w where
		w.add("scope = ?", scope)
		if len(dims) == 1 {
			w.add("dim = ?", dims[0])
		}
		err := eachRow(ctx, s.read, `SELECT dim, k, policies, premium, sum_insured, subsidy, enterprises, incidents, claims, claims_paid,
			paid_amount, claims_declined, outstanding FROM stats_rollup`+w.String(), w.args, func(sc scanner) error {
			var dim, key string
			var x anbao.StatsFigures
			if err := sc.Scan(&dim, &key, &x.Policies, &x.Premium, &x.SumInsured, &x.Subsidy, &x.Enterprises, &x.Incidents, &x.Claims,
				&x.ClaimsPaid, &x.PaidAmount, &x.ClaimsDeclined, &x.Outstanding); err != nil {
				return err
			}
			if out[dim] == nil {
				out[dim] = map[string]*anbao.StatsFigures{}
			}
			out[dim][key] = &x
			return nil
		})
		return out, err
	}
	if scope, from, to, ok := rangeScope(v.f); ok {
		return s.statsRangeCells(ctx, scope, from, to, dims)
	}
	cells, err := statsFold(ctx, s.read, v.f, false, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]*anbao.StatsFigures{}
	for k, x := range cells {
		if out[k.dim] == nil {
			out[k.dim] = map[string]*anbao.StatsFigures{}
		}
		out[k.dim][k.key] = x
	}
	return out, nil
}

// statsReady scopes the filter to the caller and makes sure the warehouse
// exists; it returns the view and when the warehouse was built.
func (s *Store) statsReady(ctx context.Context, f anbao.StatsFilter) (*statsView, string, error) {
	v, err := s.statsScope(ctx, f)
	if err != nil {
		return nil, "", err
	}
	at, err := s.ensureStats(ctx)
	if err != nil {
		return nil, "", err
	}
	return v, at, nil
}

// ensureStats refreshes a warehouse never built and returns when it was built.
func (s *Store) ensureStats(ctx context.Context) (string, error) {
	var at string
	if err := s.read.QueryRowContext(ctx, "SELECT refreshed_at FROM stats_meta WHERE id = 1").Scan(&at); err != nil {
		return "", err
	}
	if at != "" {
		return at, nil
	}
	if err := s.refreshStats(ctx, true); err != nil {
		return "", err
	}
	err := s.read.QueryRowContext(ctx, "SELECT refreshed_at FROM stats_meta WHERE id = 1").Scan(&at)
	return at, err
}

// StatsOverview returns the headline figures, pilot counts and every breakdown for the filter, scoped by the caller.
func (s *Store) StatsOverview(ctx context.Context, f anbao.StatsFilter, lang string) (*anbao.StatsOverview, error) {
	v, at, err := s.statsReady(ctx, f)
	if err != nil {
		return nil, err
	}
	cells, err := s.statsCellsFor(ctx, v, allStatsDims())
	if err != nil {
		return nil, err
	}
	o := &anbao.StatsOverview{Filter: v.f, AsOf: at, Units: []anbao.StatsCount{}}
	if t := cells[dimTotal][""]; t != nil {
		o.Totals = *t
	}
	o.Totals.LossRatio = v.lossRatio(&o.Totals)
	labels, err := s.statsLabeller(ctx, lang, cells[string(anbao.DimInsurer)])
	if err != nil {
		return nil, err
	}
	for _, d := range anbao.StatsDims {
		o.Breakdowns = append(o.Breakdowns, v.breakdown(d, cells[string(d)], labels))
	}
	o.IncidentsByGrade = statsCounts(cells[dimGrade], func(x *anbao.StatsFigures) int64 { return x.Incidents }, labels.grade)
	o.IncidentsByCategory = statsCounts(cells[dimCategory], func(x *anbao.StatsFigures) int64 { return x.Incidents }, labels.category)
	o.DeclinedByReason = statsCounts(cells[dimDecline], func(x *anbao.StatsFigures) int64 { return x.ClaimsDeclined }, labels.decline)
	if err := s.statsRetailTotals(ctx, v.f, o); err != nil {
		return nil, err
	}
	if err := s.statsPilotCounts(ctx, v.f, lang, o); err != nil {
		return nil, err
	}
	return o, nil
}

// StatsBreakdown returns the figures broken down by one dimension.
func (s *Store) StatsBreakdown(ctx context.Context, f anbao.StatsFilter, dim anbao.StatsDim, lang string) (*anbao.StatsBreakdown, error) {
	v, err := s.statsScope(ctx, f)
	if err != nil {
		return nil, err
	}
	if !dim.Valid() {
		return nil, anbao.FieldError("dim", "stats.dim_invalid", string(dim))
	}
	if _, err := s.ensureStats(ctx); err != nil {
		return nil, err
	}
	cells, err := s.statsCellsFor(ctx, v, []string{string(dim)})
	if err != nil {
		return nil, err
	}
	labels, err := s.statsLabeller(ctx, lang, cells[string(anbao.DimInsurer)])
	if err != nil {
		return nil, err
	}
	b := v.breakdown(dim, cells[string(dim)], labels)
	return &b, nil
}

func (v *statsView) lossRatio(x *anbao.StatsFigures) *float64 {
	if v.hideLR || x.Premium == 0 {
		return nil
	}
	r := float64(x.PaidAmount) / float64(x.Premium)
	return &r
}

// breakdown orders and labels one dimension's cells.
func (v *statsView) breakdown(d anbao.StatsDim, m map[string]*anbao.StatsFigures, l *statsLabels) anbao.StatsBreakdown {
	b := anbao.StatsBreakdown{Dim: d, Rows: []anbao.StatsRow{}}
	for k, x := range m {
		if x.Policies == 0 && x.Incidents == 0 {
			continue
		}
		r := anbao.StatsRow{Key: k, Label: l.label(d, k), StatsFigures: *x}
		r.LossRatio = v.lossRatio(x)
		b.Rows = append(b.Rows, r)
	}
	slices.SortFunc(b.Rows, func(a, c anbao.StatsRow) int {
		if x, y := statsOrder(d, a.Key), statsOrder(d, c.Key); x != y {
			return x - y
		}
		if d == anbao.DimInsurer {
			x, _ := strconv.ParseInt(a.Key, 10, 64)
			y, _ := strconv.ParseInt(c.Key, 10, 64)
			return int(x - y)
		}
		return strings.Compare(a.Key, c.Key)
	})
	return b
}

// statsOrder is a key's display rank within its dimension (then by key).
func statsOrder(d anbao.StatsDim, k string) int {
	switch d {
	case anbao.DimJurisdiction:
		for i, j := range refdata.Jurisdictions() {
			if j.Code == k {
				return i
			}
		}
		return 1000
	case anbao.DimSize:
		if i := slices.Index(anbao.SizeClasses, anbao.SizeClass(k)); i >= 0 {
			return i
		}
		return 1000
	case anbao.DimProductType:
		if i := slices.Index(cover.ProductTypes, cover.ProductType(k)); i >= 0 {
			return i
		}
		return 1000
	}
	if k == "" {
		return 1000
	}
	return 0
}

func statsCounts(m map[string]*anbao.StatsFigures, n func(*anbao.StatsFigures) int64, label func(string) string) []anbao.StatsCount {
	out := []anbao.StatsCount{}
	for k, x := range m {
		if c := n(x); c > 0 {
			out = append(out, anbao.StatsCount{Key: k, Label: label(k), Count: c})
		}
	}
	slices.SortFunc(out, func(a, b anbao.StatsCount) int {
		if a.Count != b.Count {
			if a.Count > b.Count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// statsLabels names keys in the viewer's language.
type statsLabels struct {
	en       bool
	insurers map[string]string
}

var (
	sizeLabels = map[anbao.SizeClass][2]string{
		anbao.SizeLarge: {"大型", "Large"}, anbao.SizeMedium: {"中型", "Medium"},
		anbao.SizeSmall: {"小型", "Small"}, anbao.SizeMicro: {"微型", "Micro"},
	}
	productTypeLabels = map[cover.ProductType][2]string{
		cover.TypeProperty: {"网络安全财产险", "Cyber property"}, cover.TypeLiability: {"网络安全责任险", "Cyber liability"},
		cover.TypeCombined: {"综合险", "Combined"}, cover.TypeProductService: {"产品服务类", "Product-service"},
	}
	gradeLabels = map[incident.Grade][2]string{
		incident.GradeGeneral: {"一般", "General"}, incident.GradeRelativelyMajor: {"较大", "Relatively major"},
		incident.GradeMajor: {"重大", "Major"}, incident.GradeParticularlyMajor: {"特别重大", "Particularly major"},
	}
	unknownLabel = [2]string{"未分类", "Unclassified"}
	kindLabels   = map[anbao.OrgKind][2]string{
		anbao.KindOperator: {"运营机构", "Operator"}, anbao.KindRegulator: {"主管部门", "Authorities"},
		anbao.KindInsurer: {"保险机构", "Insurers"}, anbao.KindProvider: {"服务机构", "Service institutions"},
		anbao.KindEnterprise: {"企业", "Enterprises"},
	}
)

func (l *statsLabels) pick(v [2]string) string {
	if l.en {
		return v[1]
	}
	return v[0]
}

func (l *statsLabels) plain(k string) string {
	if k == "" {
		return l.pick(unknownLabel)
	}
	return k
}

// category names a GB/T 20986-2023 incident category.
func (l *statsLabels) category(k string) string {
	if c, ok := incident.LookupCategory(k); ok {
		return l.pick([2]string{c.NameZH, cmp.Or(c.NameEN, c.NameZH)})
	}
	return l.plain(k)
}

// decline names a claim's decline reason as the claim pages do.
func (l *statsLabels) decline(k string) string {
	lang := "zh-CN"
	if l.en {
		lang = "en"
	}
	if key := "clm.decline." + k; k != "" && i18n.Has(lang, key) {
		return i18n.T(lang, key)
	}
	return l.plain(k)
}

func (l *statsLabels) grade(k string) string {
	if v, ok := gradeLabels[incident.Grade(k)]; ok {
		return l.pick(v)
	}
	return l.plain(k)
}

func (l *statsLabels) label(d anbao.StatsDim, k string) string {
	lang := "zh-CN"
	if l.en {
		lang = "en"
	}
	switch d {
	case anbao.DimJurisdiction:
		if j, ok := refdata.JurisdictionByCode(k); ok {
			return j.Name(lang)
		}
	case anbao.DimIndustry:
		if sec, ok := refdata.SectionByCode(k); ok {
			return sec.Name(lang)
		}
	case anbao.DimSize:
		if v, ok := sizeLabels[anbao.SizeClass(k)]; ok {
			return l.pick(v)
		}
	case anbao.DimProductType:
		if v, ok := productTypeLabels[cover.ProductType(k)]; ok {
			return l.pick(v)
		}
	case anbao.DimInsurer:
		if n, ok := l.insurers[k]; ok {
			return n
		}
		if k == "0" {
			return l.pick(unknownLabel)
		}
	}
	return l.plain(k)
}

// statsLabeller loads the names of the insurers among the keys.
func (s *Store) statsLabeller(ctx context.Context, lang string, ins map[string]*anbao.StatsFigures) (*statsLabels, error) {
	l := &statsLabels{en: lang == "en" || strings.HasPrefix(lang, "en-"), insurers: map[string]string{}}
	var ids []any
	for k := range ins {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return l, nil
	}
	err := eachRow(ctx, s.read, "SELECT id, name_zh, name_en FROM organisations WHERE id IN ("+placeholders(1, len(ids))+")", ids,
		func(sc scanner) error {
			var o anbao.Organisation
			if err := sc.Scan(&o.ID, &o.NameZH, &o.NameEN); err != nil {
				return err
			}
			n := o.NameZH
			if l.en && o.NameEN != "" {
				n = o.NameEN
			}
			l.insurers[strconv.FormatInt(o.ID, 10)] = n
			return nil
		})
	return l, err
}

// statsRetailTotals adds the declared retail line.
func (s *Store) statsRetailTotals(ctx context.Context, f anbao.StatsFilter, o *anbao.StatsOverview) error {
	if f.Industry != "" || f.Size != "" || f.ProductType != "" {
		return nil
	}
	var w where
	statsWhere(&w, "r", f)
	return s.read.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(r.policies), 0) AS BIGINT), CAST(COALESCE(SUM(r.premium), 0) AS BIGINT),
		CAST(COALESCE(SUM(r.sum_insured), 0) AS BIGINT) FROM retail_returns r`+w.String(), w.args...).
		Scan(&o.RetailPolicies, &o.RetailPremium, &o.RetailSumInsured)
}

// shanghaiMonth is the SQL for the Asia/Shanghai month of an instant column.
func (s *Store) shanghaiMonth(col string) string {
	if s.engine == Postgres {
		return "to_char(CAST(" + col + " AS timestamptz) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
	}
	return "strftime('%Y-%m', " + col + ", '+8 hours')"
}

// sectionSQL is the SQL mapping a GB/T 4754 division column to its section letter.
func sectionSQL(col string) string {
	var b strings.Builder
	b.WriteString("CASE substr(" + col + ", 1, 2)")
	for _, d := range refdata.Divisions() {
		b.WriteString(" WHEN '" + d.Code + "' THEN '" + d.Section + "'")
	}
	b.WriteString(" ELSE '' END")
	return b.String()
}

// statsPilotCounts adds the pilot's own counts.
func (s *Store) statsPilotCounts(ctx context.Context, f anbao.StatsFilter, lang string, o *anbao.StatsOverview) error {
	one := func(q string, w *where, dst *int64) error {
		return s.read.QueryRowContext(ctx, q+w.String(), w.args...).Scan(dst)
	}
	var w where
	w.add("sp.status NOT IN ('draft', 'withdrawn')")
	if f.Jurisdiction != "" {
		w.add("sp.jurisdiction = ?", f.Jurisdiction)
	}
	if f.InsurerID != 0 {
		w.add("sp.lead_org_id = ?", f.InsurerID)
	}
	if err := one("SELECT COUNT(*) FROM service_plans sp", &w, &o.Plans); err != nil {
		return err
	}
	w = where{}
	w.add("cv.status = 'published'")
	if f.Jurisdiction != "" {
		w.add("sp.jurisdiction = ?", f.Jurisdiction)
	}
	if f.InsurerID != 0 {
		w.add("sp.lead_org_id = ?", f.InsurerID)
	}
	if err := one(`SELECT COUNT(DISTINCT ce.plan_id) FROM catalogue_entries ce JOIN catalogue_versions cv ON cv.id = ce.version_id
		JOIN service_plans sp ON sp.id = ce.plan_id`, &w, &o.CataloguePlans); err != nil {
		return err
	}
	w = where{}
	if f.Jurisdiction != "" {
		w.add("pp.jurisdiction = ?", f.Jurisdiction)
	}
	if f.InsurerID != 0 {
		w.add("EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = pp.id AND m.org_id = ?)", f.InsurerID)
	}
	if err := one("SELECT COUNT(*) FROM pilot_projects pp", &w, &o.Projects); err != nil {
		return err
	}
	l := &statsLabels{en: lang == "en" || strings.HasPrefix(lang, "en-")}
	// Units take part once accepted: an invited enterprise is not yet one.
	w.add("pm.status = 'accepted'")
	err := eachRow(ctx, s.read, "SELECT o.kind, COUNT(DISTINCT pm.org_id) FROM project_members pm JOIN organisations o ON o.id = pm.org_id"+
		" JOIN pilot_projects pp ON pp.id = pm.project_id"+w.String()+" GROUP BY o.kind ORDER BY o.kind", w.args, func(sc scanner) error {
		var c anbao.StatsCount
		if err := sc.Scan(&c.Key, &c.Count); err != nil {
			return err
		}
		c.Label = c.Key
		if v, ok := kindLabels[anbao.OrgKind(c.Key)]; ok {
			c.Label = l.pick(v)
		}
		o.Units = append(o.Units, c)
		return nil
	})
	if err != nil {
		return err
	}
	// Assessments: professional assessments completed and questionnaire
	// attestations in the period, by the enterprise's facts.
	for _, a := range []struct {
		from, at, cond string
		dst            *int64
	}{
		{"engagements", "completed_at", "r.status = 'completed' AND r.completed_at <> ''", &o.Assessments},
		{"attestations", "attested_at", "", &o.SelfAssessments},
	} {
		w = where{}
		if a.cond != "" {
			w.add(a.cond)
		}
		enterpriseFacts(&w, f)
		if f.From != "" {
			w.add(s.shanghaiMonth("r."+a.at)+" >= ?", f.From)
		}
		if f.To != "" {
			w.add(s.shanghaiMonth("r."+a.at)+" <= ?", f.To)
		}
		if err := one("SELECT COUNT(*) FROM "+a.from+" r JOIN organisations e ON e.id = r.enterprise_id", &w, a.dst); err != nil {
			return err
		}
	}
	// Services: dispatches and in-kind services, by their policy's facts,
	// on a policy (for in-kind services: a term) that was in force.
	for _, t := range []struct{ table, at, term string }{
		{"dispatches", "requested_at", ""}, {"entitlement_usage", "recorded_at", " AND pt.term_no = d.term_no"},
	} {
		w = where{}
		policyFacts(&w, f)
		w.add("EXISTS (SELECT 1 FROM policy_terms pt WHERE pt.policy_id = pol.id" + t.term + " AND " + termInForce("pt") + ")")
		if f.From != "" {
			w.add(s.shanghaiMonth("d."+t.at)+" >= ?", f.From)
		}
		if f.To != "" {
			w.add(s.shanghaiMonth("d."+t.at)+" <= ?", f.To)
		}
		var n int64
		if err := one("SELECT COUNT(*) FROM "+t.table+" d JOIN policies pol ON pol.id = d.policy_id", &w, &n); err != nil {
			return err
		}
		o.Services += n
	}
	return nil
}

// enterpriseFacts filters rows of an enterprise (organisation alias e,
// the row's enterprise_id under alias r) by f's dimensions other than the
// month: the enterprise's jurisdiction, section and size; with an insurer
// or product-type filter, enterprises insured by it (a policy of theirs).
func enterpriseFacts(w *where, f anbao.StatsFilter) {
	if f.Jurisdiction != "" {
		w.add("e.jurisdiction = ?", f.Jurisdiction)
	}
	if f.Industry != "" {
		w.add(sectionSQL("e.industry")+" = ?", f.Industry)
	}
	if f.Size != "" {
		w.add("e.size = ?", string(f.Size))
	}
	if f.InsurerID != 0 || f.ProductType != "" {
		cond := "EXISTS (SELECT 1 FROM policies pol WHERE pol.enterprise_id = r.enterprise_id"
		var args []any
		if f.InsurerID != 0 {
			cond += " AND pol.insurer_id = ?"
			args = append(args, f.InsurerID)
		}
		if f.ProductType != "" {
			cond += " AND pol.product_type = ?"
			args = append(args, f.ProductType)
		}
		w.add(cond+")", args...)
	}
}

// policyFacts filters live policies (alias pol) by f's dimensions other than the month.
func policyFacts(w *where, f anbao.StatsFilter) {
	if f.Jurisdiction != "" {
		w.add("pol.jurisdiction = ?", f.Jurisdiction)
	}
	if f.Industry != "" {
		w.add(sectionSQL("pol.industry")+" = ?", f.Industry)
	}
	if f.Size != "" {
		w.add("pol.size = ?", string(f.Size))
	}
	if f.ProductType != "" {
		w.add("pol.product_type = ?", f.ProductType)
	}
	if f.InsurerID != 0 {
		w.add("pol.insurer_id = ?", f.InsurerID)
	}
}

// termInForce is the SQL condition that a policy term (alias a) was ever
// in force: not cancelled flat nor from (or before) its start date.
func termInForce(a string) string {
	return "NOT (" + a + ".status = 'cancelled' AND (" + a + ".cancel_method = 'flat' OR (" + a + ".cancelled_date <> '' AND " +
		a + ".cancelled_date <= " + a + ".start_date)))"
}

const statsPolicyCols = `x.policy_id, x.term_no, pol.number, x.insurer_id, i.name_zh, x.enterprise_id, e.name_zh, x.jurisdiction, x.section,
	x.size, x.product_type, pt.start_date, pt.end_date, pt.status, x.premium, x.sum_insured, x.claims, x.paid_amount`
const statsPolicyFrom = ` FROM stats_policies x JOIN policies pol ON pol.id = x.policy_id
	JOIN policy_terms pt ON pt.policy_id = x.policy_id AND pt.term_no = x.term_no JOIN organisations i ON i.id = x.insurer_id
	JOIN organisations e ON e.id = x.enterprise_id`

func (s *Store) scanStatsPolicy(v *statsView, today string, sc scanner) (*StatsPolicyRow, error) {
	var r StatsPolicyRow
	if err := sc.Scan(&r.ID, &r.Term, &r.Number, &r.InsurerID, &r.Insurer, &r.EnterpriseID, &r.Enterprise, &r.Jurisdiction, &r.Industry, &r.Size,
		&r.ProductType, &r.Inception, &r.Expiry, &r.Status, &r.Premium, &r.SumInsured, &r.Claims, &r.Paid); err != nil {
		return nil, err
	}
	if r.Status == PolicyActive && r.Expiry <= today {
		r.Status = PolicyExpired
	}
	if !v.names {
		r.EnterpriseID, r.Enterprise = 0, ""
	}
	return &r, nil
}

// StatsPolicies returns a page of the policy terms of the filter, in (policy id, term) order.
func (s *Store) StatsPolicies(ctx context.Context, f anbao.StatsFilter, page anbao.Page) (*StatsPolicyList, error) {
	v, _, err := s.statsReady(ctx, f)
	if err != nil {
		return nil, err
	}
	page = page.Normalize()
	var w where
	statsWhere(&w, "x", v.f)
	list := &StatsPolicyList{Items: []*StatsPolicyRow{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM stats_policies x"+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	today := s.today()
	q := "SELECT " + statsPolicyCols + statsPolicyFrom + w.String() + " ORDER BY x.policy_id, x.term_no LIMIT " + w.next(page.Limit) + " OFFSET " + w.next(page.Offset)
	err = eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		r, err := s.scanStatsPolicy(v, today, sc)
		if err == nil {
			list.Items = append(list.Items, r)
		}
		return err
	})
	return list, err
}

// statsChunk is how many policies EachStatsPolicy reads at a time.
const statsChunk = 1000

// EachStatsPolicy streams every policy term of the filter in (policy id, term) order, for
// exports: it reads by keyset in chunks, so memory stays constant and no
// connection is held while fn runs.
func (s *Store) EachStatsPolicy(ctx context.Context, f anbao.StatsFilter, fn func(*StatsPolicyRow) error) error {
	v, _, err := s.statsReady(ctx, f)
	if err != nil {
		return err
	}
	today := s.today()
	var after int64
	afterTerm := 0
	buf := make([]*StatsPolicyRow, 0, statsChunk)
	for {
		var w where
		statsWhere(&w, "x", v.f)
		// Keyset on (policy, term), written so that both engines seek on the index.
		w.add("x.policy_id >= ? AND (x.policy_id > ? OR x.term_no > ?)", after, after, afterTerm)
		q := "SELECT " + statsPolicyCols + statsPolicyFrom + w.String() + " ORDER BY x.policy_id, x.term_no LIMIT " + w.next(statsChunk)
		buf = buf[:0]
		err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
			r, err := s.scanStatsPolicy(v, today, sc)
			if err == nil {
				buf = append(buf, r)
			}
			return err
		})
		if err != nil {
			return err
		}
		for _, r := range buf {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(buf) < statsChunk {
			return nil
		}
		after, afterTerm = buf[len(buf)-1].ID, buf[len(buf)-1].Term
	}
}

// StatsIncidents returns a page of the de-identified incidents of the filter, in id order.
func (s *Store) StatsIncidents(ctx context.Context, f anbao.StatsFilter, page anbao.Page) (*StatsIncidentList, error) {
	v, _, err := s.statsReady(ctx, f)
	if err != nil {
		return nil, err
	}
	page = page.Normalize()
	var w where
	statsWhere(&w, "x", v.f)
	list := &StatsIncidentList{Items: []*StatsIncidentRow{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM stats_incidents x"+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := `SELECT x.incident_id, x.month, x.jurisdiction, x.section, x.size, x.category, x.sub_category, x.grade, x.status, x.claim_outcome
		FROM stats_incidents x` + w.String() + " ORDER BY x.incident_id LIMIT " + w.next(page.Limit) + " OFFSET " + w.next(page.Offset)
	err = eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		var r StatsIncidentRow
		if err := sc.Scan(&r.ID, &r.Month, &r.Jurisdiction, &r.Industry, &r.Size, &r.Category, &r.SubCategory, &r.Grade, &r.Status,
			&r.ClaimOutcome); err != nil {
			return err
		}
		list.Items = append(list.Items, &r)
		return nil
	})
	return list, err
}

// RefreshStats rebuilds the statistics warehouse (stats_policies,
// stats_incidents) and the rollup of the scope-only views; readers see the
// previous figures until it commits (on SQLite the warehouse and the
// rollup commit one after the other, see refreshStats). The server must
// call it periodically; it writes no audit entry (it changes no record,
// only derived figures) and needs no principal.
func (s *Store) RefreshStats(ctx context.Context) error {
	return s.refreshStats(ctx, false)
}

// refreshStats rebuilds the warehouse; onlyIfNever skips it when another
// caller built it meanwhile (the first reads of a new store race to it).
func (s *Store) refreshStats(ctx context.Context, onlyIfNever bool) error {
	start := time.Now()
	// On SQLite a transaction holds the one writer connection: the rollup
	// is folded between two transactions, from the committed warehouse,
	// so that writers wait for the rebuild only. Until the second commits,
	// live filters see the new warehouse and the rollup the previous one.
	split := s.engine == SQLite
	skipped := false
	var built time.Time
	err := s.inTx(ctx, func(t *tx) error {
		var at string
		if err := t.QueryRowContext(ctx, "SELECT refreshed_at FROM stats_meta WHERE id = 1"+t.forUpdate()).Scan(&at); err != nil {
			return err
		}
		if onlyIfNever && at != "" {
			skipped = true
			return nil
		}
		for _, q := range []string{"DELETE FROM stats_policies", "DELETE FROM stats_incidents"} {
			if _, err := t.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		open := "'" + strings.Join([]string{ClaimClosed, ClaimDeclined}, "', '") + "'"
		if _, err := t.ExecContext(ctx, `INSERT INTO stats_policies (policy_id, term_no, insurer_id, enterprise_id, jurisdiction, section,
			size, product_type, month, premium, sum_insured, subsidy, claims, claims_paid, paid_amount, claims_declined, outstanding)
			SELECT pol.id, pt.term_no, pol.insurer_id, pol.enterprise_id, pol.jurisdiction, `+sectionSQL("pol.industry")+`, pol.size,
				pol.product_type, substr(pt.start_date, 1, 7), pt.written_premium, pt.sum_insured, COALESCE(sub.amount, 0), COALESCE(c.n, 0),
				COALESCE(c.npaid, 0), COALESCE(c.amount, 0), COALESCE(c.ndeclined, 0), COALESCE(c.outstanding, 0)
			FROM policy_terms pt JOIN policies pol ON pol.id = pt.policy_id
			LEFT JOIN (SELECT policy_id, term_no, SUM(amount) AS amount FROM policy_subsidies GROUP BY policy_id, term_no) sub
				ON sub.policy_id = pt.policy_id AND sub.term_no = pt.term_no
			LEFT JOIN (SELECT policy_id, term_no, COUNT(*) AS n, SUM(CASE WHEN paid > 0 THEN 1 ELSE 0 END) AS npaid,
				SUM(paid - recovered) AS amount, SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS ndeclined,
				SUM(CASE WHEN status NOT IN (`+open+`) THEN reserve_loss + reserve_expense ELSE 0 END) AS outstanding
				FROM claims GROUP BY policy_id, term_no) c ON c.policy_id = pt.policy_id AND c.term_no = pt.term_no
			WHERE `+termInForce("pt")); err != nil {
			return fmt.Errorf("stats policies: %w", err)
		}
		// An incident takes its policy's insurer and product type only if
		// the policy was ever in force (it has a warehouse row).
		if _, err := t.ExecContext(ctx, `INSERT INTO stats_incidents (incident_id, insurer_id, product_type, jurisdiction, section, size,
			month, category, sub_category, grade, status, claim_outcome)
			SELECT i.id, COALESCE(pol.insurer_id, 0), COALESCE(pol.product_type, ''), e.jurisdiction, `+sectionSQL("e.industry")+`, e.size,
				`+s.shanghaiMonth("i.discovered_at")+`, i.category, i.sub_category, i.grade, i.status,
				COALESCE((SELECT c.status FROM claims c WHERE c.incident_id = i.id ORDER BY c.id DESC LIMIT 1), '')
			FROM incidents i JOIN organisations e ON e.id = i.enterprise_id LEFT JOIN policies pol ON pol.id = i.policy_id
				AND EXISTS (SELECT 1 FROM stats_policies sp WHERE sp.policy_id = i.policy_id)`); err != nil {
			return fmt.Errorf("stats incidents: %w", err)
		}
		if s.engine == Postgres {
			if _, err := t.ExecContext(ctx, "ANALYZE stats_policies, stats_incidents"); err != nil {
				return err
			}
		}
		built = time.Now()
		if split {
			return nil
		}
		return s.storeRollup(ctx, t, t, start, built)
	})
	if err != nil || skipped || !split {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		return s.storeRollup(ctx, s.read, t, start, built)
	})
}

// storeRollup folds the warehouse read through db into the rollup written
// by t, and stamps the refresh.
func (s *Store) storeRollup(ctx context.Context, db querier, t *tx, start, built time.Time) error {
	months := map[monthCell]*anbao.StatsFigures{}
	cells, err := statsFold(ctx, db, anbao.StatsFilter{}, true, months)
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(cells))
	for k, x := range cells {
		rows = append(rows, []any{k.scope, k.dim, k.key, x.Policies, x.Premium, x.SumInsured, x.Subsidy, x.Enterprises, x.Incidents,
			x.Claims, x.ClaimsPaid, x.PaidAmount, x.ClaimsDeclined, x.Outstanding})
	}
	mrows := make([][]any, 0, len(months))
	for k, x := range months {
		mrows = append(mrows, []any{k.scope, k.month, k.dim, k.key, k.prev, x.Policies, x.Premium, x.SumInsured, x.Subsidy, x.Enterprises,
			x.Incidents, x.Claims, x.ClaimsPaid, x.PaidAmount, x.ClaimsDeclined, x.Outstanding})
	}
	rolled := time.Now()
	for _, q := range []string{"DELETE FROM stats_rollup", "DELETE FROM stats_rollup_month"} {
		if _, err := t.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := t.insertRows("stats_rollup", `scope, dim, k, policies, premium, sum_insured, subsidy, enterprises, incidents, claims,
		claims_paid, paid_amount, claims_declined, outstanding`, rows); err != nil {
		return err
	}
	if err := t.insertRows("stats_rollup_month", `scope, month, dim, k, prev, policies, premium, sum_insured, subsidy, enterprises,
		incidents, claims, claims_paid, paid_amount, claims_declined, outstanding`, mrows); err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, "UPDATE stats_meta SET refreshed_at = $1 WHERE id = 1", s.now()); err != nil {
		return err
	}
	s.log.Info("statistics refreshed", "warehouse", built.Sub(start).Round(time.Millisecond),
		"rollup", rolled.Sub(built).Round(time.Millisecond), "cells", len(rows), "month_cells", len(mrows), "total", time.Since(start).Round(time.Millisecond))
	return nil
}

// statsCell names a cell: a scope ("" for the filter's own, else
// "j:<jurisdiction>" or "i:<insurer id>"), a figure group and a key.
type statsCell struct{ scope, dim, key string }

// monthCell names a cell of the monthly rollup: a scope ("", "j:<code>",
// "i:<id>"), a month, a figure group, a key and the enterprise's previous
// month with a term in the same (scope, group, key) ("" none).
type monthCell struct{ scope, month, dim, key, prev string }

// statsFold computes the figures of filter f in one pass over the
// warehouse: every dimension, grade, category and decline reason at once,
// reading the matching policy terms by enterprise so that distinct enterprises
// count exactly with constant memory. With multi it also computes every
// jurisdiction's and every insurer's own scope (the rollup), and, when
// months is not nil, the monthly rollup of each of those scopes into it.
func statsFold(ctx context.Context, db querier, f anbao.StatsFilter, multi bool, months map[monthCell]*anbao.StatsFigures) (map[statsCell]*anbao.StatsFigures, error) {
	type cellKey = statsCell
	cells := map[cellKey]*anbao.StatsFigures{}
	cell := func(k cellKey) *anbao.StatsFigures {
		x := cells[k]
		if x == nil {
			x = &anbao.StatsFigures{}
			cells[k] = x
		}
		return x
	}
	scopes := func(jur string, ins int64, month string) []string {
		if !multi {
			return []string{""}
		}
		out := []string{""}
		if jur != "" {
			out = append(out, "j:"+jur)
		}
		if ins != 0 {
			out = append(out, "i:"+strconv.FormatInt(ins, 10))
		}
		if len(month) >= 4 {
			for _, b := range out {
				out = append(out, b+"@"+month[:4])
			}
		}
		return out
	}
	mcell := func(k monthCell) *anbao.StatsFigures {
		x := months[k]
		if x == nil {
			x = &anbao.StatsFigures{}
			months[k] = x
		}
		return x
	}
	if !multi {
		months = nil
	}
	// The monthly rollup's scopes: the base ones, without a year.
	baseScopes := func(all []string) []string {
		n := 0
		for _, sc := range all {
			if !strings.Contains(sc, "@") {
				n++
			}
		}
		return all[:n]
	}
	// The enterprise's last two distinct months with a term in each cell
	// (the rows of an enterprise come in month order).
	type lastMonths struct{ last, prev string }
	lastOf := map[statsCell]lastMonths{}
	cell(cellKey{"", dimTotal, ""}) // the total exists even when empty
	var w where
	statsWhere(&w, "x", f)
	if !multi {
		// One scope: distinct enterprises by a bitset per cell, so the
		// rows need no sort. (Slower, measured at 500,000 policies: SQL
		// aggregates — seven COUNT(DISTINCT) scans, or a grouping-sets
		// query sorting the rows once per dimension — and folding in
		// parallel parts split by enterprise, since PostgreSQL already
		// scans in parallel.)
		if err := statsFoldOne(ctx, db, &w, cell); err != nil {
			return nil, err
		}
	}
	var lastEnt int64 = -1
	seen := map[cellKey]bool{}
	var err error
	if multi {
		err = eachRow(ctx, db, `SELECT x.enterprise_id, x.insurer_id, x.jurisdiction, x.section, x.size, x.product_type, x.month, x.premium,
		x.sum_insured, x.subsidy, x.claims, x.claims_paid, x.paid_amount, x.claims_declined, x.outstanding FROM stats_policies x`+w.String()+
			" ORDER BY x.enterprise_id, x.month", w.args, func(sc scanner) error {
			var ent, ins int64
			var jur, sec, size, pt, month string
			var v anbao.StatsFigures
			if err := sc.Scan(&ent, &ins, &jur, &sec, &size, &pt, &month, &v.Premium, &v.SumInsured, &v.Subsidy, &v.Claims, &v.ClaimsPaid,
				&v.PaidAmount, &v.ClaimsDeclined, &v.Outstanding); err != nil {
				return err
			}
			if ent != lastEnt {
				clear(seen)
				clear(lastOf)
				lastEnt = ent
			}
			insKey := strconv.FormatInt(ins, 10)
			keys := [][2]string{{dimTotal, ""}, {"jurisdiction", jur}, {"industry", sec}, {"size", size}, {"product_type", pt},
				{"insurer", insKey}, {"month", month}}
			all := scopes(jur, ins, month)
			if months != nil {
				for _, scope := range baseScopes(all) {
					for _, dk := range keys {
						k := cellKey{scope, dk[0], dk[1]}
						lm := lastOf[k]
						newEnt := lm.last != month
						if newEnt {
							lm = lastMonths{last: month, prev: lm.last}
							lastOf[k] = lm
						}
						x := mcell(monthCell{scope, month, dk[0], dk[1], lm.prev})
						x.Policies++
						x.Premium += v.Premium
						x.SumInsured += v.SumInsured
						x.Subsidy += v.Subsidy
						x.Claims += v.Claims
						x.ClaimsPaid += v.ClaimsPaid
						x.PaidAmount += v.PaidAmount
						x.ClaimsDeclined += v.ClaimsDeclined
						x.Outstanding += v.Outstanding
						if newEnt {
							x.Enterprises++
						}
					}
				}
			}
			for _, scope := range all {
				for _, dk := range keys {
					k := cellKey{scope, dk[0], dk[1]}
					x := cell(k)
					x.Policies++
					x.Premium += v.Premium
					x.SumInsured += v.SumInsured
					x.Subsidy += v.Subsidy
					x.Claims += v.Claims
					x.ClaimsPaid += v.ClaimsPaid
					x.PaidAmount += v.PaidAmount
					x.ClaimsDeclined += v.ClaimsDeclined
					x.Outstanding += v.Outstanding
					if !seen[k] {
						seen[k] = true
						x.Enterprises++
					}
				}
			}
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("stats policies: %w", err)
	}
	err = eachRow(ctx, db, `SELECT x.insurer_id, x.jurisdiction, x.section, x.size, x.product_type, x.month, x.grade, x.category
		FROM stats_incidents x`+w.String(), w.args, func(sc scanner) error {
		var ins int64
		var jur, sec, size, pt, month, grade, cat string
		if err := sc.Scan(&ins, &jur, &sec, &size, &pt, &month, &grade, &cat); err != nil {
			return err
		}
		keys := [][2]string{{dimTotal, ""}, {"jurisdiction", jur}, {"industry", sec}, {"size", size}, {"product_type", pt},
			{"insurer", strconv.FormatInt(ins, 10)}, {"month", month}, {dimGrade, grade}, {dimCategory, cat}}
		all := scopes(jur, ins, month)
		for _, scope := range all {
			for _, dk := range keys {
				cell(cellKey{scope, dk[0], dk[1]}).Incidents++
			}
		}
		if months != nil {
			for _, scope := range baseScopes(all) {
				for _, dk := range keys {
					mcell(monthCell{scope, month, dk[0], dk[1], ""}).Incidents++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stats incidents: %w", err)
	}
	w.add("c.status = ?", ClaimDeclined)
	err = eachRow(ctx, db, `SELECT c.decline_code, x.insurer_id, x.jurisdiction, x.month FROM claims c
		JOIN stats_policies x ON x.policy_id = c.policy_id AND x.term_no = c.term_no`+w.String(), w.args, func(sc scanner) error {
		var code, jur, month string
		var ins int64
		if err := sc.Scan(&code, &ins, &jur, &month); err != nil {
			return err
		}
		all := scopes(jur, ins, month)
		for _, scope := range all {
			cell(cellKey{scope, dimDecline, code}).ClaimsDeclined++
		}
		if months != nil {
			for _, scope := range baseScopes(all) {
				mcell(monthCell{scope, month, dimDecline, code, ""}).ClaimsDeclined++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stats declines: %w", err)
	}
	return cells, nil
}

// statsFoldOne folds the policy terms of one scope (conditions w) into the
// cells, without sorting: each cell keeps a bitset of the enterprise ids it
// has counted.
func statsFoldOne(ctx context.Context, db querier, w *where, cell func(statsCell) *anbao.StatsFigures) error {
	type acc struct {
		x    *anbao.StatsFigures
		ents []uint64
	}
	dims := []string{dimTotal, "jurisdiction", "industry", "size", "product_type", "insurer", "month"}
	accs := make([]map[string]*acc, len(dims))
	for i := range accs {
		accs[i] = map[string]*acc{}
	}
	// Each row comes as one text value, fields joined by commas (codes,
	// months and numbers hold none): one column to convert instead of
	// fifteen is most of the cost of a broad filter.
	const cols = 15
	var fields [cols][]byte
	var nums [cols]int64
	var raw sql.RawBytes
	err := eachRow(ctx, db, `SELECT x.enterprise_id || ',' || x.insurer_id || ',' || x.jurisdiction || ',' || x.section || ',' || x.size
		|| ',' || x.product_type || ',' || x.month || ',' || x.premium || ',' || x.sum_insured || ',' || x.subsidy || ',' || x.claims
		|| ',' || x.claims_paid || ',' || x.paid_amount || ',' || x.claims_declined || ',' || x.outstanding FROM stats_policies x`+w.String(),
		w.args, func(sc scanner) error {
			if err := sc.Scan(&raw); err != nil {
				return err
			}
			rest := []byte(raw)
			for i := range cols {
				j := bytes.IndexByte(rest, ',')
				if j < 0 {
					if i != cols-1 {
						return fmt.Errorf("stats: row %q", raw)
					}
					j = len(rest)
				}
				fields[i] = rest[:j]
				if j < len(rest) {
					rest = rest[j+1:]
				}
			}
			for _, i := range []int{0, 1, 7, 8, 9, 10, 11, 12, 13, 14} {
				n, err := parseInt(fields[i])
				if err != nil {
					return fmt.Errorf("stats: row %q: %w", raw, err)
				}
				nums[i] = n
			}
			ent := nums[0]
			word, bit := ent>>6, uint64(1)<<(ent&63)
			keyOf := [7][]byte{nil, fields[2], fields[3], fields[4], fields[5], fields[1], fields[6]}
			for i := range dims {
				a := accs[i][string(keyOf[i])]
				if a == nil {
					k := string(keyOf[i])
					a = &acc{x: cell(statsCell{"", dims[i], k})}
					accs[i][k] = a
				}
				x := a.x
				x.Policies++
				x.Premium += nums[7]
				x.SumInsured += nums[8]
				x.Subsidy += nums[9]
				x.Claims += nums[10]
				x.ClaimsPaid += nums[11]
				x.PaidAmount += nums[12]
				x.ClaimsDeclined += nums[13]
				x.Outstanding += nums[14]
				if ent < 0 {
					continue
				}
				if int(word) >= len(a.ents) {
					a.ents = append(a.ents, make([]uint64, int(word)+1-len(a.ents)+len(a.ents)/2)...)
				}
				if a.ents[word]&bit == 0 {
					a.ents[word] |= bit
					x.Enterprises++
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("stats policies: %w", err)
	}
	return nil
}

// parseInt parses a decimal integer without allocating.
func parseInt(b []byte) (int64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty number")
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' || n > (1<<62)/10 {
			return 0, fmt.Errorf("bad number %q", b)
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}
