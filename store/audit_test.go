package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/uscc"
)

const historyPassword = "history-pass-2026"

// history is what buildHistory made.
type history struct {
	n                  int64 // audit entries written
	opID, entID, insID int64
	userID             int64  // the enterprise admin, with logins only
	loginFailedSeq     int64  // the entry of the failed login, with logins only
	orgUpdateSeq       int64  // the entry of the update of the enterprise
	afterSeq           int64  // a middle entry and a fragment of its after_json
	afterOld, afterNew string // that fragment and a forgery of it
	wantActions        []string
	adminCtx           context.Context // who updated the enterprise
}

// buildHistory makes ordinary state changes through the store: organisations,
// an update, a relationship, a suspension and a reactivation; withLogins adds
// a user with a failed and a successful login (and the argon2 cost of three
// hashes, which the many tamper cases spare themselves). Every change appends
// to the audit chain.
func buildHistory(t testing.TB, st *store.Store, withLogins bool) *history {
	t.Helper()
	c := setClock(st, t0)
	h := &history{}
	ctx := anbao.WithRequestID(sys(), "req-history")
	opCode, err := uscc.Make('1', '2', "110107", "40000001")
	must(t, err)
	op, err := st.CreateOrganisation(ctx, &anbao.Organisation{Kind: anbao.KindOperator, USCC: opCode, NameZH: "安保平台运营中心"}, "")
	must(t, err)
	ent, err := st.CreateOrganisation(ctx, newEnterprise(mkUSCC(t, "320500", 1)), "")
	must(t, err)
	c.add(time.Minute)
	ins, err := st.CreateOrganisation(ctx, &anbao.Organisation{Kind: anbao.KindInsurer, USCC: mkUSCC(t, "310115", 2),
		NameZH: "测试财产保险股份有限公司"}, "")
	must(t, err)
	h.wantActions = []string{"org.create", "org.create", "org.create"}
	h.adminCtx = anbao.WithRequestID(sys(), "req-admin")
	if withLogins {
		u, err := st.CreateUser(ctx, ent.ID, &anbao.User{Username: "hist.admin", Roles: []anbao.Role{anbao.RoleAdmin}}, historyPassword)
		must(t, err)
		h.userID = u.ID
		c.add(time.Minute)
		if _, err := st.Login(context.Background(), "hist.admin", "not-the-password", "198.51.100.7", "x"); err == nil {
			t.Fatal("login with a wrong password succeeded")
		}
		h.loginFailedSeq = headSeq(t, st)
		h.afterSeq, h.afterOld, h.afterNew = h.loginFailedSeq, `"failed_logins":1`, `"failed_logins":0`
		p, _ := login(t, st, "hist.admin", historyPassword)
		h.adminCtx = anbao.WithRequestID(ctxOf(p), "req-admin")
		h.wantActions = append(h.wantActions, "user.create", "user.login_failed", "user.login")
	}
	c.add(time.Minute)
	en := "Suzhou Audited Network Technology Co., Ltd."
	_, err = st.UpdateOrganisation(h.adminCtx, ent.ID, store.OrgPatch{NameEN: &en, Version: 1})
	must(t, err)
	h.orgUpdateSeq = headSeq(t, st)
	must(t, st.AddRelationship(ctx, ins.ID, ent.ID, store.RelConsent))
	if !withLogins {
		h.afterSeq, h.afterOld, h.afterNew = headSeq(t, st), `"kind":"consent"`, `"kind":"engagement"`
	}
	c.add(time.Minute)
	_, err = st.DecideOrganisation(ctx, ent.ID, store.DecisionSuspend, "逾期未提交材料")
	must(t, err)
	_, err = st.DecideOrganisation(ctx, ent.ID, store.DecisionReactivate, "材料已补齐")
	must(t, err)
	h.wantActions = append(h.wantActions, "org.update", "relationship.create", "org.suspend", "org.reactivate")
	if !withLogins { // keep the chain as long either way
		_, err = st.CreateOrganisation(ctx, newEnterprise(mkUSCC(t, "320500", 3)), "")
		must(t, err)
		h.wantActions = append(h.wantActions, "org.create")
	}
	h.n, h.opID, h.entID, h.insID = headSeq(t, st), op.ID, ent.ID, ins.ID
	return h
}

