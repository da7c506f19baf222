package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// spoil returns a valid enterprise with one change applied.
func spoil(code string, f func(o *anbao.Organisation)) *anbao.Organisation {
	o := newEnterprise(code)
	f(o)
	return o
}

func TestCreateOrganisationRejects(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		pilot := loadPilot(t, st)
		opAdmin := as(t, st, "op.admin")
		reg32 := as(t, st, "reg32.admin")
		ent1 := as(t, st, "ent1.admin")
		taken := pilot.Orgs[pilot.Refs(anbao.KindEnterprise)[3]].USCC
		valid := mkUSCC(t, "320500", 101)
		wrongOrgCheck := valid[:16] + map[bool]string{true: "1", false: "2"}[valid[16] != '1'] + valid[17:]
		fullWidth := strings.Map(func(r rune) rune { // ９１３２… : full-width forms of the taken code
			if r >= '!' && r <= '~' {
				return r + 0xFEE0
			}
			return r
		}, taken)
		cases := []struct {
			name     string
			ctx      context.Context
			org      *anbao.Organisation
			override string
			code     string
			key      string
		}{
			{"anonymous", context.Background(), newEnterprise(valid), "", anbao.EUNAUTHORIZED, "error.unauthorized"},
			{"regulator", reg32, newEnterprise(valid), "", anbao.EFORBIDDEN, "error.forbidden"},
			{"enterprise admin", ent1, newEnterprise(valid), "", anbao.EFORBIDDEN, "error.forbidden"},
			{"empty name", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.NameZH = "" }), "", anbao.EINVALID, "error.required"},
			{"blank name", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.NameZH = " \t　" }), "", anbao.EINVALID, "error.required"},
			{"one-character name", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.NameZH = " 安 " }), "", anbao.EINVALID, "error.required"},
			{"name of 101 characters", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.NameZH = strings.Repeat("安", 101) }), "", anbao.EINVALID, "error.too_long"},
			{"English name of 201 characters", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.NameEN = strings.Repeat("a", 201) }), "", anbao.EINVALID, "error.too_long"},
			{"unknown kind", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Kind = "broker" }), "", anbao.EINVALID, "org.kind_invalid"},
			{"no kind", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Kind = "" }), "", anbao.EINVALID, "org.kind_invalid"},
			{"no USCC", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.USCC = "  " }), "", anbao.EINVALID, "uscc.required"},
			{"USCC of 17 characters", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.USCC = valid[:17] }), "", anbao.EINVALID, "uscc.length"},
			{"USCC of 19 characters", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.USCC = valid + "1" }), "", anbao.EINVALID, "uscc.length"},
			{"USCC with a letter I", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.USCC = valid[:9] + "I" + valid[10:] }), "", anbao.EINVALID, "uscc.charset"},
			{"USCC with a letter in the division", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.USCC = valid[:3] + "A" + valid[4:] }), "", anbao.EINVALID, "uscc.charset"},
			{"USCC with a Chinese character", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.USCC = valid[:17] + "码" }), "", anbao.EINVALID, "uscc.charset"},
			{"bad check character", opAdmin, spoil(badCheck(valid), func(*anbao.Organisation) {}), "", anbao.EINVALID, "uscc.check_char_overridable"},
			{"bad organisation code check", opAdmin, spoil(wrongOrgCheck, func(*anbao.Organisation) {}), "", anbao.EINVALID, "uscc.org_code_check_overridable"},
			{"override reason too short", opAdmin, newEnterprise(badCheck(valid)), " 核实 ", anbao.EINVALID, "uscc.override_reason"},
			{"override reason too long", opAdmin, newEnterprise(badCheck(valid)), strings.Repeat("核", 501), anbao.EINVALID, "uscc.override_reason"},
			{"override by a regulator", reg32, newEnterprise(badCheck(valid)), "已核实营业执照原件", anbao.EFORBIDDEN, ""},
			{"override does not excuse a length fault", opAdmin, newEnterprise(valid[:17]), "已核实营业执照原件", anbao.EINVALID, "uscc.length"},
			{"unknown jurisdiction", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Jurisdiction = "99" }), "", anbao.EINVALID, "org.jurisdiction_unknown"},
			{"inactive jurisdiction", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Jurisdiction = "81" }), "", anbao.EINVALID, "org.jurisdiction_inactive"},
			{"division of an inactive jurisdiction", opAdmin, newEnterprise(mkUSCC(t, "810000", 102)), "", anbao.EINVALID, "error.required"},
			{"division of no jurisdiction", opAdmin, newEnterprise(mkUSCC(t, "990000", 103)), "", anbao.EINVALID, "error.required"},
			{"insurer in an inactive jurisdiction", opAdmin, &anbao.Organisation{Kind: anbao.KindInsurer, USCC: mkUSCC(t, "820000", 104), NameZH: "澳门测试保险"}, "", anbao.EINVALID, "error.required"},
			{"enterprise without profile", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile = nil }), "", anbao.EINVALID, "error.required"},
			{"unknown industry", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Industry = "00" }), "", anbao.EINVALID, "org.industry_unknown"},
			{"section letter as industry", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Industry = "I" }), "", anbao.EINVALID, "org.industry_unknown"},
			{"no industry", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Industry = "" }), "", anbao.EINVALID, "org.industry_unknown"},
			{"bad size", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Size = "huge" }), "", anbao.EINVALID, "org.size_invalid"},
			{"no size", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Size = "" }), "", anbao.EINVALID, "org.size_invalid"},
			{"negative revenue", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.RevenueFen = -1 }), "", anbao.EINVALID, "org.revenue_range"},
			{"revenue over 100 trillion yuan", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.RevenueFen = 100_000_000_000_000_01 }), "", anbao.EINVALID, "org.revenue_range"},
			{"negative employees", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Employees = -1 }), "", anbao.EINVALID, "org.employees_range"},
			{"too many employees", opAdmin, spoil(valid, func(o *anbao.Organisation) { o.Profile.Employees = 5_000_001 }), "", anbao.EINVALID, "org.employees_range"},
			{"duplicate USCC", opAdmin, newEnterprise(taken), "", anbao.ECONFLICT, "org.uscc_taken"},
			{"duplicate USCC in lower case", opAdmin, newEnterprise(" " + strings.ToLower(taken) + " "), "", anbao.ECONFLICT, "org.uscc_taken"},
			{"duplicate USCC in full-width forms", opAdmin, newEnterprise(fullWidth), "", anbao.ECONFLICT, "org.uscc_taken"},
			{"duplicate USCC of an insurer", opAdmin, &anbao.Organisation{Kind: anbao.KindInsurer, USCC: taken, NameZH: "重复代码保险"}, "", anbao.ECONFLICT, "org.uscc_taken"},
		}
		for _, c := range cases {
			orgs, entries := orgCount(t, st), auditCount(t, st)
			_, err := st.CreateOrganisation(c.ctx, c.org, c.override)
			if !checkErr(t, err, c.code, c.key) {
				t.Errorf("  in case %q", c.name)
			}
			if orgCount(t, st) != orgs || auditCount(t, st) != entries {
				t.Errorf("%s: wrote %d organisations and %d audit entries", c.name, orgCount(t, st)-orgs, auditCount(t, st)-entries)
			}
		}
		verifyOK(t, st, 4) // the pilot and three logins
	})
}

