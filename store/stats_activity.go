package store

// What happened in a calendar month (issue #7, the regulator's monthly
// bulletin). The statistics engine (stats.go) counts claims in the cohort of
// their policy's inception month, which answers "how is the book written in
// October performing"; a bulletin must say what happened in October. So the
// bulletin reads claims, payments, recoveries and declines by their own
// instants, and the pilot counts as they stood at the month's end.
//
// Definitions (keep in step with stats_activity_test.go):
//
//   - A month is the calendar month in Asia/Shanghai: the instants
//     [first day 00:00 Beijing, first day of next month 00:00 Beijing), as
//     UTC. Instants are stored as fixed-width UTC text (anbao.TimeFormat), so
//     the bounds compare as text on both engines. "Cumulative" is every
//     instant before the month's end (since the pilot began).
//   - A claim's jurisdiction and product type are its policy's
//     (policies.jurisdiction, policies.product_type): the same as the
//     statistics engine, which folds claims into stats_policies by policy.
//   - Claims opened: claims.created_at (when the claim was opened on the
//     platform).
//   - Paid: the sum of claim_payments.amount by claim_payments.paid_at, less
//     the sum of claim_recoveries.amount by claim_recoveries.recorded_at.
//     Claims paid: distinct claims with a payment in the period.
//   - Claims declined in the month: distinct claims with a claim_events row
//     of kind 'declined' whose at is in the month (DeclineClaim writes it in
//     the same transaction as the status change; claims.updated_at is not
//     used, since any later change moves it). A claim declined in the month
//     and reopened later still counts for that month: the decision was taken
//     then. Cumulative declined: claims whose latest 'declined' or
//     'reopened' event before the month's end is 'declined' (the claims that
//     stood declined at the month's end).
//   - Pilot counts as of the month's end, by the jurisdiction each table
//     records: plans submitted (service_plans.submitted_at before the end and
//     not withdrawn before the end); catalogue plans (distinct plans in a
//     catalogue version whose published_at is before the end); projects
//     registered (pilot_projects.created_at before the end: the registration
//     on the platform, not start_date, which is the planned start of the
//     work and may be set before or after registering; a figure for a past
//     month therefore never changes when a project is registered later);
//     participating units (distinct organisations added to such a project,
//     project_members.added_at before the end, by organisation kind).

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// ActivityFigures are the claim figures of a period, by their own instants.
type ActivityFigures struct {
	ClaimsOpened   int64 `json:"claims_opened"`
	ClaimsPaid     int64 `json:"claims_paid"` // distinct claims with a payment in the period
	Payments       int64 `json:"payments"`    // paid, gross (分)
	Recoveries     int64 `json:"recoveries"`  // recovered (分)
	PaidAmount     int64 `json:"paid_amount"` // Payments − Recoveries (分)
	ClaimsDeclined int64 `json:"claims_declined"`
}

// ActivityRow is the figures of one jurisdiction or product type.
type ActivityRow struct {
	Key string `json:"key"`
	ActivityFigures
}

// MonthActivity is what happened in one calendar month (Asia/Shanghai) in a
// scope, and cumulatively up to that month's end.
type MonthActivity struct {
	Jurisdiction string `json:"jurisdiction"` // "" for the whole pilot
	Month        string `json:"month"`        // YYYY-MM
	Start        string `json:"start"`        // the month's first instant (UTC)
	End          string `json:"end"`          // the next month's first instant (UTC), exclusive

	InMonth    ActivityFigures `json:"in_month"`   // the month's
	Cumulative ActivityFigures `json:"cumulative"` // everything before the month's end
	// The month's figures by the policy's jurisdiction and product type
	// (declines are not broken down).
	ByJurisdiction []ActivityRow `json:"by_jurisdiction"`
	ByProductType  []ActivityRow `json:"by_product_type"`

	// The pilot as it stood at the month's end.
	Plans          int64            `json:"plans"`
	CataloguePlans int64            `json:"catalogue_plans"`
	Projects       int64            `json:"projects"`
	Units          int64            `json:"units"`         // distinct participating organisations
	UnitsByKind    map[string]int64 `json:"units_by_kind"` // organisation kind → distinct organisations
}

// monthBounds returns the UTC instants bounding a YYYY-MM month in Beijing.
func monthBounds(month string) (string, string, bool) {
	if len(month) != 7 {
		return "", "", false
	}
	t, err := time.ParseInLocation("2006-01", month, anbao.Shanghai)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return "", "", false
	}
	return anbao.FormatTime(t), anbao.FormatTime(t.AddDate(0, 1, 0)), true
}

