package incident

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var sixItems = []string{SecUnitSystem, SecDiscoveredAt, SecType, SecGrade, SecImpact, SecMeasures}

func TestDraftReportEmpty(t *testing.T) {
	r := DraftReport(ReportInput{})
	if r.Kind != ReportInitial {
		t.Errorf("kind %q", r.Kind)
	}
	if got := r.MissingMandatory(); !slices.Equal(got, sixItems) {
		t.Errorf("missing mandatory = %v, want the six items %v", got, sixItems)
	}
	for i, key := range sixItems {
		if s := r.Sections[i]; s.Key != key || !s.Mandatory || !s.Missing {
			t.Errorf("section %d = %+v", i, s)
		}
	}
	var mandatory int
	for _, s := range r.Sections {
		if s.Mandatory {
			mandatory++
		}
		if s.Key == SecRansomware || s.Key == SecPolice {
			t.Errorf("unexpected section %s", s.Key)
		}
	}
	if mandatory != 6 || r.Complete() {
		t.Errorf("mandatory = %d, complete = %v", mandatory, r.Complete())
	}
	text := r.Text("")
	if strings.Count(text, "【待补充（必报项）】") != 6 || !strings.HasPrefix(text, "网络安全事件报告（草稿）") || !strings.Contains(text, "一、事发单位及系统") {
		t.Errorf("text:\n%s", text)
	}
	if en := r.Text("en-GB"); strings.Count(en, "[TO BE COMPLETED (mandatory)]") != 6 || !strings.Contains(en, "1. Affected unit and systems") {
		t.Errorf("english text:\n%s", en)
	}
}

func TestDraftReportPartial(t *testing.T) {
	// The unit without its systems is still missing; facts alone fill the impact.
	r := DraftReport(ReportInput{UnitName: "某市自来水公司", Facts: Facts{PopulationAffected: 120_000}, MeasuresTaken: "  "})
	got := r.MissingMandatory()
	if !slices.Equal(got, []string{SecUnitSystem, SecDiscoveredAt, SecType, SecGrade, SecMeasures}) {
		t.Errorf("missing = %v", got)
	}
	imp, _ := r.Section(SecImpact)
	if !strings.Contains(imp.BodyZH, "影响工作、生活的人数：120,000人") {
		t.Errorf("impact %q", imp.BodyZH)
	}
	// An unknown code is shown but still missing.
	r = DraftReport(ReportInput{CategoryCode: "ZZ"})
	if s, _ := r.Section(SecType); !s.Missing || !strings.Contains(s.BodyZH, "ZZ") {
		t.Errorf("type %+v", s)
	}
}

func fullInput() ReportInput {
	found := time.Date(2025, 11, 3, 9, 15, 0, 0, ChinaTime)
	tb, _ := LookupTable("2025-09")
	facts := Facts{CII: true, OutageWholeMinutes: 45, PILeakedPeople: 1_200_000, DirectLossFen: 650_000_000}
	a := tb.Grade(facts)
	paid := false
	return ReportInput{
		UnitName: "某省电力有限公司", UnitUSCC: "91440000MA4W000000", ProvinceZH: "广东省", Operator: OperatorCII,
		AffectedSystems: []string{"营销业务系统", " ", "调度管理系统"},
		OccurredAt:      found.Add(-3 * time.Hour), DiscoveredAt: found,
		CategoryCode: CategoryMaliciousProgram, SubCategoryCode: SubRansomware,
		Assessment: &a, Facts: facts,
		ImpactNarrative: "营销系统停止服务。", MeasuresTaken: "已隔离受感染主机，启用备份系统。",
		Trend: "可能扩散至办公网。", PreliminaryCause: "VPN 弱口令。", InvestigationLeads: "攻击源 IP 203.0.113.7",
		NextMeasures: "全网排查。", SupportRequested: "请求技术支援。", OnSitePreservation: "已保留镜像和日志。",
		Ransomware:     &Ransomware{Family: "LockBit 3.0", RansomDemanded: "50 BTC", Paid: &paid, EncryptedSystems: []string{"营销业务系统"}},
		CrimeSuspected: true, PoliceReference: "粤公网安（2025）001号",
		ContactName: "张三", ContactPhone: "13800000000",
	}
}

