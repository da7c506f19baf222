package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// The policy registry and the policy page with its lifecycle steps.

// The policy registry.

type uiPolicyListData struct {
	List                    *store.ItemList[*store.Policy]
	Status, Source, Kind, Q string
	Statuses, Sources       []string
	Kinds                   []string
	Pager                   uiPager
}

func (s *Server) uiPolicies(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.policies.title", "policies")
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &uiPolicyListData{Status: q.Get("status"), Source: q.Get("source"), Kind: q.Get("kind"), Q: strings.TrimSpace(q.Get("q")),
		Statuses: []string{store.PolicyActive, store.PolicyExpired, store.PolicyCancelled},
		Sources:  []string{store.SourceAnbao, store.SourceDeclared}, Kinds: []string{store.PolicyStandard, store.PolicyParkMaster}}
	d.List, err = s.store.ListPolicies(r.Context(), store.PolicyFilter{Status: d.Status, Source: d.Source, Kind: d.Kind, Query: d.Q, Page: pg})
	if err != nil {
		if anbao.ErrorCode(err) != anbao.EINVALID {
			s.writeError(w, r, err)
			return
		}
		// A hand-edited filter: show the error over an empty list.
		p.setError("filter", nil, err, s, r)
		d.List = &store.ItemList[*store.Policy]{Items: []*store.Policy{}}
	}
	d.Pager = makePager("/policies", q, pg, d.List.Total, len(d.List.Items))
	p.Data = d
	s.render(w, r, http.StatusOK, "policies", p)
}

// One policy.

// uiPolicyTxnDetails is what the store keeps with a transaction, as far as the page explains it.
type uiPolicyTxnDetails struct {
	Adjustment     *rating.Adjustment  `json:"adjustment"`
	Rating         *rating.Result      `json:"rating"`
	Limit          []int64             `json:"limit"`          // before, after
	Retention      []int64             `json:"retention"`      // before, after
	AnnualPremium  []int64             `json:"annual_premium"` // before, after
	Automatic      bool                `json:"automatic"`
	Delta          *store.RenewalDelta `json:"delta"`
	QuoteID        int64               `json:"quote_id"`
	CancelledDate  string              `json:"cancelled_date"`
	RefundReversed *int64              `json:"refund_reversed"`
}

type uiPolicyTxn struct {
	X   *store.PolicyTransaction
	D   *uiPolicyTxnDetails
	Raw bool // details the page cannot explain: shown as stored
}

type uiPolicyData struct {
	Pol           *store.Policy
	Providers     []string
	Txns          []*uiPolicyTxn
	Done          *uiPolicyTxn // the transaction a step just wrote (?txn=)
	Issued        bool
	Renewal       *store.RenewalResult
	Manage        bool // the insurer's underwriter of this policy
	Insured       bool // the insured's admin, who raises risk notices
	Member        bool // the principal holds a park certificate, not the policy
	Before        bool // cover has not started: the terms shown are those at inception
	Today         string
	Methods       []string
	CancelReasons []string
	NoticeKinds   []string
	PDFLang       string
}

func (s *Server) policyPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error, renewal *store.RenewalResult) {
	p := s.newPage(r, "ui.policies.detail_title", "policies")
	ctx := r.Context()
	pol, err := s.store.GetPolicy(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.En() {
		pol.EnterpriseName = s.quoteOrgName(ctx, pol.EnterpriseID, pol.EnterpriseName, p.Lang)
		pol.InsurerName = s.quoteOrgName(ctx, pol.InsurerID, pol.InsurerName, p.Lang)
	}
	pr := p.P
	d := &uiPolicyData{Pol: pol, Renewal: renewal, Today: s.quoteToday(), Issued: r.URL.Query().Get("issued") == "1",
		Methods: []string{rating.ProRata, rating.ShortRate, rating.Flat}, CancelReasons: store.CancelReasons, NoticeKinds: store.NoticeKinds}
	d.Before = d.Today < pol.InceptionDate
	d.Manage = pr.OrgKind == anbao.KindInsurer && pr.OrgID == pol.InsurerID && anbao.Can(pr, anbao.ActPolicyManage)
	d.Insured = pr.OrgKind == anbao.KindEnterprise && pr.OrgID == pol.EnterpriseID && anbao.Can(pr, anbao.ActRiskNotice) &&
		pol.Status == store.PolicyActive
	d.Member = pr.OrgKind == anbao.KindEnterprise && pr.OrgID != pol.EnterpriseID
	if p.En() {
		d.PDFLang = "?lang=en"
	}
	if pol.Terms == nil {
		pol.Terms = &cover.Terms{} // a policy without segments: nothing in force to show
	}
	for _, pid := range pol.Terms.Providers {
		name := "#" + strconv.FormatInt(pid, 10)
		if o, err := s.store.GetOrganisation(ctx, pid); err == nil {
			name = o.Name(p.Lang)
		}
		d.Providers = append(d.Providers, name)
	}
	done, _ := strconv.ParseInt(r.URL.Query().Get("txn"), 10, 64)
	for _, x := range pol.Transactions {
		t := &uiPolicyTxn{X: x}
		if len(x.Details) > 0 {
			t.D = &uiPolicyTxnDetails{}
			if json.Unmarshal(x.Details, t.D) != nil {
				t.D, t.Raw = nil, true
			}
		}
		d.Txns = append(d.Txns, t)
		if x.ID == done {
			d.Done = t
		}
	}
	if formErr != nil {
		status = p.setError(form, r.PostForm, quoteLocaliseState(formErr, p.Lang), s, r)
		quoteRemapField(p, func(f string) string {
			if f == "enterprise_id" {
				return "enterprise"
			}
			return f
		})
	}
	p.Data = d
	s.render(w, r, status, "policy", p)
}

func (s *Server) uiPolicy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "polid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.policyPage(w, r, http.StatusOK, id, "", nil, nil)
}

