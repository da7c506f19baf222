package server

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// Supervision dashboards (issue #7): the figures regulators publish and drill
// into, an insurer's own book, and the retail-line returns insurers declare.
// The store computes and scopes the figures; these handlers read the filter,
// refuse a filter naming what the caller may not see (another jurisdiction,
// another insurer) and shape the answers.

// statsQuery documents the filter every stats route takes.
var statsQuery = []qparam{
	{Name: "jurisdiction", Type: "string", Desc: "GB/T 2260 jurisdiction code (a local regulator: its own only)"},
	{Name: "industry", Type: "string", Desc: "GB/T 4754 section letter"},
	{Name: "size", Type: "string", Desc: "size class", Enum: []string{"large", "medium", "small", "micro"}},
	{Name: "product_type", Type: "string", Desc: "pilot insurance type", Enum: []string{"property", "liability", "combined", "product_service"}},
	{Name: "insurer_id", Type: "integer", Desc: "insurer organisation (an insurer: its own only)"},
	{Name: "from", Type: "string", Desc: "first month, YYYY-MM (inclusive)"},
	{Name: "to", Type: "string", Desc: "last month, YYYY-MM (inclusive)"},
}

func (s *Server) registerStatsAPI() {
	const tag = "stats"
	dims := make([]string, len(anbao.StatsDims))
	for i, d := range anbao.StatsDims {
		dims[i] = string(d)
	}
	s.api(route{Method: "GET", Path: "/api/v1/stats/overview", OpID: "statsOverview", Tag: tag, Query: statsQuery,
		Summary: "The supervision dashboard: headline figures as MIIT publishes them (policies, premium and sum insured of the enterprise " +
			"and retail lines, participating units, plans, projects, assessments, services, incidents, claims; the loss ratio for " +
			"regulators and the operator), incidents by grade and category, and every breakdown. Regulators within their jurisdiction, " +
			"insurers their own book", Resp: anbao.StatsOverview{}, handle: s.apiStatsOverview})
	s.api(route{Method: "GET", Path: "/api/v1/stats/breakdown", OpID: "statsBreakdown", Tag: tag,
		Query:   append([]qparam{{Name: "dim", Type: "string", Desc: "dimension", Enum: dims}}, statsQuery...),
		Summary: "The figures of the filter broken down by one dimension", Resp: anbao.StatsBreakdown{}, handle: s.apiStatsBreakdown})
	s.api(route{Method: "GET", Path: "/api/v1/stats/policies", OpID: "statsPolicies", Tag: tag, Query: append(slices.Clone(statsQuery), pageParams...),
		Summary: "Drill-down: the policies behind the figures of the filter", Resp: ListResponse[*store.StatsPolicyRow]{},
		handle: s.apiStatsPolicies})
	s.api(route{Method: "GET", Path: "/api/v1/stats/incidents", OpID: "statsIncidents", Tag: tag, Query: append(slices.Clone(statsQuery), pageParams...),
		Summary: "Drill-down: the incidents of the filter, de-identified (month, place, industry section, size, category, grade, " +
			"claim outcome; no enterprise)", Resp: ListResponse[*store.StatsIncidentRow]{}, handle: s.apiStatsIncidents})
	s.api(route{Method: "POST", Path: "/api/v1/stats/retail", OpID: "declareRetail", Tag: tag, Status: http.StatusCreated,
		Summary: "An insurer declares (or corrects) its retail-line aggregates of one month in one jurisdiction: policies, premium and " +
			"sum insured in 分", Body: store.RetailReturn{}, Resp: store.RetailReturn{}, handle: s.apiDeclareRetail})
	s.api(route{Method: "GET", Path: "/api/v1/stats/retail", OpID: "listRetail", Tag: tag, Query: statsQuery,
		Summary: "Retail-line returns: an insurer its own, regulators those of their jurisdiction", Resp: ListResponse[*store.RetailReturn]{},
		handle: s.apiListRetail})
}

// statsFilter reads the dashboard filter of a request. The store checks
// every value and refuses a filter naming what the caller may not see
// (another jurisdiction for a local regulator, another insurer for an
// insurer); it narrows the figures to the caller's scope in any case.
func statsFilter(r *http.Request) (anbao.StatsFilter, error) {
	p := anbao.PrincipalFrom(r.Context())
	if err := anbao.Authorize(p, anbao.ActStatsRead); err != nil {
		return anbao.StatsFilter{}, err
	}
	q := r.URL.Query()
	get := func(name string) string { return strings.TrimSpace(q.Get(name)) }
	f := anbao.StatsFilter{Jurisdiction: get("jurisdiction"), Industry: get("industry"), Size: anbao.SizeClass(get("size")),
		ProductType: get("product_type"), From: get("from"), To: get("to")}
	var err error
	f.InsurerID, err = queryInt64(r, "insurer_id")
	return f, err
}

func (s *Server) apiStatsOverview(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := statsFilter(r)
	if err != nil {
		return nil, err
	}
	return s.store.StatsOverview(r.Context(), f, lang(r))
}

func (s *Server) apiStatsBreakdown(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := statsFilter(r)
	if err != nil {
		return nil, err
	}
	dim := anbao.StatsDim(strings.TrimSpace(r.URL.Query().Get("dim")))
	if !dim.Valid() {
		return nil, anbao.FieldError("dim", "stats.dim_invalid", string(dim))
	}
	return s.store.StatsBreakdown(r.Context(), f, dim, lang(r))
}

func (s *Server) apiStatsPolicies(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := statsFilter(r)
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.StatsPolicies(r.Context(), f, pg)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.StatsPolicyRow]{Items: statsNonNil(l.Items), Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiStatsIncidents(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := statsFilter(r)
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.StatsIncidents(r.Context(), f, pg)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.StatsIncidentRow]{Items: statsNonNil(l.Items), Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiDeclareRetail(w http.ResponseWriter, r *http.Request) (any, error) {
	p := anbao.PrincipalFrom(r.Context())
	if err := anbao.Authorize(p, anbao.ActRetailDeclare); err != nil {
		return nil, err
	}
	var in store.RetailReturn
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.DeclareRetail(r.Context(), &in)
}

func (s *Server) apiListRetail(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := statsFilter(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.ListRetail(r.Context(), f)
	if err != nil {
		return nil, err
	}
	l = statsNonNil(l)
	return ListResponse[*store.RetailReturn]{Items: l, Total: len(l), Limit: len(l)}, nil
}

// statsNonNil makes an empty list encode as [] rather than null.
func statsNonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// refreshStats brings the statistics warehouse up to date.
func (s *Server) refreshStats(ctx context.Context) {
	if err := s.store.RefreshStats(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("refresh statistics", "err", err)
	}
}