func TestDraftReportFull(t *testing.T) {
	in := fullInput()
	r := DraftReport(in)
	if !r.Complete() {
		t.Fatalf("missing %v", r.MissingMandatory())
	}
	var keys []string
	for _, s := range r.Sections {
		keys = append(keys, s.Key)
		if s.Missing {
			t.Errorf("section %s missing", s.Key)
		}
	}
	want := append(slices.Clone(sixItems), SecTrend, SecCause, SecLeads, SecNextMeasures, SecPreservation, SecRansomware, SecPolice, SecContact)
	if !slices.Equal(keys, want) {
		t.Errorf("sections %v", keys)
	}
	if s, _ := r.Section(SecRansomware); !s.Mandatory || !strings.Contains(s.BodyZH, "LockBit 3.0") || !strings.Contains(s.BodyZH, "是否已支付赎金：否") {
		t.Errorf("ransomware %+v", s)
	}
	if s, _ := r.Section(SecGrade); !strings.HasPrefix(s.BodyZH, "较大网络安全事件") || !strings.Contains(s.BodyZH, "（2025-09）") || !strings.Contains(s.BodyZH, "100万人以上") {
		t.Errorf("grade body %q", s.BodyZH)
	}
	if s, _ := r.Section(SecUnitSystem); !strings.Contains(s.BodyZH, "营销业务系统；调度管理系统") || !strings.Contains(s.BodyZH, "是否涉及关键信息基础设施：是") {
		t.Errorf("unit body %q", s.BodyZH)
	}
	if s, _ := r.Section(SecType); !strings.Contains(s.BodyZH, "恶意程序事件 / 勒索软件事件") || !strings.Contains(s.BodyEN, "MP / MPRANS") {
		t.Errorf("type %+v", s)
	}
	text := r.Text("zh")
	for _, want := range []string{
		"发现（获知）时间：2025-11-03 09:15（北京时间）",
		"报送对象：保护工作部门、公安机关",
		"最迟 2025-11-03 10:15（北京时间）",
		"12387@cert.org.cn",
		"安宝平台不是法定报告渠道",
		"十四、报告人及联系方式",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "待补充") {
		t.Errorf("complete report still shows gaps:\n%s", text)
	}
	en := r.Text("en")
	if !strings.Contains(en, "Deadline: within 1 h") || !strings.Contains(en, "Ransom paid: no") || !strings.Contains(en, "Relatively major incident") {
		t.Errorf("english:\n%s", en)
	}
}

func TestDraftReportRansomwareAndCrime(t *testing.T) {
	in := fullInput()
	in.Ransomware = nil
	r := DraftReport(in)
	if got := r.MissingMandatory(); !slices.Equal(got, []string{SecRansomware}) {
		t.Errorf("ransomware without details: missing %v", got)
	}
	// Ransomware details on another sub-category: shown, not mandatory.
	in = fullInput()
	in.SubCategoryCode = "MPTROJ"
	if s, ok := DraftReport(in).Section(SecRansomware); !ok || s.Mandatory {
		t.Errorf("ransomware section %+v %v", s, ok)
	}
	in = fullInput()
	in.PoliceReference = ""
	s, ok := DraftReport(in).Section(SecPolice)
	if !ok || s.Mandatory || !s.Missing || !strings.Contains(s.BodyZH, "涉嫌违法犯罪：是") {
		t.Errorf("police section %+v", s)
	}
	in.CrimeSuspected = false
	if _, ok := DraftReport(in).Section(SecPolice); ok {
		t.Error("police section without suspicion")
	}
	// The operator's grade wins over the assessment, with a note.
	in = fullInput()
	in.Grade = GradeMajor
	if s, _ := DraftReport(in).Section(SecGrade); !strings.HasPrefix(s.BodyZH, "重大网络安全事件") || !strings.Contains(s.BodyZH, "不同") {
		t.Errorf("grade override %q", s.BodyZH)
	}
}

func TestDraftReportNoticeForOtherOperator(t *testing.T) {
	in := fullInput()
	in.Operator, in.CrimeSuspected = OperatorOther, false
	r := DraftReport(in)
	text := r.Text("")
	if !strings.Contains(text, "报送对象：属地省级网信部门（广东省）") || !strings.Contains(text, "发现（获知）后4小时内（最迟 2025-11-03 13:15（北京时间）") {
		t.Errorf("notice:\n%s", strings.Join(r.NoticeZH, "\n"))
	}
	in.Grade, in.Assessment = GradeGeneral, nil
	r = DraftReport(in)
	if strings.Contains(strings.Join(r.NoticeZH, "\n"), "报送时限") {
		t.Errorf("general incident has a deadline: %v", r.NoticeZH)
	}
}

func TestSummaryReport(t *testing.T) {
	r := SummaryReport(SummaryInput{})
	want := []string{SecSumUnit, SecSumCause, SecSumMeasures, SecSumHarm, SecSumAccountability, SecSumRectification, SecSumLessons}
	if got := r.MissingMandatory(); !slices.Equal(got, want) || r.Kind != ReportSummary {
		t.Errorf("missing %v", got)
	}
	if !strings.Contains(r.Text(""), "【待补充（必报项）】") {
		t.Error("text lacks gaps")
	}
	end := time.Date(2025, 11, 20, 18, 0, 0, 0, ChinaTime)
	r = SummaryReport(SummaryInput{
		UnitName: "某公司", IncidentRef: "AB-2025-001", CategoryCode: "DS", SubCategoryCode: "DSDATALEAK", Grade: GradeRelativelyMajor,
		DiscoveredAt: end.Add(-72 * time.Hour), HandlingEndedAt: end,
		Cause: "接口未鉴权。", Measures: "下线接口。", Facts: Facts{PILeakedPeople: 1_500_000},
		Accountability: "相关责任人已处理。", Rectification: "完成鉴权改造。", Lessons: "上线前安全测试。",
	})
	if !r.Complete() {
		t.Fatalf("missing %v", r.MissingMandatory())
	}
	text := r.Text("")
	for _, want := range []string{"网络安全事件总结报告（草稿）", "数据安全事件 / 数据泄露事件", "泄露公民个人信息：1,500,000人", "最迟 2025-12-20", "三、事件发生原因"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if en := r.Text("en"); !strings.Contains(en, "Harm caused") || !strings.Contains(en, "2025-12-20") {
		t.Errorf("english summary:\n%s", en)
	}
}

func TestNumeralZH(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 14: "十四", 20: "二十", 21: "二十一"} {
		if got := numeralZH(n); got != want {
			t.Errorf("numeralZH(%d) = %q, want %q", n, got, want)
		}
	}
}
