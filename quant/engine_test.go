package quant

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func pert(lo, m, hi float64) *Dist { return &Dist{Kind: KindPERT, Low: P(lo), Mode: P(m), High: P(hi)} }
func logn90(lo, hi float64) *Dist  { return &Dist{Kind: KindLognormal, Low: P(lo), High: P(hi)} }
func cnst(v float64) *Dist         { return &Dist{Kind: KindConstant, Value: P(v)} }

func portfolio5() *Model {
	return &Model{Name: "portfolio5", Scenarios: []Scenario{
		{ID: "ransomware", Frequency: cnst(0.10), Magnitude: logn90(200e3, 10e6)},
		{ID: "data_breach", Frequency: cnst(0.15), Magnitude: logn90(100e3, 8e6)},
		{ID: "bec", Frequency: cnst(0.50), Magnitude: logn90(20e3, 1.5e6)},
		{ID: "ddos", Frequency: cnst(0.30), Magnitude: logn90(10e3, 2e6)},
		{ID: "supply_chain", Frequency: cnst(0.05), Magnitude: logn90(100e3, 15e6)},
	}}
}

func fairTree() *Model {
	return &Model{Name: "tree", Scenarios: []Scenario{{ID: "tree", Semantics: Product,
		ContactFrequency: pert(2, 10, 40), ProbabilityOfAction: pert(0.2, 0.5, 0.8),
		ThreatCapability: pert(0.3, 0.6, 0.95), ResistanceStrength: pert(0.5, 0.7, 0.9),
		PrimaryLoss: pert(50e3, 250e3, 2.5e6), SecondaryFrequency: pert(0.1, 0.3, 0.6), SecondaryMagnitude: pert(10e3, 100e3, 1e6)}}}
}

// The same seed gives the same numbers whatever the number of workers.
func TestReproducibleAcrossWorkers(t *testing.T) {
	ctx := context.Background()
	for _, m := range []*Model{portfolio5(), fairTree()} {
		var first *Result
		for _, w := range []int{1, 2, 3, 8} {
			r, err := Simulate(ctx, m, Options{Trials: 50_000 + 123, Seed: 99, Workers: w, LECThresholds: []float64{1e5, 1e6}})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = r
			} else if !reflect.DeepEqual(first, r) {
				t.Fatalf("%s: %d workers gave different numbers (mean %v vs %v)", m.Name, w, r.Mean, first.Mean)
			}
		}
		other, _ := Simulate(ctx, m, Options{Trials: 50_000 + 123, Seed: 100})
		if other.Mean == first.Mean {
			t.Errorf("%s: a different seed gave the same mean", m.Name)
		}
	}
}

// Kolmogorov–Smirnov: every sampler against its own CDF. With n = 100,000
// the 0.1% critical value of D is 1.95/√n.
func TestSamplersMatchCDF(t *testing.T) {
	dists := map[string]*Dist{
		"pert":          pert(50e3, 250e3, 2.5e6),
		"pert-pyfair":   {Kind: KindPERT, Low: P(0), Mode: P(0), High: P(10), Variant: "pyfair"},
		"pert-shape2":   {Kind: KindPERT, Low: P(1), Mode: P(2), High: P(9), Shape: P(2)},
		"lognormal":     logn90(50e3, 2.5e6),
		"lognormal-ms":  {Kind: KindLognormal, Mean: P(10), SD: P(30)},
		"triangular":    {Kind: KindTriangular, Low: P(1), Mode: P(2), High: P(5)},
		"uniform":       {Kind: KindUniform, Low: P(-3), High: P(7)},
		"normal":        {Kind: KindNormal, Mean: P(5), SD: P(2)},
		"normal-trunc":  {Kind: KindNormal, Mean: P(-1), SD: P(1), Truncate: true},
		"normal-trunc2": {Kind: KindNormal, Mean: P(1), SD: P(1), Truncate: true},
		"beta-small":    {Kind: KindBeta, Alpha: P(0.5), Beta: P(0.7)},
		"beta":          {Kind: KindBeta, Alpha: P(3), Beta: P(1.5), Low: P(10), High: P(20)},
	}
	const n = 100_000
	for name, d := range dists {
		s, errs := compileDist("d", d, roleStrength)
		if errs != nil {
			t.Fatalf("%s: %v", name, errs)
		}
		r := newRNG(5, 1, 2)
		x := make([]float64, n)
		for i := range x {
			x[i] = s.draw(&r)
		}
		slices.Sort(x)
		D := 0.0
		for i, v := range x {
			F := s.cdf(v)
			D = math.Max(D, math.Max(math.Abs(F-float64(i)/n), math.Abs(float64(i+1)/n-F)))
		}
		if D > 1.95/math.Sqrt(n) {
			t.Errorf("%s: KS distance %.5f exceeds %.5f", name, D, 1.95/math.Sqrt(n))
		}
		var sum neumaier
		for _, v := range x {
			sum.add(v)
		}
		if se := math.Sqrt(s.variance() / n); math.Abs(sum.sum()/n-s.mean()) > 4.5*se {
			t.Errorf("%s: sample mean %v, want %v ± %v", name, sum.sum()/n, s.mean(), 4.5*se)
		}
	}
}

