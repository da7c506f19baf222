package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
)

// statusOf is the one table from application error codes to HTTP statuses.
var statusOf = map[string]int{
	anbao.EINVALID:      http.StatusBadRequest,
	anbao.EUNAUTHORIZED: http.StatusUnauthorized,
	anbao.EFORBIDDEN:    http.StatusForbidden,
	anbao.ENOTFOUND:     http.StatusNotFound,
	anbao.ECONFLICT:     http.StatusConflict,
	anbao.ETOOMANY:      http.StatusTooManyRequests,
	anbao.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	anbao.EPRECONDITION: http.StatusUnprocessableEntity,
	anbao.EINTERNAL:     http.StatusInternalServerError,
	anbao.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the input at fault, when one is.
	Field string `json:"field,omitempty"`
	// RequestID lets support find the log line.
	RequestID string `json:"request_id,omitempty"`
	// Problems lists every problem of a model file, with its place, when the error is about one.
	Problems []ErrorProblem `json:"problems,omitempty"`
}

// lang picks the caller's language: explicit ?lang=, the language cookie, then
// for the API the Accept-Language header. The web UI is Chinese unless the user
// switches (or saved English in their account): a browser's default header
// does not make the platform English.
func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return i18n.Normalize(l)
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return i18n.Normalize(c.Value)
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return i18n.Default
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// errorBody turns any error into its status and body; internal errors are logged, never shown.
func (s *Server) errorBody(r *http.Request, err error) (int, ErrorBody) {
	var e *anbao.Error
	rid := anbao.RequestIDFrom(r.Context())
	if !errors.As(err, &e) || e.Code == anbao.EINTERNAL {
		s.log.ErrorContext(r.Context(), "internal error", "err", err, "path", r.URL.Path)
		return http.StatusInternalServerError, ErrorBody{Code: anbao.EINTERNAL,
			Message: i18n.T(lang(r), "error.internal", rid), RequestID: rid}
	}
	field := e.Field
	if e.Code == anbao.ENOTFOUND {
		field = ""
	}
	body := ErrorBody{Code: e.Code, Message: i18n.T(lang(r), e.Key, e.Args...), Field: field, RequestID: rid}
	var mp *modelProblems
	if errors.As(err, &mp) {
		body.Message, body.Problems = mp.localize(lang(r))
	}
	var ae *store.AnswerErrors
	if errors.As(err, &ae) {
		for _, p := range ae.Problems {
			body.Problems = append(body.Problems, ErrorProblem{Path: "answers." + p.Question, Code: p.Key,
				Message: i18n.T(lang(r), p.Key, p.Args...)})
		}
	}
	return statusOf[e.Code], body
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.errorBody(r, err)
	if status == http.StatusUnauthorized && strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="anbao"`)
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get("HX-Request") == "" {
		s.renderErrorPage(w, r, status, body)
		return
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func errCSRF() error { return anbao.Errorf(anbao.EFORBIDDEN, "error.csrf") }

// decodeJSON reads a JSON body into v: bounded size, one value, unknown fields refused.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return anbao.Errorf(anbao.ETOOLARGE, "error.body_too_large", tooBig.Limit)
		case errors.Is(err, io.EOF):
			return anbao.Errorf(anbao.EINVALID, "error.bad_json", "empty body")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return anbao.Errorf(anbao.EINVALID, "error.unknown_field", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return anbao.Errorf(anbao.EINVALID, "error.bad_json", "syntax error at byte "+strconv.FormatInt(syn.Offset, 10))
		case errors.As(err, &typ):
			field := jsonFieldPath(typ.Field)
			return &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_json", Args: []any{"wrong type for " + field}, Field: field}
		}
		return anbao.Errorf(anbao.EINVALID, "error.bad_json", "malformed")
	}
	if dec.More() {
		return anbao.Errorf(anbao.EINVALID, "error.bad_json", "more than one value")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return anbao.Errorf(anbao.EINVALID, "error.bad_json", "trailing data")
	}
	return nil
}

// queryInt reads an optional integer query parameter within [min, max].
func queryInt(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{name}, Field: name}
	}
	return n, nil
}

// page reads limit and offset.
func page(r *http.Request) (anbao.Page, error) {
	limit, err := queryInt(r, "limit", anbao.DefaultPageLimit, 1, anbao.MaxPageLimit)
	if err != nil {
		return anbao.Page{}, err
	}
	offset, err := queryInt(r, "offset", 0, 0, 1<<30)
	return anbao.Page{Limit: limit, Offset: offset}, err
}

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, &anbao.Error{Code: anbao.ENOTFOUND, Key: "error.not_found", Field: name}
	}
	return n, nil
}

// jsonFieldPath drops the Go type names of embedded structs from a decoder's
// field path ("Organisation.kind" → "kind", "Organisation.profile.size" → "profile.size").
func jsonFieldPath(p string) string {
	parts := strings.Split(p, ".")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, ".")
}
