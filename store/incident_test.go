package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// incFixture is the underwriting fixture with a bound policy of ent1 at
// ins1 (limit ¥1,000,000, retention ¥10,000, prov1 on its roster) and the
// clock in the policy year.
type incFixture struct {
	*uwFixture
	pol            *store.Policy
	claims, ins2cl context.Context
	provAdmin      context.Context
	prov2Admin     context.Context
}

// tIncident is 2026-05-10 10:00 Beijing time.
var tIncident = time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC)

func newIncFixture(t *testing.T, st *store.Store) *incFixture {
	t.Helper()
	f := &incFixture{uwFixture: newUWFixture(t, st)}
	_, f.pol = f.bound(t, 1_000_000*yuan, 10_000*yuan)
	f.claims, f.ins2cl = as(t, st, "ins1.claims"), as(t, st, "ins2.admin")
	f.provAdmin, f.prov2Admin = as(t, st, "prov1.admin"), as(t, st, "prov2.admin")
	f.clk.set(tIncident)
	return f
}

// bj formats a Beijing local time for the intake form.
func bj(t time.Time) string { return t.In(anbao.Shanghai).Format("2006-01-02T15:04") }

func (f *incFixture) fnol() store.IncidentInput {
	return store.IncidentInput{Title: "勒索软件加密生产服务器", Category: incident.CategoryMaliciousProgram, SubCategory: incident.SubRansomware,
		OccurredAt: bj(tIncident.Add(-3 * time.Hour)), DiscoveredAt: bj(tIncident.Add(-time.Hour)), OperatorType: "other",
		Facts: incident.Facts{PILeakedPeople: 1_000_000, DirectLossFen: 800_000 * yuan},
		Details: store.IncidentDetails{AffectedSystems: "ERP 与 MES 服务器 12 台", Measures: "断网隔离受感染主机", CrimeSuspected: true,
			Ransomware: &store.Ransomware{Family: "LockBit", RansomDemandFen: 500_000 * yuan, Currency: "BTC"}},
	}
}

func (f *incFixture) report(t *testing.T) *store.Incident {
	t.Helper()
	in := f.fnol()
	in.NotifyInsurer = true
	inc, err := f.st.ReportIncident(f.entAdmin, f.ent, in)
	must(t, err)
	return inc
}

