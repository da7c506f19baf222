package incident

import (
	"slices"
	"time"
)

// OperatorType selects the reporting route of Art. 4 of the measures.
type OperatorType string

const (
	// OperatorCII: the incident involves critical information infrastructure
	// (涉及关键信息基础设施的网络运营者).
	OperatorCII OperatorType = "cii"
	// OperatorCentralState: a department of the central and state organs or
	// a unit directly under one (中央和国家机关各部门及其直属单位).
	OperatorCentralState OperatorType = "central_state"
	// OperatorOther: every other network operator (其他网络运营者).
	OperatorOther OperatorType = "other"
)

// OperatorTypes lists the operator types in display order.
var OperatorTypes = []OperatorType{OperatorCII, OperatorCentralState, OperatorOther}

// ParseOperatorType checks an operator type string.
func ParseOperatorType(s string) (OperatorType, error) {
	op := OperatorType(s)
	if !slices.Contains(OperatorTypes, op) {
		return "", ferr("operator_type", CodeOperatorUnknown, s)
	}
	return op, nil
}

// NameZH is the Chinese name of the operator type.
func (op OperatorType) NameZH() string {
	switch op {
	case OperatorCII:
		return "关键信息基础设施运营者"
	case OperatorCentralState:
		return "中央和国家机关各部门及其直属单位"
	case OperatorOther:
		return "其他网络运营者"
	}
	return "未知运营者类型"
}

// NameEN is the English name of the operator type.
func (op OperatorType) NameEN() string {
	switch op {
	case OperatorCII:
		return "critical information infrastructure operator"
	case OperatorCentralState:
		return "central or state organ, or a unit directly under one"
	case OperatorOther:
		return "other network operator"
	}
	return "unknown operator type"
}

// DeadlineMinutes is the first-report deadline after the operator found or
// learned of the incident (发现或获知): 60 for CII, 120 for central and
// state organs, 240 for the others. An unknown type gets the strictest, 60.
func DeadlineMinutes(op OperatorType) int {
	switch op {
	case OperatorCentralState:
		return 120
	case OperatorOther:
		return 240
	}
	return 60
}

// Deadline is the latest moment of the first report: discoveredAt plus the
// operator type's window (1 h, 2 h or 4 h; 1 h for an unknown type). It
// applies to 较大 and higher incidents; see Route.
func Deadline(discoveredAt time.Time, op OperatorType) time.Time {
	return discoveredAt.Add(time.Duration(DeadlineMinutes(op)) * time.Minute)
}

// MinWarnLead is the least warning Anbao gives before a deadline.
const MinWarnLead = 30 * time.Minute

// WarnLead is how long before the deadline Anbao warns: a quarter of the
// window, but at least MinWarnLead. So the warning comes at 75% of the
// window for the 2 h and 4 h routes (90 min and 180 min after discovery:
// 30 and 60 min left), and 30 min after discovery for the 1 h CII route,
// where 75% would leave only 15 min to finish and file the report.
func WarnLead(op OperatorType) time.Duration {
	return max(time.Duration(DeadlineMinutes(op))*time.Minute/4, MinWarnLead)
}

// WarnAt is when to warn that the first-report deadline is near.
func WarnAt(discoveredAt time.Time, op OperatorType) time.Time {
	return Deadline(discoveredAt, op).Add(-WarnLead(op))
}

// SummaryDays is the window for the summary report after handling ends.
const SummaryDays = 30

// SummaryDue is the latest date of the summary report: 30 calendar days
// after the incident's handling ended (处置结束后30日内), in the zone of
// handlingEndedAt.
func SummaryDue(handlingEndedAt time.Time) time.Time {
	return handlingEndedAt.AddDate(0, 0, SummaryDays)
}

