package server

import (
	"net/http"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// The enterprise admin's intermediaries: the brokers and agents it mandates
// to ask for quotes for it (a section of /quotes).

type uiMandates struct {
	List       []store.Mandate
	Candidates []*anbao.Organisation // active insurer-kind organisations not mandated yet
}

// uiMandateSection returns the section for an enterprise admin, nil for anyone else.
func (s *Server) uiMandateSection(r *http.Request) (*uiMandates, error) {
	p := anbao.PrincipalFrom(r.Context())
	if p.OrgKind != anbao.KindEnterprise || !anbao.Can(p, anbao.ActMandateManage) {
		return nil, nil
	}
	list, err := s.store.ListMandates(r.Context(), p.OrgID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.store.ListOrganisations(r.Context(), anbao.OrgFilter{Kind: anbao.KindInsurer, Status: anbao.OrgActive,
		Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		return nil, err
	}
	m := &uiMandates{List: list}
	active := map[int64]bool{}
	for _, x := range list {
		active[x.IntermediaryID] = x.Active
	}
	for _, o := range orgs.Items {
		if !active[o.ID] {
			m.Candidates = append(m.Candidates, o)
		}
	}
	return m, nil
}

func (s *Server) uiMandateGrant(w http.ResponseWriter, r *http.Request) {
	p := anbao.PrincipalFrom(r.Context())
	r.ParseForm()
	id, _ := strconv.ParseInt(r.PostForm.Get("intermediary_id"), 10, 64)
	if _, err := s.store.GrantMandate(r.Context(), p.OrgID, id); err != nil {
		s.mandateError(w, r, err)
		return
	}
	http.Redirect(w, r, "/quotes#mandates", http.StatusSeeOther)
}

func (s *Server) uiMandateRevoke(w http.ResponseWriter, r *http.Request) {
	p := anbao.PrincipalFrom(r.Context())
	id, err := pathID(r, "org")
	if err == nil {
		err = s.store.RevokeMandate(r.Context(), p.OrgID, id)
	}
	if err != nil {
		s.mandateError(w, r, err)
		return
	}
	http.Redirect(w, r, "/quotes#mandates", http.StatusSeeOther)
}

// mandateError shows a refused mandate step on the quotes page, or the error page.
func (s *Server) mandateError(w http.ResponseWriter, r *http.Request, err error) {
	if quoteStepError(err) {
		s.writeError(w, r, err)
		return
	}
	r.Method = http.MethodGet
	s.uiQuotesWithError(w, r, "mandate", err)
}
