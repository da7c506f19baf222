// Package uscc parses and checks the 18-character Unified Social Credit Code
// (统一社会信用代码, GB 32100-2015).
//
// Layout (1-based positions):
//
//	1      registration authority (登记管理部门代码)
//	2      organisation category (机构类别代码), meaning depends on position 1
//	3–8    GB/T 2260 division code of the registering authority
//	9–17   organisation code (组织机构代码, GB 11714): 8 body characters and a check character
//	18     check character over positions 1–17 (mod 31)
//
// Parse reports structural faults only. Checksum faults come separately from
// (*Code).Checksum, because real registry data contains codes whose checksum
// fails; an operator may accept such a code after manual verification.
package uscc

import (
	"fmt"
	"strings"
	"unicode"
)

// Charset is the 31-symbol alphabet of a USCC (no I, O, S, V, Z), in value order.
const Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Length is the number of characters in a USCC.
const Length = 18

// ErrorKind classifies a fault in a code.
type ErrorKind string

const (
	ErrLength       ErrorKind = "length"         // not 18 characters (or 17, 8, ... for the helper functions)
	ErrCharset      ErrorKind = "charset"        // a character outside the allowed set for its position
	ErrOrgCodeCheck ErrorKind = "org_code_check" // position 17 is not the GB 11714 check of positions 9–16
	ErrCheckChar    ErrorKind = "check_char"     // position 18 is not the mod-31 check of positions 1–17
)

// Error is a fault found in a code.
type Error struct {
	Kind ErrorKind
	// Pos is the 1-based position of the first bad character, 0 if not applicable.
	// For CheckChar and OrgCodeCheck it is relative to their argument.
	Pos int
	// Want is the expected character for checksum faults, 0 otherwise.
	Want byte
	// Got is the character found at Pos; 0 when it is not an ASCII character.
	Got byte
	// Len is the length found, for length faults.
	Len int
	// WantLen is the length required, for length faults.
	WantLen int
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrLength:
		return fmt.Sprintf("uscc: length %d, want %d", e.Len, e.WantLen)
	case ErrCharset:
		if e.Got == 0 {
			return fmt.Sprintf("uscc: position %d: character not allowed", e.Pos)
		}
		return fmt.Sprintf("uscc: position %d: character %q not allowed", e.Pos, e.Got)
	case ErrOrgCodeCheck:
		return fmt.Sprintf("uscc: position %d: organisation code check character is %q, want %q", e.Pos, e.Got, e.Want)
	case ErrCheckChar:
		return fmt.Sprintf("uscc: position %d: check character is %q, want %q", e.Pos, e.Got, e.Want)
	}
	return "uscc: " + string(e.Kind)
}

// Code is a structurally valid USCC split into its parts.
type Code struct {
	Raw       string // the normalised 18 characters
	Authority byte   // position 1
	Category  byte   // position 2
	Division  string // positions 3–8
	OrgCode   string // positions 9–17
	Check     byte   // position 18
}

// String returns the normalised code.
func (c *Code) String() string { return c.Raw }

// charValue[b] is the value of b in Charset, or -1.
var charValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(Charset); i++ {
		v[Charset[i]] = int8(i)
	}
	return v
}()

// checkWeights are 3^(i-1) mod 31 for positions 1–17.
var checkWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// Normalize trims white space (including the ideographic space), converts
// full-width ASCII to half-width and upper-cases ASCII letters.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), unicode.IsSpace)
}

// checkChars reports the first character of s outside the USCC alphabet, or a
// non-digit in positions 3–8 when digitsAt38 is set. offset is added to positions.
func checkChars(s string, offset int, digitsAt38 bool) *Error {
	for i := 0; i < len(s); i++ {
		pos := offset + i + 1
		b := s[i]
		bad := charValue[b] < 0
		if !bad && digitsAt38 && pos >= 3 && pos <= 8 {
			bad = b < '0' || b > '9'
		}
		if bad {
			if b >= 0x80 {
				b = 0
			}
			return &Error{Kind: ErrCharset, Pos: pos, Got: b}
		}
	}
	return nil
}

