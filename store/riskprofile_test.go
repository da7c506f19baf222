package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// openSQLite is a SQLite store with the small pilot, for tests that need no second engine.
func openSQLite(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	loadPilot(t, st)
	return st
}

// orgOf is the organisation of a demo user.
func orgOf(t testing.TB, st *store.Store, username string) int64 {
	return count(t, st, "SELECT org_id FROM users WHERE username = $1", username)
}

func firstEnterprise(t testing.TB, st *store.Store) int64 { return orgOf(t, st, "ent1.admin") }

// The whole life of each kind of record, on every engine: create, read, list,
// replace with and without the right version, delete; each change audited once.
func TestRiskProfileCRUD(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		setClock(st, t0)
		ent := firstEnterprise(t, st)
		ctx := as(t, st, "ent1.member")
		seq := headSeq(t, st)

		// MLPS systems.
		m, err := st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: " 网上商城 ", Level: 3,
			FilingNumber: "32050243001-19003", LastEvaluationDate: "2025-11-20", LastEvaluationResult: store.MLPSBasicallyConform})
		must(t, err)
		if m.Name != "网上商城" || m.Version != 1 || m.EnterpriseID != ent || m.CreatedAt == "" {
			t.Errorf("created %+v", m)
		}
		_, err = st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: "网上商城", Level: 2})
		wantErr(t, err, anbao.ECONFLICT, "rp.mlps.name_taken")
		_, err = st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: "办公系统", Level: 2, FilingNumber: "32050243001-19003"})
		wantErr(t, err, anbao.ECONFLICT, "rp.mlps.filing_taken")
		m2, err := st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: "办公系统", Level: 2})
		must(t, err)
		l, err := st.ListMLPSSystems(ctx, ent, anbao.Page{})
		must(t, err)
		if l.Total != 2 || l.Items[0].ID != m.ID || l.Items[1].ID != m2.ID {
			t.Errorf("list %+v (higher level first)", l)
		}
		upd := store.MLPSSystemInput{Name: "网上商城", Level: 3, FilingNumber: "32050243001-19003",
			LastEvaluationDate: "2026-01-15", LastEvaluationResult: store.MLPSConform, Version: 1}
		m, err = st.UpdateMLPSSystem(ctx, ent, m.ID, upd)
		must(t, err)
		if m.Version != 2 || m.LastEvaluationResult != store.MLPSConform {
			t.Errorf("updated %+v", m)
		}
		_, err = st.UpdateMLPSSystem(ctx, ent, m.ID, upd) // version 1 is stale now
		wantErr(t, err, anbao.ECONFLICT, "error.version_conflict")
		upd.Version = 0 // no check, and no change: no new version, no audit entry
		before := headSeq(t, st)
		if m, err = st.UpdateMLPSSystem(ctx, ent, m.ID, upd); err != nil || m.Version != 2 || headSeq(t, st) != before {
			t.Errorf("no-op update: %+v %v, audit %d → %d", m, err, before, headSeq(t, st))
		}
		got, err := st.GetMLPSSystem(ctx, ent, m.ID)
		if err != nil || *got != *m {
			t.Errorf("get = %+v %v, want %+v", got, err, m)
		}
		wantErr(t, st.DeleteMLPSSystem(ctx, ent, m2.ID, 7), anbao.ECONFLICT, "error.version_conflict")
		must(t, st.DeleteMLPSSystem(ctx, ent, m2.ID, 1))
		_, err = st.GetMLPSSystem(ctx, ent, m2.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")

		// Assets.
		a, err := st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetDomain, Value: "Shop.Example.CN", InternetFacing: true, Note: "商城"})
		must(t, err)
		if a.Value != "shop.example.cn" || !a.InternetFacing || a.Version != 1 {
			t.Errorf("asset %+v", a)
		}
		_, err = st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetDomain, Value: "shop.example.cn."})
		wantErr(t, err, anbao.ECONFLICT, "rp.asset.exists")
		sw, err := st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetSoftware,
			Value: "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", SoftwareVersion: "1.18.0", EOL: true})
		must(t, err)
		if sw.Value != "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*" || sw.SoftwareVersion != "1.18.0" || !sw.EOL {
			t.Errorf("software %+v", sw)
		}
		// Another version of the same product is another asset.
		_, err = st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetSoftware,
			Value: "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", SoftwareVersion: "1.24.0"})
		must(t, err)
		_, err = st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetCIDR, Value: "203.0.113.0/24"})
		must(t, err)
		yes := true
		al, err := st.ListAssets(ctx, ent, store.AssetFilter{InternetFacing: &yes})
		must(t, err)
		if al.Total != 1 || al.Items[0].ID != a.ID {
			t.Errorf("internet-facing list %+v", al)
		}
		al, err = st.ListAssets(ctx, ent, store.AssetFilter{Kind: store.AssetSoftware, Query: "NGINX"})
		must(t, err)
		if al.Total != 2 {
			t.Errorf("software nginx: %d", al.Total)
		}
		al, err = st.ListAssets(ctx, ent, store.AssetFilter{Query: "商城"})
		must(t, err)
		if al.Total != 1 {
			t.Errorf("by note: %d", al.Total)
		}
		_, err = st.ListAssets(ctx, ent, store.AssetFilter{Kind: "printer"})
		wantErr(t, err, anbao.EINVALID, "rp.asset.kind_invalid")
		al, err = st.ListAssets(ctx, ent, store.AssetFilter{Page: anbao.Page{Limit: 2, Offset: 2}})
		must(t, err)
		if al.Total != 4 || len(al.Items) != 2 {
			t.Errorf("page 2: total %d, %d items", al.Total, len(al.Items))
		}
		a, err = st.UpdateAsset(ctx, ent, a.ID, store.AssetInput{Kind: store.AssetDomain, Value: "shop.example.cn", Note: "商城（已下线）", Version: 1})
		must(t, err)
		if a.InternetFacing || a.Version != 2 {
			t.Errorf("replaced %+v", a)
		}
		_, err = st.UpdateAsset(ctx, ent, a.ID, store.AssetInput{Kind: store.AssetSoftware, Value: sw.Value})
		wantErr(t, err, anbao.ECONFLICT, "rp.asset.exists")
		_, err = st.UpdateAsset(ctx, ent, a.ID, store.AssetInput{Kind: store.AssetIP, Value: "nope"})
		wantErr(t, err, anbao.EINVALID, "rp.ip.invalid")
		must(t, st.DeleteAsset(ctx, ent, a.ID, 0))

		// Dependencies.
		d, err := st.CreateDependency(ctx, ent, store.DependencyInput{Kind: store.DepCloudProvider, Name: " 阿里云 ", Service: "ECS  与 RDS", Critical: true})
		must(t, err)
		if d.Name != "阿里云" || d.Service != "ECS 与 RDS" {
			t.Errorf("dependency %+v", d)
		}
		_, err = st.CreateDependency(ctx, ent, store.DependencyInput{Kind: store.DepCloudProvider, Name: "阿里云", Service: "ECS 与 RDS"})
		wantErr(t, err, anbao.ECONFLICT, "rp.dep.exists")
		_, err = st.CreateDependency(ctx, ent, store.DependencyInput{Kind: "bank", Name: "某银行"})
		wantErr(t, err, anbao.EINVALID, "rp.dep.kind_invalid")
		_, err = st.CreateDependency(ctx, ent, store.DependencyInput{Kind: store.DepITOutsourcer, Name: " "})
		wantErr(t, err, anbao.EINVALID, "rp.dep.name_required")
		d, err = st.UpdateDependency(ctx, ent, d.ID, store.DependencyInput{Kind: store.DepCloudProvider, Name: "阿里云", Service: "ECS", Version: 1})
		must(t, err)
		if d.Critical || d.Version != 2 {
			t.Errorf("replaced %+v", d)
		}
		dl, err := st.ListDependencies(ctx, ent, anbao.Page{})
		if err != nil || dl.Total != 1 {
			t.Errorf("dependencies %+v %v", dl, err)
		}
		must(t, st.DeleteDependency(ctx, ent, d.ID, 2))

		// Data holdings: none declared, then declared, then changed.
		h, err := st.GetDataHoldings(ctx, ent)
		must(t, err)
		if h.Version != 0 || h.PIRecords != store.PINone || h.RTOHours != nil {
			t.Errorf("undeclared %+v", h)
		}
		rto := 24
		h, err = st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{PIRecords: store.PI100KTo1M, SensitivePI: true,
			CrossBorder: true, RTOHours: &rto, OfflineBackups: true})
		must(t, err)
		if h.Version != 1 || *h.RTOHours != 24 || h.RPOHours != nil || h.CreatedAt == "" {
			t.Errorf("declared %+v", h)
		}
		_, err = st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{PIRecords: store.PINone, Version: 5})
		wantErr(t, err, anbao.ECONFLICT, "error.version_conflict")
		_, err = st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{PIRecords: store.PINone, SensitivePI: true})
		wantErr(t, err, anbao.EINVALID, "rp.holdings.sensitive_without_pi")
		bad := maxHours() + 1
		_, err = st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{RPOHours: &bad})
		wantErr(t, err, anbao.EINVALID, "rp.holdings.hours_range")
		_, err = st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{PIRecords: "lots"})
		wantErr(t, err, anbao.EINVALID, "rp.holdings.band_invalid")
		rpo := 4
		h, err = st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{PIRecords: store.PI100KTo1M, ImportantData: true,
			RTOHours: &rto, RPOHours: &rpo, Version: 1})
		must(t, err)
		if h.Version != 2 || h.SensitivePI || !h.ImportantData || *h.RPOHours != 4 {
			t.Errorf("changed %+v", h)
		}
		got2, err := st.GetDataHoldings(sys(), ent)
		if err != nil || got2.Version != 2 || *got2.RPOHours != 4 || *got2.RTOHours != 24 {
			t.Errorf("read back %+v %v", got2, err)
		}

		want := []string{"mlps_system.create", "mlps_system.create", "mlps_system.update", "mlps_system.delete",
			"asset.create", "asset.create", "asset.create", "asset.create", "asset.update", "asset.delete",
			"dependency.create", "dependency.update", "dependency.delete", "data_holdings.set", "data_holdings.set"}
		entries := auditSince(t, st, seq)
		var acts []string
		for _, e := range entries {
			if e.Action != "user.login" {
				acts = append(acts, e.Action)
				if e.OrgID != ent || e.ActorName != "ent1.member" {
					t.Errorf("%s: org %d actor %s", e.Action, e.OrgID, e.ActorName)
				}
			}
		}
		if !equalStrings(acts, want) {
			t.Errorf("audit actions\n got %v\nwant %v", acts, want)
		}
		// A deletion keeps the last state in the audit log.
		for _, e := range entries {
			if e.Action == "asset.delete" {
				var gone store.Asset
				if err := json.Unmarshal(e.Before, &gone); err != nil || gone.Value != "shop.example.cn" || e.After != nil {
					t.Errorf("asset.delete entry: %s %s", e.Before, e.After)
				}
			}
		}
		verifyOK(t, st, -1)
	})
}