func TestIncidentIntake(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newIncFixture(t, st)
		bad := []struct {
			name, key string
			ctx       context.Context
			ent       int64
			edit      func(*store.IncidentInput)
		}{
			{"occurred in the future", "incident.time_future", nil, 0, func(in *store.IncidentInput) {
				in.OccurredAt = bj(tIncident.Add(time.Hour))
			}},
			{"discovered before occurred", "incident.time_order", nil, 0, func(in *store.IncidentInput) {
				in.DiscoveredAt = bj(tIncident.Add(-5 * time.Hour))
			}},
			{"time not a time", "incident.time_format", nil, 0, func(in *store.IncidentInput) { in.OccurredAt = "昨天下午" }},
			{"sub-category not in the standard", incident.CodeSubUnknown, nil, 0, func(in *store.IncidentInput) { in.SubCategory = "MPXYZ" }},
			{"sub-category of another category", incident.CodeSubMismatch, nil, 0, func(in *store.IncidentInput) {
				in.Category = incident.CategoryNetworkAttack
			}},
			{"ransomware form on a DDoS", "incident.ransomware_not_ransomware", nil, 0, func(in *store.IncidentInput) {
				in.Category, in.SubCategory = incident.CategoryNetworkAttack, incident.SubDenialOfService
			}},
			{"negative people", incident.CodeNegative, nil, 0, func(in *store.IncidentInput) { in.Facts.PILeakedPeople = -1 }},
			{"absurd loss", incident.CodeTooLarge, nil, 0, func(in *store.IncidentInput) { in.Facts.DirectLossFen = incident.MaxLossFen + 1 }},
			{"unknown operator type", "incident.operator_type_unknown", nil, 0, func(in *store.IncidentInput) { in.OperatorType = "bank" }},
			{"police reference without a crime", "incident.police_without_crime", nil, 0, func(in *store.IncidentInput) {
				in.Details.CrimeSuspected, in.Details.PoliceRef = false, "京公网立 2026-001"
			}},
			{"no affected systems", "error.required", nil, 0, func(in *store.IncidentInput) { in.Details.AffectedSystems = "" }},
			{"another enterprise's policy", "incident.policy_not_enterprise", nil, 0, func(in *store.IncidentInput) { in.PolicyID = 1 << 40 }},
			{"another enterprise", "error.not_found", nil, -1, func(*store.IncidentInput) {}},
			{"provider without engagement", "error.not_found", f.prov2Admin, 0, func(*store.IncidentInput) {}},
			{"insurer reports", "error.forbidden", f.claims, 0, func(*store.IncidentInput) {}},
		}
		for _, b := range bad {
			in := f.fnol()
			b.edit(&in)
			ctx, ent := f.entAdmin, f.ent
			if b.ctx != nil {
				ctx = b.ctx
			}
			if b.ent == -1 {
				ent = f.other
			}
			_, err := st.ReportIncident(ctx, ent, in)
			if err == nil {
				t.Errorf("%s: accepted", b.name)
				continue
			}
			if _, key := errCodeKey(err); key != b.key {
				t.Errorf("%s: key %s (%v), want %s", b.name, key, err, b.key)
			}
		}
		if n := count(t, st, "SELECT COUNT(*) FROM incidents"); n != 0 {
			t.Fatalf("bad input wrote %d incidents", n)
		}

		inc := f.report(t)
		if inc.Grade != string(incident.GradeRelativelyMajor) || !inc.Mandatory {
			t.Errorf("grade %s mandatory %v, want relatively_major and mandatory (1,000,000 people's PI leaked)", inc.Grade, inc.Mandatory)
		}
		if inc.PolicyID != f.pol.ID {
			t.Errorf("policy %d, want the policy in force %d", inc.PolicyID, f.pol.ID)
		}
		due := tIncident.Add(-time.Hour).Add(4 * time.Hour)
		if inc.ReportDueAt != anbao.FormatTime(due) {
			t.Errorf("report due %s, want %s (4 h after discovery for an ordinary operator)", inc.ReportDueAt, anbao.FormatTime(due))
		}
		if inc.Route == nil || !inc.Route.PoliceReport || inc.Route.DeadlineMinutes != 240 {
			t.Fatalf("route %+v, want 240 min and the police", inc.Route)
		}
		// The provincial cyberspace administration where the enterprise is: a
		// separately-planned city reports to its province's.
		var jur string
		if err := st.RawDB().QueryRow(`SELECT jurisdiction FROM organisations WHERE id = $1`, f.ent).Scan(&jur); err != nil {
			t.Fatal(err)
		}
		j, _ := refdata.JurisdictionByCode(jur)
		if j.Kind == refdata.KindPlanCity {
			j, _ = refdata.JurisdictionByCode(j.Parent)
		}
		if got := strings.Join(inc.Route.RecipientsZH, "、"); !strings.Contains(got, j.FullNameZH) {
			t.Errorf("recipients %s, want the cyberspace administration of %s", got, j.FullNameZH)
		}
		kinds := map[string]string{}
		for _, tm := range inc.Timers {
			kinds[tm.Kind] = tm.State
		}
		if kinds[store.TimerStatutory] != store.TimerPending || kinds[store.TimerInsurerNotice] != store.TimerMet {
			t.Errorf("timers %v: want the statutory one pending and the insurer notice met", kinds)
		}
		if inc.InsurerNotifiedAt != anbao.FormatTime(tIncident) {
			t.Errorf("insurer notified at %q", inc.InsurerNotifiedAt)
		}
		// The insurer of the policy reads it; another insurer and enterprise do not.
		if _, err := st.GetIncident(f.claims, inc.ID); err != nil {
			t.Errorf("insurer: %v", err)
		}
		for name, ctx := range map[string]context.Context{"ins2": f.ins2cl, "ent2": f.otherAdmin, "prov1": f.provAdmin} {
			if _, err := st.GetIncident(ctx, inc.ID); anbao.ErrorCode(err) != anbao.ENOTFOUND {
				t.Errorf("%s reads another's incident: %v", name, err)
			}
		}
		// A second notice is refused.
		if _, err := st.NotifyInsurer(f.entAdmin, inc.ID, 0); anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("second notice: %v", err)
		}
		// Re-grading: 10,000,000 people → 重大; the deadline stays anchored on discovery.
		up := store.IncidentUpdate{Title: inc.Title, Category: inc.Category, SubCategory: inc.SubCategory, OperatorType: "cii",
			Facts: incident.Facts{PILeakedPeople: 10_000_000}, Details: inc.Details, Version: inc.Version}
		inc2, err := st.UpdateIncident(f.entAdmin, inc.ID, up)
		must(t, err)
		if inc2.Grade != string(incident.GradeMajor) || inc2.ReportDueAt != anbao.FormatTime(tIncident) {
			t.Errorf("after update grade %s due %s, want major due 1 h after discovery", inc2.Grade, inc2.ReportDueAt)
		}
		// A stale version is a conflict.
		if _, err := st.UpdateIncident(f.entAdmin, inc.ID, up); anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("stale update: %v", err)
		}
		// Statutory report: not before discovery, not in the future, a known channel; then recorded once.
		for _, c := range []struct {
			in  store.StatutoryReportInput
			key string
		}{
			{store.StatutoryReportInput{ReportedAt: bj(tIncident.Add(-2 * time.Hour)), Channel: "12387_hotline"}, "incident.report_before_discovery"},
			{store.StatutoryReportInput{ReportedAt: bj(tIncident.Add(time.Hour)), Channel: "12387_hotline"}, "incident.time_future"},
			{store.StatutoryReportInput{ReportedAt: bj(tIncident), Channel: "weibo"}, "incident.channel_unknown"},
		} {
			_, err := st.RecordStatutoryReport(f.entAdmin, inc.ID, c.in)
			wantErr(t, err, anbao.EINVALID, c.key)
		}
		inc3, err := st.RecordStatutoryReport(f.entAdmin, inc.ID, store.StatutoryReportInput{ReportedAt: bj(tIncident.Add(-30 * time.Minute)),
			Channel: "12387_web", Reference: "12387-20260510-0031"})
		must(t, err)
		for _, tm := range inc3.Timers {
			if tm.Kind == store.TimerStatutory && (tm.State != store.TimerMet || tm.Late) {
				t.Errorf("statutory timer %+v, want met on time", tm)
			}
		}
		// End handling starts the 30-day summary.
		inc4, err := st.EndHandling(f.entAdmin, inc.ID, 0)
		must(t, err)
		if inc4.Status != store.IncidentHandled {
			t.Errorf("status %s", inc4.Status)
		}
		var summary *store.Timer
		for _, tm := range inc4.Timers {
			if tm.Kind == store.TimerSummary {
				summary = tm
			}
		}
		if summary == nil || summary.DueAt != anbao.FormatTime(tIncident.AddDate(0, 0, 30)) {
			t.Errorf("summary timer %+v, want due 30 days after handling ended", summary)
		}
		s := store.SummaryInput{Cause: "VPN 弱口令被爆破", Measures: "隔离、重装、恢复备份", Harm: "停产 2 天", Accountability: "运维主管通报批评",
			Rectification: "VPN 启用多因素认证", Lessons: "定期检查弱口令"}
		bad2 := s
		bad2.Lessons = ""
		_, err = st.SubmitSummary(f.entAdmin, inc.ID, bad2)
		wantErr(t, err, anbao.EINVALID, "error.required")
		inc5, err := st.SubmitSummary(f.entAdmin, inc.ID, s)
		must(t, err)
		if inc5.Status != store.IncidentClosed || inc5.Summary == nil || inc5.Summary.Lessons != s.Lessons {
			t.Errorf("after summary: %s %+v", inc5.Status, inc5.Summary)
		}
	})
}

