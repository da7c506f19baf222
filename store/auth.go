package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/password"
	"github.com/anbao/anbao/totp"
)

// Login throttling: after MaxFailedLogins wrong passwords in a row an account is
// locked for LockoutDuration. Every lockout is audited.
const (
	MaxFailedLogins = 5
	LockoutDuration = 15 * time.Minute
	SessionTTL      = 12 * time.Hour
	SessionIdle     = 2 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
)

// dummyHash keeps the time of a login for an unknown user like that of a known
// one. It is made on first use: every process need not pay for an argon2 hash.
var dummyHash = sync.OnceValue(func() string {
	h, _ := password.Hash("anbao-timing-equaliser", password.Default)
	return h
})

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Session is a server-side login session.
type Session struct {
	Token      string // the cookie value; only known at creation
	CSRF       string
	UserID     int64
	MFAPending bool // password given, second factor still due
	// MustEnrolTOTP is set when the organisation requires a second factor the user lacks.
	MustEnrolTOTP bool
	ExpiresAt     time.Time
}

type authRow struct {
	user      *anbao.User
	hash      string
	failed    int
	orgKind   anbao.OrgKind
	orgStatus anbao.OrgStatus
	orgJur    string
	reqTOTP   bool
	secret    string
	lastStep  int64
}

const authColumns = `u.id, u.org_id, u.username, u.display_name, u.email, u.roles, u.locale,
	u.disabled, u.totp_enabled, u.locked_until, u.last_login_at, u.created_at, u.version,
	u.password_hash, u.failed_logins, o.kind, o.status, o.jurisdiction, o.require_totp, u.totp_secret, u.totp_last_step`

func (s *Store) loadAuth(ctx context.Context, db queryer, where string, arg any) (*authRow, error) {
	return scanAuth(db.QueryRowContext(ctx, "SELECT "+authColumns+" FROM users u JOIN organisations o ON o.id = u.org_id WHERE "+where, arg))
}

// scanAuth reads authColumns, then any extra columns into extra.
func scanAuth(row interface{ Scan(...any) error }, extra ...any) (*authRow, error) {
	r := &authRow{}
	var roles string
	u := &anbao.User{}
	dest := []any{&u.ID, &u.OrgID, &u.Username, &u.DisplayName, &u.Email, &roles, &u.Locale, &u.Disabled,
		&u.TOTPEnabled, &u.LockedUntil, &u.LastLoginAt, &u.CreatedAt, &u.Version, &r.hash, &r.failed,
		&r.orgKind, &r.orgStatus, &r.orgJur, &r.reqTOTP, &r.secret, &r.lastStep}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	for _, x := range strings.Split(roles, ",") {
		if x != "" {
			u.Roles = append(u.Roles, anbao.Role(x))
		}
	}
	r.user = u
	return r, nil
}

func (r *authRow) principal() *anbao.Principal {
	return &anbao.Principal{UserID: r.user.ID, Username: r.user.Username, OrgID: r.user.OrgID,
		OrgKind: r.orgKind, Jurisdiction: r.orgJur, Roles: r.user.Roles}
}

// standingError says why an account that knows its password still may not act.
func (r *authRow) standingError() error {
	switch {
	case r.user.Disabled:
		return anbao.Errorf(anbao.EFORBIDDEN, "auth.disabled")
	case r.orgStatus == anbao.OrgPending:
		return anbao.Errorf(anbao.EFORBIDDEN, "auth.org_pending")
	case r.orgStatus != anbao.OrgActive:
		return anbao.Errorf(anbao.EFORBIDDEN, "auth.org_suspended")
	}
	return nil
}

