package incident

import (
	"strings"
	"testing"
)

// setFact sets one fact by its JSON name; qualitative facts take their rank.
// It is written independently of the package's accessor table on purpose.
func setFact(t testing.TB, f *Facts, fact string, v int64) {
	t.Helper()
	ser := []Seriousness{"", SeriousnessRelatively, SeriousnessSerious, SeriousnessParticularly}
	spr := []SpreadLevel{"", SpreadRelativelyWide, SpreadWide, SpreadExtraWide}
	switch fact {
	case "pi_leaked_people":
		f.PILeakedPeople = v
	case "outage_whole_minutes":
		f.OutageWholeMinutes = v
	case "outage_main_minutes":
		f.OutageMainMinutes = v
	case "site_unreachable_minutes":
		f.SiteUnreachableMinutes = v
	case "population_affected":
		f.PopulationAffected = v
	case "population_share_bp":
		f.PopulationShareBP = v
	case "direct_loss_fen":
		f.DirectLossFen = v
	case "defacement_homepage_minutes":
		f.DefacementHomepageMinutes = v
	case "defacement_other_minutes":
		f.DefacementOtherMinutes = v
	case "reposts":
		f.Reposts = v
	case "views":
		f.Views = v
	case "spread_determined":
		f.SpreadDetermined = spr[v]
	case "core_data":
		f.CoreData = ser[v]
	case "important_data":
		f.ImportantData = ser[v]
	case "system_loss":
		f.SystemLoss = ser[v]
	case "other_threat":
		f.OtherThreat = ser[v]
	default:
		t.Fatalf("setFact: unknown fact %s", fact)
	}
}

// inScopeOf sets the site or region so that the facts just meet a scope entry.
func inScopeOf(f *Facts, entry string) {
	kind, level, _ := strings.Cut(entry, ":")
	if level == "any" {
		level = ""
	}
	if kind == "region" {
		if level == "" {
			level = string(LevelPrefecture)
		}
		f.PopulationRegionLevel = Level(level)
		return
	}
	f.SiteKind, f.SiteLevel = SiteKind(kind), Level(level)
}

// reasonFor returns the grade one indicator reached ("" when none).
func reasonFor(a Assessment, id string) Grade {
	for _, r := range a.Reasons {
		if r.Indicator == id {
			return r.Grade
		}
	}
	return ""
}

