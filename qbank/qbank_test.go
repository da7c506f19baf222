package qbank

import (
	"slices"
	"strings"
	"testing"

	"github.com/anbao/anbao/assess"
)

func b(v bool) *bool         { return &v }
func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }

// Every bank is well formed: unique ids, both languages, valid types,
// domains, effects and choices, conditions on earlier questions with values
// that exist.
func TestBanksWellFormed(t *testing.T) {
	if Latest().Status != Current || len(Versions()) < 2 {
		t.Fatal("the last bank must be current, with an older one")
	}
	for _, bk := range Versions() {
		seen := map[string]bool{}
		for i, q := range bk.Questions {
			where := bk.Version + "/" + q.ID
			if seen[q.ID] || q.ID == "" {
				t.Errorf("%s: duplicate or empty id", where)
			}
			seen[q.ID] = true
			if q.TextZH == "" || q.TextEN == "" || (q.HelpZH == "") != (q.HelpEN == "") {
				t.Errorf("%s: text or help missing in a language", where)
			}
			if !slices.Contains(Domains, q.Domain) {
				t.Errorf("%s: unknown domain %q", where, q.Domain)
			}
			for _, e := range q.Effects {
				if !slices.Contains([]string{EffGate, EffTerms, EffPrice, EffScan}, e) {
					t.Errorf("%s: unknown effect %q", where, e)
				}
			}
			hasChoices := q.Type == TChoice || q.Type == TMulti
			if hasChoices != (len(q.Choices) > 0) {
				t.Errorf("%s: choices do not fit type %s", where, q.Type)
			}
			for _, c := range q.Choices {
				if c.Value == "" || c.ZH == "" || c.EN == "" {
					t.Errorf("%s: incomplete choice %+v", where, c)
				}
			}
			if c := q.When; c != nil {
				j := slices.IndexFunc(bk.Questions, func(x Question) bool { return x.ID == c.Question })
				if j < 0 || j >= i {
					t.Errorf("%s: condition on %q, not an earlier question", where, c.Question)
					continue
				}
				for _, v := range c.Values {
					if dep := bk.Questions[j]; dep.Type == TChoice && !dep.hasChoice(v) {
						t.Errorf("%s: condition value %q is not a choice of %s", where, v, dep.ID)
					}
				}
			}
		}
		if len(bk.Questions) < 30 {
			t.Errorf("%s has %d questions, want at least the 30 canonical ones", bk.Version, len(bk.Questions))
		}
	}
}

