package refdata

import "testing"

// Division codes come from USCCs typed by users.
func FuzzJurisdictionForDivision(f *testing.F) {
	for _, s := range []string{"440305", "110000", "", "99999", "66xxxx", "４４０３０５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, div string) {
		j, ok := JurisdictionForDivision(div)
		if !ok {
			return
		}
		if len(div) != 6 || div[:2] != j.Code[:2] {
			t.Fatalf("%q mapped to %s", div, j.Code)
		}
		if _, found := JurisdictionByCode(j.Code); !found {
			t.Fatalf("%q mapped to unknown %s", div, j.Code)
		}
	})
}
