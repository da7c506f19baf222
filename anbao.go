// Package anbao holds the domain of the Anbao cyber-insurance service platform:
// organisations, users, roles, the permission table, audit entries, error codes
// and the principal carried in a request context. It imports nothing of the
// project; adapters (store, http) and engines depend on it, never the reverse.
package anbao

import (
	"context"
	"time"
)

// Version is the platform version reported by the binary and the API.
var Version = "0.1.0-dev"

// TimeFormat is how instants are stored: UTC, fixed width, so that text order
// is time order on every database engine.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// FormatTime renders t in the storage format.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a stored instant.
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeFormat, s) }

// Shanghai is the zone in which instants are shown to users.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Page asks for one page of a list.
type Page struct {
	Limit  int // 1..MaxPageLimit; 0 means DefaultPageLimit
	Offset int
}

const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// Normalize clamps the page to allowed bounds.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPageLimit
	}
	if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
)

// WithPrincipal returns a context carrying the authenticated principal.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the principal of the context, or nil for anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey).(*Principal)
	return p
}

// WithRequestID returns a context carrying the request id used in logs and audit entries.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request id of the context, or "".
func RequestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}
