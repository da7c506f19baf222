package server

import (
	"net/http"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// Underwriting API (issue #5): products and clauses, quotes, policies. The
// store scopes every read and checks every step; these handlers decode,
// delegate and shape lists.

// VersionRequest carries the version an editor saw.
type VersionRequest struct {
	Version int `json:"version,omitempty"`
}

// DraftRequest is a product draft with the product version the editor saw.
type DraftRequest struct {
	store.ProductVersionInput
	Version int `json:"version,omitempty"`
}

// RatePreviewRequest rates an input on one of the caller's product versions.
type RatePreviewRequest struct {
	Version int          `json:"version"` // 0: the latest version, draft or published
	Input   rating.Input `json:"input"`
}

// ContingencyRequest resolves a contingency.
type ContingencyRequest struct {
	Status string `json:"status"` // satisfied | waived
	Note   string `json:"note,omitempty"`
}

// NoteRequest carries a note and the version seen.
type NoteRequest struct {
	Note    string `json:"note"`
	Version int    `json:"version,omitempty"`
}

// LeaveRequest ends a park member's cover.
type LeaveRequest struct {
	LeftDate string `json:"left_date"`
}

// MandateRequest names the intermediary an enterprise mandates.
type MandateRequest struct {
	IntermediaryID int64 `json:"intermediary_id"`
}

// AckRequest acknowledges a risk notice.
type AckRequest struct {
	Response string `json:"response"`
}

// UnderwritingCatalog is what a product designer needs: the coverage
// taxonomy, the service kinds, the cancellation reasons and a seed rating
// configuration to start from.
type UnderwritingCatalog struct {
	ProductTypes     []cover.ProductType  `json:"product_types"`
	SecurityProducts []string             `json:"security_products"`
	Coverages        []cover.CoverageKind `json:"coverages"`
	ServiceKinds     []string             `json:"service_kinds"`
	CancelReasons    []string             `json:"cancel_reasons"`
	NoticeKinds      []string             `json:"notice_kinds"`
	SeedRating       *rating.Config       `json:"seed_rating"`
}

func (s *Server) registerUnderwritingAPI() {
	const tag = "underwriting"
	prodQ := append([]qparam{
		{Name: "insurer_id", Type: "integer", Desc: "the insurer"},
		{Name: "type", Type: "string", Desc: "product type", Enum: []string{"property", "liability", "combined", "product_service"}},
		{Name: "status", Type: "string", Desc: "product status", Enum: []string{"draft", "active", "retired"}},
		{Name: "q", Type: "string", Desc: "name or code contains"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/underwriting/catalog", OpID: "underwritingCatalog", Tag: tag,
		Summary: "The coverage taxonomy, service kinds, cancellation reasons and a seed rating configuration",
		Resp:    UnderwritingCatalog{}, handle: s.apiUWCatalog})
	s.api(route{Method: "GET", Path: "/api/v1/products", OpID: "listProducts", Tag: tag, Query: prodQ,
		Summary: "Products: an insurer its own; enterprises and providers the published ones; the operator and regulators all",
		Resp:    ListResponse[*store.Product]{}, handle: s.apiListProducts})
	s.api(route{Method: "POST", Path: "/api/v1/products", OpID: "createProduct", Tag: tag, Status: 201,
		Summary: "Create a product of the caller's insurer with its first draft version (admins and underwriters)",
		Body:    store.ProductInput{}, Resp: store.Product{}, handle: s.apiCreateProduct})
	s.api(route{Method: "GET", Path: "/api/v1/products/{pid}", OpID: "getProduct", Tag: tag,
		Summary: "One product with the versions the caller may see (rate tables for its insurer, the operator and regulators only)",
		Resp:    store.Product{}, handle: s.apiGetProduct})
	s.api(route{Method: "GET", Path: "/api/v1/products/{pid}/versions/{n}", OpID: "getProductVersion", Tag: tag,
		Summary: "One version of a product", Resp: store.ProductVersion{}, handle: s.apiGetProductVersion})
	s.api(route{Method: "PUT", Path: "/api/v1/products/{pid}/draft", OpID: "saveProductDraft", Tag: tag,
		Summary: "Save the product's draft version (a new draft after a published one)", Body: DraftRequest{}, Resp: store.Product{},
		handle: s.apiSaveDraft})
	s.api(route{Method: "POST", Path: "/api/v1/products/{pid}/publish", OpID: "publishProduct", Tag: tag,
		Summary: "Publish the draft version: new quotes are rated on it", Body: VersionRequest{}, Resp: store.Product{}, handle: s.apiPublishProduct})
	s.api(route{Method: "POST", Path: "/api/v1/products/{pid}/retire", OpID: "retireProduct", Tag: tag,
		Summary: "Retire a product: no new quotes; policies sold on it go on", Resp: store.Product{}, handle: s.apiRetireProduct})
	s.api(route{Method: "POST", Path: "/api/v1/products/{pid}/rate", OpID: "ratePreview", Tag: tag,
		Summary: "Rate an input on one of the caller's product versions (the designer's test bench); nothing is stored",
		Body:    RatePreviewRequest{}, Resp: rating.Result{}, handle: s.apiRatePreview})
	s.api(route{Method: "GET", Path: "/api/v1/insurers/{id}/clauses", OpID: "listClauses", Tag: tag,
		Summary: "An insurer's clause library, every version (its own insurer, the operator and regulators)",
		Resp:    []*store.Clause{}, handle: s.apiListClauses})
	s.api(route{Method: "POST", Path: "/api/v1/clauses", OpID: "addClause", Tag: tag, Status: 201,
		Summary: "Add the next version of an exclusion clause to the caller's library", Body: store.ClauseInput{}, Resp: store.Clause{},
		handle: s.apiAddClause})

	quoteQ := append([]qparam{
		{Name: "status", Type: "string", Desc: "quote status (referred: the underwriter's queue, oldest first)", Enum: store.QuoteStatuses},
		{Name: "enterprise_id", Type: "integer", Desc: "the enterprise"},
		{Name: "request_id", Type: "integer", Desc: "the request"},
	}, pageParams...)
	s.api(route{Method: "POST", Path: "/api/v1/enterprises/{id}/quote-requests", OpID: "requestQuotes", Tag: tag, Status: 201,
		Summary: "Ask products of one or more insurers for quotes on one or more options; each product × option is rated at once",
		Body:    store.QuoteRequestInput{}, Resp: store.QuoteRequest{}, handle: s.apiRequestQuotes})
	s.api(route{Method: "GET", Path: "/api/v1/enterprises/{id}/intermediaries", OpID: "listMandates", Tag: tag,
		Summary: "The intermediaries (brokers, agents) the enterprise mandates to ask for quotes for it (the enterprise and the operator)",
		Resp:    []store.Mandate{}, handle: s.apiListMandates})
	s.api(route{Method: "POST", Path: "/api/v1/enterprises/{id}/intermediaries", OpID: "grantMandate", Tag: tag, Status: 201,
		Summary: "Mandate an insurer-kind organisation to ask for quotes for the enterprise (its admin)", Body: MandateRequest{},
		Resp: store.Mandate{}, handle: s.apiGrantMandate})
	s.api(route{Method: "DELETE", Path: "/api/v1/enterprises/{id}/intermediaries/{org}", OpID: "revokeMandate", Tag: tag,
		Summary: "End an intermediary's mandate (the enterprise's admin)", handle: s.apiRevokeMandate})
	s.api(route{Method: "GET", Path: "/api/v1/quote-requests/{rid}", OpID: "getQuoteRequest", Tag: tag,
		Summary: "A request with its quotes side by side (the insurer sees its own)", Resp: store.QuoteRequest{}, handle: s.apiGetQuoteRequest})
	s.api(route{Method: "GET", Path: "/api/v1/quotes", OpID: "listQuotes", Tag: tag, Query: quoteQ,
		Summary: "Quotes the caller may see: the enterprise its own, the insurer its own", Resp: ListResponse[*store.Quote]{},
		handle: s.apiListQuotes})
	s.api(route{Method: "GET", Path: "/api/v1/quotes/{qid}", OpID: "getQuote", Tag: tag,
		Summary: "One quote with its rating trail, overrides, reasons and contingencies", Resp: store.Quote{}, handle: s.apiGetQuote})
	s.api(route{Method: "PUT", Path: "/api/v1/quotes/{qid}", OpID: "editQuote", Tag: tag,
		Summary: "Change the option; the quote returns to draft until rated again", Body: store.QuoteEdit{}, Resp: store.Quote{},
		handle: s.apiEditQuote})
	s.api(route{Method: "POST", Path: "/api/v1/quotes/{qid}/rate", OpID: "rateQuote", Tag: tag,
		Summary: "Rate a draft quote with the enterprise's current facts", Body: VersionRequest{}, Resp: store.Quote{}, handle: s.apiRateQuote})
	s.api(route{Method: "POST", Path: "/api/v1/quotes/{qid}/decision", OpID: "decideQuote", Tag: tag,
		Summary: "The underwriter quotes (optionally at another premium, explained) or declines a referred quote",
		Body:    store.QuoteDecision{}, Resp: store.Quote{}, handle: s.apiDecideQuote})
	s.api(route{Method: "POST", Path: "/api/v1/quotes/{qid}/withdraw", OpID: "withdrawQuote", Tag: tag,
		Summary: "Withdraw an open quote (either side)", Body: VersionRequest{}, Resp: store.Quote{}, handle: s.apiWithdrawQuote})
	s.api(route{Method: "POST", Path: "/api/v1/quotes/{qid}/bind-request", OpID: "requestBind", Tag: tag,
		Summary: "The enterprise's admin accepts a quoted, valid offer and asks the insurer to bind", Body: VersionRequest{},
		Resp: store.Quote{}, handle: s.apiRequestBind})
	s.api(route{Method: "POST", Path: "/api/v1/quotes/{qid}/bind", OpID: "bindQuote", Tag: tag, Status: 201,
		Summary: "The underwriter binds a quote whose bind was requested: the policy is issued (pre-bind contingencies resolved first)",
		Body:    VersionRequest{}, Resp: store.Policy{}, handle: s.apiBindQuote})
	s.api(route{Method: "POST", Path: "/api/v1/quotes/{qid}/contingencies/{cid}", OpID: "resolveContingency", Tag: tag,
		Summary: "The underwriter marks a contingency satisfied or waived", Body: ContingencyRequest{}, Resp: store.Quote{},
		handle: s.apiResolveContingency})

	polQ := append([]qparam{
		{Name: "status", Type: "string", Desc: "policy status", Enum: []string{"active", "expired", "cancelled"}},
		{Name: "source", Type: "string", Desc: "bound on Anbao or declared", Enum: []string{"anbao", "declared"}},
		{Name: "kind", Type: "string", Desc: "standard or park master", Enum: []string{"standard", "park_master"}},
		{Name: "enterprise_id", Type: "integer", Desc: "the insured"},
		{Name: "insurer_id", Type: "integer", Desc: "the insurer"},
		{Name: "product_id", Type: "integer", Desc: "the product"},
		{Name: "jurisdiction", Type: "string", Desc: "the insured's jurisdiction"},
		{Name: "q", Type: "string", Desc: "policy number or external reference prefix, or insured name"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/policies", OpID: "listPolicies", Tag: tag, Query: polQ,
		Summary: "The policy registry within the caller's scope", Resp: ListResponse[*store.Policy]{}, handle: s.apiListPolicies})
	s.api(route{Method: "GET", Path: "/api/v1/policies/{polid}", OpID: "getPolicy", Tag: tag,
		Summary: "One policy with its terms, segments, transactions, contingencies, members, subsidies and notices",
		Resp:    store.Policy{}, handle: s.apiGetPolicy})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/endorsements", OpID: "endorsePolicy", Tag: tag, Status: 201,
		Summary: "Change the limit and retention from a date; premium pro rata for the days left", Body: store.EndorseInput{},
		Resp: store.Policy{}, handle: s.apiEndorse})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/cancel", OpID: "cancelPolicy", Tag: tag,
		Summary: "Cancel the current term: flat, pro_rata or short_rate, with a reason code", Body: store.CancelInput{},
		Resp: store.Policy{}, handle: s.apiCancel})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/reinstate", OpID: "reinstatePolicy", Tag: tag,
		Summary: "Reinstate a cancelled term from its cancellation date; the refund is charged back", Body: NoteRequest{},
		Resp: store.Policy{}, handle: s.apiReinstate})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/renew", OpID: "renewPolicy", Tag: tag,
		Summary: "Renew: automatically when nothing material changed, else through a referred renewal quote",
		Resp:    store.RenewalResult{}, handle: s.apiRenew})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/members", OpID: "addParkMember", Tag: tag, Status: 201,
		Summary: "Add an enterprise to a park (园区保) master policy and issue its certificate", Body: store.ParkMemberInput{},
		Resp: store.Policy{}, handle: s.apiAddMember})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/members/{mid}/leave", OpID: "removeParkMember", Tag: tag,
		Summary: "End a park member's cover from a date", Body: LeaveRequest{}, Resp: store.Policy{}, handle: s.apiRemoveMember})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/subsidies", OpID: "addSubsidy", Tag: tag, Status: 201,
		Summary: "Record a premium subsidy (补贴) and the local policy that grants it", Body: store.SubsidyInput{},
		Resp: store.Policy{}, handle: s.apiAddSubsidy})
	s.api(route{Method: "POST", Path: "/api/v1/policies/{polid}/notices", OpID: "raiseRiskNotice", Tag: tag, Status: 201,
		Summary: "The insured notifies a significant increase in risk (危险程度显著增加)", Body: store.RiskNoticeInput{},
		Resp: store.RiskNotice{}, handle: s.apiRaiseNotice})
	s.api(route{Method: "GET", Path: "/api/v1/risk-notices", OpID: "listRiskNotices", Tag: tag,
		Query:   []qparam{{Name: "pending", Type: "boolean", Desc: "only those not yet acknowledged"}},
		Summary: "Risk-increase notices on the policies the caller may read", Resp: []*store.RiskNotice{}, handle: s.apiListNotices})
	s.api(route{Method: "POST", Path: "/api/v1/risk-notices/{nid}/acknowledge", OpID: "acknowledgeRiskNotice", Tag: tag,
		Summary: "The insurer acknowledges a risk notice with its response", Body: AckRequest{}, Resp: store.RiskNotice{},
		handle: s.apiAckNotice})
}

