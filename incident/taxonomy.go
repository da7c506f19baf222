package incident

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// The incident taxonomy of GB/T 20986-2023, Annex B.
//
// [unverified] The names, their order and the letter codes come from a
// public third-party implementation, not from the standard's text; see the
// "source" field of taxonomy.json. Every entry carries Verified=false until
// someone checks it against the published standard. Codes are therefore
// Anbao's stable identifiers first: if Annex B turns out to use other codes,
// add them as a separate field rather than renumbering stored incidents.

//go:embed taxonomy.json
var taxonomyJSON []byte

// Codes callers need by name: the ransomware sub-category selects the
// ransomware sub-form and the ransomware section of the statutory report.
const (
	CategoryMaliciousProgram = "MP"
	CategoryNetworkAttack    = "NA"
	CategoryDataSecurity     = "DS"
	CategoryOther            = "OTH"
	SubRansomware            = "MPRANS"
	SubDataLeak              = "DSDATALEAK"
	SubWebDefacement         = "NAWEBMOD"
	SubDenialOfService       = "NADOS"
)

// SubCategory is one incident sub-category (子类).
type SubCategory struct {
	Code     string `json:"code"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	Verified bool   `json:"verified"`
}

// Category is one incident category (类别) and its sub-categories in the
// standard's order. A category may have no sub-categories (其他事件).
type Category struct {
	Code     string        `json:"code"`
	NameZH   string        `json:"name_zh"`
	NameEN   string        `json:"name_en"`
	Verified bool          `json:"verified"`
	Subs     []SubCategory `json:"subs"`
}

// Taxonomy is the whole classification with its provenance.
type Taxonomy struct {
	Standard   string     `json:"standard"`
	Annex      string     `json:"annex"`
	Source     string     `json:"source"`
	Verified   bool       `json:"verified"`
	Categories []Category `json:"categories"`
}

var (
	taxonomy Taxonomy
	catIndex map[string]int    // category code -> index
	subIndex map[string][2]int // sub code -> category index, sub index
)

func init() {
	t, err := parseTaxonomy(taxonomyJSON)
	if err != nil {
		panic("incident: embedded taxonomy.json: " + err.Error())
	}
	taxonomy = *t
	catIndex = make(map[string]int, len(t.Categories))
	subIndex = make(map[string][2]int)
	for i, c := range t.Categories {
		catIndex[c.Code] = i
		for j, s := range c.Subs {
			subIndex[s.Code] = [2]int{i, j}
		}
	}
}

// parseTaxonomy decodes and checks a taxonomy: codes upper-case ASCII and
// unique across categories and sub-categories, every sub-category code
// prefixed by its category's code, names present.
func parseTaxonomy(b []byte) (*Taxonomy, error) {
	var t Taxonomy
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, err
	}
	var errs Errors
	seen := map[string]bool{}
	code := func(field, c string) {
		if c == "" || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			errs = append(errs, ferr(field, CodeTableInvalid, "code must be upper-case ASCII", c))
		}
		if seen[c] {
			errs = append(errs, ferr(field, CodeTableInvalid, "duplicate code", c))
		}
		seen[c] = true
	}
	if len(t.Categories) == 0 {
		errs = append(errs, ferr("categories", CodeTableInvalid, "no categories"))
	}
	for i, c := range t.Categories {
		p := fmt.Sprintf("categories[%d]", i)
		code(p+".code", c.Code)
		if c.NameZH == "" || c.NameEN == "" {
			errs = append(errs, ferr(p, CodeTableInvalid, "name missing"))
		}
		for j, s := range c.Subs {
			q := fmt.Sprintf("%s.subs[%d]", p, j)
			code(q+".code", s.Code)
			if !strings.HasPrefix(s.Code, c.Code) || s.Code == c.Code {
				errs = append(errs, ferr(q+".code", CodeTableInvalid, "sub-category code must extend its category code", s.Code))
			}
			if s.NameZH == "" || s.NameEN == "" {
				errs = append(errs, ferr(q, CodeTableInvalid, "name missing"))
			}
		}
	}
	if err := errs.orNil(); err != nil {
		return nil, err
	}
	return &t, nil
}

// TaxonomyInfo returns the taxonomy's provenance (standard, annex, source
// note) and a copy of its categories.
func TaxonomyInfo() Taxonomy {
	t := taxonomy
	t.Categories = Categories()
	return t
}

// Categories returns a copy of the categories in the standard's order.
func Categories() []Category {
	out := make([]Category, len(taxonomy.Categories))
	for i, c := range taxonomy.Categories {
		out[i] = c
		out[i].Subs = append([]SubCategory(nil), c.Subs...)
	}
	return out
}

// LookupCategory finds a category by code.
func LookupCategory(code string) (Category, bool) {
	i, ok := catIndex[code]
	if !ok {
		return Category{}, false
	}
	c := taxonomy.Categories[i]
	c.Subs = append([]SubCategory(nil), c.Subs...)
	return c, true
}

// LookupSub finds a sub-category by code, with the category it belongs to.
func LookupSub(code string) (Category, SubCategory, bool) {
	ix, ok := subIndex[code]
	if !ok {
		return Category{}, SubCategory{}, false
	}
	c, _ := LookupCategory(taxonomy.Categories[ix[0]].Code)
	return c, c.Subs[ix[1]], true
}

// IsRansomware reports whether a sub-category code is ransomware.
func IsRansomware(subCode string) bool { return subCode == SubRansomware }

// ValidateClass checks a (category, sub-category) pair. The category must
// exist; a category with sub-categories needs one of its own; a category
// without sub-categories (其他事件) takes none. Fields are "category" and
// "subcategory".
func ValidateClass(category, sub string) error {
	i, ok := catIndex[category]
	if !ok {
		return ferr("category", CodeCategoryUnknown, category)
	}
	c := taxonomy.Categories[i]
	if len(c.Subs) == 0 {
		if sub != "" {
			return ferr("subcategory", CodeSubNotAllowed, category, sub)
		}
		return nil
	}
	if sub == "" {
		return ferr("subcategory", CodeSubRequired, category)
	}
	ix, ok := subIndex[sub]
	if !ok {
		return ferr("subcategory", CodeSubUnknown, sub)
	}
	if ix[0] != i {
		return ferr("subcategory", CodeSubMismatch, category, sub)
	}
	return nil
}
