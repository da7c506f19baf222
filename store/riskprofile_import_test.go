package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// importCSV has one row of each outcome; rows are numbered by file line.
const importCSV = "\ufeffkind,value,version,eol,internet_facing,note\r\n" +
	"domain,WWW.Example.CN,,,true,官网\r\n" + // 2 created
	"ip,203.0.113.10,,,是,\r\n" + // 3 created
	"software,cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*,1.18.0,yes,,\r\n" + // 4 created
	"ip,999.1.1.1,,,,\r\n" + // 5 rejected: address
	"domain,www.example.cn.,,,,\r\n" + // 6 rejected: repeats row 2
	"cidr,203.0.113.0/24,,maybe,,\r\n" + // 7 rejected: eol not a yes/no
	"printer,hp-01,,,,\r\n" + // 8 rejected: kind
	"\"cloud_account\",\"aliyun:1234567890123456\",,,,\"多行\n备注\"\r\n" + // 9 created (quoted, two lines)
	"domain,only-two-fields\r\n" + // 11 rejected: column count
	"ip,192.0.2.1,1.0,,,\r\n" // 12 rejected: version on an ip

func TestAssetImportCSV(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		ent := firstEnterprise(t, st)
		ctx := as(t, st, "ent1.admin")
		seq := headSeq(t, st)

		// A dry run reports exactly what the import will do, and writes nothing.
		dry, err := st.ImportAssets(ctx, ent, store.ImportCSV, []byte(importCSV), true)
		must(t, err)
		if headSeq(t, st) != seq || count(t, st, "SELECT COUNT(*) FROM assets") != 0 {
			t.Fatalf("dry run wrote")
		}
		rep, err := st.ImportAssets(ctx, ent, store.ImportCSV, []byte(importCSV), false)
		must(t, err)
		if !dry.DryRun || rep.DryRun || len(dry.Items) != len(rep.Items) {
			t.Fatalf("dry %+v\nreal %+v", dry, rep)
		}
		for i := range rep.Items {
			d, r := dry.Items[i], rep.Items[i]
			d.AssetID, r.AssetID = 0, 0
			if fmt.Sprint(d) != fmt.Sprint(r) {
				t.Errorf("row %d: dry %+v, real %+v", r.Row, d, r)
			}
		}
		want := []struct {
			row                 int
			status              string
			value               string
			field, key          string
			args                string
			eol, internetFacing bool
		}{
			{2, "created", "www.example.cn", "", "", "", false, true},
			{3, "created", "203.0.113.10", "", "", "", false, true},
			{4, "created", "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*", "", "", "", true, false},
			{5, "rejected", "999.1.1.1", "value", "rp.ip.invalid", "[999.1.1.1]", false, false},
			{6, "rejected", "www.example.cn", "value", "rp.import.duplicate", "[2]", false, false},
			{7, "rejected", "203.0.113.0/24", "eol", "rp.import.bool", "[maybe]", false, false},
			{8, "rejected", "hp-01", "kind", "rp.asset.kind_invalid", "[printer]", false, false},
			{9, "created", "aliyun:1234567890123456", "", "", "", false, false},
			{11, "rejected", "only-two-fields", "", "rp.import.field_count", "[6 2]", false, false},
			{12, "rejected", "192.0.2.1", "version", "rp.asset.software_only", "", false, false},
		}
		if len(rep.Items) != len(want) {
			t.Fatalf("%d rows reported, want %d: %+v", len(rep.Items), len(want), rep.Items)
		}
		for i, w := range want {
			g := rep.Items[i]
			args := ""
			if len(g.Args) > 0 {
				args = fmt.Sprint(g.Args)
			}
			if g.Row != w.row || g.Status != w.status || g.Value != w.value || g.Field != w.field || g.Key != w.key ||
				args != w.args || g.Accepted != (w.status != "rejected") || (g.AssetID != 0) != g.Accepted {
				t.Errorf("row %d: %+v, want %+v", w.row, g, w)
			}
			if w.key != "" {
				checkErr(t, &anbao.Error{Code: anbao.EINVALID, Key: g.Key}, anbao.EINVALID, w.key)
			}
		}
		if rep.Rows != 10 || rep.Created != 4 || rep.Rejected != 6 || rep.Updated != 0 || len(rep.SHA256) != 64 {
			t.Errorf("summary %+v", rep)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM assets WHERE enterprise_id = $1", ent); n != 4 {
			t.Errorf("%d assets stored, want 4", n)
		}
		var note string
		must(t, st.RawDB().QueryRow("SELECT note FROM assets WHERE kind = 'cloud_account'").Scan(&note))
		if note != "多行\n备注" {
			t.Errorf("quoted note %q", note)
		}
		// One entry per asset created, and one for the import with the file's hash.
		var acts []string
		for _, e := range auditSince(t, st, seq) {
			acts = append(acts, e.Action)
			if e.Action == "asset.import" && !strings.Contains(string(e.After), rep.SHA256) {
				t.Errorf("import entry %s lacks the file hash", e.After)
			}
		}
		if !equalStrings(acts, []string{"asset.create", "asset.create", "asset.create", "asset.create", "asset.import"}) {
			t.Errorf("audit %v", acts)
		}

		// Importing again updates what changed and leaves the rest alone.
		again := "kind,value,internet_facing,note\n" +
			"domain,www.example.cn,true,官网\n" + // unchanged
			"ip,203.0.113.10,false,已下线\n" // updated
		rep, err = st.ImportAssets(ctx, ent, store.ImportCSV, []byte(again), false)
		must(t, err)
		if rep.Unchanged != 1 || rep.Updated != 1 || rep.Items[0].Status != "unchanged" || rep.Items[1].Status != "updated" {
			t.Errorf("re-import %+v", rep.Items)
		}
		a, err := st.GetAsset(ctx, ent, rep.Items[1].AssetID)
		if err != nil || a.InternetFacing || a.Note != "已下线" || a.Version != 2 {
			t.Errorf("updated asset %+v %v", a, err)
		}
		verifyOK(t, st, -1)
	})
}

