package rating

import (
	"math/rand/v2"
	"testing"

	"github.com/anbao/anbao/cover"
)

func benchInputs(def *cover.Definition) []*Input {
	rng := rand.New(rand.NewPCG(1, 2))
	ins := make([]*Input, 1024)
	for i := range ins {
		ins[i] = randomInput(rng, def)
	}
	return ins
}

// BenchmarkRate prices random requests (the property test's draws) on the
// seed configuration and definition, validating both on every call.
func BenchmarkRate(b *testing.B) {
	cfg, def := SeedConfig(), SeedDefinition()
	ins := benchInputs(def)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Rate(def, cfg, ins[i%len(ins)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRater prices the same requests with the validation done once.
func BenchmarkRater(b *testing.B) {
	def := SeedDefinition()
	rt, err := NewRater(def, SeedConfig())
	if err != nil {
		b.Fatal(err)
	}
	ins := benchInputs(def)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := rt.Rate(ins[i%len(ins)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
