package claims

import "testing"

// BenchmarkCalculate calculates the Sample claim: eight loss items, three
// exclusion clauses (two assessed), a BI waiting retention, a finding
// surcharge, sublimits, coinsurance and a held ransom. Target: under 10 µs
// (more than 100,000 calculations per second on one core).
func BenchmarkCalculate(b *testing.B) {
	in := Sample()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Calculate(in); err != nil {
			b.Fatal(err)
		}
	}
}