// Poisson: the empirical frequencies of 0, 1, 2, … against the exact pmf, for
// the inversion (small λ) and PTRS (large λ) samplers.
func TestPoissonSamplers(t *testing.T) {
	for _, lam := range []float64{0.05, 0.5, 3, 29.9, 30, 250} {
		s, errs := compileDist("p", &Dist{Kind: KindPoisson, Mean: P(lam)}, roleFrequency)
		if errs != nil {
			t.Fatal(errs)
		}
		r := newRNG(1, 2, 3)
		const n = 200_000
		var sum, sq float64
		counts := map[float64]int{}
		for i := 0; i < n; i++ {
			k := s.draw(&r)
			if k != math.Floor(k) || k < 0 {
				t.Fatalf("λ=%v: draw %v is not a count", lam, k)
			}
			counts[k]++
			sum += k
			sq += k * k
		}
		mean := sum / n
		if math.Abs(mean-lam) > 4.5*math.Sqrt(lam/n) {
			t.Errorf("λ=%v: mean %v", lam, mean)
		}
		if v := sq/n - mean*mean; math.Abs(v-lam)/lam > 0.03 {
			t.Errorf("λ=%v: variance %v", lam, v)
		}
		mode := math.Floor(lam)
		lg, _ := math.Lgamma(mode + 1)
		pmf := math.Exp(-lam + mode*math.Log(lam) - lg)
		if got := float64(counts[mode]) / n; math.Abs(got-pmf) > 4.5*math.Sqrt(pmf*(1-pmf)/n) {
			t.Errorf("λ=%v: P(N=%v) = %v, want %v", lam, mode, got, pmf)
		}
	}
}

func TestBetaIncKnownValues(t *testing.T) {
	cases := []struct{ a, b, x, want float64 }{
		{2, 2, 0.5, 0.5},
		{7.5, 7.5, 0.5, 0.5},
		{1, 3, 0.2, 1 - math.Pow(0.8, 3)},
		{4, 1, 0.7, math.Pow(0.7, 4)},
		{2, 3, 0.4, 0.5248}, // 6x²−8x³+3x⁴ at 0.4
		{0.5, 0.5, 0.25, 2 / math.Pi * math.Asin(0.5)},
	}
	for _, c := range cases {
		if got := betaInc(c.a, c.b, c.x); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("I_%v(%v, %v) = %.15f, want %.15f", c.x, c.a, c.b, got, c.want)
		}
	}
}

// pyfair's PERT variant: the parameters quoted in the domain notes for
// PERT(50k, 250k, 2.5M): α = 1.150, β = 4.050 (modified: 1.327, 4.673).
func TestPERTVariants(t *testing.T) {
	py, _ := compileDist("x", &Dist{Kind: KindPERT, Low: P(50e3), Mode: P(250e3), High: P(2.5e6), Variant: "pyfair"}, roleMagnitude)
	mod, _ := compileDist("x", pert(50e3, 250e3, 2.5e6), roleMagnitude)
	for _, c := range []struct{ got, want float64 }{{py.a, 1.1496}, {py.b, 4.0504}, {mod.a, 1.3265}, {mod.b, 4.6735}} {
		if math.Abs(c.got-c.want) > 5e-4 {
			t.Errorf("shape %v, want %v", c.got, c.want)
		}
	}
	if math.Abs(math.Sqrt(py.variance())-2.45e6/6) > 1e-6 {
		t.Errorf("pyfair sd %v, want range/6", math.Sqrt(py.variance()))
	}
}

