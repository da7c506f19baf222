package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// The quote and policy pages (capability D): the enterprise asks insurers'
// products for quotes and compares them side by side; each quote shows its
// rating trail, terms and contingencies with the steps each side may take;
// the policy registry and one policy with its terms, segments, transactions
// and the insurer's mid-term steps. The store scopes every read and checks
// every step; these handlers parse forms (money strictly, in 元), delegate,
// and show a refused step's error on the form it came from.

var quotePageNames = []string{"quotes", "quote_new", "quote_request", "quote", "policies", "policy"}

// quoteFuncs are the template functions of the quote and policy pages.
var quoteFuncs = template.FuncMap{
	"yuan":       fmtYuan,
	"yuanSigned": fmtYuanSigned,
	"cny":        fmtCNY,
	"factor":     fmtFactor,
	"rateOnLine": fmtRateOnLine,
	"pick": func(lang, zh, en string) string {
		if lang == "en" && en != "" {
			return en
		}
		return zh
	},
	"covName": covName,
	// fval is a field's value, only for the form it was posted with (several
	// forms of one page share field names).
	"fval": func(p *uiPage, form, name string) string {
		if p.FormID != form {
			return ""
		}
		return p.Form.Get(name)
	},
	// fdef is a field's posted value after an error on its form, else def.
	"fdef": func(p *uiPage, form, name, def string) string {
		if p.FormID != form {
			return def
		}
		return p.Form.Get(name)
	},
	"fis": func(p *uiPage, form, name string, v any) bool {
		return p.FormID == form && p.Form.Get(name) == fmt.Sprint(v)
	},
	"fhas": func(p *uiPage, form, name string, v any) bool {
		return p.FormID == form && slices.Contains(p.Form[name], fmt.Sprint(v))
	},
	"amountInput": func(fen int64) string { return formatAmount(fen, "yuan") },
	"pct":         pctBP,
	"trailCtx": func(p *uiPage, id string, steps []rating.Step, amount int64, label string) quoteTrailCtx {
		c := quoteTrailCtx{P: p, ID: id, Steps: steps, Amount: amount, TotalLabel: label}
		for _, s := range steps {
			c.Sum += s.Effect
		}
		c.OK = c.Sum == amount
		return c
	},
	"termsCtx": func(p *uiPage, t *cover.Terms) quoteTermsCtx { return quoteTermsCtx{P: p, T: t} },
	"contsCtx": func(p *uiPage, list []*store.Contingency, resolve bool, quoteID int64) quoteContsCtx {
		return quoteContsCtx{P: p, List: list, Resolve: resolve, QuoteID: quoteID, Statuses: []string{store.ContSatisfied, store.ContWaived}}
	},
	"deltaCtx": func(p *uiPage, d *store.RenewalDelta) quoteDeltaCtx { return quoteDeltaCtx{P: p, D: d} },
	"deref":    func(n *int64) int64 { return *n },
	"qrow":     func(p *uiPage, q *store.Quote) quoteRowCtx { return quoteRowCtx{P: p, Q: q} },
	"ovField":  quoteOverrideField,
	"ovValue": func(p *uiPage, v string) string {
		for _, k := range []string{"ui.quotes.ovval." + v, "ui.quotes.waiting_mode." + v} {
			if i18n.Has(p.Lang, k) {
				return p.T(k)
			}
		}
		return v
	},
}

// Contexts of the partials in quotes_parts.html.
type quoteTrailCtx struct {
	P           *uiPage
	ID          string
	Steps       []rating.Step
	Sum, Amount int64
	OK          bool
	TotalLabel  string
}

type quoteRowCtx struct {
	P *uiPage
	Q *store.Quote
}

type quoteDeltaCtx struct {
	P *uiPage
	D *store.RenewalDelta
}

type quoteTermsCtx struct {
	P *uiPage
	T *cover.Terms
}

type quoteContsCtx struct {
	P        *uiPage
	List     []*store.Contingency
	Resolve  bool
	QuoteID  int64
	Statuses []string
}