// TestTimersSurviveRestart closes the store with a deadline pending, opens
// it again on the same database, and fires the timers: they warn, then
// expire, each once, with an event and an audit entry.
func TestTimersSurviveRestart(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			cfg := storetest.Config(t, e)
			st, err := store.Open(context.Background(), cfg)
			must(t, err)
			f := newIncFixture(t, st)
			in := f.fnol()
			in.OccurredAt, in.DiscoveredAt = bj(tIncident.Add(-10*time.Minute)), bj(tIncident.Add(-10*time.Minute))
			inc, err := st.ReportIncident(f.entAdmin, f.ent, in)
			must(t, err)
			id := inc.ID
			st.Close()

			st2, err := store.Open(context.Background(), cfg)
			must(t, err)
			defer st2.Close()
			clk := setClock(st2, tIncident)
			rep, err := st2.FireTimers(context.Background())
			must(t, err)
			if rep.Warned+rep.Expired != 0 {
				t.Errorf("fired %+v before any instant came", rep)
			}
			// The statutory window is 4 h from discovery: it warns at 3 h (a quarter before).
			clk.set(tIncident.Add(3 * time.Hour))
			rep, err = st2.FireTimers(context.Background())
			must(t, err)
			if rep.Warned != 1 || rep.Expired != 0 {
				t.Errorf("at 3 h: %+v, want the statutory timer warned", rep)
			}
			clk.set(tIncident.Add(25 * time.Hour))
			rep, err = st2.FireTimers(context.Background())
			must(t, err)
			if rep.Expired != 2 {
				t.Errorf("after 25 h: %+v, want the statutory and the insurer-notice timers expired", rep)
			}
			rep, err = st2.FireTimers(context.Background())
			must(t, err)
			if rep.Warned+rep.Expired != 0 {
				t.Errorf("a second pass fired again: %+v", rep)
			}
			got, err := st2.GetIncident(as(t, st2, "ent1.admin"), id)
			must(t, err)
			var events []string
			for _, ev := range got.Events {
				events = append(events, ev.Kind)
			}
			if s := strings.Join(events, ","); !strings.Contains(s, "timer_warned") || strings.Count(s, "timer_expired") != 2 {
				t.Errorf("events %s", s)
			}
			overdue, err := st2.ListIncidents(as(t, st2, "ent1.admin"), store.IncidentFilter{Overdue: true})
			must(t, err)
			if overdue.Total != 1 {
				t.Errorf("%d overdue incidents, want 1", overdue.Total)
			}
			// Meeting a duty after its deadline keeps the timer expired and marks it late.
			got, err = st2.RecordStatutoryReport(as(t, st2, "ent1.admin"), id, store.StatutoryReportInput{ReportedAt: bj(tIncident.Add(24 * time.Hour)),
				Channel: "12387_hotline"})
			must(t, err)
			for _, tm := range got.Timers {
				if tm.Kind == store.TimerStatutory && (tm.State != store.TimerExpired || !tm.Late) {
					t.Errorf("late report: timer %+v, want expired and late", tm)
				}
			}
		})
	}
}

