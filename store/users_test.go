package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

func TestUserManagement(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		pilot := loadPilot(t, st)
		ids := orgIDs(t, st)
		orgOf := func(user string) int64 { return ids[pilot.Orgs[userRef(t, pilot, user)].USCC] }
		ent1, ent2, ins1 := orgOf("ent1.admin"), orgOf("ent2.admin"), orgOf("ins1.admin")
		admin := as(t, st, "ent1.admin")
		member, memberSess := login(t, st, "ent1.member", demo.Password)
		mctx := ctxOf(member)
		opAdmin := as(t, st, "op.admin")
		reg32 := as(t, st, "reg32.admin")
		insAdmin := as(t, st, "ins1.admin")
		ap := anbao.PrincipalFrom(admin)
		const pw = "fresh-user-pass-2026"
		user := func(name string, roles ...anbao.Role) *anbao.User { return &anbao.User{Username: name, Roles: roles} }

		creates := []struct {
			name string
			ctx  context.Context
			org  int64
			u    *anbao.User
			pw   string
			code string
			key  string
		}{
			{"member", mctx, ent1, user("new.one", anbao.RoleMember), pw, anbao.EFORBIDDEN, "error.forbidden"},
			{"another enterprise", admin, ent2, user("new.one", anbao.RoleMember), pw, anbao.ENOTFOUND, "error.not_found"},
			{"a visible insurer", admin, ins1, user("new.one", anbao.RoleMember), pw, anbao.EFORBIDDEN, "error.forbidden"},
			{"regulator into an enterprise it supervises", reg32, firstEnterpriseIn(t, pilot, ids, "32"), user("new.one", anbao.RoleMember), pw, anbao.EFORBIDDEN, "error.forbidden"},
			{"role of another kind", admin, ent1, user("new.one", anbao.RoleUnderwriter), pw, anbao.EINVALID, "user.role_invalid"},
			{"no roles", admin, ent1, user("new.one"), pw, anbao.EINVALID, "user.roles_required"},
			{"short username", admin, ent1, user("ab", anbao.RoleMember), pw, anbao.EINVALID, "user.username_invalid"},
			{"username with a space", admin, ent1, user("new one", anbao.RoleMember), pw, anbao.EINVALID, "user.username_invalid"},
			{"bad e-mail", admin, ent1, &anbao.User{Username: "new.one", Roles: []anbao.Role{anbao.RoleMember}, Email: "Name <x@y.example>"}, pw, anbao.EINVALID, "user.email_invalid"},
			{"bad locale", admin, ent1, &anbao.User{Username: "new.one", Roles: []anbao.Role{anbao.RoleMember}, Locale: "fr"}, pw, anbao.EINVALID, "user.locale_invalid"},
			{"long display name", admin, ent1, &anbao.User{Username: "new.one", Roles: []anbao.Role{anbao.RoleMember}, DisplayName: strings.Repeat("名", 101)}, pw, anbao.EINVALID, "error.too_long"},
			{"weak password", admin, ent1, user("new.one", anbao.RoleMember), "1234567890", anbao.EINVALID, "password.too_common"},
			{"taken username", admin, ent1, user("ENT2.Admin", anbao.RoleMember), pw, anbao.ECONFLICT, "user.username_taken"},
		}
		for _, k := range creates {
			entries, users := auditCount(t, st), count(t, st, "SELECT COUNT(*) FROM users")
			_, err := st.CreateUser(k.ctx, k.org, k.u, k.pw)
			if !checkErr(t, err, k.code, k.key) {
				t.Errorf("  in case %q", k.name)
			}
			if auditCount(t, st) != entries || count(t, st, "SELECT COUNT(*) FROM users") != users {
				t.Errorf("%s: wrote", k.name)
			}
		}
		seq := headSeq(t, st)
		nu, err := st.CreateUser(admin, ent1, &anbao.User{Username: " New.Analyst ", Roles: []anbao.Role{anbao.RoleMember, anbao.RoleMember},
			Email: "na@ent1.example", DisplayName: " 新同事 "}, pw)
		must(t, err)
		if nu.Username != "new.analyst" || nu.OrgID != ent1 || !slices.Equal(nu.Roles, []anbao.Role{anbao.RoleMember}) || nu.Locale != "zh-CN" || nu.DisplayName != "新同事" {
			t.Errorf("created %+v", nu)
		}
		if es := auditSince(t, st, seq); len(es) != 1 || es[0].Action != "user.create" || es[0].OrgID != ent1 || strings.Contains(string(es[0].After), "argon2") {
			t.Errorf("create audit %v", es)
		}

		// Reading users.
		reads := []struct {
			name  string
			ctx   context.Context
			org   int64
			total int
			code  string
		}{
			{"own organisation", admin, ent1, 3, ""},
			{"operator admin", opAdmin, ent1, 3, ""},
			{"operator auditor", as(t, st, "op.auditor"), ent2, 2, ""},
			{"member", mctx, ent1, 0, anbao.EFORBIDDEN},
			{"another enterprise", admin, ent2, 0, anbao.ENOTFOUND},
			{"visible insurer", admin, ins1, 0, anbao.EFORBIDDEN},
			{"insurer of a consenting enterprise", insAdmin, ent1, 0, anbao.EFORBIDDEN},
		}
		for _, r := range reads {
			l, total, err := st.ListUsers(r.ctx, r.org, anbao.Page{})
			if anbao.ErrorCode(err) != r.code || r.code == "" && (total != r.total || len(l) != r.total) {
				t.Errorf("%s: %d users (%d listed), %v", r.name, total, len(l), err)
			}
		}
		if u, err := st.GetUser(mctx, member.UserID); err != nil || u.Username != "ent1.member" {
			t.Errorf("own user: %+v, %v", u, err)
		}
		_, err = st.GetUser(mctx, ap.UserID)
		checkErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.GetUser(reg32, member.UserID)
		checkErr(t, err, anbao.ENOTFOUND, "error.not_found")

		// Updating users.
		str := func(s string) *string { return &s }
		roles := func(rs ...anbao.Role) *[]anbao.Role { return &rs }
		yes := true
		e2admin := anbao.PrincipalFrom(as(t, st, "ent2.admin"))
		updates := []struct {
			name  string
			ctx   context.Context
			id    int64
			patch store.UserPatch
			code  string
			key   string
		}{
			{"member's own roles", mctx, member.UserID, store.UserPatch{Roles: roles(anbao.RoleAdmin)}, anbao.EFORBIDDEN, "user.self_admin"},
			{"admin disables self", admin, ap.UserID, store.UserPatch{Disabled: &yes}, anbao.EFORBIDDEN, "user.self_admin"},
			{"admin drops own admin role", admin, ap.UserID, store.UserPatch{Roles: roles(anbao.RoleMember)}, anbao.EFORBIDDEN, "user.self_admin"},
			{"member edits admin", mctx, ap.UserID, store.UserPatch{DisplayName: str("被改")}, anbao.ENOTFOUND, "error.not_found"},
			{"another enterprise's user", admin, e2admin.UserID, store.UserPatch{DisplayName: str("越权")}, anbao.ENOTFOUND, "error.not_found"},
			{"regulator", reg32, member.UserID, store.UserPatch{DisplayName: str("越权")}, anbao.ENOTFOUND, "error.not_found"},
			{"insurer", insAdmin, member.UserID, store.UserPatch{DisplayName: str("越权")}, anbao.ENOTFOUND, "error.not_found"},
			{"role of another kind", admin, member.UserID, store.UserPatch{Roles: roles(anbao.RoleAuditor)}, anbao.EINVALID, "user.role_invalid"},
			{"no roles", admin, member.UserID, store.UserPatch{Roles: roles()}, anbao.EINVALID, "user.roles_required"},
			{"bad locale", mctx, member.UserID, store.UserPatch{Locale: str("de")}, anbao.EINVALID, "user.locale_invalid"},
			{"stale version", mctx, member.UserID, store.UserPatch{DisplayName: str("旧"), Version: 7}, anbao.ECONFLICT, "error.version_conflict"},
			{"anonymous", context.Background(), member.UserID, store.UserPatch{DisplayName: str("谁")}, anbao.EUNAUTHORIZED, "error.unauthorized"},
			{"no such user", opAdmin, 1 << 40, store.UserPatch{DisplayName: str("无")}, anbao.ENOTFOUND, "error.not_found"},
		}
		for _, k := range updates {
			entries := auditCount(t, st)
			_, err := st.UpdateUser(k.ctx, k.id, k.patch)
			if !checkErr(t, err, k.code, k.key) {
				t.Errorf("  in case %q", k.name)
			}
			if auditCount(t, st) != entries {
				t.Errorf("%s: audited", k.name)
			}
		}
		u, err := st.UpdateUser(mctx, member.UserID, store.UserPatch{DisplayName: str("自己改名"), Locale: str("en"), Version: 1})
		if err != nil || u.DisplayName != "自己改名" || u.Locale != "en" || u.Version != 2 {
			t.Errorf("self update %+v, %v", u, err)
		}
		if _, _, err := st.SessionPrincipal(context.Background(), memberSess.Token); err != nil {
			t.Errorf("a name change ended the session: %v", err)
		}
		// A role change ends the user's sessions, so that new rights apply at once.
		u, err = st.UpdateUser(admin, member.UserID, store.UserPatch{Roles: roles(anbao.RoleAdmin, anbao.RoleMember)})
		if err != nil || !slices.Equal(u.Roles, []anbao.Role{anbao.RoleAdmin, anbao.RoleMember}) {
			t.Errorf("role change %+v, %v", u, err)
		}
		if _, _, err := st.SessionPrincipal(context.Background(), memberSess.Token); err == nil {
			t.Errorf("the session survives a role change")
		}
		// Resetting the second factor: the next login needs none.
		secret := enrolTOTP(t, st, c, "ent1.member")
		if s, err := st.Login(context.Background(), "ent1.member", demo.Password, "", ""); err != nil || !s.MFAPending {
			t.Fatalf("login with TOTP: %+v, %v", s, err)
		}
		_, err = st.UpdateUser(opAdmin, member.UserID, store.UserPatch{ResetTOTP: true})
		must(t, err)
		s, err := st.Login(context.Background(), "ent1.member", demo.Password, "", "")
		if err != nil || s.MFAPending {
			t.Errorf("login after reset: %+v, %v", s, err)
		}
		if err := st.CompleteMFA(context.Background(), s.Token, code(t, secret, c.now())); err != nil {
			t.Errorf("complete on a session without a pending factor: %v", err)
		}
		verifyOK(t, st, -1)
	})
}
