package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/store"
)

// The incident, emergency-response and claim pages (issue #6): the incident
// register with its statutory deadlines, the first notice of loss, one
// incident with its grading, reporting route, timers, dispatches, evidence
// and claims, and the claim pages (ui_claims.go). The store scopes every read
// and checks every step; these handlers parse forms (money strictly, in 元;
// instants as Beijing local time), delegate, and redirect with a flash or
// show a refused step's error on the form it came from. Anbao prepares the
// statutory report; the enterprise files it itself.

// incidentFuncs are the template functions of the incident and claim pages,
// on top of those of the quote pages (yuan, cny, pick, covName, fval …).
var incidentFuncs = template.FuncMap{
	"gradeName": func(p *uiPage, g string) string {
		if p.En() {
			return incident.Grade(g).NameEN()
		}
		return incident.Grade(g).NameZH()
	},
	"catName": func(p *uiPage, code string) string {
		if c, ok := incident.LookupCategory(code); ok {
			return pickLang(p, c.NameZH, c.NameEN)
		}
		return code
	},
	"subName": func(p *uiPage, code string) string {
		if code == "" {
			return ""
		}
		if _, s, ok := incident.LookupSub(code); ok {
			return pickLang(p, s.NameZH, s.NameEN)
		}
		return code
	},
	"opName": func(p *uiPage, op string) string {
		if p.En() {
			return incident.OperatorType(op).NameEN()
		}
		return incident.OperatorType(op).NameZH()
	},
	"itemKindName": func(p *uiPage, code string) string {
		for _, k := range claims.ItemKinds {
			if k.Code == code {
				return pickLang(p, k.NameZH, k.NameEN)
			}
		}
		return code
	},
	// enumT names a stored value by its catalogue key, or shows it as stored.
	"enumT": func(p *uiPage, prefix string, v any) string { return enumLabel(p, prefix, fmt.Sprint(v)) },
	// bjInput writes a stored instant as a datetime-local value in Beijing time.
	"bjInput":   bjInput,
	"shortHash": shortHash,
	"list": func(p *uiPage, zh, en []string) string {
		sep := "、"
		if p.En() {
			sep = "; "
		}
		return strings.Join(pickList(p, zh, en), sep)
	},
	"pickList": pickList,
	"fv":       func(c incFieldsCtx, name string) string { return c.V.Get(name) },
	"fon": func(c incFieldsCtx, name string) bool {
		return formBool(c.V.Get(name))
	},
	"add64": func(a, b int64) int64 { return a + b },
	"claimedOf": func(c *store.Claim) int64 {
		var n int64
		for _, it := range c.Items {
			n += it.Amount
		}
		return n
	},
	"itemRowsCtx": func(p *uiPage, form string, rows []clmRow, covs []cover.Coverage) clmRowsCtx {
		return clmRowsCtx{P: p, F: form, Rows: rows, Kinds: claims.ItemKinds, Coverages: covs}
	},
}

func pickLang(p *uiPage, zh, en string) string {
	if p.En() && en != "" {
		return en
	}
	return zh
}

func pickList(p *uiPage, zh, en []string) []string {
	if p.En() && len(en) > 0 {
		return en
	}
	return zh
}

// enumLabel names v by the catalogue key prefix+v, or shows it as stored.
func enumLabel(p *uiPage, prefix, v string) string {
	if v == "" {
		return "—"
	}
	if k := prefix + v; i18n.Has(p.Lang, k) {
		return p.T(k)
	}
	return v
}

// bjInput writes a stored instant as a datetime-local value in Beijing time.
func bjInput(s string) string {
	t, err := anbao.ParseTime(s)
	if err != nil {
		return ""
	}
	return t.In(anbao.Shanghai).Format("2006-01-02T15:04")
}

// shortHash shortens a SHA-256 for a table cell; the full value is in its title.
func shortHash(h string) string {
	if len(h) <= 16 {
		return h
	}
	return h[:12] + "…"
}

// Page names and registration.

var incidentPageNames = []string{"incidents", "incident", "incident_new", "claims", "claim"}

func (u *uiRenderer) addIncidentPages() error {
	funcs := template.FuncMap{}
	maps.Copy(funcs, quoteFuncs)
	maps.Copy(funcs, incidentFuncs)
	pages := map[string]string{
		// The claim form of an incident is defined with the claim partials.
		"claim_new": `{{define "content"}}{{template "clm-new" .}}{{end}}`,
	}
	for _, name := range incidentPageNames {
		pages[name] = "templates/" + name + ".html"
	}
	return u.addPageSet(funcs, "templates/incident_parts.html", pages)
}

// registerIncidentUI registers the incident and claim pages.
func (s *Server) registerIncidentUI() {
	if err := s.ui.addIncidentPages(); err != nil {
		panic(err)
	}
	// Evidence files come up through the incident pages.
	s.allowBody("/incidents/", store.MaxEvidenceBytes+1<<20)
	m := s.mux
	m.HandleFunc("GET /incidents", s.uiAuth(s.uiIncidents))
	m.HandleFunc("GET /incidents/new", s.uiAuth(s.uiIncidentNew))
	m.HandleFunc("POST /incidents/new", s.uiAuth(s.uiIncidentCreate))
	m.HandleFunc("GET /incidents/{iid}", s.uiAuth(s.uiIncident))
	for _, step := range []string{"update", "notify", "notice", "statutory", "end", "summary", "dispatch"} {
		m.HandleFunc("POST /incidents/{iid}/"+step, s.uiAuth(s.uiIncidentStep(step)))
	}
	m.HandleFunc("POST /incidents/{iid}/evidence", s.uiAuth(s.uiIncidentEvidence))
	m.HandleFunc("POST /incidents/{iid}/evidence/{vid}/custody", s.uiAuth(s.uiIncidentCustody))
	m.HandleFunc("POST /incidents/{iid}/dispatches/{did}/{step}", s.uiAuth(s.uiDispatchStep))
	m.HandleFunc("GET /incidents/{iid}/claims/new", s.uiAuth(s.uiClaimNew))
	m.HandleFunc("POST /incidents/{iid}/claims/new", s.uiAuth(s.uiClaimCreate))
	m.HandleFunc("GET /claims", s.uiAuth(s.uiClaims))
	m.HandleFunc("GET /claims/{cid}", s.uiAuth(s.uiClaim))
	for _, step := range clmSteps {
		m.HandleFunc("POST /claims/{cid}/"+step, s.uiAuth(s.uiClaimStep(step)))
	}
}

