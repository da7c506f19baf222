package cvss

// metricDef describes one metric of a CVSS version.
type metricDef struct {
	abbr      string
	name      string
	values    []string
	mandatory bool
}

// Metrics of CVSS v3.0 and v3.1 (FIRST CVSS v3.1 specification, Table 15),
// in the order of the table, which is also the canonical order.
var v3Metrics = []metricDef{
	{"AV", "Attack Vector", []string{"N", "A", "L", "P"}, true},
	{"AC", "Attack Complexity", []string{"L", "H"}, true},
	{"PR", "Privileges Required", []string{"N", "L", "H"}, true},
	{"UI", "User Interaction", []string{"N", "R"}, true},
	{"S", "Scope", []string{"U", "C"}, true},
	{"C", "Confidentiality", []string{"H", "L", "N"}, true},
	{"I", "Integrity", []string{"H", "L", "N"}, true},
	{"A", "Availability", []string{"H", "L", "N"}, true},
	// Temporal.
	{"E", "Exploit Code Maturity", []string{"X", "H", "F", "P", "U"}, false},
	{"RL", "Remediation Level", []string{"X", "U", "W", "T", "O"}, false},
	{"RC", "Report Confidence", []string{"X", "C", "R", "U"}, false},
	// Environmental.
	{"CR", "Confidentiality Requirement", []string{"X", "H", "M", "L"}, false},
	{"IR", "Integrity Requirement", []string{"X", "H", "M", "L"}, false},
	{"AR", "Availability Requirement", []string{"X", "H", "M", "L"}, false},
	{"MAV", "Modified Attack Vector", []string{"X", "N", "A", "L", "P"}, false},
	{"MAC", "Modified Attack Complexity", []string{"X", "L", "H"}, false},
	{"MPR", "Modified Privileges Required", []string{"X", "N", "L", "H"}, false},
	{"MUI", "Modified User Interaction", []string{"X", "N", "R"}, false},
	{"MS", "Modified Scope", []string{"X", "U", "C"}, false},
	{"MC", "Modified Confidentiality", []string{"X", "H", "L", "N"}, false},
	{"MI", "Modified Integrity", []string{"X", "H", "L", "N"}, false},
	{"MA", "Modified Availability", []string{"X", "H", "L", "N"}, false},
}

// v3 metric groups by index in v3Metrics.
const (
	v3FirstTemporal = 8
	v3FirstEnv      = 11
)

// Metrics of CVSS v4.0 (FIRST CVSS v4.0 specification, Table 23), in the
// order of the table, which a v4.0 vector must follow.
var v4Metrics = []metricDef{
	{"AV", "Attack Vector", []string{"N", "A", "L", "P"}, true},
	{"AC", "Attack Complexity", []string{"L", "H"}, true},
	{"AT", "Attack Requirements", []string{"N", "P"}, true},
	{"PR", "Privileges Required", []string{"N", "L", "H"}, true},
	{"UI", "User Interaction", []string{"N", "P", "A"}, true},
	{"VC", "Vulnerable System Confidentiality", []string{"H", "L", "N"}, true},
	{"VI", "Vulnerable System Integrity", []string{"H", "L", "N"}, true},
	{"VA", "Vulnerable System Availability", []string{"H", "L", "N"}, true},
	{"SC", "Subsequent System Confidentiality", []string{"H", "L", "N"}, true},
	{"SI", "Subsequent System Integrity", []string{"H", "L", "N"}, true},
	{"SA", "Subsequent System Availability", []string{"H", "L", "N"}, true},
	// Threat.
	{"E", "Exploit Maturity", []string{"X", "A", "P", "U"}, false},
	// Environmental.
	{"CR", "Confidentiality Requirement", []string{"X", "H", "M", "L"}, false},
	{"IR", "Integrity Requirement", []string{"X", "H", "M", "L"}, false},
	{"AR", "Availability Requirement", []string{"X", "H", "M", "L"}, false},
	{"MAV", "Modified Attack Vector", []string{"X", "N", "A", "L", "P"}, false},
	{"MAC", "Modified Attack Complexity", []string{"X", "L", "H"}, false},
	{"MAT", "Modified Attack Requirements", []string{"X", "N", "P"}, false},
	{"MPR", "Modified Privileges Required", []string{"X", "N", "L", "H"}, false},
	{"MUI", "Modified User Interaction", []string{"X", "N", "P", "A"}, false},
	{"MVC", "Modified Vulnerable System Confidentiality", []string{"X", "H", "L", "N"}, false},
	{"MVI", "Modified Vulnerable System Integrity", []string{"X", "H", "L", "N"}, false},
	{"MVA", "Modified Vulnerable System Availability", []string{"X", "H", "L", "N"}, false},
	{"MSC", "Modified Subsequent System Confidentiality", []string{"X", "H", "L", "N"}, false},
	{"MSI", "Modified Subsequent System Integrity", []string{"X", "S", "H", "L", "N"}, false},
	{"MSA", "Modified Subsequent System Availability", []string{"X", "S", "H", "L", "N"}, false},
	// Supplemental: no effect on the score.
	{"S", "Safety", []string{"X", "N", "P"}, false},
	{"AU", "Automatable", []string{"X", "N", "Y"}, false},
	{"R", "Recovery", []string{"X", "A", "U", "I"}, false},
	{"V", "Value Density", []string{"X", "D", "C"}, false},
	{"RE", "Vulnerability Response Effort", []string{"X", "L", "M", "H"}, false},
	{"U", "Provider Urgency", []string{"X", "Clear", "Green", "Amber", "Red"}, false},
}

// v4Base is the number of v4.0 base metrics, the first in v4Metrics.
const v4Base = 11

func indexMetrics(defs []metricDef) map[string]int {
	m := make(map[string]int, len(defs))
	for i, d := range defs {
		m[d.abbr] = i
	}
	return m
}

var (
	v3Index = indexMetrics(v3Metrics)
	v4Index = indexMetrics(v4Metrics)
)
