// Package qbank is the versioned underwriting question bank of the
// pre-underwriting assessment (保前风险评估): typed questions with Chinese and
// English text and help, each marked gate / terms / price / scan, mapped to a
// control domain and, where it applies, to a GB/T 22239-2019 clause; skip
// logic; answer validation; and the carrying forward of answers from a
// retired bank version to the current one. It is pure: no I/O.
//
// The question ids and values are the ones the score (package assess) reads.
package qbank

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Types of question.
const (
	TBool    = "bool"    // yes / no
	TChoice  = "choice"  // one of Choices
	TMulti   = "multi"   // any of Choices, none included
	TMoney   = "money"   // yuan, a whole number ≥ 0
	TNumber  = "number"  // a number ≥ 0 (hours)
	TText    = "text"    // free text
	TList    = "list"    // a list of short texts (domains)
	TContact = "contact" // a name and a way to reach them
)

// Effects of an answer on cover (platforms.md §5.1 legend).
const (
	EffGate  = "gate"  // a "no" declines or refers
	EffTerms = "terms" // changes sublimits, retention, waiting period, endorsements
	EffPrice = "price" // a pricing modifier
	EffScan  = "scan"  // can be verified by a scan or a provider
)

// Domains group the questions; they match the score's factors.
var Domains = []string{"business_profile", "identity_access", "endpoint", "backup_recovery", "patching_vulns", "exposure",
	"email_funds", "governance_mlps", "third_party", "data_protection"}

// Choice is one allowed value of a choice or multi question.
type Choice struct {
	Value string `json:"value"`
	ZH    string `json:"zh"`
	EN    string `json:"en"`
}

// Cond is a skip condition: the question applies only when the answer to
// Question satisfies Op (with Values).
type Cond struct {
	Question string   `json:"question"`
	Op       string   `json:"op"` // yes | no | in | not_in | gte | nonempty
	Values   []string `json:"values,omitempty"`
}

// Question is one question of a bank version.
type Question struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Domain   string   `json:"domain"`
	Effects  []string `json:"effects"`
	GBT22239 string   `json:"gbt22239,omitempty"` // clause of GB/T 22239-2019 (level 3 requirements)
	TextZH   string   `json:"text_zh"`
	TextEN   string   `json:"text_en"`
	HelpZH   string   `json:"help_zh"`
	HelpEN   string   `json:"help_en"`
	Choices  []Choice `json:"choices,omitempty"`
	When     *Cond    `json:"applies_when,omitempty"`
	Replaces string   `json:"replaces,omitempty"` // the id this question had in the previous version
	Required bool     `json:"required"`           // must be answered (when it applies) before attesting
}

// Bank is one version of the question bank.
type Bank struct {
	Version   string     `json:"version"`
	Status    string     `json:"status"` // current | retired
	Published string     `json:"published"`
	NotesZH   string     `json:"notes_zh"`
	NotesEN   string     `json:"notes_en"`
	Questions []Question `json:"questions"`
	index     map[string]int
}

// Bank statuses.
const (
	Current = "current"
	Retired = "retired"
)

// Question returns the question with id.
func (b *Bank) Question(id string) (*Question, bool) {
	i, ok := b.index[id]
	if !ok {
		return nil, false
	}
	return &b.Questions[i], true
}

// Versions lists the bank versions, oldest first.
func Versions() []*Bank { return slices.Clone(banks) }

// Latest is the current bank.
func Latest() *Bank { return banks[len(banks)-1] }

// Get returns a bank version.
func Get(version string) (*Bank, bool) {
	for _, b := range banks {
		if b.Version == version {
			return b, true
		}
	}
	return nil, false
}

