package refdata

import (
	"fmt"
	"testing"
)

func TestSections(t *testing.T) {
	ss := Sections()
	if len(ss) != 20 {
		t.Fatalf("sections = %d, want 20", len(ss))
	}
	for i, s := range ss {
		if want := string(rune('A' + i)); s.Code != want {
			t.Errorf("section %d code %q, want %q", i, s.Code, want)
		}
		if s.NameZH == "" || s.NameEN == "" {
			t.Errorf("%s: empty name", s.Code)
		}
		if got, ok := SectionByCode(s.Code); !ok || got != s {
			t.Errorf("SectionByCode(%s) = %+v, %v", s.Code, got, ok)
		}
	}
	for _, bad := range []string{"", "U", "a", "AB"} {
		if _, ok := SectionByCode(bad); ok {
			t.Errorf("SectionByCode(%q) should fail", bad)
		}
	}
}

func TestDivisions(t *testing.T) {
	ds := Divisions()
	if len(ds) != 97 {
		t.Fatalf("divisions = %d, want 97", len(ds))
	}
	seenZH := map[string]string{}
	for i, d := range ds {
		if want := fmt.Sprintf("%02d", i+1); d.Code != want {
			t.Errorf("division %d code %q, want %q", i, d.Code, want)
		}
		if _, ok := SectionByCode(d.Section); !ok {
			t.Errorf("%s: unknown section %q", d.Code, d.Section)
		}
		if d.NameZH == "" || d.NameEN == "" {
			t.Errorf("%s: empty name", d.Code)
		}
		if prev, dup := seenZH[d.NameZH]; dup {
			t.Errorf("%s: duplicate Chinese name with %s", d.Code, prev)
		}
		seenZH[d.NameZH] = d.Code
		if got, ok := DivisionByCode(d.Code); !ok || got != d {
			t.Errorf("DivisionByCode(%s) = %+v, %v", d.Code, got, ok)
		}
	}
	for _, bad := range []string{"", "00", "98", "1", "001", "A"} {
		if _, ok := DivisionByCode(bad); ok {
			t.Errorf("DivisionByCode(%q) should fail", bad)
		}
	}
}

func TestDivisionRanges(t *testing.T) {
	ranges := map[string][2]int{
		"A": {1, 5}, "B": {6, 12}, "C": {13, 43}, "D": {44, 46}, "E": {47, 50},
		"F": {51, 52}, "G": {53, 60}, "H": {61, 62}, "I": {63, 65}, "J": {66, 69},
		"K": {70, 70}, "L": {71, 72}, "M": {73, 75}, "N": {76, 79}, "O": {80, 82},
		"P": {83, 83}, "Q": {84, 85}, "R": {86, 90}, "S": {91, 96}, "T": {97, 97},
	}
	total := 0
	for _, s := range Sections() {
		r, ok := ranges[s.Code]
		if !ok {
			t.Fatalf("no expected range for %s", s.Code)
		}
		ds := DivisionsOf(s.Code)
		if len(ds) != r[1]-r[0]+1 {
			t.Errorf("%s: %d divisions, want %d", s.Code, len(ds), r[1]-r[0]+1)
			continue
		}
		for k, d := range ds {
			if want := fmt.Sprintf("%02d", r[0]+k); d.Code != want || d.Section != s.Code {
				t.Errorf("%s[%d] = %s (section %s), want %s", s.Code, k, d.Code, d.Section, want)
			}
		}
		total += len(ds)
	}
	if total != 97 {
		t.Errorf("total via DivisionsOf = %d", total)
	}
	if ds := DivisionsOf("Z"); ds != nil {
		t.Errorf("DivisionsOf(Z) = %v, want nil", ds)
	}
}

func TestIndustrySpotChecks(t *testing.T) {
	cases := map[string]string{
		"01": "农业", "04": "渔业", "39": "计算机、通信和其他电子设备制造业",
		"64": "互联网和相关服务", "65": "软件和信息技术服务业", "68": "保险业",
		"83": "教育", "97": "国际组织",
	}
	for code, zh := range cases {
		if d, ok := DivisionByCode(code); !ok || d.NameZH != zh {
			t.Errorf("%s: got %q, want %q", code, d.NameZH, zh)
		}
	}
	if s, _ := SectionByCode("I"); s.NameZH != "信息传输、软件和信息技术服务业" {
		t.Errorf("section I: %q", s.NameZH)
	}
}

func TestIndustryNames(t *testing.T) {
	d, _ := DivisionByCode("68")
	if d.Name("en") != "Insurance" || d.Name("zh") != "保险业" {
		t.Errorf("division names: %q %q", d.Name("en"), d.Name("zh"))
	}
	s, _ := SectionByCode("J")
	if s.Name("en-GB") != "Finance" || s.Name("") != "金融业" {
		t.Errorf("section names: %q %q", s.Name("en-GB"), s.Name(""))
	}
}

func TestIndustryReturnsCopy(t *testing.T) {
	Divisions()[0].NameZH = "x"
	Sections()[0].NameZH = "x"
	if d, _ := DivisionByCode("01"); d.NameZH != "农业" {
		t.Error("divisions mutated")
	}
	if s, _ := SectionByCode("A"); s.NameZH != "农、林、牧、渔业" {
		t.Error("sections mutated")
	}
}
