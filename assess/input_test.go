package assess

import (
	"errors"
	"math"
	"testing"
)

func TestValidateRejects(t *testing.T) {
	yes := true
	one := int64(1)
	big := 1e9
	nan := math.NaN()
	cases := []struct {
		name, path, code string
		in               Input
	}{
		{"bad choice", "answers.edr", CodeBadValue, Input{Answers: map[string]Answer{"edr": {Choice: "firewall"}}}},
		{"wrong type", "answers.mfa_email", CodeWrongType, Input{Answers: map[string]Answer{"mfa_email": {Choice: "yes"}}}},
		{"choice for a bool", "answers.edr", CodeWrongType, Input{Answers: map[string]Answer{"edr": {Bool: &yes}}}},
		{"bad multi", "answers.funds_transfer_controls", CodeBadValue, Input{Answers: map[string]Answer{"funds_transfer_controls": {Choices: []string{"prayer"}}}}},
		{"hours too large", "answers.rto_hours", CodeOutOfRange, Input{Answers: map[string]Answer{"rto_hours": {Number: &big}}}},
		{"NaN on an unknown question", "answers.other", CodeOutOfRange, Input{Answers: map[string]Answer{"other": {Number: &nan}}}},
		{"text for money", "answers.revenue", CodeWrongType, Input{Answers: map[string]Answer{"revenue": {Text: "lots"}}}},
		{"finding without id", "findings[0].id", CodeRequired, Input{Findings: []Finding{{Type: "policy", Status: "open"}}}},
		{"duplicate finding", "findings[1].id", CodeDuplicateID, Input{Findings: []Finding{{ID: "a", Type: "policy", Status: "open"}, {ID: "a", Type: "policy", Status: "open"}}}},
		{"bad status", "findings[0].status", CodeBadValue, Input{Findings: []Finding{{ID: "a", Type: "policy", Status: "waived"}}}},
		{"cvss range", "findings[0].cvss", CodeOutOfRange, Input{Findings: []Finding{{ID: "a", Type: "policy", Status: "open", CVSS: 10.5}}}},
		{"epss range", "findings[0].epss", CodeOutOfRange, Input{Findings: []Finding{{ID: "a", Type: "policy", Status: "open", EPSS: 2}}}},
		{"bad as_of", "as_of", CodeBadDate, Input{AsOf: "2026-02-30"}},
		{"mlps level", "profile.mlps[0].level", CodeOutOfRange, Input{Profile: Profile{MLPS: []MLPSSystem{{Level: 6}}}}},
		{"dependency kind", "profile.dependencies.kinds[0]", CodeBadValue, Input{Profile: Profile{Dependencies: Dependencies{Kinds: []string{"friend"}}}}},
		{"industry", "profile.industry", CodeBadValue, Input{Profile: Profile{Industry: "Z"}}},
		{"negative staff", "profile.employees", CodeOutOfRange, Input{Profile: Profile{Employees: -1}}},
	}
	for _, c := range cases {
		_, err := Score(Current().Version, &c.in)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Path != c.path || ie.Code != c.code {
			t.Errorf("%s: got %v, want %s at %s", c.name, err, c.code, c.path)
		}
	}
	// Unknown questions are kept (and hashed) but not scored; an int is a number.
	ok := Input{Answers: map[string]Answer{"favourite_colour": {Text: "red"}, "rto_hours": {Int: &one}}}
	if _, err := Score(Current().Version, &ok); err != nil {
		t.Errorf("valid input rejected: %v", err)
	}
	if _, err := ParseInput([]byte(`{"answers":{},"extra":1}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

// "None of these" survives the snapshot: the stored input scores the same.
func TestEmptyChoicesSurviveTheSnapshot(t *testing.T) {
	in := &Input{Answers: map[string]Answer{"funds_transfer_controls": {Choices: []string{}}}, Findings: []Finding{}}
	b, err := in.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseInput(b)
	if err != nil {
		t.Fatal(err)
	}
	if c := back.Answers["funds_transfer_controls"].Choices; c == nil || len(c) != 0 {
		t.Fatalf("read back %q as %#v", b, back.Answers["funds_transfer_controls"])
	}
	x, _ := Score(Current().Version, in)
	y, _ := Score(Current().Version, back)
	if x.Overall != y.Overall || x.InputSHA256 != y.InputSHA256 {
		t.Errorf("scored %v then %v", x.Overall, y.Overall)
	}
}