// quoteOverrideField names the term a rating rule changed: limit, retention,
// or one attribute of a coverage (coverages.<code>[.<attribute>]).
func quoteOverrideField(p *uiPage, field string) string {
	switch field {
	case "limit":
		return p.T("ui.quotes.limit")
	case "retention":
		return p.T("ui.quotes.retention")
	}
	rest, ok := strings.CutPrefix(field, "coverages.")
	if !ok {
		return field
	}
	code, attr, _ := strings.Cut(rest, ".")
	name := covName(p.Lang, code)
	if attr == "" {
		return name
	}
	if k := "ui.quotes.attr." + attr; i18n.Has(p.Lang, k) {
		return name + " · " + p.T(k)
	}
	return name + " · " + attr
}

func (u *uiRenderer) addQuotePages() error {
	pages := map[string]string{}
	for _, name := range quotePageNames {
		pages[name] = "templates/" + name + ".html"
	}
	return u.addPageSet(quoteFuncs, "templates/quotes_parts.html", pages)
}

// registerQuoteUI registers the quote and policy pages. The templates are
// embedded, so a parse failure is a programming error caught by every test.
func (s *Server) registerQuoteUI() {
	if err := s.ui.addQuotePages(); err != nil {
		panic(err)
	}
	m := s.mux
	m.HandleFunc("GET /quotes", s.uiAuth(s.uiQuotes))
	m.HandleFunc("GET /quotes/new", s.uiAuth(s.uiQuoteNew))
	m.HandleFunc("POST /quote-mandates", s.uiAuth(s.uiMandateGrant))
	m.HandleFunc("POST /quote-mandates/{org}/revoke", s.uiAuth(s.uiMandateRevoke))
	m.HandleFunc("POST /quotes/new", s.uiAuth(s.uiQuoteCreate))
	m.HandleFunc("GET /quote-requests/{rid}", s.uiAuth(s.uiQuoteRequest))
	m.HandleFunc("GET /quotes/{qid}", s.uiAuth(s.uiQuote))
	for _, step := range []string{"edit", "rate", "bind-request", "withdraw", "decide", "bind"} {
		m.HandleFunc("POST /quotes/{qid}/"+step, s.uiAuth(s.uiQuoteStep(step)))
	}
	m.HandleFunc("POST /quotes/{qid}/contingencies/{cid}", s.uiAuth(s.uiQuoteContingency))
	m.HandleFunc("GET /policies", s.uiAuth(s.uiPolicies))
	m.HandleFunc("GET /policies/{polid}", s.uiAuth(s.uiPolicy))
	for _, step := range []string{"endorse", "cancel", "reinstate", "renew", "members", "subsidies", "notices"} {
		m.HandleFunc("POST /policies/{polid}/"+step, s.uiAuth(s.uiPolicyStep(step)))
	}
	m.HandleFunc("POST /policies/{polid}/members/{mid}/leave", s.uiAuth(s.uiPolicyStep("leave")))
	m.HandleFunc("POST /policies/{polid}/notices/{nid}/acknowledge", s.uiAuth(s.uiPolicyStep("acknowledge")))
}

// Money and factors.

// fmtYuan writes 分 as yuan with two decimals and thousands separators, without a sign for positives: 12,345.60.
func fmtYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "−", -fen
	}
	return fmt.Sprintf("%s%s.%02d", sign, groupDigits(fen/100), fen%100)
}

// fmtYuanSigned writes an effect: +12,345.60, −12,345.60 or 0.00.
func fmtYuanSigned(fen int64) string {
	if fen > 0 {
		return "+" + fmtYuan(fen)
	}
	return fmtYuan(fen)
}

// fmtCNY writes an amount with the yuan sign: ¥12,345.60.
func fmtCNY(fen int64) string {
	if fen < 0 {
		return "−¥" + fmtYuan(-fen)
	}
	return "¥" + fmtYuan(fen)
}

// fmtFactor writes a factor in basis points as ×1.2345; "" when the step does not multiply.
func fmtFactor(bp int) string {
	if bp == 0 {
		return ""
	}
	return fmt.Sprintf("×%d.%04d", bp/10000, bp%10000)
}

