package store

import (
	"context"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// The retail line (issue #7): products sold to residents (e.g. anti-fraud
// cover) are not policies of enterprises; insurers declare them as monthly
// aggregates per jurisdiction, one return per (insurer, jurisdiction, month,
// line), re-declared by upsert.

// RetailLines are the retail lines an insurer may declare.
var RetailLines = []string{
	"anti_fraud",       // 反诈险: telecom and online fraud losses of residents
	"personal_data",    // 个人信息泄露险
	"account_security", // 账户安全险: stolen accounts and payment cards
}

// maxRetailAmount bounds every declared figure (10^14 分 = one trillion yuan).
const maxRetailAmount = int64(1e14)

// RetailReturn is an insurer's monthly aggregate of a retail line in one jurisdiction.
type RetailReturn struct {
	ID           int64  `json:"id"`
	InsurerID    int64  `json:"insurer_id"` // forced to the declaring insurer
	Insurer      string `json:"insurer,omitempty"`
	Jurisdiction string `json:"jurisdiction"`
	Month        string `json:"month"` // YYYY-MM, not after the current month (Asia/Shanghai)
	Line         string `json:"line"`  // one of RetailLines
	Policies     int64  `json:"policies"`
	Premium      int64  `json:"premium"`     // 分
	SumInsured   int64  `json:"sum_insured"` // 分
	Claims       int64  `json:"claims"`
	Paid         int64  `json:"paid"` // 分
	Note         string `json:"note,omitempty"`
	DeclaredBy   string `json:"declared_by,omitempty"`
	CreatedAt    string `json:"created_at,omitempty"`
	UpdatedAt    string `json:"updated_at,omitempty"`
	// Version is the version the declarer last read when re-declaring (0:
	// any); the stored version after the write.
	Version int `json:"version"`
}

const retailCols = `r.id, r.insurer_id, o.name_zh, r.jurisdiction, r.month, r.line, r.policies, r.premium, r.sum_insured, r.claims, r.paid,
	r.note, r.declared_by, r.created_at, r.updated_at, r.version`

func scanRetail(sc scanner) (*RetailReturn, error) {
	var r RetailReturn
	err := sc.Scan(&r.ID, &r.InsurerID, &r.Insurer, &r.Jurisdiction, &r.Month, &r.Line, &r.Policies, &r.Premium, &r.SumInsured, &r.Claims,
		&r.Paid, &r.Note, &r.DeclaredBy, &r.CreatedAt, &r.UpdatedAt, &r.Version)
	return &r, err
}

// DeclareRetail upserts an insurer's retail return by (insurer, jurisdiction, month, line).
func (s *Store) DeclareRetail(ctx context.Context, in *RetailReturn) (*RetailReturn, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActRetailDeclare); err != nil {
		return nil, err
	}
	if p.OrgKind != anbao.KindInsurer {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	if in == nil {
		return nil, anbao.FieldError("month", "retail.month_invalid", "")
	}
	r := *in
	if r.InsurerID != 0 && r.InsurerID != p.OrgID {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "stats.insurer_forbidden", r.InsurerID)
	}
	r.InsurerID = p.OrgID
	r.Jurisdiction, r.Month, r.Line = strings.TrimSpace(r.Jurisdiction), strings.TrimSpace(r.Month), strings.TrimSpace(r.Line)
	if j, ok := refdata.JurisdictionByCode(r.Jurisdiction); !ok || !j.Active {
		return nil, anbao.FieldError("jurisdiction", "stats.jurisdiction_invalid", r.Jurisdiction)
	}
	if !validMonth(r.Month) {
		return nil, anbao.FieldError("month", "retail.month_invalid", r.Month)
	}
	if r.Month > s.Now().In(anbao.Shanghai).Format("2006-01") {
		return nil, anbao.FieldError("month", "retail.month_future", r.Month)
	}
	if !slices.Contains(RetailLines, r.Line) {
		return nil, anbao.FieldError("line", "retail.line_invalid", r.Line)
	}
	for _, x := range []struct {
		field string
		v     int64
	}{{"policies", r.Policies}, {"premium", r.Premium}, {"sum_insured", r.SumInsured}, {"claims", r.Claims}, {"paid", r.Paid}} {
		if x.v < 0 || x.v > maxRetailAmount {
			return nil, anbao.FieldError(x.field, "retail.amount_range", x.v)
		}
	}
	if r.Premium > 0 && r.Policies == 0 {
		return nil, anbao.FieldError("policies", "retail.policies_missing")
	}
	var err error
	if r.Note, err = trimText("note", r.Note, 0, 1000); err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(t *tx) error {
		old, err := scanRetail(t.QueryRowContext(ctx, "SELECT "+retailCols+` FROM retail_returns r JOIN organisations o ON o.id = r.insurer_id
			WHERE r.insurer_id = $1 AND r.jurisdiction = $2 AND r.month = $3 AND r.line = $4`+t.forUpdate(),
			r.InsurerID, r.Jurisdiction, r.Month, r.Line))
		now := s.now()
		by := principalName(p)
		if isNoRows(err) {
			if r.Version > 1 {
				return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict")
			}
			if err := t.QueryRowContext(ctx, `INSERT INTO retail_returns (insurer_id, jurisdiction, month, line, policies, premium, sum_insured,
				claims, paid, note, declared_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12) RETURNING id`,
				r.InsurerID, r.Jurisdiction, r.Month, r.Line, r.Policies, r.Premium, r.SumInsured, r.Claims, r.Paid, r.Note, by, now).Scan(&id); err != nil {
				if isUniqueViolation(err) {
					return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict")
				}
				return err
			}
			return t.audit(auditChange{"retail.declare", "retail_return", id, r.InsurerID, nil, retailAudit(&r)})
		} else if err != nil {
			return err
		}
		if r.Version != 0 && r.Version != old.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict")
		}
		id = old.ID
		if _, err := t.ExecContext(ctx, `UPDATE retail_returns SET policies = $1, premium = $2, sum_insured = $3, claims = $4, paid = $5,
			note = $6, declared_by = $7, updated_at = $8, version = version + 1 WHERE id = $9`,
			r.Policies, r.Premium, r.SumInsured, r.Claims, r.Paid, r.Note, by, now, id); err != nil {
			return err
		}
		return t.audit(auditChange{"retail.declare", "retail_return", id, r.InsurerID, retailAudit(old), retailAudit(&r)})
	})
	if err != nil {
		return nil, err
	}
	return scanRetail(s.read.QueryRowContext(ctx, "SELECT "+retailCols+" FROM retail_returns r JOIN organisations o ON o.id = r.insurer_id WHERE r.id = $1", id))
}

func retailAudit(r *RetailReturn) map[string]any {
	return map[string]any{"jurisdiction": r.Jurisdiction, "month": r.Month, "line": r.Line, "policies": r.Policies, "premium": r.Premium,
		"sum_insured": r.SumInsured, "claims": r.Claims, "paid": r.Paid}
}

// ListRetail lists the retail returns of the filter (jurisdiction, insurer,
// months; the other fields do not apply), scoped as the statistics are.
func (s *Store) ListRetail(ctx context.Context, f anbao.StatsFilter) ([]*RetailReturn, error) {
	v, err := s.statsScope(ctx, f)
	if err != nil {
		return nil, err
	}
	f = v.f
	f.Industry, f.Size, f.ProductType = "", "", ""
	var w where
	statsWhere(&w, "r", f)
	out := []*RetailReturn{}
	err = eachRow(ctx, s.read, "SELECT "+retailCols+" FROM retail_returns r JOIN organisations o ON o.id = r.insurer_id"+w.String()+
		" ORDER BY r.month, r.jurisdiction, r.insurer_id, r.line", w.args, func(sc scanner) error {
		r, err := scanRetail(sc)
		if err == nil {
			out = append(out, r)
		}
		return err
	})
	return out, err
}
