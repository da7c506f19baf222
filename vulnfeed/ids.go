package vulnfeed

// ValidCVE reports whether id is a CVE id as KEV's schema and the CVE
// program write it: ^CVE-[0-9]{4}-[0-9]{4,19}$.
func ValidCVE(id string) bool {
	return len(id) >= 13 && id[:4] == "CVE-" && digits(id[4:8]) && id[8] == '-' && digitRun(id[9:], 4, 19)
}

// validCVEBytes is ValidCVE without converting a byte slice to a string.
func validCVEBytes(b []byte) bool {
	if len(b) < 13 || b[0] != 'C' || b[1] != 'V' || b[2] != 'E' || b[3] != '-' || b[8] != '-' {
		return false
	}
	n := len(b) - 9
	if n < 4 || n > 19 {
		return false
	}
	for i, c := range b {
		if i < 4 || i == 8 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ValidCNVD reports whether id is a China National Vulnerability Database
// (CNVD, 国家信息安全漏洞共享平台) id: CNVD-YYYY-NNNNN. Published ids have five
// digits after the year; four to six are accepted, and the "CNVD-C-" form of
// ids assigned before publication is accepted too.
func ValidCNVD(id string) bool {
	rest, ok := cut(id, "CNVD-")
	if !ok {
		return false
	}
	if r, ok := cut(rest, "C-"); ok {
		rest = r
	}
	return len(rest) >= 9 && digits(rest[:4]) && rest[4] == '-' && digitRun(rest[5:], 4, 6)
}

// ValidCNNVD reports whether id is a China National Vulnerability Database of
// Information Security (CNNVD, 国家信息安全漏洞库) id: CNNVD-YYYYMM-NNNN…,
// the year and month of publication and a serial number. Older ids have a
// three-digit serial (CNNVD-201207-001), newer ones four or more; three to
// six digits are accepted.
func ValidCNNVD(id string) bool {
	rest, ok := cut(id, "CNNVD-")
	if !ok || len(rest) < 10 || !digits(rest[:6]) || rest[6] != '-' {
		return false
	}
	month := int(rest[4]-'0')*10 + int(rest[5]-'0')
	return month >= 1 && month <= 12 && digitRun(rest[7:], 3, 6)
}

func cut(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || s[:len(prefix)] != prefix {
		return s, false
	}
	return s[len(prefix):], true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func digitRun(s string, lo, hi int) bool { return len(s) >= lo && len(s) <= hi && digits(s) }
