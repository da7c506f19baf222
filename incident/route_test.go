package incident

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestDeadlines(t *testing.T) {
	found := time.Date(2025, 11, 3, 22, 40, 0, 0, ChinaTime)
	cases := []struct {
		op       OperatorType
		minutes  int
		deadline string
		warn     string
	}{
		{OperatorCII, 60, "2025-11-03 23:40", "2025-11-03 23:10"},           // warn 30 min before (75% would leave 15)
		{OperatorCentralState, 120, "2025-11-04 00:40", "2025-11-04 00:10"}, // 75% = 90 min
		{OperatorOther, 240, "2025-11-04 02:40", "2025-11-04 01:40"},        // 75% = 180 min
		{"bogus", 60, "2025-11-03 23:40", "2025-11-03 23:10"},               // unknown: strictest
	}
	for _, c := range cases {
		if got := DeadlineMinutes(c.op); got != c.minutes {
			t.Errorf("%s: DeadlineMinutes = %d", c.op, got)
		}
		if got := Deadline(found, c.op).In(ChinaTime).Format("2006-01-02 15:04"); got != c.deadline {
			t.Errorf("%s: Deadline = %s, want %s", c.op, got, c.deadline)
		}
		if got := WarnAt(found, c.op).In(ChinaTime).Format("2006-01-02 15:04"); got != c.warn {
			t.Errorf("%s: WarnAt = %s, want %s", c.op, got, c.warn)
		}
		if WarnLead(c.op) < MinWarnLead {
			t.Errorf("%s: lead below the minimum", c.op)
		}
	}
}

func TestSummaryDue(t *testing.T) {
	end := time.Date(2025, 11, 20, 17, 0, 0, 0, ChinaTime)
	if got := SummaryDue(end); !got.Equal(time.Date(2025, 12, 20, 17, 0, 0, 0, ChinaTime)) {
		t.Errorf("SummaryDue = %v", got)
	}
	end = time.Date(2026, 2, 10, 9, 0, 0, 0, ChinaTime)
	if got := SummaryDue(end); !got.Equal(time.Date(2026, 3, 12, 9, 0, 0, 0, ChinaTime)) {
		t.Errorf("SummaryDue across February = %v", got)
	}
}

func TestRouteMandatory(t *testing.T) {
	for _, op := range OperatorTypes {
		for _, g := range Grades {
			r := Route(op, g, "广东省")
			wantMandatory := g != GradeGeneral
			if r.Mandatory != wantMandatory {
				t.Errorf("%s/%s: mandatory %v", op, g, r.Mandatory)
			}
			if !wantMandatory {
				if r.DeadlineMinutes != 0 || len(r.RecipientsZH) != 0 || len(r.Escalation) != 0 {
					t.Errorf("%s/general: %+v", op, r)
				}
				continue
			}
			if r.DeadlineMinutes != DeadlineMinutes(op) || len(r.RecipientsZH) == 0 || len(r.RecipientsZH) != len(r.RecipientsEN) {
				t.Errorf("%s/%s: %+v", op, g, r)
			}
			if esc := len(r.Escalation) > 0; esc != (g.Rank() >= GradeMajor.Rank()) {
				t.Errorf("%s/%s: escalation %v", op, g, r.Escalation)
			}
		}
	}
	if r := Route(OperatorCII, "", ""); r.Mandatory {
		t.Error("ungraded incident mandatory")
	}
}

