package store

// applyIntel folds one CVE's feed entry into a finding: KEV if any of its
// CVEs is in KEV, the highest EPSS of its CVEs.
func applyIntel(f *Finding, vi VulnIntel) {
	if vi.KEV {
		f.KEV = true
		if f.KEVDateAdded == "" || vi.KEVDateAdded < f.KEVDateAdded {
			f.KEVDateAdded = vi.KEVDateAdded
		}
		f.KnownRansomware = f.KnownRansomware || vi.KnownRansomware
	}
	if vi.EPSS > 0 && (f.EPSS == nil || vi.EPSS > *f.EPSS) {
		e, pc := vi.EPSS, vi.Percentile
		f.EPSS, f.EPSSPercentile = &e, &pc
	}
}
