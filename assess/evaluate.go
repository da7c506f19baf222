package assess

// The evaluation of the rules that need more than a value lookup, and of
// the findings.

import (
	"fmt"
	"slices"
	"strconv"
)

// skipIfNoBackups scores d only when backups exist or their frequency is not
// known; with none, br.backup_frequency carries the points.
func skipIfNoBackups(d *ruleDef) *ruleDef {
	inner := d.eval
	d.eval = func(s *scorer, r *Rule) {
		if v, _ := s.choiceQ("backup_frequency"); v == "none" {
			return
		}
		inner(s, r)
	}
	return d
}

// choiceRuleIf is a choiceRule scored only when applies holds.
func choiceRuleIf(r Rule, fix string, applies func(*scorer) bool) *ruleDef {
	d := choiceRule(r, fix)
	inner := d.eval
	d.eval = func(s *scorer, r *Rule) {
		if applies(s) {
			inner(s, r)
		}
	}
	return d
}

func evalEOL(s *scorer, r *Rule) {
	v, src := s.choiceQ(r.Input)
	if (v == "" || v == "none") && s.in.Profile.EOLSoftware > 0 {
		v, src = "present", "profile.eol_software"
	}
	fixTo, effort := "segregated", EffortWeeks
	if v == "segregated" {
		fixTo, effort = "none", EffortMajor
	}
	if v == "" {
		fixTo = "none"
	}
	s.effort = effort
	s.valueHit(r, v != "", v, src, func(in *Input) {
		setChoice(in, r.Input, fixTo)
		if fixTo == "none" {
			in.Profile.EOLSoftware = 0
		}
	})
	s.effort = 0
}

func evalFundsTransfer(s *scorer, r *Rule) {
	a, ok := s.in.Answers[r.Input]
	if !ok || (a.Choices == nil && !a.empty()) {
		s.hit(r, asrc(r.Input), vUnknown, r.Unknown, true, "", func(in *Input) {
			setAnswer(in, r.Input, Answer{Choices: slices.Clone(ftcAll)})
		})
		return
	}
	for _, c := range ftcAll {
		if slices.Contains(a.Choices, c) {
			continue
		}
		s.hit(r, asrc(r.Input)+":"+c, c, r.points(c), false, "", func(in *Input) {
			b := in.Answers[r.Input]
			b.Choices = append(slices.Clone(b.Choices), c)
			in.Answers[r.Input] = b
		})
	}
}

// mlpsLevel is the highest MLPS level (0 = none, -1 = not known) and its source.
func (s *scorer) mlpsLevel() (int, string) {
	v, src := s.choiceQ("mlps_level_max")
	switch v {
	case "":
		return -1, src
	case "none":
		return 0, src
	}
	return atoi(v), src
}

func evalMLPSLevel(s *scorer, r *Rule) {
	lvl, src := s.mlpsLevel()
	v := strconv.Itoa(lvl)
	switch lvl {
	case -1:
		v = ""
	case 0:
		v = "none"
	}
	s.valueHit(r, lvl >= 0, v, src, func(in *Input) { fileMLPS(in, s.cii()) })
}

// fileMLPS is the fix "grade, file and evaluate": level 2 (3 for CII),
// evaluated, passed.
func fileMLPS(in *Input, cii bool) {
	lvl := "2"
	if cii {
		lvl = "3"
	}
	setChoice(in, "mlps_level_max", lvl)
	setBool(in, "mlps_evaluated", true)
	setChoice(in, "mlps_evaluation_result", "pass")
}

func (s *scorer) mlpsEvaluated() (v, known bool, src string) {
	if a, ok := s.in.Answers["mlps_evaluated"]; ok && a.Bool != nil {
		return *a.Bool, true, "answers.mlps_evaluated"
	}
	if sys := s.topSystem(); sys != nil {
		return sys.LastEvaluation != "", true, "profile.mlps"
	}
	return false, false, "answers.mlps_evaluated"
}

