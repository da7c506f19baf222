package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/totp"
)

func userCol(t testing.TB, st *store.Store, username, col string) string {
	t.Helper()
	var v string
	if err := st.RawDB().QueryRow("SELECT CAST("+col+" AS TEXT) FROM users WHERE username = $1", username).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func afterJSON(t testing.TB, e *anbao.AuditEntry) map[string]any {
	t.Helper()
	m := map[string]any{}
	if len(e.After) > 0 {
		if err := json.Unmarshal(e.After, &m); err != nil {
			t.Fatalf("entry %d: %v", e.Seq, err)
		}
	}
	return m
}

func TestLogin(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		ua := strings.Repeat("浏览器", 70) // 630 bytes
		sess, err := st.Login(context.Background(), "  ENT1.Admin ", demo.Password, "203.0.113.5", ua)
		must(t, err)
		if len(sess.Token) < 40 || len(sess.CSRF) < 30 || sess.UserID == 0 || sess.MFAPending || sess.MustEnrolTOTP ||
			!sess.ExpiresAt.Equal(t0.Add(store.SessionTTL)) {
			t.Errorf("session %+v", sess)
		}
		if e := lastAudit(t, st); e.Action != "user.login" || e.ActorName != "ent1.admin" || e.ActorID != sess.UserID ||
			afterJSON(t, e)["ip"] != "203.0.113.5" {
			t.Errorf("audit %+v", e)
		}
		if got := userCol(t, st, "ent1.admin", "last_login_at"); got != anbao.FormatTime(t0) {
			t.Errorf("last login %s", got)
		}
		var stored string
		must(t, st.RawDB().QueryRow("SELECT user_agent FROM sessions WHERE user_id = $1", sess.UserID).Scan(&stored))
		if len(stored) > 200 || !utf8.ValidString(stored) || !strings.HasPrefix(ua, stored) {
			t.Errorf("user agent stored as %d bytes %q", len(stored), stored)
		}

		// Standing: a disabled user and a suspended organisation.
		member, memberSess := login(t, st, "ent1.member", demo.Password)
		e1admin := as(t, st, "ent1.admin")
		yes := true
		_, err = st.UpdateUser(e1admin, member.UserID, store.UserPatch{Disabled: &yes})
		must(t, err)
		if _, _, err := st.SessionPrincipal(context.Background(), memberSess.Token); anbao.ErrorCode(err) != anbao.EUNAUTHORIZED {
			t.Errorf("disabled user's session: %v", err)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", member.UserID); n != 0 {
			t.Errorf("disabling kept %d sessions", n)
		}
		opAdmin := as(t, st, "op.admin")
		ent2 := anbao.PrincipalFrom(as(t, st, "ent2.admin"))
		_, err = st.DecideOrganisation(opAdmin, ent2.OrgID, store.DecisionSuspend, "测试暂停")
		must(t, err)

		long := strings.Repeat("p", 1025)
		cases := []struct {
			name, user, pw string
			code, key      string
			action         string // audit entry written, "" for none
		}{
			{"wrong password", "ent1.admin", "wrong-password", anbao.EUNAUTHORIZED, "auth.invalid_credentials", "user.login_failed"},
			{"password of another user", "ent1.admin", "another-password-1", anbao.EUNAUTHORIZED, "auth.invalid_credentials", "user.login_failed"},
			{"unknown user", "nobody.here", demo.Password, anbao.EUNAUTHORIZED, "auth.invalid_credentials", ""},
			{"empty username", "", demo.Password, anbao.EUNAUTHORIZED, "auth.invalid_credentials", ""},
			{"empty password", "ent1.admin", "", anbao.EUNAUTHORIZED, "auth.invalid_credentials", ""},
			{"password over 1024 bytes", "ent1.admin", long, anbao.EUNAUTHORIZED, "auth.invalid_credentials", ""},
			{"username over 64 bytes", strings.Repeat("u", 65), demo.Password, anbao.EUNAUTHORIZED, "auth.invalid_credentials", ""},
			{"disabled user", "ent1.member", demo.Password, anbao.EFORBIDDEN, "auth.disabled", ""},
			{"disabled user, wrong password", "ent1.member", "wrong-password", anbao.EUNAUTHORIZED, "auth.invalid_credentials", "user.login_failed"},
			{"suspended organisation", "ent2.admin", demo.Password, anbao.EFORBIDDEN, "auth.org_suspended", ""},
			{"suspended organisation, wrong password", "ent2.admin", "wrong-password", anbao.EUNAUTHORIZED, "auth.invalid_credentials", "user.login_failed"},
		}
		for _, k := range cases {
			seq := headSeq(t, st)
			sessions := count(t, st, "SELECT COUNT(*) FROM sessions")
			s, err := st.Login(context.Background(), k.user, k.pw, "198.51.100.9", "")
			if s != nil || !checkErr(t, err, k.code, k.key) {
				t.Errorf("  in case %q", k.name)
			}
			es := auditSince(t, st, seq)
			if k.action == "" && len(es) != 0 || k.action != "" && (len(es) != 1 || es[0].Action != k.action || es[0].ActorName != k.user ||
				afterJSON(t, es[0])["ip"] != "198.51.100.9") {
				t.Errorf("%s: audit %v, want %q", k.name, actions(es), k.action)
			}
			if n := count(t, st, "SELECT COUNT(*) FROM sessions"); n != sessions {
				t.Errorf("%s: %d sessions opened", k.name, n-sessions)
			}
		}
		if got := userCol(t, st, "ent1.admin", "failed_logins"); got != "2" {
			t.Errorf("ent1.admin failed logins = %s, want 2", got)
		}
		// A success clears the count.
		c.add(time.Minute)
		login(t, st, "ent1.admin", demo.Password)
		if got := userCol(t, st, "ent1.admin", "failed_logins"); got != "0" {
			t.Errorf("failed logins after success = %s", got)
		}
		verifyOK(t, st, -1)
	})
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		const user = "ins1.claims"
		try := func(pw string) error {
			_, err := st.Login(context.Background(), user, pw, "198.51.100.20", "")
			return err
		}
		for i := 1; i <= store.MaxFailedLogins; i++ {
			c.add(time.Second)
			seq := headSeq(t, st)
			checkErr(t, try("guess-number-"+fmt.Sprint(i)), anbao.EUNAUTHORIZED, "auth.invalid_credentials")
			es := auditSince(t, st, seq)
			want := "user.login_failed"
			if i == store.MaxFailedLogins {
				want = "user.locked"
			}
			if len(es) != 1 || es[0].Action != want || afterJSON(t, es[0])["failed_logins"] != float64(i) {
				t.Fatalf("failure %d: audit %v", i, es)
			}
			if i == store.MaxFailedLogins && afterJSON(t, es[0])["locked_until"] != anbao.FormatTime(c.now().Add(store.LockoutDuration)) {
				t.Errorf("locked until %v", afterJSON(t, es[0])["locked_until"])
			}
		}
		lockedAt := c.now()
		seq := headSeq(t, st)
		checkErr(t, try(demo.Password), anbao.ETOOMANY, "auth.locked")
		checkErr(t, try("wrong-again"), anbao.ETOOMANY, "auth.locked")
		c.set(lockedAt.Add(store.LockoutDuration - time.Second))
		checkErr(t, try(demo.Password), anbao.ETOOMANY, "auth.locked")
		if headSeq(t, st) != seq {
			t.Errorf("attempts while locked were audited")
		}
		c.set(lockedAt.Add(store.LockoutDuration))
		checkErr(t, try(demo.Password), "", "")
		if got := userCol(t, st, user, "failed_logins") + "|" + userCol(t, st, user, "locked_until"); got != "0|" {
			t.Errorf("after unlock: %s", got)
		}

		// Failures that a success interrupts do not add up.
		for i := 0; i < store.MaxFailedLogins-1; i++ {
			try("wrong-before")
		}
		checkErr(t, try(demo.Password), "", "")
		for i := 0; i < store.MaxFailedLogins-1; i++ {
			try("wrong-after")
		}
		checkErr(t, try(demo.Password), "", "")

		// An admin unlocks a locked colleague.
		for i := 0; i < store.MaxFailedLogins; i++ {
			try("wrong-lock")
		}
		checkErr(t, try(demo.Password), anbao.ETOOMANY, "auth.locked")
		admin := as(t, st, "ins1.admin")
		u := anbao.PrincipalFrom(admin)
		l, _, err := st.ListUsers(admin, u.OrgID, anbao.Page{})
		must(t, err)
		i := slices.IndexFunc(l, func(x *anbao.User) bool { return x.Username == user })
		if i < 0 || l[i].LockedUntil == "" {
			t.Fatalf("locked user not listed as locked: %+v", l)
		}
		_, err = st.UpdateUser(admin, l[i].ID, store.UserPatch{Unlock: true})
		must(t, err)
		checkErr(t, try(demo.Password), "", "")
		verifyOK(t, st, -1)
	})
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		p, s := login(t, st, "ent1.admin", demo.Password)
		if p.Username != "ent1.admin" || p.OrgKind != anbao.KindEnterprise || !slices.Equal(p.Roles, []anbao.Role{anbao.RoleAdmin}) ||
			p.SessionID == "" || p.Scopes != nil || p.TokenID != 0 || p.System || s.UserID != p.UserID || s.MFAPending {
			t.Errorf("principal %+v session %+v", p, s)
		}
		for _, bad := range []string{"", "not-a-session", strings.Repeat("a", 101), s.Token + "x"} {
			_, _, err := st.SessionPrincipal(context.Background(), bad)
			checkErr(t, err, anbao.EUNAUTHORIZED, "auth.session_expired")
		}
		lastSeen := func() string {
			var v string
			must(t, st.RawDB().QueryRow("SELECT last_seen_at FROM sessions WHERE id_hash = $1", p.SessionID).Scan(&v))
			return v
		}
		check := func(tok string, ok bool, what string) {
			t.Helper()
			_, _, err := st.SessionPrincipal(context.Background(), tok)
			if ok && err != nil || !ok && !checkErr(t, err, anbao.EUNAUTHORIZED, "auth.session_expired") {
				t.Errorf("%s at +%v: %v", what, c.now().Sub(t0), err)
			}
		}

		// Reads touch the session at most once a minute.
		c.add(30 * time.Second)
		check(s.Token, true, "fresh session")
		if lastSeen() != anbao.FormatTime(t0) {
			t.Errorf("touched within a minute: %s", lastSeen())
		}
		c.add(time.Minute)
		check(s.Token, true, "fresh session")
		if lastSeen() != anbao.FormatTime(c.now()) {
			t.Errorf("not touched after a minute: %s", lastSeen())
		}
		// Idle timeout.
		c.add(store.SessionIdle - time.Second)
		check(s.Token, true, "just under the idle limit")
		c.add(store.SessionIdle + time.Second)
		check(s.Token, false, "idle session")
		c.add(-store.SessionIdle) // the expired session is gone, not just refused
		check(s.Token, false, "removed idle session")
		if n := count(t, st, "SELECT COUNT(*) FROM sessions WHERE id_hash = $1", p.SessionID); n != 0 {
			t.Errorf("idle session kept")
		}

		// Absolute lifetime, however active the user.
		start := c.now()
		_, s2 := login(t, st, "ent1.admin", demo.Password)
		for c.now().Add(store.SessionIdle - time.Minute).Before(start.Add(store.SessionTTL)) {
			c.add(store.SessionIdle - time.Minute)
			check(s2.Token, true, "active session")
		}
		c.set(start.Add(store.SessionTTL - time.Second))
		check(s2.Token, true, "active session before its end")
		c.set(start.Add(store.SessionTTL))
		check(s2.Token, false, "session past its lifetime")

		// Logout ends the session once, audited once.
		lp, s3 := login(t, st, "ent1.admin", demo.Password)
		seq := headSeq(t, st)
		must(t, st.Logout(ctxOf(lp), s3.Token))
		check(s3.Token, false, "logged out session")
		must(t, st.Logout(ctxOf(lp), s3.Token))
		must(t, st.Logout(context.Background(), "never-issued"))
		if es := auditSince(t, st, seq); len(es) != 1 || es[0].Action != "user.logout" || es[0].ActorID != lp.UserID {
			t.Errorf("logout audit %v", actions(es))
		}

		// PurgeExpired removes what has expired and keeps live sessions.
		_, live := login(t, st, "ent1.admin", demo.Password)
		storetest.Exec(t, st, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
			VALUES ('stale-1', $1, 'x', $2, $2, $2), ('stale-2', $1, 'x', $3, $4, $3)`, lp.UserID,
			anbao.FormatTime(c.now().Add(-time.Minute)), anbao.FormatTime(c.now().Add(-3*time.Hour)), anbao.FormatTime(c.now().Add(time.Hour)))
		must(t, st.PurgeExpired(context.Background()))
		if n := count(t, st, "SELECT COUNT(*) FROM sessions WHERE id_hash IN ('stale-1', 'stale-2')"); n != 0 {
			t.Errorf("%d stale sessions survive the purge", n)
		}
		check(live.Token, true, "live session after the purge")
	})
}

// wrongCode returns a six-digit code valid at no step near now.
func wrongCode(t testing.TB, secret string, now time.Time) string {
	t.Helper()
	for _, w := range []string{"000000", "111111", "222222", "333333"} {
		if _, ok := totp.Verify(secret, w, now); !ok {
			return w
		}
	}
	t.Fatal("no wrong code")
	return ""
}

func code(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.Code(secret, at)
	must(t, err)
	return c
}

// enrolTOTP gives username a second factor at the clock's current time and
// returns the secret; the clock then moves to the next step.
func enrolTOTP(t testing.TB, st *store.Store, c *clock, username string) string {
	t.Helper()
	ctx := as(t, st, username)
	secret, _, err := st.BeginTOTP(ctx)
	must(t, err)
	must(t, st.ConfirmTOTP(ctx, code(t, secret, c.now())))
	c.add(totp.Period)
	return secret
}

func TestTOTP(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		p, own := login(t, st, "ent1.admin", demo.Password)
		_, other := login(t, st, "ent1.admin", demo.Password)
		ctx := ctxOf(p)

		_, _, err := st.BeginTOTP(sys())
		checkErr(t, err, anbao.EUNAUTHORIZED, "error.unauthorized")
		checkErr(t, st.ConfirmTOTP(ctx, "123456"), anbao.ECONFLICT, "auth.totp_not_started")
		secret, uri, err := st.BeginTOTP(ctx)
		must(t, err)
		if len(secret) < 32 || !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret) || !strings.Contains(uri, "ent1.admin") {
			t.Errorf("secret %q uri %q", secret, uri)
		}
		checkErr(t, st.ConfirmTOTP(ctx, wrongCode(t, secret, c.now())), anbao.EINVALID, "auth.totp_invalid")
		checkErr(t, st.ConfirmTOTP(ctx, "12345"), anbao.EINVALID, "auth.totp_invalid")
		if u, _ := st.GetUser(ctx, p.UserID); u.TOTPEnabled {
			t.Errorf("enabled by a wrong code")
		}
		seq := headSeq(t, st)
		must(t, st.ConfirmTOTP(ctx, code(t, secret, c.now())))
		if es := auditSince(t, st, seq); len(es) != 1 || es[0].Action != "user.totp_enable" {
			t.Errorf("enable audit %v", actions(es))
		}
		checkErr(t, st.ConfirmTOTP(ctx, code(t, secret, c.now())), anbao.ECONFLICT, "auth.totp_not_started")
		if u, _ := st.GetUser(ctx, p.UserID); !u.TOTPEnabled {
			t.Errorf("user %+v", u)
		}
		if _, _, err := st.SessionPrincipal(context.Background(), own.Token); err != nil {
			t.Errorf("enrolling session ended: %v", err)
		}
		if _, _, err := st.SessionPrincipal(context.Background(), other.Token); err == nil {
			t.Errorf("other session survives enrolment")
		}

		// A password login is now half a login.
		enrolStep := c.now()
		c.add(totp.Period)
		seq = headSeq(t, st)
		sess, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		must(t, err)
		if !sess.MFAPending {
			t.Fatalf("login with TOTP not pending: %+v", sess)
		}
		if _, s, err := st.SessionPrincipal(context.Background(), sess.Token); err != nil || !s.MFAPending {
			t.Errorf("pending session resolves as %+v, %v", s, err)
		}
		if e := lastAudit(t, st); e.Action != "user.login_password" {
			t.Errorf("audit %s", e.Action)
		}
		steps := []struct {
			name  string
			code  string
			err   string
			fails string // failed_logins afterwards
		}{
			{"wrong code", wrongCode(t, secret, c.now()), anbao.EINVALID, "1"},
			{"malformed code", "12 34 56", anbao.EINVALID, "2"},
			{"code of the enrolment step (replay)", code(t, secret, enrolStep), anbao.EINVALID, "3"},
			{"right code with spaces", " " + code(t, secret, c.now()) + " ", "", "0"},
			{"again on a completed session", wrongCode(t, secret, c.now()), "", "0"},
		}
		for _, s := range steps {
			seq := headSeq(t, st)
			err := st.CompleteMFA(context.Background(), sess.Token, s.code)
			key := ""
			if s.err != "" {
				key = "auth.totp_invalid"
			}
			if !checkErr(t, err, s.err, key) {
				t.Errorf("  in step %q", s.name)
			}
			if got := userCol(t, st, "ent1.admin", "failed_logins"); got != s.fails {
				t.Errorf("%s: failed logins %s, want %s", s.name, got, s.fails)
			}
			es := auditSince(t, st, seq)
			switch {
			case s.err != "" && (len(es) != 1 || es[0].Action != "user.totp_failed"),
				s.name == "right code with spaces" && (len(es) != 1 || es[0].Action != "user.login" || afterJSON(t, es[0])["mfa"] != "totp"),
				s.name == "again on a completed session" && len(es) != 0:
				t.Errorf("%s: audit %v", s.name, actions(es))
			}
		}
		if _, s, err := st.SessionPrincipal(context.Background(), sess.Token); err != nil || s.MFAPending {
			t.Errorf("completed session resolves as %+v, %v", s, err)
		}

		// The same code cannot complete a second login in the same step.
		sess2, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		must(t, err)
		checkErr(t, st.CompleteMFA(context.Background(), sess2.Token, code(t, secret, c.now())), anbao.EINVALID, "auth.totp_invalid")
		c.add(totp.Period)
		checkErr(t, st.CompleteMFA(context.Background(), sess2.Token, code(t, secret, c.now())), "", "")
		checkErr(t, st.CompleteMFA(context.Background(), "no-such-session", "123456"), anbao.EUNAUTHORIZED, "auth.session_expired")

		// An organisation that requires a second factor flags users without one.
		_, err = st.UpdateOrganisation(ctx, p.OrgID, store.OrgPatch{RequireTOTP: func() *bool { b := true; return &b }()})
		must(t, err)
		m, err := st.Login(context.Background(), "ent1.member", demo.Password, "", "")
		must(t, err)
		if !m.MustEnrolTOTP || m.MFAPending {
			t.Errorf("member session %+v", m)
		}
		verifyOK(t, st, -1)
	})
}

func TestTOTPFailuresLockAcrossLogins(t *testing.T) {
	t.Parallel()
	// Knowing the password must not buy unlimited guesses at the second factor:
	// wrong codes keep counting until a login is complete.
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		secret := enrolTOTP(t, st, c, "ent1.admin")
		wrong := wrongCode(t, secret, c.now())
		for round := 0; round < 2; round++ {
			sess, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
			if err != nil {
				break // locked: what this test wants
			}
			for i := 0; i < store.MaxFailedLogins-1; i++ {
				if st.CompleteMFA(context.Background(), sess.Token, wrong) == nil {
					t.Fatal("wrong code accepted")
				}
			}
		}
		_, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		if !checkErr(t, err, anbao.ETOOMANY, "auth.locked") {
			t.Errorf("after %d wrong codes in a row (failed_logins now %s), the account is not locked",
				2*(store.MaxFailedLogins-1), userCol(t, st, "ent1.admin", "failed_logins"))
		}
	})
}

func TestTOTPLockoutStopsOtherPendingSessions(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		secret := enrolTOTP(t, st, c, "ent1.admin")
		a, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		must(t, err)
		b, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		must(t, err)
		wrong := wrongCode(t, secret, c.now())
		for i := 0; i < store.MaxFailedLogins; i++ {
			checkErr(t, st.CompleteMFA(context.Background(), a.Token, wrong), anbao.EINVALID, "auth.totp_invalid")
		}
		if e := lastAudit(t, st); e.Action != "user.totp_failed" || afterJSON(t, e)["locked_until"] == "" {
			t.Errorf("lockout audit %+v", e)
		}
		checkErr(t, st.CompleteMFA(context.Background(), a.Token, code(t, secret, c.now())), anbao.EUNAUTHORIZED, "auth.session_expired")
		_, err = st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		checkErr(t, err, anbao.ETOOMANY, "auth.locked")

		// The other half-open session must not keep guessing, nor lift the lock.
		if st.CompleteMFA(context.Background(), b.Token, wrong) == nil {
			t.Fatal("wrong code accepted")
		}
		_, err = st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
		if !checkErr(t, err, anbao.ETOOMANY, "auth.locked") {
			t.Errorf("a wrong code on another pending session lifted the lock (locked_until %q)", userCol(t, st, "ent1.admin", "locked_until"))
		}
		c.add(totp.Period)
		storetest.Exec(t, st, "UPDATE users SET locked_until = $1 WHERE username = 'ent1.admin'", anbao.FormatTime(c.now().Add(time.Hour)))
		err = st.CompleteMFA(context.Background(), b.Token, code(t, secret, c.now()))
		_, s, _ := st.SessionPrincipal(context.Background(), b.Token)
		if err == nil || s != nil && !s.MFAPending {
			t.Errorf("the right code completed a login of a locked account (err %v, session %+v)", err, s)
		}
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		pilot := loadPilot(t, st)
		admin := as(t, st, "ent1.admin")
		member := as(t, st, "ent1.member")
		ap := anbao.PrincipalFrom(admin)
		read := []anbao.TokenScope{anbao.ScopeRead}
		day := 24 * time.Hour

		faults := []struct {
			name   string
			ctx    context.Context
			tname  string
			scopes []anbao.TokenScope
			ttl    time.Duration
			code   string
			key    string
		}{
			{"anonymous", context.Background(), "ci", read, day, anbao.EUNAUTHORIZED, "error.unauthorized"},
			{"system", sys(), "ci", read, day, anbao.EFORBIDDEN, "error.forbidden"},
			{"no name", admin, "  ", read, day, anbao.EINVALID, "error.required"},
			{"one-character name", admin, "x", read, day, anbao.EINVALID, "error.required"},
			{"long name", admin, strings.Repeat("n", 101), read, day, anbao.EINVALID, "error.too_long"},
			{"no scopes", admin, "ci", nil, day, anbao.EINVALID, "token.scopes_required"},
			{"empty scopes", admin, "ci", []anbao.TokenScope{}, day, anbao.EINVALID, "token.scopes_required"},
			{"unknown scope", admin, "ci", []anbao.TokenScope{"admin"}, day, anbao.EINVALID, "token.scope_invalid"},
			{"one unknown scope", admin, "ci", []anbao.TokenScope{anbao.ScopeRead, "READ"}, day, anbao.EINVALID, "token.scope_invalid"},
			{"zero lifetime", admin, "ci", read, 0, anbao.EINVALID, "token.ttl_invalid"},
			{"negative lifetime", admin, "ci", read, -day, anbao.EINVALID, "token.ttl_invalid"},
			{"lifetime over the maximum", admin, "ci", read, store.MaxTokenTTL + time.Nanosecond, anbao.EINVALID, "token.ttl_invalid"},
		}
		for _, f := range faults {
			entries, tokens := auditCount(t, st), count(t, st, "SELECT COUNT(*) FROM api_tokens")
			secret, tok, err := st.CreateToken(f.ctx, f.tname, f.scopes, f.ttl)
			if secret != "" || tok != nil || !checkErr(t, err, f.code, f.key) {
				t.Errorf("  in case %q", f.name)
			}
			if auditCount(t, st) != entries || count(t, st, "SELECT COUNT(*) FROM api_tokens") != tokens {
				t.Errorf("%s: wrote", f.name)
			}
		}

		// A read token.
		seq := headSeq(t, st)
		readSecret, readTok, err := st.CreateToken(admin, " 报表同步 ", read, 30*day)
		must(t, err)
		if !strings.HasPrefix(readSecret, "anb_") || len(readSecret) < 40 || readTok.Prefix != readSecret[:10] || readTok.Name != "报表同步" ||
			readTok.UserID != ap.UserID || readTok.ExpiresAt != anbao.FormatTime(t0.Add(30*day)) || !slices.Equal(readTok.Scopes, read) {
			t.Errorf("token %+v", readTok)
		}
		es := auditSince(t, st, seq)
		if len(es) != 1 || es[0].Action != "token.create" || strings.Contains(string(es[0].After), readSecret[10:]) {
			t.Errorf("create audit %v %s", actions(es), es[0].After)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM api_tokens WHERE secret_hash = $1 OR prefix = $1", readSecret); n != 0 {
			t.Errorf("secret stored in clear")
		}
		rp, err := st.TokenPrincipal(context.Background(), readSecret)
		must(t, err)
		if rp.UserID != ap.UserID || rp.OrgID != ap.OrgID || rp.TokenID != readTok.ID || !slices.Equal(rp.Scopes, read) || rp.SessionID != "" {
			t.Errorf("token principal %+v", rp)
		}
		if !anbao.Can(rp, anbao.ActOrgRead) || !anbao.Can(rp, anbao.ActAuditRead) {
			t.Errorf("read token cannot read")
		}
		for _, a := range []anbao.Action{anbao.ActUserManage, anbao.ActOrgUpdate, anbao.ActTokenManage, anbao.ActAccount} {
			if anbao.Can(rp, a) {
				t.Errorf("read token may %s", a)
			}
		}
		if !anbao.Can(ap, anbao.ActUserManage) {
			t.Errorf("the admin's session may not manage users")
		}
		rctx := ctxOf(rp)
		name := "Read Token Rename"
		_, err = st.UpdateOrganisation(rctx, rp.OrgID, store.OrgPatch{NameEN: &name})
		checkErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		_, err = st.CreateUser(rctx, rp.OrgID, &anbao.User{Username: "via.token", Roles: []anbao.Role{anbao.RoleMember}}, "token-made-pass-1")
		checkErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		_, _, err = st.CreateToken(rctx, "child", read, day)
		checkErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		if _, err := st.ListAudit(rctx, anbao.AuditFilter{}); err != nil {
			t.Errorf("read token cannot read the audit log: %v", err)
		}

		// A write token acts fully, but makes no tokens.
		writeSecret, writeTok, err := st.CreateToken(admin, "deploy", []anbao.TokenScope{anbao.ScopeRead, anbao.ScopeWrite}, time.Hour)
		must(t, err)
		wp, err := st.TokenPrincipal(context.Background(), writeSecret)
		must(t, err)
		if !anbao.Can(wp, anbao.ActUserManage) {
			t.Errorf("write token may not manage users")
		}
		_, err = st.UpdateOrganisation(ctxOf(wp), wp.OrgID, store.OrgPatch{NameEN: &name})
		checkErr(t, err, "", "")
		_, _, err = st.CreateToken(ctxOf(wp), "child", read, day)
		checkErr(t, err, anbao.EFORBIDDEN, "token.no_token_from_token")
		_, _, err = st.CreateToken(admin, "longest", read, store.MaxTokenTTL)
		checkErr(t, err, "", "")

		// Listing and revoking are per user.
		list, err := st.ListTokens(admin)
		must(t, err)
		if len(list) != 3 || list[0].Name != "longest" || list[2].ID != readTok.ID {
			t.Errorf("tokens %+v", list)
		}
		if l, err := st.ListTokens(member); err != nil || len(l) != 0 {
			t.Errorf("member sees tokens %v, %v", l, err)
		}
		checkErr(t, st.RevokeToken(member, readTok.ID), anbao.ENOTFOUND, "error.not_found")
		checkErr(t, st.RevokeToken(admin, 1<<40), anbao.ENOTFOUND, "error.not_found")
		checkErr(t, st.RevokeToken(rctx, readTok.ID), anbao.EFORBIDDEN, "error.forbidden")
		if _, err := st.TokenPrincipal(context.Background(), readSecret); err != nil {
			t.Errorf("token revoked by someone else: %v", err)
		}
		seq = headSeq(t, st)
		must(t, st.RevokeToken(admin, readTok.ID))
		if es := auditSince(t, st, seq); len(es) != 1 || es[0].Action != "token.revoke" {
			t.Errorf("revoke audit %v", actions(es))
		}
		_, err = st.TokenPrincipal(context.Background(), readSecret)
		checkErr(t, err, anbao.EUNAUTHORIZED, "auth.token_revoked")
		checkErr(t, st.RevokeToken(admin, readTok.ID), anbao.ECONFLICT, "token.already_revoked")

		// Expiry.
		c.set(t0.Add(time.Hour - time.Second))
		if _, err := st.TokenPrincipal(context.Background(), writeSecret); err != nil {
			t.Errorf("token before its end: %v", err)
		}
		c.set(t0.Add(time.Hour))
		_, err = st.TokenPrincipal(context.Background(), writeSecret)
		checkErr(t, err, anbao.EUNAUTHORIZED, "auth.token_expired")
		if writeTok.ExpiresAt != anbao.FormatTime(t0.Add(time.Hour)) {
			t.Errorf("expires %s", writeTok.ExpiresAt)
		}
		for _, bad := range []string{"", "Bearer x", "anb_", "anb_" + strings.Repeat("x", 40), "anb_" + strings.Repeat("x", 100), strings.TrimPrefix(readSecret, "anb_")} {
			_, err := st.TokenPrincipal(context.Background(), bad)
			checkErr(t, err, anbao.EUNAUTHORIZED, "auth.token_invalid")
		}

		// Tokens die with their user's standing.
		memberSecret, _, err := st.CreateToken(member, "member token", read, day)
		must(t, err)
		yes := true
		_, err = st.UpdateUser(admin, anbao.PrincipalFrom(member).UserID, store.UserPatch{Disabled: &yes})
		must(t, err)
		_, err = st.TokenPrincipal(context.Background(), memberSecret)
		checkErr(t, err, anbao.EUNAUTHORIZED, "auth.token_invalid")
		_ = pilot
		verifyOK(t, st, -1)
	})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		setClock(st, t0)
		loadPilot(t, st)
		p, keep := login(t, st, "ent1.member", demo.Password)
		_, other := login(t, st, "ent1.member", demo.Password)
		ctx := ctxOf(p)
		const next = "a-new-long-passphrase"
		faults := []struct {
			name          string
			ctx           context.Context
			current, next string
			code, key     string
		}{
			{"anonymous", context.Background(), demo.Password, next, anbao.EUNAUTHORIZED, "error.unauthorized"},
			{"system", sys(), demo.Password, next, anbao.EUNAUTHORIZED, "error.unauthorized"},
			{"wrong current password", ctx, "not-my-password", next, anbao.EINVALID, "auth.password_wrong"},
			{"empty current password", ctx, "", next, anbao.EINVALID, "auth.password_wrong"},
			{"too short", ctx, demo.Password, "short-pw", anbao.EINVALID, "password.too_short"},
			{"too common", ctx, demo.Password, "Qwerty123456", anbao.EINVALID, "password.too_common"},
			{"too long", ctx, demo.Password, strings.Repeat("长", 129), anbao.EINVALID, "password.too_long"},
		}
		for _, f := range faults {
			seq := headSeq(t, st)
			if !checkErr(t, st.ChangePassword(f.ctx, f.current, f.next), f.code, f.key) {
				t.Errorf("  in case %q", f.name)
			}
			if headSeq(t, st) != seq {
				t.Errorf("%s: audited", f.name)
			}
		}
		if _, _, err := st.SessionPrincipal(context.Background(), other.Token); err != nil {
			t.Fatalf("a failed change ended a session: %v", err)
		}
		must(t, st.ChangePassword(ctx, demo.Password, next))
		if e := lastAudit(t, st); e.Action != "user.password_change" || e.ActorID != p.UserID || len(e.After) != 0 {
			t.Errorf("audit %+v", e)
		}
		if _, _, err := st.SessionPrincipal(context.Background(), keep.Token); err != nil {
			t.Errorf("the changing session ended: %v", err)
		}
		if _, _, err := st.SessionPrincipal(context.Background(), other.Token); err == nil {
			t.Errorf("another session survives the change")
		}
		_, err := st.Login(context.Background(), "ent1.member", demo.Password, "", "")
		checkErr(t, err, anbao.EUNAUTHORIZED, "auth.invalid_credentials")
		login(t, st, "ent1.member", next)

		// Recovery from the command line.
		checkErr(t, st.SetPassword(ctx, "ent1.member", "recovered-passphrase"), anbao.EFORBIDDEN, "error.forbidden")
		checkErr(t, st.SetPassword(sys(), "nobody.here", "recovered-passphrase"), anbao.ENOTFOUND, "error.not_found")
		checkErr(t, st.SetPassword(sys(), "ent1.member", "short"), anbao.EINVALID, "password.too_short")
		must(t, st.SetPassword(sys(), "ENT1.member", "recovered-passphrase"))
		if _, _, err := st.SessionPrincipal(context.Background(), keep.Token); err == nil {
			t.Errorf("sessions survive a reset")
		}
		login(t, st, "ent1.member", "recovered-passphrase")
		verifyOK(t, st, -1)
	})
}

func TestLoginLockoutUnderConcurrentGuessing(t *testing.T) {
	// Guesses sent in parallel must count like guesses sent one by one.
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		setClock(st, t0)
		loadPilot(t, st)
		const user, guesses = "prov2.admin", 2 * store.MaxFailedLogins
		errs := make([]error, guesses)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range guesses {
			wg.Go(func() {
				<-start
				_, errs[i] = st.Login(context.Background(), user, fmt.Sprint("parallel-guess-", i), "", "")
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if c := anbao.ErrorCode(err); c != anbao.EUNAUTHORIZED && c != anbao.ETOOMANY {
				t.Errorf("guess %d: %v", i, err)
			}
		}
		seen := map[float64]int{}
		for _, e := range auditSince(t, st, 0) {
			if e.Action == "user.login_failed" || e.Action == "user.locked" {
				seen[afterJSON(t, e)["failed_logins"].(float64)]++
			}
		}
		for n, times := range seen {
			if times > 1 {
				t.Errorf("%d failed logins recorded as failure number %v: concurrent failures overwrote each other", times, n)
			}
		}
		_, err := st.Login(context.Background(), user, demo.Password, "", "")
		if !checkErr(t, err, anbao.ETOOMANY, "auth.locked") {
			t.Errorf("after %d parallel wrong passwords the account is not locked (audit counts %v)", guesses, seen)
		}
	})
}

func TestTOTPCodeUsableOnceUnderConcurrency(t *testing.T) {
	// Two half-open sessions racing with the same code: one login, not two.
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		loadPilot(t, st)
		secret := enrolTOTP(t, st, c, "ent1.admin")
		const rounds = 4
		doubles := 0
		for r := range rounds {
			c.add(totp.Period)
			a, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
			must(t, err)
			b, err := st.Login(context.Background(), "ent1.admin", demo.Password, "", "")
			must(t, err)
			now := code(t, secret, c.now())
			var errA, errB error
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Go(func() { <-start; errA = st.CompleteMFA(context.Background(), a.Token, now) })
			wg.Go(func() { <-start; errB = st.CompleteMFA(context.Background(), b.Token, now) })
			close(start)
			wg.Wait()
			switch {
			case errA == nil && errB == nil:
				doubles++
			case errA != nil && errB != nil:
				t.Errorf("round %d: neither session completed: %v / %v", r, errA, errB)
			}
		}
		if doubles > 0 {
			t.Errorf("in %d of %d rounds one TOTP code completed two logins", doubles, rounds)
		}
	})
}

func TestRevokeTokenOnce(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		admin := as(t, st, "ent1.admin")
		const rounds, racers = 4, 4
		for r := range rounds {
			_, tok, err := st.CreateToken(admin, fmt.Sprint("race ", r), []anbao.TokenScope{anbao.ScopeRead}, time.Hour)
			must(t, err)
			seq := headSeq(t, st)
			errs := make([]error, racers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range racers {
				wg.Go(func() { <-start; errs[i] = st.RevokeToken(admin, tok.ID) })
			}
			close(start)
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else {
					checkErr(t, err, anbao.ECONFLICT, "token.already_revoked")
				}
			}
			if n := len(auditSince(t, st, seq)); ok != 1 || n != 1 {
				t.Errorf("round %d: %d revocations succeeded, %d audited; want 1", r, ok, n)
			}
		}
	})
}