// Login checks a username and password and opens a session. The session is
// MFA-pending when the user has a second factor; the caller then asks for it.
func (s *Store) Login(ctx context.Context, username, pw, ip, userAgent string) (*Session, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" || pw == "" || len(pw) > 1024 || len(username) > 64 {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.invalid_credentials")
	}
	var sess *Session
	var loginErr error
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.lockUser(0, username); err != nil {
			return err
		}
		r, err := s.loadAuth(ctx, t, "u.username = $1", username)
		if isNoRows(err) {
			password.Verify(pw, dummyHash())
			loginErr = anbao.Errorf(anbao.EUNAUTHORIZED, "auth.invalid_credentials")
			return nil
		} else if err != nil {
			return err
		}
		u := r.user
		actx := anbao.WithPrincipal(ctx, r.principal())
		at := &tx{Tx: t.Tx, s: s, ctx: actx}
		now := s.Now()
		if u.LockedUntil != "" && u.LockedUntil > anbao.FormatTime(now) {
			loginErr = anbao.Errorf(anbao.ETOOMANY, "auth.locked", u.LockedUntil)
			return nil
		}
		ok, rehash, err := password.Verify(pw, r.hash)
		if err != nil {
			return err
		}
		if !ok {
			r.failed++
			locked := ""
			action := "user.login_failed"
			if r.failed >= MaxFailedLogins {
				locked, action = anbao.FormatTime(now.Add(LockoutDuration)), "user.locked"
			}
			if _, err := t.ExecContext(ctx, "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
				r.failed%MaxFailedLogins, locked, u.ID); err != nil {
				return err
			}
			loginErr = anbao.Errorf(anbao.EUNAUTHORIZED, "auth.invalid_credentials")
			return at.audit(auditChange{action, "user", u.ID, u.OrgID, nil,
				map[string]any{"failed_logins": r.failed, "locked_until": locked, "ip": ip}})
		}
		if err := r.standingError(); err != nil {
			loginErr = err
			return nil
		}
		if rehash {
			if h, err := password.Hash(pw, password.Default); err == nil {
				if _, err := t.ExecContext(ctx, "UPDATE users SET password_hash = $1 WHERE id = $2", h, u.ID); err != nil {
					return err
				}
			}
		}
		sess = &Session{Token: randomToken(32), CSRF: randomToken(24), UserID: u.ID, MFAPending: u.TOTPEnabled,
			MustEnrolTOTP: r.reqTOTP && !u.TOTPEnabled, ExpiresAt: now.Add(SessionTTL)}
		nowS := anbao.FormatTime(now)
		if _, err := t.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_pending, created_at,
			expires_at, last_seen_at, ip, user_agent) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			hashSecret(sess.Token), u.ID, sess.CSRF, sess.MFAPending, nowS, anbao.FormatTime(sess.ExpiresAt), nowS,
			ip, truncate(userAgent, 200)); err != nil {
			return err
		}
		// Failures are forgiven only once the login is complete: a password alone
		// must not reset the count of wrong second-factor codes.
		if _, err := t.ExecContext(ctx, `UPDATE users SET failed_logins = CASE WHEN $1 THEN failed_logins ELSE 0 END,
			locked_until = '', last_login_at = $2 WHERE id = $3`, sess.MFAPending, nowS, u.ID); err != nil {
			return err
		}
		action := "user.login"
		if sess.MFAPending {
			action = "user.login_password"
		}
		return at.audit(auditChange{action, "user", u.ID, u.OrgID, nil, map[string]any{"ip": ip}})
	})
	if err != nil {
		return nil, err
	}
	if loginErr != nil {
		return nil, loginErr
	}
	return sess, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// SessionPrincipal resolves a session cookie to its principal and session. A
