package store

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// The enterprise risk profile (PRODUCT.md capability B): MLPS (等保) systems,
// assets, dependencies and data holdings. Reads follow the enterprise's own
// visibility (visibleOrgs) and ActRiskProfileRead; writes need
// ActRiskProfileWrite and are limited to the principal's own enterprise. Any
// other enterprise, or a record of another enterprise, reads as not found.

// Per-enterprise bounds, far above a real inventory, so that no tenant can fill the database.
const (
	MaxMLPSSystems  = 500
	MaxAssets       = 50_000
	MaxDependencies = 500
)

// ItemList is a page of profile records and the total matched.
type ItemList[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// MLPSResult is the conclusion of an MLPS evaluation (等级测评结论) under
// GB/T 28448-2019 (测评要求) and GB/T 28449-2018 (测评过程指南).
type MLPSResult string

const (
	MLPSConform          MLPSResult = "conform"           // 符合
	MLPSBasicallyConform MLPSResult = "basically_conform" // 基本符合
	MLPSNonconform       MLPSResult = "nonconform"        // 不符合
)

// MLPSResults lists the conclusions from best to worst.
var MLPSResults = []MLPSResult{MLPSConform, MLPSBasicallyConform, MLPSNonconform}

// MLPSSystem is one information system graded under MLPS 2.0 (GB/T 22239-2019, GB/T 22240-2020).
type MLPSSystem struct {
	ID           int64  `json:"id"`
	EnterpriseID int64  `json:"enterprise_id"`
	Name         string `json:"name"`
	Level        int    `json:"level"` // 1–5 (第一级 … 第五级)
	// FilingNumber is the public-security filing number (备案编号), "" if not filed.
	FilingNumber string `json:"filing_number"`
	// LastEvaluationDate (YYYY-MM-DD) and LastEvaluationResult describe the latest
	// evaluation (等级测评); both are empty if the system was never evaluated.
	LastEvaluationDate   string     `json:"last_evaluation_date"`
	LastEvaluationResult MLPSResult `json:"last_evaluation_result"`
	CreatedAt            string     `json:"created_at"`
	UpdatedAt            string     `json:"updated_at"`
	Version              int        `json:"version"`
}

// MLPSSystemInput is what a caller gives to create or replace an MLPS system.
type MLPSSystemInput struct {
	Name                 string     `json:"name"`
	Level                int        `json:"level"`
	FilingNumber         string     `json:"filing_number"`
	LastEvaluationDate   string     `json:"last_evaluation_date"`
	LastEvaluationResult MLPSResult `json:"last_evaluation_result"`
	// Version must equal the stored version when replacing (optimistic concurrency); 0 skips the check.
	Version int `json:"version,omitempty"`
}

// filingRE is the shape of an MLPS filing number as printed on filing
// certificates (备案证明), e.g. 11010843002-20001: eleven digits naming the
// filing public-security organ (its six-digit GB/T 2260 division first),
// a hyphen, then five digits (the two-digit year and a three-digit serial).
// The format is not published as a standard; this check only catches typing
// slips and is deliberately not stricter.
var filingRE = regexp.MustCompile(`^[0-9]{11}-[0-9]{5}$`)

// NormalizeFilingNumber cleans and checks a filing number; "" stays "".
func NormalizeFilingNumber(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９': // full-width digits typed with a Chinese input method
			return r - '０' + '0'
		case r == '－' || r == '—' || r == '–' || r == '‐':
			return '-'
		case r == ' ' || r == '\u3000' || r == '\t':
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", nil
	}
	if !filingRE.MatchString(s) {
		return "", anbao.FieldError("filing_number", "rp.mlps.filing_format", s)
	}
	if _, ok := refdata.JurisdictionByCode(s[:2]); !ok {
		return "", anbao.FieldError("filing_number", "rp.mlps.filing_province", s[:2])
	}
	return s, nil
}

// earliestEvaluation is when the MLPS administrative measures (公通字〔2007〕43号) took effect.
const earliestEvaluation = "2007-06-22"