func TestAuditChainOfRealChangesVerifies(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		verifyOK(t, st, 0) // an empty chain is a valid chain
		h := buildHistory(t, st, true)
		rep := verifyOK(t, st, int64(len(h.wantActions)))
		if rep.HeadSeq != h.n || rep.BrokenSeq != 0 || rep.Reason != "" {
			t.Errorf("report = %+v", rep)
		}
		es := auditSince(t, st, 0)
		if got := strings.Join(actions(es), " "); got != strings.Join(h.wantActions, " ") {
			t.Errorf("actions = %s\nwant      %s", got, strings.Join(h.wantActions, " "))
		}
		prev := ""
		for i, e := range es {
			// Anyone holding the listed entries can recompute the chain.
			if e.Seq != int64(i+1) || e.PrevHash != prev || store.AuditHash(e) != e.Hash || e.Algo != "sha256" || len(e.Hash) != 64 {
				t.Errorf("entry %d: seq %d algo %s prev %.8s hash %.8s recomputed %.8s", i+1, e.Seq, e.Algo, e.PrevHash, e.Hash, store.AuditHash(e))
			}
			prev = e.Hash
		}
		// Who acted, on what, with which request id.
		checks := []struct {
			seq                int64
			actor              string
			actorID, actorOrg  int64
			org                int64
			entityKind, entity string
			requestID          string
		}{
			{1, "test", 0, 0, h.opID, "organisation", fmt.Sprint(h.opID), "req-history"},
			{4, "test", 0, 0, h.entID, "user", fmt.Sprint(h.userID), "req-history"},
			{h.loginFailedSeq, "hist.admin", h.userID, h.entID, h.entID, "user", fmt.Sprint(h.userID), ""},
			{h.orgUpdateSeq, "hist.admin", h.userID, h.entID, h.entID, "organisation", fmt.Sprint(h.entID), "req-admin"},
		}
		for _, c := range checks {
			e := es[c.seq-1]
			if e.ActorName != c.actor || e.ActorID != c.actorID || e.ActorOrgID != c.actorOrg || e.OrgID != c.org ||
				e.EntityKind != c.entityKind || e.EntityID != c.entity || e.RequestID != c.requestID {
				t.Errorf("entry %d (%s) = %+v", c.seq, e.Action, e)
			}
		}
		var failed map[string]any
		if err := json.Unmarshal(es[h.loginFailedSeq-1].After, &failed); err != nil || failed["failed_logins"] != 1.0 || failed["ip"] != "198.51.100.7" {
			t.Errorf("login_failed after = %s (%v)", es[h.loginFailedSeq-1].After, err)
		}
		upd := es[h.orgUpdateSeq-1]
		if !strings.Contains(string(upd.Before), `"name_en":"Suzhou Test Network`) || !strings.Contains(string(upd.After), `"name_en":"Suzhou Audited Network`) {
			t.Errorf("org.update before %s after %s", upd.Before, upd.After)
		}
		if es[0].At != anbao.FormatTime(t0) || es[len(es)-1].At != anbao.FormatTime(t0.Add(4*time.Minute)) {
			t.Errorf("entry times %s … %s", es[0].At, es[len(es)-1].At)
		}
	})
}

