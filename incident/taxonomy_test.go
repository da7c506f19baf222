package incident

import (
	"errors"
	"testing"
)

func TestTaxonomyCounts(t *testing.T) {
	cats := Categories()
	if len(cats) != 10 {
		t.Fatalf("categories = %d, want 10", len(cats))
	}
	// Per-category sub-category counts as transcribed (see taxonomy.json).
	// The first three match a secondary description of the standard.
	want := map[string]int{"MP": 10, "NA": 21, "DS": 12, "IC": 8, "DE": 5, "RO": 8, "SHE": 3, "AB": 3, "FOC": 5, "OTH": 0}
	total := 0
	for _, c := range cats {
		if n, ok := want[c.Code]; !ok || n != len(c.Subs) {
			t.Errorf("%s: %d sub-categories, want %d", c.Code, len(c.Subs), want[c.Code])
		}
		total += len(c.Subs)
	}
	if total != 75 {
		t.Errorf("sub-categories = %d, want 75", total)
	}
}

func TestTaxonomyUnverifiedIsHonest(t *testing.T) {
	// Nobody has checked the list against the standard's text: a flag set to
	// true must come with that check (and this test updated).
	info := TaxonomyInfo()
	if info.Verified || info.Source == "" {
		t.Errorf("taxonomy claims verification or lacks a source note")
	}
	for _, c := range info.Categories {
		if c.Verified {
			t.Errorf("%s marked verified", c.Code)
		}
		for _, s := range c.Subs {
			if s.Verified {
				t.Errorf("%s marked verified", s.Code)
			}
		}
	}
}

func TestRansomwareIsMaliciousProgram(t *testing.T) {
	c, s, ok := LookupSub(SubRansomware)
	if !ok || c.Code != CategoryMaliciousProgram || s.NameZH != "勒索软件事件" {
		t.Fatalf("LookupSub(%s) = %+v %+v %v", SubRansomware, c.Code, s, ok)
	}
	if !IsRansomware(s.Code) || IsRansomware("MPMINER") {
		t.Error("IsRansomware")
	}
	for _, code := range []string{SubDataLeak, SubWebDefacement, SubDenialOfService} {
		if _, _, ok := LookupSub(code); !ok {
			t.Errorf("named constant %s not in the taxonomy", code)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, code := range []string{"", "MP", "mprans", "XX", "MPRANSX"} {
		if _, _, ok := LookupSub(code); ok {
			t.Errorf("LookupSub(%q) found", code)
		}
	}
	if _, ok := LookupCategory("ZZ"); ok {
		t.Error("LookupCategory(ZZ) found")
	}
}

func TestValidateClass(t *testing.T) {
	cases := []struct {
		cat, sub, code string
	}{
		{"MP", "MPRANS", ""},
		{"NA", "NABGPATT", ""},
		{"OTH", "", ""},
		{"XX", "MPRANS", CodeCategoryUnknown},
		{"", "", CodeCategoryUnknown},
		{"MP", "NOPE", CodeSubUnknown},
		{"NA", "MPRANS", CodeSubMismatch},
		{"MP", "", CodeSubRequired},
		{"OTH", "MPRANS", CodeSubNotAllowed},
	}
	for _, c := range cases {
		err := ValidateClass(c.cat, c.sub)
		if c.code == "" {
			if err != nil {
				t.Errorf("ValidateClass(%q, %q) = %v", c.cat, c.sub, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Code != c.code {
			t.Errorf("ValidateClass(%q, %q) = %v, want %s", c.cat, c.sub, err, c.code)
		}
	}
}

func TestCategoriesIsACopy(t *testing.T) {
	a := Categories()
	a[0].Subs[0].NameZH = "changed"
	a[0].NameZH = "changed"
	b := Categories()
	if b[0].NameZH == "changed" || b[0].Subs[0].NameZH == "changed" {
		t.Error("Categories shares memory with the package")
	}
}

func TestParseTaxonomyRejects(t *testing.T) {
	for name, js := range map[string]string{
		"duplicate": `{"categories":[{"code":"AA","name_zh":"x","name_en":"x","subs":[{"code":"AAB","name_zh":"x","name_en":"x"},{"code":"AAB","name_zh":"x","name_en":"x"}]}]}`,
		"prefix":    `{"categories":[{"code":"AA","name_zh":"x","name_en":"x","subs":[{"code":"BBX","name_zh":"x","name_en":"x"}]}]}`,
		"lower":     `{"categories":[{"code":"aa","name_zh":"x","name_en":"x","subs":[]}]}`,
		"unknown":   `{"categories":[],"extra":1}`,
		"empty":     `{"categories":[]}`,
	} {
		if _, err := parseTaxonomy([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