// The FAIR tree: the scalar vulnerability P(TC > RS) against the exact
// integral ∫ f_RS(x)(1 − F_TC(x)) dx, and the mean against
// E[C]·E[A]·V·(E[PL] + E[SLEF]·E[SLEM]).
func TestFAIRTree(t *testing.T) {
	m := fairTree()
	const n = 400_000
	r, err := Simulate(context.Background(), m, Options{Trials: n, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	tc, _ := compileDist("tc", pert(0.3, 0.6, 0.95), roleStrength)
	rs, _ := compileDist("rs", pert(0.5, 0.7, 0.9), roleStrength)
	const k = 20000 // midpoint rule over the RS quantile grid via its CDF
	V := 0.0
	prev := 0.0
	for i := 1; i <= k; i++ {
		x := 0.5 + 0.4*float64(i)/k
		F := rs.cdf(x)
		xm := 0.5 + 0.4*(float64(i)-0.5)/k
		V += (F - prev) * (1 - tc.cdf(xm))
		prev = F
	}
	if math.Abs(V-0.272) > 0.002 { // the domain notes measured 0.272 (evaluator 0.273)
		t.Fatalf("exact V = %v, notes say 0.272", V)
	}
	got := r.Scenarios[0].Vulnerability
	if math.Abs(got-V) > 1e-6 {
		t.Errorf("V = %v, want %v", got, V)
	}
	want := 2 + 40.0 + 40 // E[C] = (2 + 4·10 + 40)/6
	want = want / 6 * 0.5 * got * (591666.6667 + (0.1+1.2+0.6)/6*(10e3+400e3+1e6)/6)
	if se := r.MeanSE; math.Abs(r.Mean-want) > 4*se {
		t.Errorf("tree mean %v, want %v ± %v", r.Mean, want, 4*se)
	}
	if len(r.Warnings) == 0 || r.Warnings[0].Code != WarnProductTail {
		t.Errorf("a product model should carry the product-tail warning: %+v", r.Warnings)
	}
}

// Order statistics, TVaR and exceedance counts against a full sort, on
// arrays with and without many zeros and ties, small and large.
func TestOrderStatsAgainstSort(t *testing.T) {
	r := newRNG(8, 8, 8)
	for _, n := range []int{1, 2, 3, 17, 100, 5000, 40_000, 300_000} {
		for _, zeroShare := range []float64{0, 0.6, 0.999, 1} {
			a := make([]float64, n)
			for i := range a {
				switch u := r.u01(); {
				case u < zeroShare:
				case u < zeroShare+(1-zeroShare)/4:
					a[i] = 1000 // ties
				default:
					a[i] = math.Floor(r.u01() * 1e6)
				}
			}
			ref := slices.Clone(a)
			slices.Sort(ref)
			ranks := []int{0, n - 1, n / 2, n / 3, n * 9 / 10, n * 99 / 100, max(0, n-20)}
			os := newOrderStats(a, ranks)
			for _, k := range ranks {
				if os.at(k) != ref[k] {
					t.Fatalf("n=%d zeros=%v: rank %d = %v, want %v", n, zeroShare, k, os.at(k), ref[k])
				}
			}
			for _, k := range ranks {
				var s neumaier
				for _, v := range ref[k:] {
					s.add(v)
				}
				if got, want := os.tailMean(k), s.sum()/float64(n-k); math.Abs(got-want) > 1e-9*math.Max(1, want) {
					t.Fatalf("n=%d: tail mean from %d = %v, want %v", n, k, got, want)
				}
			}
			th := []float64{-1, 0, 999, 1000, 5e5, 2e6}
			got := os.countAbove(th)
			for i, x := range th {
				want := n - sort.Search(n, func(j int) bool { return ref[j] > x })
				if got[i] != want {
					t.Fatalf("n=%d zeros=%v: count above %v = %d, want %d", n, zeroShare, x, got[i], want)
				}
			}
		}
	}
}

// VaR is numpy's linear-interpolation quantile; TVaR the mean of the worst
// trials − ⌊trials·level⌋ years; the exceedance curve falls as the loss rises.
func TestRiskDefinitions(t *testing.T) {
	m := portfolio5()
	const n = 20_000
	o := Options{Trials: n, Seed: 4, LECThresholds: []float64{0, 1e6}}
	c, _ := compile(m)
	oo, _ := o.normalise()
	rn, err := c.simulate(context.Background(), &oo, topKFor(&oo))
	if err != nil {
		t.Fatal(err)
	}
	ref := slices.Clone(rn.total)
	slices.Sort(ref)
	res := c.summarise(rn, &oo)
	for _, lv := range res.Risk {
		h := float64(n-1) * lv.Level
		lo := int(h)
		want := ref[lo] + (h-float64(lo))*(ref[lo+1]-ref[lo])
		if math.Abs(lv.VaR-want) > 1e-9*want {
			t.Errorf("VaR%v = %v, want %v", lv.Level, lv.VaR, want)
		}
		k := n - int(math.Floor(n*lv.Level+1e-9))
		var s float64
		for _, v := range ref[n-k:] {
			s += v
		}
		if math.Abs(lv.TVaR-s/float64(k)) > 1e-9*lv.TVaR {
			t.Errorf("TVaR%v = %v, want %v", lv.Level, lv.TVaR, s/float64(k))
		}
	}
	for i := 1; i < len(res.LEC); i++ {
		if res.LEC[i].Loss < res.LEC[i-1].Loss || res.LEC[i].Prob > res.LEC[i-1].Prob+1e-12 {
			t.Fatalf("LEC not monotone at %d: %+v then %+v", i, res.LEC[i-1], res.LEC[i])
		}
	}
	if res.LEC[0].Loss != 0 || math.Abs(res.LEC[0].Prob-res.PLoss) > 1e-12 {
		t.Errorf("LEC at 0 should be P(loss > 0) = %v: %+v", res.PLoss, res.LEC[0])
	}
	plain, _ := Simulate(context.Background(), m, Options{Trials: n, Seed: 4, LECPoints: 25})
	if len(plain.LEC) != 25 {
		t.Fatalf("%d LEC points, want 25", len(plain.LEC))
	}
	for i := 1; i < len(plain.LEC); i++ {
		if plain.LEC[i].Loss < plain.LEC[i-1].Loss || plain.LEC[i].Prob > plain.LEC[i-1].Prob {
			t.Fatalf("LEC points not in loss order at %d: %+v then %+v", i, plain.LEC[i-1], plain.LEC[i])
		}
	}
	if first, last := plain.LEC[0], plain.LEC[24]; first.Prob != plain.PLoss || last.Prob != 10.0/n || last.Loss != ref[n-10] {
		t.Errorf("LEC ends %+v … %+v; want P(loss>0) = %v … (the 10th largest %v, 10/n)", first, last, plain.PLoss, ref[n-10])
	}
	if res.Min != ref[0] || res.Max != ref[n-1] {
		t.Errorf("min/max %v/%v, want %v/%v", res.Min, res.Max, ref[0], ref[n-1])
	}
}

// Per-scenario contributions add up: shares of the mean to 1, contributions
// to TVaR to the portfolio TVaR.
func TestContributionsAddUp(t *testing.T) {
	r, err := Simulate(context.Background(), portfolio5(), Options{Trials: 100_000, Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	share := 0.0
	for _, s := range r.Scenarios {
		share += s.MeanShare
		if len(s.TVaR) != len(r.Risk) {
			t.Fatalf("%s: %d TVaR contributions for %d levels", s.ID, len(s.TVaR), len(r.Risk))
		}
	}
	if math.Abs(share-1) > 1e-9 {
		t.Errorf("mean shares sum to %v", share)
	}
	for i, lv := range r.Risk {
		sum, sh := 0.0, 0.0
		for _, s := range r.Scenarios {
			sum += s.TVaR[i].Value
			sh += s.TVaR[i].Share
		}
		if math.Abs(sum-lv.TVaR) > 1e-6*lv.TVaR || math.Abs(sh-1) > 1e-6 {
			t.Errorf("level %v: contributions sum to %v (shares %v), TVaR %v", lv.Level, sum, sh, lv.TVaR)
		}
	}
	// The heavy-tailed supply-chain scenario weighs more in the tail than in the mean.
	sc := r.Scenarios[4]
	if sc.TVaR[2].Share <= sc.MeanShare {
		t.Errorf("supply chain TVaR99 share %v not above its mean share %v", sc.TVaR[2].Share, sc.MeanShare)
	}
}

// The Gaussian copula gives the Spearman rank correlation asked for between
// two continuous scenarios, and leaves each scenario's margin unchanged.
func TestCopulaRankCorrelation(t *testing.T) {
	base := &Model{Scenarios: []Scenario{
		{ID: "a", Semantics: Product, Frequency: cnst(1), Magnitude: logn90(1e3, 1e6)},
		{ID: "b", Semantics: Product, Frequency: cnst(1), Magnitude: pert(0, 10, 100)},
		{ID: "c", Semantics: Product, Frequency: cnst(1), Magnitude: &Dist{Kind: KindUniform, Low: P(0), High: P(1)}},
	}}
	for _, rho := range []float64{0.7, -0.4} {
		m := *base
		m.Correlation = []Correlation{{A: "a", B: "b", Rho: rho}}
		c, err := compile(&m)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := Options{Trials: 40_960, Seed: 2}.normalise()
		// Capture the per-scenario draws through a one-block-at-a-time run.
		var xa, xb, xc []float64
		for b := 0; b < o.Trials/blockSize; b++ {
			bufs := [][]float64{make([]float64, blockSize), make([]float64, blockSize), make([]float64, blockSize)}
			for s, sc := range c.sc {
				r := newRNG(o.Seed, uint64(s)+1, uint64(b))
				for i := range bufs[s] {
					bufs[s][i] = sc.trial(&r)
				}
			}
			r := newRNG(o.Seed, 0, uint64(b))
			newCopulaBuf(3).reorder(&r, c, bufs, blockSize)
			xa, xb, xc = append(xa, bufs[0]...), append(xb, bufs[1]...), append(xc, bufs[2]...)
		}
		if got := spearman(xa, xb); math.Abs(got-rho) > 0.02 {
			t.Errorf("rho %v: Spearman %v", rho, got)
		}
		if got := spearman(xa, xc); math.Abs(got) > 0.03 {
			t.Errorf("uncorrelated pair has Spearman %v", got)
		}
		// Whole runs: the mean is unchanged by correlation, the tail grows with it.
		ind, _ := Simulate(context.Background(), base, o)
		cor, _ := Simulate(context.Background(), &m, o)
		if math.Abs(ind.Mean-cor.Mean) > 1e-6*ind.Mean {
			t.Errorf("correlation changed the mean: %v vs %v", cor.Mean, ind.Mean)
		}
		if rho > 0 && cor.SD <= ind.SD || rho < 0 && cor.SD >= ind.SD {
			t.Errorf("rho %v: sd %v vs independent %v", rho, cor.SD, ind.SD)
		}
	}
}

func spearman(x, y []float64) float64 {
	rank := func(v []float64) []float64 {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
		r := make([]float64, len(v))
		for k, i := range idx {
			r[i] = float64(k)
		}
		return r
	}
	rx, ry := rank(x), rank(y)
	n := float64(len(x))
	m := (n - 1) / 2
	var sxy, sxx, syy float64
	for i := range rx {
		sxy += (rx[i] - m) * (ry[i] - m)
		sxx += (rx[i] - m) * (rx[i] - m)
		syy += (ry[i] - m) * (ry[i] - m)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Compare: a model against itself reduces nothing, exactly; halving one
// scenario's frequency reduces the ALE by half that scenario's mean.
func TestCompare(t *testing.T) {
	ctx := context.Background()
	before := portfolio5()
	same, err := Compare(ctx, before, portfolio5(), Options{Trials: 50_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if same.ALEReduction != 0 || same.ALEReductionSE != 0 {
		t.Errorf("identical models: reduction %v ± %v", same.ALEReduction, same.ALEReductionSE)
	}
	after := portfolio5()
	after.Scenarios[0].Frequency = cnst(0.05) // ransomware halved, e.g. by offline backups and EDR
	cmp, err := Compare(ctx, before, after, Options{Trials: 200_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mu, s := (math.Log(200e3)+math.Log(10e6))/2, (math.Log(10e6)-math.Log(200e3))/(2*z95)
	want := 0.05 * math.Exp(mu+s*s/2)
	if d := math.Abs(cmp.ALEReduction - want); d > 4*cmp.ALEReductionSE {
		t.Errorf("ALE reduction %v ± %v, want %v", cmp.ALEReduction, cmp.ALEReductionSE, want)
	}
	// Common random numbers: the paired SE is well below that of independent runs.
	indep := math.Hypot(cmp.Before.MeanSE, cmp.After.MeanSE)
	if cmp.ALEReductionSE > 0.8*indep {
		t.Errorf("paired SE %v not below independent %v", cmp.ALEReductionSE, indep)
	}
	for _, d := range cmp.VaRReduction {
		if d.Delta < 0 {
			t.Errorf("VaR%v rose after a control: %+v", d.Level, d)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Simulate(ctx, portfolio5(), Options{Trials: 1_000_000})
	var ce *ErrCanceled
	if !errors.As(err, &ce) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrCanceled wrapping context.Canceled", err)
	}
}

// Every validation rule, with the path and code it reports.
func TestValidation(t *testing.T) {
	ok := func() Scenario { return Scenario{ID: "s", Frequency: cnst(0.5), Magnitude: logn90(1e3, 1e6)} }
	cases := []struct {
		name string
		edit func(m *Model)
		path string
		code string
	}{
		{"no scenarios", func(m *Model) { m.Scenarios = nil }, "scenarios", CodeNoScenarios},
		{"missing id", func(m *Model) { m.Scenarios[0].ID = "" }, "scenarios[0].id", CodeRequired},
		{"bad id", func(m *Model) { m.Scenarios[0].ID = "a b" }, "scenarios[0].id", CodeBadID},
		{"duplicate id", func(m *Model) { m.Scenarios = append(m.Scenarios, ok()) }, "scenarios[1].id", CodeDuplicateID},
		{"bad currency", func(m *Model) { m.Currency = "yuan" }, "currency", CodeBadID},
		{"bad semantics", func(m *Model) { m.Scenarios[0].Semantics = "sum" }, "scenarios[0].semantics", CodeSemantics},
		{"unknown kind", func(m *Model) { m.Scenarios[0].Magnitude = &Dist{Kind: "gamma"} }, "scenarios[0].magnitude.dist", CodeUnknownKind},
		{"no kind", func(m *Model) { m.Scenarios[0].Magnitude = &Dist{} }, "scenarios[0].magnitude.dist", CodeRequired},
		{"pert missing mode", func(m *Model) { m.Scenarios[0].Magnitude = &Dist{Kind: KindPERT, Low: P(1), High: P(2)} }, "scenarios[0].magnitude.mode", CodeRequired},
		{"pert order", func(m *Model) { m.Scenarios[0].Magnitude = pert(5, 1, 10) }, "scenarios[0].magnitude.mode", CodeOrder},
		{"pert low=high", func(m *Model) { m.Scenarios[0].Magnitude = pert(5, 5, 5) }, "scenarios[0].magnitude.high", CodeOrder},
		{"pert shape", func(m *Model) { d := pert(1, 2, 3); d.Shape = P(0); m.Scenarios[0].Magnitude = d }, "scenarios[0].magnitude.shape", CodePositive},
		{"pert variant", func(m *Model) { d := pert(1, 2, 3); d.Variant = "vose"; m.Scenarios[0].Magnitude = d }, "scenarios[0].magnitude.variant", CodeVariant},
		{"unused parameter", func(m *Model) { d := pert(1, 2, 3); d.Mean = P(2); m.Scenarios[0].Magnitude = d }, "scenarios[0].magnitude.mean", CodeUnused},
		{"NaN", func(m *Model) { m.Scenarios[0].Magnitude = pert(1, math.NaN(), 3) }, "scenarios[0].magnitude.mode", CodeNotFinite},
		{"lognormal two forms", func(m *Model) { d := logn90(1, 10); d.Mu = P(1); d.Sigma = P(1); m.Scenarios[0].Magnitude = d }, "scenarios[0].magnitude", CodeConflict},
		{"lognormal low 0", func(m *Model) { m.Scenarios[0].Magnitude = logn90(0, 10) }, "scenarios[0].magnitude.low", CodePositive},
		{"lognormal half", func(m *Model) { m.Scenarios[0].Magnitude = &Dist{Kind: KindLognormal, Mean: P(3)} }, "scenarios[0].magnitude.sd", CodeRequired},
		{"lognormal sd", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindLognormal, Mean: P(3), SD: P(-1)}
		}, "scenarios[0].magnitude.sd", CodePositive},
		{"lognormal overflow", func(m *Model) { m.Scenarios[0].Magnitude = &Dist{Kind: KindLognormal, Mu: P(10), Sigma: P(9)} }, "scenarios[0].magnitude", CodeTooLarge},
		{"negative magnitude", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindNormal, Mean: P(10), SD: P(3)}
		}, "scenarios[0].magnitude", CodeMagnitudeDom},
		{"negative frequency", func(m *Model) {
			m.Scenarios[0].Frequency = &Dist{Kind: KindUniform, Low: P(-1), High: P(1)}
		}, "scenarios[0].frequency", CodeFrequencyDom},
		{"probability above 1", func(m *Model) {
			m.Scenarios[0] = Scenario{ID: "s", TEF: cnst(2), Vulnerability: pert(0.5, 0.9, 1.2), Magnitude: cnst(1)}
		}, "scenarios[0].vulnerability", CodeProbability},
		{"beta shape", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindBeta, Alpha: P(0), Beta: P(1)}
		}, "scenarios[0].magnitude.alpha", CodePositive},
		{"beta half scale", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindBeta, Alpha: P(1), Beta: P(1), Low: P(3)}
		}, "scenarios[0].magnitude", CodeRequired},
		{"uniform order", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindUniform, Low: P(3), High: P(3)}
		}, "scenarios[0].magnitude.high", CodeOrder},
		{"triangular mode", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindTriangular, Low: P(1), Mode: P(9), High: P(3)}
		}, "scenarios[0].magnitude.mode", CodeOrder},
		{"poisson negative", func(m *Model) {
			m.Scenarios[0].Frequency = &Dist{Kind: KindPoisson, Mean: P(-1)}
		}, "scenarios[0].frequency.mean", CodeNonNegative},
		{"normal sd", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindNormal, Mean: P(1), SD: P(0), Truncate: true}
		}, "scenarios[0].magnitude.sd", CodePositive},
		{"truncated normal without mass", func(m *Model) {
			m.Scenarios[0].Magnitude = &Dist{Kind: KindNormal, Mean: P(-100), SD: P(1), Truncate: true}
		}, "scenarios[0].magnitude.mean", CodeTooLarge},
		{"truncate on pert", func(m *Model) { d := pert(1, 2, 3); d.Truncate = true; m.Scenarios[0].Magnitude = d }, "scenarios[0].magnitude.truncate", CodeUnused},
		{"no frequency", func(m *Model) { m.Scenarios[0].Frequency = nil }, "scenarios[0]", CodeRequired},
		{"frequency and tef", func(m *Model) { m.Scenarios[0].TEF = cnst(1) }, "scenarios[0].tef", CodeConflict},
		{"tef without vulnerability", func(m *Model) {
			m.Scenarios[0] = Scenario{ID: "s", TEF: cnst(2), Magnitude: cnst(1)}
		}, "scenarios[0]", CodeRequired},
		{"contact without action", func(m *Model) {
			m.Scenarios[0] = Scenario{ID: "s", ContactFrequency: cnst(2), Vulnerability: cnst(0.5), Magnitude: cnst(1)}
		}, "scenarios[0]", CodeRequired},
		{"tc without rs", func(m *Model) {
			m.Scenarios[0] = Scenario{ID: "s", TEF: cnst(2), ThreatCapability: cnst(0.5), Magnitude: cnst(1)}
		}, "scenarios[0]", CodeRequired},
		{"vulnerability and tc", func(m *Model) {
			m.Scenarios[0] = Scenario{ID: "s", TEF: cnst(2), Vulnerability: cnst(0.5), ThreatCapability: cnst(0.5), ResistanceStrength: cnst(0.4), Magnitude: cnst(1)}
		}, "scenarios[0].threat_capability", CodeConflict},
		{"no magnitude", func(m *Model) { m.Scenarios[0].Magnitude = nil }, "scenarios[0]", CodeRequired},
		{"magnitude and primary", func(m *Model) { m.Scenarios[0].PrimaryLoss = cnst(1) }, "scenarios[0].primary_loss", CodeConflict},
		{"secondary half", func(m *Model) {
			m.Scenarios[0].Magnitude, m.Scenarios[0].PrimaryLoss, m.Scenarios[0].SecondaryFrequency = nil, cnst(1), cnst(0.2)
		}, "scenarios[0]", CodeRequired},
		{"rate too high", func(m *Model) { m.Scenarios[0].Frequency = cnst(1e5) }, "scenarios[0]", CodeTooLarge},
		{"correlation unknown id", func(m *Model) { m.Correlation = []Correlation{{A: "s", B: "x", Rho: 0.5}} }, "correlation[0].b", CodeUnknownID},
		{"correlation self", func(m *Model) { m.Correlation = []Correlation{{A: "s", B: "s", Rho: 0.5}} }, "correlation[0].b", CodeUnknownID},
		{"correlation rho", func(m *Model) {
			m.Scenarios = append(m.Scenarios, Scenario{ID: "t", Frequency: cnst(1), Magnitude: cnst(1)})
			m.Correlation = []Correlation{{A: "s", B: "t", Rho: 1}}
		}, "correlation[0].rho", CodeRho},
		{"correlation not PD", func(m *Model) {
			m.Scenarios = append(m.Scenarios, Scenario{ID: "t", Frequency: cnst(1), Magnitude: cnst(1)}, Scenario{ID: "u", Frequency: cnst(1), Magnitude: cnst(1)})
			m.Correlation = []Correlation{{A: "s", B: "t", Rho: 0.9}, {A: "t", B: "u", Rho: 0.9}, {A: "s", B: "u", Rho: -0.9}}
		}, "correlation", CodeNotPosDef},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &Model{Scenarios: []Scenario{ok()}}
			c.edit(m)
			err := m.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			for _, fe := range ve {
				if fe.Path == c.path && fe.Code == c.code {
					if fe.Message() == "" || strings.Contains(fe.Message(), "%!") {
						t.Errorf("bad message %q", fe.Message())
					}
					return
				}
			}
			t.Errorf("got %v, want %s at %s", err, c.code, c.path)
		})
	}
	if err := (&Model{Scenarios: []Scenario{ok()}}).Validate(); err != nil {
		t.Fatalf("a valid model fails: %v", err)
	}
	_, err := Simulate(context.Background(), &Model{Scenarios: []Scenario{ok()}}, Options{Trials: 10, Levels: []float64{1.5}})
	var ve ValidationError
	if !errors.As(err, &ve) || len(ve) != 2 {
		t.Errorf("bad options: %v", err)
	}
}