// TestThresholdEdges checks every threshold of every indicator of every
// table: the threshold itself reaches its grade ("以上" includes the number),
// one below reaches only the next lower grade the value still meets (or
// nothing), and out of scope (another kind of site, no region, no CII)
// nothing at all.
func TestThresholdEdges(t *testing.T) {
	checked := 0
	for _, tb := range Tables() {
		for _, ind := range tb.Indicators {
			for j, th := range ind.Thresholds {
				entries := th.Scope
				if len(entries) == 0 {
					entries = []string{""}
				}
				for _, e := range entries {
					base := Facts{CII: ind.RequiresCII}
					if e != "" {
						inScopeOf(&base, e)
					}
					name := tb.Version + "/" + ind.ID + "/" + string(th.Grade) + "/" + e

					f := base
					setFact(t, &f, ind.Fact, th.Value)
					a := tb.Grade(f)
					if got := reasonFor(a, ind.ID); got != th.Grade || a.Grade != th.Grade {
						t.Errorf("%s: value %d reached %q (assessment %q), want %q", name, th.Value, got, a.Grade, th.Grade)
					}

					want := Grade("")
					for _, lo := range ind.Thresholds[j+1:] {
						if th.Value-1 >= lo.Value {
							want = lo.Grade
							break
						}
					}
					f = base
					setFact(t, &f, ind.Fact, th.Value-1)
					a = tb.Grade(f)
					if got := reasonFor(a, ind.ID); got != want {
						t.Errorf("%s: value %d reached %q, want %q", name, th.Value-1, got, want)
					}
					if want == "" && a.Grade != GradeGeneral {
						t.Errorf("%s: value %d graded %q, want general", name, th.Value-1, a.Grade)
					}

					// Out of scope: the same figure does not count.
					f = base
					switch {
					case ind.RequiresCII:
						f.CII = false
					case strings.HasPrefix(e, "region:"):
						f.PopulationRegionLevel = ""
					case e != "":
						f.SiteKind, f.SiteLevel = SiteOther, ""
					default:
						f = Facts{} // unscoped: nothing to take away
					}
					if f != (Facts{}) {
						setFact(t, &f, ind.Fact, th.Value)
						if a := tb.Grade(f); len(a.Reasons) != 0 || a.Grade != GradeGeneral {
							t.Errorf("%s: out of scope reached %q", name, a.Grade)
						}
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d threshold edges checked", checked)
	if checked < 90 {
		t.Errorf("only %d edges checked", checked)
	}
}

// TestGradeLiterals pins the table data itself with figures from the texts.
func TestGradeLiterals(t *testing.T) {
	final, draft := mustTable(t, "2025-09"), mustTable(t, "2023-12-draft")
	gov := func(l Level) Facts { return Facts{SiteKind: SiteGovPortal, SiteLevel: l} }
	news := func(l Level) Facts { return Facts{SiteKind: SiteNewsSite, SiteLevel: l} }
	with := func(f Facts, set func(*Facts)) Facts { set(&f); return f }
	cases := []struct {
		name string
		tb   *Table
		f    Facts
		want Grade
	}{
		{"PI 999,999", final, Facts{PILeakedPeople: 999_999}, GradeGeneral},
		{"PI 1,000,000", final, Facts{PILeakedPeople: 1_000_000}, GradeRelativelyMajor},
		{"PI 9,999,999", final, Facts{PILeakedPeople: 9_999_999}, GradeRelativelyMajor},
		{"PI 10,000,000", final, Facts{PILeakedPeople: 10_000_000}, GradeMajor},
		{"PI 99,999,999", final, Facts{PILeakedPeople: 99_999_999}, GradeMajor},
		{"PI 100,000,000", final, Facts{PILeakedPeople: 100_000_000}, GradeParticularlyMajor},
		{"loss CNY 4,999,999.99 draft", draft, Facts{DirectLossFen: 499_999_999}, GradeGeneral},
		{"loss CNY 5,000,000.00 draft", draft, Facts{DirectLossFen: 500_000_000}, GradeRelativelyMajor},
		{"loss CNY 20,000,000.00 draft", draft, Facts{DirectLossFen: 2_000_000_000}, GradeMajor},
		{"loss CNY 100,000,000.00 final", final, Facts{DirectLossFen: 10_000_000_000}, GradeParticularlyMajor},
		{"loss CNY 99,999,999.99 final", final, Facts{DirectLossFen: 9_999_999_999}, GradeMajor},
		{"CII whole 30 min", final, Facts{CII: true, OutageWholeMinutes: 30}, GradeRelativelyMajor},
		{"CII whole 29 min", final, Facts{CII: true, OutageWholeMinutes: 29}, GradeGeneral},
		{"CII whole 6 h", final, Facts{CII: true, OutageWholeMinutes: 360}, GradeParticularlyMajor},
		{"CII main 2 h", final, Facts{CII: true, OutageMainMinutes: 120}, GradeRelativelyMajor},
		{"CII main 24 h", final, Facts{CII: true, OutageMainMinutes: 1440}, GradeParticularlyMajor},
		{"not CII, long outage", final, Facts{OutageWholeMinutes: 10_000, OutageMainMinutes: 10_000}, GradeGeneral},
		{"provincial gov portal 24 h", final, with(gov(LevelProvince), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeParticularlyMajor},
		{"central gov portal 24 h", final, with(gov(LevelCentral), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeParticularlyMajor},
		{"prefecture gov portal 24 h", final, with(gov(LevelPrefecture), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeMajor},
		{"prefecture gov portal 2 h", final, with(gov(LevelPrefecture), func(f *Facts) { f.SiteUnreachableMinutes = 120 }), GradeRelativelyMajor},
		{"county gov portal 24 h", final, with(gov(LevelCounty), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeGeneral},
		{"provincial news site 24 h, final", final, with(news(LevelProvince), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeMajor},
		{"provincial news site 24 h, draft", draft, with(news(LevelProvince), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeParticularlyMajor},
		{"central news site 24 h, final", final, with(news(LevelCentral), func(f *Facts) { f.SiteUnreachableMinutes = 1440 }), GradeParticularlyMajor},
		{"province 50%", final, Facts{PopulationShareBP: 5000, PopulationRegionLevel: LevelProvince}, GradeParticularlyMajor},
		{"province 49.99%", final, Facts{PopulationShareBP: 4999, PopulationRegionLevel: LevelProvince}, GradeMajor},
		{"prefecture 50%", final, Facts{PopulationShareBP: 5000, PopulationRegionLevel: LevelPrefecture}, GradeMajor},
		{"prefecture 10%", final, Facts{PopulationShareBP: 1000, PopulationRegionLevel: LevelPrefecture}, GradeRelativelyMajor},
		{"province 30%, draft", draft, Facts{PopulationShareBP: 3000, PopulationRegionLevel: LevelProvince}, GradeParticularlyMajor},
		{"prefecture 30%, draft", draft, Facts{PopulationShareBP: 3000, PopulationRegionLevel: LevelPrefecture}, GradeMajor},
		{"10,000,000 people's utilities", final, Facts{PopulationAffected: 10_000_000}, GradeParticularlyMajor},
		{"100,000 people's utilities", final, Facts{PopulationAffected: 100_000}, GradeRelativelyMajor},
		{"99,999 people's utilities", final, Facts{PopulationAffected: 99_999}, GradeGeneral},
		{"super-large platform, 100,000 reposts", final, Facts{SiteKind: SitePlatform, SiteLevel: LevelSuperLarge, Reposts: 100_000}, GradeParticularlyMajor},
		{"other platform, 100,000 reposts", final, Facts{SiteKind: SitePlatform, Reposts: 100_000}, GradeMajor},
		{"company site, 100,000 reposts", final, Facts{SiteKind: SiteOther, Reposts: 100_000}, GradeGeneral},
		{"gov portal homepage 30 min", final, with(gov(LevelCounty), func(f *Facts) { f.DefacementHomepageMinutes = 30 }), GradeRelativelyMajor},
		{"news site other page 12 h", final, with(news(LevelProvince), func(f *Facts) { f.DefacementOtherMinutes = 720 }), GradeMajor},
		{"10,000 views", final, with(gov(LevelCounty), func(f *Facts) { f.Views = 10_000 }), GradeRelativelyMajor},
		{"spread determined extra-wide on county portal", final, with(gov(LevelCounty), func(f *Facts) { f.SpreadDetermined = SpreadExtraWide }), GradeMajor},
		{"core data particularly serious, final", final, Facts{CoreData: SeriousnessParticularly}, GradeParticularlyMajor},
		{"core data particularly serious, draft has no such criterion", draft, Facts{CoreData: SeriousnessParticularly}, GradeGeneral},
		{"important data serious", draft, Facts{ImportantData: SeriousnessSerious}, GradeMajor},
		{"nothing", final, Facts{}, GradeGeneral},
		{"negative figures reach nothing", final, Facts{PILeakedPeople: -5, DirectLossFen: -1}, GradeGeneral},
	}
	for _, c := range cases {
		if err := ValidateFacts(c.f); err != nil && !strings.HasPrefix(c.name, "negative") {
			t.Errorf("%s: invalid facts: %v", c.name, err)
		}
		if got := c.tb.Grade(c.f).Grade; got != c.want {
			t.Errorf("%s: %s graded %q, want %q", c.name, c.tb.Version, got, c.want)
		}
	}
}

func TestGradeReasons(t *testing.T) {
	final := mustTable(t, "2025-09")
	a := final.Grade(Facts{PILeakedPeople: 1_000_000, DirectLossFen: 3_000_000_000, CII: true, OutageMainMinutes: 150})
	if a.Grade != GradeMajor || a.TableVersion != "2025-09" || !a.Reportable() {
		t.Fatalf("assessment %+v", a)
	}
	// Highest grade first, table order within a grade.
	want := []struct {
		id string
		g  Grade
	}{{"direct_loss", GradeMajor}, {"cii_outage_main", GradeRelativelyMajor}, {"pi_leaked", GradeRelativelyMajor}}
	if len(a.Reasons) != len(want) {
		t.Fatalf("reasons %+v", a.Reasons)
	}
	for i, w := range want {
		if r := a.Reasons[i]; r.Indicator != w.id || r.Grade != w.g {
			t.Errorf("reason %d = %s/%s, want %s/%s", i, r.Indicator, r.Grade, w.id, w.g)
		}
	}
	// The major grade rests on a draft value carried into the final table.
	if !a.Unverified {
		t.Error("Unverified not set for a draft-sourced grade")
	}
	loss := a.Reasons[0]
	if loss.Value != 3_000_000_000 || loss.Threshold != 2_000_000_000 || loss.Source != SourceDraft || loss.Unit != UnitFen || loss.Fact != "direct_loss_fen" {
		t.Errorf("loss reason %+v", loss)
	}
	if !strings.Contains(loss.MsgZH, "30,000,000.00元") || !strings.Contains(loss.MsgZH, "2000万元以上") || !strings.Contains(loss.MsgZH, "征求意见稿") {
		t.Errorf("MsgZH %q", loss.MsgZH)
	}
	if !strings.Contains(loss.MsgEN, "CNY 30,000,000.00") || !strings.Contains(loss.MsgEN, "major") || !strings.Contains(loss.MsgEN, "draft") {
		t.Errorf("MsgEN %q", loss.MsgEN)
	}
	pi := a.Reasons[2]
	if pi.MsgZH != "泄露公民个人信息：1,000,000人，达到较大网络安全事件标准（100万人以上）" {
		t.Errorf("PI MsgZH %q", pi.MsgZH)
	}
	if pi.MsgEN != "Citizens' personal information leaked: 1,000,000 people, reaches relatively major (≥ 1,000,000 people)" {
		t.Errorf("PI MsgEN %q", pi.MsgEN)
	}

	// A grade resting on final text only is verified.
	if b := final.Grade(Facts{PILeakedPeople: 10_000_000, DirectLossFen: 600_000_000}); b.Grade != GradeMajor || b.Unverified {
		t.Errorf("PI major with a lower draft reason: %+v", b)
	}
	// In the draft table, draft values are the text itself.
	if b := mustTable(t, "2023-12-draft").Grade(Facts{DirectLossFen: 600_000_000}); b.Unverified {
		t.Error("draft table values flagged unverified")
	}
	// Scoped and qualitative messages.
	c := final.Grade(Facts{SiteKind: SiteGovPortal, SiteLevel: LevelProvince, SiteUnreachableMinutes: 1500, CoreData: SeriousnessSerious})
	if c.Grade != GradeParticularlyMajor || len(c.Reasons) != 2 {
		t.Fatalf("%+v", c)
	}
	if m := c.Reasons[0].MsgZH; !strings.Contains(m, "省级以上党政机关门户网站、中央重点新闻网站，24小时以上") || !strings.Contains(m, "25小时") {
		t.Errorf("portal MsgZH %q", m)
	}
	if m := c.Reasons[1].MsgZH; !strings.Contains(m, "严重威胁") || !strings.Contains(m, "推定") {
		t.Errorf("core data MsgZH %q", m)
	}
}

func TestFormatting(t *testing.T) {
	cases := []struct{ got, want string }{
		{thresholdZH(UnitPeople, 100_000_000), "1亿人以上"},
		{thresholdZH(UnitPeople, 10_000_000), "1000万人以上"},
		{thresholdZH(UnitFen, 500_000_000), "500万元以上"},
		{thresholdZH(UnitFen, 10_000_000_000), "1亿元以上"},
		{thresholdZH(UnitMinutes, 30), "30分钟以上"},
		{thresholdZH(UnitMinutes, 1440), "24小时以上"},
		{thresholdZH(UnitTimes, 1000), "1000次以上"},
		{thresholdZH(UnitPeople, 12345), "12345人以上"},
		{thresholdZH(UnitBP, 5000), "50%以上"},
		{formatZH(UnitMinutes, 90), "1小时30分钟"},
		{formatEN(UnitMinutes, 90), "1 h 30 min"},
		{formatEN(UnitFen, 5), "CNY 0.05"},
		{formatEN(UnitFen, 123456789), "CNY 1,234,567.89"},
		{formatEN(UnitBP, 1250), "12.5%"},
		{formatEN(UnitBP, 1), "0.01%"},
		{formatZH(UnitSeriousness, 3), "特别严重威胁"},
		{thresholdEN(UnitSpread, 2), "wide spread"},
		{group(-1234), "-1,234"},
		{scopeZH([]string{"platform:super_large"}), "超大型网络平台"},
		{scopeEN([]string{"region:prefecture"}), "of a prefecture-level region"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func BenchmarkGrade(b *testing.B) {
	tb, _ := LookupTable("2025-09")
	f := Facts{
		PILeakedPeople: 2_500_000, CII: true, OutageWholeMinutes: 45, OutageMainMinutes: 400,
		SiteKind: SiteGovPortal, SiteLevel: LevelPrefecture, SiteUnreachableMinutes: 200,
		PopulationAffected: 150_000, PopulationShareBP: 1200, PopulationRegionLevel: LevelPrefecture,
		DirectLossFen: 800_000_000, Reposts: 5000, Views: 50_000, ImportantData: SeriousnessRelatively,
	}
	b.ReportAllocs()
	for b.Loop() {
		if a := tb.Grade(f); a.Grade != GradeMajor {
			b.Fatal(a.Grade)
		}
	}
}
