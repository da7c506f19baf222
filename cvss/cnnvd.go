package cvss

// CNNVDGrade is a hazard grade of the China National Vulnerability Database
// of Information Security (CNNVD, 国家信息安全漏洞库).
type CNNVDGrade string

// CNNVD grades, from the most severe.
const (
	CNNVDCritical CNNVDGrade = "超危"
	CNNVDHigh     CNNVDGrade = "高危"
	CNNVDMedium   CNNVDGrade = "中危"
	CNNVDLow      CNNVDGrade = "低危"
)

// CNNVDGradeOf maps a CVSS score to a CNNVD grade:
//
//	9.0–10.0  超危 (critical)
//	7.0–8.9   高危 (high)
//	4.0–6.9   中危 (medium)
//	0.1–3.9   低危 (low)
//	0.0       ""   (no grade: CVSS rates the vulnerability None)
//
// The bands are those of the CVSS qualitative scale, with CNNVD's four names.
// CNNVD grades with its own specification (《CNNVD漏洞分级规范》, built on
// access path, exploit complexity and impact with a CVSS-like scope); Anbao
// uses this mapping only to show a CNNVD-style grade where CNNVD's own grade
// is not known, and always shows CNNVD's grade instead when a finding carries
// one.
func CNNVDGradeOf(score float64) CNNVDGrade {
	switch SeverityOf(score) {
	case Critical:
		return CNNVDCritical
	case High:
		return CNNVDHigh
	case Medium:
		return CNNVDMedium
	case Low:
		return CNNVDLow
	}
	return ""
}

// CNNVD returns the CNNVD-style grade of the vector's base score.
func (v Vector) CNNVD() CNNVDGrade { return CNNVDGradeOf(v.BaseScore) }

// English names the grade in English: Critical, High, Medium or Low.
func (g CNNVDGrade) English() string {
	switch g {
	case CNNVDCritical:
		return "Critical"
	case CNNVDHigh:
		return "High"
	case CNNVDMedium:
		return "Medium"
	case CNNVDLow:
		return "Low"
	}
	return ""
}