// policyLastTxn is the id of a policy's newest transaction, for the page to point at.
func policyLastTxn(pol *store.Policy) int64 {
	if n := len(pol.Transactions); n > 0 {
		return pol.Transactions[n-1].ID
	}
	return 0
}

// uiPolicyStep runs one of the insurer's (or, for notices, the insured's)
// steps on a policy from its form.
func (s *Server) uiPolicyStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "polid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, form := r.Context(), r.PostForm
		next := fmt.Sprintf("/policies/%d?ok=saved", id)
		var pol *store.Policy
		formKey := step
		switch step {
		case "endorse":
			var limit, ret int64
			if limit, err = parseYuanField(form, "limit", true); err == nil {
				if ret, err = parseYuanField(form, "retention", true); err == nil {
					pol, err = s.store.Endorse(ctx, id, store.EndorseInput{EffectiveDate: strings.TrimSpace(form.Get("effective_date")),
						Limit: limit, Retention: ret, Note: form.Get("note"), Version: formVersion(form)})
				}
			}
		case "cancel":
			pol, err = s.store.Cancel(ctx, id, store.CancelInput{EffectiveDate: strings.TrimSpace(form.Get("effective_date")),
				Method: form.Get("method"), ReasonCode: form.Get("reason_code"), Note: form.Get("note"), Version: formVersion(form)})
		case "reinstate":
			pol, err = s.store.Reinstate(ctx, id, form.Get("note"), formVersion(form))
		case "renew":
			var res *store.RenewalResult
			if res, err = s.store.RenewPolicy(ctx, id); err == nil {
				s.policyPage(w, r, http.StatusOK, id, "", nil, res)
				return
			}
		case "members":
			var in store.ParkMemberInput
			if in.EnterpriseID, err = s.policyMemberEnterprise(r, form.Get("enterprise")); err == nil {
				if in.Limit, err = parseYuanField(form, "limit", true); err == nil {
					if in.Premium, err = parseYuanField(form, "premium", true); err == nil {
						in.JoinedDate = strings.TrimSpace(form.Get("joined_date"))
						_, err = s.store.AddParkMember(ctx, id, in)
					}
				}
			}
		case "leave":
			var mid int64
			if mid, err = pathID(r, "mid"); err == nil {
				formKey = fmt.Sprintf("leave-%d", mid)
				_, err = s.store.RemoveParkMember(ctx, id, mid, strings.TrimSpace(form.Get("left_date")))
			}
		case "subsidies":
			var amount int64
			if amount, err = parseYuanField(form, "amount", true); err == nil {
				_, err = s.store.AddSubsidy(ctx, id, store.SubsidyInput{Jurisdiction: form.Get("jurisdiction"), Grantor: form.Get("grantor"),
					LocalPolicy: form.Get("local_policy"), Amount: amount})
			}
		case "notices":
			_, err = s.store.RaiseRiskNotice(ctx, id, store.RiskNoticeInput{Kind: form.Get("kind"), Detail: form.Get("detail")})
		case "acknowledge":
			var nid int64
			if nid, err = pathID(r, "nid"); err == nil {
				formKey = fmt.Sprintf("ack-%d", nid)
				_, err = s.store.AcknowledgeRiskNotice(ctx, nid, form.Get("response"))
			}
			next += "#notices"
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.policyPage(w, r, 0, id, formKey, err, nil)
			return
		}
		if pol != nil {
			next = fmt.Sprintf("/policies/%d?txn=%d#txn-%d", id, policyLastTxn(pol), policyLastTxn(pol))
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// policyMemberEnterprise reads the enterprise to add to a park policy: its id, or
// its USCC among the enterprises the insurer can see.
func (s *Server) policyMemberEnterprise(r *http.Request, v string) (int64, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" {
		return 0, anbao.FieldError("enterprise", "ui.policies.err.member_required")
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 && len(v) < 18 {
		return n, nil
	}
	if len(v) != 18 {
		return 0, anbao.FieldError("enterprise", "ui.policies.err.member_format", v)
	}
	list, err := s.store.ListOrganisations(r.Context(), anbao.OrgFilter{Kind: anbao.KindEnterprise, Query: v, Page: anbao.Page{Limit: 5}})
	if err != nil {
		return 0, err
	}
	for _, o := range list.Items {
		if o.USCC == v {
			return o.ID, nil
		}
	}
	return 0, anbao.FieldError("enterprise", "ui.policies.err.member_unknown", v)
}

// Template helpers on the policy page's data.

// IsMaster reports whether the policy is a park master policy.
func (d *uiPolicyData) IsMaster() bool { return d.Pol.Kind == store.PolicyParkMaster }

// Cert is the address of a member's certificate.
func (d *uiPolicyData) Cert(m *store.PolicyMember) string {
	return fmt.Sprintf("/api/v1/policies/%d/members/%d/certificate.pdf%s", d.Pol.ID, m.ID, d.PDFLang)
}

// Schedule is the address of the policy schedule.
func (d *uiPolicyData) Schedule() string {
	return fmt.Sprintf("/api/v1/policies/%d/schedule.pdf%s", d.Pol.ID, d.PDFLang)
}

// TermSegments lists the segments of one term.
func (d *uiPolicyData) TermSegments(term int) []*store.Segment {
	var out []*store.Segment
	for _, g := range d.Pol.Segments {
		if g.TermNo == term {
			out = append(out, g)
		}
	}
	return out
}
