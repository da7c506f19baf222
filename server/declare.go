package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
)

// Declared policies (issue #5 item 6): an insurer's core system declares the
// policies it issued, in batches. The store checks the whole batch and writes
// all or nothing.

// DeclareRequest is the body of a declaration.
type DeclareRequest struct {
	Policies []store.DeclaredPolicy `json:"policies"`
}

const declarePath = "/api/v1/policies/declarations"

// declareMaxBody fits 10,000 policies (about 400 bytes each) with room for
// pretty-printing.
const declareMaxBody = 16 << 20

func (s *Server) registerDeclareAPI() {
	s.allowBody(declarePath, declareMaxBody)
	rt := route{Method: "POST", Path: declarePath, OpID: "declarePolicies", Tag: "underwriting", Status: http.StatusCreated,
		Summary: "Declare policies issued in the insurer's own core system (insurer admin or underwriter): 1 to 10,000 per call, " +
			"all or nothing. A policy whose external_ref is already declared with the same content is reported unchanged; " +
			"with other content the batch is refused. 201 when a policy was created, 200 when every one was already declared; " +
			"a refused batch (400) lists every problem in problems[] with the path policies[i].field. Body at most 16 MiB",
		Body: DeclareRequest{}, Resp: store.DeclareResult{}}
	// The operation chooses its status and renders the problems of a refused
	// batch itself, so it writes its own response. Under an Idempotency-Key
	// it runs through s.idempotent like every POST, writing into the capture
	// that is stored for replay; the capture keeps the first status written.
	rt.handle = func(w http.ResponseWriter, r *http.Request) (any, error) {
		s.apiDeclarePolicies(w, r)
		return nil, nil
	}
	s.routes = append(s.routes, &rt)
	s.mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
		if anbao.PrincipalFrom(r.Context()) == nil {
			if sess := sessionFrom(r.Context()); sess != nil && sess.MFAPending {
				s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.mfa_required"))
				return
			}
			s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized"))
			return
		}
		if r.Header.Get("Idempotency-Key") != "" {
			s.idempotent(w, r, rt)
			return
		}
		s.apiDeclarePolicies(w, r)
	})
}

func (s *Server) apiDeclarePolicies(w http.ResponseWriter, r *http.Request) {
	// Who may declare is known before a large body is read.
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActPolicyDeclare); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req DeclareRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.store.DeclarePolicies(r.Context(), req.Policies)
	var de *store.DeclareErrors
	switch {
	case errors.As(err, &de):
		status, body := s.errorBody(r, err)
		l := lang(r)
		body.Problems = make([]ErrorProblem, len(de.Problems))
		for i, p := range de.Problems {
			body.Problems[i] = ErrorProblem{Path: "policies[" + strconv.Itoa(p.Index) + "]." + p.Field, Code: p.Code,
				Message: i18n.T(l, p.Code, p.Args...)}
		}
		writeJSON(w, status, body)
	case err != nil:
		s.writeError(w, r, err)
	case res.Created == 0:
		writeJSON(w, http.StatusOK, res)
	default:
		writeJSON(w, http.StatusCreated, res)
	}
}
