package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/store"
)

// The claim pages: the claim list (the handler's work queue by default), the
// claim form of an incident, and one claim with its path (理赔路径), items,
// calculation trace, limits, payments and recoveries, and the handler's
// steps. Amounts are typed in 元 and read strictly.

// clmSteps are the steps of the claim page's forms.
var clmSteps = []string{"items", "assess", "consent", "reserve", "approve", "pay", "recovery", "decline", "reopen"}

// clmQueueStatuses are the statuses of the handler's work queue.
var clmQueueStatuses = []string{store.ClaimOpen, store.ClaimAssessed, store.ClaimApproved, store.ClaimPartiallyPaid}

// clmFormRows is how many loss-item rows a claim form offers at least.
const clmFormRows = 8

// The claim list.

type uiClmListData struct {
	Items          []*store.Claim
	Status         string
	Statuses       []string
	Queue          bool // the handler's work queue: the open statuses, oldest first
	Handler        bool
	ShowEnterprise bool
	ShowInsurer    bool
	Pager          uiPager
	Total          int
}

func (s *Server) uiClaims(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "clm.title", "claims")
	if err := anbao.Authorize(p.P, anbao.ActClaimRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &uiClmListData{Status: q.Get("status"), Statuses: store.ClaimStatuses, Handler: anbao.Can(p.P, anbao.ActClaimHandle),
		ShowEnterprise: p.P.OrgKind != anbao.KindEnterprise, ShowInsurer: p.P.OrgKind != anbao.KindInsurer}
	status := http.StatusOK
	switch {
	case d.Handler && d.Status == "":
		// The work queue: every claim still to be handled, oldest first.
		d.Queue = true
		list, err := s.store.ListClaims(ctx, store.ClaimFilter{Statuses: clmQueueStatuses, Page: pg})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d.Items, d.Total = list.Items, list.Total
		d.Pager = makePager("/claims", q, pg, list.Total, len(list.Items))
	default:
		f := store.ClaimFilter{Status: d.Status, Page: pg}
		if f.Status == "all" {
			f.Status = ""
		}
		list, err := s.store.ListClaims(ctx, f)
		if err != nil {
			if anbao.ErrorCode(err) != anbao.EINVALID {
				s.writeError(w, r, err)
				return
			}
			status = p.setError("filter", nil, err, s, r)
			list = &store.ItemList[*store.Claim]{Items: []*store.Claim{}}
		}
		d.Items, d.Total = list.Items, list.Total
		d.Pager = makePager("/claims", q, pg, list.Total, len(list.Items))
	}
	if p.En() {
		for _, c := range d.Items {
			c.EnterpriseName = s.quoteOrgName(ctx, c.EnterpriseID, c.EnterpriseName, p.Lang)
			c.InsurerName = s.quoteOrgName(ctx, c.InsurerID, c.InsurerName, p.Lang)
		}
	}
	p.Data = d
	s.render(w, r, status, "claims", p)
}

// Loss-item rows.

// clmRow is one row of the loss-item table of a claim form.
type clmRow struct {
	I                                              int
	ID, Kind, Coverage, Amount, Hours, Daily, Note string
}

type clmRowsCtx struct {
	P         *uiPage
	F         string
	Rows      []clmRow
	Kinds     []claims.ItemKind
	Coverages []cover.Coverage
}

func clmItemField(i int, name string) string { return fmt.Sprintf("items[%d].%s", i, name) }

// clmRowsFromValues reads the rows of a posted form to show them again.
func clmRowsFromValues(v url.Values) []clmRow {
	n, _ := strconv.Atoi(v.Get("rows"))
	n = min(max(n, clmFormRows), claims.MaxItems)
	rows := make([]clmRow, n)
	for i := range rows {
		g := func(name string) string { return v.Get(clmItemField(i, name)) }
		rows[i] = clmRow{I: i, ID: g("id"), Kind: g("kind"), Coverage: g("coverage"), Amount: g("amount"), Hours: g("outage_hours"),
			Daily: g("daily_loss"), Note: g("note")}
	}
	return rows
}

