package incident

import "slices"

// Facts are the impact figures an incident has reached so far, in integer
// units so that every comparison with a threshold is exact: people, minutes,
// 分 (CNY cents), counts and basis points (1 bp = 0.01%). Zero means "none"
// or "not known"; a zero figure never reaches a threshold.
type Facts struct {
	// PILeakedPeople: number of people whose personal information leaked
	// (泄露公民个人信息).
	PILeakedPeople int64 `json:"pi_leaked_people"`

	// CII: the affected network is critical information infrastructure
	// (关键信息基础设施). The CII outage indicators only count when set.
	CII bool `json:"cii"`
	// OutageWholeMinutes: the CII stopped as a whole (整体中断运行).
	OutageWholeMinutes int64 `json:"outage_whole_minutes"`
	// OutageMainMinutes: the CII's main functions stopped (主要功能中断运行).
	OutageMainMinutes int64 `json:"outage_main_minutes"`

	// SiteKind and SiteLevel describe the website or platform that was
	// unreachable or defaced. SiteLevel is county … central for portals and
	// news sites, super_large or "" for platforms.
	SiteKind  SiteKind `json:"site_kind,omitempty"`
	SiteLevel Level    `json:"site_level,omitempty"`
	// SiteUnreachableMinutes: the site could not be accessed because of an
	// attack or a fault (因攻击、故障，导致…不能访问).
	SiteUnreachableMinutes int64 `json:"site_unreachable_minutes"`

	// PopulationAffected: people whose water, power, gas, oil, heating,
	// transport (final text also: healthcare, shopping …) or other work and
	// life was affected.
	PopulationAffected int64 `json:"population_affected"`
	// PopulationShareBP: share of a region's population affected, in basis
	// points (5000 = 50%), and the level of that region (prefecture or
	// province). Give the highest-level region the share is known for.
	PopulationShareBP     int64 `json:"population_share_bp"`
	PopulationRegionLevel Level `json:"population_region_level,omitempty"`

	// DirectLossFen: direct economic loss (直接经济损失) in 分.
	DirectLossFen int64 `json:"direct_loss_fen"`

	// Spread of illegal or harmful information after the site above was
	// defaced (被攻击篡改，导致违法有害信息…传播).
	DefacementHomepageMinutes int64 `json:"defacement_homepage_minutes"` // shown on the home page
	DefacementOtherMinutes    int64 `json:"defacement_other_minutes"`    // shown on another page
	Reposts                   int64 `json:"reposts"`                     // reposts on social platforms
	Views                     int64 `json:"views"`                       // views or clicks
	// SpreadDetermined: the spread as determined by a provincial or higher
	// cyberspace administration or the police.
	SpreadDetermined SpreadLevel `json:"spread_determined,omitempty"`

	// Qualitative criteria, as judged by the operator.
	CoreData      Seriousness `json:"core_data,omitempty"`      // core data leaked, stolen, tampered with or spoofed: threat to national security and social stability
	ImportantData Seriousness `json:"important_data,omitempty"` // important data, likewise
	SystemLoss    Seriousness `json:"system_loss,omitempty"`    // loss suffered by important networks and information systems
	OtherThreat   Seriousness `json:"other_threat,omitempty"`   // other threat to national security, social order, economy or public interest
}

// Bounds far above any real incident; a figure beyond them is a typing
// error (an extra digit, yuan typed as 分 times 100 …).
const (
	MaxPeople  = 2_000_000_000          // more than China's population
	MaxMinutes = 3653 * 24 * 60         // ten years
	MaxLossFen = 10_000_000_000_000_000 // 分: CNY 100 trillion, about China's annual GDP
	MaxCount   = 1_000_000_000_000      // reposts or views
	MaxShareBP = 10_000                 // 100%
)

// Units of facts and indicators.
const (
	UnitPeople      = "people"
	UnitMinutes     = "minutes"
	UnitFen         = "fen"
	UnitTimes       = "times"       // reposts, views
	UnitBP          = "bp"          // basis points
	UnitSeriousness = "seriousness" // 1 较严重, 2 严重, 3 特别严重
	UnitSpread      = "spread"      // 1 较大范围, 2 大范围, 3 特大范围
)

// Scopes a threshold can be limited to: the site kinds, and the region of a
// population share.
const scopeRegion = "region"

// factDef maps a fact name (the JSON name in Facts, which the rule tables
// reference) to its unit, its scope kind and an accessor.
type factDef struct {
	unit  string
	scope string // "site", "region" or "" (no scope)
	max   int64
	get   func(*Facts) int64
}