func TestCreateOrganisationStores(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		opAdmin := as(t, st, "op.admin")
		bad := badCheck(mkUSCC(t, "320500", 201))
		cases := []struct {
			name         string
			org          *anbao.Organisation
			override     string
			totpDefault  bool
			uscc         string // stored code; "" means the input
			division     string
			jurisdiction string
			overrideSaid string
			requireTOTP  bool
			actions      []string
		}{
			{name: "jurisdiction from the division", org: newEnterprise(mkUSCC(t, "320505", 202)),
				division: "320505", jurisdiction: "32", actions: []string{"org.create"}},
			{name: "separately planned city", org: newEnterprise(mkUSCC(t, "440305", 203)),
				division: "440305", jurisdiction: "4403", actions: []string{"org.create"}},
			{name: "province around the city", org: newEnterprise(mkUSCC(t, "440106", 204)),
				division: "440106", jurisdiction: "44", actions: []string{"org.create"}},
			{name: "corps city registers in Xinjiang", org: newEnterprise(mkUSCC(t, "659001", 205)),
				division: "659001", jurisdiction: "65", actions: []string{"org.create"}},
			{name: "explicit jurisdiction wins", org: spoil(mkUSCC(t, "320500", 206), func(o *anbao.Organisation) { o.Jurisdiction = "31" }),
				division: "320500", jurisdiction: "31", actions: []string{"org.create"}},
			{name: "retired division with explicit jurisdiction", org: spoil(mkUSCC(t, "810000", 207), func(o *anbao.Organisation) { o.Jurisdiction = "44" }),
				division: "810000", jurisdiction: "44", actions: []string{"org.create"}},
			{name: "code normalised", org: newEnterprise(" " + strings.ToLower(mkUSCC(t, "330106", 208)) + "\u3000"),
				uscc: mkUSCC(t, "330106", 208), division: "330106", jurisdiction: "33", actions: []string{"org.create"}},
			{name: "checksum override by the operator", org: newEnterprise(bad), override: "  已核验营业执照原件，系登记机关录入错误  ",
				division: "320500", jurisdiction: "32", overrideSaid: "已核验营业执照原件，系登记机关录入错误",
				actions: []string{"uscc.override", "org.create"}},
			{name: "stray override reason dropped", org: newEnterprise(mkUSCC(t, "320500", 209)), override: "无需覆盖的理由",
				division: "320500", jurisdiction: "32", actions: []string{"org.create"}},
			{name: "insurer loses a profile", org: &anbao.Organisation{Kind: anbao.KindInsurer, USCC: mkUSCC(t, "310115", 210),
				NameZH: "  测试再保险股份有限公司 ", Profile: &anbao.EnterpriseProfile{Industry: "68", Size: anbao.SizeLarge}},
				division: "310115", jurisdiction: "31", actions: []string{"org.create"}},
			{name: "national regulator", org: &anbao.Organisation{Kind: anbao.KindRegulator, USCC: mkUSCC(t, "110000", 211), NameZH: "测试国家监管机构"},
				totpDefault: true, division: "110000", jurisdiction: "", requireTOTP: true, actions: []string{"org.create"}},
			{name: "provider not forced to TOTP", org: &anbao.Organisation{Kind: anbao.KindProvider, USCC: mkUSCC(t, "110108", 212), NameZH: "测试安全服务公司"},
				totpDefault: true, division: "110108", jurisdiction: "11", actions: []string{"org.create"}},
			{name: "name of 100 characters", org: spoil(mkUSCC(t, "320500", 213), func(o *anbao.Organisation) { o.NameZH = strings.Repeat("安", 100) }),
				division: "320500", jurisdiction: "32", actions: []string{"org.create"}},
		}
		for _, c := range cases {
			st.RequireTOTPByDefault = c.totpDefault
			want := *c.org
			seq := headSeq(t, st)
			got, err := st.CreateOrganisation(opAdmin, c.org, c.override)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			stored, err := st.GetOrganisation(sys(), got.ID)
			must(t, err)
			wantUSCC := c.uscc
			if wantUSCC == "" {
				wantUSCC = want.USCC
			}
			for _, o := range []*anbao.Organisation{got, stored} {
				if o.USCC != wantUSCC || o.RegistrationDivision != c.division || o.Jurisdiction != c.jurisdiction ||
					o.USCCOverride != c.overrideSaid || o.Status != anbao.OrgActive || o.Version != 1 ||
					o.RequireTOTP != c.requireTOTP || o.NameZH != strings.TrimSpace(want.NameZH) || o.Kind != want.Kind ||
					(o.Profile != nil) != (want.Kind == anbao.KindEnterprise) {
					t.Errorf("%s: stored %+v", c.name, o)
				}
			}
			if want.Kind == anbao.KindEnterprise && *stored.Profile != *want.Profile {
				t.Errorf("%s: profile %+v, want %+v", c.name, stored.Profile, want.Profile)
			}
			es := auditSince(t, st, seq)
			if fmt.Sprint(actions(es)) != fmt.Sprint(c.actions) {
				t.Errorf("%s: audit %v, want %v", c.name, actions(es), c.actions)
				continue
			}
			for _, e := range es {
				if e.OrgID != got.ID || e.EntityID != fmt.Sprint(got.ID) || e.ActorName != "op.admin" {
					t.Errorf("%s: entry %+v", c.name, e)
				}
			}
			if c.overrideSaid != "" && (!strings.Contains(string(es[0].After), c.overrideSaid) || !strings.Contains(string(es[0].After), bad)) {
				t.Errorf("%s: override entry %s", c.name, es[0].After)
			}
		}
		st.RequireTOTPByDefault = false
		verifyOK(t, st, -1)
	})
}

