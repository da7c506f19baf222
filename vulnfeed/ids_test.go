package vulnfeed

import "testing"

func TestIDs(t *testing.T) {
	tests := []struct {
		id               string
		cve, cnvd, cnnvd bool
	}{
		{"CVE-2099-0001", true, false, false},
		{"CVE-2021-44228", true, false, false},
		{"CVE-2099-1234567890123456789", true, false, false},
		{"CVE-2099-12345678901234567890", false, false, false}, // 20 digits
		{"CVE-2099-123", false, false, false},
		{"CVE-99-1234", false, false, false},
		{"cve-2099-0001", false, false, false},
		{"CVE-2099-0001 ", false, false, false},
		{"CVE-20X9-0001", false, false, false},
		{"CNVD-2099-00001", false, true, false},
		{"CNVD-2021-12345", false, true, false},
		{"CNVD-C-2019-48814", false, true, false},
		{"CNVD-2021-1234567", false, false, false},
		{"CNVD-21-12345", false, false, false},
		{"CNVD-2021-123", false, false, false},
		{"cnvd-2021-12345", false, false, false},
		{"CNNVD-209901-0001", false, false, true},
		{"CNNVD-202112-1234", false, false, true},
		{"CNNVD-201207-001", false, false, true},
		{"CNNVD-202112-12345", false, false, true},
		{"CNNVD-202113-1234", false, false, false}, // month 13
		{"CNNVD-202100-1234", false, false, false},
		{"CNNVD-2021-1234", false, false, false},
		{"CNNVD-202112-12", false, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		if got := ValidCVE(tt.id); got != tt.cve {
			t.Errorf("ValidCVE(%q) = %v", tt.id, got)
		}
		if got := validCVEBytes([]byte(tt.id)); got != tt.cve {
			t.Errorf("validCVEBytes(%q) = %v", tt.id, got)
		}
		if got := ValidCNVD(tt.id); got != tt.cnvd {
			t.Errorf("ValidCNVD(%q) = %v", tt.id, got)
		}
		if got := ValidCNNVD(tt.id); got != tt.cnnvd {
			t.Errorf("ValidCNNVD(%q) = %v", tt.id, got)
		}
	}
}
