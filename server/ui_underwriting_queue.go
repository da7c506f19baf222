package server

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// The clause library and the underwriter's queue.

// The clause library.

type uiClauseData struct {
	InsurerID int64
	Insurers  []*anbao.Organisation
	Groups    [][]*store.Clause // by code, newest version first
	Codes     []string
	CanAdd    bool
}

func (s *Server) clausePage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.newPage(r, "ui.prod.clauses", "products")
	ctx := r.Context()
	if err := anbao.Authorize(p.P, anbao.ActProductRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiClauseData{CanAdd: prodCanManage(p.P)}
	if p.P.OrgKind == anbao.KindInsurer {
		d.InsurerID = p.P.OrgID
	} else if v := r.URL.Query().Get("insurer"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.writeError(w, r, anbao.ErrNotFound("insurer"))
			return
		}
		d.InsurerID = n
	}
	if p.P.OrgKind == anbao.KindOperator || p.P.OrgKind == anbao.KindRegulator {
		if l, err := s.store.ListOrganisations(ctx, anbao.OrgFilter{Kind: anbao.KindInsurer, Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err == nil {
			d.Insurers = l.Items
		}
	}
	if d.InsurerID != 0 {
		list, err := s.store.ListClauses(ctx, d.InsurerID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, c := range list {
			if n := len(d.Groups); n > 0 && d.Groups[n-1][0].Code == c.Code {
				d.Groups[n-1] = append([]*store.Clause{c}, d.Groups[n-1]...)
				continue
			}
			d.Groups = append(d.Groups, []*store.Clause{c})
			d.Codes = append(d.Codes, c.Code)
		}
	} else if p.P.OrgKind != anbao.KindOperator && p.P.OrgKind != anbao.KindRegulator {
		s.writeError(w, r, anbao.ErrNotFound("insurer"))
		return
	}
	if formErr != nil {
		status = p.setError("clause", r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "prod_clauses", p)
}

func (s *Server) uiClauses(w http.ResponseWriter, r *http.Request) {
	s.clausePage(w, r, http.StatusOK, nil)
}

func (s *Server) uiClauseAdd(w http.ResponseWriter, r *http.Request) {
	if !s.prodParse(w, r) {
		return
	}
	f := r.PostForm
	c, err := s.store.AddClause(r.Context(), store.ClauseInput{Code: f.Get("code"), TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"),
		TextZH: f.Get("text_zh"), TextEN: f.Get("text_en")})
	if err != nil {
		if prodPageError(err) {
			s.writeError(w, r, err)
			return
		}
		s.clausePage(w, r, 0, err)
		return
	}
	http.Redirect(w, r, "/products/clauses?ok=saved#clause-"+url.PathEscape(c.Code), http.StatusSeeOther)
}

// The underwriter's queue.

type uiUWRow struct {
	Q       *store.Quote
	Product string
	Age     string
}

type uiUWNotice struct {
	N   *store.RiskNotice
	Age string
}

type uiUWData struct {
	Tab                        string
	Referred, Bind             []uiUWRow
	Notices                    []uiUWNotice
	NReferred, NBind, NNotices int
	Pager                      uiPager
}

func (s *Server) uiUnderwriting(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.uwq.title", "underwriting")
	ctx := r.Context()
	if err := anbao.Authorize(p.P, anbao.ActQuoteUnderwrite); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &uiUWData{Tab: q.Get("tab")}
	switch d.Tab {
	case "referred", "bind", "notices":
	default:
		d.Tab = "referred"
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := map[int64]*store.Product{}
	if l, err := s.store.ListProducts(ctx, store.ProductFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err == nil {
		for _, pr := range l.Items {
			names[pr.ID] = pr
		}
	}
	now := s.store.Now()
	rows := func(status string, into *[]uiUWRow, total *int, list bool) error {
		f := store.QuoteFilter{Status: status, Page: anbao.Page{Limit: 1}}
		if list {
			f.Page = pg
		}
		l, err := s.store.ListQuotes(ctx, f)
		if err != nil {
			return err
		}
		*total = l.Total
		if !list {
			return nil
		}
		for _, qt := range l.Items {
			name := qt.ProductName
			if pr, ok := names[qt.ProductID]; ok {
				name = pr.Name(p.Lang)
			}
			since := qt.QuotedAt
			if status == store.QuoteBindRequested && qt.BindRequested != "" {
				since = qt.BindRequested
			}
			if since == "" {
				since = qt.CreatedAt
			}
			*into = append(*into, uiUWRow{Q: qt, Product: name, Age: prodAge(p, since, now)})
		}
		// Oldest first, like the referral queue.
		slices.SortFunc(*into, func(a, b uiUWRow) int { return cmp.Compare(a.Q.ID, b.Q.ID) })
		d.Pager = makePager("/underwriting", q, pg, l.Total, len(l.Items))
		return nil
	}
	if err := rows(store.QuoteReferred, &d.Referred, &d.NReferred, d.Tab == "referred"); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := rows(store.QuoteBindRequested, &d.Bind, &d.NBind, d.Tab == "bind"); err != nil {
		s.writeError(w, r, err)
		return
	}
	notices, err := s.store.ListRiskNotices(ctx, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d.NNotices = len(notices)
	if d.Tab == "notices" {
		for _, n := range notices {
			d.Notices = append(d.Notices, uiUWNotice{N: n, Age: prodAge(p, n.RaisedAt, now)})
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "underwriting", p)
}

// prodAge says how long ago a stored instant was: minutes, hours or days.
func prodAge(p *uiPage, stored string, now time.Time) string {
	t, err := anbao.ParseTime(stored)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, stored); err != nil {
			return "—"
		}
	}
	age := now.Sub(t)
	switch {
	case age < time.Hour:
		return p.T("ui.uwq.age_minutes", max(0, int(age.Minutes())))
	case age < 48*time.Hour:
		return p.T("ui.uwq.age_hours", int(age.Hours()))
	}
	return p.T("ui.uwq.age_days", int(age.Hours()/24))
}

// Reasons are a queued quote's referral reasons in the page's language.
func (d *uiUWData) Reasons(p *uiPage, q *store.Quote) []string {
	out := make([]string, 0, len(q.Reasons))
	for _, r := range q.Reasons {
		out = append(out, p.Pick(r.MessageZH, r.MessageEN))
	}
	return out
}