func TestRegisterAndDecide(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		pilot := loadPilot(t, st)
		ids := orgIDs(t, st)
		opAdmin := as(t, st, "op.admin")
		const pw = "newco-password-2026"
		reg := &store.Registration{Org: *newEnterprise(mkUSCC(t, "320505", 300)),
			Admin: anbao.User{Username: " NewCo.Admin ", DisplayName: "新公司管理员", Email: "admin@newco.example",
				Roles: []anbao.Role{anbao.RoleMember}}, Password: pw}
		seq := headSeq(t, st)
		o, u, err := st.RegisterOrganisation(context.Background(), reg)
		must(t, err)
		if o.Status != anbao.OrgPending || o.Jurisdiction != "32" || u.OrgID != o.ID || u.Username != "newco.admin" ||
			!slices.Equal(u.Roles, []anbao.Role{anbao.RoleAdmin}) {
			t.Fatalf("registered %+v %+v", o, u)
		}
		es := auditSince(t, st, seq)
		if fmt.Sprint(actions(es)) != "[org.register user.create]" || es[0].ActorName != "anonymous" || es[1].OrgID != o.ID {
			t.Errorf("registration audit %v %+v", actions(es), es)
		}
		_, err = st.Login(context.Background(), "newco.admin", pw, "", "")
		wantErr(t, err, anbao.EFORBIDDEN, "auth.org_pending")

		// Registration faults write nothing.
		pending := pilot.Orgs[slices.IndexFunc(pilot.Orgs, func(o *anbao.Organisation) bool { return o.Status == anbao.OrgPending })]
		regFaults := []struct {
			name string
			r    store.Registration
			code string
			key  string
		}{
			{"operator kind", store.Registration{Org: anbao.Organisation{Kind: anbao.KindOperator, USCC: mkUSCC(t, "110000", 301), NameZH: "冒充运营方"},
				Admin: anbao.User{Username: "fake.op"}, Password: pw}, anbao.EINVALID, "org.kind_not_registrable"},
			{"bad username", store.Registration{Org: *newEnterprise(mkUSCC(t, "320505", 302)), Admin: anbao.User{Username: "x"}, Password: pw},
				anbao.EINVALID, "user.username_invalid"},
			{"short password", store.Registration{Org: *newEnterprise(mkUSCC(t, "320505", 303)), Admin: anbao.User{Username: "short.pw"}, Password: "short"},
				anbao.EINVALID, "password.too_short"},
			{"common password", store.Registration{Org: *newEnterprise(mkUSCC(t, "320505", 304)), Admin: anbao.User{Username: "common.pw"}, Password: "Password123"},
				anbao.EINVALID, "password.too_common"},
			{"bad check character", store.Registration{Org: *newEnterprise(badCheck(mkUSCC(t, "320505", 305))), Admin: anbao.User{Username: "bad.check"}, Password: pw},
				anbao.EINVALID, "uscc.check_char_overridable"},
			{"taken USCC", store.Registration{Org: *newEnterprise(pending.USCC), Admin: anbao.User{Username: "taken.uscc"}, Password: pw},
				anbao.ECONFLICT, "org.uscc_taken"},
			{"taken username", store.Registration{Org: *newEnterprise(mkUSCC(t, "320505", 306)), Admin: anbao.User{Username: "ent1.admin"}, Password: pw},
				anbao.ECONFLICT, "user.username_taken"},
		}
		for _, f := range regFaults {
			orgs, entries := orgCount(t, st), auditCount(t, st)
			_, _, err := st.RegisterOrganisation(context.Background(), &f.r)
			if !checkErr(t, err, f.code, f.key) {
				t.Errorf("  in case %q", f.name)
			}
			if orgCount(t, st) != orgs || auditCount(t, st) != entries {
				t.Errorf("%s: wrote something", f.name)
			}
		}

		// Decisions that cannot be taken write nothing.
		decideFaults := []struct {
			name     string
			ctx      context.Context
			id       int64
			d        store.OrgDecision
			reason   string
			code     string
			key      string
			wantStat anbao.OrgStatus
		}{
			{"reject without reason", opAdmin, o.ID, store.DecisionReject, "", anbao.EINVALID, "error.required", anbao.OrgPending},
			{"reject with a one-character reason", opAdmin, o.ID, store.DecisionReject, "  否 ", anbao.EINVALID, "error.required", anbao.OrgPending},
			{"reason too long", opAdmin, o.ID, store.DecisionReject, strings.Repeat("长", 501), anbao.EINVALID, "error.too_long", anbao.OrgPending},
			{"unknown decision", opAdmin, o.ID, "delete", "理由充分", anbao.EINVALID, "org.decision_invalid", anbao.OrgPending},
			{"suspend a pending organisation", opAdmin, o.ID, store.DecisionSuspend, "理由充分", anbao.ECONFLICT, "org.decision_state", anbao.OrgPending},
			{"reactivate a pending organisation", opAdmin, o.ID, store.DecisionReactivate, "理由充分", anbao.ECONFLICT, "org.decision_state", anbao.OrgPending},
			{"anonymous", context.Background(), o.ID, store.DecisionApprove, "", anbao.EUNAUTHORIZED, "error.unauthorized", anbao.OrgPending},
			{"operator auditor", as(t, st, "op.auditor"), o.ID, store.DecisionApprove, "", anbao.EFORBIDDEN, "error.forbidden", anbao.OrgPending},
			{"national regulator", as(t, st, "miit.admin"), o.ID, store.DecisionApprove, "", anbao.EFORBIDDEN, "error.forbidden", anbao.OrgPending},
			{"own organisation", opAdmin, anbao.PrincipalFrom(opAdmin).OrgID, store.DecisionSuspend, "自我停用", anbao.ECONFLICT, "org.decide_own", anbao.OrgActive},
			{"no such organisation", opAdmin, 1 << 40, store.DecisionApprove, "", anbao.ENOTFOUND, "error.not_found", ""},
		}
		for _, f := range decideFaults {
			entries := auditCount(t, st)
			_, err := st.DecideOrganisation(f.ctx, f.id, f.d, f.reason)
			if !checkErr(t, err, f.code, f.key) {
				t.Errorf("  in case %q", f.name)
			}
			if auditCount(t, st) != entries {
				t.Errorf("%s: audited", f.name)
			}
			if f.wantStat != "" {
				if got, _ := st.GetOrganisation(sys(), f.id); got.Status != f.wantStat {
					t.Errorf("%s: status %s", f.name, got.Status)
				}
			}
		}

		// The whole state machine on the new organisation: pending → active ⇄ suspended.
		sessions := func() int64 {
			return count(t, st, "SELECT COUNT(*) FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id = $1)", o.ID)
		}
		var tokens []string
		steps := []struct {
			d      store.OrgDecision
			reason string
			code   string
			status anbao.OrgStatus
			after  func()
		}{
			{store.DecisionApprove, "", "", anbao.OrgActive, func() {
				_, s := login(t, st, "newco.admin", pw)
				_, s2 := login(t, st, "newco.admin", pw)
				tokens = append(tokens, s.Token, s2.Token)
			}},
			{store.DecisionApprove, "", anbao.ECONFLICT, anbao.OrgActive, nil},
			{store.DecisionReject, "资料不实", anbao.ECONFLICT, anbao.OrgActive, nil},
			{store.DecisionReactivate, "恢复", anbao.ECONFLICT, anbao.OrgActive, nil},
			{store.DecisionSuspend, "", anbao.EINVALID, anbao.OrgActive, nil},
			{store.DecisionSuspend, "  发生重大安全事件，暂停使用  ", "", anbao.OrgSuspended, func() {
				if n := sessions(); n != 0 {
					t.Errorf("%d sessions survive the suspension", n)
				}
				for _, tok := range tokens {
					_, _, err := st.SessionPrincipal(context.Background(), tok)
					checkErr(t, err, anbao.EUNAUTHORIZED, "auth.session_expired")
				}
				_, err := st.Login(context.Background(), "newco.admin", pw, "", "")
				checkErr(t, err, anbao.EFORBIDDEN, "auth.org_suspended")
			}},
			{store.DecisionSuspend, "再次暂停", anbao.ECONFLICT, anbao.OrgSuspended, nil},
			{store.DecisionApprove, "", anbao.ECONFLICT, anbao.OrgSuspended, nil},
			{store.DecisionReject, "资料不实", anbao.ECONFLICT, anbao.OrgSuspended, nil},
			{store.DecisionReactivate, "整改完成", "", anbao.OrgActive, func() {
				for _, tok := range tokens { // ended sessions stay ended
					_, _, err := st.SessionPrincipal(context.Background(), tok)
					checkErr(t, err, anbao.EUNAUTHORIZED, "auth.session_expired")
				}
				login(t, st, "newco.admin", pw)
			}},
		}
		version := o.Version
		for i, s := range steps {
			c.add(time.Minute)
			seq := headSeq(t, st)
			got, err := st.DecideOrganisation(opAdmin, o.ID, s.d, s.reason)
			if !checkErr(t, err, s.code, "") {
				t.Errorf("  in step %d (%s)", i, s.d)
			}
			stored, _ := st.GetOrganisation(sys(), o.ID)
			if stored.Status != s.status {
				t.Errorf("step %d (%s): status %s, want %s", i, s.d, stored.Status, s.status)
			}
			if s.code != "" {
				if headSeq(t, st) != seq || stored.Version != version {
					t.Errorf("step %d (%s): failed decision wrote", i, s.d)
				}
				continue
			}
			version++
			if got.Status != s.status || got.Version != version || stored.Version != version || stored.UpdatedAt != anbao.FormatTime(c.now()) {
				t.Errorf("step %d (%s): returned %+v stored %+v", i, s.d, got, stored)
			}
			es := auditSince(t, st, seq)
			if len(es) != 1 || es[0].Action != "org."+string(s.d) || es[0].ActorName != "op.admin" || es[0].OrgID != o.ID ||
				!strings.Contains(string(es[0].After), fmt.Sprintf(`"reason":%q`, strings.TrimSpace(s.reason))) ||
				!strings.Contains(string(es[0].After), `"status":"`+string(s.status)+`"`) {
				t.Errorf("step %d (%s): audit %v", i, s.d, es)
			}
			if s.after != nil {
				s.after()
			}
		}

		// Rejection is final.
		rejected := ids[pending.USCC]
		_, err = st.DecideOrganisation(opAdmin, rejected, store.DecisionReject, "材料不全")
		must(t, err)
		for _, d := range []store.OrgDecision{store.DecisionApprove, store.DecisionReject, store.DecisionSuspend, store.DecisionReactivate} {
			_, err := st.DecideOrganisation(opAdmin, rejected, d, "再议一次")
			checkErr(t, err, anbao.ECONFLICT, "org.decision_state")
		}
		verifyOK(t, st, -1)
	})
}

