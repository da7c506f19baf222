package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/anbao/anbao"
)

// ScoreRecord is one computed Anbao score of an enterprise, kept with the
// input snapshot and methodology version it was computed from, so that it can
// be recomputed and checked at any time. Factors and Result are the engine's
// output as computed (package assess), stored verbatim.
type ScoreRecord struct {
	ID           int64           `json:"id"`
	EnterpriseID int64           `json:"enterprise_id"`
	Methodology  string          `json:"methodology"`
	Overall      float64         `json:"overall"`
	Grade        string          `json:"grade"`
	Factors      json.RawMessage `json:"factors"`
	Result       json.RawMessage `json:"result,omitempty"`
	Input        json.RawMessage `json:"input,omitempty"`
	InputSHA256  string          `json:"input_sha256"`
	Reason       string          `json:"reason"` // first, inputs, methodology
	ComputedAt   string          `json:"computed_at"`
	ComputedBy   string          `json:"computed_by,omitempty"`
}

// Score reasons: why a new score was computed.
const (
	ScoreFirst       = "first"       // the enterprise had no score
	ScoreInputs      = "inputs"      // answers, findings or profile changed
	ScoreMethodology = "methodology" // a new methodology version was published
)

const scoreColumns = `id, enterprise_id, methodology, overall, grade, factors, result, input, input_sha256, reason, computed_at, computed_by`

func scanScore(sc interface{ Scan(...any) error }, full bool) (*ScoreRecord, error) {
	var r ScoreRecord
	var factors, result, input string
	if err := sc.Scan(&r.ID, &r.EnterpriseID, &r.Methodology, &r.Overall, &r.Grade, &factors, &result, &input,
		&r.InputSHA256, &r.Reason, &r.ComputedAt, &r.ComputedBy); err != nil {
		return nil, err
	}
	r.Factors = json.RawMessage(factors)
	if full {
		r.Result, r.Input = json.RawMessage(result), json.RawMessage(input)
	}
	return &r, nil
}

// LatestScore returns enterprise id's latest score with its explanation and
// input, or nil when it has none. The explanation is recomputed from the
// input (see withExplanation).
func (s *Store) LatestScore(ctx context.Context, enterpriseID int64) (*ScoreRecord, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	r, err := s.latestScore(ctx, enterpriseID)
	if r == nil || err != nil {
		return nil, err
	}
	return r, withExplanation(r)
}

// latestScore reads enterprise id's latest score, without its explanation
// and without checking access; nil when it has none.
func (s *Store) latestScore(ctx context.Context, enterpriseID int64) (*ScoreRecord, error) {
	r, err := scanScore(s.read.QueryRowContext(ctx, `SELECT `+scoreColumns+` FROM scores
		WHERE id = (SELECT score_id FROM latest_scores WHERE enterprise_id = $1)`, enterpriseID), true)
	if isNoRows(err) {
		return nil, nil
	}
	return r, err
}

// GetScore returns one score of enterprise id, whole.
func (s *Store) GetScore(ctx context.Context, enterpriseID, id int64) (*ScoreRecord, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	r, err := scanScore(s.read.QueryRowContext(ctx, `SELECT `+scoreColumns+` FROM scores
		WHERE id = $1 AND enterprise_id = $2`, id, enterpriseID), true)
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("score")
	}
	if err != nil {
		return nil, err
	}
	return r, withExplanation(r)
}

// ScoreHistory lists enterprise id's scores, newest first, without their
// explanations and inputs.
func (s *Store) ScoreHistory(ctx context.Context, enterpriseID int64, pg anbao.Page) (*ItemList[*ScoreRecord], error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	pg = pg.Normalize()
	out := &ItemList[*ScoreRecord]{Items: []*ScoreRecord{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM scores WHERE enterprise_id = $1", enterpriseID).Scan(&out.Total); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+strings.Replace(scoreColumns, "result, input,", "'', '',", 1)+`
		FROM scores WHERE enterprise_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, enterpriseID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanScore(rows, false)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, r)
	}
	return out, rows.Err()
}