// topSystem is the profile's highest-level MLPS system, or nil.
func (s *scorer) topSystem() *MLPSSystem {
	var top *MLPSSystem
	for i := range s.in.Profile.MLPS {
		if sys := &s.in.Profile.MLPS[i]; top == nil || sys.Level > top.Level {
			top = sys
		}
	}
	return top
}

func evalMLPSEvaluated(s *scorer, r *Rule) {
	lvl, _ := s.mlpsLevel()
	if lvl < 2 {
		return
	}
	v, known, src := s.mlpsEvaluated()
	val, pts := "", 0
	if !v {
		val, pts = "no_level2", 8
		if lvl >= 3 {
			val, pts = "no_level3plus", 15
		}
	}
	fix := func(in *Input) {
		setBool(in, "mlps_evaluated", true)
		setChoice(in, "mlps_evaluation_result", "pass")
	}
	if !known {
		s.hit(r, src, vUnknown, r.Unknown, true, "", fix)
		return
	}
	if pts > 0 {
		s.hit(r, src, val, pts, false, "", fix)
	}
}

func evalMLPSStale(s *scorer, r *Rule) {
	if s.in.AsOf == "" {
		return
	}
	today := dayNumber(s.in.AsOf)
	val, pts := "", 0
	for _, sys := range s.in.Profile.MLPS {
		if sys.LastEvaluation == "" {
			continue
		}
		age := today - dayNumber(sys.LastEvaluation)
		switch {
		case sys.Level >= 3 && age > 365 && pts < 8:
			val, pts = "level3plus_over_365d", 8
		case sys.Level == 2 && age > 730 && pts < 4:
			val, pts = "level2_over_730d", 4
		}
	}
	if pts == 0 {
		return
	}
	asOf := s.in.AsOf
	s.hit(r, "profile.mlps", val, pts, false, "", func(in *Input) {
		in.Profile.MLPS = slices.Clone(in.Profile.MLPS)
		for i := range in.Profile.MLPS {
			if in.Profile.MLPS[i].LastEvaluation != "" {
				in.Profile.MLPS[i].LastEvaluation = asOf
			}
		}
	})
}

// cii reports whether the enterprise is a CII operator (answer, else profile).
func (s *scorer) cii() bool {
	v, _, _ := s.boolQ("cii_operator")
	return v
}

func evalCIILevel(s *scorer, r *Rule) {
	if !s.cii() {
		return
	}
	lvl, src := s.mlpsLevel()
	if lvl < 0 || lvl >= 3 {
		return
	}
	s.hit(r, src, "cii_below_level3", 10, false, "", func(in *Input) { fileMLPS(in, true) })
}

func evalCrossBorder(s *scorer, r *Rule) {
	if v, _, _ := s.boolQ("cross_border_data"); !v {
		return
	}
	v, src := s.choiceQ(r.Input)
	s.valueHit(r, v != "", v, src, func(in *Input) { setChoice(in, r.Input, "standard_contract") })
}

func evalDSO(s *scorer, r *Rule) {
	v, known, src := s.boolQ(r.Input)
	if known && v {
		return
	}
	imp, _, _ := s.boolQ("important_data")
	sens, _, _ := s.boolQ("sensitive_pi")
	band, _ := s.choiceQ("pi_records_band")
	val, pts := vNo, 5
	if imp || sens || band == "1m_10m" || band == "ge10m" {
		val, pts = "no_high_holdings", 15
	}
	fix := func(in *Input) { setBool(in, r.Input, true) }
	if !known {
		s.hit(r, src, vUnknown, (pts+1)/2, true, "", fix)
		return
	}
	s.hit(r, src, val, pts, false, "", fix)
}