func TestRegisterRegulatorRequiresTOTP(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		st.RequireTOTPByDefault = true
		o, _, err := st.RegisterOrganisation(context.Background(), &store.Registration{
			Org:   anbao.Organisation{Kind: anbao.KindRegulator, USCC: mkUSCC(t, "320000", 310), NameZH: "测试省工业和信息化厅", Jurisdiction: "32"},
			Admin: anbao.User{Username: "reg.test"}, Password: "regulator-pass-2026"})
		must(t, err)
		if !o.RequireTOTP || o.Status != anbao.OrgPending || o.Jurisdiction != "32" {
			t.Errorf("registered %+v", o)
		}
		// An enterprise is not forced.
		e, _, err := st.RegisterOrganisation(context.Background(), &store.Registration{
			Org: *newEnterprise(mkUSCC(t, "320000", 311)), Admin: anbao.User{Username: "ent.test"}, Password: "enterprise-pass-2026"})
		must(t, err)
		if e.RequireTOTP {
			t.Errorf("enterprise requires TOTP")
		}
	})
}

func TestUpdateOrganisation(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		pilot := loadPilot(t, st)
		ids := orgIDs(t, st)
		id := func(user string) int64 { return ids[pilot.Orgs[userRef(t, pilot, user)].USCC] }
		e1, e2, ins1, reg32 := id("ent1.admin"), id("ent2.admin"), id("ins1.admin"), id("reg32.admin")
		opAdmin := as(t, st, "op.admin")
		e1admin := as(t, st, "ent1.admin")
		e1member := as(t, st, "ent1.member")
		ins1admin := as(t, st, "ins1.admin")
		reg32admin := as(t, st, "reg32.admin")
		str := func(s string) *string { return &s }
		boolp := func(b bool) *bool { return &b }

		// The enterprise's own admin edits it.
		before, err := st.GetOrganisation(sys(), e1)
		must(t, err)
		prof := &anbao.EnterpriseProfile{Industry: "64", Size: anbao.SizeMedium, RevenueFen: 3_000_000_000, Employees: 400, CII: !before.Profile.CII}
		seq := headSeq(t, st)
		got, err := st.UpdateOrganisation(e1admin, e1, store.OrgPatch{NameZH: str("  新名称网络科技有限公司 "), NameEN: str("New Name Network Technology Co., Ltd."),
			Profile: prof, RequireTOTP: boolp(true), Version: before.Version})
		must(t, err)
		stored, err := st.GetOrganisation(sys(), e1)
		must(t, err)
		if stored.NameZH != "新名称网络科技有限公司" || stored.NameEN != "New Name Network Technology Co., Ltd." || *stored.Profile != *prof ||
			!stored.RequireTOTP || stored.Version != before.Version+1 || got.Version != stored.Version ||
			stored.USCC != before.USCC || stored.Jurisdiction != before.Jurisdiction || stored.Status != anbao.OrgActive {
			t.Errorf("updated %+v", stored)
		}
		es := auditSince(t, st, seq)
		if len(es) != 1 || es[0].Action != "org.update" || es[0].ActorName != "ent1.admin" ||
			!strings.Contains(string(es[0].Before), fmt.Sprintf(`"name_zh":%q`, before.NameZH)) ||
			!strings.Contains(string(es[0].After), `"name_zh":"新名称网络科技有限公司"`) ||
			!strings.Contains(string(es[0].Before), fmt.Sprintf(`"cii":%v`, before.Profile.CII)) ||
			!strings.Contains(string(es[0].After), fmt.Sprintf(`"cii":%v`, prof.CII)) {
			t.Errorf("audit %v", es)
		}
		// Version 0 skips the check.
		_, err = st.UpdateOrganisation(e1admin, e1, store.OrgPatch{NameEN: str("Again")})
		must(t, err)
		// The operator moves a regulator; the regulator may rename itself.
		_, err = st.UpdateOrganisation(opAdmin, reg32, store.OrgPatch{Jurisdiction: str("32")})
		must(t, err)
		_, err = st.UpdateOrganisation(reg32admin, reg32, store.OrgPatch{NameEN: str("Jiangsu DIIT")})
		must(t, err)

		current, _ := st.GetOrganisation(sys(), e1)
		faults := []struct {
			name  string
			ctx   context.Context
			id    int64
			patch store.OrgPatch
			code  string
			key   string
		}{
			{"stale version", e1admin, e1, store.OrgPatch{NameEN: str("Stale"), Version: before.Version}, anbao.ECONFLICT, "error.version_conflict"},
			{"future version", e1admin, e1, store.OrgPatch{NameEN: str("Future"), Version: current.Version + 1}, anbao.ECONFLICT, "error.version_conflict"},
			{"regulator moves itself", reg32admin, reg32, store.OrgPatch{Jurisdiction: str("31")}, anbao.EFORBIDDEN, "org.jurisdiction_locked"},
			{"regulator goes national", reg32admin, reg32, store.OrgPatch{Jurisdiction: str("")}, anbao.EFORBIDDEN, "org.jurisdiction_locked"},
			{"another enterprise", e1admin, e2, store.OrgPatch{NameEN: str("Hijacked")}, anbao.ENOTFOUND, "error.not_found"},
			{"a visible insurer", e1admin, ins1, store.OrgPatch{NameEN: str("Hijacked")}, anbao.EFORBIDDEN, "error.forbidden"},
			{"insurer edits a consenting enterprise", ins1admin, e1, store.OrgPatch{NameEN: str("Hijacked")}, anbao.EFORBIDDEN, "error.forbidden"},
			{"regulator edits an enterprise it supervises", reg32admin, firstEnterpriseIn(t, pilot, ids, "32"), store.OrgPatch{NameEN: str("Hijacked")}, anbao.EFORBIDDEN, "error.forbidden"},
			{"member", e1member, e1, store.OrgPatch{NameEN: str("Member")}, anbao.EFORBIDDEN, "error.forbidden"},
			{"anonymous", context.Background(), e1, store.OrgPatch{NameEN: str("Nobody")}, anbao.EUNAUTHORIZED, "error.unauthorized"},
			{"no such organisation", opAdmin, 1 << 40, store.OrgPatch{NameEN: str("Ghost")}, anbao.ENOTFOUND, "error.not_found"},
			{"empty name", e1admin, e1, store.OrgPatch{NameZH: str(" ")}, anbao.EINVALID, "error.required"},
			{"long English name", e1admin, e1, store.OrgPatch{NameEN: str(strings.Repeat("n", 201))}, anbao.EINVALID, "error.too_long"},
			{"profile of an insurer", ins1admin, ins1, store.OrgPatch{Profile: prof}, anbao.EINVALID, "org.profile_enterprise_only"},
			{"bad size", e1admin, e1, store.OrgPatch{Profile: &anbao.EnterpriseProfile{Industry: "65", Size: "giant"}}, anbao.EINVALID, "org.size_invalid"},
			{"unknown industry", e1admin, e1, store.OrgPatch{Profile: &anbao.EnterpriseProfile{Industry: "99", Size: anbao.SizeMicro}}, anbao.EINVALID, "org.industry_unknown"},
			{"negative revenue", e1admin, e1, store.OrgPatch{Profile: &anbao.EnterpriseProfile{Industry: "65", Size: anbao.SizeMicro, RevenueFen: -5}}, anbao.EINVALID, "org.revenue_range"},
			{"enterprise without jurisdiction", opAdmin, e1, store.OrgPatch{Jurisdiction: str("")}, anbao.EINVALID, "error.required"},
			{"inactive jurisdiction", opAdmin, e1, store.OrgPatch{Jurisdiction: str("81")}, anbao.EINVALID, "org.jurisdiction_inactive"},
			{"enterprise moves itself", e1admin, e1, store.OrgPatch{Jurisdiction: str("11")}, anbao.EFORBIDDEN, "org.jurisdiction_locked"},
			{"unknown jurisdiction", opAdmin, reg32, store.OrgPatch{Jurisdiction: str("3200")}, anbao.EINVALID, "org.jurisdiction_unknown"},
		}
		for _, f := range faults {
			entries := auditCount(t, st)
			beforeF, _ := st.GetOrganisation(sys(), f.id)
			_, err := st.UpdateOrganisation(f.ctx, f.id, f.patch)
			if !checkErr(t, err, f.code, f.key) {
				t.Errorf("  in case %q", f.name)
			}
			if auditCount(t, st) != entries {
				t.Errorf("%s: audited", f.name)
			}
			if afterF, _ := st.GetOrganisation(sys(), f.id); beforeF != nil && (afterF.Version != beforeF.Version || afterF.NameEN != beforeF.NameEN ||
				afterF.Jurisdiction != beforeF.Jurisdiction) {
				t.Errorf("%s: organisation changed: %+v", f.name, afterF)
			}
		}
		verifyOK(t, st, -1)
	})
}

