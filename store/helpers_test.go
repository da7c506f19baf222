package store_test

// Shared helpers of the store tests: principals of demo users, error
// assertions, a settable clock, raw row counts and valid USCCs.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/uscc"
)

// pilotSeed and pilotEnterprises fix the small pilot most tests load.
const (
	pilotSeed        = 20260302
	pilotEnterprises = 80
)

// t0 is the instant tests set their clock to: a Monday morning, Beijing time.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// clock is a settable clock for st.Now, safe for concurrent readers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// setClock replaces st.Now with a clock standing at t.
func setClock(st *store.Store, t time.Time) *clock {
	c := &clock{t: t}
	st.Now = c.now
	return c
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// loadPilot loads the standard small pilot and returns an untouched copy of it
// (LoadDemo normalises the organisations it is given).
func loadPilot(t testing.TB, st *store.Store) *demo.Pilot {
	t.Helper()
	if err := st.LoadDemo(sys(), demo.Generate(pilotSeed, pilotEnterprises)); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return demo.Generate(pilotSeed, pilotEnterprises)
}

// login logs a user in with pw and resolves the session to its principal.
func login(t testing.TB, st *store.Store, username, pw string) (*anbao.Principal, *store.Session) {
	t.Helper()
	sess, err := st.Login(context.Background(), username, pw, "192.0.2.1", "store-test")
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	p, s, err := st.SessionPrincipal(context.Background(), sess.Token)
	if err != nil {
		t.Fatalf("session of %s: %v", username, err)
	}
	s.Token = sess.Token
	return p, s
}

// as returns a context acting as the demo user username (a real login).
func as(t testing.TB, st *store.Store, username string) context.Context {
	t.Helper()
	p, _ := login(t, st, username, demo.Password)
	return anbao.WithPrincipal(context.Background(), p)
}

func ctxOf(p *anbao.Principal) context.Context {
	return anbao.WithPrincipal(context.Background(), p)
}

// errCodeKey returns the application code and message key of err ("" for nil or foreign errors).
func errCodeKey(err error) (code, key string) {
	var e *anbao.Error
	if errors.As(err, &e) {
		return e.Code, e.Key
	}
	if err != nil {
		return anbao.EINTERNAL, err.Error()
	}
	return "", ""
}

// checkErr reports (without stopping) unless err is an *anbao.Error with code
// and, when key is not "", that message key; the key must be translated in
// every language so that users see a message rather than the key.
func checkErr(t testing.TB, err error, code, key string) bool {
	t.Helper()
	gotCode, gotKey := errCodeKey(err)
	if gotCode != code || (key != "" && gotKey != key) {
		t.Errorf("err = %v; want code %q key %q", err, code, key)
		return false
	}
	if key != "" {
		for _, lang := range i18n.Languages {
			if !i18n.Has(lang, key) {
				t.Errorf("message key %q has no %s translation", key, lang)
			}
		}
	}
	return true
}

// wantErr is checkErr that stops the test on a mismatch.
func wantErr(t testing.TB, err error, code, key string) {
	t.Helper()
	if !checkErr(t, err, code, key) {
		t.FailNow()
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// count runs a COUNT query straight on the database.
func count(t testing.TB, st *store.Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := st.RawDB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func auditCount(t testing.TB, st *store.Store) int64 {
	return count(t, st, "SELECT COUNT(*) FROM audit_log")
}

func orgCount(t testing.TB, st *store.Store) int64 {
	return count(t, st, "SELECT COUNT(*) FROM organisations")
}

// headSeq reads the audit chain head.
func headSeq(t testing.TB, st *store.Store) int64 {
	return count(t, st, "SELECT seq FROM audit_head WHERE id = 1")
}

// verifyOK asserts that the audit chain verifies and has n entries (n < 0: any).
func verifyOK(t testing.TB, st *store.Store, n int64) *store.AuditReport {
	t.Helper()
	rep, err := st.VerifyAudit(sys())
	if err != nil {
		t.Fatalf("verify audit: %v", err)
	}
	if !rep.OK || (n >= 0 && rep.Entries != n) || rep.HeadSeq != rep.Entries {
		t.Fatalf("verify audit = %+v, want OK with %d entries", rep, n)
	}
	return rep
}

// lastAudit returns the newest audit entry.
func lastAudit(t testing.TB, st *store.Store) *anbao.AuditEntry {
	t.Helper()
	l, err := st.ListAudit(sys(), anbao.AuditFilter{Page: anbao.Page{Limit: 1}})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("last audit entry: %v, %v", l, err)
	}
	return l.Items[0]
}

// auditSince lists (oldest first) the entries after seq.
func auditSince(t testing.TB, st *store.Store, seq int64) []*anbao.AuditEntry {
	t.Helper()
	l, err := st.ListAudit(sys(), anbao.AuditFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*anbao.AuditEntry
	for i := len(l.Items) - 1; i >= 0; i-- {
		if l.Items[i].Seq > seq {
			out = append(out, l.Items[i])
		}
	}
	return out
}

// actions lists the actions of entries.
func actions(es []*anbao.AuditEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}

// mkUSCC builds a valid USCC of an enterprise registered in division div; n varies the body.
func mkUSCC(t testing.TB, div string, n int) string {
	t.Helper()
	code, err := uscc.Make('9', '1', div, fmt.Sprintf("MA%06d", n))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// badCheck returns code with a wrong check character (position 18).
func badCheck(code string) string {
	last := code[17]
	for i := 0; i < len(uscc.Charset); i++ {
		if c := uscc.Charset[i]; c != last {
			return code[:17] + string(c)
		}
	}
	panic("unreachable")
}

// newEnterprise is a valid enterprise to create; tests spoil one field at a time.
func newEnterprise(code string) *anbao.Organisation {
	return &anbao.Organisation{
		Kind: anbao.KindEnterprise, USCC: code, NameZH: "苏州测试网络科技有限公司", NameEN: "Suzhou Test Network Technology Co., Ltd.",
		Profile: &anbao.EnterpriseProfile{Industry: "65", Size: anbao.SizeSmall, RevenueFen: 1_500_000_000, Employees: 80},
	}
}

// orgIDs maps the USCC of every organisation to its id (read as the system).
func orgIDs(t testing.TB, st *store.Store) map[string]int64 {
	t.Helper()
	l, err := st.ListOrganisations(sys(), anbao.OrgFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Total > len(l.Items) {
		t.Fatalf("more than %d organisations", len(l.Items))
	}
	m := map[string]int64{}
	for _, o := range l.Items {
		m[o.USCC] = o.ID
	}
	return m
}

// userRef returns the pilot organisation ref of a demo user.
func userRef(t testing.TB, p *demo.Pilot, username string) int {
	t.Helper()
	for _, u := range p.Users {
		if u.Username == username {
			return u.OrgRef
		}
	}
	t.Fatalf("no demo user %s", username)
	return -1
}