func (s *Server) apiUWCatalog(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActProductRead); err != nil {
		return nil, err
	}
	return UnderwritingCatalog{ProductTypes: cover.ProductTypes, SecurityProducts: cover.SecurityProducts, Coverages: cover.Kinds,
		ServiceKinds: cover.ServiceKinds, CancelReasons: store.CancelReasons, NoticeKinds: store.NoticeKinds, SeedRating: rating.SeedConfig()}, nil
}

func (s *Server) apiListProducts(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	ins, err := queryInt64(r, "insurer_id")
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := store.ProductFilter{InsurerID: ins, Type: cover.ProductType(q.Get("type")), Status: q.Get("status"), Query: q.Get("q"), Page: pg}
	l, err := s.store.ListProducts(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Product]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiCreateProduct(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.ProductInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateProduct(r.Context(), in)
}

func (s *Server) apiGetProduct(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	return s.store.GetProduct(r.Context(), id)
}

func (s *Server) apiGetProductVersion(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return nil, anbao.ErrNotFound("product_version")
	}
	return s.store.GetProductVersion(r.Context(), id, n)
}

func (s *Server) apiSaveDraft(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	var in DraftRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.SaveProductDraft(r.Context(), id, in.Version, in.ProductVersionInput)
}

func (s *Server) apiPublishProduct(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	var in VersionRequest
	if err := decodeOptionalJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.PublishProduct(r.Context(), id, in.Version)
}