// firstEnterpriseIn returns the id of the first active pilot enterprise in jurisdiction j.
func firstEnterpriseIn(t testing.TB, p *demo.Pilot, ids map[string]int64, j string) int64 {
	t.Helper()
	for _, o := range p.Orgs {
		if o.Kind == anbao.KindEnterprise && o.Status == anbao.OrgActive && o.Jurisdiction == j {
			return ids[o.USCC]
		}
	}
	t.Fatalf("no active enterprise in %s", j)
	return 0
}

func TestOrganisationVisibility(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		pilot := loadPilot(t, st)
		ids := orgIDs(t, st)
		ref := map[int64]int{} // id → pilot ref
		for i, o := range pilot.Orgs {
			ref[ids[o.USCC]] = i
		}
		status := make([]anbao.OrgStatus, len(pilot.Orgs))
		for i, o := range pilot.Orgs {
			status[i] = o.Status
		}
		opAdmin := as(t, st, "op.admin")
		ins1 := userRef(t, pilot, "ins1.uw")
		ent1 := userRef(t, pilot, "ent1.admin")
		related := map[[2]int]bool{} // party, enterprise → live relationship
		for _, r := range pilot.Relationships {
			related[[2]int{r.PartyRef, r.EnterpriseRef}] = true
		}

		// Changes after loading: an ended consent, a suspended enterprise, a suspended insurer.
		var ended, suspended int = -1, -1
		for _, r := range pilot.Relationships {
			if r.PartyRef != ins1 || r.EnterpriseRef == ent1 {
				continue
			}
			if ended < 0 {
				ended = r.EnterpriseRef
			} else if suspended < 0 && pilot.Orgs[r.EnterpriseRef].Jurisdiction != pilot.Orgs[ended].Jurisdiction {
				suspended = r.EnterpriseRef
			}
		}
		storetest.Exec(t, st, "UPDATE relationships SET ended_at = $1 WHERE party_org_id = $2 AND enterprise_id = $3",
			anbao.FormatTime(t0), ids[pilot.Orgs[ins1].USCC], ids[pilot.Orgs[ended].USCC])
		related[[2]int{ins1, ended}] = false
		_, err := st.DecideOrganisation(opAdmin, ids[pilot.Orgs[suspended].USCC], store.DecisionSuspend, "测试暂停")
		must(t, err)
		status[suspended] = anbao.OrgSuspended
		ins2 := userRef(t, pilot, "ins2.admin")
		_, err = st.DecideOrganisation(opAdmin, ids[pilot.Orgs[ins2].USCC], store.DecisionSuspend, "测试暂停")
		must(t, err)
		status[ins2] = anbao.OrgSuspended

		// visible is the rule, computed from the generated pilot rather than from SQL.
		visible := func(viewer, target int) bool {
			v, o := pilot.Orgs[viewer], pilot.Orgs[target]
			switch {
			case v.Kind == anbao.KindOperator, viewer == target:
				return true
			case status[target] != anbao.OrgActive:
				return false
			case o.Kind != anbao.KindEnterprise:
				return true
			case v.Kind == anbao.KindRegulator:
				return v.Jurisdiction == "" || v.Jurisdiction == o.Jurisdiction
			case v.Kind == anbao.KindInsurer, v.Kind == anbao.KindProvider:
				return related[[2]int{viewer, target}]
			}
			return false
		}
		cii, section := true, "I"
		inSection := map[string]bool{}
		for _, d := range refdata.DivisionsOf(section) {
			inSection[d.Code] = true
		}
		prof := func(o *anbao.Organisation) anbao.EnterpriseProfile {
			if o.Profile == nil {
				return anbao.EnterpriseProfile{}
			}
			return *o.Profile
		}
		filters := []struct {
			name  string
			f     anbao.OrgFilter
			match func(o *anbao.Organisation, i int) bool
		}{
			{"all", anbao.OrgFilter{}, func(*anbao.Organisation, int) bool { return true }},
			{"enterprises", anbao.OrgFilter{Kind: anbao.KindEnterprise}, func(o *anbao.Organisation, _ int) bool { return o.Kind == anbao.KindEnterprise }},
			{"pending", anbao.OrgFilter{Status: anbao.OrgPending}, func(_ *anbao.Organisation, i int) bool { return status[i] == anbao.OrgPending }},
			{"suspended", anbao.OrgFilter{Status: anbao.OrgSuspended}, func(_ *anbao.Organisation, i int) bool { return status[i] == anbao.OrgSuspended }},
			{"insurers", anbao.OrgFilter{Kind: anbao.KindInsurer}, func(o *anbao.Organisation, _ int) bool { return o.Kind == anbao.KindInsurer }},
			{"jurisdiction 32", anbao.OrgFilter{Jurisdiction: "32"}, func(o *anbao.Organisation, _ int) bool { return o.Jurisdiction == "32" }},
			{"jurisdiction 4403 enterprises", anbao.OrgFilter{Kind: anbao.KindEnterprise, Jurisdiction: "4403"}, func(o *anbao.Organisation, _ int) bool {
				return o.Kind == anbao.KindEnterprise && o.Jurisdiction == "4403"
			}},
			{"CII", anbao.OrgFilter{CII: &cii}, func(o *anbao.Organisation, _ int) bool { return prof(o).CII }},
			{"section I", anbao.OrgFilter{Industry: section}, func(o *anbao.Organisation, _ int) bool { return inSection[prof(o).Industry] }},
			{"division 65", anbao.OrgFilter{Industry: "65"}, func(o *anbao.Organisation, _ int) bool { return prof(o).Industry == "65" }},
			{"micro", anbao.OrgFilter{Size: anbao.SizeMicro}, func(o *anbao.Organisation, _ int) bool { return prof(o).Size == anbao.SizeMicro }},
			{"query 科技", anbao.OrgFilter{Query: "科技"}, func(o *anbao.Organisation, _ int) bool {
				return strings.Contains(o.NameZH, "科技") || strings.Contains(o.NameEN, "科技")
			}},
			{"query suzhou any case", anbao.OrgFilter{Query: " SUZHOU "}, func(o *anbao.Organisation, _ int) bool {
				return strings.Contains(strings.ToLower(o.NameEN), "suzhou")
			}},
			{"query by USCC in lower case", anbao.OrgFilter{Query: strings.ToLower(pilot.Orgs[ent1].USCC[2:12])}, func(o *anbao.Organisation, _ int) bool {
				return strings.Contains(o.USCC, pilot.Orgs[ent1].USCC[2:12])
			}},
			{"percent is literal", anbao.OrgFilter{Query: "%"}, func(o *anbao.Organisation, _ int) bool { return false }},
			{"underscore is literal", anbao.OrgFilter{Query: "_"}, func(o *anbao.Organisation, _ int) bool { return false }},
			{"kind and status", anbao.OrgFilter{Kind: anbao.KindEnterprise, Status: anbao.OrgActive, Size: anbao.SizeSmall}, func(o *anbao.Organisation, i int) bool {
				return o.Kind == anbao.KindEnterprise && status[i] == anbao.OrgActive && prof(o).Size == anbao.SizeSmall
			}},
		}
		viewers := []string{"op.admin", "miit.admin", "reg32.admin", "reg4403.analyst", "ins1.uw", "prov1.admin", "ent1.admin", "ent2.member"}
		for _, name := range viewers {
			viewer := userRef(t, pilot, name)
			ctx := as(t, st, name)
			for _, f := range filters {
				var want []int64
				for i, o := range pilot.Orgs {
					if visible(viewer, i) && f.match(o, i) {
						want = append(want, ids[o.USCC])
					}
				}
				f.f.Limit = anbao.MaxPageLimit
				l, err := st.ListOrganisations(ctx, f.f)
				if err != nil {
					t.Errorf("%s %s: %v", name, f.name, err)
					continue
				}
				var got []int64
				for _, o := range l.Items {
					got = append(got, o.ID)
				}
				if l.Total != len(want) || !slices.Equal(got, want) {
					t.Errorf("%s %s: total %d ids %v\nwant total %d ids %v", name, f.name, l.Total, got, len(want), want)
				}
			}
			// Organisations one by one: visible ones read, the rest are not found. Every
			// enterprise and every inactive organisation is tried; of the other
			// participants, whom everyone sees, every third.
			for i, o := range pilot.Orgs {
				if o.Kind != anbao.KindEnterprise && status[i] == anbao.OrgActive && i != viewer && i%3 != 0 {
					continue
				}
				got, err := st.GetOrganisation(ctx, ids[o.USCC])
				if visible(viewer, i) {
					if err != nil || got.USCC != o.USCC || got.Status != status[i] {
						t.Errorf("%s reads %s (%s %s %s): %v", name, o.NameZH, o.Kind, status[i], o.Jurisdiction, err)
					}
				} else if !checkErr(t, err, anbao.ENOTFOUND, "error.not_found") {
					t.Errorf("  %s reads %s (%s %s %s)", name, o.NameZH, o.Kind, status[i], o.Jurisdiction)
				}
			}
		}

		// The cases named in the specification, spelled out.
		reg32 := as(t, st, "reg32.admin")
		_, err = st.GetOrganisation(reg32, firstEnterpriseIn(t, pilot, ids, "44"))
		checkErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.GetOrganisation(reg32, firstEnterpriseIn(t, pilot, ids, "32"))
		checkErr(t, err, "", "")
		e1 := as(t, st, "ent1.admin")
		_, err = st.GetOrganisation(e1, ids[pilot.Orgs[pilot.Refs(anbao.KindEnterprise)[1]].USCC])
		checkErr(t, err, anbao.ENOTFOUND, "error.not_found")
		l, err := st.ListOrganisations(e1, anbao.OrgFilter{Kind: anbao.KindEnterprise})
		if err != nil || l.Total != 1 || l.Items[0].ID != ids[pilot.Orgs[ent1].USCC] {
			t.Errorf("ent1 sees enterprises %+v, %v", l, err)
		}
		all := demo.Summary(pilot)
		l, err = st.ListOrganisations(opAdmin, anbao.OrgFilter{Kind: anbao.KindEnterprise, Page: anbao.Page{Limit: 7, Offset: 7}})
		if err != nil || l.Total != all[anbao.KindEnterprise] || len(l.Items) != 7 {
			t.Errorf("operator page: total %d items %d, %v", l.Total, len(l.Items), err)
		}
		pendingN := 0
		for _, o := range pilot.Orgs {
			if o.Status == anbao.OrgPending {
				pendingN++
			}
		}
		if pendingN == 0 {
			t.Fatal("the pilot has no pending enterprise to hide")
		}
	})
}

