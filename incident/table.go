package incident

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// The grading rule tables: one JSON file per legal text under rules/,
// embedded and checked at start-up (a bad table panics at init).

//go:embed rules/*.json
var rulesFS embed.FS

// ChinaTime is the zone of dates in the legal texts (UTC+8, no DST).
var ChinaTime = time.FixedZone("CST", 8*60*60)

// Source says where a threshold's value comes from.
type Source string

const (
	// SourceFinal: read in the final text (or a faithful reprint of it).
	SourceFinal Source = "final"
	// SourceDraft: the 2023 consultation draft's value. In a final table it
	// means the value was carried over because the final text could not be
	// read: it must be checked.
	SourceDraft Source = "draft"
	// SourceInferred: Anbao's extrapolation; no text states it.
	SourceInferred Source = "inferred"
)

// Date is a calendar date in China time, written "2006-01-02" in JSON
// ("" for none).
type Date struct{ time.Time }

// UnmarshalJSON reads "2006-01-02" or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		d.Time = time.Time{}
		return nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, ChinaTime)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// MarshalJSON writes "2006-01-02" or "".
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(d.In(ChinaTime).Format(time.DateOnly))
}

// String is "2006-01-02" or "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.In(ChinaTime).Format(time.DateOnly)
}

// Threshold is one grade's bar on one indicator: the fact reaches the grade
// when it is ≥ Value ("以上" includes the number itself) and, if Scope is
// set, the site or region matches one of its entries.
//
// Scope entries are "kind:level": kind is gov_portal, news_site, platform
// (matched against Facts.SiteKind) or region (Facts.PopulationRegionLevel);
// level is the lowest level that qualifies, or "any".
type Threshold struct {
	Grade  Grade    `json:"grade"`
	Value  int64    `json:"value"`
	Scope  []string `json:"scope,omitempty"`
	Source Source   `json:"source"`
	Note   string   `json:"note,omitempty"`

	scope          []scopeEntry
	textZH, textEN string // "省级以上党政机关门户网站，24小时以上"; set by validate
}

type scopeEntry struct {
	kind string
	rank int
}

// Indicator is one of the annex's criteria: a fact and its thresholds from
// the highest grade down. Thresholds may skip grades.
type Indicator struct {
	ID          string      `json:"id"`
	Fact        string      `json:"fact"`
	Unit        string      `json:"unit"`
	NameZH      string      `json:"name_zh"`
	NameEN      string      `json:"name_en"`
	RequiresCII bool        `json:"requires_cii,omitempty"`
	Note        string      `json:"note,omitempty"`
	Thresholds  []Threshold `json:"thresholds"`

	get func(*Facts) int64
}

// Table is the grading rule table of one version of the legal text.
type Table struct {
	Version    string      `json:"version"`
	TitleZH    string      `json:"title_zh"`
	TitleEN    string      `json:"title_en"`
	Published  Date        `json:"published"`
	Effective  Date        `json:"effective"` // zero for a draft
	Draft      bool        `json:"draft"`
	Source     string      `json:"source"`
	Notes      string      `json:"notes,omitempty"`
	Indicators []Indicator `json:"indicators"`
}

var (
	tables    []*Table // by publication date
	tableByID map[string]*Table
)

func init() {
	files, err := rulesFS.ReadDir("rules")
	if err != nil {
		panic("incident: " + err.Error())
	}
	tableByID = make(map[string]*Table)
	for _, f := range files {
		name := "rules/" + f.Name()
		b, err := rulesFS.ReadFile(name)
		if err != nil {
			panic("incident: " + err.Error())
		}
		t, err := ParseTable(b)
		if err != nil {
			panic("incident: embedded " + name + ": " + err.Error())
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); t.Version != want {
			panic("incident: embedded " + name + ": version " + t.Version + " does not match the file name")
		}
		if tableByID[t.Version] != nil {
			panic("incident: duplicate table version " + t.Version)
		}
		tables = append(tables, t)
		tableByID[t.Version] = t
	}
	slices.SortStableFunc(tables, func(a, b *Table) int { return a.Published.Compare(b.Published.Time) })
}

// Tables returns every embedded table, oldest publication first. The tables
// are shared: do not modify them.
func Tables() []*Table { return slices.Clone(tables) }

// LookupTable returns the table of a version ("2025-09", "2023-12-draft").
// (It is not called Table: that name is the type.)
func LookupTable(version string) (*Table, bool) {
	t, ok := tableByID[version]
	return t, ok
}

// Current returns the table in force at a moment: the non-draft table with
// the latest effective date not after at. Before the first one took effect
// (2025-11-01 00:00 China time) there is none, and ok is false.
func Current(at time.Time) (*Table, bool) {
	var best *Table
	for _, t := range tables {
		if t.Draft || t.Effective.IsZero() || at.Before(t.Effective.Time) {
			continue
		}
		if best == nil || t.Effective.After(best.Effective.Time) {
			best = t
		}
	}
	return best, best != nil
}