func (s *Server) apiRetireProduct(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	return s.store.RetireProduct(r.Context(), id)
}

func (s *Server) apiRatePreview(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	var in RatePreviewRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.RatePreview(r.Context(), id, in.Version, &in.Input)
}

func (s *Server) apiListClauses(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.ListClauses(r.Context(), id)
}

func (s *Server) apiAddClause(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.ClauseInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.AddClause(r.Context(), in)
}

func (s *Server) apiRequestQuotes(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := s.store.MayRequestQuotes(r.Context(), anbao.PrincipalFrom(r.Context()), ent); err != nil {
		return nil, err
	}
	var in store.QuoteRequestInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.RequestQuotes(r.Context(), ent, in)
}

func (s *Server) apiGetQuoteRequest(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.GetQuoteRequest(r.Context(), id)
}

func (s *Server) apiListQuotes(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	ent, err := queryInt64(r, "enterprise_id")
	if err != nil {
		return nil, err
	}
	req, err := queryInt64(r, "request_id")
	if err != nil {
		return nil, err
	}
	f := store.QuoteFilter{EnterpriseID: ent, RequestID: req, Status: r.URL.Query().Get("status"), Page: pg}
	l, err := s.store.ListQuotes(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Quote]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiGetQuote(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "qid")
	if err != nil {
		return nil, err
	}
	return s.store.GetQuote(r.Context(), id)
}

