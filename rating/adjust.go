package rating

// Premium adjustments of the policy lifecycle: mid-term endorsements and
// cancellations. Dates are "YYYY-MM-DD"; a policy period is [start, end),
// end exclusive, so 2026-01-01 → 2027-01-01 is 365 days. Amounts are 分.
//
// Error codes (*cover.FieldError; the caller's catalogue adds "uw."):
//
//	policy.date_format            a date is not YYYY-MM-DD                   (date)
//	policy.term_invalid           end not after start, or a term over 10 years (start, end)
//	policy.amount_range           a premium outside [0, ¥10,000,000,000]     (amount)
//	policy.effective_outside_term effective date outside [start, end)        (effective, start, end)
//	policy.flat_not_at_start      flat cancellation not at inception         (effective, start)
//	policy.method_unknown         unknown cancellation method                (method)
//	policy.short_rate_annual      short rate on a term that is not one year  (start, end)

import (
	"strconv"
	"time"

	"github.com/anbao/anbao/cover"
)

// Cancellation methods.
const (
	// Flat cancels ab initio: at inception, every 分 returned.
	Flat = "flat"
	// ProRata keeps the premium of the days in force.
	ProRata = "pro_rata"
	// ShortRate keeps the short-rate table's share of the annual premium.
	ShortRate = "short_rate"
)

// maxTermDays bounds a term so that premium × days stays far inside int64
// (1e12 × 3660 < 4e15).
const maxTermDays = 3660

// shortRateBP[m] is the share (bp) of the annual premium earned when the
// policy was in force m months, any part of a month counting as a whole one.
// [M] from memory: the customary short-term rate table (短期费率表) of
// Chinese property insurance; verify against the insurer's wording.
var shortRateBP = [13]int{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 8500, 9000, 9500, 10000}

// Adjustment is a premium change. Amount > 0 means the insured pays more,
// Amount < 0 is a refund; Earned is the premium the insurer keeps for the
// period before the effective date (for an endorsement: of the old premium).
// Trail explains Amount: its Effects sum to Amount.
type Adjustment struct {
	Amount int64  `json:"amount"`
	Earned int64  `json:"earned"`
	Trail  []Step `json:"trail"`
}

func parseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, ferr(field, "policy.date_format", s)
	}
	return t, nil
}

// Days is the number of days from one date to another (negative when to is
// earlier): Days("2026-01-01", "2027-01-01") = 365.
func Days(from, to string) (int, error) {
	f, err := parseDate("date", from)
	if err != nil {
		return 0, err
	}
	t, err := parseDate("date", to)
	if err != nil {
		return 0, err
	}
	return days(f, t), nil
}

// days counts calendar days; both dates are UTC midnights, so every day is
// 86400 s (and Unix seconds do not saturate as a Duration would past 292 years).
func days(f, t time.Time) int { return int((t.Unix() - f.Unix()) / 86400) }

// term parses and checks a policy period and an effective date in it.
type term struct {
	start, end, eff time.Time
	total, elapsed  int // days of the term, days from start to effective
}

func parseTerm(start, end, effective string) (*term, error) {
	s, err := parseDate("start_date", start)
	if err != nil {
		return nil, err
	}
	e, err := parseDate("end_date", end)
	if err != nil {
		return nil, err
	}
	x, err := parseDate("effective_date", effective)
	if err != nil {
		return nil, err
	}
	t := &term{start: s, end: e, eff: x, total: days(s, e), elapsed: days(s, x)}
	if t.total <= 0 || t.total > maxTermDays {
		return nil, ferr("end_date", "policy.term_invalid", start, end)
	}
	if t.elapsed < 0 || t.elapsed >= t.total {
		return nil, ferr("effective_date", "policy.effective_outside_term", effective, start, end)
	}
	return t, nil
}

func checkPremium(field string, v int64) error {
	if v < 0 || v > cover.MaxAmount {
		return ferr(field, "policy.amount_range", FormatYuan(v))
	}
	return nil
}

// roundSigned is n/d rounded half away from zero (d > 0).
func roundSigned(n, d int64) int64 {
	if n < 0 {
		return -roundDiv(-n, d)
	}
	return roundDiv(n, d)
}

// Endorsement is the premium due for a mid-term change from a full-term
// premium oldPremium to newPremium, effective on effective in [start, end):
// the difference, pro rata to the days left, (new − old) × [effective, end)
// ÷ [start, end), rounded half away from zero. Earned is the old premium
// earned before the change, old × [start, effective) ÷ [start, end).
func Endorsement(oldPremium, newPremium int64, start, end, effective string) (*Adjustment, error) {
	if err := checkPremium("old_premium", oldPremium); err != nil {
		return nil, err
	}
	if err := checkPremium("new_premium", newPremium); err != nil {
		return nil, err
	}
	t, err := parseTerm(start, end, effective)
	if err != nil {
		return nil, err
	}
	left := int64(t.total - t.elapsed)
	amount := roundSigned((newPremium-oldPremium)*left, int64(t.total))
	b := make([]byte, 0, 96)
	b = append(b, '(')
	b = appendYuan(b, newPremium)
	b = append(b, " − "...)
	b = appendYuan(b, oldPremium)
	b = append(b, ") × "...)
	b = strconv.AppendInt(b, left, 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(t.total), 10)
	b = append(b, " days"...)
	return &Adjustment{
		Amount: amount,
		Earned: roundDiv(oldPremium*int64(t.elapsed), int64(t.total)),
		Trail: []Step{{ID: "endorsement", LabelZH: "批改保费（按剩余天数比例）", LabelEN: "Endorsement premium (pro rata to the days left)",
			Input: string(b), After: amount, Effect: amount}},
	}, nil
}