// clmRowsFromItems fills the rows of the items form from stored items, with
// blank rows after them.
func clmRowsFromItems(items []store.ClaimItem) []clmRow {
	n := min(max(len(items)+3, clmFormRows), claims.MaxItems)
	rows := make([]clmRow, n)
	for i := range rows {
		rows[i].I = i
		if i >= len(items) {
			continue
		}
		it := items[i]
		var days []string
		for _, x := range it.DailyLoss {
			days = append(days, formatAmount(x, "yuan"))
		}
		rows[i] = clmRow{I: i, ID: it.ID, Kind: it.Kind, Coverage: it.Coverage, Amount: formatAmount(it.Amount, "yuan"), Daily: strings.Join(days, ", "),
			Note: it.Note}
		if it.OutageHours > 0 {
			rows[i].Hours = strconv.Itoa(it.OutageHours)
		}
	}
	return rows
}

var dailySplitRE = regexp.MustCompile(`[\s,，;；、]+`)

// clmItemsFrom reads the loss items of a claim form; rows maps the store's
// item index to the form row it came from (blank rows are skipped). A row
// without a coverage takes the first of the policy's coverages (covs) its
// kind may be claimed under.
func clmItemsFrom(form url.Values, covs []string) ([]store.ClaimItem, []int, error) {
	n, _ := strconv.Atoi(form.Get("rows"))
	n = min(max(n, clmFormRows), claims.MaxItems)
	var items []store.ClaimItem
	var rows []int
	used := map[string]bool{}
	for i := range n {
		if id := strings.TrimSpace(form.Get(clmItemField(i, "id"))); id != "" {
			used[id] = true
		}
	}
	next := 1
	for i := range n {
		g := func(name string) string { return strings.TrimSpace(form.Get(clmItemField(i, name))) }
		if g("kind") == "" && g("amount") == "" && g("daily_loss") == "" && g("outage_hours") == "" && g("note") == "" {
			continue
		}
		it := store.ClaimItem{Note: g("note")}
		it.ID, it.Kind, it.Coverage = g("id"), g("kind"), g("coverage")
		if it.Kind == "" {
			return nil, nil, anbao.FieldError(clmItemField(i, "kind"), "clm.err.kind_required")
		}
		if it.Coverage == "" {
			for _, c := range claims.CoveragesFor(it.Kind) {
				if slices.Contains(covs, c) {
					it.Coverage = c
					break
				}
			}
			if it.Coverage == "" {
				return nil, nil, anbao.FieldError(clmItemField(i, "coverage"), "clm.err.coverage_required")
			}
		}
		if it.ID == "" {
			for used[fmt.Sprintf("L%d", next)] {
				next++
			}
			it.ID = fmt.Sprintf("L%d", next)
			used[it.ID] = true
		}
		var err error
		if it.Kind == claims.KindBILoss || g("daily_loss") != "" || g("outage_hours") != "" {
			if h := g("outage_hours"); h != "" {
				x, err := strconv.Atoi(h)
				if err != nil {
					return nil, nil, anbao.FieldError(clmItemField(i, "outage_hours"), "ui.err.integer")
				}
				it.OutageHours = x
			}
			var sum int64
			for _, tok := range dailySplitRE.Split(g("daily_loss"), -1) {
				if tok == "" {
					continue
				}
				fen, ok := parseYuan(tok)
				if !ok {
					return nil, nil, anbao.FieldError(clmItemField(i, "daily_loss"), "ui.quotes.err.money", tok)
				}
				it.DailyLoss = append(it.DailyLoss, fen)
				sum += fen
			}
			if it.Amount, err = parseYuanField(form, clmItemField(i, "amount"), false); err != nil {
				return nil, nil, err
			}
			if g("amount") == "" {
				it.Amount = sum
			}
		} else if it.Amount, err = parseYuanField(form, clmItemField(i, "amount"), true); err != nil {
			return nil, nil, err
		}
		items = append(items, it)
		rows = append(rows, i)
	}
	return items, rows, nil
}

var clmIndexedRE = regexp.MustCompile(`^(items|exclusions)\[(\d+)\](?:\.([a-z_]+))?`)

