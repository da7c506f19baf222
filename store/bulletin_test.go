package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

var fakePDF = []byte("%PDF-1.7\n% bulletin test\n%%EOF\n")

func TestBulletinStore(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		setClock(st, time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC))
		pilot := demo.Generate(pilotSeed, 40)
		must(t, st.LoadDemo(sys(), pilot))
		asm := demo.GenerateAssessments(pilot, pilotSeed)
		must(t, st.LoadDemoAssessments(sys(), pilot, asm))
		must(t, st.LoadDemoUnderwriting(sys(), pilot, demo.GenerateUnderwriting(pilot, asm, pilotSeed, st.Now())))
		for at, want := range map[time.Time]string{
			time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC):    "2025-12", // 09:00 on 1 January in Beijing
			time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC): "2025-12", // already 1 January in Beijing
			time.Date(2025, 12, 31, 15, 0, 0, 0, time.UTC): "2025-11",
		} {
			setClock(st, at)
			if got := st.LastMonth(); got != want {
				t.Errorf("last month at %v: %q, want %q", at, got, want)
			}
		}
		setClock(st, time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC))
		if got := st.LastMonth(); got != "2026-10" {
			t.Fatalf("last month %q", got)
		}
		// A jurisdiction with a local regulator and policies, and another with a regulator.
		var jur, other string
		if err := st.RawDB().QueryRow(`SELECT MIN(o.jurisdiction) FROM organisations o WHERE o.kind = 'regulator' AND o.jurisdiction <> ''
			AND EXISTS (SELECT 1 FROM policies p WHERE p.jurisdiction = o.jurisdiction)`).Scan(&jur); err != nil {
			t.Fatal(err)
		}
		if err := st.RawDB().QueryRow(`SELECT MIN(jurisdiction) FROM organisations WHERE kind = 'regulator' AND jurisdiction <> ''
			AND jurisdiction <> $1`, jur).Scan(&other); err != nil {
			t.Fatal(err)
		}
		reg, regx := as(t, st, "reg"+jur+".admin"), as(t, st, "reg"+other+".admin")
		nat := as(t, st, "miit.admin")

		// Schedules: the whole pilot and each jurisdiction with a regulator and policies.
		sch, err := st.BulletinSchedules(sys())
		must(t, err)
		scopes := map[string]bool{}
		for _, b := range sch {
			scopes[b.Scope] = b.Enabled
		}
		if !scopes[""] || !scopes[jur] {
			t.Fatalf("schedules %+v lack national or %s", sch, jur)
		}
		due, err := st.DueBulletins(sys(), "2026-10")
		must(t, err)
		if len(due) != len(sch) {
			t.Fatalf("due %d of %d", len(due), len(sch))
		}
		_, err = st.BulletinSchedules(reg)
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")

		in := store.BulletinInput{Scope: jur, Month: "2026-10", Lang: "zh-CN", Title: "2026年10月网络安全保险试点统计简报", PDF: fakePDF,
			Figures: anbao.StatsFigures{Policies: 12, Premium: 345600}, Origin: store.BulletinManual}

		// Bad input writes nothing.
		others := map[string]context.Context{}
		for _, u := range []string{"ins1.admin", "prov1.admin", "ent1.admin", "op.auditor", "op.admin"} {
			others[u] = as(t, st, u)
		}
		head := headSeq(t, st)
		bad := []struct {
			mod       func(*store.BulletinInput)
			code, key string
		}{
			{func(b *store.BulletinInput) { b.Month = "2026-13" }, anbao.EINVALID, "bulletin.month_invalid"},
			{func(b *store.BulletinInput) { b.Month = "2026-12" }, anbao.EINVALID, "bulletin.month_future"},
			{func(b *store.BulletinInput) { b.Lang = "fr" }, anbao.EINVALID, "bulletin.lang_invalid"},
			{func(b *store.BulletinInput) { b.Title = "" }, anbao.EINVALID, "bulletin.title_invalid"},
			{func(b *store.BulletinInput) { b.PDF = []byte("<html>") }, anbao.EINVALID, "bulletin.pdf_invalid"},
			{func(b *store.BulletinInput) { b.Origin = "cron" }, anbao.EINVALID, "bulletin.origin_invalid"},
			{func(b *store.BulletinInput) { b.Scope = "99" }, anbao.EINVALID, "bulletin.scope_invalid"},
			{func(b *store.BulletinInput) { b.Scope = other }, anbao.EFORBIDDEN, "bulletin.other_scope"},
			{func(b *store.BulletinInput) { b.Scope = "" }, anbao.EFORBIDDEN, "bulletin.other_scope"},
		}
		for _, c := range bad {
			b := in
			c.mod(&b)
			_, _, err := st.SaveBulletin(reg, b)
			checkErr(t, err, c.code, c.key)
		}
		for _, u := range []string{"ins1.admin", "prov1.admin", "ent1.admin", "op.auditor"} {
			_, _, err := st.SaveBulletin(others[u], in)
			checkErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		}
		if headSeq(t, st) != head || count(t, st, "SELECT COUNT(*) FROM bulletins") != 0 {
			t.Fatal("a refused bulletin wrote something")
		}

		// The local regulator generates its own; a second call changes nothing.
		b, created, err := st.SaveBulletin(reg, in)
		must(t, err)
		if !created || b.ID == 0 || b.Size != int64(len(fakePDF)) || len(b.SHA256) != 64 || b.Figures == nil || b.Figures.Premium != 345600 ||
			b.GeneratedBy != "reg"+jur+".admin" || b.Version != 1 {
			t.Fatalf("saved %+v created %v", b, created)
		}
		if a := lastAudit(t, st); a.Action != "bulletin.generate" {
			t.Errorf("audit %s", a.Action)
		}
		head = headSeq(t, st)
		again, created, err := st.SaveBulletin(reg, in)
		must(t, err)
		if created || again.ID != b.ID || headSeq(t, st) != head {
			t.Fatalf("second generation not idempotent: %+v %v", again, created)
		}
		// Replace regenerates it.
		r := in
		r.Replace, r.PDF = true, append(append([]byte{}, fakePDF...), '\n')
		rb, created, err := st.SaveBulletin(reg, r)
		must(t, err)
		if created || rb.ID != b.ID || rb.Version != 2 || rb.SHA256 == b.SHA256 {
			t.Fatalf("replace %+v", rb)
		}
		// The national bulletin, by the system.
		nb, _, err := st.SaveBulletin(sys(), store.BulletinInput{Scope: "", Month: "2026-10", Lang: "zh-CN", Title: "全国", PDF: fakePDF,
			Origin: store.BulletinScheduled})
		must(t, err)
		due, err = st.DueBulletins(sys(), "2026-10")
		must(t, err)
		for _, d := range due {
			if d.Scope == "" || d.Scope == jur {
				t.Errorf("%q still due", d.Scope)
			}
		}

		// Reads: the local regulator its own only; national and the operator all.
		for _, c := range []struct {
			ctx  string
			n    int
			see  []int64
			hide []int64
		}{
			{ctx: "reg", n: 1, see: []int64{b.ID}, hide: []int64{nb.ID}},
			{ctx: "regx", n: 0, hide: []int64{b.ID, nb.ID}},
			{ctx: "nat", n: 2, see: []int64{b.ID, nb.ID}},
			{ctx: "op.admin", n: 2, see: []int64{b.ID, nb.ID}},
			{ctx: "op.auditor", n: 2, see: []int64{b.ID, nb.ID}},
		} {
			cx := nat
			switch c.ctx {
			case "reg":
				cx = reg
			case "regx":
				cx = regx
			case "op.admin", "op.auditor":
				cx = others[c.ctx]
			}
			l, err := st.ListBulletins(cx, store.BulletinFilter{})
			must(t, err)
			if l.Total != c.n || len(l.Items) != c.n {
				t.Errorf("%s lists %d, want %d", c.ctx, l.Total, c.n)
			}
			for _, id := range c.see {
				g, err := st.GetBulletin(cx, id)
				if err != nil || string(g.PDF[:5]) != "%PDF-" {
					t.Errorf("%s get %d: %v", c.ctx, id, err)
				}
			}
			for _, id := range c.hide {
				_, err := st.GetBulletin(cx, id)
				checkErr(t, err, anbao.ENOTFOUND, "")
			}
		}
		for _, u := range []string{"ins1.admin", "prov1.admin", "ent1.admin"} {
			_, err := st.ListBulletins(others[u], store.BulletinFilter{})
			checkErr(t, err, anbao.EFORBIDDEN, "")
			_, err = st.GetBulletin(others[u], b.ID)
			checkErr(t, err, anbao.EFORBIDDEN, "")
		}
		month := "2026-10"
		l, err := st.ListBulletins(nat, store.BulletinFilter{Scope: &jur, Month: month})
		must(t, err)
		if l.Total != 1 || l.Items[0].ID != b.ID {
			t.Errorf("filtered list %+v", l.Items)
		}
		_, err = st.ListBulletins(nat, store.BulletinFilter{Month: "10/2026"})
		checkErr(t, err, anbao.EINVALID, "bulletin.month_invalid")

		// Schedules: a national regulator turns a scope off; a local one may not.
		head = headSeq(t, st)
		checkErr(t, st.SetBulletinSchedule(reg, jur, "zh-CN", false), anbao.EFORBIDDEN, "")
		checkErr(t, st.SetBulletinSchedule(nat, jur, "xx", false), anbao.EINVALID, "bulletin.lang_invalid")
		checkErr(t, st.SetBulletinSchedule(nat, "99", "zh-CN", false), anbao.EINVALID, "bulletin.scope_invalid")
		if headSeq(t, st) != head {
			t.Fatal("a refused schedule change wrote")
		}
		must(t, st.SetBulletinSchedule(nat, jur, "en", false))
		must(t, st.SetBulletinSchedule(nat, jur, "en", false))
		due, err = st.DueBulletins(sys(), "2026-11")
		must(t, err)
		for _, d := range due {
			if d.Scope == jur {
				t.Errorf("disabled scope %s due", jur)
			}
		}
		if n := len(due); n != len(sch)-1 {
			t.Errorf("due %d, want %d", n, len(sch)-1)
		}
		verifyOK(t, st, -1)
	})
}
