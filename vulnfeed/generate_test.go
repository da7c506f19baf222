package vulnfeed

import (
	"bytes"
	"strings"
	"testing"
)

func TestGenerators(t *testing.T) {
	a, b := GenerateKEV(100, 42), GenerateKEV(100, 42)
	if !bytes.Equal(a, b) {
		t.Error("GenerateKEV is not deterministic")
	}
	if bytes.Equal(a, GenerateKEV(100, 43)) {
		t.Error("GenerateKEV ignores the seed")
	}
	cat, err := ReadKEV(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	var ransom, triage int
	for _, e := range cat.Vulnerabilities {
		if !strings.HasPrefix(e.CVEID, "CVE-2099-") || e.DateAdded.Year() != 2099 {
			t.Fatalf("not synthetic: %+v", e)
		}
		if e.Ransomware() {
			ransom++
		}
		if e.ForensicTriage != "" {
			triage++
		}
	}
	if ransom == 0 || ransom == 100 || triage == 0 || triage == 100 {
		t.Errorf("no spread: %d ransomware, %d with forensicTriage", ransom, triage)
	}
	if !bytes.Contains(a, []byte(`"title"`)) {
		t.Error("the generated file should carry a field ReadKEV skips")
	}

	// Every KEV id of a 100-entry file is a row of a 99·197+1-row EPSS file.
	var e1, e2 bytes.Buffer
	if err := GenerateEPSS(&e1, 99*kevStride+1, 5); err != nil {
		t.Fatal(err)
	}
	GenerateEPSS(&e2, 99*kevStride+1, 5)
	if !bytes.Equal(e1.Bytes(), e2.Bytes()) {
		t.Error("GenerateEPSS is not deterministic")
	}
	scores := map[string]Row{}
	h, err := ReadEPSS(bytes.NewReader(e1.Bytes()), func(r Row) error {
		scores[r.CVE] = r
		return nil
	})
	if err != nil || h.Rows != 99*kevStride+1 {
		t.Fatalf("%+v %v", h, err)
	}
	for _, e := range cat.Vulnerabilities {
		if _, ok := scores[e.CVEID]; !ok {
			t.Fatalf("%s has no EPSS row", e.CVEID)
		}
	}
	// Scores are skewed toward zero and percentiles rise with scores.
	var low int
	var maxRow Row
	for _, r := range scores {
		if r.EPSS < 0.01 {
			low++
		}
		if r.EPSS > maxRow.EPSS {
			maxRow = r
		}
	}
	if low < len(scores)/2 || maxRow.Percentile != 1 {
		t.Errorf("%d of %d scores below 0.01; the top score %v has percentile %v", low, len(scores), maxRow.EPSS, maxRow.Percentile)
	}
	if GenerateKEV(0, 1) == nil {
		t.Error("empty KEV")
	}
	if _, err := ReadKEV(bytes.NewReader(GenerateKEV(0, 1))); err != nil {
		t.Errorf("an empty generated catalogue does not read: %v", err)
	}
}
