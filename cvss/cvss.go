// Package cvss parses and validates CVSS v3.0, v3.1 and v4.0 vector strings
// and scores them.
//
// Parse checks every metric itself, so that each fault gets a clear error
// with its position: the prefix and version, the METRIC:VALUE syntax,
// unknown metrics and values (both case-sensitive, as the specifications
// say), duplicates, missing base metrics, and for v4.0 the metric order. The
// CVSS v3.x specifications require readers to accept metrics in any order; the
// v4.0 specification (§7) says a vector "must contain metrics in the order
// shown in Table 23, every other ordering is invalid", so a v4.0 vector out of
// order is rejected and the error names the metric that came too late.
//
// Scores come from github.com/pandatix/go-cvss (MIT licence), which this
// package wraps so that the rest of Anbao does not depend on it.
package cvss

import (
	"math"
	"slices"
	"strconv"
	"strings"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// Version is a CVSS version.
type Version string

// Supported versions.
const (
	V30 Version = "3.0"
	V31 Version = "3.1"
	V40 Version = "4.0"
)

// Severity is the qualitative severity rating of a score (CVSS v3.1 §5, v4.0 §6).
type Severity string

// Severity ratings.
const (
	None     Severity = "None"     // 0.0
	Low      Severity = "Low"      // 0.1–3.9
	Medium   Severity = "Medium"   // 4.0–6.9
	High     Severity = "High"     // 7.0–8.9
	Critical Severity = "Critical" // 9.0–10.0
)

// SeverityOf rates a score. Scores are rounded to one decimal first.
func SeverityOf(score float64) Severity {
	s := round1(score)
	switch {
	case s >= 9.0:
		return Critical
	case s >= 7.0:
		return High
	case s >= 4.0:
		return Medium
	case s > 0:
		return Low
	}
	return None
}

// MaxLength bounds the length of a vector Parse accepts. A v4.0 vector with
// every metric given is under 200 bytes.
const MaxLength = 512

const maxMetrics = 32 // len(v4Metrics), the larger table

// Vector is a parsed and scored CVSS vector.
type Vector struct {
	Version Version

	// BaseScore is the base score: for v3.x the Base Score, for v4.0 the
	// CVSS-B score computed from the base metrics alone. Severity rates it.
	BaseScore float64
	Severity  Severity

	// Score takes every scoring metric given into account: for v3.x the
	// Environmental Score when an environmental metric is given, else the
	// Temporal Score when a temporal metric is given, else the Base Score;
	// for v4.0 the score FIRST's calculator shows for the whole vector.
	// Nomenclature says which: "Base", "Temporal" or "Environmental" for
	// v3.x; "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE" for v4.0.
	Score        float64
	Nomenclature string

	values [maxMetrics]string // by index in the version's metric table; "" when not given
}

// Metric is one metric of a vector.
type Metric struct {
	Abbr  string // e.g. "AV"
	Name  string // e.g. "Attack Vector"
	Value string // e.g. "N"
}

func (v Vector) defs() []metricDef {
	if v.Version == V40 {
		return v4Metrics
	}
	return v3Metrics
}

// String returns the vector in canonical form: the metrics given, in the
// order of the specification's table.
func (v Vector) String() string {
	if v.Version == "" {
		return ""
	}
	return canonical(v.Version, v.defs(), &v.values, len(v.defs()))
}

// Get returns the value of metric abbr: as given, "X" (Not Defined) for an
// optional metric not given, or "" for a metric the version does not have.
func (v Vector) Get(abbr string) string {
	idx := v3Index
	if v.Version == V40 {
		idx = v4Index
	}
	i, ok := idx[abbr]
	if !ok || v.Version == "" {
		return ""
	}
	if v.values[i] == "" {
		return "X"
	}
	return v.values[i]
}

// Metrics lists the metrics given, in canonical order.
func (v Vector) Metrics() []Metric {
	var out []Metric
	for i, d := range v.defs() {
		if v.values[i] != "" {
			out = append(out, Metric{Abbr: d.abbr, Name: d.name, Value: v.values[i]})
		}
	}
	return out
}

func canonical(ver Version, defs []metricDef, vals *[maxMetrics]string, upto int) string {
	var b strings.Builder
	b.Grow(96)
	b.WriteString("CVSS:")
	b.WriteString(string(ver))
	for i := 0; i < upto; i++ {
		if vals[i] == "" {
			continue
		}
		b.WriteByte('/')
		b.WriteString(defs[i].abbr)
		b.WriteByte(':')
		b.WriteString(vals[i])
	}
	return b.String()
}

// Parse parses, validates and scores a CVSS v3.0, v3.1 or v4.0 vector.
// Errors are *Error.
func Parse(vector string) (Vector, error) {
	if vector == "" {
		return Vector{}, vecError(CodeEmpty, "", 0, 0, "the vector is empty")
	}
	if len(vector) > MaxLength {
		return Vector{}, vecError(CodeTooLong, "", 0, MaxLength, "the vector is longer than %d bytes", MaxLength)
	}
	rest, ok := strings.CutPrefix(vector, "CVSS:")
	if !ok {
		if strings.Contains(vector, "Au:") || strings.HasPrefix(vector, "(AV:") {
			return Vector{}, vecError(CodeVersion, "", 0, 0, "this looks like a CVSS v2 vector, which is not supported; give a v3.0, v3.1 or v4.0 vector")
		}
		return Vector{}, vecError(CodePrefix, "", 0, 0, "the vector must start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/")
	}
	verText, body, hasBody := strings.Cut(rest, "/")
	ver := Version(verText)
	var defs []metricDef
	var index map[string]int
	switch ver {
	case V30, V31:
		defs, index = v3Metrics, v3Index
	case V40:
		defs, index = v4Metrics, v4Index
	default:
		return Vector{}, vecError(CodeVersion, "", 0, 5, "CVSS version %q is not supported; give a v3.0, v3.1 or v4.0 vector", verText)
	}
	v := Vector{Version: ver}
	if !hasBody || body == "" {
		return Vector{}, vecError(CodeMissing, defs[0].abbr, 0, len(vector), "the vector has no metrics")
	}
	off := len("CVSS:") + len(verText) + 1
	last := -1 // index of the furthest metric so far, for the v4.0 order
	pos := 0
	for part := range strings.SplitSeq(body, "/") {
		pos++
		at := off
		off += len(part) + 1
		if part == "" {
			return Vector{}, vecError(CodeSyntax, "", pos, at, "metric %d is empty (two slashes in a row, or a slash at the end)", pos)
		}
		name, val, ok := strings.Cut(part, ":")
		if !ok || name == "" || val == "" || strings.Contains(val, ":") {
			return Vector{}, vecError(CodeSyntax, "", pos, at, "metric %d, %q, is not of the form METRIC:VALUE", pos, part)
		}
		i, known := index[name]
		if !known {
			msg := "metric %d, %q, is not a CVSS v%s metric"
			if _, ok := index[strings.ToUpper(name)]; ok {
				msg += " (metric names are upper case)"
			}
			return Vector{}, vecError(CodeUnknownMetric, name, pos, at, msg, pos, name, verText)
		}
		d := defs[i]
		if v.values[i] != "" {
			return Vector{}, vecError(CodeDuplicate, name, pos, at, "metric %s (%s) is given twice", name, d.name)
		}
		if !slices.Contains(d.values, val) {
			return Vector{}, vecError(CodeValue, name, pos, at+len(name)+1, "%q is not a value of %s (%s); allowed: %s",
				val, name, d.name, strings.Join(d.values, ", "))
		}
		if ver == V40 && i < last {
			return Vector{}, vecError(CodeOrder, name, pos, at, "metric %s must come before %s: CVSS v4.0 requires the metric order of its specification (Table 23)",
				name, defs[last].abbr)
		}
		v.values[i] = val
		last = max(last, i)
	}
	for i, d := range defs {
		if d.mandatory && v.values[i] == "" {
			return Vector{}, vecError(CodeMissing, d.abbr, 0, len(vector), "base metric %s (%s) is missing", d.abbr, d.name)
		}
	}
	if err := v.score(); err != nil {
		return Vector{}, vecError(CodeInvalid, "", 0, 0, "the vector cannot be scored: %v", err)
	}
	return v, nil
}

// score fills the scores from the validated metrics.
func (v *Vector) score() error {
	defs := v.defs()
	full := canonical(v.Version, defs, &v.values, len(defs))
	switch v.Version {
	case V30:
		c, err := gocvss30.ParseVector(full)
		if err != nil {
			return err
		}
		v.BaseScore = c.BaseScore()
		v.Score, v.Nomenclature = v3Score(&v.values, c.BaseScore, c.TemporalScore, c.EnvironmentalScore)
	case V31:
		c, err := gocvss31.ParseVector(full)
		if err != nil {
			return err
		}
		v.BaseScore = c.BaseScore()
		v.Score, v.Nomenclature = v3Score(&v.values, c.BaseScore, c.TemporalScore, c.EnvironmentalScore)
	case V40:
		c, err := gocvss40.ParseVector(full)
		if err != nil {
			return err
		}
		v.Score, v.Nomenclature = c.Score(), c.Nomenclature()
		base, err := gocvss40.ParseVector(canonical(v.Version, defs, &v.values, v4Base))
		if err != nil {
			return err
		}
		v.BaseScore = base.Score()
	}
	v.BaseScore, v.Score = round1(v.BaseScore), round1(v.Score)
	v.Severity = SeverityOf(v.BaseScore)
	return nil
}

func v3Score(vals *[maxMetrics]string, base, temporal, env func() float64) (float64, string) {
	given := func(from, to int) bool {
		for i := from; i < to; i++ {
			if vals[i] != "" && vals[i] != "X" {
				return true
			}
		}
		return false
	}
	switch {
	case given(v3FirstEnv, len(v3Metrics)):
		return env(), "Environmental"
	case given(v3FirstTemporal, v3FirstEnv):
		return temporal(), "Temporal"
	}
	return base(), "Base"
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// FormatScore formats a score with one decimal, as CVSS scores are written.
func FormatScore(x float64) string { return strconv.FormatFloat(round1(x), 'f', 1, 64) }
