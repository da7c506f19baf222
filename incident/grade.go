package incident

// Grade is the level of a cybersecurity incident under the 《网络安全事件分级指南》
// annexed to the 2025 national reporting measures. The zero value "" means
// not yet graded.
type Grade string

const (
	GradeGeneral           Grade = "general"            // 一般网络安全事件
	GradeRelativelyMajor   Grade = "relatively_major"   // 较大网络安全事件
	GradeMajor             Grade = "major"              // 重大网络安全事件
	GradeParticularlyMajor Grade = "particularly_major" // 特别重大网络安全事件
)

// Grades lists the grades from the lowest to the highest.
var Grades = []Grade{GradeGeneral, GradeRelativelyMajor, GradeMajor, GradeParticularlyMajor}

// Rank orders the grades: 0 general … 3 particularly major; -1 for "" or an
// unknown value.
func (g Grade) Rank() int {
	switch g {
	case GradeGeneral:
		return 0
	case GradeRelativelyMajor:
		return 1
	case GradeMajor:
		return 2
	case GradeParticularlyMajor:
		return 3
	}
	return -1
}

// Valid reports whether g is one of the four grades.
func (g Grade) Valid() bool { return g.Rank() >= 0 }

// Reportable reports whether the measures make reporting mandatory:
// 较大 and above.
func (g Grade) Reportable() bool { return g.Rank() >= 1 }

// NameZH is the short Chinese name: 一般, 较大, 重大, 特别重大.
func (g Grade) NameZH() string {
	switch g {
	case GradeGeneral:
		return "一般"
	case GradeRelativelyMajor:
		return "较大"
	case GradeMajor:
		return "重大"
	case GradeParticularlyMajor:
		return "特别重大"
	}
	return "未定级"
}

// FullNameZH is the statutory name: 较大网络安全事件 etc.
func (g Grade) FullNameZH() string {
	if !g.Valid() {
		return "未定级"
	}
	return g.NameZH() + "网络安全事件"
}

// NameEN is the English name.
func (g Grade) NameEN() string {
	switch g {
	case GradeGeneral:
		return "general"
	case GradeRelativelyMajor:
		return "relatively major"
	case GradeMajor:
		return "major"
	case GradeParticularlyMajor:
		return "particularly major"
	}
	return "not graded"
}

// ParseGrade checks a grade string.
func ParseGrade(s string) (Grade, error) {
	g := Grade(s)
	if !g.Valid() {
		return "", ferr("grade", CodeGradeUnknown, s)
	}
	return g, nil
}

// SiteKind is the kind of website or platform that was unreachable or
// defaced. The annex's portal and spread criteria name three kinds.
type SiteKind string

const (
	SiteGovPortal SiteKind = "gov_portal" // 党政机关门户网站
	SiteNewsSite  SiteKind = "news_site"  // 重点新闻网站
	SitePlatform  SiteKind = "platform"   // 网络平台
	SiteOther     SiteKind = "other"      // any other site (企事业单位门户网站 …): never meets a scoped threshold
)

// SiteKinds lists the site kinds in display order.
var SiteKinds = []SiteKind{SiteGovPortal, SiteNewsSite, SitePlatform, SiteOther}

// Level is the administrative level of a site's owner, of a region, or, for
// platforms, the platform's size class.
//
// Ranks: county 1 < prefecture 2 < province 3 < central 4 for portals, news
// sites and regions; a super-large platform (超大型网络平台) ranks 4 among
// platforms. "以上" in the annex means "this level or higher", so a central
// party or government portal meets "省级以上党政机关门户网站".
type Level string

const (
	LevelCounty     Level = "county"      // 县级
	LevelPrefecture Level = "prefecture"  // 地市级
	LevelProvince   Level = "province"    // 省级
	LevelCentral    Level = "central"     // 中央 (中央重点新闻网站, 中央党政机关)
	LevelSuperLarge Level = "super_large" // 超大型网络平台 (platforms only)
)

// rank of a level; "" is 0 (below every named level).
func (l Level) rank() int {
	switch l {
	case LevelCounty:
		return 1
	case LevelPrefecture:
		return 2
	case LevelProvince:
		return 3
	case LevelCentral, LevelSuperLarge:
		return 4
	}
	return 0
}

// levelsFor lists the levels a site kind (or "region") may carry.
func levelsFor(kind string) []Level {
	switch kind {
	case string(SitePlatform):
		return []Level{LevelSuperLarge}
	case scopeRegion:
		return []Level{LevelPrefecture, LevelProvince}
	case string(SiteGovPortal), string(SiteNewsSite), string(SiteOther):
		return []Level{LevelCounty, LevelPrefecture, LevelProvince, LevelCentral}
	}
	return nil
}

// Seriousness is the qualitative degree of a threat in the annex's general
// criteria: 较严重, 严重, 特别严重 (threats to national security and social
// stability from data incidents; system losses; other threats). "" is none.
type Seriousness string

const (
	SeriousnessRelatively   Seriousness = "relatively_serious"   // 较严重 → 较大
	SeriousnessSerious      Seriousness = "serious"              // 严重 → 重大
	SeriousnessParticularly Seriousness = "particularly_serious" // 特别严重 → 特别重大
)

func (s Seriousness) rank() int {
	switch s {
	case SeriousnessRelatively:
		return 1
	case SeriousnessSerious:
		return 2
	case SeriousnessParticularly:
		return 3
	}
	return 0
}

func (s Seriousness) valid() bool { return s == "" || s.rank() > 0 }

// SpreadLevel is a determination by a provincial or higher cyberspace
// administration or police that illegal content from a defaced site spread
// 较大范围 / 大范围 / 特大范围 (item (4) of the spread criteria). "" is none.
type SpreadLevel string

const (
	SpreadRelativelyWide SpreadLevel = "relatively_wide" // 较大范围 → 较大
	SpreadWide           SpreadLevel = "wide"            // 大范围 → 重大
	SpreadExtraWide      SpreadLevel = "extra_wide"      // 特大范围 → 特别重大
)

func (s SpreadLevel) rank() int {
	switch s {
	case SpreadRelativelyWide:
		return 1
	case SpreadWide:
		return 2
	case SpreadExtraWide:
		return 3
	}
	return 0
}

func (s SpreadLevel) valid() bool { return s == "" || s.rank() > 0 }