// MonthActivity returns the claims opened, paid and declined in month
// (YYYY-MM, Asia/Shanghai) and up to its end, and the pilot counts at its
// end, in jurisdiction ("" for the whole pilot). For the operator, the
// system and regulators (a local regulator its own jurisdiction only, forced
// when jurisdiction is ""); anyone else is refused.
func (s *Store) MonthActivity(ctx context.Context, jurisdiction, month string) (*MonthActivity, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActStatsRead); err != nil {
		return nil, err
	}
	jurisdiction, month = strings.TrimSpace(jurisdiction), strings.TrimSpace(month)
	switch {
	case p.System || p.OrgKind == anbao.KindOperator:
	case p.OrgKind == anbao.KindRegulator:
		if p.Jurisdiction != "" {
			if jurisdiction != "" && jurisdiction != p.Jurisdiction {
				return nil, anbao.Errorf(anbao.EFORBIDDEN, "stats.jurisdiction_forbidden", jurisdiction)
			}
			jurisdiction = p.Jurisdiction
		}
	default:
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	if jurisdiction != "" {
		if j, ok := refdata.JurisdictionByCode(jurisdiction); !ok || !j.Active {
			return nil, anbao.FieldError("jurisdiction", "stats.jurisdiction_invalid", jurisdiction)
		}
	}
	start, end, ok := monthBounds(month)
	if !ok {
		return nil, anbao.FieldError("month", "stats.month_invalid", month)
	}
	a := &MonthActivity{Jurisdiction: jurisdiction, Month: month, Start: start, End: end, UnitsByKind: map[string]int64{},
		ByJurisdiction: []ActivityRow{}, ByProductType: []ActivityRow{}}
	if err := s.activityClaims(ctx, a); err != nil {
		return nil, err
	}
	if err := s.activityPilot(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// activityClaims folds claims, payments, recoveries and declines.
func (s *Store) activityClaims(ctx context.Context, a *MonthActivity) error {
	byJur, byPT := map[string]*ActivityFigures{}, map[string]*ActivityFigures{}
	var jurs, pts []string
	cell := func(jur, pt string) (*ActivityFigures, *ActivityFigures) {
		j, ok := byJur[jur]
		if !ok {
			j = &ActivityFigures{}
			byJur[jur] = j
			jurs = append(jurs, jur)
		}
		x, ok := byPT[pt]
		if !ok {
			x = &ActivityFigures{}
			byPT[pt] = x
			pts = append(pts, pt)
		}
		return j, x
	}
	// q selects jurisdiction, product type, the month's count, the month's
	// sum, the cumulative count and the cumulative sum of instants col of
	// the rows of from, before the month's end.
	fold := func(from, col, amount string, apply func(f *ActivityFigures, month bool, n, sum int64)) error {
		var w where
		w.add(col+" < ?", a.End)
		if a.Jurisdiction != "" {
			w.add("pol.jurisdiction = ?", a.Jurisdiction)
		}
		st := w.next(a.Start)
		q := `SELECT pol.jurisdiction, pol.product_type,
			SUM(CASE WHEN ` + col + ` >= ` + st + ` THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + col + ` >= ` + st + ` THEN ` + amount + ` ELSE 0 END),
			COUNT(*), SUM(` + amount + `) FROM ` + from + w.String() + ` GROUP BY pol.jurisdiction, pol.product_type`
		return eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
			var jur, pt string
			var mn, ms, cn, cs int64
			if err := sc.Scan(&jur, &pt, &mn, &ms, &cn, &cs); err != nil {
				return err
			}
			apply(&a.Cumulative, false, cn, cs)
			apply(&a.InMonth, true, mn, ms)
			if mn != 0 || ms != 0 {
				j, x := cell(jur, pt)
				apply(j, true, mn, ms)
				apply(x, true, mn, ms)
			}
			return nil
		})
	}
	if err := fold("claims c JOIN policies pol ON pol.id = c.policy_id", "c.created_at", "0",
		func(f *ActivityFigures, _ bool, n, _ int64) { f.ClaimsOpened += n }); err != nil {
		return err
	}
	if err := fold("claim_payments cp JOIN policies pol ON pol.id = cp.policy_id", "cp.paid_at", "cp.amount",
		func(f *ActivityFigures, _ bool, _, sum int64) { f.Payments += sum; f.PaidAmount += sum }); err != nil {
		return err
	}
	if err := fold("claim_recoveries r JOIN claims c ON c.id = r.claim_id JOIN policies pol ON pol.id = c.policy_id", "r.recorded_at", "r.amount",
		func(f *ActivityFigures, _ bool, _, sum int64) { f.Recoveries += sum; f.PaidAmount -= sum }); err != nil {
		return err
	}
	// Claims with a payment: distinct claims, in the month and cumulatively.
	var w where
	w.add("cp.paid_at < ?", a.End)
	if a.Jurisdiction != "" {
		w.add("pol.jurisdiction = ?", a.Jurisdiction)
	}
	st := w.next(a.Start)
	err := eachRow(ctx, s.read, `SELECT pol.jurisdiction, pol.product_type, MAX(CASE WHEN cp.paid_at >= `+st+` THEN 1 ELSE 0 END)
		FROM claim_payments cp JOIN policies pol ON pol.id = cp.policy_id`+w.String()+` GROUP BY cp.claim_id, pol.jurisdiction, pol.product_type`,
		w.args, func(sc scanner) error {
			var jur, pt string
			var in int64
			if err := sc.Scan(&jur, &pt, &in); err != nil {
				return err
			}
			a.Cumulative.ClaimsPaid++
			if in == 1 {
				a.InMonth.ClaimsPaid++
				j, x := cell(jur, pt)
				j.ClaimsPaid++
				x.ClaimsPaid++
			}
			return nil
		})
	if err != nil {
		return err
	}
	// Declines: in the month, claims with a decline event in it; at the
	// month's end, claims whose latest decline or reopening was a decline.
	w = where{}
	w.add("e.kind = 'declined'")
	w.add("e.at >= ?", a.Start)
	w.add("e.at < ?", a.End)
	if a.Jurisdiction != "" {
		w.add("pol.jurisdiction = ?", a.Jurisdiction)
	}
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT c.id) FROM claim_events e JOIN claims c ON c.id = e.claim_id
		JOIN policies pol ON pol.id = c.policy_id`+w.String(), w.args...).Scan(&a.InMonth.ClaimsDeclined); err != nil {
		return err
	}
	w = where{}
	w.add(`(SELECT e.kind FROM claim_events e WHERE e.claim_id = c.id AND e.kind IN ('declined', 'reopened') AND e.at < ?
		ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'declined'`, a.End)
	if a.Jurisdiction != "" {
		w.add("pol.jurisdiction = ?", a.Jurisdiction)
	}
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims c JOIN policies pol ON pol.id = c.policy_id`+w.String(),
		w.args...).Scan(&a.Cumulative.ClaimsDeclined); err != nil {
		return err
	}
	slices.Sort(jurs)
	slices.Sort(pts)
	for _, k := range jurs {
		a.ByJurisdiction = append(a.ByJurisdiction, ActivityRow{Key: k, ActivityFigures: *byJur[k]})
	}
	for _, k := range pts {
		a.ByProductType = append(a.ByProductType, ActivityRow{Key: k, ActivityFigures: *byPT[k]})
	}
	return nil
}

// activityPilot counts the plans, catalogue plans, projects and units as
// they stood at the month's end.
func (s *Store) activityPilot(ctx context.Context, a *MonthActivity) error {
	one := func(q string, w *where, dst *int64) error {
		return s.read.QueryRowContext(ctx, q+w.String(), w.args...).Scan(dst)
	}
	var w where
	w.add("sp.submitted_at <> ''")
	w.add("sp.submitted_at < ?", a.End)
	w.add("(sp.withdrawn_at = '' OR sp.withdrawn_at >= ?)", a.End)
	if a.Jurisdiction != "" {
		w.add("sp.jurisdiction = ?", a.Jurisdiction)
	}
	if err := one("SELECT COUNT(*) FROM service_plans sp", &w, &a.Plans); err != nil {
		return err
	}
	w = where{}
	w.add("cv.published_at <> ''")
	w.add("cv.published_at < ?", a.End)
	if a.Jurisdiction != "" {
		w.add("sp.jurisdiction = ?", a.Jurisdiction)
	}
	if err := one(`SELECT COUNT(DISTINCT ce.plan_id) FROM catalogue_entries ce JOIN catalogue_versions cv ON cv.id = ce.version_id
		JOIN service_plans sp ON sp.id = ce.plan_id`, &w, &a.CataloguePlans); err != nil {
		return err
	}
	w = where{}
	w.add("pp.created_at < ?", a.End)
	if a.Jurisdiction != "" {
		w.add("pp.jurisdiction = ?", a.Jurisdiction)
	}
	if err := one("SELECT COUNT(*) FROM pilot_projects pp", &w, &a.Projects); err != nil {
		return err
	}
	// Units: members taking part by the month's end, i.e. enterprises that had
	// accepted by then (institutions and local authorities are accepted when added).
	w.add("pm.added_at < ? AND pm.status = 'accepted' AND (pm.responded_at = '' OR pm.responded_at < ?)", a.End, a.End)
	if err := one(`SELECT COUNT(DISTINCT pm.org_id) FROM project_members pm JOIN pilot_projects pp ON pp.id = pm.project_id`,
		&w, &a.Units); err != nil {
		return err
	}
	return eachRow(ctx, s.read, `SELECT o.kind, COUNT(DISTINCT pm.org_id) FROM project_members pm JOIN organisations o ON o.id = pm.org_id
		JOIN pilot_projects pp ON pp.id = pm.project_id`+w.String()+` GROUP BY o.kind`, w.args, func(sc scanner) error {
		var k string
		var n int64
		if err := sc.Scan(&k, &n); err != nil {
			return err
		}
		a.UnitsByKind[k] = n
		return nil
	})
}
