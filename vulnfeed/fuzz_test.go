package vulnfeed

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzReadKEV(f *testing.F) {
	f.Add([]byte(kevFixture))
	f.Add(GenerateKEV(3, 1))
	f.Add(gzipBytes(GenerateKEV(2, 2)))
	f.Add([]byte(kevFile("1", kevEntry("CVE-2099-0001", "cwes", `["CWE-79","CWE-89"]`))))
	f.Add([]byte(kevFile("2", kevEntry("CVE-2099-0001", "", ""), kevEntry("CVE-2099-0001", "", ""))))
	f.Add([]byte(`{"count":0,"vulnerabilities":[],"x":[[{"y":null}]]}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		cat, err := ReadKEV(bytes.NewReader(in))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Feed != "kev" {
				t.Fatalf("error %v (%T) is not a kev *Error", err, err)
			}
			return
		}
		if cat.Count != len(cat.Vulnerabilities) || cat.CatalogVersion == "" {
			t.Fatalf("accepted an inconsistent catalogue: %+v", cat)
		}
		seen := map[string]bool{}
		for _, e := range cat.Vulnerabilities {
			if !ValidCVE(e.CVEID) || seen[e.CVEID] ||
				e.VendorProject == "" || e.Product == "" || e.VulnerabilityName == "" {
				t.Fatalf("accepted a bad entry: %+v", e)
			}
			for _, c := range e.CWEs {
				if !validCWE(c) {
					t.Fatalf("accepted CWE %q", c)
				}
			}
			seen[e.CVEID] = true
		}
	})
}

func FuzzReadEPSS(f *testing.F) {
	f.Add([]byte(epssFixture))
	var gen bytes.Buffer
	GenerateEPSS(&gen, 5, 1)
	f.Add(gen.Bytes())
	f.Add(gzipBytes(gen.Bytes()))
	f.Add([]byte("#model_version:v2099.01.01,score_date:2099-01-02T00:00:00Z\r\ncve,epss,percentile\r\nCVE-2099-0001,1,0\r\n\r\n"))
	f.Add([]byte("#model_version:v2099.01.01,score_date:2099-01-02\ncve,epss,percentile\nCVE-2099-0001,0.1,0.1\nCVE-2099-0001,0.1,0.1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows := 0
		seen := map[string]bool{}
		h, err := ReadEPSS(bytes.NewReader(in), func(r Row) error {
			rows++
			if !ValidCVE(r.CVE) || seen[r.CVE] || r.EPSS < 0 || r.EPSS > 1 || r.Percentile < 0 || r.Percentile > 1 || r.Line < 3 {
				t.Fatalf("passed a bad row: %+v", r)
			}
			seen[r.CVE] = true
			return nil
		})
		if h.Rows != rows {
			t.Fatalf("header counts %d rows, callback saw %d", h.Rows, rows)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Feed != "epss" || e.Line < 0 {
				t.Fatalf("error %v (%T) is not an epss *Error", err, err)
			}
			return
		}
		if h.ModelVersion == "" {
			t.Fatalf("accepted a file without a header: %+v", h)
		}
	})
}
