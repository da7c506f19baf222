package refdata

import (
	"strings"
	"testing"
)

func TestJurisdictionCounts(t *testing.T) {
	counts := map[JurisdictionKind]int{}
	for _, j := range Jurisdictions() {
		if j.Active {
			counts[j.Kind]++
		}
	}
	if counts[KindProvince] != 31 {
		t.Errorf("active provinces = %d, want 31", counts[KindProvince])
	}
	if counts[KindPlanCity] != 5 {
		t.Errorf("active plan cities = %d, want 5", counts[KindPlanCity])
	}
	if counts[KindXPCC] != 1 {
		t.Errorf("active XPCC = %d, want 1", counts[KindXPCC])
	}
	if counts[KindSAR] != 0 || counts[KindTaiwan] != 0 {
		t.Errorf("SAR/Taiwan must be inactive: %v", counts)
	}
	if n := len(Jurisdictions()); n != 31+5+1+3 {
		t.Errorf("total = %d, want 40", n)
	}
}

func TestInactiveJurisdictions(t *testing.T) {
	for code, kind := range map[string]JurisdictionKind{"71": KindTaiwan, "81": KindSAR, "82": KindSAR} {
		j, ok := JurisdictionByCode(code)
		if !ok {
			t.Errorf("%s missing", code)
			continue
		}
		if j.Active || j.Kind != kind {
			t.Errorf("%s: active=%v kind=%s, want inactive %s", code, j.Active, j.Kind, kind)
		}
	}
}

func TestJurisdictionInvariants(t *testing.T) {
	seen := map[string]bool{}
	seenDiv := map[string]bool{}
	for _, j := range Jurisdictions() {
		if seen[j.Code] {
			t.Errorf("duplicate code %s", j.Code)
		}
		seen[j.Code] = true
		if seenDiv[j.Division] {
			t.Errorf("duplicate division %s", j.Division)
		}
		seenDiv[j.Division] = true
		if j.NameZH == "" || j.NameEN == "" || j.FullNameZH == "" || j.FullNameEN == "" {
			t.Errorf("%s: empty name %+v", j.Code, j)
		}
		if len(j.Division) != 6 || !strings.HasPrefix(j.Division, j.Code) ||
			strings.TrimRight(j.Division[len(j.Code):], "0") != "" {
			t.Errorf("%s: bad division %q", j.Code, j.Division)
		}
		switch j.Kind {
		case KindPlanCity:
			if len(j.Code) != 4 || j.Parent != j.Code[:2] {
				t.Errorf("%s: plan city parent %q", j.Code, j.Parent)
			}
			p, ok := JurisdictionByCode(j.Parent)
			if !ok || p.Kind != KindProvince || !p.Active {
				t.Errorf("%s: parent %q not an active province", j.Code, j.Parent)
			}
		case KindXPCC:
			if j.Code != "66" || j.Parent != "65" || j.Division != "660000" {
				t.Errorf("XPCC: %+v", j)
			}
		default:
			if len(j.Code) != 2 || j.Parent != "" {
				t.Errorf("%s: code length or parent wrong: %+v", j.Code, j)
			}
		}
		got, ok := JurisdictionByCode(j.Code)
		if !ok || got != j {
			t.Errorf("JurisdictionByCode(%s) = %+v, %v", j.Code, got, ok)
		}
		// Every jurisdiction's own division code maps back to it.
		if got, ok := JurisdictionForDivision(j.Division); !ok || got.Code != j.Code {
			t.Errorf("JurisdictionForDivision(%s) = %s, %v; want %s", j.Division, got.Code, ok, j.Code)
		}
	}
}

func TestJurisdictionOrder(t *testing.T) {
	js := Jurisdictions()
	rank := func(j Jurisdiction) int {
		switch {
		case !j.Active:
			return 3
		case j.Kind == KindProvince:
			return 0
		case j.Kind == KindPlanCity:
			return 1
		default:
			return 2
		}
	}
	for i := 1; i < len(js); i++ {
		a, b := js[i-1], js[i]
		if rank(a) > rank(b) || (rank(a) == rank(b) && a.Code >= b.Code) {
			t.Errorf("order: %s before %s", a.Code, b.Code)
		}
	}
	if js[0].Code != "11" || js[30].Code != "65" || js[31].Code != "2102" || js[36].Code != "66" {
		t.Errorf("unexpected anchors: %s %s %s %s", js[0].Code, js[30].Code, js[31].Code, js[36].Code)
	}
}

func TestJurisdictionsReturnsCopy(t *testing.T) {
	js := Jurisdictions()
	js[0].NameZH = "x"
	if j, _ := JurisdictionByCode("11"); j.NameZH != "北京" {
		t.Errorf("internal data mutated: %q", j.NameZH)
	}
}

func TestJurisdictionByCodeSpotChecks(t *testing.T) {
	cases := []struct{ code, zh, en, fullZH string }{
		{"32", "江苏", "Jiangsu", "江苏省"},
		{"45", "广西", "Guangxi", "广西壮族自治区"},
		{"61", "陕西", "Shaanxi", "陕西省"},
		{"14", "山西", "Shanxi", "山西省"},
		{"4403", "深圳", "Shenzhen", "深圳市"},
		{"66", "兵团", "XPCC", "新疆生产建设兵团"},
	}
	for _, c := range cases {
		j, ok := JurisdictionByCode(c.code)
		if !ok || j.NameZH != c.zh || j.NameEN != c.en || j.FullNameZH != c.fullZH {
			t.Errorf("%s: got %+v, %v", c.code, j, ok)
		}
	}
	for _, bad := range []string{"", "10", "440", "4401", "440300", "99"} {
		if _, ok := JurisdictionByCode(bad); ok {
			t.Errorf("JurisdictionByCode(%q) should fail", bad)
		}
	}
}

func TestJurisdictionForDivision(t *testing.T) {
	cases := []struct {
		div  string
		want string // "" = not found
	}{
		{"440305", "4403"},
		{"440106", "44"},
		{"210200", "2102"},
		{"210102", "21"},
		{"320508", "32"},
		{"370211", "3702"},
		{"650102", "65"},
		{"810000", "81"},
		{"110101", "11"},
		{"990000", ""},
		{"991234", ""},
		{"100000", ""},
		{"12345", ""},
		{"1234567", ""},
		{"abcdef", ""},
		{"44030a", ""},
		{"４40305", ""},
		{"", ""},
	}
	for _, c := range cases {
		j, ok := JurisdictionForDivision(c.div)
		if c.want == "" {
			if ok {
				t.Errorf("JurisdictionForDivision(%q) = %s, want false", c.div, j.Code)
			}
			continue
		}
		if !ok || j.Code != c.want {
			t.Errorf("JurisdictionForDivision(%q) = %q, %v; want %q", c.div, j.Code, ok, c.want)
		}
	}
}

func TestJurisdictionName(t *testing.T) {
	j, _ := JurisdictionByCode("32")
	if j.Name("en") != "Jiangsu" || j.Name("EN-us") != "Jiangsu" {
		t.Errorf("english name: %q", j.Name("en"))
	}
	for _, l := range []string{"zh", "", "zh-CN", "fr", "eng"} {
		if j.Name(l) != "江苏" {
			t.Errorf("Name(%q) = %q, want 江苏", l, j.Name(l))
		}
	}
}
