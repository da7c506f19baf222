package vulnfeed

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// kevFixture is the synthetic fixture of platforms.md §6.3, with a second
// entry and fields ReadKEV does not know.
const kevFixture = `{"title":"test","catalogVersion":"2099.01.02","dateReleased":"2099-01-02T00:00:00.000Z","count":2,
 "vulnerabilities":[{"cveID":"CVE-2099-0001","vendorProject":"ExampleVendor","product":"ExampleVPN",
  "vulnerabilityName":"ExampleVPN auth bypass","dateAdded":"2099-01-02","shortDescription":"…",
  "requiredAction":"Apply mitigations per vendor instructions","dueDate":"2099-01-23",
  "knownRansomwareCampaignUse":"Known","forensicTriage":"No","notes":"","cwes":["CWE-287"]},
  {"cveID":"CVE-2099-123456","vendorProject":" Acme Networks ","product":"Edge Gateway","vulnerabilityName":"Edge Gateway SQL Injection",
  "dateAdded":"2099-01-01","shortDescription":"","requiredAction":"Patch.","dueDate":"2099-01-22",
  "futureField":{"nested":[1,2,{"deep":null}],"flag":true},"cwes":[]}]}`

func TestReadKEVFixture(t *testing.T) {
	cat, err := ReadKEV(strings.NewReader(kevFixture))
	if err != nil {
		t.Fatal(err)
	}
	if cat.CatalogVersion != "2099.01.02" || !cat.DateReleased.Equal(time.Date(2099, 1, 2, 0, 0, 0, 0, time.UTC)) ||
		cat.Count != 2 || len(cat.Vulnerabilities) != 2 {
		t.Fatalf("catalogue header: %+v", cat)
	}
	e := cat.Vulnerabilities[0]
	if e.CVEID != "CVE-2099-0001" || e.VendorProject != "ExampleVendor" || e.Product != "ExampleVPN" ||
		!e.DateAdded.Equal(time.Date(2099, 1, 2, 0, 0, 0, 0, time.UTC)) || !e.DueDate.Equal(time.Date(2099, 1, 23, 0, 0, 0, 0, time.UTC)) ||
		!e.Ransomware() || e.ForensicTriage != "No" || len(e.CWEs) != 1 || e.CWEs[0] != "CWE-287" {
		t.Errorf("entry 0: %+v", e)
	}
	e = cat.Vulnerabilities[1]
	if e.CVEID != "CVE-2099-123456" || e.VendorProject != "Acme Networks" || e.Ransomware() || e.KnownRansomwareCampaignUse != "" ||
		e.CWEs == nil || len(e.CWEs) != 0 {
		t.Errorf("entry 1: %+v", e)
	}
}

