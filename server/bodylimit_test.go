package server

import "testing"

func TestBodyLimitLongestPrefix(t *testing.T) {
	s := &Server{cfg: Config{MaxBodyBytes: 1 << 20}}
	s.allowBody("/api/v1/vulnfeeds/", 64<<20)
	s.allowBody("/api/v1/vulnfeeds/kev", 8<<20)
	s.allowBodySuffix("/questionnaire/evidence", 11<<20)
	for path, want := range map[string]int64{
		"/api/v1/orgs":                                 1 << 20,
		"/api/v1/vulnfeeds/epss":                       64 << 20,
		"/api/v1/vulnfeeds/kev":                        8 << 20,
		"/api/v1/vulnfeedsX":                           1 << 20,
		"/api/v1/vulnfeeds/kev/x/y":                    8 << 20,
		"/api/v1/enterprises/7/questionnaire/evidence": 11 << 20,
		"/api/v1/enterprises/7/questionnaire/answers":  1 << 20,
	} {
		if got := s.bodyLimit(path); got != want {
			t.Errorf("bodyLimit(%q) = %d, want %d", path, got, want)
		}
	}
}