// insertAudit writes an entry straight into the log, as an attacker with database access would.
func insertAudit(t testing.TB, st *store.Store, e *anbao.AuditEntry) {
	t.Helper()
	storetest.Exec(t, st, `INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_org_id, org_id, action, entity_kind,
		entity_id, before_json, after_json, request_id, algo, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		e.Seq, e.At, e.ActorID, e.ActorName, e.ActorOrgID, e.OrgID, e.Action, e.EntityKind, e.EntityID,
		string(e.Before), string(e.After), e.RequestID, e.Algo, e.PrevHash, e.Hash)
}

func TestAuditTamperDetected(t *testing.T) {
	t.Parallel()
	// Each case tampers with the database behind the store's back and names
	// the seq that VerifyAudit must report as the first broken one.
	type env struct {
		st *store.Store
		h  *history
		es []*anbao.AuditEntry // the entries before tampering, oldest first
	}
	entry := func(v env, seq int64) *anbao.AuditEntry { c := *v.es[seq-1]; return &c }
	cases := []struct {
		name   string
		tamper func(t *testing.T, v env)
		broken func(h *history) int64
	}{
		{"edit after_json", func(t *testing.T, v env) {
			seq := v.h.afterSeq
			if !strings.Contains(string(v.es[seq-1].After), v.h.afterOld) {
				t.Fatalf("unexpected entry %s", v.es[seq-1].After)
			}
			storetest.Exec(t, v.st, `UPDATE audit_log SET after_json = replace(after_json, $1, $2) WHERE seq = $3`, v.h.afterOld, v.h.afterNew, seq)
		}, func(h *history) int64 { return h.afterSeq }},
		{"edit actor_name", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_log SET actor_name = 'mallory' WHERE seq = $1`, v.h.orgUpdateSeq)
		}, func(h *history) int64 { return h.orgUpdateSeq }},
		{"edit at by one microsecond", func(t *testing.T, v env) {
			at, err := anbao.ParseTime(v.es[4].At)
			must(t, err)
			storetest.Exec(t, v.st, `UPDATE audit_log SET at = $1 WHERE seq = 5`, anbao.FormatTime(at.Add(time.Microsecond)))
		}, func(*history) int64 { return 5 }},
		{"edit algo to unknown", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_log SET algo = 'md5' WHERE seq = 6`)
		}, func(*history) int64 { return 6 }},
		{"edit last entry", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_log SET request_id = 'req-forged' WHERE seq = $1`, v.h.n)
		}, func(h *history) int64 { return h.n }},
		{"edit prev_hash", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_log SET prev_hash = $1 WHERE seq = 5`, v.es[2].Hash)
		}, func(*history) int64 { return 5 }},
		{"edit and rehash", func(t *testing.T, v env) {
			e := entry(v, v.h.orgUpdateSeq)
			e.ActorName = "mallory"
			e.Hash = store.AuditHash(e)
			storetest.Exec(t, v.st, `UPDATE audit_log SET actor_name = $1, hash = $2 WHERE seq = $3`, e.ActorName, e.Hash, e.Seq)
		}, func(h *history) int64 { return h.orgUpdateSeq + 1 }},
		{"edit and rehash the last entry", func(t *testing.T, v env) {
			e := entry(v, v.h.n)
			e.After = json.RawMessage(`{"reason":"forged","status":"active"}`)
			e.Hash = store.AuditHash(e)
			storetest.Exec(t, v.st, `UPDATE audit_log SET after_json = $1, hash = $2 WHERE seq = $3`, string(e.After), e.Hash, e.Seq)
		}, func(h *history) int64 { return h.n }}, // only the head still knows
		{"edit and relink the rest of the chain", func(t *testing.T, v env) {
			first := v.h.orgUpdateSeq
			prev := v.es[first-1].PrevHash
			for seq := first; seq <= v.h.n; seq++ {
				e := entry(v, seq)
				if seq == first {
					e.After = json.RawMessage(strings.Replace(string(e.After), "Audited", "Forged", 1))
				}
				e.PrevHash = prev
				e.Hash = store.AuditHash(e)
				prev = e.Hash
				storetest.Exec(t, v.st, `UPDATE audit_log SET after_json = $1, prev_hash = $2, hash = $3 WHERE seq = $4`,
					string(e.After), e.PrevHash, e.Hash, e.Seq)
			}
		}, func(h *history) int64 { return h.n }},
		{"delete a middle entry", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `DELETE FROM audit_log WHERE seq = $1`, v.h.afterSeq)
		}, func(h *history) int64 { return h.afterSeq }},
		{"delete the first entry", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `DELETE FROM audit_log WHERE seq = 1`)
		}, func(*history) int64 { return 1 }},
		{"delete the last entry", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `DELETE FROM audit_log WHERE seq = $1`, v.h.n)
		}, func(h *history) int64 { return h.n }},
		{"delete every entry", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `DELETE FROM audit_log`)
		}, func(*history) int64 { return 1 }},
		{"swap two entries", func(t *testing.T, v env) {
			a, b := v.h.afterSeq, v.h.afterSeq+1
			storetest.Exec(t, v.st, `UPDATE audit_log SET seq = -1 WHERE seq = $1`, a)
			storetest.Exec(t, v.st, `UPDATE audit_log SET seq = $1 WHERE seq = $2`, a, b)
			storetest.Exec(t, v.st, `UPDATE audit_log SET seq = $1 WHERE seq = -1`, b)
		}, func(h *history) int64 { return h.afterSeq }},
		{"head hash changed", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_head SET hash = $1 WHERE id = 1`, v.es[v.h.n-2].Hash)
		}, func(h *history) int64 { return h.n }},
		{"head seq raised", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1`)
		}, func(h *history) int64 { return h.n + 1 }}, // an entry is missing at the end
		{"head seq lowered", func(t *testing.T, v env) {
			storetest.Exec(t, v.st, `UPDATE audit_head SET seq = seq - 1 WHERE id = 1`)
		}, func(h *history) int64 { return h.n }}, // entry n lies beyond the head
		{"forged entry appended with a valid hash and link", func(t *testing.T, v env) {
			e := entry(v, v.h.n)
			e.Seq, e.PrevHash, e.At = v.h.n+1, e.Hash, anbao.FormatTime(t0.Add(time.Hour))
			e.Action, e.After = "org.suspend", json.RawMessage(`{"reason":"forged","status":"suspended"}`)
			e.Hash = store.AuditHash(e)
			insertAudit(t, v.st, e)
		}, func(h *history) int64 { return h.n + 1 }},
		{"forged entry appended and head moved without the hash", func(t *testing.T, v env) {
			e := entry(v, v.h.n)
			e.Seq, e.PrevHash, e.Action = v.h.n+1, e.Hash, "user.logout"
			e.Hash = store.AuditHash(e)
			insertAudit(t, v.st, e)
			storetest.Exec(t, v.st, `UPDATE audit_head SET seq = $1 WHERE id = 1`, v.h.n+1)
		}, func(h *history) int64 { return h.n + 1 }},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
				h := buildHistory(t, st, false)
				verifyOK(t, st, h.n)
				v := env{st: st, h: h, es: auditSince(t, st, 0)}
				c.tamper(t, v)
				rep, err := st.VerifyAudit(sys())
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				if want := c.broken(h); rep.OK || rep.BrokenSeq != want || rep.Reason == "" {
					t.Errorf("report = %+v; want not OK, broken seq %d", rep, want)
				}
			})
		})
	}
}

func TestAuditVerifyPermission(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		cases := []struct {
			ctx  context.Context
			code string
		}{
			{context.Background(), anbao.EUNAUTHORIZED},
			{as(t, st, "op.admin"), ""},
			{as(t, st, "op.auditor"), ""},
			{as(t, st, "miit.admin"), anbao.EFORBIDDEN},
			{as(t, st, "ent1.admin"), anbao.EFORBIDDEN},
		}
		for i, c := range cases {
			rep, err := st.VerifyAudit(c.ctx)
			if anbao.ErrorCode(err) != c.code || (c.code == "" && !rep.OK) {
				t.Errorf("case %d: verify = %+v, %v; want code %q", i, rep, err, c.code)
			}
		}
	})
}

func TestAuditSM3Chain(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, plain *store.Store) {
		cfg := storetest.Config(t, plain.Engine())
		cfg.AuditHash = "md5"
		if st, err := store.Open(context.Background(), cfg); err == nil {
			st.Close()
			t.Fatal("opened a store with audit hash md5")
		}
		cfg.AuditHash = "sm3"
		st, err := store.Open(context.Background(), cfg)
		must(t, err)
		if st.AuditAlgo() != "sm3" {
			t.Errorf("algo = %s", st.AuditAlgo())
		}
		h := buildHistory(t, st, false)
		verifyOK(t, st, h.n)
		for _, e := range auditSince(t, st, 0) {
			if e.Algo != "sm3" || len(e.Hash) != 64 || store.AuditHash(e) != e.Hash {
				t.Errorf("entry %d: algo %s hash %s", e.Seq, e.Algo, e.Hash)
			}
			sha := *e
			sha.Algo = "sha256"
			if store.AuditHash(&sha) == e.Hash {
				t.Errorf("entry %d: SM3 and SHA-256 hashes agree", e.Seq)
			}
		}
		must(t, st.Close())

		// Reopened with SHA-256, the same database continues one mixed chain.
		cfg.AuditHash = ""
		st2, err := store.Open(context.Background(), cfg)
		must(t, err)
		defer st2.Close()
		_, err = st2.CreateOrganisation(sys(), newEnterprise(mkUSCC(t, "440305", 9)), "")
		must(t, err)
		verifyOK(t, st2, h.n+1)
		if e := lastAudit(t, st2); e.Algo != "sha256" || e.Seq != h.n+1 {
			t.Errorf("new entry = %d %s", e.Seq, e.Algo)
		}
		// Tampering with an SM3 entry of the mixed chain is still found.
		storetest.Exec(t, st2, `UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 2`)
		if rep, err := st2.VerifyAudit(sys()); err != nil || rep.OK || rep.BrokenSeq != 2 {
			t.Errorf("after tampering: %+v, %v", rep, err)
		}
	})
}

func TestAuditFailedChangeLeavesNoEntry(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		h := buildHistory(t, st, true)
		ent, err := st.GetOrganisation(sys(), h.entID)
		must(t, err)
		orgs := orgCount(t, st)
		// Each change fails inside its transaction, after validation passed.
		fails := []struct {
			name string
			do   func() error
			code string
		}{
			{"duplicate USCC", func() error {
				_, err := st.CreateOrganisation(sys(), newEnterprise(ent.USCC), "")
				return err
			}, anbao.ECONFLICT},
			{"duplicate USCC with an override reason", func() error {
				o := newEnterprise(strings.ToLower(ent.USCC))
				_, err := st.CreateOrganisation(sys(), o, "核实过的历史代码")
				return err
			}, anbao.ECONFLICT},
			{"registration with a taken username", func() error {
				_, _, err := st.RegisterOrganisation(context.Background(), &store.Registration{
					Org:   *newEnterprise(mkUSCC(t, "320505", 77)),
					Admin: anbao.User{Username: "hist.admin"}, Password: historyPassword,
				})
				return err
			}, anbao.ECONFLICT},
			{"duplicate relationship", func() error {
				return st.AddRelationship(sys(), h.insID, h.entID, store.RelConsent)
			}, anbao.ECONFLICT},
			{"stale version", func() error {
				name := "过期的名称"
				_, err := st.UpdateOrganisation(h.adminCtx, h.entID, store.OrgPatch{NameZH: &name, Version: 1})
				return err
			}, anbao.ECONFLICT},
			{"illegal decision", func() error {
				_, err := st.DecideOrganisation(sys(), h.entID, store.DecisionApprove, "")
				return err
			}, anbao.ECONFLICT},
		}
		for _, f := range fails {
			if err := f.do(); anbao.ErrorCode(err) != f.code {
				t.Errorf("%s: %v, want %s", f.name, err, f.code)
			}
			if n := auditCount(t, st); n != h.n || headSeq(t, st) != h.n {
				t.Errorf("%s: %d audit entries (head %d), want %d", f.name, n, headSeq(t, st), h.n)
			}
		}
		if n := orgCount(t, st); n != orgs {
			t.Errorf("organisations = %d, want %d", n, orgs)
		}
		verifyOK(t, st, h.n)
		// The next successful change takes the next seq: no gap was left.
		_, err = st.CreateOrganisation(sys(), newEnterprise(mkUSCC(t, "320505", 78)), "")
		must(t, err)
		if e := lastAudit(t, st); e.Seq != h.n+1 || e.Action != "org.create" {
			t.Errorf("next entry = %d %s", e.Seq, e.Action)
		}
		verifyOK(t, st, h.n+1)
	})
}

func TestAuditConcurrentAppends(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		const n = 24
		dup := mkUSCC(t, "330106", 500)
		var wg sync.WaitGroup
		errs := make([]error, n)
		codes := make([]string, n)
		for i := range codes {
			codes[i] = mkUSCC(t, "330106", 600+i)
			if i%4 == 0 {
				codes[i] = dup // six writers race for one code: one wins
			}
		}
		for i := range n {
			wg.Go(func() {
				o := newEnterprise(codes[i])
				o.NameZH = fmt.Sprintf("杭州并发测试%02d有限公司", i)
				_, errs[i] = st.CreateOrganisation(sys(), o, "")
			})
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch anbao.ErrorCode(err) {
			case "":
				ok++
			case anbao.ECONFLICT:
				if i%4 != 0 {
					t.Errorf("writer %d: %v", i, err)
				}
			default:
				t.Errorf("writer %d: %v", i, err)
			}
		}
		if want := n - n/4 + 1; ok != want {
			t.Errorf("%d writers succeeded, want %d", ok, want)
		}
		verifyOK(t, st, int64(ok))
	})
}

func TestListAuditScopeAndFilters(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		pilot := loadPilot(t, st) // entry 1: demo.load
		ids := orgIDs(t, st)
		id := func(user string) int64 { return ids[pilot.Orgs[userRef(t, pilot, user)].USCC] }
		ent1, ent2, op := id("ent1.admin"), id("ent2.admin"), id("op.admin")

		c.set(t0.Add(time.Hour)) // phase 1: six logins, entries 2–7
		auditor := as(t, st, "op.auditor")
		admin := as(t, st, "op.admin")
		e1admin := as(t, st, "ent1.admin")
		e1member := as(t, st, "ent1.member")
		e2admin := as(t, st, "ent2.admin")
		prov := as(t, st, "prov1.admin")

		c.set(t0.Add(2 * time.Hour)) // phase 2: three updates, entries 8–10
		name := func(s string) store.OrgPatch { return store.OrgPatch{NameEN: &s} }
		_, err := st.UpdateOrganisation(e1admin, ent1, name("Ent One"))
		must(t, err)
		_, err = st.UpdateOrganisation(admin, ent2, name("Ent Two"))
		must(t, err)
		_, err = st.UpdateOrganisation(admin, ent1, name("Ent One Checked"))
		must(t, err)

		c.set(t0.Add(3 * time.Hour)) // phase 3: a failed login and an update, entries 11–12
		if _, err := st.Login(context.Background(), "ent1.member", "wrong-password", "", ""); err == nil {
			t.Fatal("wrong password accepted")
		}
		_, err = st.UpdateOrganisation(admin, ent2, name("Ent Two Checked"))
		must(t, err)
		const total = 12
		if n := auditCount(t, st); n != total {
			t.Fatalf("%d entries, want %d", n, total)
		}

		// Scope: what each reader may see, newest first.
		scopes := []struct {
			name    string
			ctx     context.Context
			code    string
			wantSeq []int64
		}{
			{"operator auditor sees everything", auditor, "", []int64{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
			{"operator admin sees everything", admin, "", []int64{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
			// ent1's logins (4, 5), its own update (8), the operator's update of it (10), its failed login (11)
			{"enterprise admin sees its organisation", e1admin, "", []int64{11, 10, 8, 5, 4}},
			{"other enterprise admin", e2admin, "", []int64{12, 9, 6}},
			{"provider admin", prov, "", []int64{7}},
			{"enterprise member has no audit rights", e1member, anbao.EFORBIDDEN, nil},
			{"anonymous", context.Background(), anbao.EUNAUTHORIZED, nil},
		}
		for _, s := range scopes {
			l, err := st.ListAudit(s.ctx, anbao.AuditFilter{})
			if anbao.ErrorCode(err) != s.code {
				t.Errorf("%s: %v, want %q", s.name, err, s.code)
				continue
			}
			if s.code != "" {
				continue
			}
			var got []int64
			for _, e := range l.Items {
				got = append(got, e.Seq)
			}
			if fmt.Sprint(got) != fmt.Sprint(s.wantSeq) || l.Total != len(s.wantSeq) {
				t.Errorf("%s: seqs %v total %d, want %v", s.name, got, l.Total, s.wantSeq)
			}
		}

		p1 := anbao.PrincipalFrom(e1admin)
		filters := []struct {
			name string
			ctx  context.Context
			f    anbao.AuditFilter
			want int
		}{
			{"action prefix user.", auditor, anbao.AuditFilter{Action: "user."}, 7},
			{"action prefix user.login", auditor, anbao.AuditFilter{Action: "user.login"}, 7},
			{"action exact user.login_failed", auditor, anbao.AuditFilter{Action: "user.login_failed"}, 1},
			{"action org.update", auditor, anbao.AuditFilter{Action: "org.update"}, 4},
			{"underscore is literal", auditor, anbao.AuditFilter{Action: "org.updat_"}, 0},
			{"percent is literal", auditor, anbao.AuditFilter{Action: "%"}, 0},
			{"action demo", auditor, anbao.AuditFilter{Action: "demo."}, 1},
			{"entity", auditor, anbao.AuditFilter{EntityKind: "organisation", EntityID: fmt.Sprint(ent1)}, 2},
			{"entity kind", auditor, anbao.AuditFilter{EntityKind: "user"}, 7},
			{"actor", auditor, anbao.AuditFilter{ActorID: p1.UserID}, 2},
			{"organisation", auditor, anbao.AuditFilter{OrgID: ent1}, 5},
			{"operator organisation", auditor, anbao.AuditFilter{OrgID: op}, 5},
			{"since", auditor, anbao.AuditFilter{Since: anbao.FormatTime(t0.Add(2 * time.Hour))}, 5},
			{"until", auditor, anbao.AuditFilter{Until: anbao.FormatTime(t0.Add(2 * time.Hour))}, 7},
			{"since and until", auditor, anbao.AuditFilter{Since: anbao.FormatTime(t0.Add(time.Hour)), Until: anbao.FormatTime(t0.Add(3 * time.Hour))}, 9},
			{"until is exclusive", auditor, anbao.AuditFilter{Until: anbao.FormatTime(t0)}, 0},
			{"since is inclusive", auditor, anbao.AuditFilter{Since: anbao.FormatTime(t0.Add(3 * time.Hour))}, 2},
			{"scoped and filtered", e1admin, anbao.AuditFilter{Action: "org."}, 2},
			{"scope cannot be widened", e1admin, anbao.AuditFilter{OrgID: ent2}, 0},
			{"scope cannot be widened by actor", e1admin, anbao.AuditFilter{ActorID: anbao.PrincipalFrom(admin).UserID}, 1},
		}
		for _, f := range filters {
			l, err := st.ListAudit(f.ctx, f.f)
			if err != nil {
				t.Errorf("%s: %v", f.name, err)
				continue
			}
			if l.Total != f.want || len(l.Items) != f.want {
				t.Errorf("%s: total %d items %d, want %d", f.name, l.Total, len(l.Items), f.want)
			}
			for _, e := range l.Items {
				if f.f.Action != "" && !strings.HasPrefix(e.Action, f.f.Action) ||
					f.f.Since != "" && e.At < f.f.Since || f.f.Until != "" && e.At >= f.f.Until ||
					f.ctx == e1admin && e.OrgID != ent1 && e.ActorOrgID != ent1 {
					t.Errorf("%s: entry %d (%s at %s) does not match", f.name, e.Seq, e.Action, e.At)
				}
			}
		}

		pages := []struct {
			page  anbao.Page
			first int64
			n     int
		}{
			{anbao.Page{Limit: 5}, 12, 5},
			{anbao.Page{Limit: 5, Offset: 5}, 7, 5},
			{anbao.Page{Limit: 5, Offset: 10}, 2, 2},
			{anbao.Page{Limit: 5, Offset: 12}, 0, 0},
			{anbao.Page{Limit: 5, Offset: -3}, 12, 5},
			{anbao.Page{}, 12, 12},
		}
		for _, p := range pages {
			l, err := st.ListAudit(auditor, anbao.AuditFilter{Page: p.page})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != total || len(l.Items) != p.n || p.n > 0 && l.Items[0].Seq != p.first {
				t.Errorf("page %+v: total %d, %d items", p.page, l.Total, len(l.Items))
			}
			for i := 1; i < len(l.Items); i++ {
				if l.Items[i].Seq != l.Items[i-1].Seq-1 {
					t.Errorf("page %+v: not newest first", p.page)
				}
			}
		}
		verifyOK(t, st, total)
	})
}