func TestWideLognormalWarning(t *testing.T) {
	m := &Model{Scenarios: []Scenario{{ID: "s", Frequency: cnst(0.1), Magnitude: logn90(1e3, 1e7)}}}
	r, err := Simulate(context.Background(), m, Options{Trials: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Code != WarnWideLognormal || r.Warnings[0].Path != "scenarios[0].magnitude" {
		t.Errorf("warnings %+v", r.Warnings)
	}
}

// TVaR contributions are the per-scenario means over exactly the worst years,
// recomputed here from the scenarios' own streams.
func TestContributionsPickTheWorstYears(t *testing.T) {
	m := portfolio5()
	c, _ := compile(m)
	const n = 3*blockSize + 5
	o := Options{Trials: n, Seed: 12, Workers: 2, Levels: []float64{0.9, 0.99}}
	res, err := Simulate(context.Background(), m, o)
	if err != nil {
		t.Fatal(err)
	}
	S := len(c.sc)
	vals := make([][]float64, n)
	tot := make([]float64, n)
	for b := 0; b*blockSize < n; b++ {
		for s, sc := range c.sc {
			r := newRNG(o.Seed, uint64(s)+1, uint64(b))
			lo, hi := b*blockSize, min(n, (b+1)*blockSize)
			buf := make([]float64, hi-lo)
			if sc.sparse {
				sc.fillSparse(&r, buf, nil, new([blockSize / 64]uint64))
			} else {
				for i := range buf {
					buf[i] = sc.trial(&r)
				}
			}
			for i := lo; i < hi; i++ {
				if vals[i] == nil {
					vals[i] = make([]float64, S)
				}
				vals[i][s] = buf[i-lo]
			}
		}
	}
	idx := make([]int, n)
	for i := range idx {
		for _, v := range vals[i] {
			tot[i] += v
		}
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		return tot[idx[a]] > tot[idx[b]] || tot[idx[a]] == tot[idx[b]] && idx[a] < idx[b]
	})
	for li, lv := range o.Levels {
		k := n - int(math.Floor(n*lv))
		for s := 0; s < S; s++ {
			want := 0.0
			for _, i := range idx[:k] {
				want += vals[i][s]
			}
			want /= float64(k)
			if got := res.Scenarios[s].TVaR[li].Value; math.Abs(got-want) > 1e-9*math.Max(1, want) {
				t.Errorf("level %v scenario %s: contribution %v, want %v", lv, res.Scenarios[s].ID, got, want)
			}
		}
	}
}

// P(TC > RS) against closed forms, for every pairing of continuous and discrete.
func TestProbGreater(t *testing.T) {
	u01 := &Dist{Kind: KindUniform, Low: P(0), High: P(1)}
	cases := []struct {
		name   string
		tc, rs *Dist
		want   float64
	}{
		{"uniform vs constant", u01, cnst(0.75), 0.25},
		{"constant vs uniform", cnst(0.75), u01, 0.75},
		{"uniform vs narrower uniform", u01, &Dist{Kind: KindUniform, Low: P(0.25), High: P(0.75)}, 0.5},
		// PERT(0, 0.5, 1) with λ = 2 is Beta(2, 2): P(TC > U) = E[TC] = 0.5.
		{"beta vs uniform", &Dist{Kind: KindPERT, Low: P(0), Mode: P(0.5), High: P(1), Shape: P(2)}, u01, 0.5},
		// Normals: P(X − Y > 0) = Φ(0.1/√0.02).
		{"normal vs normal", &Dist{Kind: KindNormal, Mean: P(0.6), SD: P(0.1)}, &Dist{Kind: KindNormal, Mean: P(0.5), SD: P(0.1)}, normCDF(0.1 / math.Sqrt(0.02))},
		// Lognormals with equal σ: P(ln X > ln Y) = Φ((μx − μy)/(σ√2)).
		{"lognormal vs lognormal", &Dist{Kind: KindLognormal, Mu: P(1), Sigma: P(0.5)}, &Dist{Kind: KindLognormal, Mu: P(0.5), Sigma: P(0.5)}, normCDF(0.5 / (0.5 * math.Sqrt2))},
		// Poisson(2) against 1.5: P(N ≥ 2) = 1 − 3e^−2.
		{"poisson vs constant", &Dist{Kind: KindPoisson, Mean: P(2)}, cnst(1.5), 1 - 3*math.Exp(-2)},
		// U(0, 3) against Poisson(1): Σ P(N = k)·(3 − k)/3 over k < 3.
		{"uniform vs poisson", &Dist{Kind: KindUniform, Low: P(0), High: P(3)}, &Dist{Kind: KindPoisson, Mean: P(1)}, math.Exp(-1) * (1 + 2.0/3 + 0.5/3)},
		// Triangular(0, 0, 1) has F(x) = 1 − (1 − x)²; against U(0, 1): E[1 − F(U)] = E[(1 − U)²] = 1/3.
		{"triangular vs uniform", &Dist{Kind: KindTriangular, Low: P(0), Mode: P(0), High: P(1)}, u01, 1.0 / 3},
	}
	for _, c := range cases {
		tc, e1 := compileDist("tc", c.tc, roleStrength)
		rs, e2 := compileDist("rs", c.rs, roleStrength)
		if e1 != nil || e2 != nil {
			t.Fatal(e1, e2)
		}
		got, est := probGreater(tc, rs)
		if math.Abs(got-c.want) > 1e-8 || est > 1e-8 {
			t.Errorf("%s: P = %.12f (error estimate %g), want %.12f", c.name, got, est, c.want)
		}
	}
}

// The event-by-event path for rare constant rates gives Poisson counts: with
// a loss of 1 per event the annual loss is the count itself.
func TestSparseCompoundCounts(t *testing.T) {
	for _, lam := range []float64{0.02, 0.3, 0.5} {
		m := &Model{Scenarios: []Scenario{{ID: "n", Frequency: cnst(lam), Magnitude: cnst(1)}}}
		c, _ := compile(m)
		if !c.sc[0].sparse {
			t.Fatalf("rate %v should take the sparse path", lam)
		}
		const n = 400_000
		o, _ := Options{Trials: n, Seed: 5}.normalise()
		rn, err := c.simulate(context.Background(), &o, 0)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[float64]int{}
		for _, v := range rn.total {
			counts[v]++
		}
		p := math.Exp(-lam)
		for k := 0.0; k < 3; k++ {
			got := float64(counts[k]) / n
			if se := math.Sqrt(p * (1 - p) / n); math.Abs(got-p) > 4.5*se {
				t.Errorf("λ=%v: P(N=%v) = %.6f, want %.6f", lam, k, got, p)
			}
			p *= lam / (k + 1)
		}
		if got := rn.tot.Mean(); math.Abs(got-lam) > 4.5*math.Sqrt(lam/n) {
			t.Errorf("λ=%v: mean count %v", lam, got)
		}
		if v := rn.tot.SD() * rn.tot.SD(); math.Abs(v-lam)/lam > 0.03 {
			t.Errorf("λ=%v: variance %v", lam, v)
		}
	}
	// Just above the threshold the dense path runs, and agrees.
	m := &Model{Scenarios: []Scenario{{ID: "n", Frequency: cnst(0.51), Magnitude: cnst(1)}}}
	if c, _ := compile(m); c.sc[0].sparse {
		t.Fatal("rate 0.51 should take the dense path")
	}
}
