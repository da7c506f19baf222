package demo

import (
	"testing"

	"github.com/anbao/anbao"
)

// The demo assessments are deterministic, cover every active enterprise, and
// spread: large enterprises are on average more mature than micro ones, and
// findings go to engaged enterprises only.
func TestAssessments(t *testing.T) {
	p := Generate(7, 2000)
	a := GenerateAssessments(p, 7)
	b := GenerateAssessments(Generate(7, 2000), 7)
	if len(a) != len(b) {
		t.Fatalf("not deterministic: %d vs %d", len(a), len(b))
	}
	active := 0
	for _, o := range p.Orgs {
		if o.Kind == anbao.KindEnterprise && o.Status == anbao.OrgActive {
			active++
		}
	}
	if len(a) != active {
		t.Errorf("%d assessments for %d active enterprises", len(a), active)
	}
	mean := map[anbao.SizeClass][2]float64{}
	withFindings := 0
	for i := range a {
		if a[i].Maturity != b[i].Maturity || len(a[i].Answers) != len(b[i].Answers) || len(a[i].Findings) != len(b[i].Findings) {
			t.Fatalf("assessment %d differs between runs", i)
		}
		s := p.Orgs[a[i].EnterpriseRef].Profile.Size
		m := mean[s]
		mean[s] = [2]float64{m[0] + a[i].Maturity, m[1] + 1}
		if len(a[i].Findings) > 0 {
			withFindings++
			if a[i].ProviderRef < 0 {
				t.Errorf("enterprise %d has findings but no provider", a[i].EnterpriseRef)
			}
		}
		for _, id := range []string{"revenue", "industry", "mfa_email", "mfa_remote", "backup_frequency", "edr"} {
			if _, ok := a[i].Answers[id]; !ok {
				t.Fatalf("enterprise %d lacks answer %s", a[i].EnterpriseRef, id)
			}
		}
	}
	large, micro := mean[anbao.SizeLarge][0]/mean[anbao.SizeLarge][1], mean[anbao.SizeMicro][0]/mean[anbao.SizeMicro][1]
	if large < micro+0.2 {
		t.Errorf("mean maturity large %.2f, micro %.2f: want a clear gap", large, micro)
	}
	if withFindings < 100 {
		t.Errorf("only %d enterprises with findings", withFindings)
	}
}