func TestDispatchLedgerCustody(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newIncFixture(t, st)
		inc := f.report(t)
		prov2 := anbao.PrincipalFrom(f.prov2Admin).OrgID
		_, err := st.DispatchProvider(f.entAdmin, inc.ID, store.DispatchInput{ProviderID: prov2, Mode: store.ModeRemote})
		wantErr(t, err, anbao.EINVALID, "incident.dispatch.not_approved")
		_, err = st.DispatchProvider(f.entAdmin, inc.ID, store.DispatchInput{ProviderID: f.prov, Mode: "by_carrier_pigeon"})
		wantErr(t, err, anbao.EINVALID, "incident.dispatch.mode_unknown")
		_, err = st.DispatchProvider(f.ins2cl, inc.ID, store.DispatchInput{ProviderID: f.prov, Mode: store.ModeRemote})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		if n := count(t, st, "SELECT COUNT(*) FROM dispatches"); n != 0 {
			t.Fatalf("refused dispatches wrote %d rows", n)
		}
		inc, err = st.DispatchProvider(f.claims, inc.ID, store.DispatchInput{ProviderID: f.prov, Mode: store.ModeOnSite, Note: "请携带取证设备"})
		must(t, err)
		d := inc.Dispatches[0]
		if n := len(inc.Timers); n < 5 {
			t.Errorf("%d timers, want the 3 SLA clocks too", n)
		}
		_, err = st.DispatchProvider(f.entAdmin, inc.ID, store.DispatchInput{ProviderID: f.prov, Mode: store.ModeRemote})
		wantErr(t, err, anbao.ECONFLICT, "incident.dispatch.duplicate")
		// The dispatched provider now reads the incident; another provider does not act on it.
		if _, err := st.GetIncident(f.provAdmin, inc.ID); err != nil {
			t.Fatalf("dispatched provider: %v", err)
		}
		_, err = st.StepDispatch(f.prov2Admin, d.ID, "acknowledge", store.DispatchStepInput{})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.StepDispatch(f.provAdmin, d.ID, "contain", store.DispatchStepInput{})
		wantErr(t, err, anbao.ECONFLICT, "incident.dispatch.state")
		_, err = st.UseEntitlement(f.provAdmin, d.ID, store.UseInput{Service: "incident_response_hours", Quantity: 2})
		wantErr(t, err, anbao.ECONFLICT, "incident.dispatch.state")
		f.clk.set(tIncident.Add(10 * time.Minute))
		_, err = st.StepDispatch(f.provAdmin, d.ID, "acknowledge", store.DispatchStepInput{})
		must(t, err)
		_, err = st.StepDispatch(f.provAdmin, d.ID, "assign", store.DispatchStepInput{})
		wantErr(t, err, anbao.EINVALID, "incident.dispatch.engineer_required")
		f.clk.set(tIncident.Add(5 * time.Hour))
		inc, err = st.StepDispatch(f.provAdmin, d.ID, "assign", store.DispatchStepInput{Engineer: "张工"})
		must(t, err)
		for _, tm := range inc.Timers {
			switch tm.Kind {
			case store.TimerSLAAck:
				if tm.State != store.TimerMet || tm.Late {
					t.Errorf("acknowledged in 10 min: %+v", tm)
				}
			case store.TimerSLAAssign:
				if !tm.Late {
					t.Errorf("engineer after 5 h on site (SLA 4 h) is late: %+v", tm)
				}
			}
		}
		// The ledger: 20 hours of incident response; 15 then 6 is refused.
		_, err = st.UseEntitlement(f.provAdmin, d.ID, store.UseInput{Service: "forensics", Quantity: 1})
		wantErr(t, err, anbao.EINVALID, "incident.entitlement.none")
		_, err = st.UseEntitlement(f.provAdmin, d.ID, store.UseInput{Service: "incident_response_hours", Quantity: 0})
		wantErr(t, err, anbao.EINVALID, "incident.entitlement.quantity_range")
		_, err = st.UseEntitlement(f.provAdmin, d.ID, store.UseInput{Service: "incident_response_hours", Quantity: 15, ValueFen: 22_500 * yuan})
		must(t, err)
		_, err = st.UseEntitlement(f.provAdmin, d.ID, store.UseInput{Service: "incident_response_hours", Quantity: 6, ValueFen: 9_000 * yuan})
		wantErr(t, err, anbao.EINVALID, "incident.entitlement.exceeded")
		_, err = st.UseEntitlement(f.provAdmin, d.ID, store.UseInput{Service: "incident_response_hours", Quantity: 5, ValueFen: 9_000 * yuan})
		wantErr(t, err, anbao.EINVALID, "incident.entitlement.value_exceeded")
		// The dispatched provider sees what is left of the policy's services in kind,
		// but does not act for the enterprise on its incident file.
		pv, err := st.GetIncident(f.provAdmin, inc.ID)
		must(t, err)
		left := map[string]int{}
		for _, ln := range pv.Dispatches[0].Entitlements {
			left[ln.Service] = ln.RemainingQty
		}
		if left["incident_response_hours"] != 5 || left["vulnerability_scan"] != 2 {
			t.Errorf("the provider sees %v left", left)
		}
		_, err = st.EndHandling(f.provAdmin, inc.ID, 0)
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		refs, err := st.ReportableEnterprises(f.provAdmin)
		must(t, err)
		onRoster := false
		for _, r := range refs {
			onRoster = onRoster || r.ID == f.ent
		}
		if !onRoster {
			t.Errorf("prov1 stands on ent1's policy roster but may not report for it: %+v", refs)
		}
		l, err := st.EntitlementLedger(f.entAdmin, f.pol.ID, 0)
		must(t, err)
		for _, ln := range l.Lines {
			if ln.Service == "incident_response_hours" && (ln.RemainingQty != 5 || ln.RemainingValue != 7_500*yuan) {
				t.Errorf("ledger line %+v, want 5 h and ¥7,500 left", ln)
			}
		}
		// Evidence: uploaded and hashed here; custody only by the holder, with the matching hash.
		log := []byte("2026-05-10 07:12:03 sshd: Accepted password for root from 203.0.113.9\n")
		sum := sha256.Sum256(log)
		hash := hex.EncodeToString(sum[:])
		_, err = st.AddEvidence(f.entAdmin, inc.ID, store.EvidenceInput{Kind: "disk", Name: "auth.log", Content: log})
		wantErr(t, err, anbao.EINVALID, "incident.evidence.kind_unknown")
		_, err = st.AddEvidence(f.entAdmin, inc.ID, store.EvidenceInput{Kind: "disk_image", Name: "服务器镜像", SHA256: "abc"})
		wantErr(t, err, anbao.EINVALID, "incident.evidence.sha256_invalid")
		inc, err = st.AddEvidence(f.entAdmin, inc.ID, store.EvidenceInput{Kind: "log", Name: "auth.log", Content: log})
		must(t, err)
		ev := inc.Evidence[0]
		if ev.SHA256 != hash || !ev.ChainIntact || len(ev.Custody) != 1 {
			t.Fatalf("evidence %+v", ev)
		}
		_, err = st.AddEvidence(f.provAdmin, inc.ID, store.EvidenceInput{Kind: "log", Name: "copy", SHA256: hash})
		wantErr(t, err, anbao.ECONFLICT, "incident.evidence.duplicate")
		_, err = st.RecordCustody(f.provAdmin, ev.ID, store.CustodyInput{Action: "verify", SHA256: hash})
		wantErr(t, err, anbao.ECONFLICT, "incident.evidence.not_holder")
		_, err = st.RecordCustody(f.entAdmin, ev.ID, store.CustodyInput{Action: "transfer", ToOrg: f.prov, SHA256: strings.Repeat("0", 64)})
		wantErr(t, err, anbao.EINVALID, "incident.evidence.hash_mismatch")
		_, err = st.RecordCustody(f.entAdmin, ev.ID, store.CustodyInput{Action: "transfer", ToOrg: anbao.PrincipalFrom(f.prov2Admin).OrgID, SHA256: hash})
		wantErr(t, err, anbao.EINVALID, "incident.evidence.recipient_not_party")
		_, err = st.RecordCustody(f.entAdmin, ev.ID, store.CustodyInput{Action: "transfer", ToOrg: f.prov, ToPerson: "张工", SHA256: hash})
		must(t, err)
		inc, err = st.RecordCustody(f.provAdmin, ev.ID, store.CustodyInput{Action: "seal", SHA256: hash, Note: "封存袋 A-017"})
		must(t, err)
		ev = inc.Evidence[0]
		if len(ev.Custody) != 3 || !ev.ChainIntact || ev.HolderOrg != f.prov {
			t.Fatalf("custody %+v", ev)
		}
		// Rewriting history breaks the chain.
		if _, err := st.RawDB().Exec(`UPDATE custody_events SET to_person = '李四' WHERE evidence_id = $1 AND seq = 2`, ev.ID); err != nil {
			t.Fatal(err)
		}
		inc, err = st.GetIncident(f.entAdmin, inc.ID)
		must(t, err)
		if inc.Evidence[0].ChainIntact || store.VerifyCustody(ev.SHA256, inc.Evidence[0].Custody) != 2 {
			t.Errorf("a rewritten custody entry went unnoticed")
		}
		name, _, data, err := st.EvidenceContent(f.provAdmin, ev.ID)
		must(t, err)
		if name != "auth.log" || string(data) != string(log) {
			t.Errorf("content %q %q", name, data)
		}
		if _, _, _, err := st.EvidenceContent(f.otherAdmin, ev.ID); anbao.ErrorCode(err) != anbao.ENOTFOUND {
			t.Errorf("another enterprise read the evidence: %v", err)
		}
	})
}