// Escalation is an onward report by the authority that received the
// operator's report. It is the authority's duty, not the operator's; Anbao
// shows it for information.
type Escalation struct {
	FromZH          string   `json:"from_zh"`
	FromEN          string   `json:"from_en"`
	ToZH            []string `json:"to_zh"`
	ToEN            []string `json:"to_en"`
	DeadlineMinutes int      `json:"deadline_minutes"`
	NoteZH          string   `json:"note_zh,omitempty"`
	NoteEN          string   `json:"note_en,omitempty"`
}

// RouteInfo is where and how fast an operator must report.
type RouteInfo struct {
	Operator OperatorType `json:"operator"`
	Grade    Grade        `json:"grade"`
	// Mandatory: the grade is 较大 or higher, so the measures require the
	// report. DeadlineMinutes and Recipients are then set; for 一般 (or an
	// ungraded incident) they are zero, as no statutory timer runs.
	Mandatory       bool     `json:"mandatory"`
	DeadlineMinutes int      `json:"deadline_minutes"`
	RecipientsZH    []string `json:"recipients_zh"`
	RecipientsEN    []string `json:"recipients_en"`
	// Escalation: onward reports for 重大 and 特别重大 (informational).
	Escalation []Escalation `json:"escalation,omitempty"`
	// CrimeSuspected and PoliceReport: see WithCrime.
	CrimeSuspected bool     `json:"crime_suspected"`
	PoliceReport   bool     `json:"police_report"`
	NotesZH        []string `json:"notes_zh"`
	NotesEN        []string `json:"notes_en"`
}

const (
	policeZH = "公安机关"
	policeEN = "the police (public security organ)"
)

// Route returns the reporting route of Art. 4 for an operator type and a
// grade. provinceNameZH ("广东省") names the provincial cyberspace
// administration of an "other" operator; it may be empty. An unknown
// operator type gets no recipients and the strictest deadline (60 min):
// check types with ParseOperatorType.
func Route(op OperatorType, grade Grade, provinceNameZH string) RouteInfo {
	r := RouteInfo{Operator: op, Grade: grade, Mandatory: grade.Reportable()}
	r.NotesZH = append(r.NotesZH, "安宝仅协助研判和起草报告，不是法定报告渠道；报告须由网络运营者通过法定渠道报送。")
	r.NotesEN = append(r.NotesEN, "Anbao only helps grade the incident and draft the report; it is not a statutory channel. The operator files the report through the statutory channels.")
	if !r.Mandatory {
		r.NotesZH = append(r.NotesZH, "一般网络安全事件（或尚未定级的事件）不适用《国家网络安全事件报告管理办法》规定的报告时限；如事件升级为较大以上，应立即按规定报告。")
		r.NotesEN = append(r.NotesEN, "General (or not yet graded) incidents are outside the measures' reporting deadlines; if the incident grows to relatively major or higher, report at once.")
		return r
	}
	r.DeadlineMinutes = DeadlineMinutes(op)
	major := grade.Rank() >= GradeMajor.Rank()
	switch op {
	case OperatorCII:
		r.RecipientsZH = []string{"保护工作部门", policeZH}
		r.RecipientsEN = []string{"the CII protection authority (保护工作部门)", policeEN}
		if major {
			r.Escalation = []Escalation{{
				FromZH: "保护工作部门", FromEN: "the CII protection authority",
				ToZH: []string{"国家网信部门", "国务院公安部门"}, ToEN: []string{"the national cyberspace administration (CAC)", "the Ministry of Public Security"},
				DeadlineMinutes: 30,
			}}
		}
	case OperatorCentralState:
		r.RecipientsZH = []string{"本部门网信工作机构"}
		r.RecipientsEN = []string{"the department's own cyberspace affairs office (网信工作机构)"}
		if major {
			r.Escalation = []Escalation{{
				FromZH: "本部门网信工作机构", FromEN: "the department's cyberspace affairs office",
				ToZH: []string{"国家网信部门"}, ToEN: []string{"the national cyberspace administration (CAC)"},
				DeadlineMinutes: 60,
				NoteZH:          "国家网信部门收到报告后及时向有关部门通报。", NoteEN: "The national CAC then notifies the departments concerned.",
			}}
		}
	case OperatorOther:
		zh, en := "属地省级网信部门", "the provincial cyberspace administration where the operator is located"
		if provinceNameZH != "" {
			zh += "（" + provinceNameZH + "）"
			en += " (" + provinceNameZH + ")"
		}
		r.RecipientsZH = []string{zh}
		r.RecipientsEN = []string{en}
		if major {
			r.Escalation = []Escalation{{
				FromZH: "属地省级网信部门", FromEN: "the provincial cyberspace administration",
				ToZH: []string{"国家网信部门"}, ToEN: []string{"the national cyberspace administration (CAC)"},
				DeadlineMinutes: 60,
				NoteZH:          "并通报同级有关部门。", NoteEN: "It also notifies the departments concerned at its level.",
			}}
		}
	}
	r.NotesZH = append(r.NotesZH,
		"不能在规定时限内判定事发原因、影响或发展趋势的，可先报告单位及系统、发现时间等已知情况，其他情况及时补报；出现新的重要情况或调查进展应及时续报。",
		"行业主管监管部门另有报告要求的，还应按其要求报告。",
		"处置结束后30日内，应对事件原因、处置措施、危害、责任追究、整改情况和教训等进行总结，按原渠道报送总结报告。")
	r.NotesEN = append(r.NotesEN,
		"If cause, impact or trend cannot be established within the deadline, report what is known (unit and system, time found …) first and supplement the rest; send updates on important new facts or investigation progress.",
		"Where the sector regulator requires its own report, report to it as well.",
		"Within 30 days after handling ends, send a summary report (cause, measures, harm, accountability, rectification, lessons) through the same channel.")
	return r
}