// incFlash shows the success message a redirect asks for with ?done=.
func incFlash(p *uiPage, r *http.Request, prefix string) {
	if k := r.URL.Query().Get("done"); k != "" && i18n.Has(p.Lang, prefix+k) {
		p.Flash = p.T(prefix + k)
	}
}

// Deadlines.

// uiDeadline is a deadline as the pages show it: its state from the clock
// (the timer rows are fired every half minute; the page does not wait for
// that) and a sentence saying when it is due, how much time is left, or by
// how much it was missed.
type uiDeadline struct {
	State string // none, pending, warned, expired, met, met_late
	Due   string // Beijing time
	Text  string
}

// Overdue reports whether the deadline passed without being met.
func (d uiDeadline) Overdue() bool { return d.State == store.TimerExpired }

// incWarnAt is when a timer of this window warns (the store's rule: a
// quarter of the window, at least five minutes, at most a day before).
func incWarnAt(start, due time.Time) time.Time {
	lead := min(max(due.Sub(start)/4, 5*time.Minute), 24*time.Hour)
	return due.Add(-lead)
}

// incDeadline states a deadline due at due (warning at warn, "" to derive it
// from start), met at met ("" when not yet), at now.
func incDeadline(p *uiPage, now time.Time, start, warn, due, met string) uiDeadline {
	dueT, err := anbao.ParseTime(due)
	if due == "" || err != nil {
		return uiDeadline{State: "none"}
	}
	d := uiDeadline{Due: p.Time(due)}
	if met != "" {
		metT, _ := anbao.ParseTime(met)
		if metT.After(dueT) {
			d.State, d.Text = "met_late", p.T("inc.dl.met_late", p.Time(met), incDuration(p, metT.Sub(dueT)))
		} else {
			d.State, d.Text = store.TimerMet, p.T("inc.dl.met", p.Time(met))
		}
		return d
	}
	if !now.Before(dueT) {
		d.State, d.Text = store.TimerExpired, p.T("inc.dl.overdue", d.Due, incDuration(p, now.Sub(dueT)))
		return d
	}
	warnT, err := anbao.ParseTime(warn)
	if warn == "" || err != nil {
		startT, _ := anbao.ParseTime(start)
		warnT = incWarnAt(startT, dueT)
	}
	d.State = store.TimerPending
	if !now.Before(warnT) {
		d.State = store.TimerWarned
	}
	d.Text = p.T("inc.dl.due_in", d.Due, incDuration(p, dueT.Sub(now)))
	return d
}

// incDuration writes a duration in its two largest units: 2 h 13 min, 3 d 4 h.
func incDuration(p *uiPage, d time.Duration) string {
	if d < time.Minute {
		return p.T("inc.dur.under_minute")
	}
	mins := int64(d / time.Minute)
	days, hours, m := mins/(24*60), mins/60%24, mins%60
	var parts []string
	if days > 0 {
		parts = append(parts, p.T("inc.dur.d", days))
		if hours > 0 {
			parts = append(parts, p.T("inc.dur.h", hours))
		}
	} else {
		if hours > 0 {
			parts = append(parts, p.T("inc.dur.h", hours))
		}
		if m > 0 {
			parts = append(parts, p.T("inc.dur.m", m))
		}
	}
	return strings.Join(parts, " ")
}

// statutoryDeadline is an incident's statutory report deadline.
func statutoryDeadline(p *uiPage, now time.Time, in *store.Incident) uiDeadline {
	return incDeadline(p, now, in.DiscoveredAt, "", in.ReportDueAt, in.ReportedAt)
}

// The incident register.

type uiIncRow struct {
	I        *store.Incident
	Deadline uiDeadline
}

type uiIncListData struct {
	Rows             []*uiIncRow
	Status, Grade    string
	Overdue          bool
	Statuses, Grades []string
	CanReport        bool
	ShowEnterprise   bool
	Total            int
	Pager            uiPager
}

var incStatuses = []string{store.IncidentOpen, store.IncidentHandled, store.IncidentClosed}

func (s *Server) uiIncidents(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "inc.title", "incidents")
	incFlash(p, r, "inc.flash.")
	if err := anbao.Authorize(p.P, anbao.ActIncidentRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &uiIncListData{Status: q.Get("status"), Grade: q.Get("grade"), Overdue: formBool(q.Get("overdue")), Statuses: incStatuses,
		Grades: gradeNames(), ShowEnterprise: p.P.OrgKind != anbao.KindEnterprise,
		CanReport: anbao.Can(p.P, anbao.ActIncidentReport) && p.P.OrgKind != anbao.KindInsurer}
	status := http.StatusOK
	list, err := s.store.ListIncidents(r.Context(), store.IncidentFilter{Status: d.Status, Grade: d.Grade, Overdue: d.Overdue, Page: pg})
	if err != nil {
		if anbao.ErrorCode(err) != anbao.EINVALID {
			s.writeError(w, r, err)
			return
		}
		status = p.setError("filter", nil, err, s, r)
		list = &store.ItemList[*store.Incident]{Items: []*store.Incident{}}
	}
	now := s.store.Now()
	for _, in := range list.Items {
		if p.En() {
			in.EnterpriseName = s.quoteOrgName(r.Context(), in.EnterpriseID, in.EnterpriseName, p.Lang)
		}
		d.Rows = append(d.Rows, &uiIncRow{I: in, Deadline: statutoryDeadline(p, now, in)})
	}
	d.Total = list.Total
	d.Pager = makePager("/incidents", q, pg, list.Total, len(list.Items))
	p.Data = d
	s.render(w, r, status, "incidents", p)
}

// The first notice of loss.

// incFactField is one impact figure of the intake and update forms.
type incFactField struct {
	Name    string   // input name
	Kind    string   // int, yuan, pct, bool, enum
	Options []string // enum values
	Prefix  string   // catalogue prefix of the enum values
	Unit    string   // catalogue key of the unit shown after the label
}

type incFactGroup struct {
	Key    string
	Fields []incFactField
}

var seriousness = []string{string(incident.SeriousnessRelatively), string(incident.SeriousnessSerious), string(incident.SeriousnessParticularly)}