func TestReadKEVEncodings(t *testing.T) {
	plain := GenerateKEV(200, 7)
	want, err := ReadKEV(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if want.Count != 200 || len(want.Vulnerabilities) != 200 {
		t.Fatalf("generated catalogue has %d/%d entries", want.Count, len(want.Vulnerabilities))
	}
	variants := map[string][]byte{
		"gzip": gzipBytes(plain),
		"BOM":  append([]byte("\xef\xbb\xbf"), plain...),
		"CRLF": bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n")),
	}
	for name, b := range variants {
		got, err := ReadKEV(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(got.Vulnerabilities) != 200 || got.Vulnerabilities[199].CVEID != want.Vulnerabilities[199].CVEID {
			t.Errorf("%s: read differently", name)
		}
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// kevEntry is a valid entry with field f replaced by raw JSON (or removed when raw is "").
func kevEntry(id, f, raw string) string {
	fields := []struct{ k, v string }{
		{"cveID", `"` + id + `"`}, {"vendorProject", `"V"`}, {"product", `"P"`}, {"vulnerabilityName", `"N"`},
		{"dateAdded", `"2099-01-02"`}, {"shortDescription", `"D"`}, {"requiredAction", `"A"`}, {"dueDate", `"2099-01-23"`},
		{"knownRansomwareCampaignUse", `"Unknown"`}, {"notes", `""`}, {"cwes", `["CWE-79"]`},
	}
	var b strings.Builder
	b.WriteString("{")
	sep := ""
	for _, kv := range fields {
		v := kv.v
		if kv.k == f {
			if raw == "" {
				continue
			}
			v = raw
		}
		b.WriteString(sep + `"` + kv.k + `":` + v)
		sep = ","
	}
	b.WriteString("}")
	return b.String()
}

func kevFile(count string, entries ...string) string {
	return `{"catalogVersion":"2099.01.02","dateReleased":"2099-01-02T00:00:00.000Z","count":` + count +
		`,"vulnerabilities":[` + strings.Join(entries, ",") + `]}`
}

func TestReadKEVErrors(t *testing.T) {
	ok0 := kevEntry("CVE-2099-0001", "", "")
	tests := []struct {
		name  string
		in    string
		code  string
		entry int
		field string
		text  string // substring of Error()
	}{
		{"empty", "", CodeEmpty, -1, "", "empty"},
		{"spaces only", "  \n ", CodeEmpty, -1, "", "empty"},
		{"array", "[]", CodeType, -1, "", "must be a JSON object, not an array"},
		{"truncated", `{"catalogVersion":"x"`, CodeSyntax, -1, "", "ends too early"},
		{"trailing comma", `{"catalogVersion":"x",}`, CodeSyntax, -1, "", "(byte 22)"},
		{"trailing data", kevFile("1", ok0) + ` {}`, CodeTrailing, -1, "", "more data"},
		{"trailing garbage", kevFile("1", ok0) + `x`, CodeTrailing, -1, "", "more data"},
		{"no count", `{"catalogVersion":"x","dateReleased":"2099-01-02T00:00:00Z","vulnerabilities":[]}`, CodeRequired, -1, "count", "count: is missing"},
		{"count mismatch", kevFile("2", ok0), CodeCount, -1, "count", "is 2 but the file has 1 entries"},
		{"count string", kevFile(`"1"`, ok0), CodeType, -1, "count", "must be a number, not a string"},
		{"count fraction", kevFile("1.5", ok0), CodeType, -1, "count", "not a whole number"},
		{"count negative", kevFile("-1", ok0), CodeType, -1, "count", "not a whole number"},
		{"dateReleased", strings.Replace(kevFile("1", ok0), "2099-01-02T00:00:00.000Z", "2099-01-02", 1), CodeDate, -1, "dateReleased", "not a timestamp"},
		{"catalogVersion blank", strings.Replace(kevFile("1", ok0), `"2099.01.02"`, `" "`, 1), CodeRequired, -1, "catalogVersion", "blank"},
		{"top-level duplicate key", `{"count":0,"count":0}`, CodeDuplicateKey, -1, "count", "twice"},
		{"vulnerabilities null", kevFile("0") + "", CodeType, -1, "vulnerabilities", ""}, // replaced below
		{"entry not object", kevFile("1", `"CVE-2099-0001"`), CodeType, 0, "", "vulnerabilities[0]: must be an object, not a string"},
		{"missing dueDate", kevFile("2", ok0, kevEntry("CVE-2099-0002", "dueDate", "")), CodeRequired, 1, "dueDate", "vulnerabilities[1] (CVE-2099-0002).dueDate: is missing"},
		{"missing cveID", kevFile("1", kevEntry("", "cveID", "")), CodeRequired, 0, "cveID", "vulnerabilities[0].cveID: is missing"},
		{"bad cveID", kevFile("1", kevEntry("CVE-99-1", "", "")), CodeCVE, 0, "cveID", `"CVE-99-1" is not a CVE id`},
		{"cveID too many digits", kevFile("1", kevEntry("CVE-2099-12345678901234567890", "", "")), CodeCVE, 0, "cveID", ""},
		{"bad dateAdded", kevFile("1", kevEntry("CVE-2099-0001", "dateAdded", `"2099-02-30"`)), CodeDate, 0, "dateAdded", "not a date (YYYY-MM-DD)"},
		{"dueDate with time", kevFile("1", kevEntry("CVE-2099-0001", "dueDate", `"2099-01-23T00:00:00Z"`)), CodeDate, 0, "dueDate", ""},
		{"ransomware", kevFile("1", kevEntry("CVE-2099-0001", "knownRansomwareCampaignUse", `"Maybe"`)), CodeEnum, 0, "knownRansomwareCampaignUse", "neither Known nor Unknown"},
		{"ransomware lower case", kevFile("1", kevEntry("CVE-2099-0001", "knownRansomwareCampaignUse", `"known"`)), CodeEnum, 0, "knownRansomwareCampaignUse", ""},
		{"cwe", kevFile("1", kevEntry("CVE-2099-0001", "cwes", `["79"]`)), CodeCWE, 0, "cwes", `"79" is not a CWE id`},
		{"cwes not array", kevFile("1", kevEntry("CVE-2099-0001", "cwes", `"CWE-79"`)), CodeType, 0, "cwes", "must be an array of CWE ids"},
		{"cwes too many", kevFile("1", kevEntry("CVE-2099-0001", "cwes", "["+strings.Repeat(`"CWE-1",`, MaxKEVCWEs)+`"CWE-2"]`)), CodeTooMany, 0, "cwes", ""},
		{"duplicate cveID", kevFile("2", ok0, ok0), CodeDuplicate, 1, "cveID", "CVE-2099-0001 is already in vulnerabilities[0]"},
		{"duplicate key", kevFile("1", strings.Replace(ok0, `"product":"P"`, `"product":"P","product":"Q"`, 1)), CodeDuplicateKey, 0, "product", "twice"},
		{"vendor blank", kevFile("1", kevEntry("CVE-2099-0001", "vendorProject", `"  "`)), CodeRequired, 0, "vendorProject", "blank"},
		{"vendor number", kevFile("1", kevEntry("CVE-2099-0001", "vendorProject", `123`)), CodeType, 0, "vendorProject", "must be a string, not a number"},
		{"notes null", kevFile("1", kevEntry("CVE-2099-0001", "notes", `null`)), CodeType, 0, "notes", "not null"},
		{"NUL", kevFile("1", kevEntry("CVE-2099-0001", "notes", `"a\u0000b"`)), CodeControl, 0, "notes", "0x00"},
		{"too long", kevFile("1", kevEntry("CVE-2099-0001", "notes", `"`+strings.Repeat("x", MaxKEVString+1)+`"`)), CodeTooLong, 0, "notes", ""},
		{"deep unknown", kevFile("1", kevEntry("CVE-2099-0001", "notes", `"", "x":`+strings.Repeat("[", 100)+strings.Repeat("]", 100))), CodeDepth, 0, "x", "nested"},
		{"syntax in entry", kevFile("1", `{"cveID":"CVE-2099-0001",,}`), CodeSyntax, 0, "", "malformed JSON"},
	}
	tests[15].in = `{"catalogVersion":"x","dateReleased":"2099-01-02T00:00:00Z","count":0,"vulnerabilities":null}`
	for _, tt := range tests {
		_, err := ReadKEV(strings.NewReader(tt.in))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error %s", tt.name, err, tt.code)
			continue
		}
		if e.Code != tt.code || e.Entry != tt.entry || e.Field != tt.field || !strings.Contains(e.Error(), tt.text) || e.Feed != "kev" {
			t.Errorf("%s:\n  got  %s (code %s, entry %d, field %q)\n  want code %s, entry %d, field %q, text %q",
				tt.name, e, e.Code, e.Entry, e.Field, tt.code, tt.entry, tt.field, tt.text)
		}
	}
}

func TestReadKEVSyntaxOffset(t *testing.T) {
	in := kevFile("1", kevEntry("CVE-2099-0001", "", ""))
	bad := strings.Replace(in, `"product":"P"`, `"product":P`, 1)
	_, err := ReadKEV(strings.NewReader(bad))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeSyntax {
		t.Fatalf("got %v", err)
	}
	want := int64(strings.Index(bad, `:P`) + 1) // the P
	if e.Offset != want || e.Entry != 0 || e.CVE != "CVE-2099-0001" || !strings.Contains(e.Error(), `near "P,\"vulnerabi`) {
		t.Errorf("offset %d entry %d cve %q, want offset %d of entry 0: %v", e.Offset, e.Entry, e.CVE, want, e)
	}
	// The offset counts a byte-order mark.
	_, err = ReadKEV(strings.NewReader("\xef\xbb\xbf" + bad))
	if !errors.As(err, &e) || e.Offset != want+3 {
		t.Errorf("with BOM: %v", err)
	}
}

func TestReadKEVLimitsAndGzip(t *testing.T) {
	defer func(old int64) { kevLimit = old }(kevLimit)
	kevLimit = 4 << 10
	big := GenerateKEV(100, 1)
	for name, b := range map[string][]byte{"plain": big, "gzip": gzipBytes(big)} {
		_, err := ReadKEV(bytes.NewReader(b))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeTooLarge || !strings.Contains(e.Error(), "larger than 4 KiB") {
			t.Errorf("%s over the limit: %v", name, err)
		}
	}
	kevLimit = MaxKEVBytes
	gz := gzipBytes(GenerateKEV(20, 1))
	for name, b := range map[string][]byte{
		"truncated": gz[:len(gz)/2],
		"corrupt":   append(append(append([]byte{}, gz[:20]...), bytes.Repeat([]byte{0xff}, 40)...), gz[60:]...),
		"header":    {0x1f, 0x8b, 0x00},
	} {
		_, err := ReadKEV(bytes.NewReader(b))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeGzip {
			t.Errorf("%s gzip: %v", name, err)
		}
	}
	_, err := ReadKEV(iotestErrReader{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeRead || !errors.Is(err, errDisk) {
		t.Errorf("read error: %v", err)
	}
}

var errDisk = errors.New("disk on fire")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errDisk }

var _ io.Reader = iotestErrReader{}
