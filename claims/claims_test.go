package claims

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao/cover"
)

// clone deep-copies an input through JSON.
func clone(t testing.TB, in *Input) *Input {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var c Input
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// catalogueArgs maps the claim.* codes of the message catalogue, when there
// is one, to the number of arguments their English message takes.
func catalogueArgs(t *testing.T) map[string]int {
	b, err := os.ReadFile("../i18n/locales/incident_errors.en.json")
	if err != nil {
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for k, v := range m {
		if strings.HasPrefix(k, "claim.") {
			n[k] = strings.Count(v, "%v") + strings.Count(v, "%q")
		}
	}
	return n
}

func TestErrors(t *testing.T) {
	cat := catalogueArgs(t)
	liability := func(in *Input) {
		in.Items = append(in.Items, Item{ID: "tp", Kind: KindThirdParty, Coverage: cover.CovDataLeakLiability, Amount: 100})
	}
	for _, c := range []struct {
		name        string
		mutate      func(*Input)
		field, code string
	}{
		{"occurred missing", func(in *Input) { in.OccurredAt = "" }, "occurred_at", "claim.date_required"},
		{"claim made missing", liability, "claim_made_at", "claim.date_required"},
		{"reported 30 February", func(in *Input) { in.ReportedAt = "2026-02-30" }, "reported_at", "claim.date_format"},
		{"term start slashes", func(in *Input) { in.TermStart = "2026/01/01" }, "term_start", "claim.date_format"},
		{"claim made no leading zero", func(in *Input) { liability(in); in.ClaimMadeAt = "2026-5-19" }, "claim_made_at", "claim.date_format"},
		{"retro date", func(in *Input) { in.Terms.RetroDate = "20240101" }, "terms.retro_date", "claim.date_format"},
		{"empty term", func(in *Input) { in.TermEnd = in.TermStart }, "term_end", "claim.term_invalid"},
		{"term of 20 years", func(in *Input) { in.TermEnd = "2046-01-01" }, "term_end", "claim.term_invalid"},
		{"discovered before occurred", func(in *Input) { in.DiscoveredAt = "2026-05-17" }, "discovered_at", "claim.date_order"},
		{"reported before discovered", func(in *Input) { in.ReportedAt = "2026-05-18" }, "reported_at", "claim.date_order"},
		{"claim made before occurred", func(in *Input) { liability(in); in.ClaimMadeAt = "2026-05-17" }, "claim_made_at", "claim.date_order"},
		{"claim made after reported", func(in *Input) { liability(in); in.ClaimMadeAt = "2026-05-20" }, "claim_made_at", "claim.date_order"},
		{"no items", func(in *Input) { in.Items = nil }, "items", "claim.items_required"},
		{"201 items", func(in *Input) {
			for i := len(in.Items); i <= MaxItems; i++ {
				in.Items = append(in.Items, Item{ID: "x" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Kind: KindPR, Coverage: cover.CovPublicRelations})
			}
		}, "items", "claim.too_many_items"},
		{"empty id", func(in *Input) { in.Items[2].ID = "" }, "items[2].id", "claim.item_id"},
		{"long id", func(in *Input) { in.Items[2].ID = strings.Repeat("a", MaxIDLen+1) }, "items[2].id", "claim.item_id"},
		{"duplicate id", func(in *Input) { in.Items[3].ID = in.Items[0].ID }, "items[3].id", "claim.item_id_duplicate"},
		{"unknown kind", func(in *Input) { in.Items[1].Kind = "bitcoin" }, "items[1].kind", "claim.item_kind_unknown"},
		{"coverage not on the policy", func(in *Input) {
			in.Items[0] = Item{ID: "m", Kind: KindThirdParty, Coverage: cover.CovMediaLiability, Amount: 1}
		}, "items[0].coverage", "claim.coverage_not_on_policy"},
		{"exclusion on a coverage not on the policy", func(in *Input) { in.Exclusions[1].Coverages = []string{"hardware", "nope"} },
			"exclusions[1].coverages[1]", "claim.coverage_not_on_policy"},
		{"kind and coverage mismatch", func(in *Input) { in.Items[0].Coverage = cover.CovDataRestoration }, "items[0].coverage", "claim.item_coverage_mismatch"},
		{"defence on a first-party coverage", func(in *Input) { in.Items[5].Kind = KindDefence }, "items[5].coverage", "claim.item_coverage_mismatch"},
		{"negative amount", func(in *Input) { in.Items[1].Amount = -1 }, "items[1].amount", "claim.amount_range"},
		{"huge amount", func(in *Input) { in.Items[1].Amount = cover.MaxAmount + 1 }, "items[1].amount", "claim.amount_range"},
		{"BI without days", func(in *Input) { in.Items[3].DailyLoss = nil }, "items[3].daily_loss", "claim.daily_loss_required"},
		{"BI over 730 days", func(in *Input) { in.Items[3].DailyLoss = make([]int64, MaxDays+1) }, "items[3].daily_loss", "claim.daily_loss_days"},
		{"negative day", func(in *Input) { in.Items[3].DailyLoss[2] = -5 }, "items[3].daily_loss[2]", "claim.daily_loss_range"},
		{"huge day", func(in *Input) { in.Items[3].DailyLoss[0] = cover.MaxAmount + 1 }, "items[3].daily_loss[0]", "claim.daily_loss_range"},
		{"amount not the sum of days", func(in *Input) { in.Items[3].Amount++ }, "items[3].amount", "claim.daily_loss_sum"},
		{"BI amount 0 is not derived", func(in *Input) { in.Items[3].Amount = 0 }, "items[3].amount", "claim.daily_loss_sum"},
		{"no outage", func(in *Input) { in.Items[3].OutageHours = 0 }, "items[3].outage_hours", "claim.outage_hours"},
		{"outage too long", func(in *Input) { in.Items[3].OutageHours = MaxOutageHours + 1 }, "items[3].outage_hours", "claim.outage_hours"},
		{"outage on extra expense", func(in *Input) { in.Items[4].OutageHours = 5 }, "items[4].outage_hours", "claim.bi_only"},
		{"days on forensics", func(in *Input) { in.Items[0].DailyLoss = []int64{1} }, "items[0].daily_loss", "claim.bi_only"},
		{"unknown clause version", func(in *Input) { in.Exclusions[0].Version = 9 }, "exclusions[0].code", "claim.exclusion_unknown"},
		{"unknown clause", func(in *Input) { in.Exclusions[1].Code = "pandemic" }, "exclusions[1].code", "claim.exclusion_unknown"},
		{"clause twice", func(in *Input) { in.Exclusions = append(in.Exclusions, in.Exclusions[0]) }, "exclusions[2].code", "claim.exclusion_twice"},
		{"negative paid aggregate", func(in *Input) { in.Paid.Aggregate = -1 }, "paid.aggregate", "claim.paid_range"},
		{"negative paid coverage", func(in *Input) { in.Paid.Coverage["hardware"] = -1 }, "paid.coverage.hardware", "claim.paid_range"},
		{"surcharge above 100%", func(in *Input) { in.FindingSurchargeBP = 10001 }, "finding_surcharge_bp", "claim.surcharge_range"},
		{"negative surcharge", func(in *Input) { in.FindingSurchargeBP = -1 }, "finding_surcharge_bp", "claim.surcharge_range"},
		{"negative aggregate", func(in *Input) { in.Terms.AggregateLimit = -1 }, "terms.aggregate_limit", "claim.terms_invalid"},
		{"huge retention", func(in *Input) { in.Terms.Retention = cover.MaxAmount + 1 }, "terms.retention", "claim.terms_invalid"},
		{"negative sublimit", func(in *Input) { in.Terms.Coverages[2].Sublimit = -1 }, "terms.coverages[2].sublimit", "claim.terms_invalid"},
		{"outside without sublimit", func(in *Input) { in.Terms.Coverages[5].Sublimit = 0 }, "terms.coverages[5].sublimit", "claim.terms_invalid"},
		{"unknown coverage", func(in *Input) { in.Terms.Coverages[10].Code = "space" }, "terms.coverages[10].code", "claim.terms_invalid"},
		{"coverage twice", func(in *Input) { in.Terms.Coverages[10].Code = cover.CovDataLeakLiability }, "terms.coverages[10].code", "claim.terms_invalid"},
		{"coinsurance 100.01%", func(in *Input) { in.Terms.Coverages[7].CoinsuranceBP = 10001 }, "terms.coverages[7].coinsurance_bp", "claim.terms_invalid"},
		{"waiting mode", func(in *Input) { in.Terms.Coverages[4].WaitingMode = "sometimes" }, "terms.coverages[4].waiting_mode", "claim.terms_invalid"},
		{"waiting on hardware", func(in *Input) { in.Terms.Coverages[2].WaitingHours = 4 }, "terms.coverages[2].waiting_hours", "claim.terms_invalid"},
		{"indemnity days", func(in *Input) { in.Terms.Coverages[4].IndemnityDays = cover.MaxIndemnityDays + 1 }, "terms.coverages[4].indemnity_days", "claim.terms_invalid"},
		{"trigger", func(in *Input) { in.Terms.Coverages[0].Trigger = "whenever" }, "terms.coverages[0].trigger", "claim.terms_invalid"},
		{"reporting days", func(in *Input) { in.Terms.Coverages[9].ReportingDays = -1 }, "terms.coverages[9].reporting_days", "claim.terms_invalid"},
		{"deductible", func(in *Input) { in.Terms.Coverages[8].Deductible = -1 }, "terms.coverages[8].deductible", "claim.terms_invalid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := Sample()
			c.mutate(in)
			r, err := Calculate(in)
			var fe *cover.FieldError
			if r != nil || !errors.As(err, &fe) || fe.Field != c.field || fe.Code != c.code {
				t.Fatalf("got %v, %v; want %s %s", r, err, c.field, c.code)
			}
			if errs := in.Validate(); len(errs) == 0 || errs[0].Field != c.field || errs[0].Code != c.code {
				t.Fatalf("Validate: %v", errs)
			}
			if n, ok := cat[fe.Code]; cat != nil && (!ok || n != len(fe.Args)) {
				t.Errorf("%s has %d arguments, its catalogue message %d (listed: %v)", fe.Code, len(fe.Args), n, ok)
			}
		})
	}
	if _, err := Calculate(nil); err == nil {
		t.Error("nil input")
	}
}

// Every documented error code is given by some test above.
func TestErrorCodesDocumented(t *testing.T) {
	f, err := os.Open("claims.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var documented []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "//\tclaim."); ok {
			documented = append(documented, "claim."+strings.Fields(rest)[0])
		}
	}
	src, err := os.ReadFile("claims_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(documented) < 20 {
		t.Fatalf("%d codes documented", len(documented))
	}
	for _, code := range documented {
		if !strings.Contains(string(src), `"`+code+`"}`) {
			t.Errorf("no test gives %s", code)
		}
	}
	// And every code the validation can give is documented.
	code, err := os.ReadFile("validate.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(string(code), `"claim.`)[1:] {
		c := "claim." + part[:strings.IndexByte(part, '"')]
		if !slices.Contains(documented, c) {
			t.Errorf("%s is not documented", c)
		}
	}
}

// Validate reports every problem, in field order.
func TestValidateAll(t *testing.T) {
	in := Sample()
	in.TermStart = "x"
	in.Items[0].Amount = -1
	in.Items[1].Kind = "?"
	in.Paid.Coverage["b"] = -2
	in.Paid.Coverage["a"] = -1
	errs := in.Validate()
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+" "+e.Code)
	}
	want := []string{"term_start claim.date_format", "items[0].amount claim.amount_range", "items[1].kind claim.item_kind_unknown",
		"paid.coverage.a claim.paid_range", "paid.coverage.b claim.paid_range"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if errs := Sample().Validate(); errs != nil {
		t.Errorf("the sample is invalid: %v", errs)
	}
}

// Calculate neither changes its input nor depends on anything but it.
func TestPureAndDeterministic(t *testing.T) {
	in := Sample()
	before := clone(t, in)
	r1, err := Calculate(in)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Calculate(in)
	if !reflect.DeepEqual(in, before) {
		t.Error("Calculate changed its input")
	}
	if !reflect.DeepEqual(r1, r2) {
		t.Error("two calculations differ")
	}
	checkResult(t, in, r1)
	// Paid codes not on the terms are ignored.
	in.Paid.Coverage["media_liability"] = 5
	r3, err := Calculate(in)
	if err != nil || !reflect.DeepEqual(r1, r3) {
		t.Errorf("a paid code off the terms changed the result: %v", err)
	}
}

// The sample's result, worked by hand, and its messages.
func TestSample(t *testing.T) {
	r, err := Calculate(Sample())
	if err != nil {
		t.Fatal(err)
	}
	// Waiting: 8 h of day 1, ¥72,000 × 8/24 = ¥24,000 > deductible ¥10,000 × 1.1
	// = ¥11,000; borne by forensics: ¥180,000 − ¥24,000 = ¥156,000.
	// Restoration capped at ¥300,000; servers ¥64,000 − ¥5,000; BI ¥192,000
	// and overtime ¥23,000 in full; PR ¥45,000 (outside); ransom ¥400,000 −
	// 25% = ¥300,000 held; negotiator ¥30,000 − 25% = ¥22,500.
	want := map[string]int64{"forensics": 15_600_000, "restore": 30_000_000, "servers": 5_900_000, "bi": 19_200_000,
		"overtime": 2_300_000, "pr": 4_500_000, "ransom": 0, "negotiator": 2_250_000}
	for _, ir := range r.Items {
		if ir.Payable != want[ir.ID] {
			t.Errorf("%s: %d, want %d", ir.ID, ir.Payable, want[ir.ID])
		}
	}
	if r.Payable != 79_750_000 || r.Held != 30_000_000 || r.Retention != 2_400_000 {
		t.Errorf("payable %d held %d retention %d", r.Payable, r.Held, r.Retention)
	}
	msgs := map[string][2]string{
		RuleWaitingRetention: {"等待期 8 小时（时间免赔）：前 8 小时的营业中断损失（每日损失按 24 小时均摊）为 ¥24,000.00",
			"Waiting period of 8 h (time deductible): the business-interruption loss of the first 8 hours (each day's loss spread over 24 h) is ¥24,000.00"},
		RuleFindingSurcharge: {"保险人已提示的风险隐患未整改并导致事故，每次事故免赔额增加 10%：¥10,000.00 → ¥11,000.00",
			"An open finding the insurer had flagged caused the loss: the per-occurrence deductible rises by 10%: ¥10,000.00 → ¥11,000.00"},
		RuleRansomHeld: {"赎金须经保险人明确同意后方可赔付：¥300,000.00 暂缓支付，待人工记录保险人同意",
			"Ransom is paid only with the insurer's express consent: ¥300,000.00 held until a human records it"},
	}
	for _, s := range r.Steps {
		if m, ok := msgs[s.Rule]; ok && (s.MsgZH != m[0] || s.MsgEN != m[1]) {
			t.Errorf("%s: %q / %q", s.Rule, s.MsgZH, s.MsgEN)
		}
	}
}

// Messages of the date rules name the dates.
func TestApplicabilityMessages(t *testing.T) {
	in := Sample()
	in.Items = []Item{{ID: "tp", Kind: KindThirdParty, Coverage: cover.CovDataLeakLiability, Amount: 100}}
	in.OccurredAt, in.DiscoveredAt, in.ClaimMadeAt, in.ReportedAt = "2026-10-01", "2026-10-02", "2026-12-01", "2027-03-02"
	r, err := Calculate(in)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Steps[0]
	if s.Reason != ReasonReportedLate || !strings.Contains(s.MsgZH, "报案日 2027-03-02 晚于报告期限 2027-03-01") ||
		!strings.Contains(s.MsgEN, "after the last reporting day 2027-03-01 (the term's last day + 60 days)") {
		t.Errorf("%+v", s)
	}
	in.ClaimMadeAt, in.ReportedAt = "2027-01-01", "2027-01-01"
	r, _ = Calculate(in)
	if s := r.Steps[0]; !strings.Contains(s.MsgZH, "索赔提出日 2027-01-01 不在保险期间 2026-01-01 至 2027-01-01（不含）内") {
		t.Errorf("%+v", s)
	}
}

func TestItemKinds(t *testing.T) {
	if len(ItemKinds) != 13 {
		t.Errorf("%d kinds", len(ItemKinds))
	}
	for _, k := range ItemKinds {
		if k.NameZH == "" || k.NameEN == "" || len(k.Coverages) == 0 || !hasHan(k.NameZH) {
			t.Errorf("%+v", k)
		}
		for _, c := range k.Coverages {
			ck, ok := cover.Kind(c)
			if !ok || ck.Liability != k.Liability {
				t.Errorf("%s → %s", k.Code, c)
			}
		}
	}
	if got := CoveragesFor(KindHardware); !slices.Equal(got, []string{cover.CovHardware, cover.CovDirectLoss}) {
		t.Errorf("hardware → %v", got)
	}
	if got := CoveragesFor(KindDefence); len(got) != 6 || !slices.Contains(got, cover.CovProfessional) {
		t.Errorf("defence → %v", got)
	}
	got := CoveragesFor(KindRansom)
	got[0] = "changed"
	if CoveragesFor(KindRansom)[0] != cover.CovExtortion {
		t.Error("CoveragesFor returns the table itself")
	}
	if CoveragesFor("nope") != nil {
		t.Error("unknown kind")
	}
}

func TestText(t *testing.T) {
	for _, v := range []int64{0, 1, 99, 100, 123456789, -5, -123456, cover.MaxAmount, -cover.MaxAmount, 1<<63 - 1, -1 << 63} {
		if got := string(appendYuan(nil, v)); got != cover.Yuan(v) {
			t.Errorf("appendYuan(%d) = %s, cover.Yuan %s", v, got, cover.Yuan(v))
		}
	}
	for bp, want := range map[int]string{0: "0%", 1000: "10%", 1250: "12.5%", 2505: "25.05%", 5: "0.05%", 10000: "100%"} {
		if got := string(appendPct(nil, bp)); got != want {
			t.Errorf("appendPct(%d) = %s", bp, got)
		}
	}
	// Dates agree with package time over the whole range, day by day in
	// the pilot's years and by 97-day strides beyond.
	for d := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 10000; {
		s := d.Format(time.DateOnly)
		z, ok := parseDate(s)
		if !ok || int64(z) != d.Unix()/86400 || string(appendDate(nil, z)) != s {
			t.Fatalf("%s: %d %v %s", s, z, ok, appendDate(nil, z))
		}
		if d.Year() >= 2020 && d.Year() < 2040 {
			d = d.AddDate(0, 0, 1)
		} else {
			d = d.AddDate(0, 0, 97)
		}
	}
	for _, s := range []string{"", "2026-02-29", "2028-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01", "2026-1-01",
		"2026/01/01", "２026-01-01", "2026-01-01T", "+026-01-01", "2026-04-31"} {
		if _, ok := parseDate(s); ok {
			t.Errorf("%q parsed", s)
		}
		if _, err := time.Parse(time.DateOnly, s); err == nil && s != "0000-01-01" {
			t.Errorf("%q is a date for package time", s)
		}
	}
	if _, ok := parseDate("2028-02-29"); !ok {
		t.Error("leap day")
	}
}

// The largest claim the bounds allow: 200 business-interruption items of
// 730 days at the amount cap, a 720-hour waiting period, the largest
// retention and surcharge. Nothing overflows and the invariants hold.
func TestLargestClaim(t *testing.T) {
	in := Sample()
	in.Exclusions = nil
	bi := in.Terms.Coverage(cover.CovBusinessInterruption)
	bi.WaitingHours, bi.IndemnityDays, bi.Sublimit = cover.MaxWaitingHours, cover.MaxIndemnityDays, 0
	in.Terms.AggregateLimit, in.Terms.Retention = cover.MaxAmount, cover.MaxAmount
	in.FindingSurchargeBP = 10000
	in.Paid = Usage{}
	in.Items = nil
	day := int64(cover.MaxAmount / MaxDays)
	for i := range MaxItems {
		it := Item{ID: "bi" + string(rune('A'+i/26)) + string(rune('a'+i%26)), Kind: KindBILoss, Coverage: cover.CovBusinessInterruption,
			OutageHours: MaxOutageHours, DailyLoss: make([]int64, MaxDays)}
		for d := range it.DailyLoss {
			it.DailyLoss[d] = day
			it.Amount += day
		}
		in.Items = append(in.Items, it)
	}
	r, err := Calculate(in)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, in, r)
	// Waiting: 30 days of each item, above the surcharged deductible of ¥20
	// billion; what is left is far above the aggregate, which caps.
	if want := int64(MaxItems) * 30 * day; r.Retention != want || r.RetentionBasis != ReasonWaiting || r.Payable != cover.MaxAmount {
		t.Errorf("retention %d payable %d", r.Retention, r.Payable)
	}
}