// incFactGroups are the incident.Facts fields by theme, as the form shows them.
var incFactGroups = []incFactGroup{
	{"data", []incFactField{
		{Name: "facts.pi_leaked_people", Kind: "int", Unit: "inc.unit.people"},
		{Name: "facts.core_data", Kind: "enum", Options: seriousness, Prefix: "inc.seriousness."},
		{Name: "facts.important_data", Kind: "enum", Options: seriousness, Prefix: "inc.seriousness."},
	}},
	{"cii", []incFactField{
		{Name: "facts.cii", Kind: "bool"},
		{Name: "facts.outage_whole_minutes", Kind: "int", Unit: "inc.unit.minutes"},
		{Name: "facts.outage_main_minutes", Kind: "int", Unit: "inc.unit.minutes"},
	}},
	{"site", []incFactField{
		{Name: "facts.site_kind", Kind: "enum", Options: []string{"gov_portal", "news_site", "platform", "other"}, Prefix: "inc.site_kind."},
		{Name: "facts.site_level", Kind: "enum", Options: []string{"county", "prefecture", "province", "central", "super_large"}, Prefix: "inc.level."},
		{Name: "facts.site_unreachable_minutes", Kind: "int", Unit: "inc.unit.minutes"},
		{Name: "facts.defacement_homepage_minutes", Kind: "int", Unit: "inc.unit.minutes"},
		{Name: "facts.defacement_other_minutes", Kind: "int", Unit: "inc.unit.minutes"},
		{Name: "facts.reposts", Kind: "int", Unit: "inc.unit.times"},
		{Name: "facts.views", Kind: "int", Unit: "inc.unit.times"},
		{Name: "facts.spread_determined", Kind: "enum", Options: []string{"relatively_wide", "wide", "extra_wide"}, Prefix: "inc.spread."},
	}},
	{"society", []incFactField{
		{Name: "facts.population_affected", Kind: "int", Unit: "inc.unit.people"},
		{Name: "facts.population_share", Kind: "pct", Unit: "inc.unit.percent"},
		{Name: "facts.population_region_level", Kind: "enum", Options: []string{"prefecture", "province"}, Prefix: "inc.level."},
		{Name: "facts.direct_loss", Kind: "yuan", Unit: "inc.unit.yuan"},
	}},
	{"other", []incFactField{
		{Name: "facts.system_loss", Kind: "enum", Options: seriousness, Prefix: "inc.seriousness."},
		{Name: "facts.other_threat", Kind: "enum", Options: seriousness, Prefix: "inc.seriousness."},
	}},
}

// incDetailFields are the narrative fields (details.*) after the first three.
var incDetailFields = []string{"details.trend", "details.cause", "details.leads", "details.next_steps", "details.preservation"}

// incFieldsCtx is the context of the shared intake and update fields.
type incFieldsCtx struct {
	P          *uiPage
	F          string     // form id
	V          url.Values // values shown
	FNOL       bool       // the first notice (times, policy, notify) rather than an update
	Groups     []incFactGroup
	Categories []incident.Category
	Policies   []*store.Policy
	Operators  []string
	Detail     []string
}

// incForm is what the intake and update forms share.
type incForm struct {
	Title, Category, Sub, Operator string
	Facts                          incident.Facts
	Details                        store.IncidentDetails
}

var pctRE = regexp.MustCompile(`^\d{1,3}(\.\d{1,2})?$`)

// incCount reads a whole non-negative number; blank is 0.
func incCount(form url.Values, name string) (int64, error) {
	v := strings.NewReplacer(",", "", "，", "", " ", "", "_", "").Replace(strings.TrimSpace(form.Get(name)))
	if v == "" {
		return 0, nil
	}
	if !allDigits(v) || len(v) > 18 {
		return 0, anbao.FieldError(name, "ui.err.integer")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, anbao.FieldError(name, "ui.err.integer")
	}
	return n, nil
}

// incFormFrom reads the fields the intake and update forms share.
func incFormFrom(form url.Values) (*incForm, error) {
	f := &incForm{Title: form.Get("title"), Operator: form.Get("operator_type")}
	class := strings.TrimSpace(form.Get("class"))
	if c, sub, ok := incident.LookupSub(class); ok {
		f.Category, f.Sub = c.Code, sub.Code
	} else {
		f.Category = class
	}
	ints := map[string]*int64{
		"facts.pi_leaked_people": &f.Facts.PILeakedPeople, "facts.outage_whole_minutes": &f.Facts.OutageWholeMinutes,
		"facts.outage_main_minutes": &f.Facts.OutageMainMinutes, "facts.site_unreachable_minutes": &f.Facts.SiteUnreachableMinutes,
		"facts.population_affected": &f.Facts.PopulationAffected, "facts.defacement_homepage_minutes": &f.Facts.DefacementHomepageMinutes,
		"facts.defacement_other_minutes": &f.Facts.DefacementOtherMinutes, "facts.reposts": &f.Facts.Reposts, "facts.views": &f.Facts.Views,
	}
	// Field order, so that the first bad field is the one reported.
	for _, g := range incFactGroups {
		for _, fd := range g.Fields {
			var err error
			switch fd.Kind {
			case "int":
				*ints[fd.Name], err = incCount(form, fd.Name)
			case "yuan":
				f.Facts.DirectLossFen, err = parseYuanField(form, fd.Name, false)
			case "pct":
				v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(form.Get(fd.Name)), "%"))
				if v != "" {
					bp, ok := parseAmount(v, "yuan")
					if !pctRE.MatchString(v) || !ok {
						err = anbao.FieldError(fd.Name, "inc.err.percent", v)
					}
					f.Facts.PopulationShareBP = bp
				}
			}
			if err != nil {
				return f, err
			}
		}
	}
	f.Facts.CII = formBool(form.Get("facts.cii"))
	f.Facts.SiteKind = incident.SiteKind(form.Get("facts.site_kind"))
	f.Facts.SiteLevel = incident.Level(form.Get("facts.site_level"))
	f.Facts.PopulationRegionLevel = incident.Level(form.Get("facts.population_region_level"))
	f.Facts.SpreadDetermined = incident.SpreadLevel(form.Get("facts.spread_determined"))
	f.Facts.CoreData = incident.Seriousness(form.Get("facts.core_data"))
	f.Facts.ImportantData = incident.Seriousness(form.Get("facts.important_data"))
	f.Facts.SystemLoss = incident.Seriousness(form.Get("facts.system_loss"))
	f.Facts.OtherThreat = incident.Seriousness(form.Get("facts.other_threat"))
	d := &f.Details
	d.AffectedSystems, d.AffectedData, d.Measures = form.Get("details.affected_systems"), form.Get("details.affected_data"), form.Get("details.measures")
	d.Trend, d.Cause, d.Leads = form.Get("details.trend"), form.Get("details.cause"), form.Get("details.leads")
	d.NextSteps, d.Preservation = form.Get("details.next_steps"), form.Get("details.preservation")
	d.CrimeSuspected, d.PoliceRef = formBool(form.Get("details.crime_suspected")), form.Get("details.police_ref")
	if incident.IsRansomware(f.Sub) {
		// The sub-form counts only for ransomware; filled for another
		// sub-category chosen afterwards, it is dropped.
		demand, err := parseYuanField(form, "details.ransomware.ransom_demand", false)
		if err != nil {
			return f, err
		}
		rw := &store.Ransomware{Family: form.Get("details.ransomware.family"), RansomDemandFen: demand,
			Currency: form.Get("details.ransomware.currency"), Paid: formBool(form.Get("details.ransomware.paid")),
			EncryptedSystems: form.Get("details.ransomware.encrypted_systems"), ContactChannel: form.Get("details.ransomware.contact_channel")}
		if *rw != (store.Ransomware{}) {
			d.Ransomware = rw
		}
	}
	return f, nil
}

