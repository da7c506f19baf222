package incident

import (
	"strconv"
	"strings"
	"time"
)

// Report kinds.
const (
	ReportInitial = "initial" // the first (or a supplementary) report under Art. 4
	ReportSummary = "summary" // the summary report within 30 days after handling ends
)

// Ransomware holds the ransomware-specific items of a report.
type Ransomware struct {
	Family           string   `json:"family"`                     // ransomware family or variant (勒索软件家族)
	RansomDemanded   string   `json:"ransom_demanded"`            // as stated in the note: "2 BTC", "USD 500,000"
	Paid             *bool    `json:"paid,omitempty"`             // nil: not known or not decided
	EncryptedSystems []string `json:"encrypted_systems"`          // systems or hosts encrypted
	DataExfiltrated  *bool    `json:"data_exfiltrated,omitempty"` // data stolen / leak threatened (double extortion)
}

func (r *Ransomware) empty() bool {
	return r == nil || (blank(r.Family) && blank(r.RansomDemanded) && r.Paid == nil && len(nonBlank(r.EncryptedSystems)) == 0 && r.DataExfiltrated == nil)
}

// ReportInput is what the operator has so far. Only the six items the
// measures require are needed for a first report; the rest may follow in
// supplementary reports.
type ReportInput struct {
	UnitName        string       `json:"unit_name"`   // 事发单位
	UnitUSCC        string       `json:"unit_uscc"`   // 统一社会信用代码
	ProvinceZH      string       `json:"province_zh"` // 所在省份, e.g. 广东省
	Operator        OperatorType `json:"operator"`
	AffectedSystems []string     `json:"affected_systems"`

	OccurredAt   time.Time `json:"occurred_at"`   // zero when not known
	DiscoveredAt time.Time `json:"discovered_at"` // found or learned of (发现或获知)

	CategoryCode    string      `json:"category_code"`    // GB/T 20986-2023 category, e.g. MP
	SubCategoryCode string      `json:"subcategory_code"` // e.g. MPRANS
	Grade           Grade       `json:"grade"`            // the operator's grade; empty: taken from Assessment
	Assessment      *Assessment `json:"assessment,omitempty"`

	Facts              Facts  `json:"facts"`            // impact so far
	ImpactNarrative    string `json:"impact_narrative"` // impact in words
	MeasuresTaken      string `json:"measures_taken"`   // measures taken and their effect
	Trend              string `json:"trend"`            // trend and possible further harm
	PreliminaryCause   string `json:"preliminary_cause"`
	InvestigationLeads string `json:"investigation_leads"` // attacker, attack path, vulnerabilities
	NextMeasures       string `json:"next_measures"`
	SupportRequested   string `json:"support_requested"`
	OnSitePreservation string `json:"on_site_preservation"`

	Ransomware *Ransomware `json:"ransomware,omitempty"`

	CrimeSuspected  bool   `json:"crime_suspected"`
	PoliceReference string `json:"police_reference"` // case or receipt number of the police report

	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

// SummaryInput is the content of the summary report due within 30 days
// after handling ends.
type SummaryInput struct {
	UnitName        string    `json:"unit_name"`
	UnitUSCC        string    `json:"unit_uscc"`
	ProvinceZH      string    `json:"province_zh"`
	IncidentRef     string    `json:"incident_ref"` // the first report's reference, if any
	CategoryCode    string    `json:"category_code"`
	SubCategoryCode string    `json:"subcategory_code"`
	Grade           Grade     `json:"grade"`
	DiscoveredAt    time.Time `json:"discovered_at"`
	HandlingEndedAt time.Time `json:"handling_ended_at"`

	Cause          string `json:"cause"`          // 事件发生原因
	Measures       string `json:"measures"`       // 应急处置措施
	Harm           string `json:"harm"`           // 造成的危害
	Facts          Facts  `json:"facts"`          // final impact figures, listed under harm
	Accountability string `json:"accountability"` // 责任追究情况
	Rectification  string `json:"rectification"`  // 整改情况
	Lessons        string `json:"lessons"`        // 经验教训

	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

// Section is one item of a report. Mandatory items are those the measures
// require; Missing is set when the item has no content yet (for any item,
// so the UI can show what is still open; only Mandatory && Missing blocks).
type Section struct {
	Key       string `json:"key"`
	TitleZH   string `json:"title_zh"`
	TitleEN   string `json:"title_en"`
	BodyZH    string `json:"body_zh"`
	BodyEN    string `json:"body_en"`
	Mandatory bool   `json:"mandatory"`
	Missing   bool   `json:"missing"`
}

// Report is a draft statutory report: ordered sections and a notice (route,
// deadline, channels, and that Anbao is not the statutory channel).
type Report struct {
	Kind     string    `json:"kind"`
	TitleZH  string    `json:"title_zh"`
	TitleEN  string    `json:"title_en"`
	Sections []Section `json:"sections"`
	NoticeZH []string  `json:"notice_zh"`
	NoticeEN []string  `json:"notice_en"`
}

// MissingMandatory lists the keys of the mandatory sections still empty.
func (r Report) MissingMandatory() []string {
	var out []string
	for _, s := range r.Sections {
		if s.Mandatory && s.Missing {
			out = append(out, s.Key)
		}
	}
	return out
}

// Complete reports whether every mandatory section is filled.
func (r Report) Complete() bool { return len(r.MissingMandatory()) == 0 }

// Section returns the section with a key.
func (r Report) Section(key string) (Section, bool) {
	for _, s := range r.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return Section{}, false
}

// Section keys of the first report, in order. The first six are the items
// the measures require at least.
const (
	SecUnitSystem   = "unit_system"
	SecDiscoveredAt = "discovered_at"
	SecType         = "type"
	SecGrade        = "grade"
	SecImpact       = "impact"
	SecMeasures     = "measures"
	SecTrend        = "trend"
	SecCause        = "cause"
	SecLeads        = "leads"
	SecNextMeasures = "next_measures"
	SecPreservation = "preservation"
	SecRansomware   = "ransomware"
	SecPolice       = "police"
	SecContact      = "contact"
)

// Section keys of the summary report.
const (
	SecSumUnit           = "unit"
	SecSumOverview       = "overview"
	SecSumCause          = "cause"
	SecSumMeasures       = "measures"
	SecSumHarm           = "harm"
	SecSumAccountability = "accountability"
	SecSumRectification  = "rectification"
	SecSumLessons        = "lessons"
)

// DraftReport builds the first report from what is known. The six items of
// the measures (unit and system; time found; type; grade; impact so far;
// measures taken) are Mandatory and Missing while empty. The ransomware
// section appears for a ransomware sub-category (mandatory then) or when
// ransomware details are given; the police section when a crime is
// suspected.
//
// [unverified] Beyond the six items, the content list (trend, cause, leads,
// next measures and support, on-site preservation, ransomware items) was
// read only in garbled mirrors of the measures.
func DraftReport(in ReportInput) Report {
	r := Report{Kind: ReportInitial, TitleZH: "网络安全事件报告（草稿）", TitleEN: "Cybersecurity incident report (draft)"}
	add := func(s Section) { r.Sections = append(r.Sections, s) }

	// 1. Unit and systems.
	var zh, en lines
	zh.kv("单位名称", in.UnitName)
	en.kv("Unit", in.UnitName)
	zh.kv("统一社会信用代码", in.UnitUSCC)
	en.kv("Unified social credit code", in.UnitUSCC)
	zh.kv("所在地", in.ProvinceZH)
	en.kv("Location", in.ProvinceZH)
	if in.Operator != "" {
		zh.kv("运营者类型", in.Operator.NameZH())
		en.kv("Operator type", in.Operator.NameEN())
	}
	if in.Facts.CII {
		zh.kv("是否涉及关键信息基础设施", "是")
		en.kv("Critical information infrastructure", "yes")
	}
	sys := nonBlank(in.AffectedSystems)
	zh.kv("受影响的网络和信息系统", strings.Join(sys, "；"))
	en.kv("Affected networks and systems", strings.Join(sys, "; "))
	add(Section{Key: SecUnitSystem, TitleZH: "事发单位及系统", TitleEN: "Affected unit and systems",
		BodyZH: zh.String(), BodyEN: en.String(), Mandatory: true, Missing: blank(in.UnitName) || len(sys) == 0})

	// 2. Time.
	zh, en = lines{}, lines{}
	zh.kv("发现（获知）时间", timeZH(in.DiscoveredAt))
	en.kv("Found or learned of", timeEN(in.DiscoveredAt))
	zh.kv("事件发生时间", timeZH(in.OccurredAt))
	en.kv("Occurred", timeEN(in.OccurredAt))
	add(Section{Key: SecDiscoveredAt, TitleZH: "事件发现时间", TitleEN: "Time the incident was found",
		BodyZH: zh.String(), BodyEN: en.String(), Mandatory: true, Missing: in.DiscoveredAt.IsZero()})

	// 3. Type.
	tzh, ten, ok := classText(in.CategoryCode, in.SubCategoryCode)
	add(Section{Key: SecType, TitleZH: "事件类型", TitleEN: "Incident type",
		BodyZH: tzh, BodyEN: ten, Mandatory: true, Missing: !ok})

	// 4. Grade.
	grade := in.Grade
	if !grade.Valid() && in.Assessment != nil {
		grade = in.Assessment.Grade
	}
	zh, en = lines{}, lines{}
	if grade.Valid() {
		zh.add(grade.FullNameZH())
		en.add(strings.ToUpper(grade.NameEN()[:1]) + grade.NameEN()[1:] + " incident")
	}
	if a := in.Assessment; a != nil && grade.Valid() {
		if t, ok := LookupTable(a.TableVersion); ok {
			zh.add("研判依据：" + t.TitleZH + "（" + t.Version + "）")
			en.add("Graded against: " + t.TitleEN + " (" + t.Version + ")")
		}
		for _, rs := range a.Reasons {
			zh.add("- " + rs.MsgZH)
			en.add("- " + rs.MsgEN)
		}
		if a.Grade != grade {
			zh.add("注：运营者研判级别与按指标测算的级别（" + a.Grade.NameZH() + "）不同。")
			en.add("Note: the operator's grade differs from the grade the indicators give (" + a.Grade.NameEN() + ").")
		}
	}
	add(Section{Key: SecGrade, TitleZH: "事件级别", TitleEN: "Incident grade",
		BodyZH: zh.String(), BodyEN: en.String(), Mandatory: true, Missing: !grade.Valid()})

	// 5. Impact.
	fzh, fen := factLines(in.Facts)
	zh, en = fzh, fen
	zh.add(strings.TrimSpace(in.ImpactNarrative))
	en.add(strings.TrimSpace(in.ImpactNarrative))
	add(Section{Key: SecImpact, TitleZH: "已造成的影响和危害", TitleEN: "Impact and harm so far",
		BodyZH: zh.String(), BodyEN: en.String(), Mandatory: true, Missing: in.Facts.IsZero() && blank(in.ImpactNarrative)})

	// 6. Measures.
	add(text(SecMeasures, "已采取的应对措施及效果", "Measures taken and their effect", in.MeasuresTaken, true))

	// Further items.
	add(text(SecTrend, "事态发展趋势及可能造成的进一步影响和危害", "Trend and possible further impact and harm", in.Trend, false))
	add(text(SecCause, "事件原因初步分析", "Preliminary analysis of the cause", in.PreliminaryCause, false))
	add(text(SecLeads, "溯源调查工作线索（可能的攻击者信息、攻击路径、存在的漏洞等）", "Investigation leads (possible attacker, attack path, vulnerabilities …)", in.InvestigationLeads, false))
	zh, en = lines{}, lines{}
	zh.kv("拟进一步采取的应对措施", in.NextMeasures)
	en.kv("Next measures", in.NextMeasures)
	zh.kv("请求支援事项", in.SupportRequested)
	en.kv("Support requested", in.SupportRequested)
	add(Section{Key: SecNextMeasures, TitleZH: "拟进一步采取的应对措施以及请求支援事项", TitleEN: "Next measures and support requested",
		BodyZH: zh.String(), BodyEN: en.String(), Missing: blank(in.NextMeasures) && blank(in.SupportRequested)})
	add(text(SecPreservation, "事件现场保护情况", "On-site preservation", in.OnSitePreservation, false))

	if ransom := IsRansomware(in.SubCategoryCode); ransom || !in.Ransomware.empty() {
		zh, en = lines{}, lines{}
		if rw := in.Ransomware; rw != nil {
			zh.kv("勒索软件家族", rw.Family)
			en.kv("Family", rw.Family)
			zh.kv("赎金要求", rw.RansomDemanded)
			en.kv("Ransom demanded", rw.RansomDemanded)
			zh.kv("是否已支付赎金", yesNoZH(rw.Paid))
			en.kv("Ransom paid", yesNoEN(rw.Paid))
			enc := nonBlank(rw.EncryptedSystems)
			zh.kv("被加密的系统", strings.Join(enc, "；"))
			en.kv("Encrypted systems", strings.Join(enc, "; "))
			zh.kv("是否窃取或威胁公开数据", yesNoZH(rw.DataExfiltrated))
			en.kv("Data stolen or leak threatened", yesNoEN(rw.DataExfiltrated))
		}
		add(Section{Key: SecRansomware, TitleZH: "勒索软件攻击情况", TitleEN: "Ransomware details",
			BodyZH: zh.String(), BodyEN: en.String(), Mandatory: ransom, Missing: in.Ransomware.empty()})
	}

	if in.CrimeSuspected {
		zh, en = lines{"涉嫌违法犯罪：是"}, lines{"Crime suspected: yes"}
		if blank(in.PoliceReference) {
			zh.add("尚未提供公安机关报案回执编号。")
			en.add("No police case or receipt number given yet.")
		} else {
			zh.kv("已向公安机关报案，回执（案件）编号", in.PoliceReference)
			en.kv("Reported to the police, case or receipt number", in.PoliceReference)
		}
		add(Section{Key: SecPolice, TitleZH: "涉嫌违法犯罪及报案情况", TitleEN: "Suspected crime and police report",
			BodyZH: zh.String(), BodyEN: en.String(), Missing: blank(in.PoliceReference)})
	}

	add(contact(in.ContactName, in.ContactPhone))

	// Notice: route and deadline, channels, Anbao's role.
	if grade.Valid() && in.Operator != "" {
		rt := Route(in.Operator, grade, in.ProvinceZH).WithCrime(in.CrimeSuspected)
		if len(rt.RecipientsZH) > 0 {
			r.NoticeZH = append(r.NoticeZH, "报送对象："+strings.Join(rt.RecipientsZH, "、"))
			r.NoticeEN = append(r.NoticeEN, "Report to: "+strings.Join(rt.RecipientsEN, "; "))
		}
		if rt.Mandatory {
			nzh := "报送时限：发现（获知）后" + minutesZH(int64(rt.DeadlineMinutes)) + "内"
			nen := "Deadline: within " + minutesEN(int64(rt.DeadlineMinutes)) + " of finding or learning of the incident"
			if !in.DiscoveredAt.IsZero() {
				d := Deadline(in.DiscoveredAt, in.Operator)
				nzh += "（最迟 " + timeZH(d) + "）"
				nen += " (at the latest " + timeEN(d) + ")"
			}
			r.NoticeZH = append(r.NoticeZH, nzh)
			r.NoticeEN = append(r.NoticeEN, nen)
		}
	}
	r.NoticeZH = append(r.NoticeZH, channelsZH(), disclaimerZH)
	r.NoticeEN = append(r.NoticeEN, channelsEN(), disclaimerEN)
	return r
}

// SummaryReport builds the summary report due within 30 days after
// handling ends: cause, emergency measures, harm, accountability,
// rectification and lessons (all mandatory), after the unit and an
// overview.
func SummaryReport(in SummaryInput) Report {
	r := Report{Kind: ReportSummary, TitleZH: "网络安全事件总结报告（草稿）", TitleEN: "Cybersecurity incident summary report (draft)"}
	add := func(s Section) { r.Sections = append(r.Sections, s) }

	var zh, en lines
	zh.kv("单位名称", in.UnitName)
	en.kv("Unit", in.UnitName)
	zh.kv("统一社会信用代码", in.UnitUSCC)
	en.kv("Unified social credit code", in.UnitUSCC)
	zh.kv("所在地", in.ProvinceZH)
	en.kv("Location", in.ProvinceZH)
	add(Section{Key: SecSumUnit, TitleZH: "事发单位", TitleEN: "Affected unit",
		BodyZH: zh.String(), BodyEN: en.String(), Mandatory: true, Missing: blank(in.UnitName)})

	zh, en = lines{}, lines{}
	zh.kv("事件编号", in.IncidentRef)
	en.kv("Incident reference", in.IncidentRef)
	if tzh, ten, ok := classText(in.CategoryCode, in.SubCategoryCode); ok {
		zh.kv("事件类型", tzh)
		en.kv("Type", ten)
	}
	if in.Grade.Valid() {
		zh.kv("事件级别", in.Grade.FullNameZH())
		en.kv("Grade", in.Grade.NameEN())
	}
	zh.kv("发现时间", timeZH(in.DiscoveredAt))
	en.kv("Found", timeEN(in.DiscoveredAt))
	zh.kv("处置结束时间", timeZH(in.HandlingEndedAt))
	en.kv("Handling ended", timeEN(in.HandlingEndedAt))
	add(Section{Key: SecSumOverview, TitleZH: "事件概况", TitleEN: "Overview",
		BodyZH: zh.String(), BodyEN: en.String(), Missing: len(zh) == 0})

	add(text(SecSumCause, "事件发生原因", "Cause of the incident", in.Cause, true))
	add(text(SecSumMeasures, "应急处置措施", "Emergency response measures", in.Measures, true))
	fzh, fen := factLines(in.Facts)
	fzh.add(strings.TrimSpace(in.Harm))
	fen.add(strings.TrimSpace(in.Harm))
	add(Section{Key: SecSumHarm, TitleZH: "造成的危害", TitleEN: "Harm caused",
		BodyZH: fzh.String(), BodyEN: fen.String(), Mandatory: true, Missing: blank(in.Harm) && in.Facts.IsZero()})
	add(text(SecSumAccountability, "责任追究情况", "Accountability", in.Accountability, true))
	add(text(SecSumRectification, "整改情况", "Rectification", in.Rectification, true))
	add(text(SecSumLessons, "经验教训", "Lessons learned", in.Lessons, true))
	add(contact(in.ContactName, in.ContactPhone))

	if !in.HandlingEndedAt.IsZero() {
		d := SummaryDue(in.HandlingEndedAt)
		r.NoticeZH = append(r.NoticeZH, "报送时限：处置结束后30日内（最迟 "+dateZH(d)+"），按原报告渠道报送。")
		r.NoticeEN = append(r.NoticeEN, "Deadline: within 30 days after handling ended (at the latest "+dateZH(d)+"), through the channel of the first report.")
	} else {
		r.NoticeZH = append(r.NoticeZH, "报送时限：处置结束后30日内，按原报告渠道报送。")
		r.NoticeEN = append(r.NoticeEN, "Deadline: within 30 days after handling ends, through the channel of the first report.")
	}
	r.NoticeZH = append(r.NoticeZH, disclaimerZH)
	r.NoticeEN = append(r.NoticeEN, disclaimerEN)
	return r
}

const (
	disclaimerZH = "本报告草稿由安宝平台根据运营者填报的信息辅助生成，须经网络运营者核实后，由网络运营者通过法定渠道报送；安宝平台不是法定报告渠道。"
	disclaimerEN = "Anbao drafted this report from the operator's input. The operator must check it and file it through the statutory channels; Anbao is not a statutory reporting channel."
)

func channelsZH() string {
	parts := make([]string, len(channels))
	for i, c := range channels {
		parts[i] = withValue(c.NameZH, c.Value)
	}
	return "网络安全事件报告渠道：" + strings.Join(parts, "；")
}

func channelsEN() string {
	parts := make([]string, len(channels))
	for i, c := range channels {
		parts[i] = withValue(c.NameEN, c.Value)
	}
	return "Reporting channels: " + strings.Join(parts, "; ")
}

// withValue appends a channel's value unless its name already says it.
func withValue(name, value string) string {
	if strings.Contains(name, value) {
		return name
	}
	return name + " " + value
}

// Text renders the report as plain text to paste into the 12387 form or a
// letter: Chinese unless lang is "en" or "en-…". Mandatory items still empty
// read 【待补充（必报项）】 / [TO BE COMPLETED (mandatory)].
func (r Report) Text(lang string) string {
	en := isEnglish(lang)
	var b strings.Builder
	if en {
		b.WriteString(r.TitleEN)
	} else {
		b.WriteString(r.TitleZH)
	}
	b.WriteString("\n\n")
	for i, s := range r.Sections {
		title, body := s.TitleZH, s.BodyZH
		if en {
			title, body = s.TitleEN, s.BodyEN
		}
		if en {
			b.WriteString(itoa(i+1) + ". " + title + "\n")
		} else {
			b.WriteString(numeralZH(i+1) + "、" + title + "\n")
		}
		switch {
		case s.Missing && s.Mandatory && en:
			b.WriteString("[TO BE COMPLETED (mandatory)]\n")
		case s.Missing && s.Mandatory:
			b.WriteString("【待补充（必报项）】\n")
		case s.Missing && en:
			b.WriteString("(none yet; may be supplemented later)\n")
		case s.Missing:
			b.WriteString("（暂无，可后续补报）\n")
		}
		if strings.TrimSpace(body) != "" {
			b.WriteString(body)
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	notice := r.NoticeZH
	if en {
		notice = r.NoticeEN
	}
	if len(notice) > 0 {
		if en {
			b.WriteString("Notes\n")
		} else {
			b.WriteString("附注\n")
		}
		for _, n := range notice {
			b.WriteString(n)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Helpers.

// lines collects the non-empty lines of a section body.
type lines []string

func (l *lines) add(s string) {
	if strings.TrimSpace(s) != "" {
		*l = append(*l, s)
	}
}

// kv adds "key：value" (Chinese colon when the key is Chinese); nothing when
// the value is blank.
func (l *lines) kv(k, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	sep := ": "
	if k != "" && k[0] >= 0x80 {
		sep = "："
	}
	*l = append(*l, k+sep+v)
}

func (l lines) String() string { return strings.Join(l, "\n") }

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func nonBlank(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// text is a section holding one free-text answer.
func text(key, titleZH, titleEN, body string, mandatory bool) Section {
	body = strings.TrimSpace(body)
	return Section{Key: key, TitleZH: titleZH, TitleEN: titleEN, BodyZH: body, BodyEN: body, Mandatory: mandatory, Missing: body == ""}
}

func contact(name, phone string) Section {
	var zh, en lines
	zh.kv("联系人", name)
	en.kv("Contact", name)
	zh.kv("联系电话", phone)
	en.kv("Phone", phone)
	return Section{Key: SecContact, TitleZH: "报告人及联系方式", TitleEN: "Reporter and contact",
		BodyZH: zh.String(), BodyEN: en.String(), Missing: len(zh) == 0}
}

// classText names a (category, sub-category) pair; ok is false when the
// category is unknown.
func classText(cat, sub string) (zh, en string, ok bool) {
	c, found := LookupCategory(cat)
	if !found {
		if cat == "" && sub == "" {
			return "", "", false
		}
		return "未知分类代码：" + cat + " " + sub, "Unknown classification code: " + cat + " " + sub, false
	}
	zh, en = c.NameZH, c.NameEN
	codes := c.Code
	if sub != "" {
		if sc, s, found := LookupSub(sub); found && sc.Code == c.Code {
			zh += " / " + s.NameZH
			en += " / " + s.NameEN
			codes += " / " + s.Code
		} else {
			zh += " / 子类代码无效：" + sub
			en += " / invalid sub-category code: " + sub
		}
	}
	zh += "（GB/T 20986-2023 分类代码 " + codes + "）"
	en += " (GB/T 20986-2023 code " + codes + ")"
	return zh, en, true
}

// factLines lists the non-zero impact figures.
func factLines(f Facts) (zh, en lines) {
	num := func(v int64, unit, labelZH, labelEN string) {
		if v != 0 {
			zh.kv(labelZH, formatZH(unit, v))
			en.kv(labelEN, formatEN(unit, v))
		}
	}
	num(f.PILeakedPeople, UnitPeople, "泄露公民个人信息", "Personal information leaked")
	if f.CII {
		num(f.OutageWholeMinutes, UnitMinutes, "关键信息基础设施整体中断运行", "CII stopped as a whole")
		num(f.OutageMainMinutes, UnitMinutes, "关键信息基础设施主要功能中断运行", "CII main functions stopped")
	} else {
		num(f.OutageWholeMinutes, UnitMinutes, "系统整体中断运行", "System stopped as a whole")
		num(f.OutageMainMinutes, UnitMinutes, "系统主要功能中断运行", "Main functions stopped")
	}
	if f.SiteKind != "" {
		zh.kv("涉事网站或平台", siteZH(f.SiteKind, f.SiteLevel))
		en.kv("Site or platform", siteEN(f.SiteKind, f.SiteLevel))
	}
	num(f.SiteUnreachableMinutes, UnitMinutes, "网站不能访问", "Site unreachable")
	num(f.DefacementHomepageMinutes, UnitMinutes, "违法有害信息在主页上持续", "Illegal content on the home page")
	num(f.DefacementOtherMinutes, UnitMinutes, "违法有害信息在其他页面持续", "Illegal content on other pages")
	num(f.Reposts, UnitTimes, "社交平台转发", "Reposts on social platforms")
	num(f.Views, UnitTimes, "浏览或点击", "Views or clicks")
	num(int64(f.SpreadDetermined.rank()), UnitSpread, "主管部门认定的传播范围", "Spread as determined by the authorities")
	num(f.PopulationAffected, UnitPeople, "影响工作、生活的人数", "People whose work and life were affected")
	if f.PopulationShareBP != 0 {
		region := map[Level]string{LevelProvince: "省级行政区", LevelPrefecture: "地市级行政区"}[f.PopulationRegionLevel]
		regionEN := map[Level]string{LevelProvince: "of a provincial-level region", LevelPrefecture: "of a prefecture-level region"}[f.PopulationRegionLevel]
		zh.kv("受影响人口比例", strings.TrimSpace(percent(f.PopulationShareBP)+" "+region))
		en.kv("Share of population affected", strings.TrimSpace(percent(f.PopulationShareBP)+" "+regionEN))
	}
	num(f.DirectLossFen, UnitFen, "直接经济损失", "Direct economic loss")
	num(int64(f.CoreData.rank()), UnitSeriousness, "核心数据安全", "Core data")
	num(int64(f.ImportantData.rank()), UnitSeriousness, "重要数据安全", "Important data")
	num(int64(f.SystemLoss.rank()), UnitSeriousness, "重要网络和信息系统损失", "Loss to important systems")
	num(int64(f.OtherThreat.rank()), UnitSeriousness, "其他威胁和影响", "Other threat or impact")
	return zh, en
}

func siteZH(k SiteKind, l Level) string {
	name := map[SiteKind]string{SiteGovPortal: "党政机关门户网站", SiteNewsSite: "重点新闻网站", SitePlatform: "网络平台", SiteOther: "其他网站"}[k]
	if name == "" {
		name = string(k)
	}
	switch l {
	case LevelSuperLarge:
		return "超大型" + name
	case LevelCentral:
		return "中央" + name
	case LevelProvince:
		return "省级" + name
	case LevelPrefecture:
		return "地市级" + name
	case LevelCounty:
		return "县级" + name
	}
	return name
}

func siteEN(k SiteKind, l Level) string {
	name := map[SiteKind]string{SiteGovPortal: "party or government portal", SiteNewsSite: "key news site", SitePlatform: "network platform", SiteOther: "other site"}[k]
	if name == "" {
		name = string(k)
	}
	switch l {
	case LevelSuperLarge:
		return "super-large " + name
	case LevelCentral:
		return "central " + name
	case LevelProvince:
		return "provincial " + name
	case LevelPrefecture:
		return "prefecture-level " + name
	case LevelCounty:
		return "county-level " + name
	}
	return name
}

func yesNoZH(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "是"
	}
	return "否"
}

func yesNoEN(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

func timeZH(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ChinaTime).Format("2006-01-02 15:04") + "（北京时间）"
}

func timeEN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ChinaTime).Format("2006-01-02 15:04") + " China time (UTC+8)"
}

func dateZH(t time.Time) string { return t.In(ChinaTime).Format(time.DateOnly) }

func isEnglish(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

func itoa(n int) string { return strconv.Itoa(n) }

// numeralZH writes 1..99 as Chinese numerals: 一, 十, 十四, 二十一.
func numeralZH(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n-10]
	case n < 100:
		return d[n/10] + "十" + d[n%10]
	}
	return itoa(n)
}