// structural checks an already normalised string: 18 characters, alphabet, digits at 3–8.
func structural(s string) *Error {
	if n := len([]rune(s)); n != Length {
		return &Error{Kind: ErrLength, Len: n, WantLen: Length}
	}
	if len(s) != Length { // 18 runes but some are multi-byte: find the first.
		for i, r := range []rune(s) {
			if r >= 0x80 {
				return &Error{Kind: ErrCharset, Pos: i + 1}
			}
		}
	}
	return checkChars(s, 0, true)
}

// Parse normalises s and checks its length and character set. Structural
// faults are returned as *Error; checksum faults are left to (*Code).Checksum.
func Parse(s string) (*Code, error) {
	s = Normalize(s)
	if err := structural(s); err != nil {
		return nil, err
	}
	return &Code{
		Raw:       s,
		Authority: s[0],
		Category:  s[1],
		Division:  s[2:8],
		OrgCode:   s[8:17],
		Check:     s[17],
	}, nil
}

// Checksum verifies the GB 11714 check of position 17 and the mod-31 check of
// position 18. It returns nil or an *Error of kind ErrOrgCodeCheck or
// ErrCheckChar whose Want is the expected character.
// The check works on Raw, so a hand-built Code is checked structurally first.
func (c *Code) Checksum() error {
	s := c.Raw
	if err := structural(s); err != nil {
		return err
	}
	org, err := OrgCodeCheck(s[8:16])
	if err != nil {
		return err
	}
	if got := s[16]; got != org {
		return &Error{Kind: ErrOrgCodeCheck, Pos: 17, Want: org, Got: got}
	}
	want, err := CheckChar(s[:17])
	if err != nil {
		return err
	}
	if got := s[17]; got != want {
		return &Error{Kind: ErrCheckChar, Pos: 18, Want: want, Got: got}
	}
	return nil
}

// Valid reports whether s parses and passes both checks.
func Valid(s string) bool {
	c, err := Parse(s)
	return err == nil && c.Checksum() == nil
}

// CheckChar returns the mod-31 check character (position 18) for the first 17
// characters of a code: Charset[(31 - Σ v_i·w_i mod 31) mod 31], so a
// remainder of 0 gives '0'. The argument must be 17 characters of Charset.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != Length-1 {
		return 0, &Error{Kind: ErrLength, Len: len([]rune(first17)), WantLen: Length - 1}
	}
	if err := checkChars(first17, 0, false); err != nil {
		return 0, err
	}
	sum := 0
	for i := 0; i < len(first17); i++ {
		sum += int(charValue[first17[i]]) * checkWeights[i]
	}
	return Charset[(31-sum%31)%31], nil
}

// orgValue is the GB 11714 value of b: 0–9 for digits, 10–35 for A–Z, or -1.
func orgValue(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'A' && b <= 'Z':
		return int(b-'A') + 10
	}
	return -1
}