// claimItems is a ransomware claim on the seed definition's coverages.
func claimItems() []store.ClaimItem {
	it := func(id, kind, cov string, amount int64) store.ClaimItem {
		return store.ClaimItem{Item: claims.Item{ID: id, Kind: kind, Coverage: cov, Amount: amount}}
	}
	bi := store.ClaimItem{Item: claims.Item{ID: "bi", Kind: "bi_loss", Coverage: "business_interruption", OutageHours: 48,
		DailyLoss: []int64{120_000 * yuan, 120_000 * yuan}, Amount: 240_000 * yuan}}
	return []store.ClaimItem{
		it("forensics", "forensics", "emergency_response", 80_000*yuan),
		it("restore", "data_restoration", "data_restoration", 150_000*yuan),
		bi,
		it("ransom", "ransom", "cyber_extortion", 300_000*yuan),
		it("pr", "pr", "public_relations", 250_000*yuan),
	}
}

func TestClaimLifecycle(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newIncFixture(t, st)
		inc := f.report(t)
		f.clk.set(tIncident.Add(24 * time.Hour))
		// Bad input writes nothing.
		bad := []struct {
			name, code, key string
			ctx             context.Context
			edit            func(*store.ClaimInput)
		}{
			{"no items", anbao.EINVALID, "claim.items_required", nil, func(in *store.ClaimInput) { in.Items = nil }},
			{"coverage not on the policy", anbao.EINVALID, "claim.coverage_not_on_policy", nil, func(in *store.ClaimInput) {
				in.Items[0].Coverage = "media_liability"
				in.Items[0].Kind = "third_party"
			}},
			{"kind and coverage mismatch", anbao.EINVALID, "claim.item_coverage_mismatch", nil, func(in *store.ClaimInput) {
				in.Items[0].Kind = "pr"
			}},
			{"negative amount", anbao.EINVALID, "claim.amount_range", nil, func(in *store.ClaimInput) { in.Items[1].Amount = -1 }},
			{"absurd amount", anbao.EINVALID, "claim.amount_range", nil, func(in *store.ClaimInput) { in.Items[1].Amount = 1 << 50 }},
			{"another enterprise's policy", anbao.EINVALID, "claim.policy_not_insured", nil, func(in *store.ClaimInput) { in.PolicyID = 1 << 40 }},
			{"another insurer's handler", anbao.ENOTFOUND, "error.not_found", f.ins2cl, func(*store.ClaimInput) {}},
			{"another enterprise", anbao.ENOTFOUND, "error.not_found", f.otherAdmin, func(*store.ClaimInput) {}},
			{"an enterprise member", anbao.EFORBIDDEN, "error.forbidden", f.entMember, func(*store.ClaimInput) {}},
		}
		for _, b := range bad {
			in := store.ClaimInput{Items: claimItems()}
			b.edit(&in)
			ctx := f.entAdmin
			if b.ctx != nil {
				ctx = b.ctx
			}
			_, err := st.OpenClaim(ctx, inc.ID, in)
			if !checkErr(t, err, b.code, b.key) {
				t.Errorf("(%s)", b.name)
			}
		}
		if n := count(t, st, "SELECT COUNT(*) FROM claims"); n != 0 {
			t.Fatalf("bad claims wrote %d rows", n)
		}
		c, err := st.OpenClaim(f.entAdmin, inc.ID, store.ClaimInput{Items: claimItems(), Note: "附取证报告"})
		must(t, err)
		if c.Status != store.ClaimOpen || !strings.HasPrefix(c.Number, "CL2026") {
			t.Errorf("opened %s %s", c.Status, c.Number)
		}
		_, err = st.OpenClaim(f.claims, inc.ID, store.ClaimInput{Items: claimItems()})
		wantErr(t, err, anbao.ECONFLICT, "claim.duplicate")
		// The insured cannot handle its claim.
		_, err = st.AssessClaim(f.entAdmin, c.ID, store.AssessInput{})
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		_, err = st.AssessClaim(f.ins2cl, c.ID, store.AssessInput{})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.AssessClaim(f.claims, c.ID, store.AssessInput{Exclusions: []claims.ExclusionFact{{Code: "no_such_clause", Version: 1}}})
		wantErr(t, err, anbao.EINVALID, "claim.exclusion_unknown")
		c, err = st.AssessClaim(f.claims, c.ID, store.AssessInput{Exclusions: []claims.ExclusionFact{
			{Code: "war_cyber_operation", Version: 1, Applies: false, Note: "无国家行为归因"}}})
		must(t, err)
		// The bound terms: the rating rules raised the retention to ¥20,000 and put 20% coinsurance on extortion.
		if f.pol.Terms.Retention != 20_000*yuan || f.pol.Terms.Coverage("cyber_extortion").CoinsuranceBP != 2000 {
			t.Fatalf("terms changed: retention %d, extortion %+v", f.pol.Terms.Retention, f.pol.Terms.Coverage("cyber_extortion"))
		}
		// By hand: BI waiting 8 h of day 1 = 120,000 × 8/24 = 40,000 > deductible 20,000, so the retention is
		// 40,000, borne by the first item, forensics (80,000 → 40,000); restoration 150,000; BI 240,000; PR capped
		// at its sublimit 200,000; ransom 300,000 less 20% coinsurance = 240,000, held without consent.
		// Payable = 40,000 + 150,000 + 240,000 + 200,000 = 630,000; held 240,000.
		if c.Status != store.ClaimAssessed || c.Payable != 630_000*yuan || c.Held != 240_000*yuan {
			for _, s := range c.Calculation.Steps {
				t.Log(s.Rule, s.Item, s.Before, s.Delta, s.MsgEN)
			}
			t.Fatalf("assessed %s payable %s held %s, want 630,000 and 240,000 held", c.Status, fmtY(c.Payable), fmtY(c.Held))
		}
		if c.Calculation.RetentionBasis != "waiting_period" || c.Calculation.Retention != 40_000*yuan {
			t.Errorf("retention %d by %s", c.Calculation.Retention, c.Calculation.RetentionBasis)
		}
		_, err = st.ConsentRansom(f.claims, c.ID, "同意", 0)
		wantErr(t, err, anbao.EINVALID, "error.required")
		c, err = st.ConsentRansom(f.claims, c.ID, "经总经理书面同意，依法配合公安机关，赎金支付合法", 0)
		must(t, err)
		// With consent: 240,000 more; the aggregate 1,000,000 leaves 370,000 ≥ 240,000.
		if c.Payable != 870_000*yuan || c.Held != 0 {
			t.Errorf("after consent payable %s held %s", fmtY(c.Payable), fmtY(c.Held))
		}
		_, err = st.PayClaim(f.claims, c.ID, store.PaymentInput{Amount: 100 * yuan, Key: "p0"})
		wantErr(t, err, anbao.ECONFLICT, "claim.state")
		c, err = st.ApproveClaim(f.claims, c.ID, "", c.Version)
		must(t, err)
		if c.Approved != 870_000*yuan || c.ReserveLoss != 870_000*yuan {
			t.Errorf("approved %s reserve %s", fmtY(c.Approved), fmtY(c.ReserveLoss))
		}
		for _, b := range []struct {
			in        store.PaymentInput
			code, key string
		}{
			{store.PaymentInput{Amount: 0, Key: "x"}, anbao.EINVALID, "claim.amount_range"},
			{store.PaymentInput{Amount: 100, Key: ""}, anbao.EINVALID, "claim.payment_key"},
			{store.PaymentInput{Amount: 870_001 * yuan, Key: "x"}, anbao.EINVALID, "claim.payment_exceeds_approved"},
		} {
			_, err := st.PayClaim(f.claims, c.ID, b.in)
			wantErr(t, err, b.code, b.key)
		}
		c, err = st.PayClaim(f.claims, c.ID, store.PaymentInput{Amount: 500_000 * yuan, Key: "pay-1", Reference: "银行流水 001"})
		must(t, err)
		if c.Status != store.ClaimPartiallyPaid || c.Paid != 500_000*yuan || c.Limits.AggregatePaid != 500_000*yuan {
			t.Errorf("after a partial payment: %s paid %s eroded %s", c.Status, fmtY(c.Paid), fmtY(c.Limits.AggregatePaid))
		}
		_, err = st.PayClaim(f.claims, c.ID, store.PaymentInput{Amount: 1_000 * yuan, Key: "pay-1"})
		wantErr(t, err, anbao.ECONFLICT, "claim.payment_duplicate")
		_, err = st.DeclineClaim(f.claims, c.ID, store.DeclineInput{Code: "exclusion", Note: "已付款不能拒赔"})
		wantErr(t, err, anbao.ECONFLICT, "claim.state")
		c, err = st.PayClaim(f.claims, c.ID, store.PaymentInput{Amount: 370_000 * yuan, Key: "pay-2"})
		must(t, err)
		if c.Status != store.ClaimClosed || c.Paid != 870_000*yuan || c.ReserveLoss != 0 || c.Limits.AggregateRemaining != 130_000*yuan {
			t.Errorf("after the final payment: %s paid %s reserve %s left %s", c.Status, fmtY(c.Paid), fmtY(c.ReserveLoss),
				fmtY(c.Limits.AggregateRemaining))
		}
		_, err = st.RecordRecovery(f.claims, c.ID, store.RecoveryInput{Amount: 1_000_000 * yuan, Source: "subrogation"})
		wantErr(t, err, anbao.EINVALID, "claim.recovery_exceeds_paid")
		_, err = st.RecordRecovery(f.claims, c.ID, store.RecoveryInput{Amount: 1 * yuan, Source: "lottery"})
		wantErr(t, err, anbao.EINVALID, "claim.recovery_source")
		c, err = st.RecordRecovery(f.claims, c.ID, store.RecoveryInput{Amount: 50_000 * yuan, Source: "subrogation", Note: "向外包商追偿"})
		must(t, err)
		if c.Recovered != 50_000*yuan || c.Limits.AggregateRemaining != 130_000*yuan {
			t.Errorf("recovery %s, remaining %s (recoveries do not reinstate the limit)", fmtY(c.Recovered), fmtY(c.Limits.AggregateRemaining))
		}
		// The insured follows the path.
		mine, err := st.GetClaim(f.entAdmin, c.ID)
		must(t, err)
		var path []string
		for _, e := range mine.Events {
			path = append(path, e.Kind)
		}
		if got := strings.Join(path, ","); got != "opened,assessed,ransom_consent,approved,payment_partial,payment_final,recovery" {
			t.Errorf("path %s", got)
		}
		if mine.OpenFindings != nil {
			t.Errorf("the insured sees the handler's finding list")
		}

		// A second incident's claim: 200,000 less the 20,000 retention, capped by the 130,000 left; decline and reopen.
		f.clk.set(tIncident.Add(30 * 24 * time.Hour))
		in2 := f.fnol()
		in2.Title, in2.Details.Ransomware, in2.Category, in2.SubCategory = "DDoS 导致官网中断", nil, incident.CategoryNetworkAttack, incident.SubDenialOfService
		in2.OccurredAt, in2.DiscoveredAt = bj(f.clk.now().Add(-2*time.Hour)), bj(f.clk.now().Add(-time.Hour))
		inc2, err := st.ReportIncident(f.entAdmin, f.ent, in2)
		must(t, err)
		c2, err := st.OpenClaim(f.claims, inc2.ID, store.ClaimInput{Items: []store.ClaimItem{
			{Item: claims.Item{ID: "restore", Kind: "data_restoration", Coverage: "data_restoration", Amount: 200_000 * yuan}}}})
		must(t, err)
		c2, err = st.AssessClaim(f.claims, c2.ID, store.AssessInput{})
		must(t, err)
		if c2.Payable != 130_000*yuan {
			t.Errorf("second claim payable %s, want the 130,000 left of the aggregate", fmtY(c2.Payable))
		}
		_, err = st.DeclineClaim(f.claims, c2.ID, store.DeclineInput{Code: "bored", Note: "理由"})
		wantErr(t, err, anbao.EINVALID, "claim.decline_reason")
		c2, err = st.DeclineClaim(f.claims, c2.ID, store.DeclineInput{Code: "late_notice", Note: "未在 24 小时内通知保险人"})
		must(t, err)
		if c2.Status != store.ClaimDeclined {
			t.Errorf("status %s", c2.Status)
		}
		c2, err = st.ReopenClaim(f.claims, c2.ID, "被保险人补充了通知记录", 0)
		must(t, err)
		if c2.Status != store.ClaimOpen || c2.DeclineCode != "" {
			t.Errorf("reopened %s %s", c2.Status, c2.DeclineCode)
		}
		// A lapsed policy: cancelled from a date, an incident after it has no claim on it.
		cancelDay := f.clk.now().In(anbao.Shanghai).Format("2006-01-02")
		_, err = st.Cancel(f.uw, f.pol.ID, store.CancelInput{EffectiveDate: cancelDay, Method: "pro_rata", ReasonCode: "insured_request", Note: "企业申请退保"})
		must(t, err)
		f.clk.set(f.clk.now().Add(72 * time.Hour))
		in3 := in2
		in3.Title = "退保后的钓鱼事件"
		in3.OccurredAt, in3.DiscoveredAt = bj(f.clk.now().Add(-time.Hour)), bj(f.clk.now().Add(-time.Hour))
		inc3, err := st.ReportIncident(f.entAdmin, f.ent, in3)
		must(t, err)
		if inc3.PolicyID != 0 {
			t.Errorf("an incident after the cancellation was put under policy %d", inc3.PolicyID)
		}
		before := count(t, st, "SELECT COUNT(*) FROM claims")
		_, err = st.OpenClaim(f.entAdmin, inc3.ID, store.ClaimInput{PolicyID: f.pol.ID, Items: []store.ClaimItem{
			{Item: claims.Item{ID: "r", Kind: "data_restoration", Coverage: "data_restoration", Amount: 10_000 * yuan}}}})
		wantErr(t, err, anbao.EINVALID, "claim.policy_lapsed")
		if n := count(t, st, "SELECT COUNT(*) FROM claims"); n != before {
			t.Errorf("a claim on a lapsed policy was written")
		}
		if rep, err := st.VerifyAudit(anbao.WithPrincipal(context.Background(), anbao.SystemPrincipal("test"))); err != nil || !rep.OK {
			t.Errorf("audit chain: %+v %v", rep, err)
		}
	})
}