// normalizeMLPS checks an MLPS system; today is the current date in Beijing.
func normalizeMLPS(in *MLPSSystemInput, today string) error {
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n < 2 {
		return anbao.FieldError("name", "rp.mlps.name_required")
	} else if n > 100 {
		return anbao.FieldError("name", "rp.too_long", 100)
	}
	if in.Level < 1 || in.Level > 5 {
		return anbao.FieldError("level", "rp.mlps.level", in.Level)
	}
	f, err := NormalizeFilingNumber(in.FilingNumber)
	if err != nil {
		return err
	}
	in.FilingNumber = f
	in.LastEvaluationDate = strings.TrimSpace(in.LastEvaluationDate)
	in.LastEvaluationResult = MLPSResult(strings.TrimSpace(string(in.LastEvaluationResult)))
	if in.LastEvaluationResult != "" && !validResult(in.LastEvaluationResult) {
		return anbao.FieldError("last_evaluation_result", "rp.mlps.result_invalid", in.LastEvaluationResult)
	}
	if in.LastEvaluationDate != "" {
		d, err := time.Parse(time.DateOnly, in.LastEvaluationDate)
		if err != nil {
			return anbao.FieldError("last_evaluation_date", "rp.date_format", in.LastEvaluationDate)
		}
		in.LastEvaluationDate = d.Format(time.DateOnly)
		if in.LastEvaluationDate > today {
			return anbao.FieldError("last_evaluation_date", "rp.date_future", in.LastEvaluationDate)
		}
		if in.LastEvaluationDate < earliestEvaluation {
			return anbao.FieldError("last_evaluation_date", "rp.mlps.date_too_early", earliestEvaluation)
		}
	}
	// A date without a conclusion (or the reverse) is half an answer.
	if (in.LastEvaluationDate == "") != (in.LastEvaluationResult == "") {
		if in.LastEvaluationDate == "" {
			return anbao.FieldError("last_evaluation_date", "rp.mlps.evaluation_pair")
		}
		return anbao.FieldError("last_evaluation_result", "rp.mlps.evaluation_pair")
	}
	return nil
}

func validResult(r MLPSResult) bool {
	for _, x := range MLPSResults {
		if x == r {
			return true
		}
	}
	return false
}

// today is the current date in Beijing: an evaluation "today" is not in the future.
func (s *Store) today() string { return s.Now().In(anbao.Shanghai).Format(time.DateOnly) }

// readableEnterprise checks that p may read the risk profile of enterprise id.
func (s *Store) readableEnterprise(ctx context.Context, p *anbao.Principal, id int64) error {
	if err := anbao.Authorize(p, anbao.ActRiskProfileRead); err != nil {
		return err
	}
	o, err := s.getOrg(ctx, s.read, p, id)
	if err != nil {
		return err
	}
	if o.Kind != anbao.KindEnterprise {
		return anbao.ErrNotFound("enterprise")
	}
	return nil
}

// mayWrite checks, before any input is judged, that p may edit the risk
// profile of enterprise id: only its own. Any other enterprise is not found.
func MayEditRiskProfile(p *anbao.Principal, id int64) error {
	return MayActForOwn(p, id, anbao.ActRiskProfileWrite)
}

// MayActForOwn checks that p may do action and that enterprise id is p's own
// organisation (or p is the platform). Any other enterprise is not found.
func MayActForOwn(p *anbao.Principal, id int64, action anbao.Action) error {
	if err := anbao.Authorize(p, action); err != nil {
		return err
	}
	if !p.System && p.OrgID != id {
		return anbao.ErrNotFound("enterprise")
	}
	return nil
}

// writableEnterprise checks MayEditRiskProfile and that id is an enterprise, and takes a
// lock on the enterprise on PostgreSQL, so that the per-enterprise limits hold
// under concurrent writes. FOR NO KEY UPDATE leaves foreign-key checks of
// other tables free.
func (t *tx) writableEnterprise(p *anbao.Principal, id int64) error {
	if err := MayEditRiskProfile(p, id); err != nil {
		return err
	}
	return t.writableEnterpriseFor(id)
}

// count returns the number of rows of table belonging to the enterprise.
func (t *tx) countOf(table string, enterpriseID int64) (int, error) {
	var n int
	err := t.QueryRowContext(t.ctx, "SELECT COUNT(*) FROM "+table+" WHERE enterprise_id = $1", enterpriseID).Scan(&n)
	return n, err
}

// checkVersion compares a caller's expected version with the stored one; 0 skips the check.
func checkVersion(want, have int) error {
	if want != 0 && want != have {
		return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", have)
	}
	return nil
}

const mlpsColumns = `id, enterprise_id, name, level, filing_number, last_evaluation_date, last_evaluation_result,
	created_at, updated_at, version`

func scanMLPS(sc interface{ Scan(...any) error }) (*MLPSSystem, error) {
	m := &MLPSSystem{}
	err := sc.Scan(&m.ID, &m.EnterpriseID, &m.Name, &m.Level, &m.FilingNumber, &m.LastEvaluationDate,
		&m.LastEvaluationResult, &m.CreatedAt, &m.UpdatedAt, &m.Version)
	return m, err
}

// ListMLPSSystems lists an enterprise's MLPS systems by name.
func (s *Store) ListMLPSSystems(ctx context.Context, enterpriseID int64, pg anbao.Page) (*ItemList[*MLPSSystem], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.readableEnterprise(ctx, p, enterpriseID); err != nil {
		return nil, err
	}
	pg = pg.Normalize()
	list := &ItemList[*MLPSSystem]{Items: []*MLPSSystem{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM mlps_systems WHERE enterprise_id = $1",
		enterpriseID).Scan(&list.Total); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+mlpsColumns+` FROM mlps_systems WHERE enterprise_id = $1
		ORDER BY level DESC, name, id LIMIT $2 OFFSET $3`, enterpriseID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMLPS(rows)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, m)
	}
	return list, rows.Err()
}

