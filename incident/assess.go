package incident

import (
	"slices"
	"strconv"
	"strings"
)

// Reason is one indicator that reached a grade: the highest grade that
// indicator reaches, the fact's value and the threshold it met.
type Reason struct {
	Indicator string `json:"indicator"` // Indicator.ID
	Fact      string `json:"fact"`      // the Facts field (JSON name)
	Unit      string `json:"unit"`
	Value     int64  `json:"value"`
	Threshold int64  `json:"threshold"`
	Grade     Grade  `json:"grade"`
	Source    Source `json:"source"` // where the threshold comes from
	MsgZH     string `json:"msg_zh"`
	MsgEN     string `json:"msg_en"`
}

// Assessment is the result of grading facts against a table.
type Assessment struct {
	Grade        Grade    `json:"grade"`
	TableVersion string   `json:"table_version"`
	Reasons      []Reason `json:"reasons"`
	// Unverified: some reason at the assessed grade rests on a threshold not
	// read in the table's own text (source draft in a final table, or
	// inferred). The UI should say so.
	Unverified bool `json:"unverified"`
}

// Reportable reports whether the assessed grade makes reporting mandatory.
func (a Assessment) Reportable() bool { return a.Grade.Reportable() }

// Grade grades facts against the table: the result is the highest grade any
// indicator reaches, 一般 (general) when none reaches 较大. Reasons lists
// every indicator that reached at least 较大, each with the highest grade it
// reached, highest grades first and in table order within a grade. The CII
// outage indicators count only when f.CII is set; scoped thresholds only
// when the site or region matches. Grade does not validate f: call
// ValidateFacts first (a negative figure simply reaches nothing).
//
// (A method, not the function Grade(table, f): Grade is the grade type.)
func (t *Table) Grade(f Facts) Assessment {
	a := Assessment{Grade: GradeGeneral, TableVersion: t.Version}
	for i := range t.Indicators {
		ind := &t.Indicators[i]
		if ind.RequiresCII && !f.CII {
			continue
		}
		v := ind.get(&f)
		if v <= 0 {
			continue
		}
		for j := range ind.Thresholds {
			th := &ind.Thresholds[j]
			if v < th.Value || !inScope(th.scope, &f) {
				continue
			}
			a.Reasons = append(a.Reasons, t.reason(ind, th, v))
			if th.Grade.Rank() > a.Grade.Rank() {
				a.Grade = th.Grade
			}
			break
		}
	}
	slices.SortStableFunc(a.Reasons, func(x, y Reason) int { return y.Grade.Rank() - x.Grade.Rank() })
	for _, r := range a.Reasons {
		if r.Grade == a.Grade && !t.sourceVerified(r.Source) {
			a.Unverified = true
		}
	}
	return a
}

// sourceVerified: a draft value is verified in a draft table; only final
// values are in a final one.
func (t *Table) sourceVerified(s Source) bool {
	if t.Draft {
		return s == SourceDraft
	}
	return s == SourceFinal
}

func (t *Table) reason(ind *Indicator, th *Threshold, v int64) Reason {
	r := Reason{
		Indicator: ind.ID, Fact: ind.Fact, Unit: ind.Unit,
		Value: v, Threshold: th.Value, Grade: th.Grade, Source: th.Source,
	}
	var zh, en strings.Builder
	zh.Grow(256)
	en.Grow(256)
	zh.WriteString(ind.NameZH)
	zh.WriteString("：")
	zh.WriteString(formatZH(ind.Unit, v))
	zh.WriteString("，达到")
	zh.WriteString(th.Grade.FullNameZH())
	zh.WriteString("标准（")
	zh.WriteString(th.textZH)
	zh.WriteString("）")
	en.WriteString(ind.NameEN)
	en.WriteString(": ")
	en.WriteString(formatEN(ind.Unit, v))
	en.WriteString(", reaches ")
	en.WriteString(th.Grade.NameEN())
	en.WriteString(" (")
	en.WriteString(th.textEN)
	en.WriteString(")")
	if !t.sourceVerified(th.Source) {
		if th.Source == SourceInferred {
			zh.WriteString("〔该阈值为推定，未见于正式文本〕")
			en.WriteString(" [threshold inferred, not found in the text]")
		} else {
			zh.WriteString("〔该阈值取自2023年征求意见稿，正式文本未核实〕")
			en.WriteString(" [threshold from the 2023 draft, not verified in the final text]")
		}
	}
	r.MsgZH, r.MsgEN = zh.String(), en.String()
	return r
}

// Formatting of values and thresholds.

var (
	seriousnessZH = [...]string{"", "较严重威胁", "严重威胁", "特别严重威胁"}
	seriousnessEN = [...]string{"", "relatively serious threat", "serious threat", "particularly serious threat"}
	spreadZH      = [...]string{"", "较大范围传播", "大范围传播", "特大范围传播"}
	spreadEN      = [...]string{"", "relatively wide spread", "wide spread", "extra-wide spread"}
)

// group writes n with thousands separators: 1,234,567.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// wan writes a threshold the way the annex does: 1亿, 1000万, 1000.
func wan(n int64) string {
	switch {
	case n >= 100_000_000 && n%100_000_000 == 0:
		return strconv.FormatInt(n/100_000_000, 10) + "亿"
	case n >= 10_000 && n%10_000 == 0:
		return strconv.FormatInt(n/10_000, 10) + "万"
	}
	return strconv.FormatInt(n, 10)
}

