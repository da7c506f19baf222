package vulnfeed

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// Limits of ReadKEV. The public catalogue is about 1.5 MB with some 1,500
// entries; its longest strings are a few hundred bytes.
const (
	MaxKEVBytes  = 64 << 20 // decompressed size of a KEV file
	MaxKEVString = 32 << 10 // bytes in one string field
	MaxKEVCWEs   = 64       // items in one cwes array
	maxKEVCount  = 10_000_000
	maxJSONDepth = 64 // nesting of unknown fields
)

// kevLimit is MaxKEVBytes; tests lower it.
var kevLimit int64 = MaxKEVBytes

// KEVCatalog is CISA's Known Exploited Vulnerabilities catalogue
// (known_exploited_vulnerabilities.json, schema in cisagov/kev-data).
type KEVCatalog struct {
	CatalogVersion  string    // e.g. "2025.02.25"
	DateReleased    time.Time // e.g. 2025-02-25T20:33:53.3676Z
	Count           int       // equals len(Vulnerabilities)
	Vulnerabilities []KEVEntry
}

// KEVEntry is one catalogue entry. Strings are trimmed of surrounding space.
type KEVEntry struct {
	CVEID                      string // ^CVE-[0-9]{4}-[0-9]{4,19}$
	VendorProject              string
	Product                    string
	VulnerabilityName          string
	DateAdded                  time.Time // a date (UTC midnight)
	ShortDescription           string
	RequiredAction             string
	DueDate                    time.Time // a date (UTC midnight)
	KnownRansomwareCampaignUse string    // "Known", "Unknown", or "" when the field is absent
	Notes                      string
	CWEs                       []string // each ^CWE-[0-9]+$
	ForensicTriage             string   // "Yes" or "No" (BOD 26-04) as given, "" when absent; not checked
}

// Ransomware reports whether CISA knows the vulnerability to be used in
// ransomware campaigns.
func (e *KEVEntry) Ransomware() bool { return e.KnownRansomwareCampaignUse == "Known" }

// Entry fields, as bits for the seen and required sets.
const (
	fCVE = 1 << iota
	fVendor
	fProduct
	fName
	fAdded
	fDesc
	fAction
	fDue
	fRansom
	fNotes
	fCWEs
	fForensic
	kevRequired = fCVE | fVendor | fProduct | fName | fAdded | fDesc | fAction | fDue
)

var kevFields = map[string]int{
	"cveID": fCVE, "vendorProject": fVendor, "product": fProduct, "vulnerabilityName": fName,
	"dateAdded": fAdded, "shortDescription": fDesc, "requiredAction": fAction, "dueDate": fDue,
	"knownRansomwareCampaignUse": fRansom, "notes": fNotes, "cwes": fCWEs, "forensicTriage": fForensic,
}

// kevFieldOrder lists the required fields in the schema's order, for reporting the first missing.
var kevFieldOrder = []string{"cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded",
	"shortDescription", "requiredAction", "dueDate"}

// ReadKEV reads a KEV catalogue in JSON, plain or gzipped, and checks it
// against the published schema: required fields, types, the CVE id and CWE
// patterns, dates, knownRansomwareCampaignUse ("Known" or "Unknown"), that
// count equals the number of entries, and that no CVE id appears twice.
// Fields it does not know (such as "title") are skipped, so new fields in
// the feed do not break the import. Any fault rejects the whole file with an
// *Error naming the entry index, the field and the byte offset.
func ReadKEV(r io.Reader) (*KEVCatalog, error) {
	in, err := openInput(r, kevLimit)
	if err != nil {
		err.(*Error).Feed = "kev"
		return nil, err
	}
	dec := json.NewDecoder(in)
	dec.UseNumber()
	p := &kevParser{in: in, dec: dec, entry: -1}
	cat, err := p.catalog()
	if err != nil {
		return nil, err
	}
	return cat, nil
}

type kevParser struct {
	in    *input
	dec   *json.Decoder
	entry int    // index of the entry being read, or -1
	cve   string // its CVE id once read
	field string // the field being read
}

func (p *kevParser) offset() int64 { return p.dec.InputOffset() + p.in.bom }

func (p *kevParser) fail(code, format string, args ...any) *Error {
	return kevError(code, p.entry, p.field, p.cve, p.offset(), format, args...)
}