// The score reads the bank's ids and values: every valid answer of the
// current bank is a valid input to the score.
func TestBankFitsTheScore(t *testing.T) {
	for _, q := range Latest().Questions {
		var vals []Value
		switch q.Type {
		case TBool:
			vals = []Value{{Bool: b(true)}, {Bool: b(false)}}
		case TChoice:
			for _, c := range q.Choices {
				vals = append(vals, Value{Choice: c.Value})
			}
		case TMulti:
			all := []string{}
			for _, c := range q.Choices {
				all = append(all, c.Value)
			}
			vals = []Value{{Choices: []string{}}, {Choices: all}}
		case TMoney:
			vals = []Value{{Int: i64(12_000_000)}}
		case TNumber:
			vals = []Value{{Number: f64(24)}}
		case TList:
			vals = []Value{{List: []string{"example.cn"}}}
		default:
			vals = []Value{{Text: "张三 13800000000"}}
		}
		for _, v := range vals {
			in := &assess.Input{Answers: map[string]assess.Answer{q.ID: assess.Answer(v)}, Findings: []assess.Finding{}}
			if err := in.Validate(); err != nil {
				t.Errorf("%s = %+v: the score refuses it: %v", q.ID, v, err)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	bk := Latest()
	get := func(id string) *Question {
		q, ok := bk.Question(id)
		if !ok {
			t.Fatalf("no %s", id)
		}
		return q
	}
	cases := []struct {
		id   string
		v    Value
		key  string // "" = valid
		want Value
	}{
		{"mfa_email", Value{Bool: b(true)}, "", Value{Bool: b(true)}},
		{"mfa_email", Value{Choice: "yes"}, "qn.answer.want_bool", Value{}},
		{"mfa_email", Value{Bool: b(true), Text: "x"}, "qn.answer.one_field", Value{}},
		{"edr", Value{Choice: " mdr "}, "", Value{Choice: "mdr"}},
		{"edr", Value{Choice: "xdr"}, "qn.answer.bad_choice", Value{}},
		{"funds_transfer_controls", Value{Choices: []string{"callback", "dual_approval", "callback"}}, "", Value{Choices: []string{"dual_approval", "callback"}}},
		{"funds_transfer_controls", Value{Choices: []string{}}, "", Value{Choices: []string{}}},
		{"funds_transfer_controls", Value{Choices: []string{"prayer"}}, "qn.answer.bad_choice", Value{}},
		{"revenue", Value{Int: i64(-1)}, "qn.answer.money_range", Value{}},
		{"revenue", Value{Number: f64(5e7)}, "", Value{Int: i64(50_000_000)}},
		{"revenue", Value{Number: f64(5.5)}, "qn.answer.money_range", Value{}},
		{"rto_hours", Value{Int: i64(4)}, "", Value{Number: f64(4)}},
		{"rto_hours", Value{Number: f64(-2)}, "qn.answer.hours_range", Value{}},
		{"domains", Value{List: []string{" Example.CN ", "example.cn", ""}}, "", Value{List: []string{"example.cn"}}},
		{"domains", Value{List: []string{"a b"}}, "qn.answer.bad_item", Value{}},
		{"security_contact", Value{Text: strings.Repeat("长", 501)}, "qn.answer.too_long", Value{}},
		{"security_contact", Value{Text: "  "}, "", Value{}}, // blank clears
	}
	for _, c := range cases {
		got, err := get(c.id).Check(c.v)
		if c.key != "" {
			if e, ok := err.(*Error); !ok || e.Key != c.key || e.Question != c.id {
				t.Errorf("%s %+v: err %v, want %s", c.id, c.v, err, c.key)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %+v: %v", c.id, c.v, err)
			continue
		}
		if !equal(got, c.want) {
			t.Errorf("%s %+v = %+v, want %+v", c.id, c.v, got, c.want)
		}
	}
}

func equal(a, b Value) bool {
	eqp := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqi := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqf := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eqp(a.Bool, b.Bool) && a.Choice == b.Choice && slices.Equal(a.Choices, b.Choices) && eqi(a.Int, b.Int) &&
		eqf(a.Number, b.Number) && a.Text == b.Text && slices.Equal(a.List, b.List)
}

func TestSkipLogic(t *testing.T) {
	bk := Latest()
	ans := map[string]Value{"backup_frequency": {Choice: "none"}, "mlps_level_max": {Choice: "1"}, "cross_border_data": {Bool: b(false)}}
	a := bk.Applicable(ans)
	for _, id := range []string{"backup_offline", "backup_tested", "mlps_evaluated", "mlps_evaluation_result", "cross_border_mechanism", "dmarc"} {
		if a[id] {
			t.Errorf("%s applies with %v", id, ans)
		}
	}
	ans = map[string]Value{"backup_frequency": {Choice: "daily"}, "mlps_level_max": {Choice: "3"}, "mlps_evaluated": {Bool: b(true)},
		"cross_border_data": {Bool: b(true)}, "domains": {List: []string{"a.cn"}}}
	a = bk.Applicable(ans)
	for _, id := range []string{"backup_offline", "backup_tested", "mlps_evaluated", "mlps_evaluation_result", "cross_border_mechanism", "dmarc"} {
		if !a[id] {
			t.Errorf("%s does not apply with %v", id, ans)
		}
	}
	if m := bk.Missing(ans); slices.Contains(m, "backup_frequency") || !slices.Contains(m, "backup_offline") || slices.Contains(m, "sbom") {
		t.Errorf("missing %v", m)
	}
}

// Answers to 2026.1 carry to 2026.2: kept ids keep their answers, a renamed
// question takes its predecessor's, a value no longer offered is dropped.
func TestCarryForward(t *testing.T) {
	from, _ := Get("2026.1")
	to, _ := Get("2026.2")
	old := map[string]Value{"mfa_email": {Bool: b(true)}, "log_monitoring": {Bool: b(false)},
		"cloud_usage": {Choices: []string{"public", "idc"}}, "edr": {Choice: "edr"}, "telepathy": {Bool: b(true)}}
	got, rep := CarryForward(from, to, old)
	if !equal(got["mfa_email"], Value{Bool: b(true)}) || !equal(got["security_monitoring"], Value{Bool: b(false)}) || !equal(got["edr"], Value{Choice: "edr"}) {
		t.Errorf("carried %+v", got)
	}
	if _, ok := got["cloud_usage"]; ok {
		t.Error("cloud_usage with a retired choice was carried")
	}
	reasons := map[string]string{}
	for _, r := range rep {
		reasons[r.From] = r.Reason
	}
	if reasons["cloud_usage"] != "invalid" || reasons["telepathy"] != "retired" || reasons["log_monitoring"] != "" || len(rep) != 5 {
		t.Errorf("report %+v", rep)
	}
}

func FuzzDecodeValue(f *testing.F) {
	for _, s := range []string{`{"bool":true}`, `{"choices":["a"]}`, `{"int":5}`, `{"number":1e400}`, `{"x":1}`, `{"text":"a"} {}`} {
		f.Add([]byte(s))
	}
	bk := Latest()
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeValue(data)
		if err != nil {
			return
		}
		for i := range bk.Questions {
			if got, err := bk.Questions[i].Check(v); err == nil {
				if _, err := bk.Questions[i].Check(got); err != nil {
					t.Fatalf("%s: a checked value fails its second check: %v", bk.Questions[i].ID, err)
				}
			}
		}
	})
}
