package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// Pilot batches (issue #7): the notice, its scope (industries as GB/T 4754
// section letters, subject types, product types, issuers), the application
// window and the review rubric. The operator's administrators and the
// national regulators' administrators manage batches; a local regulator may
// not (ActBatchManage and national scope). Scope, window and rubric change
// only while the batch is a draft; the status moves strictly forward:
// draft → open → reviewing → published → closed.

// MaxNoticeBytes bounds a batch's notice file.
const MaxNoticeBytes = 10 << 20

// NoticeTypes are the content types a notice may have (PDF, DOCX, plain text).
var NoticeTypes = []string{"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/plain"}

// BatchInput creates or edits a batch. A nil Rubric keeps the current one
// (the default rubric for a new batch).
type BatchInput struct {
	Code         string                   `json:"code"`
	NameZH       string                   `json:"name_zh"`
	NameEN       string                   `json:"name_en"`
	Description  string                   `json:"description"`
	Issuers      []string                 `json:"issuers"`
	NoticeDate   string                   `json:"notice_date"`
	Industries   []string                 `json:"industries"`
	SubjectTypes []anbao.SubjectType      `json:"subject_types"`
	ProductTypes []anbao.PilotProductType `json:"product_types"`
	Rubric       []anbao.RubricCriterion  `json:"rubric,omitempty"`
	OpensAt      string                   `json:"opens_at"`
	ClosesAt     string                   `json:"closes_at"`
	Version      int                      `json:"version"`
}

// BatchStatusInput moves a batch to the next status.
type BatchStatusInput struct {
	Status  anbao.BatchStatus `json:"status"`
	Version int               `json:"version"`
}

var batchCodeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$`)

// mayManageBatches checks ActBatchManage and national scope.
func mayManageBatches(p *anbao.Principal) error {
	if err := anbao.Authorize(p, anbao.ActBatchManage); err != nil {
		return err
	}
	if !p.IsNational() {
		return anbao.Errorf(anbao.EFORBIDDEN, "pilot.national_only")
	}
	return nil
}

func pilotJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data only
	}
	return string(b)
}

// normalizeBatch validates a batch input.
func normalizeBatch(in *BatchInput) error {
	var err error
	in.Code = strings.TrimSpace(in.Code)
	if !batchCodeRe.MatchString(in.Code) {
		return anbao.FieldError("code", "pilot.batch_code", in.Code)
	}
	if in.NameZH, err = trimText("name_zh", in.NameZH, 2, 200); err != nil {
		return err
	}
	if in.NameEN, err = trimText("name_en", in.NameEN, 0, 300); err != nil {
		return err
	}
	if in.Description, err = trimText("description", in.Description, 0, 8000); err != nil {
		return err
	}
	if len(in.Issuers) == 0 {
		return anbao.FieldError("issuers", "error.required", "issuers")
	}
	seen := map[string]bool{}
	for _, x := range in.Issuers {
		if !slices.Contains(anbao.BatchIssuers, x) || seen[x] {
			return anbao.FieldError("issuers", "pilot.issuer_unknown", x)
		}
		seen[x] = true
	}
	if in.NoticeDate != "" {
		if _, err := time.Parse(time.DateOnly, in.NoticeDate); err != nil {
			return anbao.FieldError("notice_date", "pilot.date_format", in.NoticeDate)
		}
	}
	if len(in.Industries) == 0 {
		return anbao.FieldError("industries", "error.required", "industries")
	}
	seen = map[string]bool{}
	for _, x := range in.Industries {
		if _, ok := refdata.SectionByCode(x); !ok || seen[x] {
			return anbao.FieldError("industries", "pilot.industry_unknown", x)
		}
		seen[x] = true
	}
	slices.Sort(in.Industries)
	if len(in.SubjectTypes) == 0 {
		return anbao.FieldError("subject_types", "error.required", "subject_types")
	}
	seen = map[string]bool{}
	for _, x := range in.SubjectTypes {
		if !x.Valid() || seen[string(x)] {
			return anbao.FieldError("subject_types", "pilot.subject_unknown", string(x))
		}
		seen[string(x)] = true
	}
	if len(in.ProductTypes) == 0 {
		return anbao.FieldError("product_types", "error.required", "product_types")
	}
	seen = map[string]bool{}
	for _, x := range in.ProductTypes {
		if !x.Valid() || seen[string(x)] {
			return anbao.FieldError("product_types", "pilot.product_type_unknown", string(x))
		}
		seen[string(x)] = true
	}
	if in.Rubric != nil {
		if err := anbao.ValidateRubric(in.Rubric); err != nil {
			return err
		}
	}
	opens, err := parsePilotWindow("opens_at", in.OpensAt)
	if err != nil {
		return err
	}
	closes, err := parsePilotWindow("closes_at", in.ClosesAt)
	if err != nil {
		return err
	}
	if !closes.After(opens) {
		return anbao.FieldError("closes_at", "pilot.window_order")
	}
	in.OpensAt, in.ClosesAt = anbao.FormatTime(opens), anbao.FormatTime(closes)
	return nil
}

// parsePilotWindow reads a window bound: an instant (RFC 3339 or Beijing local
// time) or a date, meaning its start (opens) in Beijing.
func parsePilotWindow(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.ParseInLocation(time.DateOnly, v, anbao.Shanghai); err == nil {
		if field == "closes_at" {
			t = t.Add(24*time.Hour - time.Second) // the whole closing day
		}
		return t.UTC(), nil
	}
	if t, err := time.Parse(anbao.TimeFormat, v); err == nil {
		return t, nil
	}
	t, err := parseInstant(field, v)
	if err != nil {
		return time.Time{}, anbao.FieldError(field, "pilot.date_format", v)
	}
	return t, nil
}

const batchColumns = `b.id, b.code, b.name_zh, b.name_en, b.description, b.issuers, b.notice_date, b.industries, b.subject_types,
	b.product_types, b.rubric, b.status, b.opens_at, b.closes_at, b.notice_name, b.notice_type, b.notice_size, b.notice_sha256,
	b.created_at, b.updated_at, b.version`

func scanBatch(sc scanner) (*anbao.PilotBatch, error) {
	b := &anbao.PilotBatch{}
	var issuers, inds, subj, prods, rubric string
	var n anbao.BatchNotice
	if err := sc.Scan(&b.ID, &b.Code, &b.NameZH, &b.NameEN, &b.Description, &issuers, &b.NoticeDate, &inds, &subj, &prods, &rubric,
		&b.Status, &b.OpensAt, &b.ClosesAt, &n.Name, &n.ContentType, &n.Size, &n.SHA256, &b.CreatedAt, &b.UpdatedAt, &b.Version); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		raw string
		v   any
	}{{issuers, &b.Issuers}, {inds, &b.Industries}, {subj, &b.SubjectTypes}, {prods, &b.ProductTypes}, {rubric, &b.Rubric}} {
		if err := json.Unmarshal([]byte(x.raw), x.v); err != nil {
			return nil, err
		}
	}
	if n.Name != "" {
		b.Notice = &n
	}
	return b, nil
}

// batchVisible reports whether p sees batch b: drafts only to those who manage batches.
func batchVisible(p *anbao.Principal, b *anbao.PilotBatch) bool {
	return b.Status != anbao.BatchDraft || mayManageBatches(p) == nil
}

func (s *Store) getBatch(ctx context.Context, db queryer, id int64, lock string) (*anbao.PilotBatch, error) {
	b, err := scanBatch(db.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM pilot_batches b WHERE b.id = $1"+lock, id))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("batch")
	}
	return b, err
}

// GetBatch reads a batch (ActPilotRead; drafts only for batch managers).
func (s *Store) GetBatch(ctx context.Context, id int64) (*anbao.PilotBatch, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	b, err := s.getBatch(ctx, s.read, id, "")
	if err != nil {
		return nil, err
	}
	if !batchVisible(p, b) {
		return nil, anbao.ErrNotFound("batch")
	}
	w := &where{}
	w.add("pl.batch_id = ?", id)
	planScope(p, w)
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM service_plans pl"+w.String(), w.args...).Scan(&b.Plans); err != nil {
		return nil, err
	}
	return b, nil
}

// ListBatches lists the batches the caller sees, newest first.
func (s *Store) ListBatches(ctx context.Context) ([]*anbao.PilotBatch, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	out := []*anbao.PilotBatch{}
	err := eachRow(ctx, s.read, "SELECT "+batchColumns+" FROM pilot_batches b ORDER BY b.opens_at DESC, b.id DESC", nil, func(sc scanner) error {
		b, err := scanBatch(sc)
		if err != nil {
			return err
		}
		if batchVisible(p, b) {
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	w := &where{}
	planScope(p, w)
	counts := map[int64]int{}
	err = eachRow(ctx, s.read, "SELECT pl.batch_id, COUNT(*) FROM service_plans pl"+w.String()+" GROUP BY pl.batch_id", w.args,
		func(sc scanner) error {
			var id int64
			var n int
			if err := sc.Scan(&id, &n); err != nil {
				return err
			}
			counts[id] = n
			return nil
		})
	for _, b := range out {
		b.Plans = counts[b.ID]
	}
	return out, err
}

// CreateBatch creates a draft batch.
func (s *Store) CreateBatch(ctx context.Context, in BatchInput) (*anbao.PilotBatch, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageBatches(p); err != nil {
		return nil, err
	}
	if err := normalizeBatch(&in); err != nil {
		return nil, err
	}
	if in.Rubric == nil {
		in.Rubric = anbao.DefaultRubric()
	}
	now := s.now()
	var id int64
	err := s.inTx(ctx, func(t *tx) error {
		err := t.QueryRowContext(ctx, `INSERT INTO pilot_batches (code, name_zh, name_en, description, issuers, notice_date, industries,
			subject_types, product_types, rubric, status, opens_at, closes_at, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15) RETURNING id`, in.Code, in.NameZH, in.NameEN, in.Description,
			pilotJSON(in.Issuers), in.NoticeDate, pilotJSON(in.Industries), pilotJSON(in.SubjectTypes), pilotJSON(in.ProductTypes),
			pilotJSON(in.Rubric), string(anbao.BatchDraft), in.OpensAt, in.ClosesAt, p.Username, now).Scan(&id)
		if isUniqueViolation(err) {
			return anbao.FieldError("code", "pilot.batch_code_taken", in.Code)
		}
		if err != nil {
			return err
		}
		b, err := s.getBatch(ctx, t, id, "")
		if err != nil {
			return err
		}
		return t.audit(auditChange{"batch.create", "pilot_batch", id, p.OrgID, nil, b})
	})
	if err != nil {
		return nil, err
	}
	return s.GetBatch(ctx, id)
}

// UpdateBatch edits a draft batch.
func (s *Store) UpdateBatch(ctx context.Context, id int64, in BatchInput) (*anbao.PilotBatch, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageBatches(p); err != nil {
		return nil, err
	}
	if err := normalizeBatch(&in); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		b, err := s.getBatch(ctx, t, id, t.forUpdate())
		if err != nil {
			return err
		}
		if b.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict")
		}
		if b.Status != anbao.BatchDraft {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.batch_not_draft")
		}
		if in.Rubric == nil {
			in.Rubric = b.Rubric
		}
		_, err = t.ExecContext(ctx, `UPDATE pilot_batches SET code = $1, name_zh = $2, name_en = $3, description = $4, issuers = $5,
			notice_date = $6, industries = $7, subject_types = $8, product_types = $9, rubric = $10, opens_at = $11, closes_at = $12,
			updated_at = $13, version = version + 1 WHERE id = $14`, in.Code, in.NameZH, in.NameEN, in.Description, pilotJSON(in.Issuers),
			in.NoticeDate, pilotJSON(in.Industries), pilotJSON(in.SubjectTypes), pilotJSON(in.ProductTypes), pilotJSON(in.Rubric),
			in.OpensAt, in.ClosesAt, s.now(), id)
		if isUniqueViolation(err) {
			return anbao.FieldError("code", "pilot.batch_code_taken", in.Code)
		}
		if err != nil {
			return err
		}
		after, err := s.getBatch(ctx, t, id, "")
		if err != nil {
			return err
		}
		return t.audit(auditChange{"batch.update", "pilot_batch", id, p.OrgID, b, after})
	})
	if err != nil {
		return nil, err
	}
	return s.GetBatch(ctx, id)
}

// SetBatchStatus moves a batch one step forward, with checks: opening
// needs a window that has not ended; review starts once the window has
// closed; publication needs a published catalogue version (publishing the
// first version does it); closing follows publication.
func (s *Store) SetBatchStatus(ctx context.Context, id int64, in BatchStatusInput) (*anbao.PilotBatch, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageBatches(p); err != nil {
		return nil, err
	}
	if !in.Status.Valid() {
		return nil, anbao.FieldError("status", "pilot.batch_status_unknown", string(in.Status))
	}
	err := s.inTx(ctx, func(t *tx) error {
		b, err := s.getBatch(ctx, t, id, t.forUpdate())
		if err != nil {
			return err
		}
		if b.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict")
		}
		if !b.Status.CanMoveTo(in.Status) {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.batch_transition", string(b.Status), string(in.Status))
		}
		now := s.now()
		switch in.Status {
		case anbao.BatchOpen:
			if err := anbao.ValidateRubric(b.Rubric); err != nil {
				return err
			}
			if b.ClosesAt <= now {
				return anbao.Errorf(anbao.ECONFLICT, "pilot.window_over")
			}
		case anbao.BatchReviewing:
			if b.ClosesAt > now {
				return anbao.Errorf(anbao.ECONFLICT, "pilot.window_not_closed", beijingMinute(b.ClosesAt))
			}
		case anbao.BatchPublished:
			var n int
			if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM catalogue_versions WHERE batch_id = $1 AND status = 'published'`,
				id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return anbao.Errorf(anbao.ECONFLICT, "pilot.no_catalogue")
			}
		}
		if _, err := t.ExecContext(ctx, `UPDATE pilot_batches SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			string(in.Status), now, id); err != nil {
			return err
		}
		return t.audit(auditChange{"batch.status", "pilot_batch", id, p.OrgID, map[string]any{"status": b.Status},
			map[string]any{"status": in.Status}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetBatch(ctx, id)
}

// checkPilotDocument checks an uploaded document: not empty, at most max bytes,
// a PDF, a DOCX or UTF-8 plain text by content (a ZIP must be named .docx).
func checkPilotDocument(up *EvidenceUpload, max int) (name, ctype, sum string, err error) {
	if up == nil || len(up.Data) == 0 {
		return "", "", "", anbao.FieldError("file", "evidence.empty")
	}
	if len(up.Data) > max {
		return "", "", "", &anbao.Error{Code: anbao.ETOOLARGE, Key: "pilot.file_too_large", Args: []any{max >> 10}, Field: "file"}
	}
	name = cleanFilename(up.Filename)
	ct, _, _ := strings.Cut(http.DetectContentType(up.Data), ";")
	ext := strings.ToLower(path.Ext(name))
	switch {
	case ct == "application/pdf":
	case ct == "application/zip" && ext == ".docx":
		ct = NoticeTypes[1]
	case ct == "text/plain" && strings.HasPrefix(http.DetectContentType(up.Data), "text/plain; charset=utf-8") && ext != ".html" && ext != ".htm":
	default:
		return "", "", "", anbao.FieldError("file", "pilot.file_type", ct)
	}
	h := sha256.Sum256(up.Data)
	return name, ct, hex.EncodeToString(h[:]), nil
}

// SetBatchNotice uploads the notice file of a batch (draft or open).
func (s *Store) SetBatchNotice(ctx context.Context, id int64, up *EvidenceUpload) (*anbao.PilotBatch, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageBatches(p); err != nil {
		return nil, err
	}
	name, ct, sum, err := checkPilotDocument(up, MaxNoticeBytes)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		b, err := s.getBatch(ctx, t, id, t.forUpdate())
		if err != nil {
			return err
		}
		if b.Status != anbao.BatchDraft && b.Status != anbao.BatchOpen {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.notice_frozen")
		}
		if _, err := t.ExecContext(ctx, `UPDATE pilot_batches SET notice_name = $1, notice_type = $2, notice_size = $3, notice_sha256 = $4,
			notice_data = $5, updated_at = $6, version = version + 1 WHERE id = $7`, name, ct, len(up.Data), sum, up.Data, s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{"batch.notice", "pilot_batch", id, p.OrgID, b.Notice,
			&anbao.BatchNotice{Name: name, ContentType: ct, Size: int64(len(up.Data)), SHA256: sum}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetBatch(ctx, id)
}

// BatchNoticeFile returns the notice of a batch the caller sees, with its bytes.
func (s *Store) BatchNoticeFile(ctx context.Context, id int64) (*anbao.BatchNotice, []byte, error) {
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if b.Notice == nil {
		return nil, nil, anbao.ErrNotFound("notice")
	}
	var data []byte
	if err := s.read.QueryRowContext(ctx, "SELECT notice_data FROM pilot_batches WHERE id = $1", id).Scan(&data); err != nil {
		return nil, nil, err
	}
	return b.Notice, data, nil
}

// beijingMinute shows a stored UTC instant as Beijing time to the minute,
// the way the batch pages show the application window.
func beijingMinute(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	return t.In(anbao.Shanghai).Format("2006-01-02 15:04") + " (UTC+8)"
}
