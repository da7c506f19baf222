package server

import (
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/quant/modelfile"
)

// Model-file problems in the caller's language. modelfile and the engine
// report each problem with a stable code, its arguments and an English
// message; the catalogue has a message per code (errors.quant.<code>) and per
// variant of a code whose messages differ (errors.quant.<code>_<variant>).
// A problem no entry fits keeps its English message, so a new engine message
// is never lost, only untranslated until a key is added.

// modelProblems carries the problems of a model behind an application
// error; errorBody lists them in the response.
type modelProblems struct {
	field    string // the request input holding the model
	problems []modelfile.Problem
}

func (m *modelProblems) Error() string { return (&modelfile.Error{Problems: m.problems}).Error() }

// modelError is the invalid-input error of a model with these problems.
func modelError(field string, problems []modelfile.Problem) error {
	f := field
	if p := problems[0].Path; p != "" {
		f += "." + p
	}
	return &anbao.Error{Code: anbao.EINVALID, Key: "errors.quant.model_invalid", Field: f,
		Err: &modelProblems{field: field, problems: problems}}
}

// localize returns the summary message and every problem in lang.
func (m *modelProblems) localize(lang string) (string, []ErrorProblem) {
	out := make([]ErrorProblem, len(m.problems))
	for i, p := range m.problems {
		out[i] = ErrorProblem{Line: p.Line, Column: p.Column, Path: p.Path, Code: p.Code, Message: problemMessage(lang, p)}
	}
	first := problemText(lang, m.problems[0])
	if n := len(m.problems) - 1; n > 0 {
		return i18n.T(lang, "errors.quant.model_invalid_more", first, n), out
	}
	return i18n.T(lang, "errors.quant.model_invalid", first), out
}

// problemText is a problem with its place: "第 3 行第 5 列（scenarios[0].frequency）：…".
func problemText(lang string, p modelfile.Problem) string {
	msg := problemMessage(lang, p)
	if p.Path != "" {
		msg = i18n.T(lang, "errors.quant.at_path", p.Path, msg)
	}
	switch {
	case p.Line > 0 && p.Column > 0:
		return i18n.T(lang, "errors.quant.at_line_col", p.Line, p.Column, msg)
	case p.Line > 0:
		return i18n.T(lang, "errors.quant.at_line", p.Line, msg)
	}
	return msg
}

