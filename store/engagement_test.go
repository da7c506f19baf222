package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// engFixture is ent1 with a provider that has no relationship with it yet.
type engFixture struct {
	st                 *store.Store
	ent, prov, other   int64
	entAdmin, entMem   context.Context
	provAdmin, provAna context.Context
	otherProv          context.Context
	insurer            context.Context
	strangerIns        context.Context // an insurer without ent1's consent
}

func newEngFixture(t *testing.T, st *store.Store) *engFixture {
	t.Helper()
	setClock(st, t0)
	loadPilot(t, st)
	f := &engFixture{st: st}
	f.entAdmin, f.entMem = as(t, st, "ent1.admin"), as(t, st, "ent1.member")
	f.ent = anbao.PrincipalFrom(f.entAdmin).OrgID
	// A provider with no relationship with ent1 (prov2…prov8), and another one.
	var names []string
	for i := 2; i <= 8 && len(names) < 2; i++ {
		u := "prov" + string(rune('0'+i)) + ".admin"
		org := anbao.PrincipalFrom(as(t, st, u)).OrgID
		if count(t, st, "SELECT COUNT(*) FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2", org, f.ent) == 0 {
			names = append(names, "prov"+string(rune('0'+i)))
		}
	}
	if len(names) < 2 {
		t.Fatal("no unrelated providers in the demo")
	}
	f.provAdmin, f.provAna = as(t, st, names[0]+".admin"), as(t, st, names[0]+".analyst")
	f.otherProv = as(t, st, names[1]+".admin")
	f.prov = anbao.PrincipalFrom(f.provAdmin).OrgID
	f.other = anbao.PrincipalFrom(f.otherProv).OrgID
	f.insurer = as(t, st, "ins1.admin")
	// ins2 loses any consent of ent1's.
	f.strangerIns = as(t, st, "ins2.admin")
	if _, err := st.RawDB().Exec("UPDATE relationships SET ended_at = 'x' WHERE party_org_id = $1 AND enterprise_id = $2",
		anbao.PrincipalFrom(f.strangerIns).OrgID, f.ent); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *engFixture) input() store.EngagementInput {
	return store.EngagementInput{ProviderID: f.prov, Scope: "官网 www.example.cn 及办公网出口", TestTypes: "外部渗透测试",
		WindowStart: "2026-03-02", WindowEnd: "2026-03-31", AuthorisationText: "兹授权贵司对上述范围开展渗透测试，测试期间不得影响业务。",
		AuthorisedBy: "张三（信息中心主任）"}
}

// engaged creates and accepts an engagement.
func (f *engFixture) engaged(t *testing.T) *store.Engagement {
	t.Helper()
	e, err := f.st.CreateEngagement(f.entAdmin, f.ent, f.input())
	must(t, err)
	e, err = f.st.ActEngagement(f.provAdmin, e.ID, store.EngActAccept, "")
	must(t, err)
	if e.Status != store.EngActive {
		t.Fatalf("accepted engagement in its window: status %s", e.Status)
	}
	return e
}

func relOpen(t *testing.T, st *store.Store, prov, ent int64) bool {
	return count(t, st, `SELECT COUNT(*) FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2
		AND kind = 'engagement' AND ended_at = ''`, prov, ent) == 1
}

