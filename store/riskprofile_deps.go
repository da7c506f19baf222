package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/anbao/anbao"
)

// DependencyKind is what an enterprise depends on: the shared dependencies
// along which a portfolio's losses accumulate (capability H).
type DependencyKind string

const (
	DepCloudProvider  DependencyKind = "cloud_provider"  // 云服务商
	DepSoftwareVendor DependencyKind = "software_vendor" // 关键软件供应商
	DepITOutsourcer   DependencyKind = "it_outsourcer"   // IT 外包服务商
)

// DependencyKinds lists the kinds in display order.
var DependencyKinds = []DependencyKind{DepCloudProvider, DepSoftwareVendor, DepITOutsourcer}

// Dependency is one third party an enterprise relies on.
type Dependency struct {
	ID           int64          `json:"id"`
	EnterpriseID int64          `json:"enterprise_id"`
	Kind         DependencyKind `json:"kind"`
	Name         string         `json:"name"`    // the third party, e.g. 阿里云
	Service      string         `json:"service"` // what it provides, e.g. ECS, 邮件系统, 运维外包
	// Critical: the business stops if this dependency fails.
	Critical  bool   `json:"critical"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
}

// DependencyInput is what a caller gives to create or replace a dependency.
type DependencyInput struct {
	Kind     DependencyKind `json:"kind"`
	Name     string         `json:"name"`
	Service  string         `json:"service"`
	Critical bool           `json:"critical"`
	// Version must equal the stored version when replacing; 0 skips the check.
	Version int `json:"version,omitempty"`
}

func normalizeDependency(in *DependencyInput) error {
	in.Kind = DependencyKind(strings.TrimSpace(string(in.Kind)))
	valid := false
	for _, k := range DependencyKinds {
		valid = valid || k == in.Kind
	}
	if !valid {
		return anbao.FieldError("kind", "rp.dep.kind_invalid", in.Kind)
	}
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Service = strings.Join(strings.Fields(in.Service), " ")
	if n := utf8.RuneCountInString(in.Name); n < 2 {
		return anbao.FieldError("name", "rp.dep.name_required")
	} else if n > 100 {
		return anbao.FieldError("name", "rp.too_long", 100)
	}
	if utf8.RuneCountInString(in.Service) > 100 {
		return anbao.FieldError("service", "rp.too_long", 100)
	}
	return nil
}

const depColumns = `id, enterprise_id, kind, name, service, critical, created_at, updated_at, version`

func scanDep(sc interface{ Scan(...any) error }) (*Dependency, error) {
	d := &Dependency{}
	err := sc.Scan(&d.ID, &d.EnterpriseID, &d.Kind, &d.Name, &d.Service, &d.Critical, &d.CreatedAt, &d.UpdatedAt, &d.Version)
	return d, err
}

// ListDependencies lists an enterprise's dependencies, critical ones first.
func (s *Store) ListDependencies(ctx context.Context, enterpriseID int64, pg anbao.Page) (*ItemList[*Dependency], error) {
	if err := s.readableEnterprise(ctx, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	pg = pg.Normalize()
	list := &ItemList[*Dependency]{Items: []*Dependency{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM dependencies WHERE enterprise_id = $1",
		enterpriseID).Scan(&list.Total); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+depColumns+` FROM dependencies WHERE enterprise_id = $1
		ORDER BY critical DESC, kind, name, service LIMIT $2 OFFSET $3`, enterpriseID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDep(rows)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, d)
	}
	return list, rows.Err()
}

// GetDependency returns one dependency of an enterprise.
func (s *Store) GetDependency(ctx context.Context, enterpriseID, id int64) (*Dependency, error) {
	if err := s.readableEnterprise(ctx, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	return getDep(ctx, s.read, enterpriseID, id, "")
}

func getDep(ctx context.Context, db queryer, enterpriseID, id int64, lock string) (*Dependency, error) {
	d, err := scanDep(db.QueryRowContext(ctx, "SELECT "+depColumns+
		" FROM dependencies WHERE id = $1 AND enterprise_id = $2"+lock, id, enterpriseID))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("dependency")
	}
	return d, err
}

func depExists(d *Dependency) error {
	return &anbao.Error{Code: anbao.ECONFLICT, Key: "rp.dep.exists", Args: []any{d.Name, d.Service}, Field: "name"}
}

// CreateDependency adds a dependency to the own enterprise's profile.
func (s *Store) CreateDependency(ctx context.Context, enterpriseID int64, in DependencyInput) (*Dependency, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := normalizeDependency(&in); err != nil {
		return nil, err
	}
	var out *Dependency
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		if n, err := t.countOf("dependencies", enterpriseID); err != nil {
			return err
		} else if n >= MaxDependencies {
			return anbao.Errorf(anbao.ECONFLICT, "rp.limit", MaxDependencies)
		}
		now := s.now()
		d := &Dependency{EnterpriseID: enterpriseID, Kind: in.Kind, Name: in.Name, Service: in.Service,
			Critical: in.Critical, CreatedAt: now, UpdatedAt: now, Version: 1}
		err := t.QueryRowContext(ctx, `INSERT INTO dependencies (enterprise_id, kind, name, service, critical,
			created_at, updated_at, version) VALUES ($1,$2,$3,$4,$5,$6,$7,1) RETURNING id`,
			enterpriseID, d.Kind, d.Name, d.Service, d.Critical, now, now).Scan(&d.ID)
		if isUniqueViolation(err) {
			return depExists(d)
		}
		if err != nil {
			return err
		}
		out = d
		return t.audit(auditChange{"dependency.create", "dependency", d.ID, enterpriseID, nil, d})
	})
	return out, err
}

// UpdateDependency replaces a dependency's fields.
func (s *Store) UpdateDependency(ctx context.Context, enterpriseID, id int64, in DependencyInput) (*Dependency, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := normalizeDependency(&in); err != nil {
		return nil, err
	}
	var out *Dependency
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		d, err := getDep(ctx, t, enterpriseID, id, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(in.Version, d.Version); err != nil {
			return err
		}
		before := *d
		d.Kind, d.Name, d.Service, d.Critical = in.Kind, in.Name, in.Service, in.Critical
		if *d == before {
			out = d
			return nil
		}
		d.UpdatedAt, d.Version = s.now(), d.Version+1
		_, err = t.ExecContext(ctx, `UPDATE dependencies SET kind = $1, name = $2, service = $3, critical = $4,
			updated_at = $5, version = $6 WHERE id = $7`, d.Kind, d.Name, d.Service, d.Critical, d.UpdatedAt, d.Version, d.ID)
		if isUniqueViolation(err) {
			return depExists(d)
		}
		if err != nil {
			return err
		}
		out = d
		return t.audit(auditChange{"dependency.update", "dependency", d.ID, enterpriseID, before, d})
	})
	return out, err
}

// DeleteDependency removes a dependency; its last state stays in the audit log.
func (s *Store) DeleteDependency(ctx context.Context, enterpriseID, id int64, version int) error {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		d, err := getDep(ctx, t, enterpriseID, id, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(version, d.Version); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM dependencies WHERE id = $1", d.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"dependency.delete", "dependency", d.ID, enterpriseID, d, nil})
	})
}

// PIBand is a range of the number of individuals whose personal information
// an enterprise holds. Each band includes its lower bound and excludes its upper.
type PIBand string

const (
	PINone      PIBand = "none"     // none
	PIUnder10K  PIBand = "lt_10k"   // 1 – 9,999
	PI10KTo100K PIBand = "10k_100k" // 10,000 – 99,999
	PI100KTo1M  PIBand = "100k_1m"  // 100,000 – 999,999
	PI1MTo10M   PIBand = "1m_10m"   // 1,000,000 – 9,999,999
	PIOver10M   PIBand = "gt_10m"   // 10,000,000 and more
)

// PIBands lists the bands from smallest to largest.
var PIBands = []PIBand{PINone, PIUnder10K, PI10KTo100K, PI100KTo1M, PI1MTo10M, PIOver10M}

// DataHoldings is an enterprise's data and business-continuity facts, one record per enterprise.
type DataHoldings struct {
	EnterpriseID int64  `json:"enterprise_id"`
	PIRecords    PIBand `json:"pi_records"`   // individuals whose personal information is held
	SensitivePI  bool   `json:"sensitive_pi"` // 敏感个人信息 (PIPL art. 28)
	// ImportantData: holds 重要数据 (Data Security Law art. 21).
	ImportantData bool `json:"important_data"`
	// CrossBorder: transfers personal information or important data abroad (数据出境).
	CrossBorder bool `json:"cross_border"`
	// RTOHours and RPOHours are the recovery time and point objectives; nil while unknown.
	RTOHours       *int `json:"rto_hours"`
	RPOHours       *int `json:"rpo_hours"`
	OfflineBackups bool `json:"offline_backups"` // backups kept offline or immutable
	// CreatedAt is "" and Version 0 while the enterprise has declared nothing.
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
}

// DataHoldingsInput is what a caller gives to set the data holdings.
type DataHoldingsInput struct {
	PIRecords      PIBand `json:"pi_records"`
	SensitivePI    bool   `json:"sensitive_pi"`
	ImportantData  bool   `json:"important_data"`
	CrossBorder    bool   `json:"cross_border"`
	RTOHours       *int   `json:"rto_hours"`
	RPOHours       *int   `json:"rpo_hours"`
	OfflineBackups bool   `json:"offline_backups"`
	// Version must equal the stored version (0 when none is stored yet); 0 skips the check.
	Version int `json:"version,omitempty"`
}

// maxRecoveryHours bounds RTO and RPO at a year.
const maxRecoveryHours = 8760

func normalizeHoldings(in *DataHoldingsInput) error {
	in.PIRecords = PIBand(strings.TrimSpace(string(in.PIRecords)))
	if in.PIRecords == "" {
		in.PIRecords = PINone
	}
	valid := false
	for _, b := range PIBands {
		valid = valid || b == in.PIRecords
	}
	if !valid {
		return anbao.FieldError("pi_records", "rp.holdings.band_invalid", in.PIRecords)
	}
	if in.SensitivePI && in.PIRecords == PINone {
		return anbao.FieldError("sensitive_pi", "rp.holdings.sensitive_without_pi")
	}
	for field, v := range map[string]*int{"rto_hours": in.RTOHours, "rpo_hours": in.RPOHours} {
		if v != nil && (*v < 0 || *v > maxRecoveryHours) {
			return anbao.FieldError(field, "rp.holdings.hours_range", maxRecoveryHours)
		}
	}
	return nil
}

const holdingsColumns = `enterprise_id, pi_records, sensitive_pi, important_data, cross_border, rto_hours, rpo_hours,
	offline_backups, created_at, updated_at, version`

func scanHoldings(sc interface{ Scan(...any) error }) (*DataHoldings, error) {
	h := &DataHoldings{}
	var rto, rpo *int64
	err := sc.Scan(&h.EnterpriseID, &h.PIRecords, &h.SensitivePI, &h.ImportantData, &h.CrossBorder, &rto, &rpo,
		&h.OfflineBackups, &h.CreatedAt, &h.UpdatedAt, &h.Version)
	h.RTOHours, h.RPOHours = intPtr(rto), intPtr(rpo)
	return h, err
}

func intPtr(v *int64) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

func getHoldings(ctx context.Context, db queryer, enterpriseID int64, lock string) (*DataHoldings, error) {
	h, err := scanHoldings(db.QueryRowContext(ctx, "SELECT "+holdingsColumns+
		" FROM data_holdings WHERE enterprise_id = $1"+lock, enterpriseID))
	if isNoRows(err) {
		return &DataHoldings{EnterpriseID: enterpriseID, PIRecords: PINone}, nil
	}
	return h, err
}

// GetDataHoldings returns an enterprise's data holdings; Version 0 means none declared yet.
func (s *Store) GetDataHoldings(ctx context.Context, enterpriseID int64) (*DataHoldings, error) {
	if err := s.readableEnterprise(ctx, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	return getHoldings(ctx, s.read, enterpriseID, "")
}

// SetDataHoldings declares or replaces the own enterprise's data holdings.
func (s *Store) SetDataHoldings(ctx context.Context, enterpriseID int64, in DataHoldingsInput) (*DataHoldings, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayEditRiskProfile(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := normalizeHoldings(&in); err != nil {
		return nil, err
	}
	var out *DataHoldings
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterprise(p, enterpriseID); err != nil {
			return err
		}
		h, err := getHoldings(ctx, t, enterpriseID, t.forUpdate())
		if err != nil {
			return err
		}
		if err := checkVersion(in.Version, h.Version); err != nil {
			return err
		}
		before := *h
		h.PIRecords, h.SensitivePI, h.ImportantData, h.CrossBorder = in.PIRecords, in.SensitivePI, in.ImportantData, in.CrossBorder
		h.RTOHours, h.RPOHours, h.OfflineBackups = in.RTOHours, in.RPOHours, in.OfflineBackups
		if before.Version > 0 && sameHoldings(&before, h) {
			out = h
			return nil
		}
		now := s.now()
		h.UpdatedAt, h.Version = now, h.Version+1
		if before.Version == 0 {
			h.CreatedAt = now
			_, err = t.ExecContext(ctx, `INSERT INTO data_holdings (enterprise_id, pi_records, sensitive_pi,
				important_data, cross_border, rto_hours, rpo_hours, offline_backups, created_at, updated_at, version)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,1)`, enterpriseID, h.PIRecords, h.SensitivePI, h.ImportantData,
				h.CrossBorder, h.RTOHours, h.RPOHours, h.OfflineBackups, now, now)
		} else {
			_, err = t.ExecContext(ctx, `UPDATE data_holdings SET pi_records = $1, sensitive_pi = $2, important_data = $3,
				cross_border = $4, rto_hours = $5, rpo_hours = $6, offline_backups = $7, updated_at = $8, version = $9
				WHERE enterprise_id = $10`, h.PIRecords, h.SensitivePI, h.ImportantData, h.CrossBorder, h.RTOHours,
				h.RPOHours, h.OfflineBackups, now, h.Version, enterpriseID)
		}
		if isUniqueViolation(err) {
			// Another request declared them first (SQLite serialises writers, so only PostgreSQL gets here).
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", 1)
		}
		if err != nil {
			return err
		}
		out = h
		var b any
		if before.Version > 0 {
			b = &before
		}
		return t.audit(auditChange{"data_holdings.set", "data_holdings", enterpriseID, enterpriseID, b, h})
	})
	return out, err
}

func sameHoldings(a, b *DataHoldings) bool {
	eq := func(x, y *int) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.PIRecords == b.PIRecords && a.SensitivePI == b.SensitivePI && a.ImportantData == b.ImportantData &&
		a.CrossBorder == b.CrossBorder && eq(a.RTOHours, b.RTOHours) && eq(a.RPOHours, b.RPOHours) &&
		a.OfflineBackups == b.OfflineBackups
}
