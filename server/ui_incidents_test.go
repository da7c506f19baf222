package server

import (
	"bytes"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/ui"
)

// incUIPolicy binds a policy of enterprise ent at insurer ins on the seed
// product (three exclusion clauses, services in kind) with providers on its
// roster, and moves the clock into its first term. Call it before any login:
// sessions then live on the moved clock.
func (e *testEnv) incUIPolicy(ins, ent int64, providers ...int64) *store.Policy {
	t := e.t
	t.Helper()
	ctx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	def := *rating.SeedDefinition()
	def.Providers = providers
	for _, c := range def.Exclusions {
		if _, err := e.st.AddClause(ctx, store.ClauseInput{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN,
			TextZH: "因" + c.TitleZH + "导致的损失，保险人不负责赔偿。"}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := rating.SeedConfig()
	cfg.Envelope = rating.Envelope{}
	pr, err := e.st.CreateProduct(ctx, store.ProductInput{Code: "INC-UI", NameZH: "事件界面产品", ProductVersionInput: store.ProductVersionInput{
		RegistrationNo: "C00010830612020012322442", Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if pr, err = e.st.PublishProduct(ctx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}
	_, _, pol := e.uwBound(ent, ins, pr.ID, 1_000_000_00, false)
	// The policy incepts tomorrow: live a day and a half later.
	e.st.Now = func() time.Time { return time.Now().Add(36 * time.Hour) }
	return pol
}

// bjLocal is an instant as a datetime-local field sends it (Beijing time).
func bjLocal(t time.Time) string { return t.In(anbao.Shanghai).Format("2006-01-02T15:04") }

// incFNOL is the intake form of a ransomware incident that leaked a million
// people's personal information.
func incFNOL(now time.Time, policy int64) url.Values {
	return url.Values{"title": {"勒索软件加密生产服务器"}, "class": {incident.SubRansomware}, "operator_type": {"other"},
		"occurred_at": {bjLocal(now.Add(-3 * time.Hour))}, "discovered_at": {bjLocal(now.Add(-time.Hour))},
		"policy_id": {fmt.Sprint(policy)}, "facts.pi_leaked_people": {"1,000,000"}, "facts.direct_loss": {"800000"},
		"details.affected_systems": {"ERP 与 MES 服务器 12 台"}, "details.measures": {"断网隔离受感染主机"},
		"details.crime_suspected": {"on"}, "details.ransomware.family": {"LockBit"}, "details.ransomware.ransom_demand": {"500000"},
		"details.ransomware.currency": {"BTC"}, "notify_insurer": {"on"}}
}

var incLocRE = regexp.MustCompile(`^/incidents/(\d+)\?done=reported$`)

// incReportUI reports an incident through the intake form and returns its id.
func (e *testEnv) incReportUI(user string, form url.Values) int64 {
	e.t.Helper()
	rec := e.qtForm(user, "/incidents/new", form)
	m := incLocRE.FindStringSubmatch(rec.Header().Get("Location"))
	if rec.Code != http.StatusSeeOther || m == nil {
		e.t.Fatalf("report: %d %q\n%.3000s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	return mustID(e.t, m[1])
}

// incErrText is how a catalogue message starts (before its first argument),
// or the key itself while the catalogue lacks it.
func incErrText(key string) string {
	if !i18n.Has("zh-CN", key) {
		return key
	}
	msg, _, _ := strings.Cut(i18n.T("zh-CN", key), "%")
	return esc(msg)
}

// The first notice through the form: graded, with its route, deadline,
// statutory channels and the insurer's proof of notice; bad input is shown
// on the form with the values kept and writes nothing.
func TestUIIncidentFNOL(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 40)
		ins1, ent1 := mustID(t, e.userOrg("ins1.claims")), mustID(t, e.userOrg("ent1.admin"))
		pol := e.incUIPolicy(ins1, ent1)
		now := st.Now()

		qtSee(t, e.as("ent1.admin", "GET", "/incidents", ""), 200, "incident list", `id="incident-report-btn"`, `href="/incidents"`)
		qtSee(t, e.as("ent1.admin", "GET", "/incidents/new", ""), 200, "intake form", `id="fnol-form"`, `name="facts.pi_leaked_people"`,
			`value="MPRANS"`, fmt.Sprintf(`value="%d"`, pol.ID), `name="notify_insurer" id="fnol-notify" checked`, "12387")
		qtNotSee(t, e.as("ins1.claims", "GET", "/incidents", ""), "insurer's list", `id="incident-report-btn"`)

		// A time in the future: the specific error on its field, the values kept, nothing written.
		before, audit := qtCount(t, st, "incidents"), e.auditHead()
		bad := incFNOL(now, pol.ID)
		bad.Set("occurred_at", bjLocal(now.Add(2*time.Hour)))
		rec := e.qtForm("ent1.admin", "/incidents/new", bad)
		qtSee(t, rec, http.StatusBadRequest, "future occurrence", `id="err-fnol-occurred_at"`, incErrText("incident.time_future"),
			`aria-invalid="true" aria-describedby="err-fnol-occurred_at"`, `value="勒索软件加密生产服务器"`, `value="1,000,000"`,
			`value="LockBit"`)
		if n := qtCount(t, st, "incidents"); n != before || e.auditHead() != audit {
			t.Fatalf("a refused notice wrote: %d incidents (was %d)", n, before)
		}
		// A figure that is not a number.
		bad = incFNOL(now, pol.ID)
		bad.Set("facts.outage_whole_minutes", "两小时")
		qtSee(t, e.qtForm("ent1.admin", "/incidents/new", bad), http.StatusBadRequest, "not a number", `id="err-fnol-facts.outage_whole_minutes"`)
		// A sub-category of no category.
		bad = incFNOL(now, pol.ID)
		bad.Set("class", "MPXYZ")
		qtSee(t, e.qtForm("ent1.admin", "/incidents/new", bad), http.StatusBadRequest, "unknown class", `id="err-fnol-class"`)

		id := e.incReportUI("ent1.admin", incFNOL(now, pol.ID))
		inc, err := st.GetIncident(sysCtx(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !inc.Mandatory || inc.PolicyID != pol.ID || inc.InsurerNotifiedAt == "" || inc.Details.Ransomware == nil ||
			inc.Facts.PILeakedPeople != 1_000_000 || inc.Facts.DirectLossFen != 800_000_00 {
			t.Fatalf("stored incident: %+v", inc)
		}
		page := e.as("ent1.admin", "GET", fmt.Sprintf("/incidents/%d?done=reported", id), "")
		due, _ := anbao.ParseTime(inc.ReportDueAt)
		qtSee(t, page, 200, "incident page", `id="incident-grade"`, `ig-`+inc.Grade, incident.Grade(inc.Grade).NameZH(),
			`id="statutory-deadline"`, due.In(anbao.Shanghai).Format("2006-01-02 15:04"), "还剩", `id="incident-reasons"`,
			esc(inc.Grading.Reasons[0].MsgZH), `id="route-recipients"`, "公安机关报案", "12387@cert.org.cn",
			fmt.Sprintf(`/api/v1/incidents/%d/report.txt?kind=draft`, id), fmt.Sprintf(`/api/v1/incidents/%d/report.pdf?kind=draft`, id),
			`id="statutory-form"`, `id="notice-proof"`, `id="update-form"`, `id="end-form"`, `id="dispatch-form"`, `id="evidence-form"`,
			`id="claim-open-btn"`, i18n.T("zh-CN", "inc.flash.reported"), `id="incident-history"`, "LockBit")
		qtNotSee(t, page, "incident page", `id="notify-form"`)
		list := e.as("ent1.admin", "GET", "/incidents", "")
		qtSee(t, list, 200, "list with the incident", fmt.Sprintf(`id="incident-row-%d"`, id), "dl-pending", pol.Number)
		qtSee(t, e.as("ent1.admin", "GET", "/incidents?overdue=1", ""), 200, "overdue filter", i18n.T("zh-CN", "inc.none"))

		// The statutory report recorded through the page meets the deadline.
		rec = e.qtForm("ent1.admin", fmt.Sprintf("/incidents/%d/statutory", id), url.Values{"reported_at": {bjLocal(now)},
			"channel": {"12387_web"}, "reference": {"CNCERT-2026-0001"}, "version": {fmt.Sprint(inc.Version)}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("statutory report: %d\n%.2000s", rec.Code, rec.Body)
		}
		qtSee(t, e.as("ent1.admin", "GET", fmt.Sprintf("/incidents/%d", id), ""), 200, "reported", `id="statutory-recorded"`,
			"CNCERT-2026-0001", "dl-met")

		// The English page.
		qtSee(t, e.as("ent1.admin", "GET", fmt.Sprintf("/incidents/%d?lang=en", id), ""), 200, "English page",
			incident.Grade(inc.Grade).NameEN(), "Statutory reporting channels", "&amp;lang=en")

		// Another enterprise, another insurer and a provider not dispatched see nothing.
		for _, u := range []string{"ent2.admin", "ins2.claims", "prov3.admin"} {
			if rec := e.as(u, "GET", fmt.Sprintf("/incidents/%d", id), ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s: %d", u, rec.Code)
			}
		}
		if rec := e.qtForm("ent2.admin", fmt.Sprintf("/incidents/%d/end", id), url.Values{"version": {"1"}}); rec.Code != http.StatusNotFound {
			t.Errorf("another enterprise ends the handling: %d", rec.Code)
		}
	})
}

var dispatchIDRE = regexp.MustCompile(`<article class="inc-dispatch" id="dispatch-(\d+)">`)

// Dispatches: the enterprise dispatches two providers of the roster; each
// provider sees the step buttons of its own dispatch only, acknowledges,
// assigns an engineer and records services used; evidence is registered
// and handed over with its chain of custody.
func TestUIIncidentResponse(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 40)
	ins1, ent1 := mustID(t, e.userOrg("ins1.claims")), mustID(t, e.userOrg("ent1.admin"))
	prov1, prov2 := mustID(t, e.userOrg("prov1.admin")), mustID(t, e.userOrg("prov2.admin"))
	pol := e.incUIPolicy(ins1, ent1, prov1, prov2)
	form := incFNOL(e.st.Now(), pol.ID)
	form.Del("notify_insurer")
	id := e.incReportUI("ent1.admin", form)
	path := fmt.Sprintf("/incidents/%d", id)
	qtSee(t, e.as("ent1.admin", "GET", path, ""), 200, "not notified yet", `id="notify-form"`, `id="dp-provider"`)
	if rec := e.qtForm("ent1.admin", path+"/notify", url.Values{"version": {"1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("notify: %d %.2000s", rec.Code, rec.Body)
	}
	qtSee(t, e.as("ent1.admin", "GET", path, ""), 200, "notified", `id="notice-proof"`)

	for _, p := range []int64{prov1, prov2} {
		rec := e.qtForm("ent1.admin", path+"/dispatch", url.Values{"provider_id": {fmt.Sprint(p)}, "mode": {"remote"}, "note": {"请立即远程支持"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("dispatch %d: %d %.2000s", p, rec.Code, rec.Body)
		}
	}
	// A provider off the roster is refused on the form.
	prov3 := mustID(t, e.userOrg("prov3.admin"))
	qtSee(t, e.qtForm("ent1.admin", path+"/dispatch", url.Values{"provider_id": {fmt.Sprint(prov3)}, "mode": {"remote"}}),
		http.StatusBadRequest, "provider off the roster", `id="err-dispatch-provider_id"`)

	page := e.as("ent1.admin", "GET", path, "").Body.String()
	ids := dispatchIDRE.FindAllStringSubmatch(page, -1)
	if len(ids) != 2 {
		t.Fatalf("%d dispatches shown", len(ids))
	}
	d1, d2 := ids[0][1], ids[1][1]
	if strings.Contains(page, `id="dispatch-`+d1+`-acknowledge"`) || strings.Contains(page, `id="dispatch-`+d2+`-acknowledge"`) {
		t.Error("the enterprise sees a provider's step buttons")
	}
	if !strings.Contains(page, "timer-sla_acknowledge") {
		t.Error("SLA clocks not shown")
	}
	p1 := e.as("prov1.admin", "GET", path, "")
	qtSee(t, p1, 200, "prov1", `id="dispatch-`+d1+`-acknowledge"`, `id="dispatch-`+d1+`-decline"`)
	qtNotSee(t, p1, "prov1", `id="dispatch-`+d2+`-acknowledge"`, `id="dispatch-form"`, `id="statutory-form"`+"x")
	p2 := e.as("prov2.analyst", "GET", path, "")
	qtSee(t, p2, 200, "prov2", `id="dispatch-`+d2+`-acknowledge"`)
	qtNotSee(t, p2, "prov2", `id="dispatch-`+d1+`-acknowledge"`)
	// prov2 cannot step prov1's dispatch by posting to it.
	if rec := e.qtForm("prov2.admin", path+"/dispatches/"+d1+"/acknowledge", url.Values{"version": {"1"}}); rec.Code != http.StatusNotFound {
		t.Errorf("another provider's step: %d", rec.Code)
	}

	// prov1 acknowledges, assigns (an engineer is required), records a service.
	if rec := e.qtForm("prov1.admin", path+"/dispatches/"+d1+"/acknowledge", url.Values{"version": {"1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d %.2000s", rec.Code, rec.Body)
	}
	qtSee(t, e.qtForm("prov1.admin", path+"/dispatches/"+d1+"/assign", url.Values{"version": {"2"}, "engineer": {""}}),
		http.StatusBadRequest, "assign without an engineer", `id="err-dsp-`+d1+`-engineer"`)
	if rec := e.qtForm("prov1.admin", path+"/dispatches/"+d1+"/assign", url.Values{"version": {"2"}, "engineer": {"王工"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d %.2000s", rec.Code, rec.Body)
	}
	if rec := e.qtForm("prov1.admin", path+"/dispatches/"+d1+"/usage", url.Values{"service": {"incident_response_hours"},
		"quantity": {"4"}, "value": {"6000"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("usage: %d %.2000s", rec.Code, rec.Body)
	}
	qtSee(t, e.qtForm("prov1.admin", path+"/dispatches/"+d1+"/usage", url.Values{"service": {"incident_response_hours"},
		"quantity": {"40"}, "value": {"0"}}), http.StatusBadRequest, "beyond the entitlement", `id="err-use-`+d1+`-quantity"`)
	qtSee(t, e.as("ent1.admin", "GET", path, ""), 200, "after the steps", "王工", `id="incident-ledger"`, "6,000.00")

	// Evidence: registered by hash, handed to the insurer with the matching hash.
	sha := strings.Repeat("ab", 32)
	rec := e.send("prov1.admin", "POST", path+"/evidence", "application/x-www-form-urlencoded",
		url.Values{"kind": {"disk_image"}, "name": {"服务器磁盘镜像"}, "sha256": {sha}}.Encode(), nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("evidence: %d %.2000s", rec.Code, rec.Body)
	}
	page = e.as("prov1.admin", "GET", path, "").Body.String()
	m := regexp.MustCompile(`id="custody-form-(\d+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "chain-ok") {
		t.Fatalf("no custody form for the holder")
	}
	if strings.Contains(e.as("ent1.admin", "GET", path, "").Body.String(), `id="custody-form-`) {
		t.Error("a party that does not hold the evidence sees its custody form")
	}
	qtSee(t, e.qtForm("prov1.admin", path+"/evidence/"+m[1]+"/custody", url.Values{"action": {"transfer"}, "to_org": {fmt.Sprint(ins1)},
		"sha256": {strings.Repeat("cd", 32)}}), http.StatusBadRequest, "wrong hash", `id="err-custody-`+m[1]+`-sha256"`)
	if rec := e.qtForm("prov1.admin", path+"/evidence/"+m[1]+"/custody", url.Values{"action": {"transfer"}, "to_org": {fmt.Sprint(ins1)},
		"sha256": {sha}, "note": {"移交保险人"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("custody: %d %.2000s", rec.Code, rec.Body)
	}
	qtSee(t, e.as("ins1.claims", "GET", path, ""), 200, "the insurer holds it", `id="custody-form-`+m[1]+`"`, "移交保险人")

	// A file uploaded through the multipart form is hashed here and can be downloaded.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "log")
	fw, _ := mw.CreateFormFile("file", "防火墙日志.txt")
	fw.Write([]byte("2026-05-10 08:00:01 deny tcp 203.0.113.9:445\n"))
	mw.Close()
	if rec := e.send("ent1.admin", "POST", path+"/evidence", mw.FormDataContentType(), body.String(), nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %.2000s", rec.Code, rec.Body)
	}
	qtSee(t, e.as("ent1.admin", "GET", path, ""), 200, "uploaded", "防火墙日志.txt", `href="/api/v1/incident-evidence/`)
	// Neither a file nor a hash.
	qtSee(t, e.send("ent1.admin", "POST", path+"/evidence", "application/x-www-form-urlencoded", url.Values{"kind": {"log"}}.Encode(), nil),
		http.StatusBadRequest, "nothing to register", `id="err-evidence-file"`)
}

var payKeyRE = regexp.MustCompile(`name="key" value="([^"]+)"`)

// Claims: the insured opens a claim from the incident; the insurer's handler
// assesses it (the trace), approves and pays once for one rendering of the
// pay form; the insured follows the path without any handler action; other
// tenants get 404.
func TestUIClaimJourney(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 40)
		ins1, ent1 := mustID(t, e.userOrg("ins1.claims")), mustID(t, e.userOrg("ent1.admin"))
		pol := e.incUIPolicy(ins1, ent1)
		id := e.incReportUI("ent1.admin", incFNOL(st.Now(), pol.ID))
		claims0, payments0 := qtCount(t, st, "claims"), qtCount(t, st, "claim_payments")
		newPath := fmt.Sprintf("/incidents/%d/claims/new", id)
		qtSee(t, e.as("ent1.admin", "GET", newPath, ""), 200, "claim form", `id="claim-form"`, `name="items[7].kind"`,
			`value="emergency_response"`, `value="forensics"`)
		if rec := e.as("ent1.member", "GET", newPath, ""); rec.Code != http.StatusForbidden {
			t.Errorf("a member opens the claim form: %d", rec.Code)
		}

		// A business-interruption row whose days do not add up is refused on its row.
		form := url.Values{"rows": {"8"}, "items[0].kind": {"forensics"}, "items[0].amount": {"100,000"},
			"items[3].kind": {"bi_loss"}, "items[3].amount": {"50000"}, "items[3].outage_hours": {"30"}, "items[3].daily_loss": {"20000, 20000"}}
		qtSee(t, e.qtForm("ent1.admin", newPath, form), http.StatusBadRequest, "bad BI row", `id="err-claim-items[3].amount"`,
			`value="20000, 20000"`)
		if n := qtCount(t, st, "claims"); n != claims0 {
			t.Fatalf("a refused claim wrote %d", n-claims0)
		}
		form.Set("items[3].amount", "")
		rec := e.qtForm("ent1.admin", newPath, form)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/claims/") {
			t.Fatalf("open claim: %d %.3000s", rec.Code, rec.Body)
		}
		cpath, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
		c, err := st.ListClaims(sysCtx(), store.ClaimFilter{IncidentID: id})
		if err != nil || len(c.Items) != 1 || len(c.Items[0].Items) != 2 || c.Items[0].Items[1].Amount != 40_000_00 {
			t.Fatalf("stored claim: %+v %v", c, err)
		}
		cid := c.Items[0].ID

		ins := e.as("ent1.admin", "GET", cpath, "")
		qtSee(t, ins, 200, "insured's claim page", `id="claim-path"`, i18n.T("zh-CN", "clm.ev.opened"), `id="items-form"`,
			`id="claim-not-calculated"`)
		qtNotSee(t, ins, "insured's claim page", `id="assess-form"`, `id="pay-form"`, `id="decline-form"`, `id="handler-actions"`)

		// The handler's queue and page.
		qtSee(t, e.as("ins1.claims", "GET", "/claims", ""), 200, "handler queue", fmt.Sprintf(`id="claim-row-%d"`, cid),
			i18n.T("zh-CN", "clm.queue_lead"))
		h := e.as("ins1.claims", "GET", cpath, "")
		qtSee(t, h, 200, "handler page", `id="assess-form"`, `name="excl[2].applies"`, "war_cyber_operation", `id="decline-form"`)
		rec = e.qtForm("ins1.claims", cpath+"/assess", url.Values{"version": {"1"}, "excl[0].code": {"war_cyber_operation"},
			"excl[0].version": {"1"}, "excl[0].applies": {"no"}, "excl[1].code": {"infrastructure_outage"}, "excl[1].version": {"1"},
			"excl[1].applies": {""}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("assess: %d %.3000s", rec.Code, rec.Body)
		}
		full, err := st.GetClaim(sysCtx(), cid)
		if err != nil || full.Calculation == nil {
			t.Fatalf("assessed claim: %+v %v", full, err)
		}
		h = e.as("ins1.claims", "GET", cpath, "")
		qtSee(t, h, 200, "trace", `id="claim-trace"`, esc(full.Calculation.Steps[0].MsgZH), `id="claim-retention"`,
			i18n.T("zh-CN", "clm.outcome.not_assessed"), i18n.T("zh-CN", "clm.outcome.does_not_apply"), `id="approve-form"`,
			`id="claim-aggregate-remaining"`)
		qtSee(t, e.as("ent1.admin", "GET", cpath, ""), 200, "insured sees the trace and the path", `id="claim-trace"`,
			i18n.T("zh-CN", "clm.ev.assessed"))
		if rec := e.qtForm("ins1.claims", cpath+"/approve", url.Values{"version": {fmt.Sprint(full.Version)}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d %.3000s", rec.Code, rec.Body)
		}

		// One rendering of the pay form pays once.
		h = e.as("ins1.claims", "GET", cpath, "")
		km := payKeyRE.FindStringSubmatch(h.Body.String())
		if km == nil {
			t.Fatalf("no pay form:\n%.3000s", h.Body)
		}
		pay := url.Values{"key": {km[1]}, "amount": {"10,000.00"}, "reference": {"BANK-001"}}
		if rec := e.qtForm("ins1.claims", cpath+"/pay", pay); rec.Code != http.StatusSeeOther {
			t.Fatalf("pay: %d %.3000s", rec.Code, rec.Body)
		}
		rec = e.qtForm("ins1.claims", cpath+"/pay", pay)
		qtSee(t, rec, http.StatusConflict, "second submission", `id="pay-form"`, `class="alert alert-error"`, incErrText("claim.payment_duplicate"))
		if n := qtCount(t, st, "claim_payments") - payments0; n != 1 {
			t.Fatalf("%d payments after a double submission", n)
		}
		if km2 := payKeyRE.FindStringSubmatch(rec.Body.String()); km2 == nil || km2[1] == km[1] {
			t.Error("the form shown again carries the used key")
		}
		qtSee(t, e.as("ent1.admin", "GET", cpath, ""), 200, "insured sees the payment", `id="claim-payments"`, "BANK-001",
			i18n.T("zh-CN", "clm.ev.payment_partial"), "¥10,000.00")

		// Other tenants.
		for _, u := range []string{"ent2.admin", "ins2.claims"} {
			if rec := e.as(u, "GET", cpath, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s on the claim: %d", u, rec.Code)
			}
			if rec := e.as(u, "GET", fmt.Sprintf("/incidents/%d", id), ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s on the incident: %d", u, rec.Code)
			}
		}
		if rec := e.qtForm("ent1.admin", cpath+"/pay", url.Values{"key": {"x"}, "amount": {"1"}}); rec.Code != http.StatusNotFound &&
			rec.Code != http.StatusForbidden {
			t.Errorf("the insured pays: %d", rec.Code)
		}
		if rec := e.as("prov1.admin", "GET", cpath, ""); rec.Code != http.StatusForbidden {
			t.Errorf("a provider reads a claim: %d", rec.Code)
		}
	})
}

// A provider reports for the enterprise it is engaged by: it picks the
// enterprise, and cannot report for one it does not serve.
func TestUIIncidentProviderReports(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 40)
	ent1 := mustID(t, e.userOrg("ent1.admin"))
	qtSee(t, e.as("prov1.admin", "GET", "/incidents/new", ""), 200, "chooser", `id="incident-for-form"`, fmt.Sprintf(`value="%d"`, ent1))
	qtSee(t, e.as("prov1.admin", "GET", fmt.Sprintf("/incidents/new?enterprise=%d", ent1), ""), 200, "form for ent1",
		fmt.Sprintf(`name="enterprise" value="%d"`, ent1))
	form := incFNOL(e.st.Now(), 0)
	form.Del("policy_id")
	form.Del("notify_insurer")
	form.Set("enterprise", fmt.Sprint(ent1))
	id := e.incReportUI("prov1.admin", form)
	qtSee(t, e.as("ent1.admin", "GET", fmt.Sprintf("/incidents/%d", id), ""), 200, "ent1 sees it", `id="incident-grade"`)
	// (In the demo every provider serves every enterprise: an organisation
	// that is no enterprise stands for one it does not serve.)
	form.Set("enterprise", e.userOrg("ins1.admin"))
	if rec := e.qtForm("prov1.admin", "/incidents/new", form); rec.Code != http.StatusNotFound {
		t.Errorf("report for an enterprise not served: %d", rec.Code)
	}
	if rec := e.as("ins1.uw", "GET", "/incidents/new", ""); rec.Code != http.StatusForbidden {
		t.Errorf("an insurer opens the intake form: %d", rec.Code)
	}
}

var incKeyRE = regexp.MustCompile(`"((?:inc|clm)\.[a-zA-Z0-9_.]*[a-zA-Z0-9_])"`)

// Every label the incident and claim pages name, or build from a stored
// value, exists in both languages.
func TestUIIncidentI18n(t *testing.T) {
	var keys []string
	for _, name := range []string{"incidents.html", "incident.html", "incident_new.html", "claims.html", "claim.html", "incident_parts.html"} {
		b, err := fs.ReadFile(ui.Templates(), "templates/"+name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range incKeyRE.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, f := range []string{"ui_incidents.go", "ui_claims.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range incKeyRE.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				keys = append(keys, m[1])
			}
		}
	}
	fam := map[string][]string{
		"inc.status.":          incStatuses,
		"inc.dl.state.":        {store.TimerPending, store.TimerWarned, store.TimerExpired, store.TimerMet, "met_late"},
		"inc.timer.":           {store.TimerStatutory, store.TimerInsurerNotice, store.TimerSummary, store.TimerSLAAck, store.TimerSLAAssign, store.TimerSLAContain},
		"inc.dispatch.status.": {store.DispatchRequested, store.DispatchAcknowledged, store.DispatchAssigned, store.DispatchContained, store.DispatchClosed, store.DispatchDeclined},
		"inc.step.":            store.DispatchSteps,
		"inc.mode.":            {store.ModeRemote, store.ModeOnSite},
		"inc.channel.":         store.ReportChannels,
		"inc.evkind.":          store.EvidenceKinds,
		"inc.custody.":         append([]string{"collect"}, store.CustodyActions...),
		"inc.summary.":         (&uiIncData{}).SummaryFields(),
		"inc.flash.":           {"reported", "update", "notify", "statutory", "end", "summary", "dispatch", "dispatch_step", "evidence", "custody"},
		"inc.ev.": {"reported", "updated", "insurer_notified", "statutory_reported", "handling_ended", "summary_submitted", "dispatched",
			"dispatch_acknowledged", "dispatch_assigned", "dispatch_contained", "dispatch_closed", "dispatch_declined", "entitlement_used",
			"evidence_added", "custody_transfer", "custody_verify", "custody_seal", "timer_warned", "timer_expired"},
		"clm.status.":   store.ClaimStatuses,
		"clm.decline.":  store.DeclineReasons,
		"clm.recovery.": store.RecoverySources,
		"clm.pay_kind.": {"partial", "final"},
		"clm.flash.":    append([]string{"opened"}, clmSteps...),
		"clm.ev.": {"opened", "items_changed", "assessed", "ransom_consent", "reserve", "approved", "payment_partial", "payment_final",
			"recovery", "declined", "reopened"},
		"clm.rule.": {claims.RuleApplicability, claims.RuleExclusion, claims.RuleIndemnityPeriod, claims.RuleWaitingTrigger,
			claims.RuleWaitingRetention, claims.RuleItemDeductible, claims.RuleSublimit, claims.RuleDefenceOutside, claims.RuleFindingSurcharge,
			claims.RuleRetention, claims.RuleCoinsurance, claims.RuleAggregate, claims.RuleRansomHeld},
		"clm.reason.": {claims.ReasonOutsideTerm, claims.ReasonReportedLate, claims.ReasonBeforeRetro, claims.ReasonBelowWaiting,
			claims.ReasonDeductible, claims.ReasonWaiting},
		"clm.basis.":       {claims.ReasonDeductible, claims.ReasonWaiting},
		"clm.item_status.": {claims.StatusPaid, claims.StatusPartial, claims.StatusZero, claims.StatusExcluded, claims.StatusNotApplicable, claims.StatusHeld},
		"clm.outcome.":     {claims.Applies, claims.DoesNotApply, claims.NotAssessed},
	}
	for _, g := range incFactGroups {
		fam["inc.factgroup."] = append(fam["inc.factgroup."], g.Key)
		for _, f := range g.Fields {
			keys = append(keys, "inc.f."+f.Name)
			if f.Unit != "" {
				keys = append(keys, f.Unit)
			}
			for _, o := range f.Options {
				keys = append(keys, f.Prefix+o)
			}
		}
	}
	for _, f := range incDetailFields {
		keys = append(keys, "inc.f."+f)
	}
	for prefix, vals := range fam {
		for _, v := range vals {
			keys = append(keys, prefix+v)
		}
	}
	keys = append(keys, "ui.nav.incidents", "ui.nav.claims")
	for _, s := range cover.ServiceKinds {
		keys = append(keys, "ui.quotes.service."+s)
	}
	if len(keys) < 300 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, k := range keys {
		for _, l := range i18n.Languages {
			if !i18n.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}

// Deadlines read as the pages say them.
func TestUIIncidentDeadlineText(t *testing.T) {
	zh, en := &uiPage{Lang: "zh-CN"}, &uiPage{Lang: "en"}
	t0 := time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC)
	due := anbao.FormatTime(t0.Add(4 * time.Hour))
	start := anbao.FormatTime(t0)
	for _, c := range []struct {
		now         time.Time
		met         string
		state, text string
		p           *uiPage
	}{
		{t0.Add(107 * time.Minute), "", "pending", "due at 2026-05-10 14:00 (in 2 h 13 min)", en},
		{t0.Add(3*time.Hour + 30*time.Minute), "", "warned", "2026-05-10 14:00 前（还剩 30 分钟）", zh},
		{t0.Add(5 * time.Hour), "", "expired", "was due at 2026-05-10 14:00: overdue by 1 h", en},
		{t0.Add(5 * time.Hour), anbao.FormatTime(t0.Add(4*time.Hour + 5*time.Minute)), "met_late", "met at 2026-05-10 14:05, 5 min late", en},
		{t0.Add(5 * time.Hour), anbao.FormatTime(t0.Add(time.Hour)), "met", "已于 2026-05-10 11:00 完成", zh},
		{t0.Add(30 * time.Hour), "", "expired", "was due at 2026-05-10 14:00: overdue by 1 d 2 h", en},
	} {
		d := incDeadline(c.p, c.now, start, "", due, c.met)
		if d.State != c.state || d.Text != c.text {
			t.Errorf("%v: %s %q, want %s %q", c.now, d.State, d.Text, c.state, c.text)
		}
	}
	if d := incDeadline(en, t0, start, "", "", ""); d.State != "none" {
		t.Errorf("no deadline: %+v", d)
	}
}

// TestUIIncidentNoticeReceived: the insurer's claims handler records a
// notice that came by its hotline; a time in the future is refused on the form.
func TestUIIncidentNoticeReceived(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 40)
	ins1, ent1 := mustID(t, e.userOrg("ins1.claims")), mustID(t, e.userOrg("ent1.admin"))
	prov1, prov2 := mustID(t, e.userOrg("prov1.admin")), mustID(t, e.userOrg("prov2.admin"))
	pol := e.incUIPolicy(ins1, ent1, prov1, prov2)
	form := incFNOL(e.st.Now(), pol.ID)
	form.Del("notify_insurer")
	id := e.incReportUI("ent1.admin", form)
	path := fmt.Sprintf("/incidents/%d", id)
	qtSee(t, e.as("ins1.claims", "GET", path, ""), 200, "handler", `id="notice-form"`)
	qtNotSee(t, e.as("ent1.admin", "GET", path, ""), "insured", `id="notice-form"`)
	now := e.st.Now().In(anbao.Shanghai)
	qtSee(t, e.qtForm("ins1.claims", path+"/notice", url.Values{"version": {"1"}, "channel": {"hotline"},
		"received_at": {now.Add(2 * time.Hour).Format("2006-01-02T15:04")}}), http.StatusBadRequest, "future notice", `id="err-notice-received_at"`)
	if rec := e.qtForm("ins1.claims", path+"/notice", url.Values{"version": {"1"}, "channel": {"hotline"},
		"received_at": {now.Format("2006-01-02T15:04")}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("record the notice: %d %.2000s", rec.Code, rec.Body)
	}
	qtSee(t, e.as("ent1.admin", "GET", path, ""), 200, "notified", `id="notice-done"`, `id="notice-proof"`)
}
