package store

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/password"
)

const userColumns = `id, org_id, username, display_name, email, roles, locale, disabled, totp_enabled,
	locked_until, last_login_at, created_at, version`

func scanUser(sc interface{ Scan(...any) error }) (*anbao.User, error) {
	u := &anbao.User{}
	var roles string
	if err := sc.Scan(&u.ID, &u.OrgID, &u.Username, &u.DisplayName, &u.Email, &roles, &u.Locale, &u.Disabled,
		&u.TOTPEnabled, &u.LockedUntil, &u.LastLoginAt, &u.CreatedAt, &u.Version); err != nil {
		return nil, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, anbao.Role(r))
		}
	}
	return u, nil
}

func joinRoles(rs []anbao.Role) string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return strings.Join(ss, ",")
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// normalizeUser checks a user's fields for an organisation of kind k.
func normalizeUser(k anbao.OrgKind, u *anbao.User) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if !usernameRE.MatchString(u.Username) {
		return anbao.FieldError("username", "user.username_invalid")
	}
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if utf8.RuneCountInString(u.DisplayName) > 100 {
		return anbao.FieldError("display_name", "error.too_long", "display_name", 100)
	}
	u.Email = strings.TrimSpace(u.Email)
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
			return anbao.FieldError("email", "user.email_invalid")
		}
	}
	if u.Locale == "" {
		u.Locale = "zh-CN"
	}
	if u.Locale != "zh-CN" && u.Locale != "en" {
		return anbao.FieldError("locale", "user.locale_invalid", u.Locale)
	}
	if len(u.Roles) == 0 {
		return anbao.FieldError("roles", "user.roles_required")
	}
	seen := map[anbao.Role]bool{}
	var roles []anbao.Role
	for _, r := range u.Roles {
		if !anbao.RoleAllowed(k, r) {
			return anbao.FieldError("roles", "user.role_invalid", r, k)
		}
		if !seen[r] {
			seen[r] = true
			roles = append(roles, r)
		}
	}
	u.Roles = roles
	return nil
}

func hashPassword(pw string) (string, error) {
	if err := password.CheckPolicy(pw); err != nil {
		var pe *password.PolicyError
		if errors.As(err, &pe) {
			return "", anbao.FieldError("password", "password."+pe.Reason)
		}
		return "", anbao.FieldError("password", "password.too_short")
	}
	return password.Hash(pw, password.Default)
}