func TestListOrganisationsRejectsBadFilters(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		cases := []struct {
			ctx  context.Context
			f    anbao.OrgFilter
			code string
			key  string
		}{
			{context.Background(), anbao.OrgFilter{}, anbao.EUNAUTHORIZED, "error.unauthorized"},
			{sys(), anbao.OrgFilter{Kind: "broker"}, anbao.EINVALID, "org.kind_invalid"},
			{sys(), anbao.OrgFilter{Status: "deleted"}, anbao.EINVALID, "org.status_invalid"},
			{sys(), anbao.OrgFilter{Jurisdiction: "99"}, anbao.EINVALID, "org.jurisdiction_unknown"},
			{sys(), anbao.OrgFilter{Industry: "Z"}, anbao.EINVALID, "org.industry_unknown"},
			{sys(), anbao.OrgFilter{Industry: "00"}, anbao.EINVALID, "org.industry_unknown"},
			{sys(), anbao.OrgFilter{Size: "giant"}, anbao.EINVALID, "org.size_invalid"},
			{sys(), anbao.OrgFilter{Query: strings.Repeat("查", 101)}, anbao.EINVALID, "error.too_long"},
			{sys(), anbao.OrgFilter{Query: strings.Repeat("查", 100)}, "", ""},
		}
		for i, c := range cases {
			if !checkErr(t, func() error { _, err := st.ListOrganisations(c.ctx, c.f); return err }(), c.code, c.key) {
				t.Errorf("  in case %d", i)
			}
		}
	})
}