func fmtY(fen int64) string { return fmt.Sprintf("¥%d.%02d", fen/100, fen%100) }

// TestConcurrentPayments sends many payments at once: on one claim with
// repeated keys (each key pays once) and on two claims whose approvals
// together exceed the aggregate (the limit is never overdrawn).
func TestConcurrentPayments(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newIncFixture(t, st)
		open := func(title string, amount int64) *store.Claim {
			in := f.fnol()
			in.Title, in.Details.Ransomware, in.Category, in.SubCategory = title, nil, incident.CategoryNetworkAttack, incident.SubDenialOfService
			inc, err := st.ReportIncident(f.entAdmin, f.ent, in)
			must(t, err)
			c, err := st.OpenClaim(f.claims, inc.ID, store.ClaimInput{Items: []store.ClaimItem{
				{Item: claims.Item{ID: "restore", Kind: "data_restoration", Coverage: "data_restoration", Amount: amount}}}})
			must(t, err)
			c, err = st.AssessClaim(f.claims, c.ID, store.AssessInput{})
			must(t, err)
			c, err = st.ApproveClaim(f.claims, c.ID, "", 0)
			must(t, err)
			return c
		}
		// Each approved 600,000 (620,000 less the 20,000 retention); together 1,200,000 > 1,000,000.
		a := open("事件甲", 620_000*yuan)
		b := open("事件乙", 620_000*yuan)
		const n = 24
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := a
				if i%2 == 1 {
					c = b
				}
				// 12 requests per claim, 4 distinct keys, ¥100,000 each.
				_, errs[i] = st.PayClaim(f.claims, c.ID, store.PaymentInput{Amount: 100_000 * yuan, Key: fmt.Sprintf("k%d", (i/2)%4)})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case anbao.ErrorCode(err) == anbao.ECONFLICT:
			default:
				t.Errorf("a payment failed with %v", err)
			}
		}
		if ok != 8 {
			t.Errorf("%d payments made, want 8 (4 keys on each claim)", ok)
		}
		paid := count(t, st, "SELECT COALESCE(SUM(amount), 0) FROM claim_payments")
		eroded := count(t, st, "SELECT aggregate_paid FROM term_erosion")
		if paid != 800_000*yuan || eroded != paid {
			t.Errorf("paid %d, eroded %d, want 800,000 both", paid, eroded)
		}
		// Now both claims ask for more at once: 150,000 each, but only 200,000 is left.
		wg = sync.WaitGroup{}
		errs = make([]error, 2)
		for i, c := range []*store.Claim{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.PayClaim(f.claims, c.ID, store.PaymentInput{Amount: 150_000 * yuan, Key: "rest"})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				checkErr(t, err, anbao.EINVALID, "claim.payment_exceeds_limit")
			}
		}
		if eroded := count(t, st, "SELECT aggregate_paid FROM term_erosion"); eroded > 1_000_000*yuan {
			t.Fatalf("the aggregate was overdrawn: %d", eroded)
		}
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Errorf("want exactly one of the two payments made: %v", errs)
		}
		// Exactly: the payments sum to what the term says it paid.
		paid = count(t, st, "SELECT COALESCE(SUM(amount), 0) FROM claim_payments")
		eroded = count(t, st, "SELECT aggregate_paid FROM term_erosion")
		if paid != eroded {
			t.Errorf("payments %d ≠ erosion %d", paid, eroded)
		}
	})
}