// token reads the next JSON token; errors become *Error.
func (p *kevParser) token() (json.Token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.jsonError(err)
	}
	return tok, nil
}

func (p *kevParser) jsonError(err error) *Error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		// With Token, SyntaxError.Offset does not count the bytes Token itself
		// consumed; the decoder's position, just before the value or
		// delimiter it could not read, is exact.
		near, _ := io.ReadAll(io.LimitReader(p.dec.Buffered(), 24))
		e := p.fail(CodeSyntax, "malformed JSON near %q: %s", near, syn.Error())
		e.Err = err
		return e
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		e := p.fail(CodeSyntax, "the JSON text ends too early")
		e.Err = err
		return e
	}
	e := p.in.fail(err)
	e.Feed, e.Entry, e.Field, e.CVE = "kev", p.entry, p.field, p.cve
	return e
}

func (p *kevParser) delim(want json.Delim, what string) error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if tok != want {
		return p.fail(CodeType, "must be %s, not %s", what, tokenKind(tok))
	}
	return nil
}

func (p *kevParser) key() (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	return tok.(string), nil // the decoder only returns strings as object keys
}

// str reads a string value, checked for length and control characters.
func (p *kevParser) str() (string, error) {
	tok, err := p.token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", p.fail(CodeType, "must be a string, not %s", tokenKind(tok))
	}
	if len(s) > MaxKEVString {
		return "", p.fail(CodeTooLong, "is longer than %d bytes", MaxKEVString)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return "", p.fail(CodeControl, "contains the control character 0x%02x", c)
		}
	}
	return strings.TrimSpace(s), nil
}

// text reads a string that must not be blank.
func (p *kevParser) text() (string, error) {
	s, err := p.str()
	if err == nil && s == "" {
		err = p.fail(CodeRequired, "must not be blank")
	}
	return s, err
}

func (p *kevParser) date(layout, format string) (time.Time, error) {
	s, err := p.str()
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, p.fail(CodeDate, "%q is not a %s", s, format)
	}
	return t.UTC(), nil
}