// GetMLPSSystem returns one MLPS system of an enterprise.
func (s *Store) GetMLPSSystem(ctx context.Context, enterpriseID, id int64) (*MLPSSystem, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.readableEnterprise(ctx, p, enterpriseID); err != nil {
		return nil, err
	}
	return getMLPS(ctx, s.read, enterpriseID, id, "")
}

func getMLPS(ctx context.Context, db queryer, enterpriseID, id int64, lock string) (*MLPSSystem, error) {
	m, err := scanMLPS(db.QueryRowContext(ctx, "SELECT "+mlpsColumns+
		" FROM mlps_systems WHERE id = $1 AND enterprise_id = $2"+lock, id, enterpriseID))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("mlps_system")
	}
	return m, err
}

// CreateMLPSSystem adds an MLPS system to the own enterprise's profile.
func (s *Store) CreateMLPSSystem(ctx context.Context, enterpriseID int64, in MLPSSystemInput) (*MLPSSystem, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := normalizeMLPS(&in, s.today()); err != nil {
		return nil, err
	}
	var out *MLPSSystem
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		if n, err := t.countOf("mlps_systems", enterpriseID); err != nil {
			return err
		} else if n >= MaxMLPSSystems {
			return anbao.Errorf(anbao.ECONFLICT, "rp.limit", MaxMLPSSystems)
		}
		now := s.now()
		m := &MLPSSystem{EnterpriseID: enterpriseID, Name: in.Name, Level: in.Level, FilingNumber: in.FilingNumber,
			LastEvaluationDate: in.LastEvaluationDate, LastEvaluationResult: in.LastEvaluationResult,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		err := t.QueryRowContext(ctx, `INSERT INTO mlps_systems (enterprise_id, name, level, filing_number,
			last_evaluation_date, last_evaluation_result, created_at, updated_at, version)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,1) RETURNING id`, m.EnterpriseID, m.Name, m.Level, m.FilingNumber,
			m.LastEvaluationDate, m.LastEvaluationResult, now, now).Scan(&m.ID)
		if err != nil {
			return mlpsUniqueError(err, m.Name, m.FilingNumber)
		}
		out = m
		return t.audit(auditChange{"mlps_system.create", "mlps_system", m.ID, enterpriseID, nil, m})
	})
	return out, err
}

// mlpsUniqueError names which of the two unique fields is taken.
func mlpsUniqueError(err error, name, filing string) error {
	if !isUniqueViolation(err) {
		return err
	}
	if strings.Contains(err.Error(), "filing") {
		return &anbao.Error{Code: anbao.ECONFLICT, Key: "rp.mlps.filing_taken", Args: []any{filing}, Field: "filing_number"}
	}
	return &anbao.Error{Code: anbao.ECONFLICT, Key: "rp.mlps.name_taken", Args: []any{name}, Field: "name"}
}

// UpdateMLPSSystem replaces an MLPS system's fields.
func (s *Store) UpdateMLPSSystem(ctx context.Context, enterpriseID, id int64, in MLPSSystemInput) (*MLPSSystem, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := normalizeMLPS(&in, s.today()); err != nil {
		return nil, err
	}
	var out *MLPSSystem
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		m, err := getMLPS(ctx, t, enterpriseID, id, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(in.Version, m.Version); err != nil {
			return err
		}
		before := *m
		m.Name, m.Level, m.FilingNumber = in.Name, in.Level, in.FilingNumber
		m.LastEvaluationDate, m.LastEvaluationResult = in.LastEvaluationDate, in.LastEvaluationResult
		if *m == before {
			out = m // nothing changed: no new version, no audit entry
			return nil
		}
		m.UpdatedAt, m.Version = s.now(), m.Version+1
		if _, err := t.ExecContext(ctx, `UPDATE mlps_systems SET name = $1, level = $2, filing_number = $3,
			last_evaluation_date = $4, last_evaluation_result = $5, updated_at = $6, version = $7 WHERE id = $8`,
			m.Name, m.Level, m.FilingNumber, m.LastEvaluationDate, m.LastEvaluationResult, m.UpdatedAt, m.Version, m.ID); err != nil {
			return mlpsUniqueError(err, m.Name, m.FilingNumber)
		}
		out = m
		return t.audit(auditChange{"mlps_system.update", "mlps_system", m.ID, enterpriseID, before, m})
	})
	return out, err
}

// DeleteMLPSSystem removes an MLPS system; its last state stays in the audit log.
// version, when not 0, must equal the stored version.
func (s *Store) DeleteMLPSSystem(ctx context.Context, enterpriseID, id int64, version int) error {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		m, err := getMLPS(ctx, t, enterpriseID, id, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(version, m.Version); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM mlps_systems WHERE id = $1", m.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"mlps_system.delete", "mlps_system", m.ID, enterpriseID, m, nil})
	})
}
