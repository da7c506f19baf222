package claims

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/anbao/anbao/cover"
)

// gen draws an input from fuzz bytes: every byte steers one choice, and
// the input is mostly valid so that the fuzzer explores the calculation.
type gen struct {
	b []byte
	i int
}

func (g *gen) byte() byte {
	if g.i >= len(g.b) {
		return 0
	}
	g.i++
	return g.b[g.i-1]
}

func (g *gen) intn(n int) int { return int(g.byte()) % n }

func (g *gen) chance(n int) bool { return g.intn(n) == 0 }

// amount is a loss from ¥0 to far above any limit, with odd 分 now and then.
func (g *gen) amount() int64 {
	switch g.intn(8) {
	case 0:
		return 0
	case 1:
		return int64(g.byte())<<16 | int64(g.byte())<<8 | int64(g.byte()) // a few 分 to ¥167,772
	case 2:
		return cover.MaxAmount - int64(g.byte())
	}
	return int64(g.intn(200)+1) * []int64{1_000, 10_000, 100_000, 1_000_000, 10_000_000}[g.intn(5)]
}

func (g *gen) date(base int32, spread int) string {
	return string(appendDate(nil, base+int32(g.intn(spread))))
}

func (g *gen) input() *Input {
	in := &Input{Terms: SampleTerms(), TermStart: "2026-01-01", TermEnd: "2027-01-01"}
	t := &in.Terms
	t.AggregateLimit = []int64{0, 1_000_000, 50_000_000, 500_000_000, cover.MaxAmount}[g.intn(5)]
	t.Retention = []int64{0, 1, 1_000_000, 5_000_000, 333_333}[g.intn(5)]
	if g.chance(4) {
		t.RetroDate = ""
	}
	for i := range t.Coverages {
		c := &t.Coverages[i]
		if g.chance(3) {
			c.Sublimit = []int64{0, 1, 2_000_000, 10_000_000}[g.intn(4)]
			if c.Outside && c.Sublimit == 0 {
				c.Sublimit = 3_000_000
			}
		}
		if g.chance(3) {
			c.Deductible = []int64{0, 1, 100_000, 2_000_000}[g.intn(4)]
		}
		if g.chance(3) {
			c.CoinsuranceBP = []int{0, 1, 2500, 3333, 9000, 10000}[g.intn(6)]
		}
		if g.chance(4) && c.Sublimit > 0 {
			c.Outside = !c.Outside
		}
		if g.chance(4) {
			c.Trigger = []cover.Trigger{cover.Occurrence, cover.Discovered, cover.ClaimsMade}[g.intn(3)]
			c.ReportingDays = 0
			if c.Trigger == cover.ClaimsMade {
				c.ReportingDays = g.intn(91)
			}
		}
		c.DefenceInside = c.DefenceInside != g.chance(3)
		if c.Code == cover.CovBusinessInterruption {
			c.WaitingHours = []int{0, 1, 8, 12, 25, 72, 720}[g.intn(7)]
			c.WaitingMode = []string{cover.WaitTimeDeductible, cover.WaitTrigger}[g.intn(2)]
			c.IndemnityDays = []int{0, 1, 2, 30, 90, 730}[g.intn(6)]
		}
		if c.Code != cover.CovDataLeakLiability && c.Code != cover.CovSecurityLiability {
			c.DefenceInside = false
		}
	}
	start, _ := parseDate(in.TermStart)
	occ := start - 400 + int32(g.intn(256)) + int32(g.intn(256)) + int32(g.intn(256))
	disc := occ + int32(g.intn(40))
	rep := disc + int32(g.intn(100))
	in.OccurredAt = string(appendDate(nil, occ))
	in.DiscoveredAt = string(appendDate(nil, disc))
	in.ReportedAt = string(appendDate(nil, rep))
	in.ClaimMadeAt = g.date(occ, int(rep-occ)+1)
	n := g.intn(12) + 1
	for i := range n {
		k := &ItemKinds[g.intn(len(ItemKinds))]
		var codes []string
		for _, c := range k.Coverages {
			if t.Coverage(c) != nil {
				codes = append(codes, c)
			}
		}
		it := Item{ID: "i" + strconv.Itoa(i), Kind: k.Code, Coverage: codes[g.intn(len(codes))]}
		if k.Daily {
			days := g.intn(40) + 1
			if g.chance(16) {
				days = MaxDays
			}
			for range days {
				v := g.amount()
				if it.Amount+v > cover.MaxAmount {
					v = 0
				}
				it.DailyLoss = append(it.DailyLoss, v)
				it.Amount += v
			}
			it.OutageHours = g.intn(100) + 1
		} else {
			it.Amount = g.amount()
		}
		in.Items = append(in.Items, it)
	}
	for _, cl := range t.Exclusions {
		if g.chance(2) {
			f := ExclusionFact{Code: cl.Code, Version: cl.Version, Applies: g.chance(3)}
			if g.chance(2) {
				f.Coverages = []string{in.Items[g.intn(n)].Coverage}
			}
			in.Exclusions = append(in.Exclusions, f)
		}
	}
	in.FindingCaused = g.chance(3)
	in.FindingSurchargeBP = []int{0, 1, 1000, 1500, 10000}[g.intn(5)]
	in.RansomConsent = g.chance(2)
	in.Paid.Aggregate = []int64{0, 1, 10_000_000, 499_999_999, cover.MaxAmount}[g.intn(5)]
	in.Paid.Coverage = map[string]int64{}
	for range g.intn(4) {
		in.Paid.Coverage[t.Coverages[g.intn(len(t.Coverages))].Code] = g.amount()
	}
	// Now and then, one fault (not when the bytes have run out: byte()
	// then returns 0).
	switch g.intn(24) {
	case 19:
		in.Items[g.intn(n)].Amount = -1
	case 20:
		in.ReportedAt = in.OccurredAt[:9]
	case 21:
		in.Items[g.intn(n)].Coverage = cover.CovMediaLiability
	case 22:
		in.Paid.Aggregate = -int64(g.byte()) - 1
	case 23:
		in.Terms.Coverages[g.intn(len(t.Coverages))].CoinsuranceBP = 10001
	}
	return in
}

