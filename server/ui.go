package server

import (
	"net/http"
)

// uiRenderer renders the server-side web UI. (Placeholder: replaced by the full UI.)
type uiRenderer struct{}

func newUIRenderer() (*uiRenderer, error) { return &uiRenderer{}, nil }

func (s *Server) registerUI() {}

func (s *Server) renderErrorPage(w http.ResponseWriter, r *http.Request, status int, body ErrorBody) {
	writeJSON(w, status, body)
}
