package server

import (
	"context"
	"net/http"
	"net/url"
	"sort"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// uiStat is one figure on the home page, with the list it summarises.
type uiStat struct {
	Label string
	Value int
	Href  string
}

type uiHomeData struct {
	// Operator.
	KindCounts []uiStat
	Pending    *anbao.OrgList
	// Regulator.
	Enterprises int
	CII         int
	BySize      []uiStat
	BySection   []uiStat // the five largest industry sections
	// Insurer and provider.
	Engaged *anbao.OrgList
	// Everyone allowed to read the audit log.
	Audit []*anbao.AuditEntry
}

// countOrgs returns how many visible organisations match f.
func (s *Server) countOrgs(ctx context.Context, f anbao.OrgFilter) (int, error) {
	f.Page = anbao.Page{Limit: 1}
	list, err := s.store.ListOrganisations(ctx, f)
	if err != nil {
		return 0, err
	}
	return list.Total, nil
}

// uiHome is the home page of each organisation kind. Every figure comes from
// the store within the principal's scope.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.newPage(r, "ui.home.title", "home")
	pr := p.P
	d := &uiHomeData{}
	p.Data = d
	var err error
	switch pr.OrgKind {
	case anbao.KindOperator:
		err = s.homeOperator(ctx, p, d)
	case anbao.KindRegulator:
		err = s.homeRegulator(ctx, p, d)
	case anbao.KindInsurer, anbao.KindProvider:
		if anbao.Can(pr, anbao.ActEnterpriseRead) {
			d.Engaged, err = s.store.ListOrganisations(ctx, anbao.OrgFilter{Kind: anbao.KindEnterprise, Page: anbao.Page{Limit: 5}})
			if err == nil {
				d.CII, err = s.countOrgs(ctx, anbao.OrgFilter{Kind: anbao.KindEnterprise, CII: ptr(true)})
			}
		}
	}
	if err == nil && anbao.Can(pr, anbao.ActAuditRead) {
		var list *anbao.AuditList
		if list, err = s.store.ListAudit(ctx, anbao.AuditFilter{Page: anbao.Page{Limit: 8}}); err == nil {
			d.Audit = list.Items
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", p)
}

func (s *Server) homeOperator(ctx context.Context, p *uiPage, d *uiHomeData) error {
	for _, k := range anbao.OrgKinds {
		n, err := s.countOrgs(ctx, anbao.OrgFilter{Kind: k, Status: anbao.OrgActive})
		if err != nil {
			return err
		}
		href := "/organisations?kind=" + string(k) + "&status=active"
		if k == anbao.KindEnterprise && anbao.Can(p.P, anbao.ActEnterpriseRead) {
			href = "/enterprises"
		}
		d.KindCounts = append(d.KindCounts, uiStat{Label: p.Kind(k), Value: n, Href: href})
	}
	var err error
	d.Pending, err = s.store.ListOrganisations(ctx, anbao.OrgFilter{Status: anbao.OrgPending, Page: anbao.Page{Limit: 6}})
	return err
}

func (s *Server) homeRegulator(ctx context.Context, p *uiPage, d *uiHomeData) error {
	if !anbao.Can(p.P, anbao.ActEnterpriseRead) {
		return nil
	}
	ent := anbao.OrgFilter{Kind: anbao.KindEnterprise}
	var err error
	if d.Enterprises, err = s.countOrgs(ctx, ent); err != nil {
		return err
	}
	f := ent
	f.CII = ptr(true)
	if d.CII, err = s.countOrgs(ctx, f); err != nil {
		return err
	}
	for _, size := range anbao.SizeClasses {
		f := ent
		f.Size = size
		n, err := s.countOrgs(ctx, f)
		if err != nil {
			return err
		}
		d.BySize = append(d.BySize, uiStat{Label: p.Size(size), Value: n, Href: "/enterprises?size=" + string(size)})
	}
	if d.Enterprises == 0 {
		return nil
	}
	for _, sec := range refdata.Sections() {
		f := ent
		f.Industry = sec.Code
		n, err := s.countOrgs(ctx, f)
		if err != nil {
			return err
		}
		if n > 0 {
			d.BySection = append(d.BySection, uiStat{Label: sec.Code + " " + sec.Name(p.Lang), Value: n,
				Href: "/enterprises?" + url.Values{"industry": {sec.Code}}.Encode()})
		}
	}
	sort.SliceStable(d.BySection, func(i, j int) bool { return d.BySection[i].Value > d.BySection[j].Value })
	if len(d.BySection) > 5 {
		d.BySection = d.BySection[:5]
	}
	return nil
}

// Percent is n as a whole percentage of total, for the bars on the home page.
func (p *uiPage) Percent(n, total int) int {
	if total <= 0 {
		return 0
	}
	return (n*100 + total/2) / total
}
