package store

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/uscc"
)

// USCCErrorKey maps a uscc fault to its message key.
func USCCErrorKey(err error) *anbao.Error {
	var ue *uscc.Error
	if !errors.As(err, &ue) {
		return anbao.FieldError("uscc", "uscc.invalid")
	}
	switch ue.Kind {
	case "length":
		return anbao.FieldError("uscc", "uscc.length")
	case "charset":
		return anbao.FieldError("uscc", "uscc.charset", ue.Pos, string(ue.Got))
	case "org_code_check":
		return anbao.FieldError("uscc", "uscc.org_code_check", string(ue.Want), string(ue.Got))
	case "check_char":
		return anbao.FieldError("uscc", "uscc.check_char", string(ue.Want), string(ue.Got))
	}
	return anbao.FieldError("uscc", "uscc.invalid")
}

// validateUSCC parses a code; a checksum failure passes only with an override
// reason from a principal allowed to give one.
func validateUSCC(p *anbao.Principal, raw, override string) (*uscc.Code, string, error) {
	override = strings.TrimSpace(override)
	if strings.TrimSpace(raw) == "" {
		return nil, "", anbao.FieldError("uscc", "uscc.required")
	}
	c, err := uscc.Parse(raw)
	if err != nil {
		return nil, "", USCCErrorKey(err)
	}
	if err := c.Checksum(); err != nil {
		if override == "" {
			e := USCCErrorKey(err)
			e.Key += "_overridable"
			return nil, "", e
		}
		if !anbao.Can(p, anbao.ActUSCCOverride) {
			return nil, "", anbao.Errorf(anbao.EFORBIDDEN, "uscc.override_forbidden")
		}
		if utf8.RuneCountInString(override) < 5 || utf8.RuneCountInString(override) > 500 {
			return nil, "", anbao.FieldError("uscc_override", "uscc.override_reason")
		}
		return c, override, nil
	}
	return c, "", nil // a valid code needs no override; a stray reason is dropped
}

func validateName(field, v string, required bool, max int) error {
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	if required && n < 2 {
		return anbao.FieldError(field, "error.required", field)
	}
	if n > max {
		return anbao.FieldError(field, "error.too_long", field, max)
	}
	return nil
}

func validateJurisdiction(kind anbao.OrgKind, code string) error {
	if code == "" {
		if kind == anbao.KindRegulator || kind == anbao.KindOperator {
			return nil // national
		}
		return anbao.FieldError("jurisdiction", "error.required", "jurisdiction")
	}
	j, ok := refdata.JurisdictionByCode(code)
	if !ok {
		return anbao.FieldError("jurisdiction", "org.jurisdiction_unknown", code)
	}
	if !j.Active {
		return anbao.FieldError("jurisdiction", "org.jurisdiction_inactive", code)
	}
	return nil
}

// maxRevenueFen bounds revenue at 100 trillion yuan: far above any enterprise, far below int64 overflow in sums.
const maxRevenueFen = 100_000_000_000_000_00

func validateProfile(pr *anbao.EnterpriseProfile) error {
	if pr == nil {
		return anbao.FieldError("profile", "error.required", "profile")
	}
	if _, ok := refdata.DivisionByCode(pr.Industry); !ok {
		return anbao.FieldError("industry", "org.industry_unknown", pr.Industry)
	}
	if !pr.Size.Valid() {
		return anbao.FieldError("size", "org.size_invalid", pr.Size)
	}
	if pr.RevenueFen < 0 || pr.RevenueFen > maxRevenueFen {
		return anbao.FieldError("revenue_fen", "org.revenue_range")
	}
	if pr.Employees < 0 || pr.Employees > 5_000_000 {
		return anbao.FieldError("employees", "org.employees_range")
	}
	return nil
}