func TestEngagementLifecycle(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		// Before any engagement the provider cannot read the enterprise's assessment.
		wantErr(t, st.ReadableAssessment(f.provAdmin, f.ent), anbao.ENOTFOUND, "")

		e, err := st.CreateEngagement(f.entAdmin, f.ent, f.input())
		must(t, err)
		if e.Status != store.EngRequested || e.ProviderID != f.prov || e.AuthorisedAt == "" {
			t.Fatalf("created: %+v", e)
		}
		// The provider sees the request in its list, but not yet the enterprise.
		l, err := st.ListEngagements(f.provAdmin, store.EngagementFilter{})
		must(t, err)
		if l.Total != 1 || l.Items[0].ID != e.ID {
			t.Fatalf("provider list: %+v", l)
		}
		if relOpen(t, st, f.prov, f.ent) {
			t.Fatal("relationship open before acceptance")
		}
		// Another provider sees nothing; an analyst may not accept; the enterprise may not accept.
		if l, _ := st.ListEngagements(f.otherProv, store.EngagementFilter{}); l.Total != 0 {
			t.Fatalf("foreign provider sees %d", l.Total)
		}
		_, err = st.ActEngagement(f.otherProv, e.ID, store.EngActAccept, "")
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.ActEngagement(f.provAna, e.ID, store.EngActAccept, "")
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.ActEngagement(f.entAdmin, e.ID, store.EngActAccept, "")
		wantErr(t, err, anbao.EFORBIDDEN, "")
		// Completing a requested engagement is a conflict.
		_, err = st.ActEngagement(f.provAdmin, e.ID, store.EngActComplete, "")
		wantErr(t, err, anbao.ECONFLICT, "eng.state")

		e, err = st.ActEngagement(f.provAdmin, e.ID, store.EngActAccept, "可以")
		must(t, err)
		if e.Status != store.EngActive || !relOpen(t, st, f.prov, f.ent) {
			t.Fatalf("accepted: %s, relationship open %v", e.Status, relOpen(t, st, f.prov, f.ent))
		}
		must(t, st.ReadableAssessment(f.provAdmin, f.ent))
		_, err = st.ActEngagement(f.provAdmin, e.ID, store.EngActAccept, "")
		wantErr(t, err, anbao.ECONFLICT, "eng.state")

		e, err = st.ActEngagement(f.provAdmin, e.ID, store.EngActComplete, "")
		must(t, err)
		if e.Status != store.EngCompleted || !relOpen(t, st, f.prov, f.ent) {
			t.Fatal("completed engagement must keep the relationship until ended")
		}
		e, err = st.ActEngagement(f.entAdmin, e.ID, store.EngActEnd, "测评结束")
		must(t, err)
		if e.Status != store.EngEnded || relOpen(t, st, f.prov, f.ent) {
			t.Fatal("ended engagement must close the relationship")
		}
		wantErr(t, st.ReadableAssessment(f.provAdmin, f.ent), anbao.ENOTFOUND, "")
		_, err = st.ActEngagement(f.entAdmin, e.ID, store.EngActEnd, "")
		wantErr(t, err, anbao.ECONFLICT, "eng.state")

		// A second engagement reopens the relationship; declining needs a reason.
		e2, err := st.CreateEngagement(f.entAdmin, f.ent, f.input())
		must(t, err)
		_, err = st.ActEngagement(f.provAdmin, e2.ID, store.EngActDecline, "")
		wantErr(t, err, anbao.EINVALID, "error.required")
		e2, err = st.ActEngagement(f.provAdmin, e2.ID, store.EngActDecline, "档期已满")
		must(t, err)
		if e2.Status != store.EngDeclined || relOpen(t, st, f.prov, f.ent) {
			t.Fatal("declined")
		}
		e3 := f.engaged(t)
		if !relOpen(t, st, f.prov, f.ent) {
			t.Fatal("relationship not reopened")
		}
		// Two open engagements: ending one keeps the relationship.
		e4 := f.engaged(t)
		_, err = st.ActEngagement(f.entAdmin, e3.ID, store.EngActEnd, "")
		must(t, err)
		if !relOpen(t, st, f.prov, f.ent) {
			t.Fatal("relationship closed while another engagement is open")
		}
		_, err = st.ActEngagement(f.entAdmin, e4.ID, store.EngActEnd, "")
		must(t, err)
		if relOpen(t, st, f.prov, f.ent) {
			t.Fatal("relationship still open")
		}
		verifyOK(t, st, -1)
	})
}

