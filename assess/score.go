package assess

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"sort"
	"strconv"
)

// Result is a computed score with its explanation.
type Result struct {
	Methodology     string           `json:"methodology"`
	InputSHA256     string           `json:"input_sha256"`
	Overall         float64          `json:"overall"` // 0–100, two decimals
	Grade           string           `json:"grade"`
	GradeUncapped   string           `json:"grade_uncapped"` // the band of Overall before gates
	Gates           []GateHit        `json:"gates"`
	Factors         []FactorScore    `json:"factors"`
	Items           []Item           `json:"items"`
	Recommendations []Recommendation `json:"recommendations"`
	Referrals       []Referral       `json:"referrals"`
}

// FactorScore is one factor's score.
type FactorScore struct {
	ID     string `json:"id"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Weight int    `json:"weight"`
	Score  int    `json:"score"` // 100 − points lost, floored at 0
	Lost   int    `json:"lost"`  // points lost before the floor
}

// GateHit is a failed hard gate: the grade is at most Cap.
type GateHit struct {
	Rule   string `json:"rule"`
	Source string `json:"source"`
	Cap    string `json:"cap"`
}

// Item is one rule application that moved the score.
type Item struct {
	Rule     string  `json:"rule"`
	Factor   string  `json:"factor"`
	Source   string  `json:"source"` // answers.<id>[:<choice>], findings.<id> or profile.<field>
	Value    string  `json:"value"`  // the value seen, "unknown" when unanswered
	Unknown  bool    `json:"unknown,omitempty"`
	Points   int     `json:"points"`   // points lost in the factor (the factor is floored at 0)
	Weighted float64 `json:"weighted"` // points × weight / 100: the nominal effect on the overall score
	Gate     string  `json:"gate,omitempty"`
	ReasonZH string  `json:"reason_zh"`
	ReasonEN string  `json:"reason_en"`
	RemedyZH string  `json:"remedy_zh,omitempty"`
	RemedyEN string  `json:"remedy_en,omitempty"`
	Effort   int     `json:"effort,omitempty"` // 1–5; 0 = not remediable
	Control  string  `json:"control,omitempty"`
	// Remediable items only: the exact result of re-scoring the input with
	// this item fixed.
	Remediable    bool     `json:"remediable"`
	Gain          float64  `json:"gain,omitempty"` // overall after − overall now
	GainPerEffort float64  `json:"gain_per_effort,omitempty"`
	GradeIfFixed  string   `json:"grade_if_fixed,omitempty"`
	ControlsAdded []string `json:"controls_added,omitempty"` // quant controls the fix puts in place (LossInputs)
}

// Recommendation is a remedial item worth doing, by rank.
type Recommendation struct {
	Item          int      `json:"item"` // index in Result.Items
	Rule          string   `json:"rule"`
	Source        string   `json:"source"`
	RemedyZH      string   `json:"remedy_zh"`
	RemedyEN      string   `json:"remedy_en"`
	Effort        int      `json:"effort"`
	Gain          float64  `json:"gain"`
	GainPerEffort float64  `json:"gain_per_effort"`
	GradeIfFixed  string   `json:"grade_if_fixed"`
	Control       string   `json:"control,omitempty"`
	ControlsAdded []string `json:"controls_added,omitempty"`
}

// Referral is an answer an underwriter must look at. Referrals are
// eligibility questions, not security posture, so they do not move the score.
type Referral struct {
	Question string `json:"question"`
	Value    string `json:"value"`
	ReasonZH string `json:"reason_zh"`
	ReasonEN string `json:"reason_en"`
}

// scorer holds one scoring run.
type scorer struct {
	m       *Methodology
	in      *Input
	lost    [9]int
	cap     string
	gates   []GateHit
	explain bool
	items   []Item
	fixes   []func(*Input)
	// effort and control override the rule's for the next hit.
	effort  int
	control string
}

// Score computes the score of in under a methodology version, with its
// explanation: every item that moved the score and, for each remedial one,
// the exact gain of fixing it, by re-scoring the counterfactual input.
func Score(version string, in *Input) (*Result, error) { return score(version, in, true) }

// Summary computes the score of in like Score, without the explanation
// (no items, recommendations or referrals): what a stored score keeps, at a
// fraction of the cost, since the explanation re-scores every remedial item.
func Summary(version string, in *Input) (*Result, error) {
	r, _, err := scoreCanon(version, in, false)
	return r, err
}

// Snapshot is Summary with the canonical input JSON it hashed: what a stored
// score keeps, with the input encoded once.
func Snapshot(version string, in *Input) (*Result, []byte, error) {
	return scoreCanon(version, in, false)
}

func score(version string, in *Input, explain bool) (*Result, error) {
	r, _, err := scoreCanon(version, in, explain)
	return r, err
}

func scoreCanon(version string, in *Input, explain bool) (*Result, []byte, error) {
	m := lookup(version)
	if m == nil {
		return nil, nil, inErr("methodology", CodeUnknownScore, "unknown methodology version %q", version)
	}
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	canon, err := in.CanonicalJSON()
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(canon)
	hash := hex.EncodeToString(sum[:])
	s := &scorer{m: m, in: in, explain: explain}
	s.run()
	bp := s.overallBP()
	r := &Result{Methodology: m.Version, InputSHA256: hash, Overall: float64(bp) / 100,
		GradeUncapped: m.grade(bp), Gates: s.gates, Items: s.items}
	r.Grade = worse(r.GradeUncapped, s.cap)
	for i, f := range m.Factors {
		r.Factors = append(r.Factors, FactorScore{ID: f.ID, NameZH: f.NameZH, NameEN: f.NameEN, Weight: f.Weight,
			Score: max(0, 100-s.lost[i]), Lost: s.lost[i]})
	}
	if r.Gates == nil {
		r.Gates = []GateHit{}
	}
	if r.Items == nil {
		r.Items = []Item{}
	}
	if !explain {
		r.Recommendations, r.Referrals = []Recommendation{}, []Referral{}
		return r, canon, nil
	}
	r.Referrals = referrals(in)
	now := controlsOf(in)
	for i := range r.Items {
		it := &r.Items[i]
		fix := s.fixes[i]
		if fix == nil || it.Effort == 0 {
			continue
		}
		cf := cloneInput(in)
		fix(cf)
		c := &scorer{m: m, in: cf}
		c.run()
		after := c.overallBP()
		it.Remediable = true
		it.Gain = float64(after-bp) / 100
		it.GainPerEffort = float64(after-bp) / 100 / float64(it.Effort)
		it.GradeIfFixed = worse(m.grade(after), c.cap)
		for _, id := range controlsOf(cf) {
			if !slices.Contains(now, id) {
				it.ControlsAdded = append(it.ControlsAdded, id)
			}
		}
	}
	r.Recommendations = recommend(r)
	return r, canon, nil
}

// recommend ranks the remedial items that raise the score or the grade by
// gain per effort, then gain; ties by rule and source, so the order is stable.
func recommend(r *Result) []Recommendation {
	out := []Recommendation{}
	for i, it := range r.Items {
		if !it.Remediable || (it.Gain <= 0 && it.GradeIfFixed >= r.Grade) {
			continue
		}
		out = append(out, Recommendation{Item: i, Rule: it.Rule, Source: it.Source, RemedyZH: it.RemedyZH,
			RemedyEN: it.RemedyEN, Effort: it.Effort, Gain: it.Gain, GainPerEffort: it.GainPerEffort,
			GradeIfFixed: it.GradeIfFixed, Control: it.Control, ControlsAdded: it.ControlsAdded})
	}
	sort.SliceStable(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if x.GainPerEffort != y.GainPerEffort {
			return x.GainPerEffort > y.GainPerEffort
		}
		if x.Gain != y.Gain {
			return x.Gain > y.Gain
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Source < y.Source
	})
	return out
}

func (s *scorer) run() {
	for _, d := range ruleTable {
		d.eval(s, &d.Rule)
	}
}

// overallBP is the overall score in hundredths: Σ weight × factor score, the
// weights summing to 100. Integer arithmetic keeps it exact.
func (s *scorer) overallBP() int {
	bp := 0
	for i, f := range s.m.Factors {
		bp += f.Weight * max(0, 100-s.lost[i])
	}
	return bp
}

// hit records that rule r took points from its factor.
func (s *scorer) hit(r *Rule, source, value string, points int, unknown bool, gate string, fix func(*Input)) {
	fi := factorIndex(r.Factor)
	s.lost[fi] += points
	if gate != "" {
		s.cap = worse(s.cap, gate)
		s.gates = append(s.gates, GateHit{Rule: r.ID, Source: source, Cap: gate})
	}
	if !s.explain {
		return
	}
	effort, control := r.Effort, r.Control
	if s.effort != 0 {
		effort = s.effort
	}
	if r.Input == "findings" {
		control = s.control
	}
	it := Item{Rule: r.ID, Factor: r.Factor, Source: source, Value: value, Unknown: unknown, Points: points,
		Weighted: float64(points*s.m.Factors[fi].Weight) / 100, Gate: gate,
		ReasonZH: r.ReasonZH, ReasonEN: r.ReasonEN, RemedyZH: r.RemedyZH, RemedyEN: r.RemedyEN,
		Effort: effort, Control: control}
	if unknown {
		// Answering costs little; the gain shown is that of the best answer.
		it.Effort = EffortAnswer
		it.RemedyZH = "回答该问题（收益按最佳答案计算）：" + r.RemedyZH
		it.RemedyEN = "Answer the question (gain shown for the best answer): " + r.RemedyEN
		it.ReasonZH = "未回答：" + r.ReasonZH
		it.ReasonEN = "Unanswered: " + r.ReasonEN
	}
	if fix == nil {
		it.Effort = 0
	}
	s.items = append(s.items, it)
	s.fixes = append(s.fixes, fix)
}

// valueHit applies a rule to a value, or to "unanswered" when !known.
func (s *scorer) valueHit(r *Rule, known bool, val, src string, fix func(*Input)) {
	if !known {
		val = vUnknown
		if r.Unknown == 0 {
			return
		}
		s.hit(r, src, val, r.Unknown, true, gateOf(r, val), fix)
		return
	}
	if pts := r.points(val); pts > 0 {
		s.hit(r, src, val, pts, false, gateOf(r, val), fix)
	}
}

func gateOf(r *Rule, val string) string {
	if slices.Contains(r.GateOn, val) {
		return r.Gate
	}
	return ""
}

// boolQ reads a yes-no question, falling back to the profile.
func (s *scorer) boolQ(id string) (v, known bool, src string) {
	if a, ok := s.in.Answers[id]; ok && a.Bool != nil {
		return *a.Bool, true, asrc(id)
	}
	p := &s.in.Profile
	switch id {
	case "cii_operator":
		if p.CII {
			return true, true, "profile.cii"
		}
	case "sensitive_pi":
		if p.Data.SensitivePI {
			return true, true, "profile.data.sensitive_pi"
		}
	case "important_data":
		if p.Data.ImportantData {
			return true, true, "profile.data.important_data"
		}
	case "cross_border_data":
		if p.Data.CrossBorder {
			return true, true, "profile.data.cross_border"
		}
	case "backup_offline":
		if p.Continuity.OfflineBackups != nil {
			return *p.Continuity.OfflineBackups, true, "profile.continuity.offline_backups"
		}
	}
	return false, false, asrc(id)
}

// choiceQ reads a single-choice question ("" = not known), falling back to
// the profile.
func (s *scorer) choiceQ(id string) (string, string) {
	if a, ok := s.in.Answers[id]; ok && a.Choice != "" {
		return a.Choice, asrc(id)
	}
	p := &s.in.Profile
	switch id {
	case "pi_records_band":
		if p.Data.PIRecordsBand != "" {
			return p.Data.PIRecordsBand, "profile.data.pi_records_band"
		}
	case "mlps_level_max":
		if top := s.topSystem(); top != nil {
			return itoa(top.Level), "profile.mlps"
		}
	case "mlps_evaluation_result":
		if top := s.topSystem(); top != nil && top.Result != "" {
			return top.Result, "profile.mlps"
		}
	case "industry":
		if p.Industry != "" {
			return p.Industry, "profile.industry"
		}
	}
	return "", asrc(id)
}

// hoursQ reads an hours question, falling back to the profile.
func (s *scorer) hoursQ(id string) (float64, bool, string) {
	if a, ok := s.in.Answers[id]; ok {
		if v, ok := a.num(); ok {
			return v, true, asrc(id)
		}
	}
	var p *float64
	switch id {
	case "rto_hours":
		p = s.in.Profile.Continuity.RTOHours
	case "rpo_hours":
		p = s.in.Profile.Continuity.RPOHours
	}
	if p != nil {
		return *p, true, "profile.continuity." + id
	}
	return 0, false, asrc(id)
}

func referrals(in *Input) []Referral {
	out := []Referral{}
	if a, ok := in.Answers["high_risk_activities"]; ok {
		for _, c := range slicesSorted(a.Choices) {
			out = append(out, Referral{"high_risk_activities", c, "高风险业务，需核保人审核",
				"High-risk activity: refer to an underwriter (At-Bay Q2244)"})
		}
	}
	for _, q := range []struct{ id, zh, en string }{
		{"known_circumstances", "已知可能引起索赔的情况（事先知情除外）", "Known circumstances that may give rise to a claim (prior-knowledge exclusion)"},
		{"legal_actions", "存在民事、刑事或行政诉讼", "Civil, criminal or administrative actions"},
	} {
		if a, ok := in.Answers[q.id]; ok && a.Bool != nil && *a.Bool {
			out = append(out, Referral{q.id, vYes, q.zh, q.en})
		}
	}
	return out
}

func slicesSorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

// cloneInput copies what a fix may change: the answers map, the findings and
// the profile (fixes replace, never mutate, shared slices).
func cloneInput(in *Input) *Input {
	c := *in
	c.Answers = maps.Clone(in.Answers)
	if c.Answers == nil {
		c.Answers = map[string]Answer{}
	}
	return &c
}

func setAnswer(in *Input, id string, a Answer) { in.Answers[id] = a }
func setBool(in *Input, id string, v bool)     { in.Answers[id] = Answer{Bool: &v} }
func setChoice(in *Input, id, v string)        { in.Answers[id] = Answer{Choice: v} }
func setNumber(in *Input, id string, v float64) {
	in.Answers[id] = Answer{Number: &v}
}
func itoa(n int) string { return strconv.Itoa(n) }

// answerSources holds "answers.<id>" for every question, built once: sources
// are read on every rule, and concatenating them was a tenth of the run time.
var answerSources = func() map[string]string {
	m := make(map[string]string, len(questions))
	for id := range questions {
		m[id] = "answers." + id
	}
	return m
}()

func asrc(id string) string {
	if s, ok := answerSources[id]; ok {
		return s
	}
	return "answers." + id
}