// normalizeOrg checks and cleans an organisation for insertion.
func normalizeOrg(p *anbao.Principal, o *anbao.Organisation, override string) error {
	if !o.Kind.Valid() {
		return anbao.FieldError("kind", "org.kind_invalid", o.Kind)
	}
	o.NameZH, o.NameEN = strings.TrimSpace(o.NameZH), strings.TrimSpace(o.NameEN)
	if err := validateName("name_zh", o.NameZH, true, 100); err != nil {
		return err
	}
	if err := validateName("name_en", o.NameEN, false, 200); err != nil {
		return err
	}
	c, reason, err := validateUSCC(p, o.USCC, override)
	if err != nil {
		return err
	}
	o.USCC, o.RegistrationDivision, o.USCCOverride = c.Raw, c.Division, reason
	if o.Jurisdiction == "" && o.Kind != anbao.KindRegulator && o.Kind != anbao.KindOperator {
		// Default the jurisdiction from the registering authority's division.
		if j, ok := refdata.JurisdictionForDivision(c.Division); ok && j.Active {
			o.Jurisdiction = j.Code
		}
	}
	if err := validateJurisdiction(o.Kind, o.Jurisdiction); err != nil {
		return err
	}
	if o.Kind == anbao.KindEnterprise {
		if err := validateProfile(o.Profile); err != nil {
			return err
		}
	} else {
		o.Profile = nil
	}
	return nil
}

func (t *tx) insertOrg(o *anbao.Organisation) error {
	pr := o.Profile
	if pr == nil {
		pr = &anbao.EnterpriseProfile{}
	}
	now := t.s.now()
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	err := t.QueryRowContext(t.ctx, `INSERT INTO organisations (kind, status, uscc, name_zh, name_en, jurisdiction,
		registration_division, uscc_override, require_totp, industry, size, revenue_fen, employees, cii, specialised,
		central_organ, created_at, updated_at, version)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,1) RETURNING id`,
		o.Kind, o.Status, o.USCC, o.NameZH, o.NameEN, o.Jurisdiction, o.RegistrationDivision, o.USCCOverride,
		o.RequireTOTP, pr.Industry, pr.Size, pr.RevenueFen, pr.Employees, pr.CII, pr.Specialised, pr.CentralOrgan,
		now, now).Scan(&o.ID)
	if isUniqueViolation(err) {
		return anbao.Errorf(anbao.ECONFLICT, "org.uscc_taken", o.USCC)
	}
	return err
}

// CreateOrganisation registers an organisation directly, active at once (operators only).
// override is the reason for accepting a USCC whose checksum fails ("" for none).
func (s *Store) CreateOrganisation(ctx context.Context, o *anbao.Organisation, override string) (*anbao.Organisation, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgCreate); err != nil {
		return nil, err
	}
	o.Status = anbao.OrgActive
	if err := normalizeOrg(p, o, override); err != nil {
		return nil, err
	}
	if (o.Kind == anbao.KindOperator || o.Kind == anbao.KindRegulator) && s.RequireTOTPByDefault {
		o.RequireTOTP = true
	}
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.insertOrg(o); err != nil {
			return err
		}
		if o.USCCOverride != "" {
			if err := t.audit(auditChange{"uscc.override", "organisation", o.ID, o.ID, nil,
				map[string]string{"uscc": o.USCC, "reason": o.USCCOverride}}); err != nil {
				return err
			}
		}
		return t.audit(auditChange{"org.create", "organisation", o.ID, o.ID, nil, o})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Registration is a self-service application: an organisation and its first admin.
type Registration struct {
	Org      anbao.Organisation
	Admin    anbao.User
	Password string
}

// RegisterOrganisation records an application, pending until an operator approves it.
// Anyone may apply; the admin can log in but sees only the pending state until approval.
func (s *Store) RegisterOrganisation(ctx context.Context, r *Registration) (*anbao.Organisation, *anbao.User, error) {
	p := anbao.PrincipalFrom(ctx)
	o, u := &r.Org, &r.Admin
	if o.Kind == anbao.KindOperator {
		return nil, nil, anbao.FieldError("kind", "org.kind_not_registrable", o.Kind)
	}
	if o.Kind == anbao.KindRegulator && strings.TrimSpace(o.Jurisdiction) == "" {
		// National regulators are set up by the operator, never by application.
		return nil, nil, anbao.FieldError("jurisdiction", "error.required", "jurisdiction")
	}
	o.Status = anbao.OrgPending
	if err := normalizeOrg(p, o, ""); err != nil {
		return nil, nil, err
	}
	if o.Kind == anbao.KindRegulator && s.RequireTOTPByDefault {
		o.RequireTOTP = true
	}
	u.Roles = []anbao.Role{anbao.RoleAdmin}
	if err := normalizeUser(o.Kind, u); err != nil {
		return nil, nil, err
	}
	hash, err := hashPassword(r.Password)
	if err != nil {
		return nil, nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		if err := t.insertOrg(o); err != nil {
			return err
		}
		u.OrgID = o.ID
		if err := t.insertUser(u, hash); err != nil {
			return err
		}
		if err := t.audit(auditChange{"org.register", "organisation", o.ID, o.ID, nil, o}); err != nil {
			return err
		}
		return t.audit(auditChange{"user.create", "user", u.ID, o.ID, nil, u})
	})
	if err != nil {
		return nil, nil, err
	}
	return o, u, nil
}