func TestEngagementBadInput(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		before := auditCount(t, st)
		cases := []struct {
			edit      func(*store.EngagementInput)
			code, key string
		}{
			{func(in *store.EngagementInput) { in.ProviderID = f.ent }, anbao.EINVALID, "eng.not_provider"},
			{func(in *store.EngagementInput) { in.ProviderID = 0 }, anbao.EINVALID, "eng.provider_required"},
			{func(in *store.EngagementInput) { in.Scope = " " }, anbao.EINVALID, "error.required"},
			{func(in *store.EngagementInput) { in.AuthorisationText = "授权" }, anbao.EINVALID, "eng.authorisation_required"},
			{func(in *store.EngagementInput) { in.AuthorisedBy = "" }, anbao.EINVALID, "error.required"},
			{func(in *store.EngagementInput) { in.WindowStart = "2026/03/02" }, anbao.EINVALID, "eng.date_format"},
			{func(in *store.EngagementInput) { in.WindowStart = "2026-03-01" }, anbao.EINVALID, "eng.window_past"},
			{func(in *store.EngagementInput) { in.WindowEnd = "2026-03-01"; in.WindowStart = "2026-03-05" }, anbao.EINVALID, "eng.window_order"},
			{func(in *store.EngagementInput) { in.WindowEnd = "2027-06-01" }, anbao.EINVALID, "eng.window_too_long"},
			{func(in *store.EngagementInput) {
				in.Authorisation = &store.EvidenceUpload{Filename: "a.exe", Data: []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")}
			}, anbao.EINVALID, "evidence.type"},
		}
		for i, c := range cases {
			in := f.input()
			c.edit(&in)
			_, err := st.CreateEngagement(f.entAdmin, f.ent, in)
			if !checkErr(t, err, c.code, c.key) {
				t.Logf("case %d", i)
			}
		}
		// Only the enterprise's own admin.
		_, err := st.CreateEngagement(f.entMem, f.ent, f.input())
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.CreateEngagement(f.provAdmin, f.ent, f.input())
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if auditCount(t, st) != before || count(t, st, "SELECT COUNT(*) FROM engagements") != 0 {
			t.Fatal("a refused engagement wrote something")
		}
		// With a signed authorisation scan: stored as evidence with its hash.
		in := f.input()
		pdf := []byte("%PDF-1.4\n授权书\n%%EOF")
		in.Authorisation = &store.EvidenceUpload{Filename: "授权书.pdf", Data: pdf}
		e, err := st.CreateEngagement(f.entAdmin, f.ent, in)
		must(t, err)
		sum := sha256.Sum256(pdf)
		g, err := st.GetEngagement(f.provAdmin, e.ID)
		must(t, err)
		if len(g.Evidence) != 1 || g.Evidence[0].SHA256 != hex.EncodeToString(sum[:]) || g.Evidence[0].ContentType != "application/pdf" {
			t.Fatalf("authorisation evidence: %+v", g.Evidence)
		}
	})
}