func maxHours() int { return 8760 }

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Who reads and who writes a risk profile: the enterprise's own users write;
// the operator, the jurisdiction's regulator and related insurers and
// providers read; everyone else finds nothing, exactly as for a missing enterprise.
func TestRiskProfileAccess(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		ent := firstEnterprise(t, st)
		other := orgOf(t, st, "ent2.admin")
		var jur string
		must(t, st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", ent).Scan(&jur))
		var xjur string
		must(t, st.RawDB().QueryRow(`SELECT MIN(jurisdiction) FROM organisations WHERE kind = 'regulator'
			AND jurisdiction <> '' AND jurisdiction <> $1`, jur).Scan(&xjur))
		// In a small pilot every insurer and provider relates to every enterprise: an ended
		// relationship (consent withdrawn, engagement over) takes the sight away again.
		for _, u := range []string{"ins2.admin", "prov2.admin"} {
			storetest.Exec(t, st, "UPDATE relationships SET ended_at = $1 WHERE enterprise_id = $2 AND party_org_id = $3",
				anbao.FormatTime(t0), ent, orgOf(t, st, u))
		}
		mine, err := st.CreateAsset(as(t, st, "ent1.admin"), ent, store.AssetInput{Kind: store.AssetIP, Value: "198.51.100.7"})
		must(t, err)
		theirs, err := st.CreateAsset(as(t, st, "ent2.admin"), other, store.AssetInput{Kind: store.AssetIP, Value: "198.51.100.8"})
		must(t, err)

		for _, c := range []struct {
			user       string
			read, code string // code of reading ent1's profile ("" = allowed)
		}{
			{"ent1.admin", "", ""}, {"ent1.member", "", ""}, {"op.admin", "", ""}, {"op.auditor", "", ""},
			{"miit.admin", "", ""}, {"reg" + jur + ".analyst", "", ""}, {"ins1.uw", "", ""}, {"ins1.claims", "", ""},
			{"prov1.analyst", "", ""},
			{"op.expert", "", anbao.EFORBIDDEN}, {"ent2.admin", "", anbao.ENOTFOUND},
			{"ins2.uw", "", anbao.ENOTFOUND}, {"prov2.admin", "", anbao.ENOTFOUND}, {"reg" + xjur + ".admin", "", anbao.ENOTFOUND},
		} {
			ctx := as(t, st, c.user)
			_, err := st.ListAssets(ctx, ent, store.AssetFilter{})
			if anbao.ErrorCode(err) != c.code {
				t.Errorf("%s lists ent1's assets: %v, want %q", c.user, err, c.code)
			}
			_, err = st.GetAsset(ctx, ent, mine.ID)
			_, err2 := st.GetDataHoldings(ctx, ent)
			_, err3 := st.ListMLPSSystems(ctx, ent, anbao.Page{})
			_, err4 := st.ListDependencies(ctx, ent, anbao.Page{})
			for _, e := range []error{err, err2, err3, err4} {
				if anbao.ErrorCode(e) != c.code {
					t.Errorf("%s reads ent1: %v, want %q", c.user, e, c.code)
				}
			}
		}
		// A record of another enterprise through this enterprise's address is not found, even for the operator.
		_, err = st.GetAsset(as(t, st, "op.admin"), ent, theirs.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		// A non-enterprise reads as not found.
		_, err = st.ListAssets(sys(), orgOf(t, st, "ins1.admin"), store.AssetFilter{})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")

		// Writes: only the enterprise's own users; others are refused before their input is judged.
		seq := headSeq(t, st)
		in := store.AssetInput{Kind: store.AssetIP, Value: "198.51.100.9"}
		for user, code := range map[string]string{"op.admin": anbao.EFORBIDDEN, "ins1.uw": anbao.EFORBIDDEN,
			"prov1.admin": anbao.EFORBIDDEN, "reg" + jur + ".admin": anbao.EFORBIDDEN, "ent2.admin": anbao.ENOTFOUND} {
			ctx := as(t, st, user)
			seq = headSeq(t, st)
			_, err := st.CreateAsset(ctx, ent, in)
			_, err2 := st.CreateAsset(ctx, ent, store.AssetInput{Kind: "bogus"})
			err3 := st.DeleteAsset(ctx, ent, mine.ID, 0)
			_, err4 := st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{})
			_, err5 := st.ImportAssets(ctx, ent, store.ImportCSV, []byte("kind,value\nip,198.51.100.10\n"), false)
			_, err6 := st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: "系统", Level: 2})
			_, err7 := st.CreateDependency(ctx, ent, store.DependencyInput{Kind: store.DepITOutsourcer, Name: "外包"})
			for i, e := range []error{err, err2, err3, err4, err5, err6, err7} {
				if anbao.ErrorCode(e) != code {
					t.Errorf("%s write %d to ent1: %v, want %s", user, i, e, code)
				}
			}
			if headSeq(t, st) != seq {
				t.Errorf("%s: refused writes were audited", user)
			}
		}
		// ent1 cannot reach ent2's record through its own address.
		wantErr(t, st.DeleteAsset(as(t, st, "ent1.admin"), ent, theirs.ID, 0), anbao.ENOTFOUND, "error.not_found")
		// A read-scoped API token reads but does not write.
		p := anbao.PrincipalFrom(as(t, st, "ent1.admin"))
		p.Scopes = []anbao.TokenScope{anbao.ScopeRead}
		rctx := anbao.WithPrincipal(context.Background(), p)
		if _, err := st.ListAssets(rctx, ent, store.AssetFilter{}); err != nil {
			t.Errorf("read token reads: %v", err)
		}
		_, err = st.CreateAsset(rctx, ent, in)
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		if n := count(t, st, "SELECT COUNT(*) FROM assets WHERE enterprise_id = $1", ent); n != 1 {
			t.Errorf("ent1 has %d assets, want 1", n)
		}
	})
}