// incFormValues fills the shared fields from a stored incident.
func incFormValues(in *store.Incident) url.Values {
	v := url.Values{}
	v.Set("title", in.Title)
	v.Set("class", in.Category)
	if in.SubCategory != "" {
		v.Set("class", in.SubCategory)
	}
	v.Set("operator_type", in.OperatorType)
	v.Set("version", strconv.Itoa(in.Version))
	f := in.Facts
	for name, n := range map[string]int64{"pi_leaked_people": f.PILeakedPeople, "outage_whole_minutes": f.OutageWholeMinutes,
		"outage_main_minutes": f.OutageMainMinutes, "site_unreachable_minutes": f.SiteUnreachableMinutes,
		"population_affected": f.PopulationAffected, "defacement_homepage_minutes": f.DefacementHomepageMinutes,
		"defacement_other_minutes": f.DefacementOtherMinutes, "reposts": f.Reposts, "views": f.Views} {
		if n != 0 {
			v.Set("facts."+name, strconv.FormatInt(n, 10))
		}
	}
	if f.DirectLossFen != 0 {
		v.Set("facts.direct_loss", formatAmount(f.DirectLossFen, "yuan"))
	}
	if f.PopulationShareBP != 0 {
		v.Set("facts.population_share", formatAmount(f.PopulationShareBP, "yuan"))
	}
	if f.CII {
		v.Set("facts.cii", "on")
	}
	for name, s := range map[string]string{"site_kind": string(f.SiteKind), "site_level": string(f.SiteLevel),
		"population_region_level": string(f.PopulationRegionLevel), "spread_determined": string(f.SpreadDetermined),
		"core_data": string(f.CoreData), "important_data": string(f.ImportantData), "system_loss": string(f.SystemLoss),
		"other_threat": string(f.OtherThreat)} {
		v.Set("facts."+name, s)
	}
	d := in.Details
	for name, s := range map[string]string{"affected_systems": d.AffectedSystems, "affected_data": d.AffectedData, "measures": d.Measures,
		"trend": d.Trend, "cause": d.Cause, "leads": d.Leads, "next_steps": d.NextSteps, "preservation": d.Preservation,
		"police_ref": d.PoliceRef} {
		v.Set("details."+name, s)
	}
	if d.CrimeSuspected {
		v.Set("details.crime_suspected", "on")
	}
	if rw := d.Ransomware; rw != nil {
		v.Set("details.ransomware.family", rw.Family)
		v.Set("details.ransomware.currency", rw.Currency)
		v.Set("details.ransomware.encrypted_systems", rw.EncryptedSystems)
		v.Set("details.ransomware.contact_channel", rw.ContactChannel)
		if rw.RansomDemandFen != 0 {
			v.Set("details.ransomware.ransom_demand", formatAmount(rw.RansomDemandFen, "yuan"))
		}
		if rw.Paid {
			v.Set("details.ransomware.paid", "on")
		}
	}
	return v
}

// incFieldAlias maps a store field of the incident forms to its input.
func incFieldAlias(field string) string {
	switch field {
	case "category", "subcategory", "sub_category":
		return "class"
	case "facts.direct_loss_fen":
		return "facts.direct_loss"
	case "facts.population_share_bp":
		return "facts.population_share"
	case "details.ransomware.ransom_demand_fen":
		return "details.ransomware.ransom_demand"
	case "details.ransomware":
		return "class"
	case "value_fen":
		return "value"
	}
	return field
}

// incLocalise names the states an incident or claim error quotes, in lang.
func incLocalise(err error, lang string) error {
	var e *anbao.Error
	if !errors.As(err, &e) || len(e.Args) == 0 {
		return err
	}
	prefixes := map[string][]string{
		"incident.state":          {"inc.status."},
		"incident.dispatch.state": {"inc.dispatch.status.", "inc.step."},
		"claim.state":             {"clm.status."},
	}[e.Key]
	if prefixes == nil {
		return err
	}
	c := *e
	c.Args = slices.Clone(e.Args)
	for i, prefix := range prefixes {
		if i < len(c.Args) {
			if k := prefix + fmt.Sprint(c.Args[i]); i18n.Has(lang, k) {
				c.Args[i] = i18n.T(lang, k)
			}
		}
	}
	return &c
}

type uiIncNewData struct {
	// Choose: a provider picks the enterprise first.
	Choose      bool
	Enterprises []store.EnterpriseRef
	Enterprise  int64
	EntName     string
	Fields      incFieldsCtx
}