// OrgDecision is an operator's decision on an organisation's standing.
type OrgDecision string

const (
	DecisionApprove    OrgDecision = "approve"    // pending → active
	DecisionReject     OrgDecision = "reject"     // pending → rejected
	DecisionSuspend    OrgDecision = "suspend"    // active → suspended
	DecisionReactivate OrgDecision = "reactivate" // suspended → active
)

var decisionMoves = map[OrgDecision][2]anbao.OrgStatus{
	DecisionApprove:    {anbao.OrgPending, anbao.OrgActive},
	DecisionReject:     {anbao.OrgPending, anbao.OrgRejected},
	DecisionSuspend:    {anbao.OrgActive, anbao.OrgSuspended},
	DecisionReactivate: {anbao.OrgSuspended, anbao.OrgActive},
}

// DecideOrganisation applies an operator decision with its reason.
func (s *Store) DecideOrganisation(ctx context.Context, id int64, d OrgDecision, reason string) (*anbao.Organisation, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgApprove); err != nil {
		return nil, err
	}
	move, ok := decisionMoves[d]
	if !ok {
		return nil, anbao.FieldError("decision", "org.decision_invalid", d)
	}
	reason = strings.TrimSpace(reason)
	if d != DecisionApprove && utf8.RuneCountInString(reason) < 2 {
		return nil, anbao.FieldError("reason", "error.required", "reason")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return nil, anbao.FieldError("reason", "error.too_long", "reason", 500)
	}
	var out *anbao.Organisation
	err := s.inTx(ctx, func(t *tx) error {
		o, err := s.getOrgLocked(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if o.ID == p.OrgID {
			return anbao.Errorf(anbao.ECONFLICT, "org.decide_own")
		}
		if o.Status != move[0] {
			return anbao.Errorf(anbao.ECONFLICT, "org.decision_state", d, o.Status)
		}
		before := *o
		o.Status, o.UpdatedAt, o.Version = move[1], s.now(), o.Version+1
		if _, err := t.ExecContext(ctx, "UPDATE organisations SET status = $1, updated_at = $2, version = $3 WHERE id = $4",
			o.Status, o.UpdatedAt, o.Version, o.ID); err != nil {
			return err
		}
		if d == DecisionSuspend {
			// Suspension ends every session of the organisation's users at once.
			if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE org_id = $1)", o.ID); err != nil {
				return err
			}
		}
		out = o
		return t.audit(auditChange{"org." + string(d), "organisation", o.ID, o.ID,
			map[string]any{"status": before.Status}, map[string]any{"status": o.Status, "reason": reason}})
	})
	return out, err
}

// OrgPatch changes some fields of an organisation; nil fields stay as they are.
type OrgPatch struct {
	NameZH       *string                  `json:"name_zh,omitempty"`
	NameEN       *string                  `json:"name_en,omitempty"`
	Jurisdiction *string                  `json:"jurisdiction,omitempty"`
	RequireTOTP  *bool                    `json:"require_totp,omitempty"`
	Profile      *anbao.EnterpriseProfile `json:"profile,omitempty"`
	// Version must equal the stored version (optimistic concurrency); 0 skips the check.
	Version int `json:"version,omitempty"`
}