// missing, expired or idle session, a disabled user and an inactive
// organisation all answer EUNAUTHORIZED.
func (s *Store) SessionPrincipal(ctx context.Context, token string) (*anbao.Principal, *Session, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.session_expired")
	}
	id := hashSecret(token)
	var csrf, expires, lastSeen string
	var mfa bool
	// One query for the session, its user and the organisation: this runs on every request.
	r, err := scanAuth(s.read.QueryRowContext(ctx, "SELECT "+authColumns+`, s.csrf_token, s.mfa_pending, s.expires_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id WHERE s.id_hash = $1`, id),
		&csrf, &mfa, &expires, &lastSeen)
	now := s.Now()
	if isNoRows(err) {
		return nil, nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.session_expired")
	} else if err != nil {
		return nil, nil, err
	}
	nowS := anbao.FormatTime(now)
	if expires <= nowS || lastSeen < anbao.FormatTime(now.Add(-SessionIdle)) {
		s.write.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = $1", id)
		return nil, nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.session_expired")
	}
	userID := r.user.ID
	if err := r.standingError(); err != nil {
		return nil, nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.session_expired")
	}
	// Touch the session at most once a minute: reads should not all turn into writes.
	if lastSeen < anbao.FormatTime(now.Add(-time.Minute)) {
		if _, err := s.write.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2", nowS, id); err != nil {
			return nil, nil, err
		}
	}
	exp, _ := anbao.ParseTime(expires)
	p := r.principal()
	p.SessionID = id
	return p, &Session{CSRF: csrf, UserID: userID, MFAPending: mfa, MustEnrolTOTP: r.reqTOTP && !r.user.TOTPEnabled, ExpiresAt: exp}, nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, token string) error {
	p := anbao.PrincipalFrom(ctx)
	return s.inTx(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = $1", hashSecret(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || p == nil {
			return nil
		}
		return t.audit(auditChange{"user.logout", "user", p.UserID, p.OrgID, nil, nil})
	})
}

// CompleteMFA checks the second factor of an MFA-pending session and clears the pending flag.
func (s *Store) CompleteMFA(ctx context.Context, token, code string) error {
	return s.inTx(ctx, func(t *tx) error {
		id := hashSecret(token)
		var userID int64
		var pending bool
		err := t.QueryRowContext(ctx, "SELECT user_id, mfa_pending FROM sessions WHERE id_hash = $1"+t.forUpdate(), id).Scan(&userID, &pending)
		if isNoRows(err) {
			return anbao.Errorf(anbao.EUNAUTHORIZED, "auth.session_expired")
		} else if err != nil {
			return err
		}
		if !pending {
			return nil
		}
		// The user's row lock makes a code usable once even across two sessions.
		if err := t.lockUser(userID, ""); err != nil {
			return err
		}
		r, err := s.loadAuth(ctx, t, "u.id = $1", userID)
		if err != nil {
			return err
		}
		at := &tx{Tx: t.Tx, s: s, ctx: anbao.WithPrincipal(ctx, r.principal())}
		if r.user.LockedUntil != "" && r.user.LockedUntil > s.now() {
			// Locked meanwhile (through another session): this half-open session ends too.
			if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = $1", id); err != nil {
				return err
			}
			return errCommitThen(anbao.Errorf(anbao.ETOOMANY, "auth.locked", r.user.LockedUntil))
		}
		step, ok := totp.Verify(r.secret, strings.TrimSpace(code), s.Now())
		if !ok || step <= r.lastStep {
			r.failed++
			locked := ""
			if r.failed >= MaxFailedLogins {
				// Too many wrong codes: lock the account and end the half-open session.
				locked = anbao.FormatTime(s.Now().Add(LockoutDuration))
				if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = $1", id); err != nil {
					return err
				}
			}
			if _, err := t.ExecContext(ctx, "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
				r.failed%MaxFailedLogins, locked, userID); err != nil {
				return err
			}
			if err := at.audit(auditChange{"user.totp_failed", "user", userID, r.user.OrgID, nil,
				map[string]any{"failed_logins": r.failed, "locked_until": locked}}); err != nil {
				return err
			}
			return errCommitThen(anbao.FieldError("code", "auth.totp_invalid"))
		}
		if _, err := t.ExecContext(ctx, "UPDATE users SET totp_last_step = $1, failed_logins = 0 WHERE id = $2", step, userID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE sessions SET mfa_pending = FALSE WHERE id_hash = $1", id); err != nil {
			return err
		}
		return at.audit(auditChange{"user.login", "user", userID, r.user.OrgID, nil, map[string]any{"mfa": "totp"}})
	})
}