func (t *tx) insertUser(u *anbao.User, hash string) error {
	now := t.s.now()
	u.CreatedAt, u.Version = now, 1
	err := t.QueryRowContext(t.ctx, `INSERT INTO users (org_id, username, display_name, email, roles, locale,
		password_hash, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
		u.OrgID, u.Username, u.DisplayName, u.Email, joinRoles(u.Roles), u.Locale, hash, now, now).Scan(&u.ID)
	if isUniqueViolation(err) {
		return anbao.Errorf(anbao.ECONFLICT, "user.username_taken", u.Username)
	}
	return err
}

// canManageUsersOf reports whether p may manage (or with read, list) users of org.
func canManageUsersOf(p *anbao.Principal, orgID int64, a anbao.Action) bool {
	if !anbao.Can(p, a) {
		return false
	}
	return p.System || p.OrgID == orgID || p.OrgKind == anbao.KindOperator
}

// CreateUser adds a user to an organisation: its own admins, or the operator's.
func (s *Store) CreateUser(ctx context.Context, orgID int64, u *anbao.User, pw string) (*anbao.User, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActUserManage); err != nil {
		return nil, err
	}
	o, err := s.getOrg(ctx, s.read, p, orgID)
	if err != nil {
		return nil, err
	}
	if !canManageUsersOf(p, orgID, anbao.ActUserManage) {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	u.OrgID = orgID
	if err := normalizeUser(o.Kind, u); err != nil {
		return nil, err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		if err := t.insertUser(u, hash); err != nil {
			return err
		}
		return t.audit(auditChange{"user.create", "user", u.ID, orgID, nil, u})
	})
	return u, err
}

// ListUsers lists an organisation's users.
func (s *Store) ListUsers(ctx context.Context, orgID int64, pg anbao.Page) ([]*anbao.User, int, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActUserRead); err != nil {
		return nil, 0, err
	}
	if _, err := s.getOrg(ctx, s.read, p, orgID); err != nil {
		return nil, 0, err
	}
	if !canManageUsersOf(p, orgID, anbao.ActUserRead) {
		return nil, 0, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	pg = pg.Normalize()
	var total int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE org_id = $1", orgID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE org_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
		orgID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	users := []*anbao.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		users = append(users, u)
	}
	return users, total, rows.Err()
}

// GetUser returns a user: oneself, or a user of an organisation one may read users of.
func (s *Store) GetUser(ctx context.Context, id int64) (*anbao.User, error) {
	p := anbao.PrincipalFrom(ctx)
	if p == nil {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized")
	}
	u, err := scanUser(s.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", id))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("user")
	} else if err != nil {
		return nil, err
	}
	if u.ID != p.UserID && !canManageUsersOf(p, u.OrgID, anbao.ActUserRead) {
		return nil, anbao.ErrNotFound("user")
	}
	return u, nil
}

// UserPatch changes some fields of a user; nil fields stay.
type UserPatch struct {
	DisplayName *string       `json:"display_name,omitempty"`
	Email       *string       `json:"email,omitempty"`
	Locale      *string       `json:"locale,omitempty"`
	Roles       *[]anbao.Role `json:"roles,omitempty"`
	Disabled    *bool         `json:"disabled,omitempty"`
	// Unlock clears a lockout after repeated failed logins.
	Unlock bool `json:"unlock,omitempty"`
	// ResetTOTP removes the user's second factor so they enrol again.
	ResetTOTP bool `json:"reset_totp,omitempty"`
	Version   int  `json:"version,omitempty"`
}

// UpdateUser edits a user. Users edit their own name, e-mail and locale; admins
// also roles, disabling, unlocking and second-factor reset, but never their own roles or standing.
func (s *Store) UpdateUser(ctx context.Context, id int64, patch UserPatch) (*anbao.User, error) {
	p := anbao.PrincipalFrom(ctx)
	if p == nil {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized")
	}
	var out *anbao.User
	err := s.inTx(ctx, func(t *tx) error {
		u, err := scanUser(t.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1"+t.forUpdate(), id))
		if isNoRows(err) {
			return anbao.ErrNotFound("user")
		} else if err != nil {
			return err
		}
		self := u.ID == p.UserID
		admin := canManageUsersOf(p, u.OrgID, anbao.ActUserManage)
		if !self && !admin {
			if canManageUsersOf(p, u.OrgID, anbao.ActUserRead) {
				return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
			}
			return anbao.ErrNotFound("user")
		}
		if !self && !anbao.Can(p, anbao.ActUserManage) || self && !anbao.Can(p, anbao.ActAccount) {
			return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
		}
		adminOnly := patch.Roles != nil || patch.Disabled != nil || patch.Unlock || patch.ResetTOTP
		if adminOnly && (self || !admin) {
			return anbao.Errorf(anbao.EFORBIDDEN, "user.self_admin")
		}
		if patch.Version != 0 && patch.Version != u.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", u.Version)
		}
		before := *u
		var kind anbao.OrgKind
		if err := t.QueryRowContext(ctx, "SELECT kind FROM organisations WHERE id = $1", u.OrgID).Scan(&kind); err != nil {
			return err
		}
		if patch.DisplayName != nil {
			u.DisplayName = *patch.DisplayName
		}
		if patch.Email != nil {
			u.Email = *patch.Email
		}
		if patch.Locale != nil {
			u.Locale = *patch.Locale
		}
		if patch.Roles != nil {
			u.Roles = slices.Clone(*patch.Roles)
		}
		if patch.Disabled != nil {
			u.Disabled = *patch.Disabled
		}
		if patch.Unlock {
			u.LockedUntil = ""
		}
		if patch.ResetTOTP {
			u.TOTPEnabled = false
		}
		if err := normalizeUser(kind, u); err != nil {
			return err
		}
		u.Version++
		if _, err := t.ExecContext(ctx, `UPDATE users SET display_name = $1, email = $2, locale = $3, roles = $4,
			disabled = $5, locked_until = $6, failed_logins = CASE WHEN $7 THEN 0 ELSE failed_logins END,
			totp_enabled = $8, totp_secret = CASE WHEN $9 THEN '' ELSE totp_secret END, updated_at = $10, version = $11
			WHERE id = $12`, u.DisplayName, u.Email, u.Locale, joinRoles(u.Roles), u.Disabled, u.LockedUntil,
			patch.Unlock, u.TOTPEnabled, patch.ResetTOTP, s.now(), u.Version, u.ID); err != nil {
			return err
		}
		if u.Disabled || patch.ResetTOTP || patch.Roles != nil {
			if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", u.ID); err != nil {
				return err
			}
		}
		out = u
		return t.audit(auditChange{"user.update", "user", u.ID, u.OrgID, before, u})
	})
	return out, err
}