// WithCrime returns the route for an incident suspected of being a crime
// (涉嫌违法犯罪): the operator must also report the case to the police
// (向公安机关报案). This holds whatever the grade, so PoliceReport is set
// even when the measures' report is not mandatory; the police are added to
// the recipients unless already there (CII routes name them anyway).
func (r RouteInfo) WithCrime(suspected bool) RouteInfo {
	if !suspected {
		return r
	}
	r.CrimeSuspected, r.PoliceReport = true, true
	if !slices.Contains(r.RecipientsZH, policeZH) {
		r.RecipientsZH = append(slices.Clone(r.RecipientsZH), policeZH)
		r.RecipientsEN = append(slices.Clone(r.RecipientsEN), policeEN)
	}
	r.NotesZH = append(slices.Clone(r.NotesZH), "事件涉嫌违法犯罪的，应当及时向公安机关报案。")
	r.NotesEN = append(slices.Clone(r.NotesEN), "As a crime is suspected, report the case to the police promptly.")
	return r
}

// Channel is one statutory reporting channel (网络安全事件报告渠道).
type Channel struct {
	Kind   string `json:"kind"` // hotline, website, mini_program, wechat, email, fax
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Value  string `json:"value"`
}

var channels = []Channel{
	{"hotline", "网络安全事件报告热线", "Incident reporting hotline", "12387"},
	{"website", "网络安全事件报告网站", "Incident reporting website", "https://12387.cert.org.cn"},
	{"mini_program", "微信小程序“12387”", "WeChat mini-program \"12387\"", "12387"},
	{"wechat", "国家互联网应急中心（CNCERT）微信公众号", "CNCERT WeChat official account", "CNCERT"},
	{"email", "电子邮箱", "Email", "12387@cert.org.cn"},
	{"fax", "传真", "Fax", "010-82992387"},
}

// StatutoryChannels returns a copy of the public channels for reporting
// incidents (12387). Anbao prepares the report; the operator files it
// through these channels or to the recipients of its Route. Anbao itself is
// not a statutory channel.
func StatutoryChannels() []Channel { return slices.Clone(channels) }
