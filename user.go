package anbao

// Role is what a user may do inside their organisation.
type Role string

const (
	RoleAdmin         Role = "admin"          // manages the organisation and its users
	RoleUnderwriter   Role = "underwriter"    // insurer: products, quotes, policies
	RoleClaimsHandler Role = "claims_handler" // insurer: claims
	RoleAnalyst       Role = "analyst"        // reads data and statistics, prepares reports
	RoleReviewer      Role = "reviewer"       // operator expert reviewer (评审专家)
	RoleAuditor       Role = "auditor"        // reads the audit log
	RoleMember        Role = "member"         // ordinary member
)

// RolesByKind lists the roles each organisation kind may grant.
var RolesByKind = map[OrgKind][]Role{
	KindOperator:   {RoleAdmin, RoleAnalyst, RoleReviewer, RoleAuditor, RoleMember},
	KindRegulator:  {RoleAdmin, RoleAnalyst, RoleAuditor, RoleMember},
	KindInsurer:    {RoleAdmin, RoleUnderwriter, RoleClaimsHandler, RoleAnalyst, RoleAuditor, RoleMember},
	KindProvider:   {RoleAdmin, RoleAnalyst, RoleMember},
	KindEnterprise: {RoleAdmin, RoleMember},
}

// RoleAllowed reports whether an organisation of kind k may grant role r.
func RoleAllowed(k OrgKind, r Role) bool {
	for _, x := range RolesByKind[k] {
		if x == r {
			return true
		}
	}
	return false
}

// User is an account inside one organisation.
type User struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"org_id"`
	Username    string `json:"username"` // unique across the platform, lower case
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Roles       []Role `json:"roles"`
	Locale      string `json:"locale"` // "zh-CN" or "en"
	Disabled    bool   `json:"disabled"`
	TOTPEnabled bool   `json:"totp_enabled"`
	// LockedUntil is set while repeated failed logins keep the account locked.
	LockedUntil string `json:"locked_until,omitempty"`
	LastLoginAt string `json:"last_login_at,omitempty"`
	CreatedAt   string `json:"created_at"`
	Version     int    `json:"version"`
}

// HasRole reports whether the user holds r.
func (u *User) HasRole(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// TokenScope limits what an API token may do.
type TokenScope string

const (
	ScopeRead  TokenScope = "read"  // safe methods only
	ScopeWrite TokenScope = "write" // everything the user may do
)

// APIToken is a machine credential. Its secret is shown once, at creation, and stored hashed.
type APIToken struct {
	ID         int64        `json:"id"`
	UserID     int64        `json:"user_id"`
	Name       string       `json:"name"`
	Prefix     string       `json:"prefix"` // first characters of the secret, to recognise it
	Scopes     []TokenScope `json:"scopes"`
	ExpiresAt  string       `json:"expires_at"`
	RevokedAt  string       `json:"revoked_at,omitempty"`
	LastUsedAt string       `json:"last_used_at,omitempty"`
	CreatedAt  string       `json:"created_at"`
}

// Principal is who is acting: a user of an organisation, authenticated by a
// session or a token, or the system itself (demo loading, migrations, CLI).
type Principal struct {
	UserID       int64
	Username     string
	OrgID        int64
	OrgKind      OrgKind
	Jurisdiction string // the organisation's jurisdiction; "" for national bodies
	Roles        []Role
	// Scopes is nil for a session (full rights of the roles) and the token's scopes otherwise.
	Scopes    []TokenScope
	SessionID string
	TokenID   int64
	System    bool
}

// SystemPrincipal acts for the platform itself in command-line tools and seeding.
func SystemPrincipal(name string) *Principal {
	return &Principal{Username: name, System: true, OrgKind: KindOperator, Roles: []Role{RoleAdmin}}
}

// HasRole reports whether the principal holds r.
func (p *Principal) HasRole(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsNational reports whether the principal's organisation has national scope
// (the operator, or a regulator without a jurisdiction).
func (p *Principal) IsNational() bool {
	return p.System || p.OrgKind == KindOperator || (p.OrgKind == KindRegulator && p.Jurisdiction == "")
}
