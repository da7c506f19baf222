package incident

import (
	"errors"
	"testing"
)

func codes(err error) []string {
	var es Errors
	if !errors.As(err, &es) {
		if err != nil {
			return []string{"?" + err.Error()}
		}
		return nil
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Field+"="+e.Code)
	}
	return out
}

func TestValidateFacts(t *testing.T) {
	cases := []struct {
		name string
		f    Facts
		want []string
	}{
		{"zero", Facts{}, nil},
		{"bounds exactly", Facts{PILeakedPeople: MaxPeople, OutageWholeMinutes: MaxMinutes, DirectLossFen: MaxLossFen, Views: MaxCount,
			PopulationShareBP: MaxShareBP, PopulationRegionLevel: LevelProvince, SiteKind: SiteGovPortal}, nil},
		{"negative people", Facts{PILeakedPeople: -1}, []string{"pi_leaked_people=" + CodeNegative}},
		{"negative loss", Facts{DirectLossFen: -100}, []string{"direct_loss_fen=" + CodeNegative}},
		{"more people than exist", Facts{PopulationAffected: MaxPeople + 1}, []string{"population_affected=" + CodeTooLarge}},
		{"outage over ten years", Facts{OutageMainMinutes: MaxMinutes + 1}, []string{"outage_main_minutes=" + CodeTooLarge}},
		{"loss absurd", Facts{DirectLossFen: MaxLossFen + 1}, []string{"direct_loss_fen=" + CodeTooLarge}},
		{"views absurd", Facts{Views: MaxCount + 1, SiteKind: SitePlatform}, []string{"views=" + CodeTooLarge}},
		{"share over 100%", Facts{PopulationShareBP: 10001, PopulationRegionLevel: LevelPrefecture}, []string{"population_share_bp=" + CodeShareRange}},
		{"share without region", Facts{PopulationShareBP: 100}, []string{"population_region_level=" + CodeRegionLevelRequired}},
		{"county region", Facts{PopulationShareBP: 100, PopulationRegionLevel: LevelCounty}, []string{"population_region_level=" + CodeLevelInvalid}},
		{"region unknown", Facts{PopulationRegionLevel: "city"}, []string{"population_region_level=" + CodeLevelUnknown}},
		{"site figure without kind", Facts{SiteUnreachableMinutes: 10}, []string{"site_kind=" + CodeSiteKindRequired}},
		{"reposts without kind", Facts{Reposts: 10}, []string{"site_kind=" + CodeSiteKindRequired}},
		{"spread determination without kind", Facts{SpreadDetermined: SpreadWide}, []string{"site_kind=" + CodeSiteKindRequired}},
		{"level without kind", Facts{SiteLevel: LevelProvince}, []string{"site_level=" + CodeLevelInvalid}},
		{"kind unknown", Facts{SiteKind: "blog"}, []string{"site_kind=" + CodeSiteKindUnknown}},
		{"level unknown", Facts{SiteKind: SiteGovPortal, SiteLevel: "galactic"}, []string{"site_level=" + CodeLevelUnknown}},
		{"provincial platform", Facts{SiteKind: SitePlatform, SiteLevel: LevelProvince}, []string{"site_level=" + CodeLevelInvalid}},
		{"super-large portal", Facts{SiteKind: SiteGovPortal, SiteLevel: LevelSuperLarge}, []string{"site_level=" + CodeLevelInvalid}},
		{"seriousness unknown", Facts{CoreData: "very"}, []string{"core_data=" + CodeSeriousnessUnknown}},
		{"spread unknown", Facts{SiteKind: SiteNewsSite, SpreadDetermined: "viral"}, []string{"spread_determined=" + CodeSpreadUnknown}},
		{"several, in field order", Facts{PILeakedPeople: -1, DirectLossFen: -1, OtherThreat: "x"},
			[]string{"pi_leaked_people=" + CodeNegative, "direct_loss_fen=" + CodeNegative, "other_threat=" + CodeSeriousnessUnknown}},
	}
	for _, c := range cases {
		got := codes(ValidateFacts(c.f))
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestValidateFactsErrorsAs(t *testing.T) {
	err := ValidateFacts(Facts{Reposts: -5})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "reposts" || fe.Code != CodeNegative || fe.Args[0] != int64(-5) {
		t.Fatalf("errors.As: %v %+v", err, fe)
	}
	if ValidateFacts(Facts{}) != nil {
		t.Fatal("nil Errors must be a nil error")
	}
}

func TestFactsIsZero(t *testing.T) {
	if !(Facts{CII: true, SiteKind: SiteGovPortal, SiteLevel: LevelProvince}).IsZero() {
		t.Error("descriptors alone are no impact")
	}
	if (Facts{Views: 1}).IsZero() || (Facts{CoreData: SeriousnessRelatively}).IsZero() {
		t.Error("a figure is an impact")
	}
}
