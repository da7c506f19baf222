package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anbao/anbao"
)

// Evidence files: attached to a finding, an engagement (the signed
// authorisation) or a step of a finding's history. The bytes are kept in the
// database with their SHA-256; the content type is sniffed from the bytes,
// never taken from the client, and limited to an allow-list. A file is read
// within the same scope as what it is attached to.

// MaxEvidenceBytes bounds one evidence file.
const MaxEvidenceBytes = 10 << 20

// MaxEvidencePerTarget bounds the files of one finding or engagement.
const MaxEvidencePerTarget = 100

// EvidenceTypes are the content types accepted, by sniffing.
var EvidenceTypes = []string{"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv", "application/json", "application/zip"}

// EvidenceUpload is a file as received.
type EvidenceUpload struct {
	Filename string
	Data     []byte
}

// EvidenceFile describes a stored file (its bytes come from GetEvidence).
type EvidenceFile struct {
	ID            int64  `json:"id"`
	EnterpriseID  int64  `json:"enterprise_id"`
	EngagementID  int64  `json:"engagement_id"`
	FindingID     *int64 `json:"finding_id,omitempty"`
	EventID       *int64 `json:"event_id,omitempty"`
	Filename      string `json:"filename"`
	ContentType   string `json:"content_type"`
	Size          int64  `json:"size"`
	SHA256        string `json:"sha256"`
	UploadedBy    string `json:"uploaded_by"`
	UploaderOrgID int64  `json:"uploader_org_id"`
	CreatedAt     string `json:"created_at"`
}

type checkedUpload struct {
	name, ctype, sum string
	data             []byte
}

// SniffEvidence returns the allowed content type of data named name, or an error.
func SniffEvidence(name string, data []byte) (string, error) {
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	ext := strings.ToLower(path.Ext(name))
	switch ct {
	case "application/pdf", "image/png", "image/jpeg", "application/zip":
		return ct, nil
	case "text/plain":
		if !utf8.Valid(data) {
			return "", anbao.FieldError("file", "evidence.type", ct)
		}
		switch ext {
		case ".csv":
			return "text/csv", nil
		case ".json":
			if !json.Valid(data) {
				return "", anbao.FieldError("file", "evidence.bad_json")
			}
			return "application/json", nil
		}
		return "text/plain", nil
	}
	return "", anbao.FieldError("file", "evidence.type", ct)
}

// cleanFilename keeps the base name, without control characters, at most 200 characters.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "" {
		name = "evidence"
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

