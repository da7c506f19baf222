package server

import (
	"net/http"

	"github.com/anbao/anbao/store"
)

// Sharing: the enterprise decides which insurers see its assessment.

// ShareRequest is the body of POST /api/v1/enterprises/{id}/shares.
type ShareRequest struct {
	InsurerID int64 `json:"insurer_id"`
}

func (s *Server) registerSharingAPI() {
	const base = "/api/v1/enterprises/{id}/shares"
	const tag = "assessment"
	s.api(route{Method: "GET", Path: base, OpID: "listShares", Tag: tag,
		Summary: "The insurers the enterprise shares its assessment with (the enterprise and the operator only)",
		Resp:    ListResponse[store.Share]{}, handle: s.apiListShares})
	s.api(route{Method: "POST", Path: base, OpID: "grantShare", Tag: tag, Status: 201,
		Summary: "Share the assessment with an insurer (the enterprise's admin); audited",
		Body:    ShareRequest{}, Resp: store.Share{}, handle: s.apiGrantShare})
	s.api(route{Method: "DELETE", Path: base + "/{insurer_id}", OpID: "revokeShare", Tag: tag, Status: 204,
		Summary: "Stop sharing the assessment with an insurer; it loses access at once; audited", handle: s.apiRevokeShare})
}

func (s *Server) apiListShares(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	l, err := s.store.ListShares(r.Context(), ent)
	if err != nil {
		return nil, err
	}
	return ListResponse[store.Share]{Items: l, Total: len(l), Limit: len(l)}, nil
}

func (s *Server) apiGrantShare(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req ShareRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return s.store.GrantShare(r.Context(), ent, req.InsurerID)
}

func (s *Server) apiRevokeShare(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ins, err := pathID(r, "insurer_id")
	if err != nil {
		return nil, err
	}
	return nil, s.store.RevokeShare(r.Context(), ent, ins)
}