// clmRemap moves a store error about item (or exclusion) j to the form row
// it came from.
func clmRemap(err error, items, excl []int) error {
	var e *anbao.Error
	if !errors.As(err, &e) || e.Field == "" {
		return err
	}
	c := *e
	switch {
	case c.Field == "items":
		c.Field = clmItemField(firstOr(items, 0), "kind")
	case clmIndexedRE.MatchString(c.Field):
		m := clmIndexedRE.FindStringSubmatch(c.Field)
		j, _ := strconv.Atoi(m[2])
		sub := m[3]
		if m[1] == "items" {
			if sub == "" || sub == "id" {
				sub = "kind"
			}
			row := j
			if j < len(items) {
				row = items[j]
			}
			c.Field = clmItemField(row, sub)
		} else {
			if sub != "note" {
				sub = "applies"
			}
			row := j
			if j < len(excl) {
				row = excl[j]
			}
			c.Field = fmt.Sprintf("excl[%d].%s", row, sub)
		}
	}
	return &c
}

func firstOr(xs []int, def int) int {
	if len(xs) > 0 {
		return xs[0]
	}
	return def
}

// The claim form of an incident.

type uiClmNewData struct {
	Inc       *store.Incident
	Policies  []*store.Policy
	PolicyID  int64
	Coverages []cover.Coverage
	Rows      []clmRow
}