// FuzzCalculate checks the invariants of checkResult on drawn claims:
// Σ Claimed + Σ item deltas = Payable + Held, each item's trail chains from
// Claimed to Payable + Held, nothing is negative or above what was claimed,
// Payable + Held ≤ aggregate remaining + outside sublimits remaining +
// defence outside, erosion within every limit; and determinism. An input
// that does not validate fails with a *cover.FieldError and no result.
func FuzzCalculate(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 64 {
		b := make([]byte, 160)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &gen{b: data}
		in := g.input()
		r, err := Calculate(in)
		if err != nil {
			var fe *cover.FieldError
			if !errors.As(err, &fe) || r != nil || fe.Field == "" {
				t.Fatalf("error %v is not a FieldError with a field", err)
			}
			return
		}
		checkResult(t, in, r)
		again, _ := Calculate(in)
		if !reflect.DeepEqual(r, again) {
			t.Fatal("not deterministic")
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
		// Consent moves the held ransom to payable and changes nothing else.
		if r.Held > 0 {
			in.RansomConsent = true
			c, err := Calculate(in)
			if err != nil || c.Payable != r.Payable+r.Held || c.Held != 0 {
				t.Fatalf("with consent: %v %+v", err, c)
			}
		}
	})
}

// TestFuzzSeeds runs many more draws than the seed corpus, in plain go test.
func TestFuzzSeeds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for range 20000 {
		b := make([]byte, 200)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		in := (&gen{b: b}).input()
		r, err := Calculate(in)
		if err != nil {
			continue
		}
		valid++
		checkResult(t, in, r)
	}
	if valid < 15000 {
		t.Errorf("only %d of 20000 draws valid", valid)
	}
}