func (s *Server) apiEditQuote(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "qid")
	if err != nil {
		return nil, err
	}
	var in store.QuoteEdit
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.EditQuote(r.Context(), id, in)
}

// quoteStep decodes an optional version and runs one quote step.
func (s *Server) quoteStep(r *http.Request, fn func(id int64, version int) (any, error)) (any, error) {
	id, err := pathID(r, "qid")
	if err != nil {
		return nil, err
	}
	var in VersionRequest
	if err := decodeOptionalJSON(r, &in); err != nil {
		return nil, err
	}
	return fn(id, in.Version)
}

func (s *Server) apiRateQuote(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.quoteStep(r, func(id int64, v int) (any, error) { return s.store.RateQuote(r.Context(), id, v) })
}

func (s *Server) apiWithdrawQuote(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.quoteStep(r, func(id int64, v int) (any, error) { return s.store.WithdrawQuote(r.Context(), id, v) })
}

func (s *Server) apiRequestBind(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.quoteStep(r, func(id int64, v int) (any, error) { return s.store.RequestBind(r.Context(), id, v) })
}

func (s *Server) apiBindQuote(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.quoteStep(r, func(id int64, v int) (any, error) { return s.store.BindQuote(r.Context(), id, v) })
}

func (s *Server) apiDecideQuote(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "qid")
	if err != nil {
		return nil, err
	}
	var in store.QuoteDecision
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.DecideQuote(r.Context(), id, in)
}