// fmtRateOnLine is the premium as a percentage of the limit, to a hundredth of a percent.
func fmtRateOnLine(premium, limit int64) string {
	if limit <= 0 || premium <= 0 {
		return "—"
	}
	bp := (premium*10000*2 + limit) / (limit * 2) // half up
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// parseYuanField reads a money field typed in 元 as 分, strictly; a leading
// ¥ is allowed. An empty optional field is 0.
func parseYuanField(form url.Values, name string, required bool) (int64, error) {
	s := strings.TrimSpace(form.Get(name))
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥"))
	if s == "" {
		if required {
			return 0, anbao.FieldError(name, "ui.quotes.err.money_required")
		}
		return 0, nil
	}
	if !yuanRE.MatchString(s) {
		return 0, anbao.FieldError(name, "ui.quotes.err.money", s)
	}
	fen, ok := parseYuan(s)
	if !ok {
		return 0, anbao.FieldError(name, "ui.quotes.err.money_range", s)
	}
	return fen, nil
}

func (s *Server) quoteToday() string { return s.store.Now().In(anbao.Shanghai).Format(time.DateOnly) }

// quoteStepError reports whether a refused step is shown as an error page
// (nothing to show the form for) rather than on the form.
func quoteStepError(err error) bool {
	switch anbao.ErrorCode(err) {
	case anbao.ENOTFOUND, anbao.EFORBIDDEN, anbao.EUNAUTHORIZED, anbao.EINTERNAL:
		return true
	}
	return false
}

// quoteLocaliseState names the state a "not possible now" error quotes, in lang.
func quoteLocaliseState(err error, lang string) error {
	var e *anbao.Error
	if !errors.As(err, &e) || len(e.Args) == 0 {
		return err
	}
	prefix := ""
	switch e.Key {
	case "uw.quote.state":
		prefix = "ui.quotes.status."
	case "uw.policy.state":
		prefix = "ui.policies.status."
	case "uw.contingency.resolved":
		prefix = "ui.quotes.cont_status."
	default:
		return err
	}
	c := *e
	c.Args = slices.Clone(e.Args)
	if k := prefix + fmt.Sprint(c.Args[0]); i18n.Has(lang, k) {
		c.Args[0] = i18n.T(lang, k)
	}
	return &c
}

// quoteRemapField moves a page's error to the input that carries its field.
func quoteRemapField(p *uiPage, fn func(string) string) {
	if p.Err != nil {
		p.Err.Field = fn(p.Err.Field)
	}
}

// The quote list.

type uiQuoteGroup struct {
	RequestID int64
	Inception string
	Quotes    []*store.Quote
}

type uiQuoteListData struct {
	List       *store.ItemList[*store.Quote]
	Groups     []*uiQuoteGroup // the enterprise's view: by request
	Enterprise bool
	CanRequest bool
	// ShowEnterprise and ShowInsurer: the columns that tell rows apart for the reader.
	ShowEnterprise, ShowInsurer bool
	// Mandates is the enterprise admin's intermediaries section; Clients the
	// enterprises that mandate the reader as their intermediary.
	Mandates *uiMandates
	Clients  []store.MandatingEnterprise
	Status   string
	Statuses []string
	Pager    uiPager
}

func (s *Server) uiQuotes(w http.ResponseWriter, r *http.Request) { s.uiQuotesWithError(w, r, "", nil) }

// uiQuotesWithError renders the quote list, with ferr shown on form (a
// refused mandate step).
func (s *Server) uiQuotesWithError(w http.ResponseWriter, r *http.Request, form string, ferr error) {
	p := s.newPage(r, "ui.quotes.title", "quotes")
	status := http.StatusOK
	if ferr != nil {
		status = p.setError(form, nil, ferr, s, r)
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &uiQuoteListData{Status: q.Get("status"), Statuses: store.QuoteStatuses, Enterprise: p.P.OrgKind == anbao.KindEnterprise,
		CanRequest:     p.P.OrgKind == anbao.KindEnterprise && anbao.Can(p.P, anbao.ActQuoteRequest),
		ShowEnterprise: p.P.OrgKind != anbao.KindEnterprise, ShowInsurer: p.P.OrgKind != anbao.KindInsurer}
	if d.List, err = s.store.ListQuotes(r.Context(), store.QuoteFilter{Status: d.Status, Page: pg}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.Mandates, err = s.uiMandateSection(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.Clients, err = s.store.ListMandatingEnterprises(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.Enterprise {
		byReq := map[int64]*uiQuoteGroup{}
		for _, qt := range d.List.Items {
			g := byReq[qt.RequestID]
			if g == nil {
				g = &uiQuoteGroup{RequestID: qt.RequestID, Inception: qt.InceptionDate}
				byReq[qt.RequestID] = g
				d.Groups = append(d.Groups, g)
			}
			g.Quotes = append(g.Quotes, qt)
		}
	}
	d.Pager = makePager("/quotes", q, pg, d.List.Total, len(d.List.Items))
	p.Data = d
	s.render(w, r, status, "quotes", p)
}

// Requesting quotes.

type uiQuoteProduct struct {
	P          *store.Product
	V          *store.ProductVersion
	ClaimsMade bool
}

type uiQuoteInsurer struct {
	Name     string
	Products []*uiQuoteProduct
}

type uiQuoteNewData struct {
	Insurers        []*uiQuoteInsurer
	Rows            []int
	Today, Tomorrow string
	Kinds           []string
	// For is the enterprise an intermediary asks for (0: the reader's own).
	For     int64
	ForName string
}

// quoteTarget is the enterprise a quote request is for: the reader's own, or
// for an intermediary the mandating enterprise named by the "enterprise"
// field; ctx reads the products as that enterprise sees them (the
// published catalogue).
func (s *Server) quoteTarget(r *http.Request) (ent int64, ctx context.Context, err error) {
	ctx = r.Context()
	pr := anbao.PrincipalFrom(ctx)
	if pr.OrgKind != anbao.KindInsurer {
		return pr.OrgID, ctx, store.MayActForOwn(pr, pr.OrgID, anbao.ActQuoteRequest)
	}
	ent, err = strconv.ParseInt(r.FormValue("enterprise"), 10, 64)
	if err != nil || ent <= 0 {
		return 0, ctx, anbao.ErrNotFound("enterprise")
	}
	if err := s.store.MayRequestQuotes(ctx, pr, ent); err != nil {
		return 0, ctx, err
	}
	catalogue := &anbao.Principal{UserID: pr.UserID, Username: pr.Username, OrgID: ent, OrgKind: anbao.KindEnterprise,
		Roles: []anbao.Role{anbao.RoleMember}}
	return ent, anbao.WithPrincipal(ctx, catalogue), nil
}

const quoteFormRows = 5 // the store takes one to five options

func (s *Server) quoteNewPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.newPage(r, "ui.quotes.new_title", "quotes")
	ent, ctx, err := s.quoteTarget(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.ListProducts(ctx, store.ProductFilter{Status: store.ProductActive, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiQuoteNewData{Today: s.quoteToday(), Kinds: []string{store.PolicyStandard, store.PolicyParkMaster}}
	if r.Method == http.MethodGet && len(r.URL.Query()["product"]) > 0 {
		// Preselected products, e.g. a catalogue plan's consortium insurers.
		p.FormID, p.Form = "qnew", r.URL.Query()
	}
	if ent != p.P.OrgID {
		d.For = ent
		if o, err := s.store.GetOrganisation(r.Context(), ent); err == nil {
			d.ForName = o.Name(p.Lang)
		}
	}
	t, _ := time.Parse(time.DateOnly, d.Today)
	d.Tomorrow = t.AddDate(0, 0, 1).Format(time.DateOnly)
	for i := range quoteFormRows {
		d.Rows = append(d.Rows, i)
	}
	byIns := map[int64]*uiQuoteInsurer{}
	for _, pr := range list.Items {
		v, err := s.store.GetProductVersion(ctx, pr.ID, 0)
		if err != nil {
			continue // retired or withdrawn since the list was read
		}
		terms := cover.Terms{Coverages: v.Definition.Coverages}
		g := byIns[pr.InsurerID]
		if g == nil {
			g = &uiQuoteInsurer{Name: pr.InsurerName}
			byIns[pr.InsurerID] = g
			d.Insurers = append(d.Insurers, g)
		}
		g.Products = append(g.Products, &uiQuoteProduct{P: pr, V: v, ClaimsMade: terms.ClaimsMade()})
	}
	if formErr != nil {
		status = p.setError("qnew", r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "quote_new", p)
}

func (s *Server) uiQuoteNew(w http.ResponseWriter, r *http.Request) {
	s.quoteNewPage(w, r, http.StatusOK, nil)
}

// quoteRequestForm reads the request form; rows maps the store's option
// index to the form row it came from (empty rows are skipped).
func quoteRequestForm(form url.Values) (store.QuoteRequestInput, []int, error) {
	in := store.QuoteRequestInput{InceptionDate: strings.TrimSpace(form.Get("inception_date")),
		RetroDate: strings.TrimSpace(form.Get("retro_date")), Note: form.Get("note"), Kind: form.Get("kind")}
	for _, v := range form["product"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return in, nil, anbao.FieldError("products", "ui.quotes.err.id", v)
		}
		in.Products = append(in.Products, id)
	}
	if len(in.Products) == 0 {
		return in, nil, anbao.FieldError("products", "ui.quotes.err.products")
	}
	var rows []int
	for i := range quoteFormRows {
		ln, rn := fmt.Sprintf("options[%d].limit", i), fmt.Sprintf("options[%d].retention", i)
		if strings.TrimSpace(form.Get(ln)) == "" && strings.TrimSpace(form.Get(rn)) == "" {
			continue
		}
		limit, err := parseYuanField(form, ln, true)
		if err != nil {
			return in, nil, err
		}
		ret, err := parseYuanField(form, rn, true)
		if err != nil {
			return in, nil, err
		}
		in.Options = append(in.Options, store.QuoteOption{Limit: limit, Retention: ret})
		rows = append(rows, i)
	}
	if len(in.Options) == 0 {
		return in, nil, anbao.FieldError("options[0].limit", "ui.quotes.err.options")
	}
	return in, rows, nil
}

var storeOptionRE = regexp.MustCompile(`^options\[(\d+)\](\.(limit|retention))?$`)

func (s *Server) uiQuoteCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.ParseForm()
	ent, _, err := s.quoteTarget(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, rows, err := quoteRequestForm(r.PostForm)
	if err == nil {
		var req *store.QuoteRequest
		if req, err = s.store.RequestQuotes(ctx, ent, in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/quote-requests/%d", req.ID), http.StatusSeeOther)
			return
		}
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		// The store counts options without the empty rows: point at the row typed.
		var e *anbao.Error
		if errors.As(err, &e) {
			c := *e
			if m := storeOptionRE.FindStringSubmatch(c.Field); m != nil {
				j, _ := strconv.Atoi(m[1])
				sub := m[3]
				if sub == "" {
					sub = "limit"
				}
				if j < len(rows) {
					c.Field = fmt.Sprintf("options[%d].%s", rows[j], sub)
				}
			} else if strings.HasPrefix(c.Field, "products") {
				c.Field = "products"
			}
			err = &c
		}
	}
	s.quoteNewPage(w, r, 0, err)
}

// The side-by-side comparison.

type uiQuoteCmpCol struct {
	Q       *store.Quote
	Terms   *cover.Terms
	Best    bool
	Waiting string
}

type uiQuoteCmpOption struct {
	No               int
	Limit, Retention int64
	Span             int
}

type uiQuoteCmpRow struct {
	Name  string
	Cells []uiQuoteCmpCell
}

type uiQuoteCmpCell struct {
	Text string
	None bool // the terms do not carry the coverage
}

type uiQuoteCompareData struct {
	Req        *store.QuoteRequest
	Cols       []*uiQuoteCmpCol
	Options    []*uiQuoteCmpOption
	Coverages  []*uiQuoteCmpRow
	Enterprise bool
	CanBind    bool
}

// quoteOffered reports whether a quote is a live or taken offer with a premium.
func quoteOffered(q *store.Quote) bool {
	return q.Status == store.QuoteQuoted || q.Status == store.QuoteBindRequested || q.Status == store.QuoteBound
}

func (s *Server) uiQuoteRequest(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "rid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := s.newPage(r, "ui.quotes.compare_title", "quotes")
	req, err := s.store.GetQuoteRequest(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiQuoteCompareData{Req: req, Enterprise: p.P.OrgKind == anbao.KindEnterprise && p.P.OrgID == req.EnterpriseID}
	d.CanBind = d.Enterprise && anbao.Can(p.P, anbao.ActQuoteBind)
	var codes []string
	for i, q := range req.Quotes {
		// The request lists its quotes without their contingencies.
		if full, err := s.store.GetQuote(r.Context(), q.ID); err == nil {
			req.Quotes[i], q = full, full
		}
		c := &uiQuoteCmpCol{Q: q}
		if q.Result != nil && q.Result.Terms != nil {
			c.Terms = q.Result.Terms
		} else {
			c.Terms = &cover.Terms{AggregateLimit: q.Limit, Retention: q.Retention}
		}
		for _, cv := range c.Terms.Coverages {
			if !slices.Contains(codes, cv.Code) {
				codes = append(codes, cv.Code)
			}
			if k, _ := cover.Kind(cv.Code); k.BI {
				c.Waiting = quoteWaiting(p, &cv)
			}
		}
		if q.Result != nil {
			// A coverage a rule removed still gets its row, to show it is not covered.
			for _, ov := range q.Result.Overrides {
				if code, ok := strings.CutPrefix(ov.Field, "coverages."); ok && !strings.Contains(code, ".") && !slices.Contains(codes, code) {
					codes = append(codes, code)
				}
			}
		}
		n := len(d.Options)
		if n == 0 || d.Options[n-1].Limit != q.Limit || d.Options[n-1].Retention != q.Retention {
			d.Options = append(d.Options, &uiQuoteCmpOption{No: n + 1, Limit: q.Limit, Retention: q.Retention})
		}
		d.Options[len(d.Options)-1].Span++
		d.Cols = append(d.Cols, c)
	}
	// The best offer of each option: the lowest premium among the live or
	// taken ones (every one of them when several tie).
	for _, o := range d.Options {
		best := int64(-1)
		in := func(c *uiQuoteCmpCol) bool {
			return c.Q.Limit == o.Limit && c.Q.Retention == o.Retention && quoteOffered(c.Q)
		}
		for _, c := range d.Cols {
			if in(c) && (best < 0 || c.Q.Premium < best) {
				best = c.Q.Premium
			}
		}
		for _, c := range d.Cols {
			if in(c) && c.Q.Premium == best {
				c.Best = true
			}
		}
	}
	// Coverage rows in taxonomy order.
	for _, k := range cover.Kinds {
		if !slices.Contains(codes, k.Code) {
			continue
		}
		row := &uiQuoteCmpRow{Name: covName(p.Lang, k.Code)}
		for _, c := range d.Cols {
			row.Cells = append(row.Cells, uiQuoteCmpCell{Text: quoteCoverageCell(p, c.Terms, k.Code), None: c.Terms.Coverage(k.Code) == nil})
		}
		d.Coverages = append(d.Coverages, row)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "quote_request", p)
}

// quoteCoverageCell sums up one coverage of terms: its sublimit, deductible and
// coinsurance, or that the terms do not carry it.
func quoteCoverageCell(p *uiPage, t *cover.Terms, code string) string {
	cv := t.Coverage(code)
	if cv == nil {
		return p.T("ui.quotes.cov_none")
	}
	s := p.T("ui.quotes.cov_full")
	if cv.Sublimit > 0 {
		s = fmtCNY(cv.Sublimit)
		if cv.Outside {
			s += " " + p.T("ui.quotes.cov_outside")
		}
	}
	if cv.Deductible > 0 {
		s += " · " + p.T("ui.quotes.cov_deductible", fmtCNY(cv.Deductible))
	}
	if cv.CoinsuranceBP > 0 {
		s += " · " + p.T("ui.quotes.cov_coinsurance", fmt.Sprintf("%d.%02d%%", cv.CoinsuranceBP/100, cv.CoinsuranceBP%100))
	}
	return s
}

// quoteWaiting describes a business-interruption waiting period.
func quoteWaiting(p *uiPage, cv *cover.Coverage) string {
	if cv.WaitingHours == 0 {
		return p.T("ui.quotes.waiting_none")
	}
	mode := cv.WaitingMode
	if mode == "" {
		mode = cover.WaitTimeDeductible
	}
	return p.T("ui.quotes.waiting_hours", cv.WaitingHours, p.T("ui.quotes.waiting_mode."+mode))
}

// One quote.

type uiQuoteEvent struct {
	At, Label, Note string
}

type uiQuoteData struct {
	Q           *store.Quote
	Terms       *cover.Terms
	Timeline    []uiQuoteEvent
	OpenPreBind int
	Enterprise  bool // the principal is the quote's enterprise
	Underwriter bool // the principal underwrites for the quote's insurer
	CanEdit     bool
	CanRate     bool
	CanBindReq  bool
	CanWithdraw bool
	CanDecide   bool
	CanResolve  bool
	CanBind     bool
	Today       string
	Waiting     string
}

var quoteOpen = []string{store.QuoteDraft, store.QuoteQuoted, store.QuoteReferred, store.QuoteBindRequested}

func (s *Server) quotePage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "ui.quotes.detail_title", "quotes")
	q, err := s.store.GetQuote(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.En() {
		q.EnterpriseName = s.quoteOrgName(r.Context(), q.EnterpriseID, q.EnterpriseName, p.Lang)
		q.InsurerName = s.quoteOrgName(r.Context(), q.InsurerID, q.InsurerName, p.Lang)
	}
	d := &uiQuoteData{Q: q, Today: s.quoteToday()}
	pr := p.P
	d.Enterprise = pr.OrgKind == anbao.KindEnterprise && pr.OrgID == q.EnterpriseID
	d.Underwriter = pr.OrgKind == anbao.KindInsurer && pr.OrgID == q.InsurerID && anbao.Can(pr, anbao.ActQuoteUnderwrite)
	st := q.Status
	if d.Enterprise && anbao.Can(pr, anbao.ActQuoteRequest) {
		d.CanEdit = slices.Contains([]string{store.QuoteDraft, store.QuoteQuoted, store.QuoteReferred, store.QuoteDeclined}, st)
		d.CanRate = st == store.QuoteDraft
		d.CanWithdraw = slices.Contains(quoteOpen, st)
	}
	d.CanBindReq = d.Enterprise && anbao.Can(pr, anbao.ActQuoteBind) && st == store.QuoteQuoted
	for _, c := range q.Contingencies {
		if c.Status == store.ContOpen && c.Kind == cover.PreBind {
			d.OpenPreBind++
		}
		if c.Status == store.ContOpen && d.Underwriter && (slices.Contains(quoteOpen, st) || st == store.QuoteBound) {
			d.CanResolve = true
		}
	}
	if d.Underwriter {
		d.CanDecide = st == store.QuoteReferred && q.Result != nil
		d.CanBind = st == store.QuoteBindRequested
		d.CanWithdraw = slices.Contains(quoteOpen, st)
	}
	if q.Result != nil {
		d.Terms = q.Result.Terms
	}
	if d.Terms != nil {
		for i := range d.Terms.Coverages {
			if k, _ := cover.Kind(d.Terms.Coverages[i].Code); k.BI {
				d.Waiting = quoteWaiting(p, &d.Terms.Coverages[i])
			}
		}
	}
	d.Timeline = quoteTimeline(p, q)
	if formErr != nil {
		status = p.setError(form, r.PostForm, quoteLocaliseState(formErr, p.Lang), s, r)
	}
	p.Data = d
	s.render(w, r, status, "quote", p)
}

// quoteOrgName is an organisation's name in lang when the reader may see
// it, else the (Chinese) name the record carries.
func (s *Server) quoteOrgName(ctx context.Context, id int64, fallback, lang string) string {
	if o, err := s.store.GetOrganisation(ctx, id); err == nil {
		return o.Name(lang)
	}
	return fallback
}

// quoteTimeline lists what happened to a quote, from the times it keeps.
func quoteTimeline(p *uiPage, q *store.Quote) []uiQuoteEvent {
	ev := []uiQuoteEvent{{At: p.Time(q.CreatedAt), Label: p.T("ui.quotes.ev.requested")}}
	if q.Result != nil {
		// The decision of the tariff is the one before any underwriter's.
		auto := q.Result.Decision
		if q.DecidedBy != "" {
			auto = store.QuoteReferred
		}
		ev = append(ev, uiQuoteEvent{At: p.Time(q.CreatedAt), Label: p.T("ui.quotes.ev.rated", p.T("ui.quotes.status."+auto))})
	}
	if q.DecidedBy != "" {
		at := "—"
		if q.QuotedAt != "" && q.Status != store.QuoteDeclined {
			at = p.Time(q.QuotedAt)
		}
		label := p.T("ui.quotes.ev.approved", q.DecidedBy)
		if q.Status == store.QuoteDeclined {
			label = p.T("ui.quotes.ev.declined", q.DecidedBy)
		}
		ev = append(ev, uiQuoteEvent{At: at, Label: label, Note: q.DecisionNote})
	}
	if q.BindRequested != "" {
		ev = append(ev, uiQuoteEvent{At: p.Time(q.BindRequested), Label: p.T("ui.quotes.ev.bind_requested")})
	}
	if q.BoundAt != "" {
		ev = append(ev, uiQuoteEvent{At: p.Time(q.BoundAt), Label: p.T("ui.quotes.ev.bound")})
	}
	switch q.Status {
	case store.QuoteWithdrawn:
		note := ""
		if q.DecisionNote == "not_taken" {
			note = p.T("ui.quotes.not_taken")
		}
		ev = append(ev, uiQuoteEvent{At: p.Time(q.UpdatedAt), Label: p.T("ui.quotes.ev.withdrawn"), Note: note})
	case store.QuoteExpired:
		ev = append(ev, uiQuoteEvent{At: q.ValidUntil, Label: p.T("ui.quotes.ev.expired")})
	case store.QuoteDraft:
		if q.UpdatedAt != q.CreatedAt {
			ev = append(ev, uiQuoteEvent{At: p.Time(q.UpdatedAt), Label: p.T("ui.quotes.ev.edited")})
		}
	}
	return ev
}

func (s *Server) uiQuote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "qid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.quotePage(w, r, http.StatusOK, id, "", nil)
}

// uiQuoteStep runs one step of the quote lifecycle from its form.
func (s *Server) uiQuoteStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "qid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, form := r.Context(), r.PostForm
		version := formVersion(form)
		next := fmt.Sprintf("/quotes/%d?ok=saved", id)
		switch step {
		case "edit":
			var limit, ret int64
			if limit, err = parseYuanField(form, "limit", true); err == nil {
				if ret, err = parseYuanField(form, "retention", true); err == nil {
					_, err = s.store.EditQuote(ctx, id, store.QuoteEdit{Limit: limit, Retention: ret, Version: version,
						InceptionDate: strings.TrimSpace(form.Get("inception_date")), RetroDate: strings.TrimSpace(form.Get("retro_date"))})
				}
			}
		case "rate":
			_, err = s.store.RateQuote(ctx, id, version)
		case "bind-request":
			_, err = s.store.RequestBind(ctx, id, version)
		case "withdraw":
			_, err = s.store.WithdrawQuote(ctx, id, version)
		case "decide":
			var premium int64
			if premium, err = parseYuanField(form, "premium", false); err == nil {
				_, err = s.store.DecideQuote(ctx, id, store.QuoteDecision{Decision: form.Get("decision"), Premium: premium,
					Note: form.Get("note"), Version: version})
			}
			next = fmt.Sprintf("/quotes/%d?ok=decided", id)
		case "bind":
			var pol *store.Policy
			if pol, err = s.store.BindQuote(ctx, id, version); err == nil {
				next = fmt.Sprintf("/policies/%d?issued=1", pol.ID)
			}
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.quotePage(w, r, 0, id, step, err)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (s *Server) uiQuoteContingency(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "qid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, err := s.store.ResolveContingency(r.Context(), id, cid, r.PostFormValue("status"), r.PostFormValue("note")); err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.quotePage(w, r, 0, id, fmt.Sprintf("cont-%d", cid), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/quotes/%d?ok=saved#contingencies", id), http.StatusSeeOther)
}