// Value is one answer, in the typed form the score reads (assess.Answer has
// the same fields and JSON names).
type Value struct {
	Bool    *bool    `json:"bool,omitempty"`
	Choice  string   `json:"choice,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Int     *int64   `json:"int,omitempty"`
	Number  *float64 `json:"number,omitempty"`
	Text    string   `json:"text,omitempty"`
	List    []string `json:"list,omitempty"`
}

// Empty reports whether v holds no answer.
func (v Value) Empty() bool {
	return v.Bool == nil && v.Choice == "" && v.Choices == nil && v.Int == nil && v.Number == nil && v.Text == "" && v.List == nil
}

// Error is a problem with one answer.
type Error struct {
	Question string
	Key      string // message key
	Args     []any
}

func (e *Error) Error() string { return e.Question + ": " + e.Key + fmt.Sprint(e.Args...) }

const (
	maxText  = 500
	maxList  = 50
	maxMoney = 1e14 // yuan: far above any enterprise's revenue
)

// Check validates v as an answer to q and returns it normalised (trimmed,
// de-duplicated, choices in the bank's order). An empty v clears the answer.
func (q *Question) Check(v Value) (Value, error) {
	bad := func(key string, args ...any) (Value, error) {
		return Value{}, &Error{Question: q.ID, Key: key, Args: args}
	}
	v.Text = strings.TrimSpace(v.Text)
	if v.Empty() {
		return v, nil
	}
	set := 0
	for _, x := range []bool{v.Bool != nil, v.Choice != "", v.Choices != nil, v.Int != nil, v.Number != nil, v.Text != "", v.List != nil} {
		if x {
			set++
		}
	}
	if set > 1 {
		return bad("qn.answer.one_field")
	}
	out := Value{}
	switch q.Type {
	case TBool:
		if v.Bool == nil {
			return bad("qn.answer.want_bool")
		}
		out.Bool = v.Bool
	case TChoice:
		c := strings.TrimSpace(v.Choice)
		if c == "" {
			return bad("qn.answer.want_choice")
		}
		if !q.hasChoice(c) {
			return bad("qn.answer.bad_choice", c)
		}
		out.Choice = c
	case TMulti:
		if v.Choices == nil {
			return bad("qn.answer.want_choices")
		}
		out.Choices = []string{}
		for _, ch := range q.Choices {
			for _, c := range v.Choices {
				if strings.TrimSpace(c) == ch.Value && !slices.Contains(out.Choices, ch.Value) {
					out.Choices = append(out.Choices, ch.Value)
				}
			}
		}
		for _, c := range v.Choices {
			if !q.hasChoice(strings.TrimSpace(c)) {
				return bad("qn.answer.bad_choice", c)
			}
		}
	case TMoney:
		switch {
		case v.Int != nil:
			if *v.Int < 0 || float64(*v.Int) > maxMoney {
				return bad("qn.answer.money_range")
			}
			out.Int = v.Int
		case v.Number != nil && *v.Number == math.Trunc(*v.Number) && *v.Number >= 0 && *v.Number <= maxMoney:
			n := int64(*v.Number)
			out.Int = &n
		default:
			return bad("qn.answer.money_range")
		}
	case TNumber:
		n := v.Number
		if n == nil && v.Int != nil {
			f := float64(*v.Int)
			n = &f
		}
		if n == nil || math.IsNaN(*n) || *n < 0 || *n > 87600 {
			return bad("qn.answer.hours_range")
		}
		out.Number = n
	case TText, TContact:
		t := strings.TrimSpace(v.Text)
		if t == "" {
			return bad("qn.answer.want_text")
		}
		if len([]rune(t)) > maxText {
			return bad("qn.answer.too_long", maxText)
		}
		out.Text = t
	case TList:
		if v.List == nil {
			return bad("qn.answer.want_list")
		}
		out.List = []string{}
		for _, x := range v.List {
			x = strings.ToLower(strings.TrimSpace(x))
			if x == "" || slices.Contains(out.List, x) {
				continue
			}
			if len(x) > 253 || strings.ContainsAny(x, " /\\,;") {
				return bad("qn.answer.bad_item", x)
			}
			out.List = append(out.List, x)
		}
		if len(out.List) > maxList {
			return bad("qn.answer.too_many", maxList)
		}
	default:
		return bad("qn.answer.want_bool")
	}
	return out, nil
}

func (q *Question) hasChoice(c string) bool {
	return slices.ContainsFunc(q.Choices, func(ch Choice) bool { return ch.Value == c })
}

// Applies reports whether q applies given the answers (a question whose
// condition refers to an unanswered question does not apply).
func (q *Question) Applies(answers map[string]Value) bool {
	c := q.When
	if c == nil {
		return true
	}
	a, ok := answers[c.Question]
	if !ok || a.Empty() {
		return false
	}
	switch c.Op {
	case "yes":
		return a.Bool != nil && *a.Bool
	case "no":
		return a.Bool != nil && !*a.Bool
	case "in":
		return slices.Contains(c.Values, a.Choice)
	case "not_in":
		return a.Choice != "" && !slices.Contains(c.Values, a.Choice)
	case "gte":
		x, err1 := strconv.Atoi(a.Choice)
		y, err2 := strconv.Atoi(c.Values[0])
		return err1 == nil && err2 == nil && x >= y
	case "nonempty":
		return len(a.List) > 0 || len(a.Choices) > 0
	}
	return false
}

// Applicable returns, for every question of b, whether it applies.
func (b *Bank) Applicable(answers map[string]Value) map[string]bool {
	out := make(map[string]bool, len(b.Questions))
	for i := range b.Questions {
		out[b.Questions[i].ID] = b.Questions[i].Applies(answers)
	}
	return out
}

// Missing lists the required questions that apply and have no answer.
func (b *Bank) Missing(answers map[string]Value) []string {
	var out []string
	for i := range b.Questions {
		q := &b.Questions[i]
		if q.Required && q.Applies(answers) {
			if a, ok := answers[q.ID]; !ok || a.Empty() {
				out = append(out, q.ID)
			}
		}
	}
	return out
}

// Carried says what CarryForward did with each old answer.
type Carried struct {
	From    string `json:"from"`
	To      string `json:"to,omitempty"` // the question id in the new bank
	Dropped bool   `json:"dropped,omitempty"`
	Reason  string `json:"reason,omitempty"` // retired | invalid
}

// CarryForward maps answers given to bank from onto bank to: a question kept
// under its id or renamed (Replaces) keeps its answer when the answer is
// still valid; answers to retired questions or no longer valid are dropped
// and reported.
func CarryForward(from, to *Bank, answers map[string]Value) (map[string]Value, []Carried) {
	out := map[string]Value{}
	var report []Carried
	ids := make([]string, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		target := ""
		if _, ok := to.Question(id); ok {
			target = id
		} else {
			for _, q := range to.Questions {
				if q.Replaces == id {
					target = q.ID
				}
			}
		}
		if target == "" {
			report = append(report, Carried{From: id, Dropped: true, Reason: "retired"})
			continue
		}
		q, _ := to.Question(target)
		v, err := q.Check(answers[id])
		if err != nil {
			report = append(report, Carried{From: id, To: target, Dropped: true, Reason: "invalid"})
			continue
		}
		out[target] = v
		report = append(report, Carried{From: id, To: target})
	}
	return out, report
}

// DecodeValue reads one answer from JSON, refusing unknown fields.
func DecodeValue(data []byte) (Value, error) {
	var v Value
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return Value{}, err
	}
	if dec.More() {
		return Value{}, fmt.Errorf("trailing data after the answer")
	}
	return v, nil
}

// MarshalJSON writes an empty multiple choice ("none of these") as
// "choices": [], which omitempty would drop, turning the answer into an
// unanswered one when it is read back.
func (v Value) MarshalJSON() ([]byte, error) {
	type plain Value
	b, err := json.Marshal(plain(v))
	if err != nil || v.Choices == nil || len(v.Choices) > 0 {
		return b, err
	}
	if string(b) == "{}" {
		return []byte(`{"choices":[]}`), nil
	}
	return append([]byte(`{"choices":[],`), b[1:]...), nil
}