func TestConcurrentDecisions(t *testing.T) {
	// Two operators deciding on one organisation at once: one decision wins,
	// the other finds the state moved on, as it would one after the other.
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		pilot := loadPilot(t, st)
		ids := orgIDs(t, st)
		opAdmin := as(t, st, "op.admin")
		race := func(id int64, ds ...store.OrgDecision) (wins []store.OrgDecision, errs []error) {
			out := make([]error, len(ds))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, d := range ds {
				wg.Go(func() { <-start; _, out[i] = st.DecideOrganisation(opAdmin, id, d, "并发决定") })
			}
			close(start)
			wg.Wait()
			for i, err := range out {
				if err == nil {
					wins = append(wins, ds[i])
				} else if anbao.ErrorCode(err) != anbao.ECONFLICT {
					errs = append(errs, err)
				}
			}
			return wins, errs
		}
		// Approve against reject on every pending enterprise.
		for _, o := range pilot.Orgs {
			if o.Status != anbao.OrgPending {
				continue
			}
			id := ids[o.USCC]
			seq := headSeq(t, st)
			wins, errs := race(id, store.DecisionApprove, store.DecisionReject)
			got, _ := st.GetOrganisation(sys(), id)
			if len(wins) != 1 || len(errs) > 0 || len(auditSince(t, st, seq)) != 1 || got.Version != 2 {
				t.Errorf("%s: decisions %v won, errors %v, %d audited, version %d", o.NameZH, wins, errs, len(auditSince(t, st, seq)), got.Version)
			}
		}
		// Two suspensions of one active enterprise, again and again.
		id := firstEnterpriseIn(t, pilot, ids, "32")
		for r := range 6 {
			seq := headSeq(t, st)
			wins, errs := race(id, store.DecisionSuspend, store.DecisionSuspend)
			if len(wins) != 1 || len(errs) > 0 || len(auditSince(t, st, seq)) != 1 {
				t.Errorf("round %d: %d suspensions won, errors %v", r, len(wins), errs)
			}
			_, err := st.DecideOrganisation(opAdmin, id, store.DecisionReactivate, "恢复")
			must(t, err)
		}
		verifyOK(t, st, -1)
	})
}
