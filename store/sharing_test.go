package store_test

import (
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// Sharing is the enterprise admin's decision: granting lets the insurer read
// the assessment at once, revoking ends it at once, each step audited; bad
// requests write nothing.
func TestSharing(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		setClock(st, t0)
		ent := firstEnterprise(t, st)
		other := orgOf(t, st, "ent2.admin")
		ins1, ins2 := orgOf(t, st, "ins1.admin"), orgOf(t, st, "ins2.admin")
		prov := orgOf(t, st, "prov1.admin")
		admin := as(t, st, "ent1.admin")
		uw2 := as(t, st, "ins2.uw")
		// ins2 may or may not hold ent1's consent in the pilot; start from none.
		if _, err := st.RawDB().Exec("DELETE FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2", ins2, ent); err != nil {
			t.Fatal(err)
		}

		member, admin2, insAdmin2 := as(t, st, "ent1.member"), as(t, st, "ent2.admin"), as(t, st, "ins2.admin")
		wantErr(t, st.ReadableAssessment(uw2, ent), anbao.ENOTFOUND, "")
		rels, audits := count(t, st, "SELECT COUNT(*) FROM relationships"), auditCount(t, st)
		_, err := st.GrantShare(member, ent, ins2)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.GrantShare(admin2, ent, ins2)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.GrantShare(admin, ent, prov)
		wantErr(t, err, anbao.EINVALID, "share.not_insurer")
		_, err = st.GrantShare(admin, ent, other)
		wantErr(t, err, anbao.EINVALID, "share.not_insurer")
		_, err = st.GrantShare(admin, ent, 1<<40)
		wantErr(t, err, anbao.EINVALID, "share.not_insurer")
		_, err = st.GrantShare(insAdmin2, ent, ins2)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if r, a := count(t, st, "SELECT COUNT(*) FROM relationships"), auditCount(t, st); r != rels || a != audits {
			t.Fatalf("refused grants wrote: relationships %d→%d, audit %d→%d", rels, r, audits, a)
		}

		// A consent the operator records opens the directory entry, not the assessment.
		must(t, st.AddRelationship(as(t, st, "op.admin"), ins2, ent, store.RelConsent))
		wantErr(t, st.ReadableAssessment(uw2, ent), anbao.ENOTFOUND, "")
		sh, err := st.GrantShare(admin, ent, ins2)
		must(t, err)
		if !sh.Active || sh.InsurerID != ins2 || sh.InsurerName == "" {
			t.Errorf("grant = %+v", sh)
		}
		must(t, st.ReadableAssessment(uw2, ent))
		_, err = st.GrantShare(admin, ent, ins2)
		wantErr(t, err, anbao.ECONFLICT, "share.exists")

		l, err := st.ListShares(admin, ent)
		must(t, err)
		var seen bool
		for _, s := range l {
			seen = seen || (s.InsurerID == ins2 && s.Active)
		}
		if !seen {
			t.Errorf("list %+v lacks the active share with ins2", l)
		}
		_, err = st.ListShares(as(t, st, "ins1.admin"), ent)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.ListShares(as(t, st, "op.admin"), ent)
		must(t, err)

		must(t, st.RevokeShare(admin, ent, ins2))
		wantErr(t, st.ReadableAssessment(uw2, ent), anbao.ENOTFOUND, "")
		wantErr(t, st.RevokeShare(admin, ent, ins2), anbao.ENOTFOUND, "")
		wantErr(t, st.RevokeShare(member, ent, ins1), anbao.EFORBIDDEN, "")
		if got := count(t, st, "SELECT COUNT(*) FROM audit_log WHERE action IN ('assessment.share.grant', 'assessment.share.revoke')"); got != 2 {
			t.Errorf("%d share audit entries, want 2", got)
		}
		// Granting again restarts the consent.
		_, err = st.GrantShare(admin, ent, ins2)
		must(t, err)
		must(t, st.ReadableAssessment(uw2, ent))

		// Regulators never read one enterprise's assessment; the operator does.
		wantErr(t, st.ReadableAssessment(as(t, st, "miit.admin"), ent), anbao.EFORBIDDEN, "")
		must(t, st.ReadableAssessment(as(t, st, "op.admin"), ent))
		wantErr(t, st.ReadableAssessment(as(t, st, "ent2.admin"), ent), anbao.ENOTFOUND, "")
		wantErr(t, st.ReadableAssessment(as(t, st, "op.admin"), ins1), anbao.ENOTFOUND, "")
	})
}
