package store

import (
	"context"
	"fmt"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/password"
)

// IsEmpty reports whether no organisation exists yet.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM organisations").Scan(&n)
	return n == 0, err
}

// LoadDemo fills an empty database with a generated pilot in one transaction,
// recorded in the audit log as one entry. Every demo user shares demo.Password;
// it is hashed once so that loading stays fast.
func (s *Store) LoadDemo(ctx context.Context, pilot *demo.Pilot) error {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return anbao.Errorf(anbao.ECONFLICT, "demo.not_empty")
	}
	hash, err := password.Hash(demo.Password, password.Default)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(t *tx) error {
		insOrg, err := t.PrepareContext(ctx, `INSERT INTO organisations (kind, status, uscc, name_zh, name_en, jurisdiction,
			registration_division, uscc_override, require_totp, industry, size, revenue_fen, employees, cii, specialised,
			central_organ, created_at, updated_at, version)
			VALUES ($1,$2,$3,$4,$5,$6,$7,'',$8,$9,$10,$11,$12,$13,$14,$15,$16,$16,1) RETURNING id`)
		if err != nil {
			return err
		}
		defer insOrg.Close()
		now := s.now()
		ids := make([]int64, len(pilot.Orgs))
		for i, o := range pilot.Orgs {
			if err := normalizeOrg(p, o, ""); err != nil {
				return fmt.Errorf("demo organisation %d (%s): %w", i, o.NameZH, err)
			}
			pr := o.Profile
			if pr == nil {
				pr = &anbao.EnterpriseProfile{}
			}
			if err := insOrg.QueryRowContext(ctx, o.Kind, o.Status, o.USCC, o.NameZH, o.NameEN, o.Jurisdiction,
				o.RegistrationDivision, o.RequireTOTP, pr.Industry, pr.Size, pr.RevenueFen, pr.Employees, pr.CII,
				pr.Specialised, pr.CentralOrgan, now).Scan(&ids[i]); err != nil {
				return fmt.Errorf("demo organisation %d: %w", i, err)
			}
		}
		insUser, err := t.PrepareContext(ctx, `INSERT INTO users (org_id, username, display_name, email, roles, locale,
			password_hash, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8)`)
		if err != nil {
			return err
		}
		defer insUser.Close()
		for _, du := range pilot.Users {
			u := &anbao.User{Username: du.Username, DisplayName: du.DisplayName, Email: du.Email, Roles: du.Roles, Locale: du.Locale}
			if err := normalizeUser(pilot.Orgs[du.OrgRef].Kind, u); err != nil {
				return fmt.Errorf("demo user %s: %w", du.Username, err)
			}
			if _, err := insUser.ExecContext(ctx, ids[du.OrgRef], u.Username, u.DisplayName, u.Email,
				joinRoles(u.Roles), u.Locale, hash, now); err != nil {
				return fmt.Errorf("demo user %s: %w", du.Username, err)
			}
		}
		insRel, err := t.PrepareContext(ctx, `INSERT INTO relationships (party_org_id, enterprise_id, kind, started_at, assessment) VALUES ($1,$2,$3,$4,TRUE)`)
		if err != nil {
			return err
		}
		defer insRel.Close()
		for _, r := range pilot.Relationships {
			if _, err := insRel.ExecContext(ctx, ids[r.PartyRef], ids[r.EnterpriseRef], r.Kind, now); err != nil {
				return fmt.Errorf("demo relationship: %w", err)
			}
		}
		return t.audit(auditChange{"demo.load", "platform", "demo", 0, nil, map[string]any{
			"organisations": demo.Summary(pilot), "users": len(pilot.Users), "relationships": len(pilot.Relationships)}})
	})
	if err != nil {
		return err
	}
	return s.Optimize(ctx) // the tables went from empty to full: plan with fresh statistics
}