// incTarget is the enterprise a first notice is for: the reader's own, or
// for a provider the enterprise named by the "enterprise" field (0 when none
// is named yet).
func incTarget(r *http.Request) (int64, error) {
	pr := anbao.PrincipalFrom(r.Context())
	if err := anbao.Authorize(pr, anbao.ActIncidentReport); err != nil {
		return 0, err
	}
	switch pr.OrgKind {
	case anbao.KindEnterprise:
		return pr.OrgID, nil
	case anbao.KindProvider:
		v := strings.TrimSpace(r.FormValue("enterprise"))
		if v == "" {
			return 0, nil
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return 0, anbao.ErrNotFound("enterprise")
		}
		return id, nil
	}
	return 0, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
}

func (s *Server) incidentNewPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.newPage(r, "inc.new_title", "incidents")
	ctx := r.Context()
	ent, err := incTarget(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiIncNewData{Enterprise: ent}
	p.Data = d
	if ent == 0 {
		// A provider chooses among the enterprises it works for.
		d.Choose = true
		list, err := s.store.ReportableEnterprises(ctx)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d.Enterprises = list
		s.render(w, r, status, "incident_new", p)
		return
	}
	d.EntName = "#" + strconv.FormatInt(ent, 10)
	if o, err := s.store.GetOrganisation(ctx, ent); err == nil {
		d.EntName = o.Name(p.Lang)
	}
	v := url.Values{}
	if formErr != nil {
		status = p.setError("fnol", r.PostForm, incLocalise(formErr, p.Lang), s, r)
		if p.Err != nil {
			p.Err.Field = incFieldAlias(p.Err.Field)
		}
		v = r.PostForm
	} else {
		now := s.store.Now().In(anbao.Shanghai).Format("2006-01-02T15:04")
		v.Set("occurred_at", now)
		v.Set("discovered_at", now)
		v.Set("operator_type", string(incident.OperatorOther))
		v.Set("notify_insurer", "on")
		if o, err := s.store.GetOrganisation(ctx, ent); err == nil && o.Profile != nil {
			if o.Profile.CII {
				v.Set("operator_type", string(incident.OperatorCII))
				v.Set("facts.cii", "on")
			} else if o.Profile.CentralOrgan {
				v.Set("operator_type", string(incident.OperatorCentralState))
			}
		}
	}
	d.Fields = incFieldsCtx{P: p, F: "fnol", V: v, FNOL: true, Groups: incFactGroups, Categories: incident.Categories(),
		Operators: store.OperatorTypes, Detail: incDetailFields}
	if p.P.OrgKind == anbao.KindEnterprise && anbao.Can(p.P, anbao.ActPolicyRead) {
		list, err := s.store.ListPolicies(ctx, store.PolicyFilter{Status: store.PolicyActive, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, pol := range list.Items {
			if pol.EnterpriseID == ent {
				d.Fields.Policies = append(d.Fields.Policies, pol)
			}
		}
	}
	s.render(w, r, status, "incident_new", p)
}

func (s *Server) uiIncidentNew(w http.ResponseWriter, r *http.Request) {
	s.incidentNewPage(w, r, http.StatusOK, nil)
}

func (s *Server) uiIncidentCreate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ent, err := incTarget(r)
	if err == nil && ent == 0 {
		err = anbao.ErrNotFound("enterprise")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	form := r.PostForm
	f, err := incFormFrom(form)
	if err == nil {
		in := store.IncidentInput{Title: f.Title, Category: f.Category, SubCategory: f.Sub, OperatorType: f.Operator, Facts: f.Facts,
			Details: f.Details, OccurredAt: strings.TrimSpace(form.Get("occurred_at")), DiscoveredAt: strings.TrimSpace(form.Get("discovered_at")),
			NotifyInsurer: formBool(form.Get("notify_insurer"))}
		if v := strings.TrimSpace(form.Get("policy_id")); v != "" {
			if in.PolicyID, err = strconv.ParseInt(v, 10, 64); err != nil || in.PolicyID <= 0 {
				err = anbao.FieldError("policy_id", "ui.quotes.err.id", v)
			}
		}
		if err == nil {
			var inc *store.Incident
			if inc, err = s.store.ReportIncident(r.Context(), ent, in); err == nil {
				http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=reported", inc.ID), http.StatusSeeOther)
				return
			}
		}
	}
	if quoteStepError(err) {
		s.writeError(w, r, err)
		return
	}
	s.incidentNewPage(w, r, 0, err)
}

// One incident.

type uiIncTimer struct {
	T *store.Timer
	D uiDeadline
}

type uiIncDispatch struct {
	D      *store.Dispatch
	Timers []*uiIncTimer
	Mine   bool     // the reader is the dispatched provider
	Steps  []string // the steps open to it now
	CanUse bool     // it may record services used in kind
}

type uiIncEvent struct {
	At, Label, By, Note string
}

type uiIncEvidence struct {
	E      *store.IncidentEvidence
	Holder string
	Mine   bool // the reader's organisation holds it
}

type uiIncData struct {
	I          *store.Incident
	Deadline   uiDeadline
	Timers     []*uiIncTimer
	Dispatches []*uiIncDispatch
	Evidence   []*uiIncEvidence
	Events     []*uiIncEvent
	Channels   []incident.Channel
	Proof      string
	ProofAt    string
	Reporter   string
	Insurer    string
	Table      *incident.Table
	// What the reader may do.
	Enterprise bool // the incident's own enterprise
	CanReport  bool // record the statutory report, update, end handling, summary
	CanNotify  bool
	// CanRecordNotice: the policy's insurer records a notice it received
	// outside Anbao; NoticeChannels are the channels it may name.
	CanRecordNotice bool
	NoticeChannels  []string
	CanDispatch     bool
	CanEvidence     bool
	CanClaim        bool
	// Form options.
	Providers      []uiOption
	Services       []string
	Entitlements   []store.LedgerLine
	Parties        []uiOption
	ReportChannels []string
	Modes          []string
	EvidenceKinds  []string
	CustodyActions []string
	DispatchSteps  []string
	Update         incFieldsCtx
	Facts          []uiOption // the impact figures given, labelled
	NowInput       string
	LangQ          string // ?lang=en for the report links
}

// incDispatchSteps are the provider's steps open in each dispatch status.
var incDispatchSteps = map[string][]string{
	store.DispatchRequested:    {"acknowledge", "decline"},
	store.DispatchAcknowledged: {"assign"},
	store.DispatchAssigned:     {"contain"},
	store.DispatchContained:    {"close"},
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "inc.detail_title", "incidents")
	incFlash(p, r, "inc.flash.")
	ctx := r.Context()
	in, err := s.store.GetIncident(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pr := p.P
	now := s.store.Now()
	if p.En() {
		in.EnterpriseName = s.quoteOrgName(ctx, in.EnterpriseID, in.EnterpriseName, p.Lang)
	}
	d := &uiIncData{I: in, Deadline: statutoryDeadline(p, now, in), Channels: incident.StatutoryChannels(), ReportChannels: store.ReportChannels,
		Modes: []string{store.ModeRemote, store.ModeOnSite}, EvidenceKinds: store.EvidenceKinds, CustodyActions: store.CustodyActions,
		DispatchSteps: store.DispatchSteps, NowInput: now.In(anbao.Shanghai).Format("2006-01-02T15:04")}
	if p.En() {
		d.LangQ = "&lang=en"
	}
	d.Table, _ = incident.LookupTable(in.TableVersion)
	d.Reporter = s.quoteOrgName(ctx, in.ReportedByOrg, "#"+strconv.FormatInt(in.ReportedByOrg, 10), p.Lang)
	if in.InsurerID != 0 {
		d.Insurer = s.quoteOrgName(ctx, in.InsurerID, "#"+strconv.FormatInt(in.InsurerID, 10), p.Lang)
	}
	d.Enterprise = pr.OrgKind == anbao.KindEnterprise && pr.OrgID == in.EnterpriseID
	notInsurer := pr.OrgKind != anbao.KindInsurer
	d.CanReport = anbao.Can(pr, anbao.ActIncidentReport) && notInsurer
	d.CanNotify = anbao.Can(pr, anbao.ActDispatchRequest) && notInsurer && in.PolicyID != 0 && in.InsurerNotifiedAt == ""
	d.CanRecordNotice = anbao.Can(pr, anbao.ActClaimHandle) && pr.OrgKind == anbao.KindInsurer && pr.OrgID == in.InsurerID &&
		in.PolicyID != 0 && in.InsurerNotifiedAt == ""
	d.NoticeChannels = store.NoticeChannels
	d.CanDispatch = anbao.Can(pr, anbao.ActDispatchRequest) && in.Status == store.IncidentOpen && in.PolicyID != 0 &&
		(d.Enterprise || pr.OrgKind == anbao.KindInsurer && pr.OrgID == in.InsurerID)
	d.CanEvidence = anbao.Can(pr, anbao.ActEvidenceHandle)
	d.CanClaim = anbao.Can(pr, anbao.ActClaimOpen) && (d.Enterprise || pr.OrgKind == anbao.KindInsurer && pr.OrgID == in.InsurerID && in.InsurerID != 0)

	// Timers: the incident's own here, the SLA clocks with their dispatch.
	byDispatch := map[int64][]*uiIncTimer{}
	for _, tm := range in.Timers {
		t := &uiIncTimer{T: tm, D: incDeadline(p, now, tm.StartedAt, tm.WarnAt, tm.DueAt, tm.MetAt)}
		if tm.DispatchID != 0 {
			byDispatch[tm.DispatchID] = append(byDispatch[tm.DispatchID], t)
		} else {
			d.Timers = append(d.Timers, t)
		}
	}
	names := map[int64]string{in.EnterpriseID: in.EnterpriseName, in.ReportedByOrg: d.Reporter}
	if in.InsurerID != 0 {
		names[in.InsurerID] = d.Insurer
	}
	d.Parties = append(d.Parties, uiOption{strconv.FormatInt(in.EnterpriseID, 10), in.EnterpriseName})
	if in.ReportedByOrg != in.EnterpriseID {
		d.Parties = append(d.Parties, uiOption{strconv.FormatInt(in.ReportedByOrg, 10), d.Reporter})
	}
	if in.InsurerID != 0 {
		d.Parties = append(d.Parties, uiOption{strconv.FormatInt(in.InsurerID, 10), d.Insurer})
	}
	for _, dp := range in.Dispatches {
		if p.En() {
			dp.ProviderName = s.quoteOrgName(ctx, dp.ProviderID, dp.ProviderName, p.Lang)
		}
		names[dp.ProviderID] = dp.ProviderName
		if !slices.ContainsFunc(d.Parties, func(o uiOption) bool { return o.Value == strconv.FormatInt(dp.ProviderID, 10) }) {
			d.Parties = append(d.Parties, uiOption{strconv.FormatInt(dp.ProviderID, 10), dp.ProviderName})
		}
		x := &uiIncDispatch{D: dp, Timers: byDispatch[dp.ID]}
		x.Mine = pr.OrgKind == anbao.KindProvider && pr.OrgID == dp.ProviderID && anbao.Can(pr, anbao.ActDispatchRespond)
		if x.Mine {
			x.Steps = incDispatchSteps[dp.Status]
			x.CanUse = dp.Status != store.DispatchRequested && dp.Status != store.DispatchDeclined
		}
		d.Dispatches = append(d.Dispatches, x)
	}
	for _, e := range in.Evidence {
		holder := names[e.HolderOrg]
		if holder == "" {
			holder = e.HolderName
		}
		d.Evidence = append(d.Evidence, &uiIncEvidence{E: e, Holder: holder, Mine: d.CanEvidence && e.HolderOrg == pr.OrgID})
	}
	// The policy's roster and services in kind, for those who may read it.
	if in.PolicyID != 0 && anbao.Can(pr, anbao.ActPolicyRead) {
		if pol, err := s.store.GetPolicy(ctx, in.PolicyID); err == nil && pol.Terms != nil {
			for _, pid := range pol.Terms.Providers {
				d.Providers = append(d.Providers, uiOption{strconv.FormatInt(pid, 10),
					s.quoteOrgName(ctx, pid, "#"+strconv.FormatInt(pid, 10), p.Lang)})
			}
			if l, err := s.store.EntitlementLedger(ctx, in.PolicyID, 0); err == nil {
				d.Entitlements = l.Lines
			}
		}
	}
	// A dispatched provider cannot read the policy: its dispatch carries the
	// services in kind of the term the incident falls in.
	if len(d.Entitlements) == 0 {
		for _, ds := range in.Dispatches {
			if len(ds.Entitlements) > 0 {
				d.Entitlements = ds.Entitlements
				break
			}
		}
	}
	for _, ln := range d.Entitlements {
		d.Services = append(d.Services, ln.Service)
	}
	d.Events = incEvents(p, in, names)
	for _, e := range in.Events {
		if e.Kind == "insurer_notified" {
			var x struct {
				Proof string `json:"proof"`
			}
			if json.Unmarshal(e.Detail, &x) == nil {
				d.Proof, d.ProofAt = x.Proof, e.At
			}
		}
	}
	// The update form: stored values, or the posted ones after its error.
	uv := incFormValues(in)
	d.Facts = incFactsView(p, in.Facts, uv)
	if formErr != nil {
		status = p.setError(form, r.PostForm, incLocalise(formErr, p.Lang), s, r)
		if p.Err != nil {
			p.Err.Field = incFieldAlias(p.Err.Field)
		}
		if form == "update" {
			uv = r.PostForm
		}
	}
	d.Update = incFieldsCtx{P: p, F: "update", V: uv, Groups: incFactGroups, Categories: incident.Categories(), Operators: store.OperatorTypes,
		Detail: incDetailFields}
	p.Data = d
	s.render(w, r, status, "incident", p)
}

// incEvents tells an incident's history, newest last.
func incEvents(p *uiPage, in *store.Incident, names map[int64]string) []*uiIncEvent {
	var out []*uiIncEvent
	for _, e := range in.Events {
		ev := &uiIncEvent{At: p.Time(e.At), By: e.ByUser, Label: enumLabel(p, "inc.ev.", e.Kind)}
		if n := names[e.ByOrg]; n != "" && e.ByUser != "" {
			ev.By = e.ByUser + " · " + n
		}
		var x map[string]any
		if len(e.Detail) > 0 && decodeDetail(e.Detail, &x) == nil {
			str := func(k string) string {
				if v, ok := x[k]; ok && v != nil {
					return fmt.Sprint(v)
				}
				return ""
			}
			var notes []string
			switch {
			case e.Kind == "reported":
				notes = append(notes, p.T("inc.ev_note.grade", incGradeLabel(p, str("grade"))))
			case e.Kind == "updated":
				if str("grade_before") != str("grade") {
					notes = append(notes, p.T("inc.ev_note.regraded", incGradeLabel(p, str("grade_before")), incGradeLabel(p, str("grade"))))
				}
				notes = append(notes, str("note"))
			case e.Kind == "insurer_notified":
				notes = append(notes, str("policy_number"), p.T("inc.ev_note.proof", shortHash(str("proof"))))
			case e.Kind == "statutory_reported":
				notes = append(notes, enumLabel(p, "inc.channel.", str("channel")), str("reference"))
				if str("late") == "true" {
					notes = append(notes, p.T("inc.dl.state.met_late"))
				}
			case e.Kind == "dispatched":
				id, _ := strconv.ParseInt(str("provider_id"), 10, 64)
				notes = append(notes, names[id], enumLabel(p, "inc.mode.", str("mode")))
			case strings.HasPrefix(e.Kind, "dispatch_"):
				notes = append(notes, str("engineer"), str("note"))
			case e.Kind == "entitlement_used":
				notes = append(notes, enumLabel(p, "ui.quotes.service.", str("service"))+" × "+str("quantity"))
			case e.Kind == "evidence_added":
				notes = append(notes, str("name"), shortHash(str("sha256")))
			case strings.HasPrefix(e.Kind, "custody_"):
				id, _ := strconv.ParseInt(str("to_org"), 10, 64)
				notes = append(notes, names[id], str("to_person"))
			case strings.HasPrefix(e.Kind, "timer_"):
				notes = append(notes, enumLabel(p, "inc.timer.", str("timer")))
			case e.Kind == "handling_ended":
				notes = append(notes, enumLabel(p, "inc.status.", str("status")))
			}
			notes = slices.DeleteFunc(notes, func(s string) bool { return s == "" || s == "<nil>" })
			ev.Note = strings.Join(notes, " · ")
		}
		out = append(out, ev)
	}
	return out
}

// incFactsView lists the impact figures given, labelled, with their values
// as the reader reads them (v holds them as the forms write them).
func incFactsView(p *uiPage, f incident.Facts, v url.Values) []uiOption {
	var out []uiOption
	for _, g := range incFactGroups {
		for _, fd := range g.Fields {
			x := v.Get(fd.Name)
			if x == "" {
				continue
			}
			label := p.T("inc.f." + fd.Name)
			switch fd.Kind {
			case "bool":
				x = p.T("inc.yes")
			case "enum":
				x = enumLabel(p, fd.Prefix, x)
			case "yuan":
				x = fmtCNY(f.DirectLossFen)
			case "pct":
				x += "%"
			case "int":
				n, _ := strconv.ParseInt(x, 10, 64)
				x = p.Num(n)
				if fd.Unit != "" {
					x += " " + p.T(fd.Unit)
				}
			}
			out = append(out, uiOption{Value: x, Label: label})
		}
	}
	return out
}

func incGradeLabel(p *uiPage, g string) string {
	if p.En() {
		return incident.Grade(g).NameEN()
	}
	return incident.Grade(g).NameZH()
}

func (s *Server) uiIncident(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "iid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.incidentPage(w, r, http.StatusOK, id, "", nil)
}

// uiIncidentStep runs one step on an incident from its form.
func (s *Server) uiIncidentStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "iid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, form := r.Context(), r.PostForm
		version := formVersion(form)
		done := step
		anchor := ""
		switch step {
		case "update":
			var f *incForm
			if f, err = incFormFrom(form); err == nil {
				_, err = s.store.UpdateIncident(ctx, id, store.IncidentUpdate{Title: f.Title, Category: f.Category, SubCategory: f.Sub,
					OperatorType: f.Operator, Facts: f.Facts, Details: f.Details, Note: form.Get("note"), Version: version})
			}
		case "notify":
			_, err = s.store.NotifyInsurer(ctx, id, version)
		case "notice":
			done = "notify"
			_, err = s.store.RecordNoticeReceived(ctx, id, store.NoticeReceivedInput{ReceivedAt: strings.TrimSpace(form.Get("received_at")),
				Channel: form.Get("channel"), Version: version})
		case "statutory":
			_, err = s.store.RecordStatutoryReport(ctx, id, store.StatutoryReportInput{ReportedAt: strings.TrimSpace(form.Get("reported_at")),
				Channel: form.Get("channel"), Reference: form.Get("reference"), Version: version})
		case "end":
			_, err = s.store.EndHandling(ctx, id, version)
		case "summary":
			_, err = s.store.SubmitSummary(ctx, id, store.SummaryInput{Cause: form.Get("cause"), Measures: form.Get("measures"),
				Harm: form.Get("harm"), Accountability: form.Get("accountability"), Rectification: form.Get("rectification"),
				Lessons: form.Get("lessons"), SubmittedAt: strings.TrimSpace(form.Get("submitted_at")), Channel: form.Get("channel"),
				Version: version})
		case "dispatch":
			var pid int64
			if pid, err = strconv.ParseInt(form.Get("provider_id"), 10, 64); err != nil || pid <= 0 {
				err = anbao.FieldError("provider_id", "inc.err.provider_required")
			} else {
				_, err = s.store.DispatchProvider(ctx, id, store.DispatchInput{ProviderID: pid, Mode: form.Get("mode"), Note: form.Get("note")})
			}
			anchor = "#dispatches"
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.incidentPage(w, r, 0, id, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=%s%s", id, done, anchor), http.StatusSeeOther)
	}
}

// uiIncidentEvidence registers evidence: an uploaded file, or the SHA-256 of
// what cannot be uploaded.
func (s *Server) uiIncidentEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "iid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	up, err := formFile(r, "file")
	if err == nil {
		in := store.EvidenceInput{Kind: r.FormValue("kind"), Name: strings.TrimSpace(r.FormValue("name")),
			SHA256: strings.TrimSpace(r.FormValue("sha256")), Note: r.FormValue("note")}
		if up != nil {
			in.Content = up.Data
			if in.Name == "" {
				in.Name = up.Filename
			}
		} else if in.SHA256 == "" {
			err = anbao.FieldError("file", "inc.err.file_or_hash")
		}
		if err == nil {
			_, err = s.store.AddEvidence(r.Context(), id, in)
		}
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.incidentPage(w, r, 0, id, "evidence", err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=evidence#evidence", id), http.StatusSeeOther)
}

// uiIncidentCustody records a custody step by the evidence's holder.
func (s *Server) uiIncidentCustody(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "iid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	vid, err := pathID(r, "vid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	r.ParseForm()
	form := r.PostForm
	in := store.CustodyInput{Action: form.Get("action"), ToPerson: form.Get("to_person"), SHA256: form.Get("sha256"), Note: form.Get("note")}
	if v := strings.TrimSpace(form.Get("to_org")); v != "" {
		if in.ToOrg, err = strconv.ParseInt(v, 10, 64); err != nil {
			err = anbao.FieldError("to_org", "ui.quotes.err.id", v)
		}
	}
	var inc *store.Incident
	if err == nil {
		inc, err = s.store.RecordCustody(r.Context(), vid, in)
	}
	if err == nil && inc.ID != id {
		// The evidence belongs to another incident the reader may act on:
		// the step was taken; show it where it belongs.
		id = inc.ID
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.incidentPage(w, r, 0, id, fmt.Sprintf("custody-%d", vid), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=custody#evidence-%d", id, vid), http.StatusSeeOther)
}

// uiDispatchStep runs the dispatched provider's steps and its record of
// services used in kind.
func (s *Server) uiDispatchStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "iid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	did, err := pathID(r, "did")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	r.ParseForm()
	ctx, form := r.Context(), r.PostForm
	step := r.PathValue("step")
	formKey := fmt.Sprintf("dsp-%d", did)
	var inc *store.Incident
	if step == "usage" {
		formKey = fmt.Sprintf("use-%d", did)
		var qty int64
		var value int64
		if qty, err = incCount(form, "quantity"); err == nil {
			if value, err = parseYuanField(form, "value", false); err == nil {
				inc, err = s.store.UseEntitlement(ctx, did, store.UseInput{Service: form.Get("service"), Quantity: int(min(qty, 1<<31-1)),
					ValueFen: value, Note: form.Get("note")})
			}
		}
	} else if slices.Contains(store.DispatchSteps, step) {
		inc, err = s.store.StepDispatch(ctx, did, step, store.DispatchStepInput{Engineer: form.Get("engineer"), Note: form.Get("note"),
			Version: formVersion(form)})
	} else {
		err = anbao.ErrNotFound("step")
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.incidentPage(w, r, 0, id, formKey, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?done=dispatch_step#dispatch-%d", inc.ID, did), http.StatusSeeOther)
}

// Template helpers on the incident page's data.

// ReportLink is the address of a prepared report: the draft statutory
// report or the 30-day summary, as text or PDF.
func (d *uiIncData) ReportLink(kind, format string) string {
	return fmt.Sprintf("/api/v1/incidents/%d/report.%s?kind=%s%s", d.I.ID, format, kind, d.LangQ)
}

// Ransomware reports whether the incident is ransomware.
func (d *uiIncData) Ransomware() bool { return incident.IsRansomware(d.I.SubCategory) }

// LedgerLine is the entitlement line of a service, if the reader sees the ledger.
func (d *uiIncData) LedgerLine(service string) *store.LedgerLine {
	for i := range d.Entitlements {
		if d.Entitlements[i].Service == service {
			return &d.Entitlements[i]
		}
	}
	return nil
}

// OrgLabel names a party of the incident by id.
func (d *uiIncData) OrgLabel(id int64) string {
	if id == 0 {
		return ""
	}
	for _, o := range d.Parties {
		if o.Value == strconv.FormatInt(id, 10) {
			return o.Label
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Summary is the 30-day summary: its sections as label keys and texts.
func (d *uiIncData) SummaryRows() [][2]string {
	sm := d.I.Summary
	if sm == nil {
		return nil
	}
	return [][2]string{{"inc.summary.cause", sm.Cause}, {"inc.summary.measures", sm.Measures}, {"inc.summary.harm", sm.Harm},
		{"inc.summary.accountability", sm.Accountability}, {"inc.summary.rectification", sm.Rectification}, {"inc.summary.lessons", sm.Lessons}}
}

// SummaryFields are the six fields of the 30-day summary form.
func (d *uiIncData) SummaryFields() []string {
	return []string{"cause", "measures", "harm", "accountability", "rectification", "lessons"}
}