func (s *Server) claimNewPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.newPage(r, "clm.new_title", "claims")
	ctx := r.Context()
	id, err := pathID(r, "iid")
	if err == nil {
		err = anbao.Authorize(p.P, anbao.ActClaimOpen)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	inc, err := s.store.GetIncident(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiClmNewData{Inc: inc, PolicyID: inc.PolicyID}
	if v, err := strconv.ParseInt(r.FormValue("policy_id"), 10, 64); err == nil && v > 0 {
		d.PolicyID = v
	}
	if anbao.Can(p.P, anbao.ActPolicyRead) {
		list, err := s.store.ListPolicies(ctx, store.PolicyFilter{EnterpriseID: inc.EnterpriseID, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, pol := range list.Items {
			if pol.EnterpriseID == inc.EnterpriseID {
				d.Policies = append(d.Policies, pol)
			}
		}
		if d.PolicyID == 0 && len(d.Policies) > 0 {
			d.PolicyID = d.Policies[0].ID
		}
		if d.PolicyID != 0 {
			if pol, err := s.store.GetPolicy(ctx, d.PolicyID); err == nil && pol.Terms != nil {
				d.Coverages = pol.Terms.Coverages
			}
		}
	}
	if formErr != nil {
		status = p.setError("claim", r.PostForm, incLocalise(formErr, p.Lang), s, r)
		d.Rows = clmRowsFromValues(r.PostForm)
	} else {
		d.Rows = clmRowsFromValues(url.Values{})
	}
	p.Data = d
	s.render(w, r, status, "claim_new", p)
}

func (s *Server) uiClaimNew(w http.ResponseWriter, r *http.Request) {
	s.claimNewPage(w, r, http.StatusOK, nil)
}

// policyCoverages are the codes of a policy's coverages in force, when the reader may read it.
func (s *Server) policyCoverages(r *http.Request, id int64) []string {
	var out []string
	if id == 0 || !anbao.Can(anbao.PrincipalFrom(r.Context()), anbao.ActPolicyRead) {
		return out
	}
	if pol, err := s.store.GetPolicy(r.Context(), id); err == nil && pol.Terms != nil {
		for _, c := range pol.Terms.Coverages {
			out = append(out, c.Code)
		}
	}
	return out
}

func (s *Server) uiClaimCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "iid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	r.ParseForm()
	form := r.PostForm
	in := store.ClaimInput{ClaimMadeAt: strings.TrimSpace(form.Get("claim_made_at")), Note: form.Get("note")}
	if v := strings.TrimSpace(form.Get("policy_id")); v != "" {
		if in.PolicyID, err = strconv.ParseInt(v, 10, 64); err != nil || in.PolicyID <= 0 {
			err = anbao.FieldError("policy_id", "ui.quotes.err.id", v)
		}
	}
	var rows []int
	if err == nil {
		policy := in.PolicyID
		if policy == 0 {
			if inc, e := s.store.GetIncident(r.Context(), id); e == nil {
				policy = inc.PolicyID
			}
		}
		in.Items, rows, err = clmItemsFrom(form, s.policyCoverages(r, policy))
	}
	if err == nil {
		var c *store.Claim
		if c, err = s.store.OpenClaim(r.Context(), id, in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=opened", c.ID), http.StatusSeeOther)
			return
		}
		err = clmRemap(err, rows, nil)
	}
	if quoteStepError(err) {
		s.writeError(w, r, err)
		return
	}
	s.claimNewPage(w, r, 0, err)
}

// One claim.

type clmItemRow struct {
	ID, Kind, Coverage, Note string
	Claimed, Payable, Held   int64
	Status, Reason           string
	OutageHours, Days        int
	Calculated               bool
}

type clmExclRow struct {
	I       int
	Code    string
	Version int
	TitleZH string
	TitleEN string
	Value   string // yes, no, "" (not assessed) in the form
	Note    string
	Outcome string // of the last calculation
	Items   []string
}

type clmEvent struct {
	At, Label, Status, By, Note string
	Amount                      int64
}

type uiClmData struct {
	C          *store.Claim
	Items      []clmItemRow
	Path       []clmEvent
	Exclusions []clmExclRow
	Coverages  []cover.Coverage
	Rows       []clmRow
	// The reader.
	Handler      bool // the insurer's handler of this claim
	Insured      bool // the insured enterprise
	CanEditItems bool
	CanAssess    bool
	CanConsent   bool
	CanReserve   bool
	CanApprove   bool
	CanPay       bool
	CanRecover   bool
	CanDecline   bool
	CanReopen    bool
	// Form data.
	PayKey          string
	DeclineReasons  []string
	RecoverySources []string
	Outstanding     int64 // approved and not yet paid
	NetPaid         int64 // paid less recovered
	TotalClaimed    int64
}

// newPayKey is a fresh payment key for one rendering of the pay form: the
// same form submitted twice carries the same key and pays once.
func newPayKey() string {
	var b [16]byte
	rand.Read(b[:])
	return "ui-" + hex.EncodeToString(b[:])
}

func (s *Server) claimPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "clm.detail_title", "claims")
	incFlash(p, r, "clm.flash.")
	ctx := r.Context()
	c, err := s.store.GetClaim(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.En() {
		c.EnterpriseName = s.quoteOrgName(ctx, c.EnterpriseID, c.EnterpriseName, p.Lang)
		c.InsurerName = s.quoteOrgName(ctx, c.InsurerID, c.InsurerName, p.Lang)
	}
	pr := p.P
	d := &uiClmData{C: c, PayKey: newPayKey(), DeclineReasons: store.DeclineReasons, RecoverySources: store.RecoverySources,
		Outstanding: max(0, c.Approved-c.Paid), NetPaid: c.Paid - c.Recovered}
	d.Handler = pr.OrgKind == anbao.KindInsurer && pr.OrgID == c.InsurerID && anbao.Can(pr, anbao.ActClaimHandle)
	d.Insured = pr.OrgKind == anbao.KindEnterprise && pr.OrgID == c.EnterpriseID
	st := c.Status
	open := st == store.ClaimOpen || st == store.ClaimAssessed
	d.CanEditItems = open && anbao.Can(pr, anbao.ActClaimOpen) && (d.Insured || pr.OrgKind == anbao.KindInsurer && pr.OrgID == c.InsurerID)
	if d.Handler {
		d.CanAssess = st == store.ClaimOpen || (st == store.ClaimAssessed || st == store.ClaimApproved) && c.Paid == 0
		d.CanConsent = st == store.ClaimAssessed && c.Held > 0 && c.RansomConsentAt == ""
		d.CanReserve = st != store.ClaimClosed && st != store.ClaimDeclined
		d.CanApprove = st == store.ClaimAssessed
		d.CanPay = st == store.ClaimApproved || st == store.ClaimPartiallyPaid
		d.CanRecover = c.Paid > c.Recovered
		d.CanDecline = (st == store.ClaimOpen || st == store.ClaimAssessed || st == store.ClaimApproved) && c.Paid == 0
		d.CanReopen = st == store.ClaimDeclined || st == store.ClaimClosed
	}
	// Items: the calculation's outcome when there is one.
	results := map[string]claims.ItemResult{}
	if c.Calculation != nil {
		for _, it := range c.Calculation.Items {
			results[it.ID] = it
		}
	}
	for _, it := range c.Items {
		row := clmItemRow{ID: it.ID, Kind: it.Kind, Coverage: it.Coverage, Note: it.Note, Claimed: it.Amount, OutageHours: it.OutageHours,
			Days: len(it.DailyLoss)}
		if res, ok := results[it.ID]; ok {
			row.Payable, row.Held, row.Status, row.Reason, row.Calculated = res.Payable, res.Held, res.Status, res.Reason, true
		}
		d.TotalClaimed += it.Amount
		d.Items = append(d.Items, row)
	}
	// The exclusion clauses of the term: from the last calculation, else from the policy.
	facts := map[string]claims.ExclusionFact{}
	for _, f := range c.Exclusions {
		facts[f.Code+"/"+strconv.Itoa(f.Version)] = f
	}
	if c.Calculation != nil {
		for i, x := range c.Calculation.Exclusions {
			d.Exclusions = append(d.Exclusions, clmExclRow{I: i, Code: x.Code, Version: x.Version, TitleZH: x.TitleZH, TitleEN: x.TitleEN,
				Outcome: x.Outcome, Items: x.Items})
		}
	} else if anbao.Can(pr, anbao.ActPolicyRead) {
		if pol, err := s.store.GetPolicy(ctx, c.PolicyID); err == nil && pol.Terms != nil {
			for i, x := range pol.Terms.Exclusions {
				d.Exclusions = append(d.Exclusions, clmExclRow{I: i, Code: x.Code, Version: x.Version, TitleZH: x.TitleZH, TitleEN: x.TitleEN})
			}
		}
	}
	for i := range d.Exclusions {
		x := &d.Exclusions[i]
		if f, ok := facts[x.Code+"/"+strconv.Itoa(x.Version)]; ok {
			x.Value, x.Note = "no", f.Note
			if f.Applies {
				x.Value = "yes"
			}
		}
	}
	if d.CanEditItems && anbao.Can(pr, anbao.ActPolicyRead) {
		if pol, err := s.store.GetPolicy(ctx, c.PolicyID); err == nil && pol.Terms != nil {
			d.Coverages = pol.Terms.Coverages
		}
	}
	d.Path = clmPath(p, c)
	d.Rows = clmRowsFromItems(c.Items)
	if formErr != nil {
		status = p.setError(form, r.PostForm, incLocalise(formErr, p.Lang), s, r)
		if form == "items" {
			d.Rows = clmRowsFromValues(r.PostForm)
		}
		if form == "assess" {
			for i := range d.Exclusions {
				x := &d.Exclusions[i]
				x.Value, x.Note = r.PostForm.Get(fmt.Sprintf("excl[%d].applies", i)), r.PostForm.Get(fmt.Sprintf("excl[%d].note", i))
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "claim", p)
}

// decodeDetail reads an event's detail, keeping numbers as written (an
// amount in 分 is no float).
func decodeDetail(raw json.RawMessage, x *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(x)
}

// clmPath is the claim's path as the insured and the insurer see it.
func clmPath(p *uiPage, c *store.Claim) []clmEvent {
	var out []clmEvent
	for _, e := range c.Events {
		ev := clmEvent{At: p.Time(e.At), Label: enumLabel(p, "clm.ev.", e.Kind), Status: e.Status, By: e.By, Amount: e.Amount}
		var x map[string]any
		if len(e.Detail) > 0 && decodeDetail(e.Detail, &x) == nil {
			str := func(k string) string {
				if v, ok := x[k]; ok && v != nil {
					return fmt.Sprint(v)
				}
				return ""
			}
			var notes []string
			switch e.Kind {
			case "opened":
				notes = append(notes, str("policy"), p.T("clm.ev_note.items", str("items")))
			case "items_changed":
				notes = append(notes, p.T("clm.ev_note.items", str("items")))
			case "assessed", "approved":
				if h, _ := strconv.ParseInt(str("held"), 10, 64); h > 0 {
					notes = append(notes, p.T("clm.ev_note.held", fmtCNY(h)))
				}
			case "declined":
				notes = append(notes, enumLabel(p, "clm.decline.", str("code")))
			case "recovery":
				notes = append(notes, enumLabel(p, "clm.recovery.", str("source")))
			case "payment_partial", "payment_final":
				notes = append(notes, str("reference"))
			}
			notes = append(notes, str("note"))
			notes = slices.DeleteFunc(notes, func(s string) bool { return s == "" || s == "<nil>" })
			ev.Note = strings.Join(notes, " · ")
		}
		out = append(out, ev)
	}
	return out
}

func (s *Server) uiClaim(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "cid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.claimPage(w, r, http.StatusOK, id, "", nil)
}

// uiClaimStep runs one step on a claim from its form.
func (s *Server) uiClaimStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "cid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, form := r.Context(), r.PostForm
		version := formVersion(form)
		anchor := "#path"
		switch step {
		case "items":
			var c *store.Claim
			if c, err = s.store.GetClaim(ctx, id); err == nil {
				var items []store.ClaimItem
				var rows []int
				if items, rows, err = clmItemsFrom(form, s.policyCoverages(r, c.PolicyID)); err == nil {
					_, err = s.store.UpdateClaimItems(ctx, id, store.ClaimItemsInput{ClaimMadeAt: strings.TrimSpace(form.Get("claim_made_at")),
						Items: items, Version: version})
					err = clmRemap(err, rows, nil)
				}
			}
			anchor = "#items"
		case "assess":
			in := store.AssessInput{Version: version}
			var rows []int
			for i := 0; i < 100 && form.Has(fmt.Sprintf("excl[%d].code", i)); i++ {
				g := func(name string) string { return form.Get(fmt.Sprintf("excl[%d].%s", i, name)) }
				if g("applies") == "" {
					continue // not assessed
				}
				v, _ := strconv.Atoi(g("version"))
				in.Exclusions = append(in.Exclusions, claims.ExclusionFact{Code: g("code"), Version: v, Applies: g("applies") == "yes",
					Note: g("note")})
				rows = append(rows, i)
			}
			if f := strings.TrimSpace(form.Get("finding_id")); f != "" {
				if in.FindingID, err = strconv.ParseInt(f, 10, 64); err != nil {
					err = anbao.FieldError("finding_id", "ui.quotes.err.id", f)
				}
			}
			if err == nil {
				_, err = s.store.AssessClaim(ctx, id, in)
				err = clmRemap(err, nil, rows)
			}
			anchor = "#trace"
		case "consent":
			_, err = s.store.ConsentRansom(ctx, id, form.Get("note"), version)
		case "reserve":
			var loss, expense int64
			if loss, err = parseYuanField(form, "loss", true); err == nil {
				if expense, err = parseYuanField(form, "expense", false); err == nil {
					_, err = s.store.SetReserve(ctx, id, store.ReserveInput{Loss: loss, Expense: expense, Note: form.Get("note"), Version: version})
				}
			}
		case "approve":
			_, err = s.store.ApproveClaim(ctx, id, form.Get("note"), version)
		case "pay":
			var amount int64
			if amount, err = parseYuanField(form, "amount", true); err == nil {
				_, err = s.store.PayClaim(ctx, id, store.PaymentInput{Amount: amount, Final: formBool(form.Get("final")), Key: form.Get("key"),
					Reference: form.Get("reference")})
			}
			anchor = "#payments"
		case "recovery":
			var amount int64
			if amount, err = parseYuanField(form, "amount", true); err == nil {
				_, err = s.store.RecordRecovery(ctx, id, store.RecoveryInput{Amount: amount, Source: form.Get("source"), Note: form.Get("note")})
			}
			anchor = "#payments"
		case "decline":
			_, err = s.store.DeclineClaim(ctx, id, store.DeclineInput{Code: form.Get("code"), Note: form.Get("note"), Version: version})
		case "reopen":
			_, err = s.store.ReopenClaim(ctx, id, form.Get("note"), version)
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.claimPage(w, r, 0, id, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=%s%s", id, step, anchor), http.StatusSeeOther)
	}
}

// Template helpers on the claim page's data.

// ClaimsMade reports whether a coverage of the form is claims-made (the
// claim-made date is then needed).
func (d *uiClmData) ClaimsMade() bool {
	t := cover.Terms{Coverages: d.Coverages}
	return t.ClaimsMade()
}

// ClaimsMade reports whether a coverage of the claim form is claims-made.
func (d *uiClmNewData) ClaimsMade() bool {
	t := cover.Terms{Coverages: d.Coverages}
	return t.ClaimsMade()
}