// UpdateOrganisation edits an organisation: its own admins, or the operator's.
// The USCC and the kind never change; a wrong code is a new registration.
func (s *Store) UpdateOrganisation(ctx context.Context, id int64, patch OrgPatch) (*anbao.Organisation, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgUpdate); err != nil {
		return nil, err
	}
	var out *anbao.Organisation
	err := s.inTx(ctx, func(t *tx) error {
		o, err := s.getOrgLocked(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if o.ID != p.OrgID && !p.System && p.OrgKind != anbao.KindOperator {
			return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
		}
		if patch.Version != 0 && patch.Version != o.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", o.Version)
		}
		before := *o
		if before.Profile != nil {
			pr := *before.Profile
			before.Profile = &pr
		}
		if patch.NameZH != nil {
			o.NameZH = strings.TrimSpace(*patch.NameZH)
		}
		if patch.NameEN != nil {
			o.NameEN = strings.TrimSpace(*patch.NameEN)
		}
		if patch.Jurisdiction != nil {
			// A jurisdiction decides who supervises and who sees a record: only the operator moves it.
			if *patch.Jurisdiction != o.Jurisdiction && p.OrgKind != anbao.KindOperator && !p.System {
				return anbao.Errorf(anbao.EFORBIDDEN, "org.jurisdiction_locked")
			}
			o.Jurisdiction = *patch.Jurisdiction
		}
		if patch.RequireTOTP != nil {
			o.RequireTOTP = *patch.RequireTOTP
		}
		if patch.Profile != nil {
			if o.Kind != anbao.KindEnterprise {
				return anbao.FieldError("profile", "org.profile_enterprise_only")
			}
			o.Profile = patch.Profile
		}
		if err := validateName("name_zh", o.NameZH, true, 100); err != nil {
			return err
		}
		if err := validateName("name_en", o.NameEN, false, 200); err != nil {
			return err
		}
		if err := validateJurisdiction(o.Kind, o.Jurisdiction); err != nil {
			return err
		}
		if o.Kind == anbao.KindEnterprise {
			if err := validateProfile(o.Profile); err != nil {
				return err
			}
		}
		o.UpdatedAt, o.Version = s.now(), o.Version+1
		pr := o.Profile
		if pr == nil {
			pr = &anbao.EnterpriseProfile{}
		}
		res, err := t.ExecContext(ctx, `UPDATE organisations SET name_zh = $1, name_en = $2, jurisdiction = $3,
			require_totp = $4, industry = $5, size = $6, revenue_fen = $7, employees = $8, cii = $9, specialised = $10,
			central_organ = $11, updated_at = $12, version = $13 WHERE id = $14 AND version = $15`,
			o.NameZH, o.NameEN, o.Jurisdiction, o.RequireTOTP, pr.Industry, pr.Size, pr.RevenueFen, pr.Employees,
			pr.CII, pr.Specialised, pr.CentralOrgan, o.UpdatedAt, o.Version, o.ID, o.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", o.Version-1)
		}
		out = o
		return t.audit(auditChange{"org.update", "organisation", o.ID, o.ID, before, o})
	})
	return out, err
}

// RelationshipKind is why a party may see an enterprise.
type RelationshipKind string

const (
	RelConsent    RelationshipKind = "consent"    // the enterprise consented to an insurer (submission, policy)
	RelEngagement RelationshipKind = "engagement" // a provider is engaged on the enterprise
)

// AddRelationship records that an insurer or provider may see an enterprise (operators; later
// issues create relationships from submissions, policies and service orders).
func (s *Store) AddRelationship(ctx context.Context, partyID, enterpriseID int64, kind RelationshipKind) error {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgCreate); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		party, err := s.getOrg(ctx, t, p, partyID)
		if err != nil {
			return err
		}
		ent, err := s.getOrg(ctx, t, p, enterpriseID)
		if err != nil {
			return err
		}
		want := map[RelationshipKind]anbao.OrgKind{RelConsent: anbao.KindInsurer, RelEngagement: anbao.KindProvider}[kind]
		if want == "" || party.Kind != want || ent.Kind != anbao.KindEnterprise {
			return anbao.FieldError("kind", "org.relationship_invalid", kind)
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO relationships (party_org_id, enterprise_id, kind, started_at)
			VALUES ($1, $2, $3, $4)`, partyID, enterpriseID, kind, s.now()); err != nil {
			if isUniqueViolation(err) {
				return anbao.Errorf(anbao.ECONFLICT, "org.relationship_exists")
			}
			return err
		}
		return t.audit(auditChange{"relationship.create", "organisation", enterpriseID, enterpriseID, nil,
			map[string]any{"party": partyID, "enterprise": enterpriseID, "kind": kind}})
	})
}