// ParseTable decodes and checks a rule table (unknown JSON fields are
// errors). The checks: version, titles and source present; a final table
// has an effective date; every indicator has a unique id, a known fact whose
// unit it repeats, names, and one to three thresholds with known grades
// strictly descending; values positive and within the fact's bounds;
// qualitative thresholds (seriousness, spread) equal to their grade's rank;
// scopes well formed and only on facts that take them; and monotonic
// thresholds: from one grade to the next lower the value does not rise, the
// scope does not narrow, and at least one of them is strictly looser, so a
// fact that reaches a grade reaches every lower one. Problems come back as
// Errors with code incident.table_invalid.
func ParseTable(b []byte) (*Table, error) {
	var t Table
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, Errors{ferr("", CodeTableInvalid, err.Error())}
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

func (t *Table) validate() error {
	var errs Errors
	bad := func(field, msg string, args ...any) {
		errs = append(errs, ferr(field, CodeTableInvalid, append([]any{msg}, args...)...))
	}
	if t.Version == "" {
		bad("version", "missing")
	}
	if t.TitleZH == "" || t.TitleEN == "" {
		bad("title", "missing")
	}
	if t.Source == "" {
		bad("source", "missing")
	}
	if t.Published.IsZero() {
		bad("published", "missing")
	}
	if !t.Draft && t.Effective.IsZero() {
		bad("effective", "a table in force needs an effective date")
	}
	if len(t.Indicators) == 0 {
		bad("indicators", "none")
	}
	ids := map[string]bool{}
	for i := range t.Indicators {
		ind := &t.Indicators[i]
		p := fmt.Sprintf("indicators[%d]", i)
		if ind.ID == "" || ids[ind.ID] {
			bad(p+".id", "missing or duplicate", ind.ID)
		}
		ids[ind.ID] = true
		if ind.NameZH == "" || ind.NameEN == "" {
			bad(p, "name missing")
		}
		def, ok := facts[ind.Fact]
		if !ok {
			bad(p+".fact", "unknown fact", ind.Fact)
			continue
		}
		ind.get = def.get
		if ind.Unit != def.unit {
			bad(p+".unit", "unit does not match the fact", ind.Unit, def.unit)
		}
		if n := len(ind.Thresholds); n == 0 || n > 3 {
			bad(p+".thresholds", "need one to three", n)
		}
		for j := range ind.Thresholds {
			th := &ind.Thresholds[j]
			q := fmt.Sprintf("%s.thresholds[%d]", p, j)
			if r := th.Grade.Rank(); r < 1 {
				bad(q+".grade", "must be relatively_major, major or particularly_major", string(th.Grade))
			} else if j > 0 && r >= ind.Thresholds[j-1].Grade.Rank() {
				bad(q+".grade", "grades must descend", string(th.Grade))
			}
			if th.Value <= 0 || th.Value > def.max {
				bad(q+".value", "out of range", th.Value, def.max)
			}
			if (def.unit == UnitSeriousness || def.unit == UnitSpread) && th.Value != int64(th.Grade.Rank()) {
				bad(q+".value", "a qualitative threshold equals its grade's rank", th.Value)
			}
			switch th.Source {
			case SourceFinal, SourceDraft, SourceInferred:
				if t.Draft && th.Source == SourceFinal {
					bad(q+".source", "a draft table has no final values")
				}
			default:
				bad(q+".source", "unknown", string(th.Source))
			}
			th.scope = nil
			for k, s := range th.Scope {
				e, ok := parseScope(s, def.scope)
				if !ok {
					bad(fmt.Sprintf("%s.scope[%d]", q, k), "bad scope entry", s)
					continue
				}
				th.scope = append(th.scope, e)
			}
			th.textZH, th.textEN = thresholdZH(def.unit, th.Value), thresholdEN(def.unit, th.Value)
			if len(th.Scope) > 0 {
				th.textZH = scopeZH(th.Scope) + "，" + th.textZH
				th.textEN = scopeEN(th.Scope) + ", " + th.textEN
			}
			if j == 0 {
				continue
			}
			hi := &ind.Thresholds[j-1]
			down := implies(hi.scope, th.scope)
			if hi.Value < th.Value || !down {
				bad(q, "a lower grade must not be harder to reach", hi.Value, th.Value)
			} else if hi.Value == th.Value && implies(th.scope, hi.scope) {
				bad(q, "thresholds must be strictly decreasing (or the scope strictly wider)", th.Value)
			}
		}
	}
	return errs.orNil()
}

// parseScope reads "kind:level" for a fact whose scope kind is factScope
// ("site" or "region").
func parseScope(s, factScope string) (scopeEntry, bool) {
	kind, level, ok := strings.Cut(s, ":")
	if !ok {
		return scopeEntry{}, false
	}
	switch {
	case factScope == "site" && (kind == string(SiteGovPortal) || kind == string(SiteNewsSite) || kind == string(SitePlatform)):
	case factScope == scopeRegion && kind == scopeRegion:
	default:
		return scopeEntry{}, false
	}
	if level == "any" {
		return scopeEntry{kind, 0}, true
	}
	if !slices.Contains(levelsFor(kind), Level(level)) {
		return scopeEntry{}, false
	}
	return scopeEntry{kind, Level(level).rank()}, true
}

// implies reports whether every fact within scope a is within scope b. An
// empty scope is everything.
func implies(a, b []scopeEntry) bool {
	if len(b) == 0 {
		return true
	}
	if len(a) == 0 {
		return false
	}
	for _, ea := range a {
		if !slices.ContainsFunc(b, func(eb scopeEntry) bool { return eb.kind == ea.kind && eb.rank <= ea.rank }) {
			return false
		}
	}
	return true
}

// inScope reports whether the facts' site or region is within a threshold's
// scope. A level that does not fit the kind (a "province" platform) ranks 0.
func inScope(scope []scopeEntry, f *Facts) bool {
	if len(scope) == 0 {
		return true
	}
	for _, e := range scope {
		var kind string
		var level Level
		if e.kind == scopeRegion {
			kind, level = scopeRegion, f.PopulationRegionLevel
			if level == "" {
				continue
			}
		} else {
			kind, level = string(f.SiteKind), f.SiteLevel
			if kind != e.kind {
				continue
			}
		}
		r := 0
		if slices.Contains(levelsFor(kind), level) {
			r = level.rank()
		}
		if r >= e.rank {
			return true
		}
	}
	return false
}
