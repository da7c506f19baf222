package store

import (
	"context"
	"math"
	"slices"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// Regulators see the scores of their jurisdiction only as aggregates: by
// industry section and by size class. A group of fewer than MinCell scored
// enterprises is suppressed (its figures withheld), so that no aggregate
// reveals one enterprise's score.

// MinCell is the smallest group whose figures are shown.
const MinCell = 5

// ScoreGroup is the score distribution of one group of enterprises.
type ScoreGroup struct {
	Key         string         `json:"key"` // section letter, size class, or "all"
	Enterprises int            `json:"enterprises"`
	Scored      int            `json:"scored"`
	Suppressed  bool           `json:"suppressed,omitempty"`
	Mean        float64        `json:"mean,omitempty"`
	P10         float64        `json:"p10,omitempty"`
	Median      float64        `json:"median,omitempty"`
	P90         float64        `json:"p90,omitempty"`
	Grades      map[string]int `json:"grades,omitempty"`
}

// ScoreAggregates is what a regulator sees of the scores in its jurisdiction.
type ScoreAggregates struct {
	Jurisdiction string         `json:"jurisdiction"` // "" for the whole country
	MinCell      int            `json:"min_cell"`
	All          ScoreGroup     `json:"all"`
	ByIndustry   []ScoreGroup   `json:"by_industry"`
	BySize       []ScoreGroup   `json:"by_size"`
	Histogram    []HistogramBin `json:"histogram"`   // of the whole population, 10-point bins
	Methodology  map[string]int `json:"methodology"` // latest scores per methodology version
}

// HistogramBin counts scores in [From, To).
type HistogramBin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// AggregateScores returns the score distribution of the active enterprises in
// jurisdiction (a regulator's own; "" is the whole country for national
// bodies and the operator).
func (s *Store) AggregateScores(ctx context.Context, jurisdiction string) (*ScoreAggregates, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAssessmentAggregate); err != nil {
		return nil, err
	}
	if !p.System && p.OrgKind == anbao.KindRegulator && p.Jurisdiction != "" {
		if jurisdiction != "" && jurisdiction != p.Jurisdiction {
			return nil, anbao.Errorf(anbao.EFORBIDDEN, "agg.jurisdiction_forbidden", jurisdiction)
		}
		jurisdiction = p.Jurisdiction
	}
	if jurisdiction != "" {
		if _, ok := refdata.JurisdictionByCode(jurisdiction); !ok {
			return nil, anbao.FieldError("jurisdiction", "org.jurisdiction_unknown", jurisdiction)
		}
	}
	q := `SELECT o.industry, o.size, l.overall, l.grade, l.methodology
		FROM organisations o LEFT JOIN latest_scores l ON l.enterprise_id = o.id
		WHERE o.kind = 'enterprise' AND o.status = 'active'`
	var args []any
	if jurisdiction != "" {
		q += " AND o.jurisdiction = $1"
		args = append(args, jurisdiction)
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		section, size, grade string
		overall              float64
		scored               bool
	}
	var rs []row
	out := &ScoreAggregates{Jurisdiction: jurisdiction, MinCell: MinCell, Methodology: map[string]int{}}
	for rows.Next() {
		var r row
		var overall *float64
		var grade, method *string
		if err := rows.Scan(&r.section, &r.size, &overall, &grade, &method); err != nil {
			return nil, err
		}
		if d, ok := refdata.DivisionByCode(r.section); ok {
			r.section = d.Section
		}
		if overall != nil {
			r.overall, r.grade, r.scored = *overall, *grade, true
			out.Methodology[*method]++
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	group := func(key string, keep func(row) bool) ScoreGroup {
		g := ScoreGroup{Key: key}
		var xs []float64
		grades := map[string]int{}
		for _, r := range rs {
			if !keep(r) {
				continue
			}
			g.Enterprises++
			if r.scored {
				xs = append(xs, r.overall)
				grades[r.grade]++
			}
		}
		g.Scored = len(xs)
		if g.Scored < MinCell {
			g.Suppressed = g.Scored > 0
			return g
		}
		slices.Sort(xs)
		var sum float64
		for _, x := range xs {
			sum += x
		}
		g.Mean = round1(sum / float64(len(xs)))
		g.P10, g.Median, g.P90 = quantile(xs, 0.1), quantile(xs, 0.5), quantile(xs, 0.9)
		// A group whose enterprises all have one grade would reveal each one's grade.
		if len(grades) > 1 {
			g.Grades = grades
		}
		return g
	}
	out.All = group("all", func(row) bool { return true })
	for _, sec := range refdata.Sections() {
		g := group(sec.Code, func(r row) bool { return r.section == sec.Code })
		if g.Enterprises > 0 {
			out.ByIndustry = append(out.ByIndustry, g)
		}
	}
	for _, size := range anbao.SizeClasses {
		g := group(string(size), func(r row) bool { return r.size == string(size) })
		if g.Enterprises > 0 {
			out.BySize = append(out.BySize, g)
		}
	}
	out.ByIndustry = suppressComplement(out.ByIndustry)
	out.BySize = suppressComplement(out.BySize)
	if out.All.Scored >= MinCell {
		var xs []float64
		for _, r := range rs {
			if r.scored {
				xs = append(xs, r.overall)
			}
		}
		out.Histogram = histogram(xs)
	}
	return out, nil
}

// suppressComplement withholds further groups of a breakdown while the
// withheld ones hold between 1 and MinCell−1 scored enterprises together:
// otherwise the total minus the groups shown would give them away.
func suppressComplement(groups []ScoreGroup) []ScoreGroup {
	hidden := func() int {
		n := 0
		for _, g := range groups {
			if g.Suppressed {
				n += g.Scored
			}
		}
		return n
	}
	for h := hidden(); h > 0 && h < MinCell; h = hidden() {
		smallest := -1
		for i, g := range groups {
			if !g.Suppressed && g.Scored > 0 && (smallest < 0 || g.Scored < groups[smallest].Scored) {
				smallest = i
			}
		}
		if smallest < 0 {
			break
		}
		g := &groups[smallest]
		g.Suppressed, g.Mean, g.P10, g.Median, g.P90, g.Grades = true, 0, 0, 0, 0, nil
	}
	return groups
}

// histogram counts xs in bins of 10 points, widened until every non-empty
// bin holds at least MinCell scores, so that no bin singles out a few.
func histogram(xs []float64) []HistogramBin {
	for _, width := range []float64{10, 20, 25, 50, 100} {
		var bins []HistogramBin
		ok := true
		for from := 0.0; from < 100; from += width {
			b := HistogramBin{From: from, To: from + width}
			for _, x := range xs {
				if x >= b.From && (x < b.To || (b.To == 100 && x == 100)) {
					b.Count++
				}
			}
			if b.Count > 0 && b.Count < MinCell {
				ok = false
			}
			bins = append(bins, b)
		}
		if ok || width == 100 {
			return bins
		}
	}
	return nil
}

// quantile is the linear-interpolation quantile (type 7) of sorted xs.
func quantile(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	i := int(h)
	if i+1 >= len(xs) {
		return round1(xs[len(xs)-1])
	}
	return round1(xs[i] + (h-float64(i))*(xs[i+1]-xs[i]))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
