package rating

import (
	"errors"
	"testing"
	"time"

	"github.com/anbao/anbao/cover"
)

// adjustCase is one adjustment of testdata/cases.json, worked by hand.
type adjustCase struct {
	Name      string `json:"name"`
	Working   string `json:"working"`
	Kind      string `json:"kind"` // cancellation | endorsement
	Method    string `json:"method"`
	Premium   int64  `json:"premium"`
	Old       int64  `json:"old"`
	New       int64  `json:"new"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Effective string `json:"effective"`
	Amount    int64  `json:"amount"`
	Earned    int64  `json:"earned"`
}

func checkAdjustment(t *testing.T, a *Adjustment) {
	t.Helper()
	var sum, prev int64
	for i, s := range a.Trail {
		if s.Before != prev || s.After != s.Before+s.Effect || s.LabelZH == "" || s.LabelEN == "" || s.Input == "" {
			t.Fatalf("step %d: %+v", i, s)
		}
		prev = s.After
		sum += s.Effect
	}
	if len(a.Trail) == 0 || sum != a.Amount {
		t.Fatalf("trail sums to %d, amount %d", sum, a.Amount)
	}
}

func TestAdjustmentCases(t *testing.T) {
	d := loadTestdata(t)
	if len(d.Adjustments) < 12 {
		t.Fatalf("%d adjustment cases, want at least 12", len(d.Adjustments))
	}
	for _, c := range d.Adjustments {
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Working) < 20 {
				t.Fatal("a case needs its working")
			}
			var a *Adjustment
			var err error
			switch c.Kind {
			case "cancellation":
				a, err = Cancellation(c.Method, c.Premium, c.Start, c.End, c.Effective)
			case "endorsement":
				a, err = Endorsement(c.Old, c.New, c.Start, c.End, c.Effective)
			default:
				t.Fatalf("kind %q", c.Kind)
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Amount != c.Amount || a.Earned != c.Earned {
				t.Errorf("amount %d earned %d, want %d and %d", a.Amount, a.Earned, c.Amount, c.Earned)
			}
			checkAdjustment(t, a)
			if c.Kind == "cancellation" && (a.Amount > 0 || a.Amount != a.Earned-c.Premium) {
				t.Errorf("a cancellation refunds premium − earned: %d", a.Amount)
			}
		})
	}
}

// Each edge of the short-rate table: exactly k months in force earns the
// k-month share, one day more the next one.
func TestShortRateEdges(t *testing.T) {
	table := []int64{0, 10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100} // % by months in force
	for k := 1; k <= 11; k++ {
		// start + k months is the last day of the k-th month after March
		// (the 31st clamped): 30 Apr, 31 May, 30 Jun, …, 28 Feb 2027.
		edge := time.Date(2026, 4+time.Month(k), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		for _, c := range []struct {
			eff    time.Time
			months int
		}{{edge, k}, {edge.AddDate(0, 0, 1), k + 1}} {
			a, err := Cancellation(ShortRate, 2_000_000, "2026-03-31", "2027-03-31", c.eff.Format(time.DateOnly))
			if err != nil {
				t.Fatal(err)
			}
			if want := 2_000_000 * table[c.months] / 100; a.Earned != want {
				t.Errorf("%s: earned %d, want %d (%d months)", c.eff.Format(time.DateOnly), a.Earned, want, c.months)
			}
			checkAdjustment(t, a)
		}
	}
}

func TestDays(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2026-01-01", "2027-01-01", 365}, {"2028-01-01", "2029-01-01", 366}, {"2026-03-01", "2026-02-01", -28},
		{"2026-03-28", "2026-03-30", 2}, // across the European DST change: no 23-hour day in UTC
		{"0001-01-01", "9999-12-31", 3652058},
	} {
		if got, err := Days(c.from, c.to); err != nil || got != c.want {
			t.Errorf("Days(%s, %s) = %d, %v; want %d", c.from, c.to, got, err, c.want)
		}
	}
	if _, err := Days("2026-1-1", "2026-02-01"); err == nil {
		t.Error("a date without leading zeros must fail")
	}
}

func TestAdjustmentErrors(t *testing.T) {
	const s, e = "2026-01-01", "2027-01-01"
	for _, c := range []struct {
		name        string
		f           func() (*Adjustment, error)
		field, code string
	}{
		{"effective at end", func() (*Adjustment, error) { return Cancellation(ProRata, 100, s, e, e) }, "effective_date", "policy.effective_outside_term"},
		{"effective before start", func() (*Adjustment, error) { return Endorsement(100, 200, s, e, "2025-12-31") }, "effective_date", "policy.effective_outside_term"},
		{"flat later", func() (*Adjustment, error) { return Cancellation(Flat, 100, s, e, "2026-01-02") }, "effective_date", "policy.flat_not_at_start"},
		{"method", func() (*Adjustment, error) { return Cancellation("half", 100, s, e, s) }, "method", "policy.method_unknown"},
		{"date format", func() (*Adjustment, error) { return Cancellation(ProRata, 100, s, e, "2026-02-30") }, "effective_date", "policy.date_format"},
		{"start format", func() (*Adjustment, error) { return Endorsement(1, 2, "2026/01/01", e, s) }, "start_date", "policy.date_format"},
		{"end before start", func() (*Adjustment, error) { return Cancellation(ProRata, 100, e, s, s) }, "end_date", "policy.term_invalid"},
		{"empty term", func() (*Adjustment, error) { return Endorsement(1, 2, s, s, s) }, "end_date", "policy.term_invalid"},
		{"term of 20 years", func() (*Adjustment, error) { return Endorsement(1, 2, s, "2046-01-01", s) }, "end_date", "policy.term_invalid"},
		{"short rate on 6 months", func() (*Adjustment, error) { return Cancellation(ShortRate, 100, s, "2026-07-01", "2026-02-01") }, "method", "policy.short_rate_annual"},
		{"short rate on 366 days", func() (*Adjustment, error) { return Cancellation(ShortRate, 100, s, "2027-01-02", "2026-02-01") }, "method", "policy.short_rate_annual"},
		{"negative premium", func() (*Adjustment, error) { return Cancellation(ProRata, -1, s, e, s) }, "premium", "policy.amount_range"},
		{"huge premium", func() (*Adjustment, error) { return Endorsement(1, cover.MaxAmount+1, s, e, s) }, "new_premium", "policy.amount_range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := c.f()
			var fe *cover.FieldError
			if a != nil || !errors.As(err, &fe) || fe.Field != c.field || fe.Code != c.code {
				t.Fatalf("got %v, %v; want %s %s", a, err, c.field, c.code)
			}
		})
	}
	// Every documented code is exercised above.
	seen := map[string]bool{}
	for _, c := range []string{"policy.effective_outside_term", "policy.flat_not_at_start", "policy.method_unknown", "policy.date_format",
		"policy.term_invalid", "policy.short_rate_annual", "policy.amount_range"} {
		seen[c] = true
	}
	for _, code := range codesIn(t, "adjust.go", "policy.") {
		if !seen[code] {
			t.Errorf("no test gives %s", code)
		}
	}
	// A leap-day start is annual to 28 February.
	if _, err := Cancellation(ShortRate, 100, "2028-02-29", "2029-02-28", "2028-06-01"); err != nil {
		t.Error(err)
	}
}

// Endorsements are antisymmetric (half away from zero), and an endorsement
// from p to q followed by one from q to p on the same day sums to zero.
func TestEndorsementSymmetry(t *testing.T) {
	for p := int64(0); p < 400; p += 37 {
		for q := int64(0); q < 400; q += 41 {
			for _, eff := range []string{"2026-01-01", "2026-05-17", "2026-12-31"} {
				up, err1 := Endorsement(p, q, "2026-01-01", "2027-01-01", eff)
				down, err2 := Endorsement(q, p, "2026-01-01", "2027-01-01", eff)
				if err1 != nil || err2 != nil || up.Amount != -down.Amount {
					t.Fatalf("%d→%d on %s: %v %v", p, q, eff, up, down)
				}
			}
		}
	}
}

func TestProRataSegments(t *testing.T) {
	// 2026-04-01 → 2027-04-01 (365 days) at ¥36,500.00, endorsed on
	// 2026-10-01 (183 days in) to ¥73,000.00 a year: written premium
	// 36,500.00 + (73,000.00 − 36,500.00) × 182/365 = 36,500.00 + 18,200.00 = 54,700.00.
	segs := []Segment{{"2026-04-01", "2026-10-01", 3_650_000}, {"2026-10-01", "2027-04-01", 7_300_000}}
	const written = 5_470_000
	// Cancelled on 2026-12-01: 183 days of ¥36,500 (1,830,000 分) and 61 days of ¥73,000 (1,220,000 分).
	adj, err := ProRataSegments(written, segs, "2026-04-01", "2027-04-01", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	if adj.Earned != 3_050_000 || adj.Amount != 3_050_000-written {
		t.Errorf("earned %d, amount %d; want 3050000, %d", adj.Earned, adj.Amount, 3_050_000-written)
	}
	var sum int64
	for _, s := range adj.Trail {
		sum += s.Effect
	}
	if sum != adj.Amount {
		t.Errorf("trail sums to %d, amount %d", sum, adj.Amount)
	}
	// At the term's last day everything but one day is earned; one segment equals Cancellation.
	one, err := ProRataSegments(3_650_000, segs[:1:1], "2026-04-01", "2027-04-01", "2026-07-01")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Cancellation(ProRata, 3_650_000, "2026-04-01", "2027-04-01", "2026-07-01")
	if err != nil {
		t.Fatal(err)
	}
	if one.Amount != plain.Amount || one.Earned != plain.Earned {
		t.Errorf("one segment %d/%d, Cancellation %d/%d", one.Earned, one.Amount, plain.Earned, plain.Amount)
	}
	if _, err := ProRataSegments(written, segs, "2026-04-01", "2027-04-01", "2027-04-01"); err == nil {
		t.Error("a date at the end of the term was accepted")
	}
}