func minutesZH(m int64) string {
	h, mm := m/60, m%60
	switch {
	case h == 0:
		return strconv.FormatInt(mm, 10) + "分钟"
	case mm == 0:
		return strconv.FormatInt(h, 10) + "小时"
	}
	return strconv.FormatInt(h, 10) + "小时" + strconv.FormatInt(mm, 10) + "分钟"
}

func minutesEN(m int64) string {
	h, mm := m/60, m%60
	switch {
	case h == 0:
		return strconv.FormatInt(mm, 10) + " min"
	case mm == 0:
		return strconv.FormatInt(h, 10) + " h"
	}
	return strconv.FormatInt(h, 10) + " h " + strconv.FormatInt(mm, 10) + " min"
}

// yuan writes 分 as yuan with two decimals: 5,000,000.00.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + group(fen/100) + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
}

// percent writes basis points: 30%, 12.5%, 0.01%.
func percent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if f := bp % 100; f != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s + "%"
}

func qual(names [4]string, v int64) string {
	if v < 0 || v > 3 {
		return strconv.FormatInt(v, 10)
	}
	return names[v]
}

// formatZH writes a fact's value in Chinese.
func formatZH(unit string, v int64) string {
	switch unit {
	case UnitPeople:
		return group(v) + "人"
	case UnitMinutes:
		return minutesZH(v)
	case UnitFen:
		return yuan(v) + "元"
	case UnitTimes:
		return group(v) + "次"
	case UnitBP:
		return percent(v)
	case UnitSeriousness:
		return qual(seriousnessZH, v)
	case UnitSpread:
		return qual(spreadZH, v)
	}
	return group(v)
}

// formatEN writes a fact's value in English.
func formatEN(unit string, v int64) string {
	switch unit {
	case UnitPeople:
		return group(v) + " people"
	case UnitMinutes:
		return minutesEN(v)
	case UnitFen:
		return "CNY " + yuan(v)
	case UnitTimes:
		return group(v) + " times"
	case UnitBP:
		return percent(v)
	case UnitSeriousness:
		return qual(seriousnessEN, v)
	case UnitSpread:
		return qual(spreadEN, v)
	}
	return group(v)
}

// thresholdZH writes a threshold the way the annex does: 100万人以上.
func thresholdZH(unit string, v int64) string {
	switch unit {
	case UnitPeople:
		return wan(v) + "人以上"
	case UnitMinutes:
		return minutesZH(v) + "以上"
	case UnitFen:
		if v%100 == 0 {
			return wan(v/100) + "元以上"
		}
		return yuan(v) + "元以上"
	case UnitTimes:
		return wan(v) + "次以上"
	case UnitBP:
		return percent(v) + "以上"
	case UnitSeriousness:
		return "构成" + qual(seriousnessZH, v)
	case UnitSpread:
		return "认定为" + qual(spreadZH, v)
	}
	return wan(v) + "以上"
}

// thresholdEN writes a threshold in English: ≥ 1,000,000 people.
func thresholdEN(unit string, v int64) string {
	switch unit {
	case UnitSeriousness, UnitSpread:
		return formatEN(unit, v)
	}
	return "≥ " + formatEN(unit, v)
}

var (
	kindZH = map[string]string{string(SiteGovPortal): "党政机关门户网站", string(SiteNewsSite): "重点新闻网站", string(SitePlatform): "网络平台", scopeRegion: "行政区"}
	kindEN = map[string]string{string(SiteGovPortal): "party or government portal", string(SiteNewsSite): "key news site", string(SitePlatform): "network platform", scopeRegion: "region"}
)

// scopeZH writes a scope: 省级以上党政机关门户网站、中央重点新闻网站.
func scopeZH(scope []string) string {
	parts := make([]string, 0, len(scope))
	for _, s := range scope {
		kind, level, _ := strings.Cut(s, ":")
		var p string
		switch {
		case level == "any":
			p = kindZH[kind]
		case level == string(LevelSuperLarge):
			p = "超大型网络平台"
		case level == string(LevelCentral):
			p = "中央" + kindZH[kind]
		case kind == scopeRegion:
			p = map[string]string{"prefecture": "地市级", "province": "省级"}[level] + "行政区"
		default:
			p = map[string]string{"county": "县级", "prefecture": "地市级", "province": "省级"}[level] + "以上" + kindZH[kind]
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "、")
}

// scopeEN writes a scope: provincial or higher party or government portal, central key news site.
func scopeEN(scope []string) string {
	parts := make([]string, 0, len(scope))
	for _, s := range scope {
		kind, level, _ := strings.Cut(s, ":")
		var p string
		switch {
		case level == "any":
			p = "any " + kindEN[kind]
		case level == string(LevelSuperLarge):
			p = "super-large network platform"
		case level == string(LevelCentral):
			p = "central " + kindEN[kind]
		case kind == scopeRegion:
			p = map[string]string{"prefecture": "of a prefecture-level region", "province": "of a provincial-level region"}[level]
		default:
			p = map[string]string{"county": "county", "prefecture": "prefecture", "province": "provincial"}[level] + " or higher " + kindEN[kind]
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