// The per-enterprise bounds hold for single records and for imports.
func TestRiskProfileLimits(t *testing.T) {
	st := openSQLite(t)
	ent := firstEnterprise(t, st)
	ctx := as(t, st, "ent1.admin")
	tx, err := st.RawDB().Begin()
	must(t, err)
	now := anbao.FormatTime(t0)
	for i := 0; i < store.MaxAssets-1; i++ {
		if _, err := tx.Exec(`INSERT INTO assets (enterprise_id, kind, value, created_at, updated_at) VALUES ($1, 'ip', $2, $3, $3)`,
			ent, fmt.Sprintf("10.%d.%d.%d", i/62500, i/250%250, i%250+1), now); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < store.MaxMLPSSystems; i++ {
		if _, err := tx.Exec(`INSERT INTO mlps_systems (enterprise_id, name, level, created_at, updated_at) VALUES ($1, $2, 2, $3, $3)`,
			ent, fmt.Sprintf("系统%d", i), now); err != nil {
			t.Fatal(err)
		}
	}
	must(t, tx.Commit())
	_, err = st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: "再一个系统", Level: 2})
	wantErr(t, err, anbao.ECONFLICT, "rp.limit")
	rep, err := st.ImportAssets(ctx, ent, store.ImportCSV, []byte("kind,value\nip,192.0.2.1\nip,192.0.2.2\nip,10.0.0.1\n"), false)
	must(t, err)
	if rep.Created != 1 || rep.Rejected != 1 || rep.Unchanged != 1 || rep.Items[1].Key != "rp.limit" {
		t.Errorf("import at the limit: %+v", rep.Items)
	}
	_, err = st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetIP, Value: "192.0.2.3"})
	wantErr(t, err, anbao.ECONFLICT, "rp.limit")
}