// Cancellation is the refund of a policy of full-term premium premium
// cancelled on effective in [start, end) by method: Flat (only at start:
// everything back), ProRata (the insurer keeps premium × days in force ÷
// days of the term, rounded half up) or ShortRate (the insurer keeps the
// short-rate table's share of the premium for the months in force, any part
// of a month counting as a month; annual terms only, since the table is one
// of annual premiums; 0 days in force keeps nothing). Amount = earned −
// premium ≤ 0.
func Cancellation(method string, premium int64, start, end, effective string) (*Adjustment, error) {
	switch method {
	case Flat, ProRata, ShortRate:
	default:
		return nil, ferr("method", "policy.method_unknown", method)
	}
	if err := checkPremium("premium", premium); err != nil {
		return nil, err
	}
	t, err := parseTerm(start, end, effective)
	if err != nil {
		return nil, err
	}
	var earned int64
	var zh, en string
	b := make([]byte, 0, 64)
	switch method {
	case Flat:
		if t.elapsed != 0 {
			return nil, ferr("effective_date", "policy.flat_not_at_start", effective, start)
		}
		zh, en = "全额退费（自始注销）", "Flat cancellation (ab initio)"
		b = append(b, "0"...)
	case ProRata:
		earned = roundDiv(premium*int64(t.elapsed), int64(t.total))
		zh, en = "已赚保费（按日比例）", "Earned premium (pro rata)"
		b = appendYuan(b, premium)
		b = append(b, " × "...)
		b = strconv.AppendInt(b, int64(t.elapsed), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(t.total), 10)
		b = append(b, " days"...)
	case ShortRate:
		if !addMonths(t.start, 12).Equal(t.end) {
			return nil, ferr("method", "policy.short_rate_annual", start, end)
		}
		m := monthsInForce(t.start, t.eff)
		earned = mulBP(premium, shortRateBP[m])
		zh, en = "已赚保费（短期费率）", "Earned premium (short rate)"
		b = appendYuan(b, premium)
		b = append(b, " × "...)
		b = appendPct(b, shortRateBP[m])
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(m), 10)
		b = append(b, " months)"...)
	}
	return &Adjustment{
		Amount: earned - premium,
		Earned: earned,
		Trail: []Step{
			{ID: "premium_returned", LabelZH: "退还已收保费", LabelEN: "Premium returned", Input: FormatYuan(premium),
				Before: 0, After: -premium, Effect: -premium},
			{ID: "earned", LabelZH: zh, LabelEN: en, Input: string(b), Before: -premium, After: earned - premium, Effect: earned},
		},
	}, nil
}

// addMonths adds n calendar months, holding the day of the month and
// clamping it to the month's last day (2026-01-31 + 1 month = 2026-02-28),
// where time.AddDate would run into March.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// monthsInForce is the number of months, any part counting as a whole, from
// start to eff (eff before start + 12 months): the least m with start + m
// months ≥ eff.
func monthsInForce(start, eff time.Time) int {
	m := 0
	for addMonths(start, m).Before(eff) {
		m++
	}
	return m
}

// Segment is a stretch [Start, End) of a term at one annual premium.
type Segment struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Annual int64  `json:"annual"`
}

// ProRataSegments is the pro-rata cancellation of a term split by
// endorsements: the insurer keeps, for each segment, its annual premium ×
// its days in force ÷ the term's days (each rounded half up), and returns
// the rest of the written premium. With one segment at the written premium
// it equals Cancellation(ProRata, …). segs must tile [start, end) in order.
func ProRataSegments(written int64, segs []Segment, start, end, effective string) (*Adjustment, error) {
	if err := checkPremium("premium", written); err != nil {
		return nil, err
	}
	t, err := parseTerm(start, end, effective)
	if err != nil {
		return nil, err
	}
	adj := &Adjustment{Trail: []Step{{ID: "premium_returned", LabelZH: "退还已收保费", LabelEN: "Premium returned",
		Input: FormatYuan(written), Before: 0, After: -written, Effect: -written}}}
	at := -written
	for i, g := range segs {
		s, err := parseDate("start_date", g.Start)
		if err != nil {
			return nil, err
		}
		e, err := parseDate("end_date", g.End)
		if err != nil {
			return nil, err
		}
		if err := checkPremium("premium", g.Annual); err != nil {
			return nil, err
		}
		if e.After(t.eff) {
			e = t.eff
		}
		d := days(s, e)
		if d <= 0 {
			continue
		}
		earned := roundDiv(g.Annual*int64(d), int64(t.total))
		adj.Earned += earned
		b := appendYuan(nil, g.Annual)
		b = append(b, " × "...)
		b = strconv.AppendInt(b, int64(d), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(t.total), 10)
		b = append(b, " days ("...)
		b = append(b, g.Start...)
		b = append(b, ')')
		adj.Trail = append(adj.Trail, Step{ID: "earned:" + strconv.Itoa(i+1), LabelZH: "已赚保费（按日比例，第 " + strconv.Itoa(i+1) + " 段）",
			LabelEN: "Earned premium (pro rata, segment " + strconv.Itoa(i+1) + ")", Input: string(b), Before: at, After: at + earned, Effect: earned})
		at += earned
	}
	adj.Amount = at
	return adj, nil
}
