package server

import (
	"testing"

	"github.com/anbao/anbao/rating"
)

func TestTrailInputChinese(t *testing.T) {
	def, cfg := rating.SeedDefinition(), rating.SeedConfig()
	res, err := rating.Rate(def, cfg, &rating.Input{Industry: "65", Revenue: 10_000_000_00, Controls: []string{"mfa"}, Claims: 1,
		ExpectedLoss: 5_000_000, Limit: 1_000_000_00, Retention: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	zh, en := &uiPage{Lang: "zh-CN"}, &uiPage{Lang: "en"}
	for _, s := range res.Trail {
		got := zh.TrailInput(s.Input)
		for _, w := range []string{"class", "band", "present", "absent", "ungraded", "claims", "technical", "EL "} {
			if containsWord(got, w) {
				t.Errorf("step %s: Chinese input %q still says %q", s.ID, got, w)
			}
		}
		if en.TrailInput(s.Input) != s.Input && s.Input != "" {
			t.Errorf("step %s: English input changed", s.ID)
		}
	}
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w {
			return true
		}
	}
	return false
}