// SaveScores stores computed scores and makes each its enterprise's latest,
// in one transaction. Only the platform or the operator's admin stores scores
// this way; everyone else's scores come from CurrentScore.
func (s *Store) SaveScores(ctx context.Context, recs []*ScoreRecord) error {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		if err := anbao.Authorize(p, anbao.ActScoreRecompute); err != nil {
			return err
		}
	}
	return s.inTx(ctx, func(t *tx) error { return t.saveScores(recs, p) })
}

// saveScores inserts recs and audits them: one entry per score, or one for a
// recomputation of many.
func (t *tx) saveScores(recs []*ScoreRecord, p *anbao.Principal) error {
	if err := t.insertScores(recs, p); err != nil {
		return err
	}
	// A recomputation of many enterprises is one act of the operator: one
	// audit entry for it, naming the methodology and the number of scores.
	if len(recs) > 1 {
		first, last := recs[0], recs[len(recs)-1]
		return t.audit(auditChange{"score.recompute", "score", fmt.Sprintf("%d-%d", first.ID, last.ID), 0, nil,
			map[string]any{"methodology": first.Methodology, "scores": len(recs), "reason": first.Reason}})
	}
	for _, r := range recs {
		summary := map[string]any{"methodology": r.Methodology, "overall": r.Overall, "grade": r.Grade,
			"input_sha256": r.InputSHA256, "reason": r.Reason}
		if err := t.audit(auditChange{"score.compute", "score", r.ID, r.EnterpriseID, nil, summary}); err != nil {
			return err
		}
	}
	return nil
}

// insertScores inserts recs in batches (a re-scoring of every enterprise is a
// few thousand rows) and makes each enterprise's last one its latest.
func (t *tx) insertScores(recs []*ScoreRecord, p *anbao.Principal) error {
	const batch = 80 // 880 parameters: see insertRows
	now := t.s.now()
	for start := 0; start < len(recs); start += batch {
		part := recs[start:min(start+batch, len(recs))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO scores (enterprise_id, methodology, overall, grade, factors, result, input, input_sha256, reason, computed_at, computed_by) VALUES `)
		args := make([]any, 0, len(part)*11)
		for i, r := range part {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(" + placeholders(len(args)+1, 11) + ")")
			if r.ComputedAt == "" {
				r.ComputedAt = now
			}
			if r.ComputedBy == "" {
				r.ComputedBy = p.Username
			}
			args = append(args, r.EnterpriseID, r.Methodology, r.Overall, r.Grade, string(r.Factors), string(r.Result),
				string(r.Input), r.InputSHA256, r.Reason, r.ComputedAt, r.ComputedBy)
		}
		sb.WriteString(" RETURNING id")
		rows, err := t.QueryContext(t.ctx, sb.String(), args...)
		if err != nil {
			return err
		}
		i := 0
		for rows.Next() {
			if err := rows.Scan(&part[i].ID); err != nil {
				rows.Close()
				return err
			}
			i++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sb.Reset()
		sb.WriteString(`INSERT INTO latest_scores (enterprise_id, score_id, methodology, overall, grade, computed_at) VALUES `)
		args = args[:0]
		// One row per enterprise: PostgreSQL refuses to upsert a row twice in one statement.
		last := map[int64]*ScoreRecord{}
		for _, r := range part {
			last[r.EnterpriseID] = r
		}
		var latest []*ScoreRecord
		for _, r := range part {
			if last[r.EnterpriseID] == r {
				latest = append(latest, r)
			}
		}
		for i, r := range latest {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(" + placeholders(len(args)+1, 6) + ")")
			args = append(args, r.EnterpriseID, r.ID, r.Methodology, r.Overall, r.Grade, r.ComputedAt)
		}
		sb.WriteString(` ON CONFLICT (enterprise_id) DO UPDATE SET score_id = excluded.score_id, methodology = excluded.methodology,
			overall = excluded.overall, grade = excluded.grade, computed_at = excluded.computed_at`)
		if _, err := t.ExecContext(t.ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