// BeginTOTP starts second-factor enrolment for the acting user and returns the new secret.
func (s *Store) BeginTOTP(ctx context.Context) (secret, uri string, err error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAccount); err != nil || p.UserID == 0 {
		return "", "", anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized")
	}
	if secret, err = totp.NewSecret(); err != nil {
		return "", "", err
	}
	if _, err := s.write.ExecContext(ctx, "UPDATE users SET totp_pending = $1 WHERE id = $2", secret, p.UserID); err != nil {
		return "", "", err
	}
	return secret, totp.URI("Anbao", p.Username, secret), nil
}

// ConfirmTOTP finishes enrolment with a code from the authenticator app.
func (s *Store) ConfirmTOTP(ctx context.Context, code string) error {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAccount); err != nil || p.UserID == 0 {
		return anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized")
	}
	return s.inTx(ctx, func(t *tx) error {
		var pending string
		var orgID int64
		if err := t.QueryRowContext(ctx, "SELECT totp_pending, org_id FROM users WHERE id = $1"+t.forUpdate(), p.UserID).Scan(&pending, &orgID); err != nil {
			return err
		}
		if pending == "" {
			return anbao.Errorf(anbao.ECONFLICT, "auth.totp_not_started")
		}
		step, ok := totp.Verify(pending, strings.TrimSpace(code), s.Now())
		if !ok {
			return anbao.FieldError("code", "auth.totp_invalid")
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_enabled = TRUE,
			totp_last_step = $1 WHERE id = $2`, step, p.UserID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2", p.UserID, p.SessionID); err != nil {
			return err
		}
		return t.audit(auditChange{"user.totp_enable", "user", p.UserID, orgID, map[string]bool{"totp": false}, map[string]bool{"totp": true}})
	})
}

// ChangePassword sets a new password after checking the current one, and ends the user's other sessions.
func (s *Store) ChangePassword(ctx context.Context, current, next string) error {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAccount); err != nil || p.UserID == 0 {
		return anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized")
	}
	hash, err := hashPassword(next)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		var old string
		var orgID int64
		if err := t.QueryRowContext(ctx, "SELECT password_hash, org_id FROM users WHERE id = $1"+t.forUpdate(), p.UserID).Scan(&old, &orgID); err != nil {
			return err
		}
		if ok, _, err := password.Verify(current, old); err != nil || !ok {
			return anbao.FieldError("current_password", "auth.password_wrong")
		}
		if _, err := t.ExecContext(ctx, "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", hash, s.now(), p.UserID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2", p.UserID, p.SessionID); err != nil {
			return err
		}
		return t.audit(auditChange{"user.password_change", "user", p.UserID, orgID, nil, nil})
	})
}

// SetPassword replaces a user's password without the old one (command-line recovery).
func (s *Store) SetPassword(ctx context.Context, username, next string) error {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	hash, err := hashPassword(next)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		var id, orgID int64
		err := t.QueryRowContext(ctx, "SELECT id, org_id FROM users WHERE username = $1", strings.ToLower(username)).Scan(&id, &orgID)
		if isNoRows(err) {
			return anbao.ErrNotFound("user")
		} else if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = '' WHERE id = $2", hash, id); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id); err != nil {
			return err
		}
		return t.audit(auditChange{"user.password_reset", "user", id, orgID, nil, nil})
	})
}

// CreateToken issues an API token for the acting user; the secret is returned once.
func (s *Store) CreateToken(ctx context.Context, name string, scopes []anbao.TokenScope, ttl time.Duration) (string, *anbao.APIToken, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActTokenManage); err != nil {
		return "", nil, err
	}
	if p.UserID == 0 {
		return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	if p.TokenID != 0 {
		return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "token.no_token_from_token")
	}
	name = strings.TrimSpace(name)
	if err := validateName("name", name, true, 100); err != nil {
		return "", nil, err
	}
	if len(scopes) == 0 {
		return "", nil, anbao.FieldError("scopes", "token.scopes_required")
	}
	for _, sc := range scopes {
		if sc != anbao.ScopeRead && sc != anbao.ScopeWrite {
			return "", nil, anbao.FieldError("scopes", "token.scope_invalid", sc)
		}
	}
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", nil, anbao.FieldError("expires_in_days", "token.ttl_invalid")
	}
	secret := "anb_" + randomToken(30)
	now := s.Now()
	tok := &anbao.APIToken{UserID: p.UserID, Name: name, Prefix: secret[:10], Scopes: slices.Clone(scopes),
		ExpiresAt: anbao.FormatTime(now.Add(ttl)), CreatedAt: anbao.FormatTime(now)}
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, secret_hash, scopes, expires_at, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, tok.UserID, tok.Name, tok.Prefix, hashSecret(secret),
			joinScopes(tok.Scopes), tok.ExpiresAt, tok.CreatedAt).Scan(&tok.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"token.create", "api_token", tok.ID, p.OrgID, nil, tok})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

func joinScopes(ss []anbao.TokenScope) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ",")
}

const tokenColumns = "id, user_id, name, prefix, scopes, expires_at, revoked_at, last_used_at, created_at"

func scanToken(sc interface{ Scan(...any) error }) (*anbao.APIToken, error) {
	t := &anbao.APIToken{}
	var scopes string
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt, &t.CreatedAt); err != nil {
		return nil, err
	}
	for _, x := range strings.Split(scopes, ",") {
		t.Scopes = append(t.Scopes, anbao.TokenScope(x))
	}
	return t, nil
}

// ListTokens lists the acting user's tokens, newest first.
func (s *Store) ListTokens(ctx context.Context) ([]*anbao.APIToken, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActTokenManage); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE user_id = $1 ORDER BY id DESC", p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*anbao.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the acting user's tokens.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActTokenManage); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		tok, err := scanToken(t.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE id = $1 AND user_id = $2"+t.forUpdate(), id, p.UserID))
		if isNoRows(err) {
			return anbao.ErrNotFound("api_token")
		} else if err != nil {
			return err
		}
		if tok.RevokedAt != "" {
			return anbao.Errorf(anbao.ECONFLICT, "token.already_revoked")
		}
		tok.RevokedAt = s.now()
		if _, err := t.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2", tok.RevokedAt, id); err != nil {
			return err
		}
		return t.audit(auditChange{"token.revoke", "api_token", id, p.OrgID, nil, map[string]string{"revoked_at": tok.RevokedAt}})
	})
}

// TokenPrincipal resolves a bearer token. Unknown, revoked and expired tokens,
// disabled users and inactive organisations all answer EUNAUTHORIZED.
func (s *Store) TokenPrincipal(ctx context.Context, secret string) (*anbao.Principal, error) {
	if !strings.HasPrefix(secret, "anb_") || len(secret) > 100 {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.token_invalid")
	}
	tok, err := scanToken(s.read.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE secret_hash = $1", hashSecret(secret)))
	if isNoRows(err) {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.token_invalid")
	} else if err != nil {
		return nil, err
	}
	now := s.Now()
	if tok.RevokedAt != "" {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.token_revoked")
	}
	if tok.ExpiresAt <= anbao.FormatTime(now) {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.token_expired")
	}
	r, err := s.loadAuth(ctx, s.read, "u.id = $1", tok.UserID)
	if err != nil {
		return nil, err
	}
	if err := r.standingError(); err != nil {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.token_invalid")
	}
	if tok.LastUsedAt < anbao.FormatTime(now.Add(-time.Minute)) {
		if _, err := s.write.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", anbao.FormatTime(now), tok.ID); err != nil {
			return nil, err
		}
	}
	p := r.principal()
	p.TokenID, p.Scopes = tok.ID, tok.Scopes
	return p, nil
}
