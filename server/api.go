package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
)

// route is one API operation: its handler and what the OpenAPI document says of it.
type route struct {
	Method, Path string
	OpID         string
	Summary      string
	Tag          string
	Public       bool     // reachable without a principal
	Query        []qparam // documented query parameters
	Body         any      // request body example type, nil for none
	Resp         any      // response body type, nil for 204
	Status       int      // success status (default 200)
	handle       func(w http.ResponseWriter, r *http.Request) (any, error)
}

type qparam struct {
	Name, Type, Desc string
	Enum             []string
}

var pageParams = []qparam{
	{Name: "limit", Type: "integer", Desc: "page size, 1–500 (default 50)"},
	{Name: "offset", Type: "integer", Desc: "items to skip"},
}

// ListResponse is the envelope of every list.
type ListResponse[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// api registers an operation on the mux and in the OpenAPI document.
func (s *Server) api(rt route) {
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	s.routes = append(s.routes, &rt)
	s.mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
		if !rt.Public && anbao.PrincipalFrom(r.Context()) == nil {
			if sess := sessionFrom(r.Context()); sess != nil && sess.MFAPending {
				s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.mfa_required"))
				return
			}
			s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized"))
			return
		}
		if rt.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
			s.idempotent(w, r, rt)
			return
		}
		s.runAPI(w, r, rt)
	})
}

func (s *Server) runAPI(w http.ResponseWriter, r *http.Request, rt route) {
	v, err := rt.handle(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, rt.Status, v)
}

// capture records a response so that it can be stored for replay.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// idempotent runs a POST once per (caller, Idempotency-Key): a retry with the
// same body gets the stored response; a different body with the same key is refused.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, rt route) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 || strings.IndexFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) >= 0 {
		s.writeError(w, r, anbao.FieldError("Idempotency-Key", "idempotency.key_invalid"))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, r, anbao.Errorf(anbao.ETOOLARGE, "error.body_too_large", s.cfg.MaxBodyBytes))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
	hash := hex.EncodeToString(sum[:])
	owner := "anon:" + clientIP(r)
	if p := anbao.PrincipalFrom(r.Context()); p != nil {
		owner = "user:" + strconv.FormatInt(p.UserID, 10)
	}
	rec, err := s.store.BeginIdempotent(r.Context(), owner, key, r.Method, r.URL.Path, hash)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if rec != nil {
		switch {
		case rec.RequestHash != hash:
			s.writeError(w, r, anbao.Errorf(anbao.EPRECONDITION, "idempotency.key_reused"))
		case rec.Status == 0:
			s.writeError(w, r, anbao.Errorf(anbao.ECONFLICT, "idempotency.in_progress"))
		default:
			if rec.ContentType != "" {
				w.Header().Set("Content-Type", rec.ContentType)
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(rec.Status)
			w.Write(rec.Body)
		}
		return
	}
	c := &capture{header: http.Header{}}
	s.runAPI(c, r, rt)
	if err := s.store.FinishIdempotent(r.Context(), owner, key, c.status, c.header.Get("Content-Type"), c.body.Bytes()); err != nil {
		s.log.ErrorContext(r.Context(), "store idempotent response", "err", err)
	}
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.status)
	w.Write(c.body.Bytes())
}
