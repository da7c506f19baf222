package cpe

import "testing"

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"9.4.10", "9.4.2", 1},
		{"9.4.2", "9.4.10", -1},
		{"1.0", "1.0.0", 0},
		{"1.0", "1.0.1", -1},
		{"01.002", "1.2", 0},
		{"2.0-rc1", "2.0", -1},
		{"2.0rc1", "2.0-rc.1", 0},
		{"2.0-rc1", "2.0-rc2", -1},
		{"2.0-alpha", "2.0-beta", -1},
		{"2.0-beta2", "2.0-rc1", -1},
		{"2.0-dev", "2.0-alpha", -1},
		{"2.0-rc1", "1.9.9", 1},
		{"1.0.0-rc1", "1.0", -1},
		{"1.1.1", "1.1.1a", -1},
		{"1.1.1a", "1.1.1b", -1},
		{"1.1.1z", "1.1.2", -1},
		{"1.0.2k", "1.0.2K", 0},
		{"7.4p1", "7.4", 1},
		{"7.4p1", "7.4p2", -1},
		{"8u202", "8u191", 1},
		{"1.2.RELEASE", "1.2", 0},
		{"5.3.0.Final", "5.3.0", 0},
		{"2.4.49", "2.4.49", 0},
		{"10", "9", 1},
		{"123456789012345678901234567890", "123456789012345678901234567889", 1},
		{"", "", 0},
		{"", "0", 0},
		{"1", "", 1},
	}
	for _, tt := range tests {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestInRange(t *testing.T) {
	tests := []struct {
		v, si, se, ei, ee string
		want              bool
	}{
		// The platforms.md §6.3 fixture: versionStartIncluding 9.0, versionEndExcluding 9.4.2.
		{"9.0", "9.0", "", "", "9.4.2", true},
		{"9.4.1", "9.0", "", "", "9.4.2", true},
		{"9.4.2", "9.0", "", "", "9.4.2", false},
		{"9.4.10", "9.0", "", "", "9.4.2", false},
		{"8.9", "9.0", "", "", "9.4.2", false},
		{"9.4.2-rc1", "9.0", "", "", "9.4.2", true},
		{"2.0", "", "2.0", "", "", false},
		{"2.0.1", "", "2.0", "", "", true},
		{"3.0", "", "", "3.0", "", true},
		{"3.0.1", "", "", "3.0", "", false},
		{"1.0", "", "", "", "", true},
		{"", "1.0", "", "", "", false},
		{"*", "", "", "", "2.0", false},
		{"-", "", "", "", "", false},
	}
	for _, tt := range tests {
		if got := InRange(tt.v, tt.si, tt.se, tt.ei, tt.ee); got != tt.want {
			t.Errorf("InRange(%q, si=%q, se=%q, ei=%q, ee=%q) = %v, want %v", tt.v, tt.si, tt.se, tt.ei, tt.ee, got, tt.want)
		}
	}
}

func TestMatchCriteria(t *testing.T) {
	criteria := MustParse("cpe:2.3:a:examplevendor:examplevpn:*:*:*:*:*:*:*:*")
	tests := []struct {
		target string
		want   bool
	}{
		{"cpe:2.3:a:examplevendor:examplevpn:9.4.1:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:ExampleVendor:ExampleVPN:9.0:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:examplevendor:examplevpn:9.4.2:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:examplevendor:examplevpn:8.1:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:examplevendor:examplevpn:*:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:examplevendor:otherproduct:9.1:*:*:*:*:*:*:*", false},
	}
	for _, tt := range tests {
		if got := MatchCriteria(criteria, "9.0", "", "", "9.4.2", MustParse(tt.target)); got != tt.want {
			t.Errorf("MatchCriteria(%s) = %v, want %v", tt.target, got, tt.want)
		}
	}
	if !MatchCriteria(criteria, "", "", "", "", MustParse("cpe:2.3:a:examplevendor:examplevpn:*:*:*:*:*:*:*:*")) {
		t.Error("criteria without bounds should match a target of any version")
	}
}