// TestNoticeReceived: the policy's insurer records a notice it received by
// its hotline; the notice timer is met at that time, late if it was.
func TestNoticeReceived(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newIncFixture(t, st)
		inc, err := st.ReportIncident(f.entAdmin, f.ent, f.fnol()) // no notice through Anbao
		must(t, err)
		if inc.InsurerNotifiedAt != "" {
			t.Fatalf("notified at %s", inc.InsurerNotifiedAt)
		}
		for _, c := range []struct {
			ctx       context.Context
			in        store.NoticeReceivedInput
			code, key string
		}{
			{f.claims, store.NoticeReceivedInput{ReceivedAt: bj(tIncident.Add(time.Hour)), Channel: "hotline"}, anbao.EINVALID, "incident.time_future"},
			{f.claims, store.NoticeReceivedInput{ReceivedAt: bj(tIncident.Add(-4 * time.Hour)), Channel: "hotline"}, anbao.EINVALID,
				"incident.notice_before_occurrence"},
			{f.claims, store.NoticeReceivedInput{ReceivedAt: bj(tIncident), Channel: "pigeon"}, anbao.EINVALID, "incident.channel_unknown"},
			{f.entAdmin, store.NoticeReceivedInput{ReceivedAt: bj(tIncident), Channel: "hotline"}, anbao.EFORBIDDEN, "error.forbidden"},
			{f.ins2cl, store.NoticeReceivedInput{ReceivedAt: bj(tIncident), Channel: "hotline"}, anbao.ENOTFOUND, "error.not_found"},
		} {
			_, err := st.RecordNoticeReceived(c.ctx, inc.ID, c.in)
			wantErr(t, err, c.code, c.key)
		}
		got, err := st.RecordNoticeReceived(f.claims, inc.ID, store.NoticeReceivedInput{ReceivedAt: bj(tIncident.Add(-30 * time.Minute)),
			Channel: "hotline"})
		must(t, err)
		if got.InsurerNotifiedAt != anbao.FormatTime(tIncident.Add(-30*time.Minute)) {
			t.Errorf("notified at %s", got.InsurerNotifiedAt)
		}
		for _, tm := range got.Timers {
			if tm.Kind == store.TimerInsurerNotice && (tm.State != store.TimerMet || tm.Late) {
				t.Errorf("notice timer %+v, want met on time", tm)
			}
		}
		_, err = st.RecordNoticeReceived(f.claims, inc.ID, store.NoticeReceivedInput{ReceivedAt: bj(tIncident), Channel: "email"})
		wantErr(t, err, anbao.ECONFLICT, "incident.already_notified")
	})
}
