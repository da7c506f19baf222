package store

import (
	"context"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/qbank"
)

// AnswerEvidence is a file attached to an answer (its bytes come from GetAnswerEvidence).
type AnswerEvidence struct {
	ID           int64  `json:"id"`
	EnterpriseID int64  `json:"enterprise_id"`
	Question     string `json:"question"`
	Filename     string `json:"filename"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	UploadedBy   string `json:"uploaded_by"`
	CreatedAt    string `json:"created_at"`
}

// AddAnswerEvidence attaches a file to the answer to question (the
// enterprise's admins and members). The same checks as a finding's evidence:
// at most MaxEvidenceBytes, an allowed type by content, at most
// MaxEvidencePerTarget files per question.
func (s *Store) AddAnswerEvidence(ctx context.Context, enterpriseID int64, question string, up *EvidenceUpload) (*AnswerEvidence, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActQuestionnaireAnswer); err != nil {
		return nil, err
	}
	if _, ok := qbank.Latest().Question(question); !ok {
		return nil, anbao.FieldError("question", "qn.question_unknown", question, qbank.Latest().Version)
	}
	u, err := checkUpload(up)
	if err != nil {
		return nil, err
	}
	out := &AnswerEvidence{EnterpriseID: enterpriseID, Question: question, Filename: u.name, ContentType: u.ctype,
		Size: int64(len(u.data)), SHA256: u.sum, UploadedBy: p.Username, CreatedAt: s.now()}
	err = s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		var n int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM answer_evidence WHERE enterprise_id = $1 AND question = $2",
			enterpriseID, question).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEvidencePerTarget {
			return anbao.Errorf(anbao.ECONFLICT, "evidence.limit", MaxEvidencePerTarget)
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO answer_evidence (enterprise_id, question, filename, content_type, size, sha256, data, uploaded_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`, enterpriseID, question, out.Filename, out.ContentType, out.Size, out.SHA256,
			u.data, out.UploadedBy, out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"questionnaire.evidence", "answer_evidence", out.ID, enterpriseID, nil, out})
	})
	return out, err
}

// ListAnswerEvidence lists the files attached to enterprise id's answers, by question.
func (s *Store) ListAnswerEvidence(ctx context.Context, enterpriseID int64) (map[string][]*AnswerEvidence, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	out := map[string][]*AnswerEvidence{}
	err := eachRow(ctx, s.read, `SELECT id, enterprise_id, question, filename, content_type, size, sha256, uploaded_by, created_at
		FROM answer_evidence WHERE enterprise_id = $1 ORDER BY question, id`, []any{enterpriseID}, func(sc scanner) error {
		e := &AnswerEvidence{}
		if err := sc.Scan(&e.ID, &e.EnterpriseID, &e.Question, &e.Filename, &e.ContentType, &e.Size, &e.SHA256, &e.UploadedBy, &e.CreatedAt); err != nil {
			return err
		}
		out[e.Question] = append(out[e.Question], e)
		return nil
	})
	return out, err
}

// GetAnswerEvidence returns one file with its bytes.
func (s *Store) GetAnswerEvidence(ctx context.Context, enterpriseID, id int64) (*AnswerEvidence, []byte, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, nil, err
	}
	e := &AnswerEvidence{}
	var data []byte
	err := s.read.QueryRowContext(ctx, `SELECT id, enterprise_id, question, filename, content_type, size, sha256, uploaded_by, created_at, data
		FROM answer_evidence WHERE enterprise_id = $1 AND id = $2`, enterpriseID, id).Scan(&e.ID, &e.EnterpriseID, &e.Question, &e.Filename,
		&e.ContentType, &e.Size, &e.SHA256, &e.UploadedBy, &e.CreatedAt, &data)
	if isNoRows(err) {
		return nil, nil, anbao.ErrNotFound("evidence")
	}
	return e, data, err
}