func checkUpload(u *EvidenceUpload) (*checkedUpload, error) {
	if u == nil || len(u.Data) == 0 {
		return nil, anbao.FieldError("file", "evidence.empty")
	}
	if len(u.Data) > MaxEvidenceBytes {
		return nil, &anbao.Error{Code: anbao.ETOOLARGE, Key: "evidence.too_large", Args: []any{MaxEvidenceBytes >> 20}, Field: "file"}
	}
	name := cleanFilename(u.Filename)
	ct, err := SniffEvidence(name, u.Data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(u.Data)
	return &checkedUpload{name: name, ctype: ct, sum: hex.EncodeToString(sum[:]), data: u.Data}, nil
}

func (t *tx) insertEvidence(u *checkedUpload, enterpriseID, engagementID int64, findingID, eventID *int64) (*EvidenceFile, error) {
	p := anbao.PrincipalFrom(t.ctx)
	var n int
	q, arg := "SELECT COUNT(*) FROM evidence_files WHERE engagement_id = $1 AND finding_id IS NULL", any(engagementID)
	if findingID != nil {
		q, arg = "SELECT COUNT(*) FROM evidence_files WHERE finding_id = $1", *findingID
	}
	if err := t.QueryRowContext(t.ctx, q, arg).Scan(&n); err != nil {
		return nil, err
	}
	if n >= MaxEvidencePerTarget {
		return nil, anbao.Errorf(anbao.ECONFLICT, "evidence.limit", MaxEvidencePerTarget)
	}
	ev := &EvidenceFile{EnterpriseID: enterpriseID, EngagementID: engagementID, FindingID: findingID, EventID: eventID,
		Filename: u.name, ContentType: u.ctype, Size: int64(len(u.data)), SHA256: u.sum, UploadedBy: principalName(p),
		CreatedAt: t.s.now()}
	if p != nil {
		ev.UploaderOrgID = p.OrgID
	}
	if err := t.QueryRowContext(t.ctx, `INSERT INTO evidence_files (enterprise_id, engagement_id, finding_id, event_id, filename,
		content_type, size, sha256, data, uploaded_by, uploader_org_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
		RETURNING id`, enterpriseID, engagementID, findingID, eventID, ev.Filename, ev.ContentType, ev.Size, ev.SHA256, u.data,
		ev.UploadedBy, ev.UploaderOrgID, ev.CreatedAt).Scan(&ev.ID); err != nil {
		return nil, err
	}
	return ev, t.audit(auditChange{"evidence.upload", "evidence", ev.ID, enterpriseID, nil, ev})
}

// attachEvidence links files already uploaded to finding f by the caller's
// organisation, and not yet part of a step, to the step evID.
func (t *tx) attachEvidence(f *Finding, evID int64, ids []int64) error {
	p := anbao.PrincipalFrom(t.ctx)
	for _, id := range ids {
		q := `UPDATE evidence_files SET event_id = $1 WHERE id = $2 AND finding_id = $3 AND event_id IS NULL`
		args := []any{evID, id, f.ID}
		if !p.System {
			q += " AND uploader_org_id = $4"
			args = append(args, p.OrgID)
		}
		res, err := t.ExecContext(t.ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return anbao.FieldError("evidence_ids", "evidence.not_attachable", id)
		}
	}
	return nil
}

const evidenceColumns = `id, enterprise_id, engagement_id, finding_id, event_id, filename, content_type, size, sha256,
	uploaded_by, uploader_org_id, created_at`

func scanEvidence(sc scanner) (*EvidenceFile, error) {
	e := &EvidenceFile{}
	return e, sc.Scan(&e.ID, &e.EnterpriseID, &e.EngagementID, &e.FindingID, &e.EventID, &e.Filename, &e.ContentType, &e.Size,
		&e.SHA256, &e.UploadedBy, &e.UploaderOrgID, &e.CreatedAt)
}

func (s *Store) listEvidence(ctx context.Context, cond string, arg any) ([]*EvidenceFile, error) {
	out := []*EvidenceFile{}
	err := eachRow(ctx, s.read, "SELECT "+evidenceColumns+" FROM evidence_files WHERE "+cond+" ORDER BY id", []any{arg},
		func(sc scanner) error {
			e, err := scanEvidence(sc)
			if err == nil {
				out = append(out, e)
			}
			return err
		})
	return out, err
}

// EvidenceTarget says what an upload is attached to: a finding or an engagement.
type EvidenceTarget struct {
	FindingID    int64
	EngagementID int64
}

// UploadEvidence stores a file on a finding (its enterprise's users or its
// provider) or an engagement (the enterprise's admin, or its provider).
func (s *Store) UploadEvidence(ctx context.Context, target EvidenceTarget, up *EvidenceUpload) (*EvidenceFile, error) {
	p := anbao.PrincipalFrom(ctx)
	if !anbao.Can(p, anbao.ActFindingResolve) && !anbao.Can(p, anbao.ActFindingWrite) && !anbao.Can(p, anbao.ActEngagementManage) &&
		!anbao.Can(p, anbao.ActEngagementRespond) {
		return nil, anbao.Authorize(p, anbao.ActFindingResolve)
	}
	if (target.FindingID == 0) == (target.EngagementID == 0) {
		return nil, anbao.FieldError("target", "evidence.target")
	}
	var out *EvidenceFile
	err := s.inTx(ctx, func(t *tx) error {
		// Check the target before the file, so that a stranger learns nothing from the error.
		var ent, eng int64
		var findingID *int64
		if target.FindingID != 0 {
			f, err := s.getFinding(ctx, t, p, target.FindingID, "")
			if err != nil {
				return err
			}
			switch {
			case p.System:
			case p.OrgID == f.EnterpriseID && anbao.Can(p, anbao.ActFindingResolve):
			case p.OrgID == f.ProviderID && anbao.Can(p, anbao.ActFindingWrite):
			case p.OrgID == f.EnterpriseID || p.OrgID == f.ProviderID:
				return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
			default:
				return anbao.ErrNotFound("finding")
			}
			ent, eng, findingID = f.EnterpriseID, f.EngagementID, &f.ID
		} else {
			e, err := s.getEngagement(ctx, t, p, target.EngagementID, "")
			if err != nil {
				return err
			}
			switch {
			case p.System:
			case p.OrgID == e.EnterpriseID && anbao.Can(p, anbao.ActEngagementManage):
			case p.OrgID == e.ProviderID && anbao.Can(p, anbao.ActEngagementRespond):
			case p.OrgID == e.EnterpriseID || p.OrgID == e.ProviderID:
				return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
			default:
				return anbao.ErrNotFound("engagement")
			}
			if e.Status == EngEnded || e.Status == EngDeclined {
				return anbao.Errorf(anbao.ECONFLICT, "evidence.engagement_closed", e.Status)
			}
			ent, eng = e.EnterpriseID, e.ID
		}
		u, err := checkUpload(up)
		if err != nil {
			return err
		}
		out, err = t.insertEvidence(u, ent, eng, findingID, nil)
		return err
	})
	return out, err
}

// GetEvidence returns a file and its bytes, within the scope of what it is attached to.
func (s *Store) GetEvidence(ctx context.Context, id int64) (*EvidenceFile, []byte, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAssessmentRead); err != nil {
		return nil, nil, err
	}
	ev, err := scanEvidence(s.read.QueryRowContext(ctx, "SELECT "+evidenceColumns+" FROM evidence_files WHERE id = $1", id))
	if isNoRows(err) {
		return nil, nil, anbao.ErrNotFound("evidence")
	}
	if err != nil {
		return nil, nil, err
	}
	if ev.FindingID != nil {
		_, err = s.getFinding(ctx, s.read, p, *ev.FindingID, "")
	} else {
		_, err = s.getEngagement(ctx, s.read, p, ev.EngagementID, "")
	}
	if err != nil {
		return nil, nil, anbao.ErrNotFound("evidence")
	}
	var data []byte
	if err := s.read.QueryRowContext(ctx, "SELECT data FROM evidence_files WHERE id = $1", id).Scan(&data); err != nil {
		return nil, nil, err
	}
	return ev, data, nil
}