func (s *Server) apiResolveContingency(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "qid")
	if err != nil {
		return nil, err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return nil, err
	}
	var in ContingencyRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.ResolveContingency(r.Context(), id, cid, in.Status, in.Note)
}

func (s *Server) apiListPolicies(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.PolicyFilter{Page: pg}
	for name, dst := range map[string]*int64{"enterprise_id": &f.EnterpriseID, "insurer_id": &f.InsurerID, "product_id": &f.ProductID} {
		if *dst, err = queryInt64(r, name); err != nil {
			return nil, err
		}
	}
	q := r.URL.Query()
	f.Status, f.Source, f.Kind, f.Jurisdiction, f.Query = q.Get("status"), q.Get("source"), q.Get("kind"), q.Get("jurisdiction"), q.Get("q")
	l, err := s.store.ListPolicies(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Policy]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiGetPolicy(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "polid")
	if err != nil {
		return nil, err
	}
	return s.store.GetPolicy(r.Context(), id)
}

// policyBody decodes a policy step's body.
func policyBody[T any](r *http.Request) (int64, *T, error) {
	id, err := pathID(r, "polid")
	if err != nil {
		return 0, nil, err
	}
	var in T
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	return id, &in, nil
}

func (s *Server) apiEndorse(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[store.EndorseInput](r)
	if err != nil {
		return nil, err
	}
	return s.store.Endorse(r.Context(), id, *in)
}

func (s *Server) apiCancel(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[store.CancelInput](r)
	if err != nil {
		return nil, err
	}
	return s.store.Cancel(r.Context(), id, *in)
}

func (s *Server) apiReinstate(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[NoteRequest](r)
	if err != nil {
		return nil, err
	}
	return s.store.Reinstate(r.Context(), id, in.Note, in.Version)
}

func (s *Server) apiRenew(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "polid")
	if err != nil {
		return nil, err
	}
	return s.store.RenewPolicy(r.Context(), id)
}

func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[store.ParkMemberInput](r)
	if err != nil {
		return nil, err
	}
	return s.store.AddParkMember(r.Context(), id, *in)
}

func (s *Server) apiRemoveMember(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[LeaveRequest](r)
	if err != nil {
		return nil, err
	}
	mid, err := pathID(r, "mid")
	if err != nil {
		return nil, err
	}
	return s.store.RemoveParkMember(r.Context(), id, mid, in.LeftDate)
}

func (s *Server) apiAddSubsidy(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[store.SubsidyInput](r)
	if err != nil {
		return nil, err
	}
	return s.store.AddSubsidy(r.Context(), id, *in)
}

func (s *Server) apiRaiseNotice(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := policyBody[store.RiskNoticeInput](r)
	if err != nil {
		return nil, err
	}
	return s.store.RaiseRiskNotice(r.Context(), id, *in)
}

func (s *Server) apiListNotices(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.ListRiskNotices(r.Context(), r.URL.Query().Get("pending") == "true")
}

func (s *Server) apiAckNotice(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "nid")
	if err != nil {
		return nil, err
	}
	var in AckRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.AcknowledgeRiskNotice(r.Context(), id, in.Response)
}

func (s *Server) apiListMandates(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.ListMandates(r.Context(), ent)
}

func (s *Server) apiGrantMandate(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := store.MayActForOwn(anbao.PrincipalFrom(r.Context()), ent, anbao.ActMandateManage); err != nil {
		return nil, err
	}
	var in MandateRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.GrantMandate(r.Context(), ent, in.IntermediaryID)
}

func (s *Server) apiRevokeMandate(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	org, err := pathID(r, "org")
	if err != nil {
		return nil, err
	}
	return nil, s.store.RevokeMandate(r.Context(), ent, org)
}
