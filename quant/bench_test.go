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