var facts = map[string]factDef{
	"pi_leaked_people":            {UnitPeople, "", MaxPeople, func(f *Facts) int64 { return f.PILeakedPeople }},
	"outage_whole_minutes":        {UnitMinutes, "", MaxMinutes, func(f *Facts) int64 { return f.OutageWholeMinutes }},
	"outage_main_minutes":         {UnitMinutes, "", MaxMinutes, func(f *Facts) int64 { return f.OutageMainMinutes }},
	"site_unreachable_minutes":    {UnitMinutes, "site", MaxMinutes, func(f *Facts) int64 { return f.SiteUnreachableMinutes }},
	"population_affected":         {UnitPeople, "", MaxPeople, func(f *Facts) int64 { return f.PopulationAffected }},
	"population_share_bp":         {UnitBP, scopeRegion, MaxShareBP, func(f *Facts) int64 { return f.PopulationShareBP }},
	"direct_loss_fen":             {UnitFen, "", MaxLossFen, func(f *Facts) int64 { return f.DirectLossFen }},
	"defacement_homepage_minutes": {UnitMinutes, "site", MaxMinutes, func(f *Facts) int64 { return f.DefacementHomepageMinutes }},
	"defacement_other_minutes":    {UnitMinutes, "site", MaxMinutes, func(f *Facts) int64 { return f.DefacementOtherMinutes }},
	"reposts":                     {UnitTimes, "site", MaxCount, func(f *Facts) int64 { return f.Reposts }},
	"views":                       {UnitTimes, "site", MaxCount, func(f *Facts) int64 { return f.Views }},
	"spread_determined":           {UnitSpread, "site", 3, func(f *Facts) int64 { return int64(f.SpreadDetermined.rank()) }},
	"core_data":                   {UnitSeriousness, "", 3, func(f *Facts) int64 { return int64(f.CoreData.rank()) }},
	"important_data":              {UnitSeriousness, "", 3, func(f *Facts) int64 { return int64(f.ImportantData.rank()) }},
	"system_loss":                 {UnitSeriousness, "", 3, func(f *Facts) int64 { return int64(f.SystemLoss.rank()) }},
	"other_threat":                {UnitSeriousness, "", 3, func(f *Facts) int64 { return int64(f.OtherThreat.rank()) }},
}

// numericFacts are the integer fields ValidateFacts bounds, in field order.
var numericFacts = []string{
	"pi_leaked_people", "outage_whole_minutes", "outage_main_minutes",
	"site_unreachable_minutes", "population_affected", "population_share_bp",
	"direct_loss_fen", "defacement_homepage_minutes", "defacement_other_minutes",
	"reposts", "views",
}

// ValidateFacts checks impact figures before grading: no negative figure, no
// absurd one (more than MaxPeople people, an outage longer than MaxMinutes,
// a share above 100% …), known enumerations, a site kind whenever a
// site-scoped figure is given, a level that fits the site kind, and a region
// level whenever a population share is given. It returns nil or an Errors
// listing every problem in field order.
func ValidateFacts(f Facts) error {
	var errs Errors
	add := func(e *FieldError) { errs = append(errs, e) }
	siteFigures := false
	for _, name := range numericFacts {
		d := facts[name]
		v := d.get(&f)
		switch {
		case v < 0:
			add(ferr(name, CodeNegative, v))
		case v > d.max && d.unit == UnitBP:
			add(ferr(name, CodeShareRange, v))
		case v > d.max:
			add(ferr(name, CodeTooLarge, v, d.max))
		}
		if d.scope == "site" && v != 0 {
			siteFigures = true
		}
	}
	if !f.SpreadDetermined.valid() {
		add(ferr("spread_determined", CodeSpreadUnknown, string(f.SpreadDetermined)))
	} else if f.SpreadDetermined != "" {
		siteFigures = true
	}
	switch {
	case f.SiteKind == "":
		if siteFigures {
			add(ferr("site_kind", CodeSiteKindRequired))
		}
		if f.SiteLevel != "" {
			add(ferr("site_level", CodeLevelInvalid, string(f.SiteLevel), ""))
		}
	case !slices.Contains(SiteKinds, f.SiteKind):
		add(ferr("site_kind", CodeSiteKindUnknown, string(f.SiteKind)))
	case f.SiteLevel != "" && f.SiteLevel.rank() == 0:
		add(ferr("site_level", CodeLevelUnknown, string(f.SiteLevel)))
	case f.SiteLevel != "" && !slices.Contains(levelsFor(string(f.SiteKind)), f.SiteLevel):
		add(ferr("site_level", CodeLevelInvalid, string(f.SiteLevel), string(f.SiteKind)))
	}
	switch {
	case f.PopulationRegionLevel == "":
		if f.PopulationShareBP > 0 {
			add(ferr("population_region_level", CodeRegionLevelRequired))
		}
	case f.PopulationRegionLevel.rank() == 0:
		add(ferr("population_region_level", CodeLevelUnknown, string(f.PopulationRegionLevel)))
	case !slices.Contains(levelsFor(scopeRegion), f.PopulationRegionLevel):
		add(ferr("population_region_level", CodeLevelInvalid, string(f.PopulationRegionLevel), scopeRegion))
	}
	for _, q := range []struct {
		field string
		s     Seriousness
	}{{"core_data", f.CoreData}, {"important_data", f.ImportantData}, {"system_loss", f.SystemLoss}, {"other_threat", f.OtherThreat}} {
		if !q.s.valid() {
			add(ferr(q.field, CodeSeriousnessUnknown, string(q.s)))
		}
	}
	return errs.orNil()
}

// IsZero reports whether no impact figure at all is set. The CII flag, the
// site's kind and level and the region level describe the figures; alone
// they are no impact.
func (f Facts) IsZero() bool {
	g := f
	g.CII, g.SiteKind, g.SiteLevel, g.PopulationRegionLevel = false, "", "", ""
	return g == Facts{}
}
