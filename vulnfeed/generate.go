package vulnfeed

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Synthetic feeds for tests, demos and benchmarks. Every id is in the year
// 2099 (CVE-2099-…), every vendor and product is made up, and the dates lie in
// 2099, so generated data can never be mistaken for real data.

// syntheticCVE returns the id of synthetic CVE number i: CVE-2099-0010000 and up.
func syntheticCVE(i int) string { return fmt.Sprintf("CVE-2099-%07d", 10000+i) }

// kevStride spreads KEV ids over the EPSS ids: entry i of GenerateKEV is
// row i·kevStride of GenerateEPSS, so a KEV file of n entries joins an EPSS
// file of at least (n−1)·kevStride+1 rows (1,500 entries: 295,304 rows).
const kevStride = 197

var (
	fakeVendors  = []string{"ExampleVendor", "Acme Networks", "Contoso", "Fabrikam", "Initech", "Globex", "Northwind", "Tailspin", "Wingtip", "Litware"}
	fakeProducts = []string{"ExampleVPN", "Edge Gateway", "Mail Server", "Web Console", "Router OS", "Content Manager", "File Transfer", "Remote Support", "Identity Portal", "Backup Appliance"}
	fakeFlaws    = []struct{ name, cwe string }{
		{"Authentication Bypass", "CWE-287"}, {"OS Command Injection", "CWE-78"}, {"Path Traversal", "CWE-22"},
		{"Deserialization of Untrusted Data", "CWE-502"}, {"SQL Injection", "CWE-89"}, {"Use-After-Free", "CWE-416"},
		{"Improper Access Control", "CWE-284"}, {"Cross-Site Scripting", "CWE-79"}, {"Heap-Based Buffer Overflow", "CWE-122"},
		{"Server-Side Request Forgery", "CWE-918"},
	}
)

type genKEVEntry struct {
	CVEID                      string   `json:"cveID"`
	VendorProject              string   `json:"vendorProject"`
	Product                    string   `json:"product"`
	VulnerabilityName          string   `json:"vulnerabilityName"`
	DateAdded                  string   `json:"dateAdded"`
	ShortDescription           string   `json:"shortDescription"`
	RequiredAction             string   `json:"requiredAction"`
	DueDate                    string   `json:"dueDate"`
	KnownRansomwareCampaignUse string   `json:"knownRansomwareCampaignUse"`
	ForensicTriage             string   `json:"forensicTriage,omitempty"`
	Notes                      string   `json:"notes"`
	CWEs                       []string `json:"cwes"`
}

type genKEV struct {
	Title           string        `json:"title"`
	CatalogVersion  string        `json:"catalogVersion"`
	DateReleased    string        `json:"dateReleased"`
	Count           int           `json:"count"`
	Vulnerabilities []genKEVEntry `json:"vulnerabilities"`
}

// GenerateKEV returns a valid synthetic KEV catalogue of n entries in the
// layout of CISA's file (indented JSON, newest first), the same for the same
// seed. It includes the fields ReadKEV skips ("title") and the optional
// forensicTriage on some entries. n is capped at 1,000,000.
func GenerateKEV(n int, seed uint64) []byte {
	n = min(max(n, 0), 1_000_000)
	rng := rand.New(rand.NewPCG(seed, 0x4b4556))
	start := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	cat := genKEV{
		Title:           "Synthetic Catalog of Known Exploited Vulnerabilities (test data)",
		CatalogVersion:  "2099.12.31",
		DateReleased:    "2099-12-31T12:00:00.000Z",
		Count:           n,
		Vulnerabilities: make([]genKEVEntry, n),
	}
	for i := range n {
		vendor := fakeVendors[rng.IntN(len(fakeVendors))]
		product := fakeProducts[rng.IntN(len(fakeProducts))]
		flaw := fakeFlaws[rng.IntN(len(fakeFlaws))]
		added := start.AddDate(0, 0, 364*(n-1-i)/max(n, 1)) // newest first, as CISA lists them
		id := syntheticCVE(i * kevStride)
		ransom := "Unknown"
		if rng.IntN(5) == 0 {
			ransom = "Known"
		}
		e := genKEVEntry{
			CVEID:             id,
			VendorProject:     vendor,
			Product:           product,
			VulnerabilityName: vendor + " " + product + " " + flaw.name + " Vulnerability",
			DateAdded:         added.Format(time.DateOnly),
			ShortDescription: vendor + " " + product + " contains a synthetic " + flaw.name +
				" vulnerability that allows a remote attacker to compromise the test system. This entry is generated test data.",
			RequiredAction:             "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.",
			DueDate:                    added.AddDate(0, 0, 21).Format(time.DateOnly),
			KnownRansomwareCampaignUse: ransom,
			Notes:                      "https://vendor.example/advisories/" + id + " ; https://nvd.example/vuln/detail/" + id,
			CWEs:                       []string{flaw.cwe},
		}
		switch rng.IntN(4) {
		case 0:
			e.ForensicTriage = "Yes"
		case 1:
			e.ForensicTriage = "No"
		}
		cat.Vulnerabilities[i] = e
	}
	b, err := json.MarshalIndent(cat, "", "    ")
	if err != nil {
		panic(err) // only plain strings and numbers: cannot fail
	}
	return append(b, '\n')
}

// GenerateEPSS writes a valid synthetic EPSS file of n rows to w, the same
// for the same seed: the two header lines, then CVE-2099-… rows in id order
// with five-decimal scores, most of them small as in the real file, and the
// percentile of each score among all n. It needs O(n) memory for the
// percentiles.
func GenerateEPSS(w io.Writer, n int, seed uint64) error {
	n = max(n, 0)
	rng := rand.New(rand.NewPCG(seed, 0x45505353))
	scores := make([]float64, n)
	for i := range scores {
		// A heavy skew toward zero: the median real EPSS score is below 0.001.
		u := rng.Float64()
		scores[i] = math.Round(math.Max(0.00001, math.Pow(u, 8))*1e5) / 1e5
	}
	sorted := slices.Clone(scores)
	slices.Sort(sorted)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000\ncve,epss,percentile\n")
	var buf []byte
	for i, s := range scores {
		// Percentile: the share of scores at or below this one.
		atOrBelow, _ := slices.BinarySearch(sorted, math.Nextafter(s, 2))
		pct := math.Round(float64(atOrBelow)/float64(n)*1e5) / 1e5
		buf = append(buf[:0], syntheticCVE(i)...)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, s, 'f', 5, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, pct, 'f', 5, 64)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