func TestAssetImportJSON(t *testing.T) {
	st := openSQLite(t)
	ent := firstEnterprise(t, st)
	ctx := as(t, st, "ent1.member")
	body := `[
	 {"kind":"domain","value":"mail.example.cn","internet_facing":true},
	 {"kind":"software","value":"cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*","version":"2.4.58","eol":false,"note":"门户"},
	 {"kind":"ip","value":"192.0.2.9","eol":"yes"},
	 {"kind":"ip","value":"192.0.2.10","colour":"red"},
	 "ip,192.0.2.11",
	 {"kind":"cidr","value":"192.0.2.0/33"}
	]`
	rep, err := st.ImportAssets(ctx, ent, store.ImportJSON, []byte(body), false)
	must(t, err)
	want := []struct {
		status, field, key string
	}{
		{"created", "", ""}, {"created", "", ""}, {"rejected", "eol", "rp.import.json_type"},
		{"rejected", "colour", "rp.import.unknown_column"}, {"rejected", "", "rp.import.json_object"},
		{"rejected", "value", "rp.cidr.invalid"},
	}
	if len(rep.Items) != len(want) {
		t.Fatalf("items %+v", rep.Items)
	}
	for i, w := range want {
		g := rep.Items[i]
		if g.Row != i+1 || g.Status != w.status || g.Field != w.field || g.Key != w.key {
			t.Errorf("item %d: %+v, want %+v", i+1, g, w)
		}
		if w.key != "" {
			checkErr(t, &anbao.Error{Code: anbao.EINVALID, Key: g.Key}, anbao.EINVALID, w.key)
		}
	}
}

