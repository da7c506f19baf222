package quant

import (
	"context"
	"testing"
)

// The standard models of issue #3, built in Go so the benchmarks need no parser.
func standardModels() map[string]*Model {
	return map[string]*Model{
		"simple": {Name: "simple", Scenarios: []Scenario{{ID: "simple", Semantics: Product,
			Frequency: pert(0.1, 0.5, 2.0), Magnitude: pert(50e3, 250e3, 2.5e6)}}},
		"tree":       fairTree(),
		"compound":   {Name: "compound", Scenarios: []Scenario{{ID: "compound", Frequency: cnst(0.5), Magnitude: logn90(50e3, 2.5e6)}}},
		"portfolio5": portfolio5(),
	}
}

// BenchmarkStandard runs each standard model at 1,000,000 trials and reports
// the simulation and the statistics separately (go test -bench Standard ./quant).
func BenchmarkStandard(b *testing.B) {
	for _, name := range []string{"simple", "tree", "compound", "portfolio5"} {
		m := standardModels()[name]
		b.Run(name, func(b *testing.B) {
			c, err := compile(m)
			if err != nil {
				b.Fatal(err)
			}
			o, _ := Options{Trials: 1_000_000, Seed: 1}.normalise()
			var simNs, statNs float64
			for b.Loop() {
				b.StartTimer()
				rn, err := c.simulate(context.Background(), &o, topKFor(&o))
				if err != nil {
					b.Fatal(err)
				}
				mid := testingNow()
				c.summarise(rn, &o)
				end := testingNow()
				statNs += float64(end - mid)
				_ = rn
			}
			total := float64(b.Elapsed().Nanoseconds())
			simNs = total - statNs
			b.ReportMetric(simNs/float64(b.N)/1e6, "sim-ms")
			b.ReportMetric(statNs/float64(b.N)/1e6, "stats-ms")
			b.ReportMetric(1e6/(total/float64(b.N)/1e9)/1e6, "Mtrials/s")
		})
	}
}

// BenchmarkDrawsOnly is the floor: the random variates each standard model
// consumes per trial, drawn in a tight loop on one core with nothing stored,
// summed or sorted. Compare its ns/trial with BenchmarkSingleCore.
func BenchmarkDrawsOnly(b *testing.B) {
	const n = 1_000_000
	must := func(d *Dist) *sampler {
		s, errs := compileDist("x", d, roleStrength)
		if errs != nil {
			b.Fatal(errs)
		}
		return s
	}
	var sink float64
	b.Run("simple", func(b *testing.B) {
		f, m := must(pert(0.1, 0.5, 2.0)), must(pert(50e3, 250e3, 2.5e6))
		for b.Loop() {
			r := newRNG(1, 1, 1)
			for i := 0; i < n; i++ {
				sink += f.draw(&r) * m.draw(&r)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/trial")
	})
	b.Run("tree", func(b *testing.B) {
		var ss []*sampler
		// The five nodes drawn per trial (the vulnerability is computed, not drawn).
		for _, d := range []*Dist{pert(2, 10, 40), pert(0.2, 0.5, 0.8),
			pert(50e3, 250e3, 2.5e6), pert(0.1, 0.3, 0.6), pert(10e3, 100e3, 1e6)} {
			ss = append(ss, must(d))
		}
		for b.Loop() {
			r := newRNG(1, 1, 1)
			for i := 0; i < n; i++ {
				for _, s := range ss {
					sink += s.draw(&r)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/trial")
	})
	// A block of compound years with a constant rate draws one Poisson count
	// for the block, then one uniform (the year) and one magnitude per event.
	events := func(r *rng, lam float64, m *sampler, years float64) float64 {
		s := 0.0
		p := newPTRS(lam * years)
		for k := r.poissonPTRS(&p); k > 0; k-- {
			s += r.u01() + m.draw(r)
		}
		return s
	}
	b.Run("compound", func(b *testing.B) {
		m := must(logn90(50e3, 2.5e6))
		for b.Loop() {
			r := newRNG(1, 1, 1)
			sink += events(&r, 0.5, m, n)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/trial")
	})
	b.Run("portfolio5", func(b *testing.B) {
		for b.Loop() {
			r := newRNG(1, 1, 1)
			for _, s := range portfolio5().Scenarios {
				sink += events(&r, *s.Frequency.Value, must(s.Magnitude), n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/trial")
	})
	_ = sink
}

// BenchmarkSingleCore runs each standard model on one worker, simulation only,
// in ns per trial: the engine's overhead over BenchmarkDrawsOnly.
func BenchmarkSingleCore(b *testing.B) {
	for _, name := range []string{"simple", "tree", "compound", "portfolio5"} {
		b.Run(name, func(b *testing.B) {
			c, _ := compile(standardModels()[name])
			o, _ := Options{Trials: 1_000_000, Seed: 1, Workers: 1}.normalise()
			for b.Loop() {
				if _, err := c.simulate(context.Background(), &o, topKFor(&o)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/trial")
		})
	}
}
