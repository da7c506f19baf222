package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

const orgColumns = `id, kind, status, uscc, name_zh, name_en, jurisdiction, registration_division, uscc_override,
	require_totp, industry, size, revenue_fen, employees, cii, specialised, central_organ, created_at, updated_at, version`

func scanOrg(sc interface{ Scan(...any) error }) (*anbao.Organisation, error) {
	o := &anbao.Organisation{}
	pr := &anbao.EnterpriseProfile{}
	if err := sc.Scan(&o.ID, &o.Kind, &o.Status, &o.USCC, &o.NameZH, &o.NameEN, &o.Jurisdiction,
		&o.RegistrationDivision, &o.USCCOverride, &o.RequireTOTP, &pr.Industry, &pr.Size, &pr.RevenueFen,
		&pr.Employees, &pr.CII, &pr.Specialised, &pr.CentralOrgan, &o.CreatedAt, &o.UpdatedAt, &o.Version); err != nil {
		return nil, err
	}
	if o.Kind == anbao.KindEnterprise {
		o.Profile = pr
	}
	return o, nil
}

// visibleOrgs restricts a query on organisations (alias o) to what p may see:
// its own organisation; everything for the operator; other participants when
// active; enterprises only within p's enterprise scope.
func visibleOrgs(p *anbao.Principal, w *where) {
	if p.System {
		return
	}
	if p.OrgKind == anbao.KindOperator {
		if !anbao.Can(p, anbao.ActEnterpriseRead) {
			// Expert reviewers see the participants, not the enterprises, unless assigned.
			w.add("(o.id = ? OR o.kind <> 'enterprise')", p.OrgID)
		}
		return
	}
	cond := "(o.id = ? OR (o.status = 'active' AND (o.kind <> 'enterprise'"
	args := []any{p.OrgID}
	if anbao.Can(p, anbao.ActEnterpriseRead) {
		switch p.OrgKind {
		case anbao.KindRegulator:
			if p.Jurisdiction == "" {
				cond += " OR o.kind = 'enterprise'"
			} else {
				cond += " OR o.jurisdiction = ?"
				args = append(args, p.Jurisdiction)
			}
		case anbao.KindInsurer, anbao.KindProvider:
			cond += " OR EXISTS (SELECT 1 FROM relationships r WHERE r.party_org_id = ? AND r.enterprise_id = o.id AND r.ended_at = '')"
			args = append(args, p.OrgID)
		}
	}
	w.add(cond+")))", args...)
}

// GetOrganisation returns one organisation the principal may see; any other reads as not found.
func (s *Store) GetOrganisation(ctx context.Context, id int64) (*anbao.Organisation, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgRead); err != nil {
		return nil, err
	}
	return s.getOrg(ctx, s.read, p, id)
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (s *Store) getOrg(ctx context.Context, db queryer, p *anbao.Principal, id int64) (*anbao.Organisation, error) {
	return s.getOrgLocked(ctx, db, p, id, "")
}

// getOrgLocked reads an organisation with a locking clause (see tx.forUpdate).
func (s *Store) getOrgLocked(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*anbao.Organisation, error) {
	var w where
	w.add("o.id = ?", id)
	visibleOrgs(p, &w)
	o, err := scanOrg(db.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations o"+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("organisation")
	}
	return o, err
}

// ListOrganisations lists the organisations the principal may see that match f.
func (s *Store) ListOrganisations(ctx context.Context, f anbao.OrgFilter) (*anbao.OrgList, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgRead); err != nil {
		return nil, err
	}
	if err := validateOrgFilter(&f); err != nil {
		return nil, err
	}
	var w where
	visibleOrgs(p, &w)
	if f.Kind != "" {
		w.add("o.kind = ?", f.Kind)
	}
	if f.Status != "" {
		w.add("o.status = ?", f.Status)
	}
	if f.Jurisdiction != "" {
		w.add("o.jurisdiction = ?", f.Jurisdiction)
	}
	if f.Industry != "" {
		if len(f.Industry) == 1 { // a section letter: all its divisions
			var codes []any
			for _, d := range refdata.DivisionsOf(f.Industry) {
				codes = append(codes, d.Code)
			}
			w.add("o.industry IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(codes)), ", ")+")", codes...)
		} else {
			w.add("o.industry = ?", f.Industry)
		}
	}
	if f.Size != "" {
		w.add("o.size = ?", f.Size)
	}
	if f.CII != nil {
		w.add("o.cii = ?", *f.CII)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		w.add(`(lower(o.name_zh) LIKE ? ESCAPE '\' OR lower(o.name_en) LIKE ? ESCAPE '\' OR lower(o.uscc) LIKE ? ESCAPE '\')`, like, like, like)
	}
	list := &anbao.OrgList{Items: []*anbao.Organisation{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM organisations o"+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + orgColumns + " FROM organisations o" + w.String() + " ORDER BY o.id LIMIT " +
		w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	rows, err := s.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, o)
	}
	return list, rows.Err()
}

func validateOrgFilter(f *anbao.OrgFilter) error {
	f.Page = f.Page.Normalize()
	if f.Kind != "" && !f.Kind.Valid() {
		return anbao.FieldError("kind", "org.kind_invalid", f.Kind)
	}
	switch f.Status {
	case "", anbao.OrgPending, anbao.OrgActive, anbao.OrgRejected, anbao.OrgSuspended:
	default:
		return anbao.FieldError("status", "org.status_invalid", f.Status)
	}
	if f.Jurisdiction != "" {
		if _, ok := refdata.JurisdictionByCode(f.Jurisdiction); !ok {
			return anbao.FieldError("jurisdiction", "org.jurisdiction_unknown", f.Jurisdiction)
		}
	}
	if f.Industry != "" {
		if len(f.Industry) == 1 {
			if _, ok := refdata.SectionByCode(f.Industry); !ok {
				return anbao.FieldError("industry", "org.industry_unknown", f.Industry)
			}
		} else if _, ok := refdata.DivisionByCode(f.Industry); !ok {
			return anbao.FieldError("industry", "org.industry_unknown", f.Industry)
		}
	}
	if f.Size != "" && !f.Size.Valid() {
		return anbao.FieldError("size", "org.size_invalid", f.Size)
	}
	if utf8.RuneCountInString(f.Query) > 100 {
		return anbao.FieldError("q", "error.too_long", "q", 100)
	}
	return nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
