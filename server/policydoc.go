package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/ui"
	"github.com/chromedp/chromedp"
)

// Policy documents (issue #5, item 5): the policy schedule (保险单) and a
// park member's certificate (保险凭证), Chinese unless ?lang=en, as PDF
// printed by Chromium like the assessment report, and as an HTML preview
// that is the very page printed. Exactly the readers of the policy get them
// (store.PolicyDocument asks GetPolicy); a park member gets its own
// certificate and never another member's.

// policyDocTemplates are standalone documents (no application layout): the
// preview carries its own inline styles, which the page's CSP allows.
var policyDocTemplates = template.Must(template.New("policydoc").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
}).ParseFS(ui.Templates(),
	"templates/policy_schedule.html", "templates/policy_certificate.html"))

// policyDocLogo is the brand mark, inlined so that the printed page needs no request.
var policyDocLogo = func() template.URL {
	b, err := fs.ReadFile(ui.Static(), "favicon.svg")
	if err != nil {
		return ""
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(b))
}()

// policyDocCSP lets the standalone preview use its inline styles and nothing else.
const policyDocCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"

func (s *Server) registerPolicyDocs() {
	const tag = "underwriting"
	langQ := []qparam{{Name: "lang", Type: "string", Desc: "document language (default zh-CN: the Chinese text prevails)", Enum: []string{"zh-CN", "en"}}}
	s.rawAPI(route{Method: "GET", Path: "/api/v1/policies/{polid}/schedule.pdf", OpID: "policySchedulePDF", Tag: tag, Query: langQ,
		Summary: "The policy schedule (保险单) as PDF: parties, product and registration number, period, limits, premium, coverages, " +
			"exclusions in full, approved providers, services in kind, segments, subsidies (X-Anbao-Document-SHA256 carries the hash of its data; " +
			"503 unavailable without Chromium)"}, s.apiPolicySchedulePDF)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/policies/{polid}/members/{mid}/certificate.pdf", OpID: "parkCertificatePDF", Tag: tag,
		Query: langQ, Summary: "A park member's certificate of insurance (保险凭证) as PDF; the member itself may fetch its own"}, s.apiCertificatePDF)
	s.mux.HandleFunc("GET /policies/{polid}/schedule", s.uiAuth(s.uiPolicySchedule))
	s.mux.HandleFunc("GET /policies/{polid}/members/{mid}/certificate", s.uiAuth(s.uiCertificate))
}

// docLang is the language of a document: Chinese unless ?lang asks for
// English (neither the cookie nor Accept-Language: the Chinese text prevails).
func docLang(r *http.Request) (string, error) {
	l := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("lang")))
	switch {
	case l == "" || strings.HasPrefix(l, "zh"):
		return i18n.Default, nil
	case strings.HasPrefix(l, "en"):
		return "en", nil
	}
	return "", anbao.FieldError("lang", "pdoc.lang_invalid", r.URL.Query().Get("lang"))
}

func (s *Server) apiPolicySchedulePDF(w http.ResponseWriter, r *http.Request) error {
	v, err := s.scheduleView(r)
	if err != nil {
		return err
	}
	return s.writePolicyPDF(w, r, v, "pdoc-schedule", "schedule-"+fileSafe(v.PolicyNo, v.policyID))
}

func (s *Server) apiCertificatePDF(w http.ResponseWriter, r *http.Request) error {
	v, err := s.certificateView(r)
	if err != nil {
		return err
	}
	return s.writePolicyPDF(w, r, v, "pdoc-certificate", "certificate-"+fileSafe(v.CertNo, v.policyID))
}

func (s *Server) uiPolicySchedule(w http.ResponseWriter, r *http.Request) {
	v, err := s.scheduleView(r)
	if err == nil {
		v.preview(r, fmt.Sprintf("/api/v1/policies/%d/schedule.pdf", v.policyID))
		err = s.writePolicyHTML(w, v, "pdoc-schedule")
	}
	if err != nil {
		s.writeError(w, r, err)
	}
}

func (s *Server) uiCertificate(w http.ResponseWriter, r *http.Request) {
	v, err := s.certificateView(r)
	if err == nil {
		v.preview(r, fmt.Sprintf("/api/v1/policies/%d/members/%d/certificate.pdf", v.policyID, v.memberID))
		err = s.writePolicyHTML(w, v, "pdoc-certificate")
	}
	if err != nil {
		s.writeError(w, r, err)
	}
}