// OrgCodeCheck returns the GB 11714 check character for the 8 body characters
// of an organisation code: C = 11 − (Σ v_i·w_i mod 11), 10 → 'X', 11 → '0'.
// Body characters are 0–9 and A–Z (upper case).
func OrgCodeCheck(body8 string) (byte, error) {
	if len(body8) != 8 {
		return 0, &Error{Kind: ErrLength, Len: len([]rune(body8)), WantLen: 8}
	}
	sum := 0
	for i := 0; i < 8; i++ {
		v := orgValue(body8[i])
		if v < 0 {
			b := body8[i]
			if b >= 0x80 {
				b = 0
			}
			return 0, &Error{Kind: ErrCharset, Pos: i + 1, Got: b}
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}

// Make builds a fully valid code from its parts, computing positions 17 and 18.
// Inputs are not normalised: they must already be upper-case half-width.
// Faults are *Error with positions relative to the full code.
func Make(authority, category byte, division, body8 string) (string, error) {
	if len(division) != 6 {
		return "", &Error{Kind: ErrLength, Len: len([]rune(division)), WantLen: 6}
	}
	if len(body8) != 8 {
		return "", &Error{Kind: ErrLength, Len: len([]rune(body8)), WantLen: 8}
	}
	head := string([]byte{authority, category}) + division + body8
	if err := checkChars(head, 0, true); err != nil {
		return "", err
	}
	org, err := OrgCodeCheck(body8)
	if err != nil {
		return "", err
	}
	first17 := head + string(org)
	check, err := CheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(check), nil
}

// ProvinceCode returns the first two digits of the registration division,
// the default province of the registering authority.
func (c *Code) ProvinceCode() string { return c.Division[:2] }

type names struct{ zh, en string }

func pick(n names, lang string) string {
	if lang == "en" {
		return n.en
	}
	return n.zh
}

var authorities = map[byte]names{
	'1': {"机构编制", "Institutional establishment"},
	'2': {"外交", "Foreign affairs"},
	'3': {"司法行政", "Judicial administration"},
	'4': {"文化", "Culture"},
	'5': {"民政", "Civil affairs"},
	'6': {"旅游", "Tourism"},
	'7': {"宗教", "Religious affairs"},
	'8': {"工会", "Trade unions"},
	'9': {"工商（市场监管）", "Market regulation (industry and commerce)"},
	'A': {"中央军委改革和编制办公室", "CMC Reform and Organisation Office"},
	'N': {"农业", "Agriculture"},
	'Y': {"其他", "Other"},
}

var other = names{"其他", "Other"}

var categories = map[byte]map[byte]names{
	'1': {
		'1': {"机关", "Government organ"},
		'2': {"事业单位", "Public institution"},
		'3': {"中央编办直接管理机构编制的群众团体", "Mass organisation staffed under the Central Organisation Office"},
		'9': other,
	},
	'2': {
		'1': {"外国常住新闻机构", "Resident foreign news agency"},
		'9': other,
	},
	'3': {
		'1': {"律师执业机构", "Law firm"},
		'2': {"公证处", "Notary office"},
		'3': {"基层法律服务所", "Grassroots legal service office"},
		'4': {"司法鉴定机构", "Forensic appraisal institution"},
		'5': {"仲裁委员会", "Arbitration commission"},
		'9': other,
	},
	'4': {
		'1': {"外国在华文化中心", "Foreign cultural centre in China"},
		'9': other,
	},
	'5': {
		'1': {"社会团体", "Social organisation"},
		'2': {"民办非企业单位", "Private non-enterprise unit"},
		'3': {"基金会", "Foundation"},
		'9': other,
	},
	'6': {
		'1': {"外国旅游部门常驻代表机构", "Resident office of a foreign tourism authority"},
		'2': {"港澳台地区旅游部门常驻内地（大陆）代表机构", "Mainland office of a Hong Kong, Macao or Taiwan tourism authority"},
		'9': other,
	},
	'7': {
		'1': {"宗教活动场所", "Venue for religious activities"},
		'2': {"宗教院校", "Religious school"},
		'9': other,
	},
	'8': {
		'1': {"基层工会", "Grassroots trade union"},
		'9': other,
	},
	'9': {
		'1': {"企业", "Enterprise"},
		'2': {"个体工商户", "Individual business"},
		'3': {"农民专业合作社", "Farmers' specialised cooperative"},
	},
	'A': {
		'1': {"军队事业单位", "Military public institution"},
		'9': other,
	},
	'N': {
		'1': {"组级集体经济组织", "Group-level collective economic organisation"},
		'2': {"村级集体经济组织", "Village-level collective economic organisation"},
		'3': {"乡镇级集体经济组织", "Township-level collective economic organisation"},
		'9': other,
	},
	'Y': {
		'1': other, // GB 32100: no further categories under Y, always 1
	},
}

// AuthorityName names the registration authority (position 1) in lang
// ("zh-CN" or "en"); "" if the code is not in the GB 32100 table.
func (c *Code) AuthorityName(lang string) string {
	n, ok := authorities[c.Authority]
	if !ok {
		return ""
	}
	return pick(n, lang)
}

// CategoryName names the organisation category (position 2) as defined for the
// code's authority, in lang ("zh-CN" or "en"); "" if the pair is not in the table.
func (c *Code) CategoryName(lang string) string {
	n, ok := categories[c.Authority][c.Category]
	if !ok {
		return ""
	}
	return pick(n, lang)
}

// KnownCategory reports whether the authority and category pair appears in the GB 32100 table.
func (c *Code) KnownCategory() bool {
	_, ok := categories[c.Authority][c.Category]
	return ok
}
