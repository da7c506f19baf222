package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

const (
	sessionCookie = "anbao_session"
	langCookie    = "anbao_lang"
	preCSRFCookie = "anbao_pre" // double-submit token for forms posted before login
)

type ctxKey int

const sessionKey ctxKey = iota

// sessionFrom returns the session behind the request, or nil for token and anonymous callers.
func sessionFrom(ctx context.Context) *store.Session {
	s, _ := ctx.Value(sessionKey).(*store.Session)
	return s
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives every request an id, security headers, a body limit, panic
// recovery, a log line and metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-ID")
		if !requestIDRE.MatchString(rid) {
			rid = newRequestID()
		}
		ctx := anbao.WithRequestID(r.Context(), rid)
		r = r.WithContext(ctx)
		h := w.Header()
		h.Set("X-Request-ID", rid)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r.URL.Path))
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(p), "path", r.URL.Path)
				if sw.status == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			_, pattern := s.mux.Handler(r)
			if pattern == "" {
				pattern = "unmatched"
			}
			s.metrics.observe(pattern, r.Method, sw.status, d)
			level := s.log.Info
			if sw.status >= 500 {
				level = s.log.Error
			}
			if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") {
				return
			}
			level("request", "request_id", rid, "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "user", principalName(r.Context()))
		}()
		next.ServeHTTP(sw, r)
	})
}

func principalName(ctx context.Context) string {
	if p := anbao.PrincipalFrom(ctx); p != nil {
		return p.Username
	}
	return ""
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isSafe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// authenticate resolves a bearer token or a session cookie to the principal,
// checks the CSRF token of cookie-authenticated writes, and keeps sessions that
// still owe a second factor to the pages that collect it.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		if auth := r.Header.Get("Authorization"); auth != "" {
			secret, ok := strings.CutPrefix(auth, "Bearer ")
			if !ok {
				s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.token_invalid"))
				return
			}
			p, err := s.store.TokenPrincipal(ctx, strings.TrimSpace(secret))
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(anbao.WithPrincipal(ctx, p)))
			return
		}
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, sess, err := s.store.SessionPrincipal(ctx, c.Value)
		if err != nil {
			if anbao.ErrorCode(err) != anbao.EUNAUTHORIZED {
				s.writeError(w, r, err)
				return
			}
			s.clearSession(w)
			next.ServeHTTP(w, r) // anonymous: public pages still work, others ask for login
			return
		}
		sess.Token = c.Value
		if !isSafe(r.Method) {
			given := r.Header.Get("X-CSRF-Token")
			if given == "" && !strings.HasPrefix(r.URL.Path, "/api/") {
				given = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(given), []byte(sess.CSRF)) != 1 {
				s.writeError(w, r, errCSRF())
				return
			}
		}
		ctx = context.WithValue(ctx, sessionKey, sess)
		if sess.MFAPending || sess.MustEnrolTOTP {
			if !secondFactorPath(r.URL.Path, sess) {
				if strings.HasPrefix(r.URL.Path, "/api/") {
					key := "auth.mfa_required"
					if !sess.MFAPending {
						key = "auth.totp_enrol_required"
					}
					s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, key))
					return
				}
				target := "/login/totp"
				if !sess.MFAPending {
					target = "/account/totp"
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
			if sess.MFAPending {
				next.ServeHTTP(w, r.WithContext(ctx)) // no principal until the second factor
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(anbao.WithPrincipal(ctx, p)))
	})
}

// secondFactorPath lists what a session may reach while it owes a second factor.
func secondFactorPath(path string, sess *store.Session) bool {
	switch path {
	case "/logout", "/api/v1/sessions/current", "/lang":
		return true
	case "/login/totp", "/api/v1/sessions/totp":
		return sess.MFAPending
	case "/account/totp", "/account/totp/begin", "/account/totp/confirm", "/api/v1/me/totp", "/api/v1/me/totp/confirm":
		return !sess.MFAPending
	}
	return false
}

func (s *Server) setSession(w http.ResponseWriter, sess *store.Session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