func TestFindingsAndScope(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		e := f.engaged(t)
		asset, err := st.CreateAsset(sys(), f.ent, store.AssetInput{Kind: store.AssetIP, Value: "203.0.113.9", InternetFacing: true})
		must(t, err)
		in := store.FindingInput{Type: "vulnerability", AssetID: &asset.ID, Title: "VPN 网关认证绕过", CVE: []string{"cve-2024-3400"},
			CNVD: []string{"CNVD-2024-12345"}, CVSSVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Remediation: "升级固件"}
		fd, err := st.CreateFinding(f.provAna, e.ID, in)
		must(t, err)
		if fd.Severity != "critical" || fd.CVSSScore == nil || *fd.CVSSScore != 9.8 || !fd.InternetFacing || fd.Asset != "203.0.113.9" ||
			fd.CVE[0] != "CVE-2024-3400" || fd.Status != store.StatusOpen {
			t.Fatalf("finding: %+v", fd)
		}
		// Bad input writes nothing.
		before := auditCount(t, st)
		bad := []struct {
			edit      func(*store.FindingInput)
			code, key string
		}{
			{func(in *store.FindingInput) { in.CVSSVector = "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }, anbao.EINVALID, "finding.cvss.value"},
			{func(in *store.FindingInput) { in.CVSSVector = "AV:N/AC:L/Au:N/C:P/I:P/A:P" }, anbao.EINVALID, "finding.cvss.version"},
			{func(in *store.FindingInput) { in.CVSSVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H" }, anbao.EINVALID, "finding.cvss.missing"},
			{func(in *store.FindingInput) { in.CVSSVector = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }, anbao.EINVALID, "finding.cvss.version"},
			{func(in *store.FindingInput) { in.CVE = []string{"CVE-24-1"} }, anbao.EINVALID, "finding.cve_invalid"},
			{func(in *store.FindingInput) { in.CNVD = []string{"CNVD-2024"} }, anbao.EINVALID, "finding.cnvd_invalid"},
			{func(in *store.FindingInput) { in.CNNVD = []string{"CNNVD-202413-001"} }, anbao.EINVALID, "finding.cnnvd_invalid"},
			{func(in *store.FindingInput) { in.Type = "rumour" }, anbao.EINVALID, "finding.type_invalid"},
			{func(in *store.FindingInput) { in.CVSSVector = ""; in.Severity = "" }, anbao.EINVALID, "finding.severity_required"},
			{func(in *store.FindingInput) { in.Severity = "severe" }, anbao.EINVALID, "finding.severity_invalid"},
			{func(in *store.FindingInput) { x := int64(999999); in.AssetID = &x }, anbao.EINVALID, "finding.asset_unknown"},
			{func(in *store.FindingInput) { in.Asset = "两者" }, anbao.EINVALID, "finding.asset_both"},
		}
		for i, c := range bad {
			x := in
			c.edit(&x)
			_, err := st.CreateFinding(f.provAdmin, e.ID, x)
			if !checkErr(t, err, c.code, c.key) {
				t.Logf("case %d", i)
			}
		}
		// Not the provider of the engagement: not found; the enterprise: forbidden.
		_, err = st.CreateFinding(f.otherProv, e.ID, in)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.CreateFinding(f.entAdmin, e.ID, in)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if auditCount(t, st) != before {
			t.Fatal("refused findings wrote audit entries")
		}

		// Scope: the enterprise, the provider and the operator see it; another provider, an insurer without consent do not.
		for _, ctx := range []context.Context{f.entAdmin, f.entMem, f.provAdmin, as(t, st, "op.admin")} {
			if _, err := st.GetFinding(ctx, fd.ID); err != nil {
				t.Errorf("%s: %v", anbao.PrincipalFrom(ctx).Username, err)
			}
		}
		_, err = st.GetFinding(f.otherProv, fd.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.ListFindings(f.otherProv, e.ID, store.FindingFilter{})
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.GetFinding(f.strangerIns, fd.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		l, err := st.ListFindings(f.insurer, e.ID, store.FindingFilter{}) // ins1 has ent1's consent
		must(t, err)
		if l.Total != 1 {
			t.Fatalf("insurer with consent sees %d", l.Total)
		}
		// The severity defaults from the score; an explicit severity wins.
		fd2, err := st.CreateFinding(f.provAdmin, e.ID, store.FindingInput{Type: "misconfiguration", Asset: "邮件服务器",
			Title: "缺少 DMARC", CVSSVector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"})
		must(t, err)
		if fd2.Severity != "medium" || fd2.CVSSVersion != "4.0" || fd2.Asset != "邮件服务器" {
			t.Fatalf("v4 finding: %+v", fd2)
		}
		// After the engagement ends the provider sees no findings and writes none.
		_, err = st.ActEngagement(f.entAdmin, e.ID, store.EngActEnd, "")
		must(t, err)
		_, err = st.GetFinding(f.provAdmin, fd.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		// The ended engagement itself is closed to the provider.
		_, err = st.CreateFinding(f.provAdmin, e.ID, in)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.GetEngagement(f.provAdmin, e.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		if _, err := st.GetFinding(f.entAdmin, fd.ID); err != nil {
			t.Fatal("the enterprise keeps its findings")
		}
	})
}

func TestFindingResolution(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		e := f.engaged(t)
		mk := func(sev string) *store.Finding {
			fd, err := st.CreateFinding(f.provAdmin, e.ID, store.FindingInput{Type: "exposure", Asset: "RDP 3389", Title: "远程桌面暴露", Severity: sev})
			must(t, err)
			return fd
		}
		step := func(fn func(context.Context, int64, store.FindingStep) (*store.Finding, error), ctx context.Context, id int64,
			s store.FindingStep) *store.Finding {
			t.Helper()
			fd, err := fn(ctx, id, s)
			must(t, err)
			return fd
		}
		// Fixed → pending verification → provider verifies.
		h := mk("high")
		h = step(st.ResolveFinding, f.entMem, h.ID, store.FindingStep{Status: "fixed", Reason: "已关闭端口"})
		if h.Status != store.StatusFixedPending {
			t.Fatalf("fixed: %s", h.Status)
		}
		_, err := st.VerifyFinding(f.entAdmin, h.ID, store.FindingStep{Decision: "fixed", Reason: "自己验证"})
		wantErr(t, err, anbao.EFORBIDDEN, "")
		h = step(st.VerifyFinding, f.provAna, h.ID, store.FindingStep{Decision: "reopen", Reason: "端口仍开放"})
		if h.Status != store.StatusOpen {
			t.Fatal("reopen")
		}
		h = step(st.ResolveFinding, f.entMem, h.ID, store.FindingStep{Status: "fixed", Reason: "已真正关闭"})
		h = step(st.VerifyFinding, f.provAna, h.ID, store.FindingStep{Decision: "fixed", Reason: "复测通过"})
		if h.Status != store.StatusFixed || len(h.Events) != 5 {
			t.Fatalf("verified: %s, %d events", h.Status, len(h.Events))
		}
		_, err = st.ResolveFinding(f.entMem, h.ID, store.FindingStep{Status: "accepted_risk", Reason: "x"})
		wantErr(t, err, anbao.EINVALID, "error.required")
		_, err = st.ResolveFinding(f.entMem, h.ID, store.FindingStep{Status: "accepted_risk", Reason: "接受"})
		wantErr(t, err, anbao.ECONFLICT, "finding.step_state")

		// A non-critical waiver takes effect at once.
		m := mk("medium")
		m = step(st.ResolveFinding, f.entAdmin, m.ID, store.FindingStep{Status: "third_party", Reason: "由云服务商托管"})
		if m.Status != store.StatusThirdParty || m.PendingStatus != "" {
			t.Fatal("third party")
		}
		// A critical waiver waits for the provider: the status stays open.
		c := mk("critical")
		c = step(st.ResolveFinding, f.entAdmin, c.ID, store.FindingStep{Status: "accepted_risk", Reason: "业务需要，已加访问控制"})
		if c.Status != store.StatusOpen || c.PendingStatus != store.StatusAcceptedRisk || c.ReviewDueAt == "" {
			t.Fatalf("critical waiver: %+v", c)
		}
		// Due in five working days: Monday 2 March 09:00 → Monday 9 March 09:00 Beijing.
		if want := anbao.FormatTime(time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)); c.ReviewDueAt != want {
			t.Fatalf("due %s, want %s", c.ReviewDueAt, want)
		}
		_, err = st.ResolveFinding(f.entAdmin, c.ID, store.FindingStep{Status: "false_positive", Reason: "换个说法"})
		wantErr(t, err, anbao.ECONFLICT, "finding.review_pending")
		_, err = st.ReviewFinding(f.otherProv, c.ID, store.FindingStep{Decision: "uphold", Reason: "同意"})
		wantErr(t, err, anbao.ENOTFOUND, "")
		c = step(st.ReviewFinding, f.provAdmin, c.ID, store.FindingStep{Decision: "reject", Reason: "严重漏洞不可接受"})
		if c.Status != store.StatusOpen || c.PendingStatus != "" {
			t.Fatal("rejected waiver")
		}
		c = step(st.ResolveFinding, f.entAdmin, c.ID, store.FindingStep{Status: "accepted_risk", Reason: "补偿控制已到位"})
		c = step(st.ReviewFinding, f.provAdmin, c.ID, store.FindingStep{Decision: "uphold", Reason: "补偿控制有效"})
		if c.Status != store.StatusAcceptedRisk {
			t.Fatal("upheld waiver")
		}

		// A dispute: SLA clock, overdue, then upheld → false_positive.
		d := mk("low")
		d = step(st.DisputeFinding, f.entMem, d.ID, store.FindingStep{Reason: "该 IP 不属于我司"})
		if d.Status != store.StatusDisputed || d.ReviewDueAt == "" || d.Overdue {
			t.Fatalf("disputed: %+v", d)
		}
		st.Now = func() time.Time { return t0.Add(8 * 24 * time.Hour) }
		g, err := st.GetFinding(f.entMem, d.ID)
		must(t, err)
		if !g.Overdue {
			t.Fatal("dispute not overdue after 8 days")
		}
		_, err = st.VerifyFinding(f.provAdmin, d.ID, store.FindingStep{Decision: "fixed", Reason: "误操作"})
		wantErr(t, err, anbao.ECONFLICT, "finding.step_state")
		d = step(st.ReviewFinding, f.provAdmin, d.ID, store.FindingStep{Decision: "uphold", Reason: "核实为托管商地址"})
		if d.Status != store.StatusFalsePositive || d.ReviewDueAt != "" {
			t.Fatal("upheld dispute")
		}
		_, err = st.ReviewFinding(f.provAdmin, d.ID, store.FindingStep{Decision: "uphold", Reason: "再次"})
		wantErr(t, err, anbao.ECONFLICT, "finding.nothing_to_review")
		_, err = st.ResolveFinding(f.entMem, d.ID, store.FindingStep{Status: "ignored", Reason: "不想修"})
		wantErr(t, err, anbao.EINVALID, "finding.resolution_invalid")
		// A foreign enterprise's user cannot touch it.
		var foreign string
		must(t, st.RawDB().QueryRow(`SELECT u.username FROM users u JOIN organisations o ON o.id = u.org_id
			WHERE o.kind = 'enterprise' AND o.id <> $1 AND u.username LIKE '%.admin' ORDER BY u.id LIMIT 1`, f.ent).Scan(&foreign))
		_, err = st.DisputeFinding(as(t, st, foreign), m.ID, store.FindingStep{Reason: "不是我的"})
		wantErr(t, err, anbao.ENOTFOUND, "")
		verifyOK(t, st, -1)
	})
}

func TestEvidence(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		e := f.engaged(t)
		fd, err := st.CreateFinding(f.provAdmin, e.ID, store.FindingInput{Type: "policy", Title: "无应急预案", Severity: "medium"})
		must(t, err)
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		ev, err := st.UploadEvidence(f.provAna, store.EvidenceTarget{FindingID: fd.ID}, &store.EvidenceUpload{Filename: "../截图.png", Data: png})
		must(t, err)
		if ev.ContentType != "image/png" || ev.Filename != "截图.png" || ev.Size != int64(len(png)) {
			t.Fatalf("evidence: %+v", ev)
		}
		before, rows := auditCount(t, st), count(t, st, "SELECT COUNT(*) FROM evidence_files")
		bad := []struct {
			up        *store.EvidenceUpload
			code, key string
		}{
			{&store.EvidenceUpload{Filename: "big.txt", Data: bytes.Repeat([]byte("a"), store.MaxEvidenceBytes+1)}, anbao.ETOOLARGE, "evidence.too_large"},
			{&store.EvidenceUpload{Filename: "x.html", Data: []byte("<html><script>alert(1)</script>")}, anbao.EINVALID, "evidence.type"},
			{&store.EvidenceUpload{Filename: "x.json", Data: []byte("{not json")}, anbao.EINVALID, "evidence.bad_json"},
			{&store.EvidenceUpload{Filename: "x.txt"}, anbao.EINVALID, "evidence.empty"},
		}
		for _, c := range bad {
			_, err := st.UploadEvidence(f.entMem, store.EvidenceTarget{FindingID: fd.ID}, c.up)
			checkErr(t, err, c.code, c.key)
		}
		_, err = st.UploadEvidence(f.otherProv, store.EvidenceTarget{FindingID: fd.ID}, &store.EvidenceUpload{Filename: "a.txt", Data: []byte("hi")})
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.UploadEvidence(f.insurer, store.EvidenceTarget{FindingID: fd.ID}, &store.EvidenceUpload{Filename: "a.txt", Data: []byte("hi")})
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if auditCount(t, st) != before || count(t, st, "SELECT COUNT(*) FROM evidence_files") != rows {
			t.Fatal("refused uploads wrote something")
		}
		// Attached to a resolution step: the enterprise's own upload only.
		_, err = st.ResolveFinding(f.entMem, fd.ID, store.FindingStep{Status: "fixed", Reason: "已制定预案", EvidenceIDs: []int64{ev.ID}})
		wantErr(t, err, anbao.EINVALID, "evidence.not_attachable")
		csv := []byte("步骤,负责人\n演练,张三\n")
		g, err := st.ResolveFinding(f.entMem, fd.ID, store.FindingStep{Status: "fixed", Reason: "已制定预案",
			Files: []*store.EvidenceUpload{{Filename: "预案.csv", Data: csv}}})
		must(t, err)
		last := g.Events[len(g.Events)-1]
		if len(last.EvidenceIDs) != 1 || len(g.Evidence) != 2 {
			t.Fatalf("step evidence: %+v / %d files", last, len(g.Evidence))
		}
		got, data, err := st.GetEvidence(f.provAdmin, last.EvidenceIDs[0])
		must(t, err)
		sum := sha256.Sum256(csv)
		if got.ContentType != "text/csv" || !bytes.Equal(data, csv) || got.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("download: %+v", got)
		}
		_, _, err = st.GetEvidence(f.otherProv, ev.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, _, err = st.GetEvidence(f.strangerIns, ev.ID)
		wantErr(t, err, anbao.ENOTFOUND, "")
	})
}

func TestAddWorkingDays(t *testing.T) {
	fri := time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC) // Friday 10:00 Beijing
	if got := store.AddWorkingDays(fri, 5); !got.Equal(time.Date(2026, 3, 13, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("Friday + 5 = %s", got)
	}
	sat := time.Date(2026, 3, 7, 2, 0, 0, 0, time.UTC)
	if got := store.AddWorkingDays(sat, 1); !got.Equal(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("Saturday + 1 = %s", got)
	}
}

func TestEngagementFutureWindow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		in := f.input()
		in.WindowStart, in.WindowEnd = "2026-03-09", "2026-03-20"
		e, err := st.CreateEngagement(f.entAdmin, f.ent, in)
		must(t, err)
		e, err = st.ActEngagement(f.provAdmin, e.ID, store.EngActAccept, "")
		must(t, err)
		if e.Status != store.EngAccepted || !relOpen(t, st, f.prov, f.ent) {
			t.Fatalf("accepted before its window: %s", e.Status)
		}
		// No testing before the authorised window opens.
		before := auditCount(t, st)
		_, err = st.CreateFinding(f.provAdmin, e.ID, store.FindingInput{Type: "policy", Title: "过早", Severity: "low"})
		wantErr(t, err, anbao.ECONFLICT, "finding.engagement_state")
		if auditCount(t, st) != before {
			t.Fatal("refused finding wrote")
		}
		st.Now = func() time.Time { return t0.Add(7 * 24 * time.Hour) }
		if _, err := st.CreateFinding(f.provAdmin, e.ID, store.FindingInput{Type: "policy", Title: "窗口内", Severity: "low"}); err != nil {
			t.Fatal(err)
		}
		l, err := st.ListEngagements(f.entAdmin, store.EngagementFilter{Status: store.EngActive})
		must(t, err)
		if l.Total != 1 {
			t.Fatalf("active filter: %d", l.Total)
		}
	})
}