// skip reads past one value of any shape.
func (p *kevParser) skip() error {
	depth := 0
	for {
		tok, err := p.token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > maxJSONDepth {
				return p.fail(CodeDepth, "is nested more than %d levels deep", maxJSONDepth)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func (p *kevParser) catalog() (*KEVCatalog, error) {
	tok, err := p.dec.Token()
	if err == io.EOF {
		return nil, kevError(CodeEmpty, -1, "", "", p.offset(), "the file is empty")
	} else if err != nil {
		return nil, p.jsonError(err)
	}
	if tok != json.Delim('{') {
		return nil, p.fail(CodeType, "a KEV file must be a JSON object, not %s", tokenKind(tok))
	}
	cat := &KEVCatalog{Count: -1}
	seen := map[string]bool{}
	for p.dec.More() {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		p.field = key
		if seen[key] {
			return nil, p.fail(CodeDuplicateKey, "is given twice")
		}
		seen[key] = true
		switch key {
		case "catalogVersion":
			cat.CatalogVersion, err = p.text()
		case "dateReleased":
			cat.DateReleased, err = p.date(time.RFC3339Nano, "timestamp (RFC 3339, e.g. 2099-01-02T00:00:00.000Z)")
		case "count":
			cat.Count, err = p.count()
		case "vulnerabilities":
			err = p.vulnerabilities(cat)
		default:
			err = p.skip()
		}
		if err != nil {
			return nil, err
		}
		p.field = ""
	}
	if _, err := p.token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, kevError(CodeTrailing, -1, "", "", p.offset(), "there is more data after the JSON object")
	}
	for _, f := range []string{"catalogVersion", "dateReleased", "count", "vulnerabilities"} {
		if !seen[f] {
			return nil, kevError(CodeRequired, -1, f, "", -1, "is missing")
		}
	}
	if cat.Count != len(cat.Vulnerabilities) {
		return nil, kevError(CodeCount, -1, "count", "", -1, "is %d but the file has %d entries", cat.Count, len(cat.Vulnerabilities))
	}
	return cat, nil
}

func (p *kevParser) count() (int, error) {
	tok, err := p.token()
	if err != nil {
		return 0, err
	}
	num, ok := tok.(json.Number)
	if !ok {
		return 0, p.fail(CodeType, "must be a number, not %s", tokenKind(tok))
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || n < 0 || n > maxKEVCount {
		return 0, p.fail(CodeType, "%s is not a whole number from 0 to %d", num, maxKEVCount)
	}
	return int(n), nil
}

func (p *kevParser) vulnerabilities(cat *KEVCatalog) error {
	if err := p.delim('[', "an array"); err != nil {
		return err
	}
	field := p.field
	index := map[string]int{}
	for p.dec.More() {
		p.entry, p.cve, p.field = len(cat.Vulnerabilities), "", ""
		e, err := p.readEntry()
		if err != nil {
			return err
		}
		if first, dup := index[e.CVEID]; dup {
			p.field = "cveID"
			return p.fail(CodeDuplicate, "%s is already in vulnerabilities[%d]", e.CVEID, first)
		}
		index[e.CVEID] = p.entry
		cat.Vulnerabilities = append(cat.Vulnerabilities, e)
	}
	p.entry, p.cve, p.field = -1, "", field
	_, err := p.token() // the closing bracket
	return err
}

func (p *kevParser) readEntry() (KEVEntry, error) {
	var e KEVEntry
	if err := p.delim('{', "an object"); err != nil {
		return e, err
	}
	seen := 0
	for p.dec.More() {
		p.field = ""
		key, err := p.key()
		if err != nil {
			return e, err
		}
		p.field = key
		bit, known := kevFields[key]
		if !known {
			if err := p.skip(); err != nil {
				return e, err
			}
			continue
		}
		if seen&bit != 0 {
			return e, p.fail(CodeDuplicateKey, "is given twice")
		}
		seen |= bit
		switch bit {
		case fCVE:
			var id string
			if id, err = p.str(); err == nil {
				if !ValidCVE(id) {
					err = p.fail(CodeCVE, "%q is not a CVE id (CVE-YYYY-NNNN…)", id)
				}
				e.CVEID, p.cve = id, id
			}
		case fVendor:
			e.VendorProject, err = p.text()
		case fProduct:
			e.Product, err = p.text()
		case fName:
			e.VulnerabilityName, err = p.text()
		case fAdded:
			e.DateAdded, err = p.date(time.DateOnly, "date (YYYY-MM-DD)")
		case fDesc:
			e.ShortDescription, err = p.str()
		case fAction:
			e.RequiredAction, err = p.str()
		case fDue:
			e.DueDate, err = p.date(time.DateOnly, "date (YYYY-MM-DD)")
		case fRansom:
			var s string
			if s, err = p.str(); err == nil && s != "Known" && s != "Unknown" {
				err = p.fail(CodeEnum, "%q is neither Known nor Unknown", s)
			}
			e.KnownRansomwareCampaignUse = s
		case fNotes:
			e.Notes, err = p.str()
		case fCWEs:
			e.CWEs, err = p.cwes()
		case fForensic:
			e.ForensicTriage, err = p.str()
		}
		if err != nil {
			return e, err
		}
	}
	if _, err := p.token(); err != nil { // the closing brace
		return e, err
	}
	if missing := kevRequired &^ seen; missing != 0 {
		for _, f := range kevFieldOrder {
			if missing&kevFields[f] != 0 {
				p.field = f
				return e, p.fail(CodeRequired, "is missing")
			}
		}
	}
	return e, nil
}

func (p *kevParser) cwes() ([]string, error) {
	if err := p.delim('[', "an array of CWE ids"); err != nil {
		return nil, err
	}
	out := []string{}
	for p.dec.More() {
		if len(out) == MaxKEVCWEs {
			return nil, p.fail(CodeTooMany, "has more than %d items", MaxKEVCWEs)
		}
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		if !validCWE(s) {
			return nil, p.fail(CodeCWE, "%q is not a CWE id (CWE-NNN)", s)
		}
		out = append(out, s)
	}
	_, err := p.token() // the closing bracket
	return out, err
}

func validCWE(s string) bool { return len(s) > 4 && s[:4] == "CWE-" && digits(s[4:]) }

func tokenKind(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return "the end of " + map[json.Delim]string{'}': "an object", ']': "an array"}[v]
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "an unexpected value"
}
