package store_test

import (
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// A policy document reads, for exactly the policy's readers, the parties,
// the full exclusion texts and the approved providers; a clause missing from
// the library and a provider the reader may not see still print.
func TestPolicyDocument(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		_, pol := f.bound(t, 1_000_000*yuan, 10_000*yuan)

		d, err := st.PolicyDocument(f.entMember, pol.ID)
		must(t, err)
		if d.Insurer == nil || d.Insurer.ID != f.ins || len(d.Insurer.USCC) != 18 || d.Insured == nil || d.Insured.ID != f.ent ||
			len(d.Insured.USCC) != 18 || d.ProductNameEN != "Cyber SME-OPEN" {
			t.Fatalf("parties %+v %+v %q", d.Insurer, d.Insured, d.ProductNameEN)
		}
		if len(d.Clauses) != 3 || d.Clauses[0].TextZH == "" || d.Clauses[0].Code != pol.Terms.Exclusions[0].Code {
			t.Errorf("clauses %+v", d.Clauses)
		}
		if len(d.Providers) != 1 || !d.Providers[0].Readable || d.Providers[0].ID != f.prov || d.Providers[0].NameZH == "" {
			t.Errorf("providers %+v", d.Providers)
		}
		_, err = st.PolicyDocument(f.ins2, pol.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.PolicyClauses(f.otherAdmin, pol.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")

		// A clause no longer in the library keeps its reference and title, without text;
		// a suspended provider is not visible to the enterprise and prints as its id.
		ref := pol.Terms.Exclusions[2]
		if _, err := st.RawDB().Exec(`UPDATE clauses SET code = 'withdrawn' WHERE insurer_id = $1 AND code = $2`, f.ins, ref.Code); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RawDB().Exec(`UPDATE organisations SET status = 'suspended' WHERE id = $1`, f.prov); err != nil {
			t.Fatal(err)
		}
		cs, err := st.PolicyClauses(f.entAdmin, pol.ID)
		must(t, err)
		if len(cs) != 3 || cs[2].Code != ref.Code || cs[2].TitleZH != ref.TitleZH || cs[2].TextZH != "" {
			t.Errorf("missing clause %+v", cs[2])
		}
		d, err = st.PolicyDocument(f.entAdmin, pol.ID)
		must(t, err)
		if len(d.Providers) != 1 || d.Providers[0].Readable || d.Providers[0].ID != f.prov || d.Providers[0].NameZH != "" {
			t.Errorf("unreadable provider %+v", d.Providers[0])
		}
	})
}

// A park member's document names itself among the members, never the others.
func TestPolicyDocumentParkMembers(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		r, err := st.RequestQuotes(f.entAdmin, f.ent, store.QuoteRequestInput{Products: []int64{f.open.ID}, Kind: store.PolicyParkMaster,
			Options: []store.QuoteOption{{Limit: 10_000_000 * yuan, Retention: 10_000 * yuan}}, InceptionDate: "2026-04-01", RetroDate: "2025-04-01"})
		must(t, err)
		q, err := st.RequestBind(f.entAdmin, r.Quotes[0].ID, 0)
		must(t, err)
		for _, c := range q.Contingencies {
			if c.Kind == cover.PreBind {
				_, err = st.ResolveContingency(f.uw, q.ID, c.ID, store.ContSatisfied, "")
				must(t, err)
			}
		}
		pol, err := st.BindQuote(f.uw, q.ID, 0)
		must(t, err)
		third := as(t, st, "ent3.admin")
		for _, m := range []int64{f.other, anbao.PrincipalFrom(third).OrgID} {
			_, err = st.AddParkMember(f.uw, pol.ID, store.ParkMemberInput{EnterpriseID: m, Limit: 1_000_000 * yuan, JoinedDate: "2026-04-01"})
			must(t, err)
		}
		d, err := st.PolicyDocument(f.uw, pol.ID)
		must(t, err)
		if len(d.Members) != 2 {
			t.Errorf("the insurer sees %d members", len(d.Members))
		}
		d, err = st.PolicyDocument(f.otherAdmin, pol.ID)
		must(t, err)
		if len(d.Members) != 1 || d.Members[f.other] == nil || len(d.Members[f.other].USCC) != 18 || len(d.Policy.Members) != 1 {
			t.Errorf("the member sees %+v", d.Members)
		}
	})
}