// quantProblemVariants picks the catalogue key of a problem: the first entry
// with its code and number of arguments whose English message contains has.
var quantProblemVariants = []struct {
	code string
	args int
	has  string
	key  string
}{
	{"syntax", 1, "", "errors.quant.syntax"},
	{"syntax", 0, "empty", "errors.quant.syntax_empty"},
	{"syntax", 0, "one YAML document", "errors.quant.syntax_documents"},
	{"unknown_key", 2, "did you mean", "errors.quant.unknown_key_suggest"},
	{"unknown_key", 1, "unknown key", "errors.quant.unknown_key"},
	{"unknown_key", 1, "merge keys", "errors.quant.unknown_key_merge"},
	{"type", 2, "", "errors.quant.type"},
	{"duplicate_key", 2, "", "errors.quant.duplicate_key"},
	{"number", 1, "not a number", "errors.quant.number"},
	{"number", 1, "NaN", "errors.quant.number_nan"},
	{"number", 1, "out of range", "errors.quant.number_range"},
	{"too_large", 2, "the file has", "errors.quant.too_large_file"},
	{"too_large", 2, "must not exceed", "errors.quant.too_large"},
	{"too_large", 2, "event frequency", "errors.quant.too_large_rate"},
	{"too_large", 1, "mean of this distribution", "errors.quant.too_large_mean"},
	{"too_large", 1, "truncated", "errors.quant.too_large_truncated"},
	{"bad_id", 2, "", "errors.quant.bad_id"},
	{"bad_id", 1, "currency", "errors.quant.bad_id_currency"},
	{"semantics", 1, "", "errors.quant.semantics"},
	{"no_scenarios", 0, "", "errors.quant.no_scenarios"},
	{"too_many", 1, "scenarios", "errors.quant.too_many_scenarios"},
	{"too_many", 1, "", "errors.quant.too_many"},
	{"duplicate_id", 1, "", "errors.quant.duplicate_id"},
	{"duplicate_id", 2, "pair", "errors.quant.duplicate_id_pair"},
	{"unknown_id", 1, "itself", "errors.quant.unknown_id_self"},
	{"unknown_id", 1, "", "errors.quant.unknown_id"},
	{"rho", 0, "", "errors.quant.rho"},
	{"not_positive_definite", 0, "", "errors.quant.not_positive_definite"},
	{"required", 2, "distribution needs", "errors.quant.required"},
	{"required", 1, "a scenario needs", "errors.quant.required_scenario"},
	{"required", 1, "a distribution needs", "errors.quant.required_dist"},
	{"required", 0, "needs an id", "errors.quant.required_id"},
	{"required", 0, "both low and high", "errors.quant.required_range"},
	{"conflict", 2, "", "errors.quant.conflict"},
	{"conflict", 0, "lognormal", "errors.quant.conflict_lognormal"},
	{"not_finite", 1, "", "errors.quant.not_finite"},
	{"unused", 2, "", "errors.quant.unused"},
	{"order", 2, "greater", "errors.quant.order"},
	{"order", 3, "between", "errors.quant.order_between"},
	{"order", 0, "pyfair", "errors.quant.order_pyfair"},
	{"positive", 1, "", "errors.quant.positive"},
	{"non_negative", 1, "", "errors.quant.non_negative"},
	{"probability", 1, "", "errors.quant.probability"},
	{"probability", 2, "", "errors.quant.probability_range"},
	{"variant", 1, "", "errors.quant.variant"},
	{"frequency_domain", 1, "", "errors.quant.frequency_domain"},
	{"magnitude_domain", 1, "", "errors.quant.magnitude_domain"},
	{"unknown_kind", 1, "", "errors.quant.unknown_kind"},
}

// problemMessage is a problem's message in lang, without its place.
func problemMessage(lang string, p modelfile.Problem) string {
	for _, v := range quantProblemVariants {
		if v.code != p.Code || v.args != len(p.Args) || !strings.Contains(p.Message, v.has) || !i18n.Has(lang, v.key) {
			continue
		}
		args := make([]any, len(p.Args))
		for i, a := range p.Args {
			args[i] = a
			if s, ok := a.(string); ok && p.Code == "type" {
				args[i] = typePhrase(lang, s)
			}
		}
		return i18n.T(lang, v.key, args...)
	}
	return p.Message
}

// typePhrases translate the "expected …, found …" phrases of modelfile.
var typePhrases = map[string]string{
	"a key name": "键名", "a string": "字符串", "true or false": "true 或 false", "a number": "数字",
	"a mapping": "映射（键: 值）", "a list": "列表", "nothing (null)": "空值（null）", "something else": "其他内容",
	"a list of scenarios": "情景列表",
	"a scenario (a mapping with id:, frequency:, magnitude: …)": "情景（含 id:、frequency:、magnitude: 等键的映射）",
}

var typePrefixes = [][2]string{
	{"the string ", "字符串 "}, {"the number ", "数字 "}, {"the boolean ", "布尔值 "},
	{"a number or a distribution such as ", "数字或分布，例如 "},
	{"a list of correlations such as ", "相关系数列表，例如 "},
	{"a correlation such as ", "相关系数，例如 "},
}

func typePhrase(lang, s string) string {
	if lang == "en" {
		return s
	}
	if t, ok := typePhrases[s]; ok {
		return t
	}
	for _, p := range typePrefixes {
		if rest, ok := strings.CutPrefix(s, p[0]); ok {
			return p[1] + rest
		}
	}
	return s
}