func TestFindingEnrichedFromFeeds(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newEngFixture(t, st)
		e := f.engaged(t)
		kev := `{"catalogVersion":"2099.01.02","dateReleased":"2099-01-02T00:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2099-0001",
			"vendorProject":"ExampleVendor","product":"ExampleVPN","vulnerabilityName":"ExampleVPN auth bypass","dateAdded":"2099-01-02",
			"shortDescription":"x","requiredAction":"Apply mitigations","dueDate":"2099-01-23","knownRansomwareCampaignUse":"Known","notes":"","cwes":[]}]}`
		epss := "#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000\ncve,epss,percentile\nCVE-2099-0001,0.94120,0.99910\n"
		op := as(t, st, "op.admin")
		if _, err := st.ImportKEV(op, strings.NewReader(kev)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportEPSS(op, strings.NewReader(epss)); err != nil {
			t.Fatal(err)
		}
		fd, err := st.CreateFinding(f.provAdmin, e.ID, store.FindingInput{Type: "vulnerability", Title: "ExampleVPN 认证绕过",
			CVE: []string{"CVE-2099-0001"}, Severity: "high"})
		must(t, err)
		l, err := st.ListFindings(f.entMem, e.ID, store.FindingFilter{})
		must(t, err)
		for _, g := range []*store.Finding{fd, l.Items[0]} {
			if !g.KEV || !g.KnownRansomware || g.KEVDateAdded != "2099-01-02" || g.EPSS == nil || *g.EPSS != 0.9412 {
				t.Fatalf("enrichment: %+v", g)
			}
		}
	})
}
