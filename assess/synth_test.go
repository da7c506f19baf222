package assess

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// synth draws an enterprise's input: every question answered, skipped or
// given any of its values, random findings and profile, so that properties
// are checked across the whole input space rather than realistic inputs only.
func synth(r *rand.Rand) *Input {
	in := &Input{Answers: map[string]Answer{}}
	if r.IntN(3) == 0 {
		in.AsOf = "2026-11-29"
	}
	ids := make([]string, 0, len(questions))
	for id := range questions {
		ids = append(ids, id)
	}
	slices.Sort(ids) // map order must not leak into the draw
	for _, id := range ids {
		if r.IntN(8) == 0 {
			continue
		}
		q := questions[id]
		var a Answer
		switch q.kind {
		case qBool:
			v := r.IntN(2) == 0
			a.Bool = &v
		case qChoice:
			a.Choice = q.values[r.IntN(len(q.values))]
		case qMulti:
			a.Choices = []string{}
			for _, v := range q.values {
				if r.IntN(2) == 0 {
					a.Choices = append(a.Choices, v)
				}
			}
		case qMoney:
			v := int64(1e6 + r.Float64()*5e9)
			a.Int = &v
		case qNumber:
			v := float64([]int{0, 1, 4, 12, 24, 48, 72, 100, 168}[r.IntN(9)])
			a.Number = &v
		case qList:
			a.List = []string{"example.cn"}
		case qText:
			a.Text = "contact"
		}
		in.Answers[id] = a
	}
	for i := range r.IntN(7) {
		f := Finding{ID: fmt.Sprintf("F%d", i), Type: findingTypes[r.IntN(len(findingTypes))],
			Severity: []string{"", "critical", "high", "medium", "low", "info"}[r.IntN(6)],
			CVSS:     float64(r.IntN(101)) / 10, KEV: r.IntN(4) == 0, EPSS: float64(r.IntN(1001)) / 1000,
			InternetFacing: r.IntN(2) == 0, Status: findingStatuses[r.IntN(len(findingStatuses))]}
		in.Findings = append(in.Findings, f)
	}
	p := &in.Profile
	p.Industry = sections[r.IntN(len(sections))]
	p.Revenue = float64(1e6 + r.IntN(1e9))
	p.Employees = r.IntN(3000)
	p.CII = r.IntN(6) == 0
	for range r.IntN(3) {
		s := MLPSSystem{Level: 1 + r.IntN(4)}
		if r.IntN(3) > 0 {
			s.LastEvaluation = fmt.Sprintf("20%02d-%02d-%02d", 23+r.IntN(4), 1+r.IntN(12), 1+r.IntN(28))
			s.Result = mlpsRes[r.IntN(3)]
		}
		p.MLPS = append(p.MLPS, s)
	}
	p.EOLSoftware = r.IntN(3) / 2
	p.Dependencies.Critical = r.IntN(3)
	if r.IntN(3) == 0 {
		p.Dependencies.Kinds = []string{"outsourcer"}
	}
	p.Data.PIRecordsBand = []string{"", "lt10k", "ge10m"}[r.IntN(3)]
	p.Data.CrossBorder = r.IntN(5) == 0
	if r.IntN(2) == 0 {
		h := float64(r.IntN(100))
		p.Continuity.RTOHours = &h
		off := r.IntN(2) == 0
		p.Continuity.OfflineBackups = &off
	}
	return in
}

// synthMany draws n inputs from a fixed seed.
func synthMany(n int, seed uint64) []*Input {
	r := rand.New(rand.NewPCG(seed, 0x5c0e))
	out := make([]*Input, n)
	for i := range out {
		out[i] = synth(r)
	}
	return out
}
