package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/vulnfeed"
)

// The vulnerability feeds: CISA KEV and FIRST EPSS files imported offline by
// the operator (the platform needs no internet access), looked up by anyone.

const feedMaxBody = 64 << 20 // a gzipped EPSS file is about 2 MB, a plain one about 10 MB

func (s *Server) registerFeedsAPI() {
	const tag = "vulnerability-feeds"
	s.allowBody("/api/v1/vulnfeeds/", feedMaxBody)
	s.allowBody("/vulnfeeds/", feedMaxBody)
	s.api(route{Method: "POST", Path: "/api/v1/vulnfeeds/kev", OpID: "importKEV", Tag: tag,
		Summary: "Import CISA's known_exploited_vulnerabilities.json (plain or gzipped, the request body as is); replaces the previous catalogue; " +
			"a malformed file is refused whole with the entry and field at fault (operator admin)",
		Resp: store.FeedImport{}, handle: s.apiImportKEV})
	s.api(route{Method: "POST", Path: "/api/v1/vulnfeeds/epss", OpID: "importEPSS", Tag: tag,
		Summary: "Import a FIRST EPSS CSV file (plain or gzipped, the request body as is); replaces the previous scores; " +
			"a malformed file is refused whole with the line at fault (operator admin)",
		Resp: store.FeedImport{}, handle: s.apiImportEPSS})
	s.api(route{Method: "GET", Path: "/api/v1/vulnfeeds", OpID: "feedStatus", Tag: tag,
		Summary: "The latest feed imports, newest first", Resp: []store.FeedImport{}, handle: s.apiFeedStatus})
	s.api(route{Method: "GET", Path: "/api/v1/vulnfeeds/cve/{cve}", OpID: "lookupCVE", Tag: tag,
		Summary: "KEV membership and EPSS score of one CVE", Resp: store.VulnIntel{}, handle: s.apiLookupCVE})
}

func (s *Server) apiImportKEV(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.ImportKEV(r.Context(), r.Body)
}

func (s *Server) apiImportEPSS(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.ImportEPSS(r.Context(), r.Body)
}

func (s *Server) apiFeedStatus(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.FeedStatus(r.Context())
}

func (s *Server) apiLookupCVE(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActVulnFeedRead); err != nil {
		return nil, err
	}
	id := strings.ToUpper(strings.TrimSpace(r.PathValue("cve")))
	if !vulnfeed.ValidCVE(id) {
		return nil, anbao.FieldError("cve", "feed.cve_invalid", r.PathValue("cve"))
	}
	m, err := s.store.VulnIntel(r.Context(), []string{id})
	if err != nil {
		return nil, err
	}
	v, ok := m[id]
	if !ok {
		return nil, anbao.ErrNotFound("cve")
	}
	return v, nil
}

func (s *Server) registerFeedsUI() error {
	if err := s.ui.addExtraPage("vulnfeeds"); err != nil {
		return err
	}
	s.mux.HandleFunc("GET /vulnfeeds", s.uiAuth(s.uiFeeds))
	s.mux.HandleFunc("POST /vulnfeeds/{feed}", s.uiAuth(s.uiFeedUpload))
	return nil
}

type uiFeedsData struct {
	Imports   []store.FeedImport
	CanImport bool
	Done      *store.FeedImport
}

func (s *Server) uiFeeds(w http.ResponseWriter, r *http.Request) { s.showFeeds(w, r, nil, nil) }

func (s *Server) showFeeds(w http.ResponseWriter, r *http.Request, done *store.FeedImport, formErr error) {
	p := s.newPage(r, "ui.feed.title", "vulnfeeds")
	imports, err := s.store.FeedStatus(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Data = &uiFeedsData{Imports: imports, CanImport: anbao.Can(p.P, anbao.ActVulnFeedImport), Done: done}
	status := http.StatusOK
	if formErr != nil {
		status = p.setError("feed", nil, formErr, s, r)
	}
	s.render(w, r, status, "vulnfeeds", p)
}

func (s *Server) uiFeedUpload(w http.ResponseWriter, r *http.Request) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActVulnFeedImport); err != nil {
		s.writeError(w, r, err)
		return
	}
	imp := map[string]func(context.Context, io.Reader) (*store.FeedImport, error){"kev": s.store.ImportKEV, "epss": s.store.ImportEPSS}[r.PathValue("feed")]
	if imp == nil {
		s.writeError(w, r, anbao.ErrNotFound("feed"))
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.writeError(w, r, err)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.showFeeds(w, r, nil, anbao.FieldError("file", "evidence.empty"))
		return
	}
	defer f.Close()
	rec, err := imp(r.Context(), f)
	if err != nil {
		var e *anbao.Error
		if errors.As(err, &e) && e.Code == anbao.EINVALID {
			s.showFeeds(w, r, nil, err)
			return
		}
		s.writeError(w, r, err)
		return
	}
	s.showFeeds(w, r, rec, nil)
}

// FeedKinds lists the importable feeds.
func (p *uiPage) FeedKinds() []string { return []string{"kev", "epss"} }