func (s *Server) writePolicyHTML(w http.ResponseWriter, v *pdocView, name string) error {
	var buf bytes.Buffer
	if err := policyDocTemplates.ExecuteTemplate(&buf, name, v); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", policyDocCSP)
	h.Set("X-Anbao-Document-SHA256", v.SHA256)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

func (s *Server) writePolicyPDF(w http.ResponseWriter, r *http.Request, v *pdocView, name, file string) error {
	var doc bytes.Buffer
	if err := policyDocTemplates.ExecuteTemplate(&doc, name, v); err != nil {
		return err
	}
	footer := `<div style="width:100%;font-size:7.5pt;color:#666;padding:0 15mm;font-family:'Noto Sans CJK SC',sans-serif;display:flex;justify-content:space-between">` +
		`<span>` + template.HTMLEscapeString(v.FooterLeft) + `</span><span>` +
		v.T("pdoc.page_of", `<span class="pageNumber"></span>`, `<span class="totalPages"></span>`) + `</span></div>`
	pdf, err := printHTML(r.Context(), doc.Bytes(), "pdoc.pdf_unavailable",
		chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargins(0.55, 0.6, 0.65, 0.6), chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate(`<span></span>`), chromedp.PDFFooterTemplate(footer))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="anbao-%s-%s.pdf"`, file, v.Lang))
	h.Set("X-Anbao-Document-SHA256", v.SHA256)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(pdf)
	if err != nil {
		s.log.WarnContext(r.Context(), "policy document download", "err", err)
	}
	return nil
}

// fileSafe is a document number fit for a file name (declared policies carry
// the insurer's own numbering), or the policy id.
func fileSafe(number string, id int64) string {
	for _, c := range number {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return strconv.FormatInt(id, 10)
		}
	}
	if number == "" {
		return strconv.FormatInt(id, 10)
	}
	return number
}

// pdfSlots bounds the Chromium instances printing documents at once: each
// takes a few hundred MB. A request waits briefly for a slot, then gets 429.
var pdfSlots = make(chan struct{}, 2)

// printHTML prints an HTML document to PDF with headless Chromium (the
// assessment report, the policy schedule, the park certificate), at most
// len(pdfSlots) at once; unavailable is the message key when Chromium is
// not installed.
func printHTML(ctx context.Context, html []byte, unavailable string, opts ...chromedp.PDFOption) ([]byte, error) {
	path := chromiumPath()
	if path == "" {
		return nil, anbao.Errorf(anbao.EUNAVAILABLE, unavailable)
	}
	wait := time.NewTimer(20 * time.Second)
	defer wait.Stop()
	select {
	case pdfSlots <- struct{}{}:
		defer func() { <-pdfSlots }()
	case <-wait.C:
		return nil, anbao.Errorf(anbao.ETOOMANY, "pdoc.pdf_busy")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	dir, err := os.MkdirTemp("", "anbao-pdf")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	aopts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(ctx, aopts...)
	defer cancel()
	cctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	cctx, cancel3 := context.WithTimeout(cctx, 30*time.Second)
	defer cancel3()
	if err := chromedp.Do(cctx, chromedp.Navigate("data:text/html;charset=utf-8;base64,"+base64.StdEncoding.EncodeToString(html))); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return chromedp.Run(cctx, chromedp.PrintToPDF(opts...))
}

// pdocView is what a document template prints: every figure already
// formatted in the document's language.
type pdocView struct {
	Lang       string
	Title      string
	Logo       template.URL
	PolicyNo   string
	CertNo     string
	Insurer    string
	Banner     string // cancelled or left, else ""
	Groups     []pdocGroup
	Coverages  []pdocCoverage
	Clauses    []pdocClause
	Providers  []string
	Services   []pdocService
	Segments   []pdocSegment
	Txns       []pdocTxn
	Subsidies  []pdocSubsidy
	Members    string // the park sentence of a master policy
	Conditions []string
	SignDate   string
	Generated  string
	SHA256     string
	FooterLeft string
	// Preview: the toolbar of the HTML page.
	Preview  bool
	Back     string
	PDF      string
	Other    string
	policyID int64
	memberID int64
}

// pdocGroup is one row of a form-like table: one wide cell or two label/value pairs.
type pdocGroup []pdocCell

type pdocCell struct {
	Label, Value, Sub string
	Wide              bool
	Strong            bool
}

type pdocCoverage struct {
	Name, Note, Sublimit, Position, Deductible, Waiting, Indemnity, Coinsurance, Trigger, TriggerSub string
	SublimitAmount                                                                                   bool
}

type pdocClause struct {
	Title, Ref, Text, Note string
}

type pdocService struct{ Name, Quantity, Value string }

type pdocSegment struct{ Seq, Period, Aggregate, Retention, Premium string }

type pdocTxn struct{ Date, Kind, Amount, Note string }

type pdocSubsidy struct{ Grantor, Policy, Jurisdiction, Amount string }

// T translates key into the document's language.
func (v *pdocView) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// En reports whether the document is in English.
func (v *pdocView) En() bool { return v.Lang == "en" }

func (v *pdocView) preview(r *http.Request, pdf string) {
	other := "en"
	if v.En() {
		other = i18n.Default
	}
	v.Preview, v.Back = true, fmt.Sprintf("/policies/%d", v.policyID)
	v.PDF = pdf + "?lang=" + v.Lang
	v.Other = r.URL.Path + "?lang=" + other
}

// money shows an amount in 分 in full: "1,000,000.00 元" or "CNY 1,000,000.00".
func (v *pdocView) money(fen int64) string {
	return v.T("pdoc.yuan", strings.Replace(rating.FormatYuan(fen), "¥", "", 1))
}

// date shows a stored day (YYYY-MM-DD): 2026年05月01日 or 1 May 2026.
func (v *pdocView) date(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	if v.En() {
		return t.Format("2 January 2006")
	}
	return t.Format("2006年01月02日")
}

func (v *pdocView) period(start, end string) string {
	return v.T("pdoc.period_text", v.date(start), v.date(end))
}

func (v *pdocView) party(d *store.DocParty) string { return d.Name(v.Lang) }

// quantity shows a service quantity with its unit.
func (v *pdocView) quantity(n int, unit string) string {
	key := "pdoc.qty." + unit
	if n == 1 {
		key += "_one"
	}
	if !i18n.Has(v.Lang, key) {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return v.T(key, n)
}

// percentBP shows basis points as a percentage: 2000 → 20%, 1250 → 12.5%.
func percentBP(bp int) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// newDocView reads the policy document for the request and starts its view.
func (s *Server) newDocView(r *http.Request) (*pdocView, *store.PolicyDocument, error) {
	id, err := pathID(r, "polid")
	if err != nil {
		return nil, nil, err
	}
	doc, err := s.store.PolicyDocument(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	// Checked after the policy is read: a stranger learns nothing from a 400.
	l, err := docLang(r)
	if err != nil {
		return nil, nil, err
	}
	v := &pdocView{Lang: l, Logo: policyDocLogo, PolicyNo: doc.Policy.Number, policyID: id,
		Generated: s.store.Now().In(anbao.Shanghai).Format("2006-01-02 15:04:05")}
	v.Insurer = v.party(doc.Insurer)
	// The date of issue is the Beijing day the policy was recorded.
	if t, err := anbao.ParseTime(doc.Policy.CreatedAt); err == nil {
		v.SignDate = v.date(t.In(anbao.Shanghai).Format(time.DateOnly))
	}
	return v, doc, nil
}

// currentTerm is the policy's current term.
func currentTerm(pol *store.Policy) *store.PolicyTerm {
	for _, t := range pol.PolicyTerms {
		if t.TermNo == pol.CurrentTerm {
			return t
		}
	}
	return &store.PolicyTerm{TermNo: pol.CurrentTerm, StartDate: pol.InceptionDate, EndDate: pol.ExpiryDate, WrittenPremium: pol.Premium}
}

// docHash is the SHA-256 of a document's data (the same for both languages).
func docHash(kind string, data any) string {
	b, err := json.Marshal(map[string]any{"document": kind, "data": data})
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (s *Server) scheduleView(r *http.Request) (*pdocView, error) {
	v, doc, err := s.newDocView(r)
	if err != nil {
		return nil, err
	}
	pol := doc.Policy
	if p := anbao.PrincipalFrom(r.Context()); !p.System && p.OrgKind == anbao.KindEnterprise && p.OrgID != pol.EnterpriseID {
		// A park member's document is its certificate; the schedule is the holder's.
		return nil, anbao.ErrNotFound("policy")
	}
	terms := pol.Terms
	if terms == nil {
		terms = &cover.Terms{}
	}
	term := currentTerm(pol)
	v.Title = v.T("pdoc.schedule.title")
	v.FooterLeft = v.T("pdoc.policy_no") + " " + pol.Number
	if pol.Status == store.PolicyCancelled && term.CancelledDate != "" {
		v.Banner = v.T("pdoc.cancelled_banner", v.date(term.CancelledDate))
	}
	p := anbao.PrincipalFrom(r.Context())
	memberViewer := p.OrgKind == anbao.KindEnterprise && !p.System && p.OrgID != pol.EnterpriseID
	master := pol.Kind == store.PolicyParkMaster

	// Parties.
	insured := pdocCell{Label: v.T("pdoc.insured"), Value: v.party(doc.Insured), Sub: v.T("pdoc.uscc") + " " + doc.Insured.USCC}
	if master {
		insured = pdocCell{Label: v.T("pdoc.insured"), Value: v.T("pdoc.insured_members")}
	}
	v.Groups = append(v.Groups,
		pdocGroup{{Label: v.T("pdoc.insurer"), Value: v.party(doc.Insurer), Sub: v.T("pdoc.uscc") + " " + doc.Insurer.USCC, Wide: true}},
		pdocGroup{{Label: v.T("pdoc.policyholder"), Value: v.party(doc.Insured), Sub: v.T("pdoc.uscc") + " " + doc.Insured.USCC}, insured})

	// Product and period.
	product := pol.ProductName
	if v.En() && doc.ProductNameEN != "" {
		product = doc.ProductNameEN
	}
	reg := ""
	if pol.Product != nil {
		reg = pol.Product.RegistrationNo
	}
	source := v.T("pdoc.source." + pol.Source)
	if pol.Source == store.SourceDeclared {
		source = v.T("pdoc.source.declared", pol.ExternalRef)
	}
	status := v.T("pdoc.status." + pol.Status)
	v.Groups = append(v.Groups,
		pdocGroup{{Label: v.T("pdoc.product"), Value: product}, {Label: v.T("pdoc.registration_no"), Value: reg, Strong: true}},
		pdocGroup{{Label: v.T("pdoc.product_type"), Value: v.T("pdoc.type." + string(pol.ProductType))},
			{Label: v.T("pdoc.kind"), Value: v.T("pdoc.kind." + pol.Kind)}},
		pdocGroup{{Label: v.T("pdoc.period"), Value: v.period(term.StartDate, term.EndDate), Wide: true, Strong: true}},
		pdocGroup{{Label: v.T("pdoc.term"), Value: v.T("pdoc.term_n", term.TermNo)}, {Label: v.T("pdoc.status"), Value: status}},
		pdocGroup{{Label: v.T("pdoc.source"), Value: source, Wide: true}})
	if terms.RetroDate != "" {
		v.Groups = append(v.Groups, pdocGroup{{Label: v.T("pdoc.retro_date"), Value: v.date(terms.RetroDate), Wide: true}})
	}

	// Amounts and premium.
	premium := pdocCell{Label: v.T("pdoc.premium"), Value: v.money(pol.Premium), Wide: true, Strong: true}
	if !v.En() {
		premium.Sub = v.T("pdoc.capital", yuanCapital(pol.Premium))
	}
	v.Groups = append(v.Groups,
		pdocGroup{{Label: v.T("pdoc.sum_insured"), Value: v.money(terms.SumInsured()), Sub: v.T("pdoc.sum_insured_note")},
			{Label: v.T("pdoc.aggregate"), Value: v.money(terms.AggregateLimit)}},
		pdocGroup{{Label: v.T("pdoc.retention"), Value: v.money(terms.Retention), Wide: true}},
		pdocGroup{premium})
	var subsidised int64
	for _, x := range pol.Subsidies {
		if x.TermNo != term.TermNo {
			continue
		}
		subsidised += x.Amount
		v.Subsidies = append(v.Subsidies, pdocSubsidy{Grantor: x.Grantor, Policy: x.LocalPolicy, Jurisdiction: v.jurisdiction(x.Jurisdiction),
			Amount: v.money(x.Amount)})
	}
	if subsidised > 0 {
		v.Groups = append(v.Groups, pdocGroup{{Label: v.T("pdoc.subsidy_total"), Value: v.money(subsidised)},
			{Label: v.T("pdoc.net_premium"), Value: v.money(pol.Premium - subsidised)}})
	}

	v.Coverages = v.coverages(terms, 0)
	v.Clauses = v.clauses(doc.Clauses, true)
	v.Providers = v.providers(doc.Providers)
	v.Services = v.services(terms.Entitlements)

	// Segments of the current term and its premium movements.
	for _, g := range pol.Segments {
		if g.TermNo != term.TermNo || g.Terms == nil {
			continue
		}
		v.Segments = append(v.Segments, pdocSegment{Seq: strconv.Itoa(g.Seq), Period: v.T("pdoc.seg.period_text", v.date(g.StartDate), v.date(g.EndDate)),
			Aggregate: v.money(g.Terms.AggregateLimit), Retention: v.money(g.Terms.Retention), Premium: v.money(g.AnnualPremium)})
	}
	for _, x := range pol.Transactions {
		if x.TermNo != term.TermNo {
			continue
		}
		v.Txns = append(v.Txns, pdocTxn{Date: v.date(x.EffectiveDate), Kind: v.T("pdoc.txn." + x.Kind), Amount: v.money(x.Amount), Note: x.Note})
	}

	if master {
		if memberViewer {
			v.Members = v.T("pdoc.members.hidden")
		} else {
			today := s.store.Now().In(anbao.Shanghai).Format(time.DateOnly)
			in := 0
			for _, m := range pol.Members {
				if m.LeftDate == "" || m.LeftDate > today {
					in++
				}
			}
			v.Members = v.T("pdoc.members.count", len(pol.Members), in)
		}
	}
	for _, c := range pol.Contingencies {
		if c.Kind != cover.PostBind {
			continue
		}
		text := c.TextZH
		if v.En() && c.TextEN != "" {
			text = c.TextEN
		}
		v.Conditions = append(v.Conditions, text+v.T("pdoc.cond.due", v.date(c.DueDate), v.T("pdoc.cont."+c.Status)))
	}

	// The hash covers what the schedule prints, not the notices GetPolicy adds.
	data := *doc
	polCopy := *pol
	polCopy.Notices = nil
	data.Policy = &polCopy
	v.SHA256 = docHash("schedule", &data)
	return v, nil
}

func (s *Server) certificateView(r *http.Request) (*pdocView, error) {
	mid, err := pathID(r, "mid")
	if err != nil {
		return nil, err
	}
	v, doc, err := s.newDocView(r)
	if err != nil {
		return nil, err
	}
	pol := doc.Policy
	var m *store.PolicyMember
	for _, x := range pol.Members {
		if x.ID == mid {
			m = x
		}
	}
	if m == nil || pol.Kind != store.PolicyParkMaster {
		return nil, anbao.ErrNotFound("policy_member")
	}
	v.memberID = mid
	terms := pol.Terms
	if terms == nil {
		terms = &cover.Terms{}
	}
	term := currentTerm(pol)
	member := doc.Members[m.EnterpriseID]
	if member == nil {
		member = &store.DocParty{ID: m.EnterpriseID, NameZH: m.EnterpriseName}
	}
	v.Title = v.T("pdoc.certificate.title")
	v.CertNo = m.CertificateNo
	v.FooterLeft = v.T("pdoc.certificate_no") + " " + m.CertificateNo
	end := term.EndDate
	if m.LeftDate != "" && m.LeftDate < end {
		end = m.LeftDate
		v.Banner = v.T("pdoc.cert.left", v.date(m.LeftDate))
	}
	if pol.Status == store.PolicyCancelled && term.CancelledDate != "" {
		v.Banner = v.T("pdoc.cancelled_banner", v.date(term.CancelledDate))
		if term.CancelledDate < end {
			end = term.CancelledDate
		}
	}
	product := pol.ProductName
	if v.En() && doc.ProductNameEN != "" {
		product = doc.ProductNameEN
	}
	reg := ""
	if pol.Product != nil {
		reg = pol.Product.RegistrationNo
	}
	limit := pdocCell{Label: v.T("pdoc.cert.limit"), Value: v.money(m.Limit), Wide: true, Strong: true}
	if !v.En() {
		limit.Sub = v.T("pdoc.capital", yuanCapital(m.Limit))
	}
	v.Groups = []pdocGroup{
		{{Label: v.T("pdoc.cert.member"), Value: v.party(member), Sub: v.T("pdoc.uscc") + " " + member.USCC, Wide: true, Strong: true}},
		{{Label: v.T("pdoc.cert.master"), Value: pol.Number}, {Label: v.T("pdoc.cert.holder"), Value: v.party(doc.Insured)}},
		{{Label: v.T("pdoc.insurer"), Value: v.party(doc.Insurer), Sub: v.T("pdoc.uscc") + " " + doc.Insurer.USCC, Wide: true}},
		{{Label: v.T("pdoc.product"), Value: product}, {Label: v.T("pdoc.registration_no"), Value: reg, Strong: true}},
		{{Label: v.T("pdoc.period"), Value: v.period(m.JoinedDate, end), Wide: true, Strong: true}},
		{limit},
		{{Label: v.T("pdoc.retention"), Value: v.money(terms.Retention)}, {Label: v.T("pdoc.cert.member_premium"), Value: v.money(m.Premium)}},
	}
	if terms.RetroDate != "" {
		v.Groups = append(v.Groups, pdocGroup{{Label: v.T("pdoc.retro_date"), Value: v.date(terms.RetroDate), Wide: true}})
	}
	v.Coverages = v.coverages(terms, m.Limit)
	v.Clauses = v.clauses(doc.Clauses, false)
	v.Providers = v.providers(doc.Providers)
	v.Services = v.services(terms.Entitlements)

	// The hash covers this member's certificate only: the same for every reader.
	v.SHA256 = docHash("certificate", map[string]any{"member": m, "party": member, "policy_number": pol.Number, "holder": doc.Insured,
		"insurer": doc.Insurer, "product": pol.ProductName, "product_en": doc.ProductNameEN, "registration_no": reg, "term": term,
		"terms": terms, "clauses": doc.Clauses, "providers": doc.Providers})
	return v, nil
}

// coverages lists the coverages of terms; a member limit (certificates)
// caps what each shows.
func (v *pdocView) coverages(terms *cover.Terms, memberLimit int64) []pdocCoverage {
	var out []pdocCoverage
	dash := "—"
	for _, c := range terms.Coverages {
		k, ok := cover.Kind(c.Code)
		row := pdocCoverage{Name: c.Code, Waiting: dash, Indemnity: dash, Coinsurance: dash, Deductible: dash}
		if ok {
			row.Name = k.NameZH
			if v.En() {
				row.Name = k.NameEN
			}
			if k.Liability && c.DefenceInside {
				row.Note = v.T("pdoc.cov.defence_inside")
			}
		}
		switch {
		case memberLimit > 0 && (c.Sublimit == 0 || c.Sublimit >= memberLimit):
			row.Sublimit = v.T("pdoc.cert.up_to_member")
		case c.Sublimit == 0:
			row.Sublimit = v.T("pdoc.cov.up_to_aggregate")
		default:
			row.Sublimit, row.SublimitAmount = v.money(c.Sublimit), true
		}
		row.Position = v.T("pdoc.cov.inside")
		if c.Outside {
			row.Position = v.T("pdoc.cov.outside")
		}
		if c.Deductible > 0 {
			row.Deductible = v.money(c.Deductible)
		}
		if c.WaitingHours > 0 {
			row.Waiting = v.T("pdoc.cov.waiting_text", c.WaitingHours, v.T("pdoc.wait."+c.WaitingMode))
		}
		if c.IndemnityDays > 0 {
			row.Indemnity = v.T("pdoc.cov.indemnity_days", c.IndemnityDays)
		}
		if c.CoinsuranceBP > 0 {
			row.Coinsurance = percentBP(c.CoinsuranceBP)
		}
		row.Trigger = v.T("pdoc.trigger." + string(c.Trigger))
		if c.Trigger == cover.ClaimsMade {
			retro := v.T("pdoc.none")
			if terms.RetroDate != "" {
				retro = v.date(terms.RetroDate)
			}
			row.TriggerSub = v.T("pdoc.trigger.retro", retro)
			if c.ReportingDays > 0 {
				row.TriggerSub += v.T("pdoc.trigger.reporting", c.ReportingDays)
			}
		}
		out = append(out, row)
	}
	return out
}

// clauses lists exclusion clauses, with their full text when full.
func (v *pdocView) clauses(cs []*store.Clause, full bool) []pdocClause {
	var out []pdocClause
	for _, c := range cs {
		x := pdocClause{Title: c.TitleZH, Ref: v.T("pdoc.excl.ref", c.Code, c.Version)}
		if v.En() && c.TitleEN != "" {
			x.Title = c.TitleEN
		}
		if full {
			x.Text = c.TextZH
			switch {
			case v.En() && c.TextEN != "":
				x.Text = c.TextEN
			case c.TextZH == "":
				x.Note = v.T("pdoc.excl.no_text")
			case v.En():
				x.Note = v.T("pdoc.excl.zh_only")
			}
		}
		out = append(out, x)
	}
	return out
}

// providers names the approved providers; one the reader may not see prints as its id.
func (v *pdocView) providers(ps []*store.DocProvider) []string {
	var out []string
	for _, p := range ps {
		switch {
		case !p.Readable:
			out = append(out, v.T("pdoc.prov.unreadable", p.ID))
		case v.En() && p.NameEN != "":
			out = append(out, p.NameEN)
		default:
			out = append(out, p.NameZH)
		}
	}
	return out
}

func (v *pdocView) services(es []cover.Entitlement) []pdocService {
	var out []pdocService
	for _, e := range es {
		name := e.Service
		if i18n.Has(v.Lang, "pdoc.service."+e.Service) {
			name = v.T("pdoc.service." + e.Service)
		}
		out = append(out, pdocService{Name: name, Quantity: v.quantity(e.Quantity, e.Unit), Value: v.money(e.ValueFen)})
	}
	return out
}

func (v *pdocView) jurisdiction(code string) string {
	if j, ok := refdata.JurisdictionByCode(code); ok {
		return j.Name(v.Lang)
	}
	return code
}

// yuanCapital writes an amount in 分 in Chinese capital numerals (大写金额)
// as on bills and policies: 人民币壹万贰仟叁佰肆拾伍元整,
// 人民币壹仟肆佰零玖元伍角, 人民币叁佰贰拾伍元零肆分.
func yuanCapital(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "负", -fen
	}
	yuan, jiao, f := fen/100, fen/10%10, fen%10
	var b strings.Builder
	b.WriteString("人民币" + sign)
	if yuan > 0 {
		b.WriteString(capitalInt(yuan))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && f == 0:
		if yuan == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteString(capitalDigits[f] + "分")
	default:
		b.WriteString(capitalDigits[jiao] + "角")
		if f > 0 {
			b.WriteString(capitalDigits[f] + "分")
		}
	}
	return b.String()
}

var capitalDigits = [10]string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}

// capitalInt writes n > 0 in capital numerals: 亿 and 万 sections of four
// digits, one 零 for any run of zeros inside, none at the end.
func capitalInt(n int64) string {
	const wan, yi = 10_000, 100_000_000
	switch {
	case n >= yi:
		s := capitalInt(n/yi) + "亿"
		if r := n % yi; r > 0 {
			if r < yi/10 {
				s += "零"
			}
			s += capitalInt(r)
		}
		return s
	case n >= wan:
		s := capitalInt(n/wan) + "万"
		if r := n % wan; r > 0 {
			if r < wan/10 {
				s += "零"
			}
			s += capitalInt(r)
		}
		return s
	}
	units := [4]string{"仟", "佰", "拾", ""}
	var b strings.Builder
	zero := false
	for i, div := 0, int64(1000); div > 0; i, div = i+1, div/10 {
		d := n / div % 10
		switch {
		case d == 0 && b.Len() > 0:
			zero = true
		case d != 0:
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteString(capitalDigits[d] + units[i])
		}
	}
	return b.String()
}
