package incident

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func mustTable(t testing.TB, version string) *Table {
	t.Helper()
	tb, ok := LookupTable(version)
	if !ok {
		t.Fatalf("no table %s", version)
	}
	return tb
}

func TestTablesEmbedded(t *testing.T) {
	all := Tables()
	if len(all) != 2 || all[0].Version != "2023-12-draft" || all[1].Version != "2025-09" {
		var vs []string
		for _, tb := range all {
			vs = append(vs, tb.Version)
		}
		t.Fatalf("tables = %v", vs)
	}
	final := mustTable(t, "2025-09")
	if final.Draft || final.Effective.String() != "2025-11-01" || final.Published.String() != "2025-09-15" || final.TitleZH == "" || final.Source == "" {
		t.Errorf("2025-09 header: %+v", final)
	}
	draft := mustTable(t, "2023-12-draft")
	if !draft.Draft || !draft.Effective.IsZero() {
		t.Errorf("draft header: %+v", draft)
	}
	if _, ok := LookupTable("2030-01"); ok {
		t.Error("unknown version found")
	}
}

func TestCurrent(t *testing.T) {
	cst := ChinaTime
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2024, 6, 1, 0, 0, 0, 0, cst), ""}, // the draft was never in force
		{time.Date(2025, 10, 31, 23, 59, 59, 0, cst), ""},
		{time.Date(2025, 11, 1, 0, 0, 0, 0, cst), "2025-09"},
		{time.Date(2025, 10, 31, 16, 0, 0, 0, time.UTC), "2025-09"}, // same instant in UTC
		{time.Date(2025, 10, 31, 15, 59, 59, 0, time.UTC), ""},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, cst), "2025-09"},
	}
	for _, c := range cases {
		tb, ok := Current(c.at)
		got := ""
		if ok {
			got = tb.Version
		}
		if got != c.want {
			t.Errorf("Current(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

// TestThresholdsDecrease re-checks, independently of ParseTable, that every
// indicator's thresholds go down from 特别重大 to 较大: strictly in value, or
// equal in value with a strictly wider scope.
func TestThresholdsDecrease(t *testing.T) {
	for _, tb := range Tables() {
		for _, ind := range tb.Indicators {
			for j := 1; j < len(ind.Thresholds); j++ {
				hi, lo := ind.Thresholds[j-1], ind.Thresholds[j]
				if hi.Grade.Rank() <= lo.Grade.Rank() {
					t.Errorf("%s/%s: grades not descending", tb.Version, ind.ID)
				}
				switch {
				case hi.Value > lo.Value:
				case hi.Value == lo.Value && strings.Join(hi.Scope, ",") != strings.Join(lo.Scope, ","):
					// Only the draft's population share: 30% of a province, then 30% of a prefecture.
					if tb.Version != "2023-12-draft" || ind.ID != "population_share" {
						t.Errorf("%s/%s: equal values %d", tb.Version, ind.ID, hi.Value)
					}
				default:
					t.Errorf("%s/%s: %d then %d", tb.Version, ind.ID, hi.Value, lo.Value)
				}
			}
		}
	}
}

// TestTableSources: every threshold says where it comes from; in the final
// table exactly the cells the domain notes call final are "final".
func TestTableSources(t *testing.T) {
	final := mustTable(t, "2025-09")
	for _, ind := range final.Indicators {
		for _, th := range ind.Thresholds {
			wantFinal := th.Grade == GradeParticularlyMajor || ind.ID == "pi_leaked"
			if (th.Source == SourceFinal) != wantFinal {
				t.Errorf("2025-09/%s/%s: source %s", ind.ID, th.Grade, th.Source)
			}
		}
	}
	for _, ind := range mustTable(t, "2023-12-draft").Indicators {
		for _, th := range ind.Thresholds {
			if th.Source != SourceDraft {
				t.Errorf("draft/%s/%s: source %s", ind.ID, th.Grade, th.Source)
			}
		}
	}
}

func TestTableRoundTrip(t *testing.T) {
	for _, tb := range Tables() {
		b, err := json.Marshal(tb)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseTable(b)
		if err != nil {
			t.Fatalf("%s: %v", tb.Version, err)
		}
		if back.Version != tb.Version || back.Effective.String() != tb.Effective.String() || len(back.Indicators) != len(tb.Indicators) {
			t.Errorf("%s: round trip changed the table", tb.Version)
		}
	}
}

const okTable = `{"version":"t","title_zh":"x","title_en":"x","published":"2025-01-01","effective":"2025-02-01","draft":false,"source":"s",
"indicators":[{"id":"a","fact":"pi_leaked_people","unit":"people","name_zh":"x","name_en":"x","thresholds":[
{"grade":"particularly_major","value":300,"source":"final"},{"grade":"major","value":200,"source":"final"},{"grade":"relatively_major","value":100,"source":"final"}]}]}`

func TestParseTableRejects(t *testing.T) {
	if _, err := ParseTable([]byte(okTable)); err != nil {
		t.Fatalf("base table: %v", err)
	}
	cases := map[string][2]string{
		"equal values":        {`"value":200,"source":"final"},{"grade":"relatively_major","value":100`, `"value":200,"source":"final"},{"grade":"relatively_major","value":200`},
		"rising values":       {`"value":100,"source":"final"}]`, `"value":250,"source":"final"}]`},
		"grades out of order": {`{"grade":"major","value":200`, `{"grade":"particularly_major","value":200`},
		"general threshold":   {`"relatively_major","value":100`, `"general","value":100`},
		"zero value":          {`"value":100,"source":"final"}]`, `"value":0,"source":"final"}]`},
		"unknown fact":        {`"fact":"pi_leaked_people"`, `"fact":"pi_lost"`},
		"unit mismatch":       {`"unit":"people"`, `"unit":"minutes"`},
		"unknown source":      {`"value":100,"source":"final"`, `"value":100,"source":"rumour"`},
		"unknown field":       {`"draft":false`, `"draft":false,"extra":1`},
		"no effective date":   {`"effective":"2025-02-01"`, `"effective":""`},
		"scope on unscoped":   {`"value":100,"source":"final"`, `"value":100,"scope":["gov_portal:any"],"source":"final"`},
		"value too large":     {`"value":300`, `"value":3000000000`},
	}
	for name, c := range cases {
		js := strings.Replace(okTable, c[0], c[1], 1)
		if js == okTable {
			t.Fatalf("%s: replacement did not apply", name)
		}
		_, err := ParseTable([]byte(js))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if got := codes(err); len(got) == 0 || !strings.HasSuffix(got[0], CodeTableInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseTableScopes(t *testing.T) {
	mk := func(hiScope, loScope string, hi, lo int) string {
		return `{"version":"t","title_zh":"x","title_en":"x","published":"2025-01-01","draft":true,"source":"s",
"indicators":[{"id":"a","fact":"site_unreachable_minutes","unit":"minutes","name_zh":"x","name_en":"x","thresholds":[
{"grade":"major","value":` + itoa(hi) + `,"scope":[` + hiScope + `],"source":"draft"},{"grade":"relatively_major","value":` + itoa(lo) + `,"scope":[` + loScope + `],"source":"draft"}]}]}`
	}
	cases := []struct {
		name   string
		js     string
		accept bool
	}{
		{"same scope, lower value", mk(`"gov_portal:province"`, `"gov_portal:province"`, 60, 30), true},
		{"same value, wider scope", mk(`"gov_portal:province"`, `"gov_portal:prefecture"`, 60, 60), true},
		{"same value, same scope", mk(`"gov_portal:province"`, `"gov_portal:province"`, 60, 60), false},
		{"lower grade narrower", mk(`"gov_portal:prefecture"`, `"gov_portal:province"`, 60, 30), false},
		{"lower grade drops a kind", mk(`"gov_portal:any","news_site:any"`, `"gov_portal:any"`, 60, 30), false},
		{"bad kind", mk(`"blog:any"`, `"blog:any"`, 60, 30), false},
		{"region on a site fact", mk(`"region:province"`, `"region:province"`, 60, 30), false},
		{"platform level", mk(`"platform:province"`, `"platform:any"`, 60, 30), false},
		{"no colon", mk(`"gov_portal"`, `"gov_portal:any"`, 60, 30), false},
	}
	for _, c := range cases {
		_, err := ParseTable([]byte(c.js))
		if (err == nil) != c.accept {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}
	// A draft table may not claim final values.
	js := strings.ReplaceAll(mk(`"gov_portal:any"`, `"gov_portal:any"`, 60, 30), `"source":"draft"`, `"source":"final"`)
	if _, err := ParseTable([]byte(js)); err == nil {
		t.Error("draft table with final values accepted")
	}
}