// findingRule scores the counted findings that fall in factor.
func findingRule(factor, id, types, control string) *ruleDef {
	gate, gateOn := "D", []string{"kev+internet_facing, status not disputed"}
	if factor == FactorThirdParty {
		gate, gateOn = "", nil
	}
	return &ruleDef{Rule: Rule{ID: id, Factor: factor, Input: "findings",
		Effort: EffortDays, Control: control, Gate: gate, GateOn: gateOn,
		Evidence: "severity bands as CVSS v3.1; KEV = evidence of exploitation, not replaced by EPSS (FIRST [S123]); one unresolved critical CVE +33% claims (Coalition [S10]); " +
			"resolution statuses after Coalition Control [S3][S4]",
		Judgement: "points per severity and the additions",
		ReasonZH:  "评估发现未解决", ReasonEN: "An unresolved assessment finding",
		RemedyZH: "修复该发现并申请服务机构复核", RemedyEN: "Fix the finding and ask the provider to verify",
		Applies: "findings of type " + types + " with status open, fixed_pending_verification, accepted_risk or disputed" +
			" (third_party findings count in third_party at a share of their points)"},
		eval: func(s *scorer, r *Rule) { s.findings(r) }}
}

// counted reports whether a finding status still counts against the score:
// a fix counts until the provider verifies it; accepted risk is still risk;
// a dispute counts until reviewed (but fails no gate).
func counted(status string) bool {
	switch status {
	case "open", "fixed_pending_verification", "accepted_risk", "disputed", "third_party":
		return true
	}
	return false
}

// severityOf is a finding's severity, from CVSS v3.1 bands when not given.
func severityOf(f *Finding) string {
	if f.Severity != "" {
		return f.Severity
	}
	switch c := f.CVSS; {
	case c >= 9:
		return "critical"
	case c >= 7:
		return "high"
	case c >= 4:
		return "medium"
	case c > 0:
		return "low"
	}
	return "info"
}

// findingFactor is the factor a counted finding falls in.
func findingFactor(f *Finding) string {
	if f.Status == "third_party" {
		return FactorThirdParty
	}
	switch f.Type {
	case "vulnerability":
		return FactorPatching
	case "exposure":
		return FactorExposure
	case "misconfiguration":
		if f.InternetFacing {
			return FactorExposure
		}
		return FactorEndpoint
	}
	return FactorGovernance
}

// findingPoints is the points one counted finding loses, and the parts.
func (m *Methodology) findingPoints(f *Finding) (int, string) {
	fp := &m.Findings
	sev := severityOf(f)
	pts := fp.Severity[sev]
	parts := sev
	if f.KEV {
		pts += fp.KEV
		parts += "+kev"
	}
	if f.InternetFacing && slices.Index(severities, sev) <= 2 {
		pts += fp.InternetFacing
		parts += "+internet_facing"
	}
	if !f.KEV && f.EPSS >= fp.EPSSThreshold {
		pts += fp.EPSS
		parts += "+epss"
	}
	if f.Status == "third_party" {
		pts = (pts*fp.ThirdParty + 99) / 100
		parts += fmt.Sprintf("×%d%%", fp.ThirdParty)
	}
	return pts, parts
}

func (s *scorer) findings(r *Rule) {
	for i := range s.in.Findings {
		f := &s.in.Findings[i]
		if !counted(f.Status) || findingFactor(f) != r.Factor {
			continue
		}
		pts, parts := s.m.findingPoints(f)
		if pts == 0 {
			continue
		}
		gate := ""
		if f.KEV && f.InternetFacing && f.Status != "disputed" && f.Status != "third_party" {
			gate = "D"
		}
		if f.Type == "policy" || f.Status == "third_party" {
			s.effort = EffortWeeks
		}
		ctl := r.Control
		if f.Type != "vulnerability" || f.Status == "third_party" {
			ctl = ""
		}
		s.control = ctl
		s.hit(r, "findings."+f.ID, parts, pts, false, gate, func(in *Input) {
			in.Findings = slices.Clone(in.Findings)
			in.Findings[i].Status = "fixed"
		})
		s.effort, s.control = 0, ""
	}
}