// Faults of the file as a whole write nothing at all, not even the valid rows.
func TestAssetImportFileErrors(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		ent := firstEnterprise(t, st)
		ctx := as(t, st, "ent1.admin")
		manyRows := "kind,value\n" + strings.Repeat("ip,192.0.2.1\n", store.ImportMaxRows+1)
		manyJSON := "[" + strings.Repeat(`{"kind":"ip","value":"192.0.2.1"},`, store.ImportMaxRows) + `{"kind":"ip","value":"192.0.2.2"}]`
		big := "kind,value,note\n" + strings.Repeat("ip,192.0.2.1,"+strings.Repeat("x", 1000)+"\n", 1100)
		cases := []struct {
			name   string
			format store.ImportFormat
			body   string
			code   string
			key    string
		}{
			{"GBK", store.ImportCSV, "kind,value,note\nip,192.0.2.1,\xb9\xd9\xcd\xf8\n", anbao.EINVALID, "rp.import.not_utf8"},
			{"empty", store.ImportCSV, "", anbao.EINVALID, "rp.import.empty"},
			{"header only", store.ImportCSV, "kind,value\n", anbao.EINVALID, "rp.import.empty"},
			{"unknown column", store.ImportCSV, "kind,value,owner\nip,192.0.2.1,x\n", anbao.EINVALID, "rp.import.unknown_column"},
			{"missing column", store.ImportCSV, "value,note\n192.0.2.1,x\n", anbao.EINVALID, "rp.import.missing_column"},
			{"repeated column", store.ImportCSV, "kind,value,kind\nip,192.0.2.1,ip\n", anbao.EINVALID, "rp.import.duplicate_column"},
			{"bare quote", store.ImportCSV, "kind,value\nip,192.0.2.1\nip,19\"2.0.2.2\n", anbao.EINVALID, "rp.import.csv_syntax"},
			{"too many rows", store.ImportCSV, manyRows, anbao.EINVALID, "rp.import.too_many_rows"},
			{"too many objects", store.ImportJSON, manyJSON, anbao.EINVALID, "rp.import.too_many_rows"},
			{"too large", store.ImportCSV, big, anbao.ETOOLARGE, "rp.import.too_large"},
			{"JSON object", store.ImportJSON, `{"kind":"ip","value":"192.0.2.1"}`, anbao.EINVALID, "rp.import.json_array"},
			{"JSON syntax", store.ImportJSON, `[{"kind":"ip",]`, anbao.EINVALID, "rp.import.json_syntax"},
			{"JSON trailing", store.ImportJSON, `[{"kind":"ip","value":"192.0.2.1"}] []`, anbao.EINVALID, "rp.import.json_trailing"},
			{"JSON empty", store.ImportJSON, `[]`, anbao.EINVALID, "rp.import.empty"},
			{"format", "xlsx", "kind,value\nip,192.0.2.1\n", anbao.EINVALID, "rp.import.format"},
		}
		seq := headSeq(t, st)
		for _, c := range cases {
			for _, dry := range []bool{false, true} {
				_, err := st.ImportAssets(ctx, ent, c.format, []byte(c.body), dry)
				if !checkErr(t, err, c.code, c.key) {
					t.Errorf("case %s (dry run %v)", c.name, dry)
				}
			}
		}
		if headSeq(t, st) != seq || count(t, st, "SELECT COUNT(*) FROM assets") != 0 {
			t.Errorf("a refused file wrote something")
		}
	})
}

// The largest import allowed, timed: 10,000 rows in one transaction with an
// audit entry each. A figure for the note, not an assertion.
func TestAssetImportLargest(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		ent := firstEnterprise(t, st)
		ctx := as(t, st, "ent1.admin")
		var b strings.Builder
		b.WriteString("kind,value,version,eol,internet_facing,note\n")
		for i := 0; i < store.ImportMaxRows; i++ {
			fmt.Fprintf(&b, "ip,10.%d.%d.%d,,,%v,批量导入\n", i/62500, i/250%250, i%250+1, i%7 == 0)
		}
		start := time.Now()
		rep, err := st.ImportAssets(ctx, ent, store.ImportCSV, []byte(b.String()), false)
		must(t, err)
		if rep.Created != store.ImportMaxRows {
			t.Fatalf("created %d", rep.Created)
		}
		t.Logf("%d rows (%d bytes) imported in %v", rep.Rows, b.Len(), time.Since(start).Round(time.Millisecond))
		start = time.Now()
		rep, err = st.ImportAssets(ctx, ent, store.ImportCSV, []byte(b.String()), true)
		must(t, err)
		if rep.Unchanged != store.ImportMaxRows {
			t.Fatalf("unchanged %d", rep.Unchanged)
		}
		t.Logf("dry run of the same file against them in %v", time.Since(start).Round(time.Millisecond))
		verifyOK(t, st, -1)
	})
}
