package store_test

import (
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The engaged provider's admin signs the final report; everyone who may read
// the assessment sees it verified; a payload altered in the database no
// longer verifies; no one else signs.
func TestSignReport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		p := demo.Generate(pilotSeed, pilotEnterprises)
		must(t, st.LoadDemo(sys(), p))
		must(t, st.LoadDemoAssessments(sys(), p, demo.GenerateAssessments(p, pilotSeed)))
		var eid, ent, prov int64
		must(t, st.RawDB().QueryRow(`SELECT e.id, e.enterprise_id, e.provider_id FROM engagements e
			WHERE EXISTS (SELECT 1 FROM findings f WHERE f.engagement_id = e.id) ORDER BY e.id LIMIT 1`).Scan(&eid, &ent, &prov))
		var provAdmin, otherAdmin string
		must(t, st.RawDB().QueryRow("SELECT username FROM users WHERE org_id = $1 AND roles LIKE '%admin%'", prov).Scan(&provAdmin))
		must(t, st.RawDB().QueryRow(`SELECT u.username FROM users u JOIN organisations o ON o.id = u.org_id
			WHERE o.kind = 'provider' AND o.id <> $1 AND u.roles LIKE '%admin%' ORDER BY u.id LIMIT 1`, prov).Scan(&otherAdmin))
		pa := as(t, st, provAdmin)
		audits := auditCount(t, st)
		_, err := st.SignReport(pa, eid, "  ")
		wantErr(t, err, anbao.EINVALID, "report.conclusion_required")
		_, err = st.SignReport(as(t, st, otherAdmin), eid, "结论")
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.SignReport(as(t, st, "ent1.admin"), eid, "结论")
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if n := count(t, st, "SELECT COUNT(*) FROM reports"); n != 0 || auditCount(t, st) != audits+2 { // +2: the two logins
			t.Fatalf("refused signings wrote: %d reports", n)
		}
		r, err := st.SignReport(pa, eid, "系统整体风险中等，应优先修复已知被利用漏洞。")
		must(t, err)
		if !r.Verified || len(r.Content.Findings) == 0 || r.Content.Counts == nil || len(r.Fingerprint) == 0 {
			t.Fatalf("signed %+v", r)
		}
		got, err := st.GetReport(pa, r.ID)
		must(t, err)
		if !got.Verified || got.SHA256 != r.SHA256 || got.Content.Conclusion != r.Content.Conclusion {
			t.Errorf("read back %+v", got)
		}
		again, err := st.SignReport(pa, eid, "复测后结论。")
		must(t, err)
		if n := count(t, st, "SELECT COUNT(*) FROM signing_keys WHERE org_id = $1", prov); n != 1 || again.Fingerprint != r.Fingerprint {
			t.Errorf("%d keys for one provider", n)
		}
		// Tampering with the stored payload breaks the signature.
		if _, err := st.RawDB().Exec("UPDATE reports SET payload = REPLACE(payload, '中等', '很低') WHERE id = $1", r.ID); err != nil {
			t.Fatal(err)
		}
		got, err = st.GetReport(pa, r.ID)
		must(t, err)
		if got.Verified {
			t.Error("an altered report still verifies")
		}
		_, err = st.GetReport(as(t, st, "miit.admin"), r.ID)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.GetReport(as(t, st, otherAdmin), r.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		l, err := st.ListReports(pa, eid)
		must(t, err)
		if len(l) != 2 || l[0].ID != again.ID || l[1].Verified {
			t.Errorf("list %+v", l)
		}
	})
}