func TestRouteRecipients(t *testing.T) {
	r := Route(OperatorCII, GradeRelativelyMajor, "")
	if !slices.Equal(r.RecipientsZH, []string{"保护工作部门", "公安机关"}) || r.DeadlineMinutes != 60 {
		t.Errorf("CII: %+v", r)
	}
	r = Route(OperatorCentralState, GradeMajor, "")
	if !slices.Equal(r.RecipientsZH, []string{"本部门网信工作机构"}) || r.DeadlineMinutes != 120 {
		t.Errorf("central: %+v", r)
	}
	if e := r.Escalation; len(e) != 1 || e[0].DeadlineMinutes != 60 || !slices.Equal(e[0].ToZH, []string{"国家网信部门"}) {
		t.Errorf("central escalation: %+v", e)
	}
	r = Route(OperatorOther, GradeParticularlyMajor, "广东省")
	if !slices.Equal(r.RecipientsZH, []string{"属地省级网信部门（广东省）"}) || r.DeadlineMinutes != 240 {
		t.Errorf("other: %+v", r)
	}
	if e := r.Escalation; len(e) != 1 || e[0].DeadlineMinutes != 60 {
		t.Errorf("other escalation: %+v", e)
	}
	if r := Route(OperatorOther, GradeRelativelyMajor, ""); r.RecipientsZH[0] != "属地省级网信部门" {
		t.Errorf("other without province: %v", r.RecipientsZH)
	}
	r = Route(OperatorCII, GradeMajor, "")
	if e := r.Escalation; len(e) != 1 || e[0].DeadlineMinutes != 30 || !slices.Equal(e[0].ToZH, []string{"国家网信部门", "国务院公安部门"}) {
		t.Errorf("CII escalation: %+v", e)
	}
}

func TestRouteWithCrime(t *testing.T) {
	r := Route(OperatorOther, GradeRelativelyMajor, "浙江省").WithCrime(true)
	if !r.CrimeSuspected || !r.PoliceReport || !slices.Equal(r.RecipientsZH, []string{"属地省级网信部门（浙江省）", "公安机关"}) || len(r.RecipientsEN) != 2 {
		t.Errorf("other + crime: %+v", r)
	}
	r = Route(OperatorCentralState, GradeMajor, "").WithCrime(true)
	if !slices.Contains(r.RecipientsZH, "公安机关") {
		t.Errorf("central + crime: %v", r.RecipientsZH)
	}
	r = Route(OperatorCII, GradeRelativelyMajor, "").WithCrime(true)
	if len(r.RecipientsZH) != 2 {
		t.Errorf("CII + crime duplicated the police: %v", r.RecipientsZH)
	}
	// A crime is reported to the police whatever the grade.
	r = Route(OperatorOther, GradeGeneral, "").WithCrime(true)
	if r.Mandatory || !r.PoliceReport || !slices.Equal(r.RecipientsZH, []string{"公安机关"}) {
		t.Errorf("general + crime: %+v", r)
	}
	base := Route(OperatorOther, GradeRelativelyMajor, "")
	if r := base.WithCrime(false); r.PoliceReport || len(r.RecipientsZH) != 1 {
		t.Errorf("no crime: %+v", r)
	}
	_ = base.WithCrime(true)
	if len(base.RecipientsZH) != 1 || len(base.NotesZH) != len(Route(OperatorOther, GradeRelativelyMajor, "").NotesZH) {
		t.Error("WithCrime modified its receiver's slices")
	}
}

func TestChannels(t *testing.T) {
	ch := StatutoryChannels()
	want := map[string]string{"hotline": "12387", "website": "https://12387.cert.org.cn", "mini_program": "12387", "wechat": "CNCERT", "email": "12387@cert.org.cn", "fax": "010-82992387"}
	if len(ch) != len(want) {
		t.Fatalf("channels %+v", ch)
	}
	for _, c := range ch {
		if want[c.Kind] != c.Value || c.NameZH == "" || c.NameEN == "" {
			t.Errorf("channel %+v", c)
		}
	}
	ch[0].Value = "changed"
	if StatutoryChannels()[0].Value == "changed" {
		t.Error("StatutoryChannels shares memory")
	}
}

func TestParseEnums(t *testing.T) {
	if op, err := ParseOperatorType("cii"); err != nil || op != OperatorCII {
		t.Error(op, err)
	}
	var fe *FieldError
	if _, err := ParseOperatorType("bank"); !errors.As(err, &fe) || fe.Code != CodeOperatorUnknown {
		t.Error(err)
	}
	if g, err := ParseGrade("major"); err != nil || g != GradeMajor {
		t.Error(g, err)
	}
	if _, err := ParseGrade("huge"); !errors.As(err, &fe) || fe.Code != CodeGradeUnknown {
		t.Error(err)
	}
	if GradeGeneral.Reportable() || !GradeRelativelyMajor.Reportable() || Grade("").Valid() {
		t.Error("grade predicates")
	}
	if GradeParticularlyMajor.FullNameZH() != "特别重大网络安全事件" || GradeRelativelyMajor.NameZH() != "较大" {
		t.Error("grade names")
	}
}
