package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// actAs is a context acting as a made-up user of organisation org (fixtures only).
func actAs(org int64, kind anbao.OrgKind, role anbao.Role) context.Context {
	return anbao.WithPrincipal(context.Background(), &anbao.Principal{UserID: 1, Username: "fixture", OrgID: org, OrgKind: kind,
		Roles: []anbao.Role{role}})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// engagementFixtures gives ent1 an active engagement of prov1 with one finding
// and one evidence file, a requested one, and the foreign enterprise the same
// with another provider.
func (e *testEnv) engagementFixtures(f *fixtures) {
	t := e.t
	var prov2 int64
	if err := e.st.RawDB().QueryRow("SELECT org_id FROM users WHERE username = 'prov2.admin'").Scan(&prov2); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		key, ent string
		prov     int64
	}{{"ent1", "ent1", mustID(t, f.vals["prov1"])}, {"foreign", "foreign_ent", prov2}} {
		ent := mustID(t, f.vals[who.ent])
		entCtx := actAs(ent, anbao.KindEnterprise, anbao.RoleAdmin)
		provCtx := actAs(who.prov, anbao.KindProvider, anbao.RoleAdmin)
		in := store.EngagementInput{ProviderID: who.prov, Scope: "矩阵范围", WindowStart: "2020-01-01", WindowEnd: "2099-12-31",
			AuthorisationText: "矩阵测试授权书，授权开展安全评估。", AuthorisedBy: "矩阵授权人"}
		in.WindowStart = e.st.Now().In(anbao.Shanghai).Format("2006-01-02")
		in.WindowEnd = e.st.Now().In(anbao.Shanghai).AddDate(0, 3, 0).Format("2006-01-02")
		eng, err := e.st.CreateEngagement(entCtx, ent, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.ActEngagement(provCtx, eng.ID, store.EngActAccept, ""); err != nil {
			t.Fatal(err)
		}
		req, err := e.st.CreateEngagement(entCtx, ent, in)
		if err != nil {
			t.Fatal(err)
		}
		fd, err := e.st.CreateFinding(provCtx, eng.ID, store.FindingInput{Type: "exposure", Asset: "RDP", Title: who.key + "矩阵发现", Severity: "high"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.st.UploadEvidence(provCtx, store.EvidenceTarget{FindingID: fd.ID}, &store.EvidenceUpload{Filename: "m.txt", Data: []byte("矩阵证据")})
		if err != nil {
			t.Fatal(err)
		}
		f.vals[who.key+"_eng"], f.vals[who.key+"_eng_req"] = fmt.Sprint(eng.ID), fmt.Sprint(req.ID)
		f.vals[who.key+"_finding"], f.vals[who.key+"_evidence"] = fmt.Sprint(fd.ID), fmt.Sprint(ev.ID)
	}
}

// engagementMatrixCases are the access-matrix rows of the engagement API.
func engagementMatrixCases() []matrixCase {
	readers := []string{"op.admin", "op.auditor", "ins1.admin", "ins1.uw", "prov1.admin", "prov1.analyst", "ent1.admin", "ent1.member"}
	noRead := []string{"op.expert", "miit.admin", "reg.admin", "reg.analyst", "regx.admin", "ins1.claims"}
	statuses := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	readOwn := statuses(404, readers, 200, noRead, 403)
	readForeign := statuses(404, []string{"op.admin", "op.auditor"}, 200, noRead, 403)
	prov := []string{"prov1.admin", "prov1.analyst"}
	ent := []string{"ent1.admin", "ent1.member"}
	long := strings.Repeat("长", 1001)
	return []matrixCase{
		{route: "GET /api/v1/enterprises/{id}/engagements", path: "/api/v1/enterprises/{ent1}/engagements", want: readOwn,
			marker: `"id":{ent1_eng}`, see: readers},
		{route: "GET /api/v1/enterprises/{id}/engagements", path: "/api/v1/enterprises/{foreign_ent}/engagements", want: readForeign,
			marker: `"id":{foreign_eng}`, see: []string{"op.admin", "op.auditor"}},
		{route: "POST /api/v1/enterprises/{id}/engagements", path: "/api/v1/enterprises/{ent1}/engagements",
			body: `{"provider_id":{prov1},"scope":"x"}`, want: statuses(403, []string{"ent1.admin"}, 400)},
		{route: "POST /api/v1/enterprises/{id}/engagements", path: "/api/v1/enterprises/{foreign_ent}/engagements",
			body: `{"provider_id":{prov1},"scope":"x"}`, want: statuses(403, []string{"ent1.admin"}, 404)},
		{route: "GET /api/v1/engagements", path: "/api/v1/engagements", want: statuses(200, noRead, 403),
			marker: `"id":{ent1_eng}`, see: readers},
		{route: "GET /api/v1/engagements/{eid}", path: "/api/v1/engagements/{ent1_eng}", want: readOwn},
		{route: "GET /api/v1/engagements/{eid}", path: "/api/v1/engagements/{foreign_eng}", want: readForeign},
		{route: "POST /api/v1/engagements/{eid}/accept", path: "/api/v1/engagements/{ent1_eng}/accept", want: statuses(403, []string{"prov1.admin"}, 409)},
		{route: "POST /api/v1/engagements/{eid}/accept", path: "/api/v1/engagements/{foreign_eng_req}/accept", want: statuses(403, []string{"prov1.admin"}, 404)},
		{route: "POST /api/v1/engagements/{eid}/decline", path: "/api/v1/engagements/{ent1_eng}/decline", body: `{"reason":"矩阵"}`,
			want: statuses(403, []string{"prov1.admin"}, 409)},
		{route: "POST /api/v1/engagements/{eid}/decline", path: "/api/v1/engagements/{foreign_eng_req}/decline", body: `{"reason":"矩阵"}`,
			want: statuses(403, []string{"prov1.admin"}, 404)},
		{route: "POST /api/v1/engagements/{eid}/complete", path: "/api/v1/engagements/{ent1_eng_req}/complete", want: statuses(403, []string{"prov1.admin"}, 409)},
		{route: "POST /api/v1/engagements/{eid}/complete", path: "/api/v1/engagements/{foreign_eng}/complete", want: statuses(403, []string{"prov1.admin"}, 404)},
		{route: "POST /api/v1/engagements/{eid}/end", path: "/api/v1/engagements/{ent1_eng}/end", body: `{"reason":"` + long + `"}`,
			want: statuses(403, []string{"ent1.admin"}, 400)},
		{route: "POST /api/v1/engagements/{eid}/end", path: "/api/v1/engagements/{foreign_eng}/end", want: statuses(403, []string{"ent1.admin"}, 404)},

		{route: "GET /api/v1/engagements/{eid}/findings", path: "/api/v1/engagements/{ent1_eng}/findings", want: readOwn,
			marker: "ent1矩阵发现", see: readers},
		{route: "GET /api/v1/engagements/{eid}/findings", path: "/api/v1/engagements/{foreign_eng}/findings", want: readForeign,
			marker: "foreign矩阵发现", see: []string{"op.admin", "op.auditor"}},
		{route: "POST /api/v1/engagements/{eid}/findings", path: "/api/v1/engagements/{ent1_eng}/findings",
			body: `{"type":"vulnerability","title":"矩阵","cvss_vector":"CVSS:3.1/AV:Q"}`, want: statuses(403, prov, 400)},
		{route: "POST /api/v1/engagements/{eid}/findings", path: "/api/v1/engagements/{foreign_eng}/findings",
			body: `{"type":"vulnerability","title":"矩阵","severity":"low"}`, want: statuses(403, prov, 404)},
		{route: "GET /api/v1/findings/{fid}", path: "/api/v1/findings/{ent1_finding}", want: readOwn},
		{route: "GET /api/v1/findings/{fid}", path: "/api/v1/findings/{foreign_finding}", want: readForeign},
		{route: "PATCH /api/v1/findings/{fid}", path: "/api/v1/findings/{ent1_finding}", body: `{"cvss_vector":"CVSS:3.1/AV:Z"}`, want: statuses(403, prov, 400)},
		{route: "PATCH /api/v1/findings/{fid}", path: "/api/v1/findings/{foreign_finding}", body: `{"severity":"low"}`, want: statuses(403, prov, 404)},
		{route: "POST /api/v1/findings/{fid}/resolution", path: "/api/v1/findings/{ent1_finding}/resolution", body: `{"status":"bogus","reason":"矩阵"}`,
			want: statuses(403, ent, 400)},
		{route: "POST /api/v1/findings/{fid}/resolution", path: "/api/v1/findings/{foreign_finding}/resolution", body: `{"status":"fixed","reason":"矩阵"}`,
			want: statuses(403, ent, 404)},
		{route: "POST /api/v1/findings/{fid}/dispute", path: "/api/v1/findings/{ent1_finding}/dispute", body: `{"reason":"x"}`, want: statuses(403, ent, 400)},
		{route: "POST /api/v1/findings/{fid}/dispute", path: "/api/v1/findings/{foreign_finding}/dispute", body: `{"reason":"矩阵"}`, want: statuses(403, ent, 404)},
		{route: "POST /api/v1/findings/{fid}/review", path: "/api/v1/findings/{ent1_finding}/review", body: `{"decision":"maybe","reason":"矩阵"}`,
			want: statuses(403, prov, 400)},
		{route: "POST /api/v1/findings/{fid}/review", path: "/api/v1/findings/{foreign_finding}/review", body: `{"decision":"uphold","reason":"矩阵"}`,
			want: statuses(403, prov, 404)},
		{route: "POST /api/v1/findings/{fid}/verify", path: "/api/v1/findings/{ent1_finding}/verify", body: `{"decision":"fixed","reason":"矩阵"}`,
			want: statuses(403, prov, 409)},
		{route: "POST /api/v1/findings/{fid}/verify", path: "/api/v1/findings/{foreign_finding}/verify", body: `{"decision":"fixed","reason":"矩阵"}`,
			want: statuses(403, prov, 404)},
		{route: "POST /api/v1/evidence", path: "/api/v1/evidence?finding_id={ent1_finding}&filename=x.html", body: `<html><script>1</script>`,
			want: statuses(403, append(ent, prov...), 400)},
		{route: "POST /api/v1/evidence", path: "/api/v1/evidence?finding_id={foreign_finding}&filename=x.txt", body: `矩阵`,
			want: statuses(403, append(ent, prov...), 404)},
		{route: "GET /api/v1/evidence/{evid}", path: "/api/v1/evidence/{ent1_evidence}", want: readOwn, marker: "矩阵证据", see: readers},
		{route: "GET /api/v1/evidence/{evid}", path: "/api/v1/evidence/{foreign_evidence}", want: readForeign},
	}
}

// TestEngagementJourney walks the whole path by API: engage → accept →
// finding → the enterprise marks it fixed → the provider verifies.
func TestEngagementJourney(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 60)
		ent1 := e.userOrg("ent1.admin")
		// prov2, with any relationship of its with ent1 ended.
		provUser := "prov2.admin"
		if _, err := st.RawDB().Exec("UPDATE relationships SET ended_at = 'x' WHERE party_org_id = $1 AND enterprise_id = $2",
			e.userOrg(provUser), ent1); err != nil {
			t.Fatal(err)
		}
		provOrg := e.userOrg(provUser)
		today := st.Now().In(anbao.Shanghai).Format("2006-01-02")
		end := st.Now().In(anbao.Shanghai).AddDate(0, 1, 0).Format("2006-01-02")
		// Without an engagement the provider cannot read the enterprise's findings, nor record any.
		if rec := e.as(provUser, "GET", "/api/v1/enterprises/"+ent1+"/engagements", ""); rec.Code != 404 {
			t.Fatalf("provider before engagement: %d %s", rec.Code, rec.Body)
		}
		body := fmt.Sprintf(`{"provider_id":%s,"scope":"官网及 VPN","test_types":"渗透测试","window_start":"%s","window_end":"%s",
			"authorisation_text":"兹授权对上述范围开展渗透测试。","authorised_by":"李四"}`, provOrg, today, end)
		rec := e.as("ent1.admin", "POST", "/api/v1/enterprises/"+ent1+"/engagements", body)
		if rec.Code != 201 {
			t.Fatalf("engage: %d %s", rec.Code, rec.Body)
		}
		eng := decodeBody[store.Engagement](t, rec)
		eid := fmt.Sprint(eng.ID)
		head := e.auditHead()
		rec = e.as(provUser, "POST", "/api/v1/engagements/"+eid+"/findings", `{"type":"exposure","title":"早了","severity":"low"}`)
		if rec.Code != 409 || e.auditHead() != head {
			t.Fatalf("finding before acceptance: %d %s", rec.Code, rec.Body)
		}
		if rec = e.as(provUser, "POST", "/api/v1/engagements/"+eid+"/accept", ""); rec.Code != 200 {
			t.Fatalf("accept: %d %s", rec.Code, rec.Body)
		}
		rec = e.as(provUser, "POST", "/api/v1/engagements/"+eid+"/findings",
			`{"type":"vulnerability","title":"VPN 认证绕过","cve":["CVE-2024-3400"],"cvss_vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","internet_facing":true}`)
		if rec.Code != 201 {
			t.Fatalf("finding: %d %s", rec.Code, rec.Body)
		}
		fd := decodeBody[store.Finding](t, rec)
		if fd.Severity != "critical" || fd.CVSSScore == nil || *fd.CVSSScore != 9.8 {
			t.Fatalf("finding: %+v", fd)
		}
		fid := fmt.Sprint(fd.ID)
		// Evidence of the fix by multipart upload, then the resolution citing it.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		w, _ := mw.CreateFormFile("file", "升级记录.txt")
		w.Write([]byte("已升级至 11.1.2"))
		mw.Close()
		s := e.login("ent1.member")
		rec = e.raw("POST", "/api/v1/evidence?finding_id="+fid, buf.String(), map[string]string{"Content-Type": mw.FormDataContentType(),
			"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": s.csrf})
		if rec.Code != 201 {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body)
		}
		ev := decodeBody[store.EvidenceFile](t, rec)
		rec = e.as("ent1.member", "POST", "/api/v1/findings/"+fid+"/resolution", fmt.Sprintf(`{"status":"fixed","reason":"已升级固件","evidence_ids":[%d]}`, ev.ID))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"fixed_pending_verification"`) {
			t.Fatalf("resolution: %d %s", rec.Code, rec.Body)
		}
		rec = e.as(provUser, "POST", "/api/v1/findings/"+fid+"/verify", `{"decision":"fixed","reason":"复测通过"}`)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"fixed"`) {
			t.Fatalf("verify: %d %s", rec.Code, rec.Body)
		}
		got := decodeBody[store.Finding](t, rec)
		if len(got.Events) != 3 || len(got.Events[1].EvidenceIDs) != 1 {
			t.Fatalf("history: %+v", got.Events)
		}
		// The provider downloads the evidence: an attachment, not sniffed, with its hash.
		rec = e.as(provUser, "GET", fmt.Sprintf("/api/v1/evidence/%d", ev.ID), "")
		if rec.Code != 200 || rec.Header().Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") || rec.Header().Get("X-Content-SHA256") != ev.SHA256 ||
			rec.Body.String() != "已升级至 11.1.2" {
			t.Fatalf("download: %d %v %q", rec.Code, rec.Header(), rec.Body)
		}
		// Oversized evidence is refused with a clear error and writes nothing.
		head = e.auditHead()
		big := strings.Repeat("a", store.MaxEvidenceBytes+10)
		rec = e.as("ent1.member", "POST", "/api/v1/evidence?finding_id="+fid+"&filename=big.txt", big)
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "evidence.") && !strings.Contains(rec.Body.String(), "MiB") ||
			e.auditHead() != head {
			t.Fatalf("oversized: %d %s", rec.Code, rec.Body)
		}
		// Ending the engagement closes the provider's view.
		if rec = e.as("ent1.admin", "POST", "/api/v1/engagements/"+eid+"/end", `{"reason":"评估结束"}`); rec.Code != 200 {
			t.Fatalf("end: %d %s", rec.Code, rec.Body)
		}
		if rec = e.as(provUser, "GET", "/api/v1/findings/"+fid, ""); rec.Code != 404 {
			t.Fatalf("after end: %d", rec.Code)
		}
	})
}
