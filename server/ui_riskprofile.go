package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/ui"
)

// The risk-profile page of an enterprise: MLPS systems, assets, dependencies,
// data holdings and the asset import. Each form posts to its own address; an
// htmx request gets back the section it changed (with the form's error in
// place, status 200 so that htmx swaps it in), a plain browser a redirect or,
// after an error, the whole page with status 4xx.

// riskProfileSections are the page's sections, each a block of riskprofile.html with the same id.
var riskProfileSections = []string{"rp-mlps", "rp-assets", "rp-deps", "rp-holdings", "rp-import"}

// addRiskProfilePage parses riskprofile.html over the shared layout and
// partials (cloned from the error page, which holds nothing else that the
// page uses) and registers the page with the renderer.
func (u *uiRenderer) addRiskProfilePage() error {
	base, ok := u.pages["error"]
	if !ok {
		return errors.New("ui: no base page to clone for riskprofile")
	}
	t, err := base.Clone()
	if err != nil {
		return err
	}
	if t, err = t.ParseFS(ui.Templates(), "templates/riskprofile.html"); err != nil {
		return fmt.Errorf("ui template riskprofile: %w", err)
	}
	u.pages["riskprofile"] = t
	return nil
}

func (s *Server) registerRiskProfileUI() error {
	if err := s.ui.addRiskProfilePage(); err != nil {
		return err
	}
	const base = "/enterprises/{id}/risk-profile"
	m := s.mux
	m.HandleFunc("GET "+base, s.uiAuth(s.uiRiskProfile))
	m.HandleFunc("POST "+base+"/mlps", s.uiAuth(s.uiRPSave("mlps")))
	m.HandleFunc("POST "+base+"/mlps/{item}", s.uiAuth(s.uiRPSave("mlps")))
	m.HandleFunc("POST "+base+"/mlps/{item}/delete", s.uiAuth(s.uiRPDelete("mlps")))
	m.HandleFunc("POST "+base+"/assets", s.uiAuth(s.uiRPSave("asset")))
	m.HandleFunc("POST "+base+"/assets/{item}", s.uiAuth(s.uiRPSave("asset")))
	m.HandleFunc("POST "+base+"/assets/{item}/delete", s.uiAuth(s.uiRPDelete("asset")))
	m.HandleFunc("POST "+base+"/dependencies", s.uiAuth(s.uiRPSave("dep")))
	m.HandleFunc("POST "+base+"/dependencies/{item}", s.uiAuth(s.uiRPSave("dep")))
	m.HandleFunc("POST "+base+"/dependencies/{item}/delete", s.uiAuth(s.uiRPDelete("dep")))
	m.HandleFunc("POST "+base+"/data-holdings", s.uiAuth(s.uiRPHoldings))
	m.HandleFunc("POST "+base+"/import", s.uiAuth(s.uiRPImport))
	return nil
}

// rpSection is the section of each kind of record.
var rpSection = map[string]string{"mlps": "rp-mlps", "asset": "rp-assets", "dep": "rp-deps"}

type uiRiskProfileData struct {
	Org      *anbao.Organisation
	CanEdit  bool
	MLPS     *store.ItemList[*store.MLPSSystem]
	Assets   *store.ItemList[*store.Asset]
	Deps     *store.ItemList[*store.Dependency]
	Holdings *store.DataHoldings
	Pager    uiPager // of the assets
	Filter   url.Values
	Import   *store.ImportReport
	Today    string
	// Notice is a success message shown in the section named NoticeIn.
	Notice, NoticeIn string
	// OOB marks the assets section for an out-of-band swap (after an import).
	OOB bool

	formID string
	form   url.Values
}

// Val is the value of field in form: the posted one after that form failed, else stored.
func (d *uiRiskProfileData) Val(form, field string, stored any) string {
	if d.formID == form {
		return d.form.Get(field)
	}
	if p, ok := stored.(*int); ok {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	return fmt.Sprint(stored)
}

// On is Val for a checkbox.
func (d *uiRiskProfileData) On(form, field string, stored bool) bool {
	if d.formID == form {
		return formBool(d.form.Get(field))
	}
	return stored
}

// formItem is the record id in a form id such as "asset-12"; 0 for "asset-new".
func formItem(form string) int64 {
	_, id, _ := strings.Cut(form, "-")
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

// Item, AssetItem and DepItem are the stored record a form edits, or an empty one for a new record.
func (d *uiRiskProfileData) Item(form string) *store.MLPSSystem {
	for _, m := range d.MLPS.Items {
		if m.ID == formItem(form) {
			return m
		}
	}
	return &store.MLPSSystem{}
}

func (d *uiRiskProfileData) AssetItem(form string) *store.Asset {
	for _, a := range d.Assets.Items {
		if a.ID == formItem(form) {
			return a
		}
	}
	return &store.Asset{}
}

func (d *uiRiskProfileData) DepItem(form string) *store.Dependency {
	for _, x := range d.Deps.Items {
		if x.ID == formItem(form) {
			return x
		}
	}
	return &store.Dependency{}
}

// Open reports whether the form failed and should be shown open.
func (d *uiRiskProfileData) Open(form string) bool { return d.formID == form }

// Lists of choices for the forms.
func (d *uiRiskProfileData) Levels() []int                    { return []int{1, 2, 3, 4, 5} }
func (d *uiRiskProfileData) Results() []store.MLPSResult      { return store.MLPSResults }
func (d *uiRiskProfileData) AssetKinds() []store.AssetKind    { return store.AssetKinds }
func (d *uiRiskProfileData) DepKinds() []store.DependencyKind { return store.DependencyKinds }
func (d *uiRiskProfileData) Bands() []store.PIBand            { return store.PIBands }

// ImportColumns is the header of an import file.
func (d *uiRiskProfileData) ImportColumns() string {
	return "kind,value,version,eol,internet_facing,note"
}

// Sel reports whether option v is the value of field in form.
func (d *uiRiskProfileData) Sel(form, field string, stored, v any) bool {
	return d.Val(form, field, stored) == fmt.Sprint(v)
}

// Declared reports whether the enterprise has declared its data holdings.
func (d *uiRiskProfileData) Declared() bool { return d.Holdings != nil && d.Holdings.Version > 0 }

// ImportHasRejections reports whether the import report refused a row.
func (d *uiRiskProfileData) ImportHasRejections() bool {
	return d.Import != nil && d.Import.Rejected > 0
}

// NoticeFor is the success message of a section, or "".
func (d *uiRiskProfileData) NoticeFor(section string) string {
	if d.NoticeIn == section {
		return d.Notice
	}
	return ""
}

// Display shows an asset's value; a domain in Unicode too.
func (d *uiRiskProfileData) Display(a *store.Asset) string {
	if a.Kind == store.AssetDomain {
		if u := store.DisplayDomain(a.Value); u != a.Value {
			return u + " (" + a.Value + ")"
		}
	}
	return a.Value
}

// rpAssetFilter reads the assets list's filter: from the page address, or
// for an htmx post from the address the browser shows. A garbled offset is 0.
func rpAssetFilter(r *http.Request) (url.Values, store.AssetFilter) {
	q := r.URL.Query()
	if r.Method != http.MethodGet {
		q = url.Values{}
		if cur, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && cur.Path == rpPath(r) {
			q = cur.Query()
		}
	}
	f := store.AssetFilter{Kind: store.AssetKind(q.Get("kind")), Query: q.Get("q"), Page: anbao.Page{Limit: uiPageSize}}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		f.Offset = n
	}
	return q, f
}

func rpPath(r *http.Request) string { return "/enterprises/" + r.PathValue("id") + "/risk-profile" }

// rpLoad reads everything the page shows; a read the principal may not make
// fails the whole page. A bad assets filter is returned as filterErr.
func (s *Server) rpLoad(r *http.Request, p *uiPage, id int64) (d *uiRiskProfileData, filterErr, err error) {
	ctx := r.Context()
	if err := anbao.Authorize(p.P, anbao.ActRiskProfileRead); err != nil {
		return nil, nil, err
	}
	o, err := s.store.GetOrganisation(ctx, id)
	if err == nil && o.Kind != anbao.KindEnterprise {
		err = anbao.ErrNotFound("enterprise")
	}
	if err != nil {
		return nil, nil, err
	}
	d = &uiRiskProfileData{Org: o, CanEdit: store.MayEditRiskProfile(p.P, id) == nil, Today: todayShanghai(s)}
	if d.MLPS, err = s.store.ListMLPSSystems(ctx, id, anbao.Page{Limit: store.MaxMLPSSystems}); err != nil {
		return nil, nil, err
	}
	q, f := rpAssetFilter(r)
	d.Filter = q
	if d.Assets, err = s.store.ListAssets(ctx, id, f); anbao.ErrorCode(err) == anbao.EINVALID {
		filterErr, err = err, nil
		d.Assets = &store.ItemList[*store.Asset]{Items: []*store.Asset{}}
	}
	if err != nil {
		return nil, nil, err
	}
	d.Pager = makePager(rpPath(r), q, f.Page, d.Assets.Total, len(d.Assets.Items))
	if d.Deps, err = s.store.ListDependencies(ctx, id, anbao.Page{Limit: anbao.MaxPageLimit}); err != nil {
		return nil, nil, err
	}
	if d.Holdings, err = s.store.GetDataHoldings(ctx, id); err != nil {
		return nil, nil, err
	}
	return d, filterErr, nil
}

func todayShanghai(s *Server) string { return s.store.Now().In(anbao.Shanghai).Format("2006-01-02") }

// rpPage prepares the page for enterprise id, or writes the error page.
func (s *Server) rpPage(w http.ResponseWriter, r *http.Request) (*uiPage, *uiRiskProfileData, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return nil, nil, false
	}
	p := s.newPage(r, "ui.rp.title", "enterprises")
	d, filterErr, err := s.rpLoad(r, p, id)
	if err != nil {
		s.writeError(w, r, err)
		return nil, nil, false
	}
	if filterErr != nil {
		p.setError("filter", d.Filter, filterErr, s, r)
	}
	p.Title = p.T("ui.rp.title") + " · " + d.Org.Name(p.Lang)
	p.Path = rpPath(r)
	if r.Method == http.MethodGet {
		p.Path = r.URL.RequestURI()
	}
	p.Data = d
	return p, d, true
}

func (s *Server) uiRiskProfile(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.rpPage(w, r)
	if !ok {
		return
	}
	status := http.StatusOK
	if p.Err != nil {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "riskprofile", p)
}

// rpDone answers a successful post: the section for htmx, a redirect otherwise.
func (s *Server) rpDone(w http.ResponseWriter, r *http.Request, section string) {
	if !isHX(r) {
		http.Redirect(w, r, rpPath(r)+"?ok=saved#"+section, http.StatusSeeOther)
		return
	}
	p, d, ok := s.rpPage(w, r)
	if !ok {
		return
	}
	d.Notice, d.NoticeIn = p.T("ui.flash.saved"), section
	s.renderBlock(w, r, http.StatusOK, "riskprofile", section, p)
}

// rpFailed answers a post whose input was refused: the section with the
// form's error for htmx, the page with status 4xx otherwise. Errors that
// are not about the input get the error page.
func (s *Server) rpFailed(w http.ResponseWriter, r *http.Request, section, form string, values url.Values, err error) {
	switch anbao.ErrorCode(err) {
	case anbao.ENOTFOUND, anbao.EINTERNAL, anbao.EUNAUTHORIZED, anbao.EFORBIDDEN:
		s.writeError(w, r, err)
		return
	}
	p, d, ok := s.rpPage(w, r)
	if !ok {
		return
	}
	status := p.setError(form, values, err, s, r)
	d.formID, d.form = form, values
	if isHX(r) {
		s.renderBlock(w, r, http.StatusOK, "riskprofile", section, p)
		return
	}
	s.render(w, r, status, "riskprofile", p)
}

// rpFormInt reads an optional whole number of a form; "" is nil.
func rpFormInt(form url.Values, name string) (*int, error) {
	v := strings.TrimSpace(strings.ReplaceAll(form.Get(name), ",", ""))
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, anbao.FieldError(name, "ui.err.integer")
	}
	return &n, nil
}

// rpVersion reads the hidden version field: a record's version, or 0 for "none stored yet".
func rpVersion(form url.Values) int {
	n, err := strconv.Atoi(form.Get("version"))
	if err != nil || n < 0 {
		return -1 // never matches: a garbled field is a conflict, not a skipped check
	}
	return n
}

// uiRPSave creates (no item in the path) or replaces a record of one kind.
func (s *Server) uiRPSave(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ent, err := pathID(r, "id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var item int64
		form := kind + "-new"
		if r.PathValue("item") != "" {
			if item, err = pathID(r, "item"); err != nil {
				s.writeError(w, r, err)
				return
			}
			form = kind + "-" + strconv.FormatInt(item, 10)
		}
		values := postedForm(r)
		ctx := r.Context()
		version := rpVersion(values)
		if item != 0 && version == 0 {
			version = -1
		}
		switch kind {
		case "mlps":
			in := store.MLPSSystemInput{Name: values.Get("name"), FilingNumber: values.Get("filing_number"),
				LastEvaluationDate:   values.Get("last_evaluation_date"),
				LastEvaluationResult: store.MLPSResult(values.Get("last_evaluation_result")), Version: version}
			var lv *int
			if lv, err = rpFormInt(values, "level"); err == nil && lv != nil {
				in.Level = *lv
			}
			if err == nil && item == 0 {
				_, err = s.store.CreateMLPSSystem(ctx, ent, in)
			} else if err == nil {
				_, err = s.store.UpdateMLPSSystem(ctx, ent, item, in)
			}
		case "asset":
			in := store.AssetInput{Kind: store.AssetKind(values.Get("kind")), Value: values.Get("value"),
				SoftwareVersion: values.Get("software_version"), EOL: formBool(values.Get("eol")),
				InternetFacing: formBool(values.Get("internet_facing")), Note: values.Get("note"), Version: version}
			if item == 0 {
				_, err = s.store.CreateAsset(ctx, ent, in)
			} else {
				_, err = s.store.UpdateAsset(ctx, ent, item, in)
			}
		case "dep":
			in := store.DependencyInput{Kind: store.DependencyKind(values.Get("kind")), Name: values.Get("name"),
				Service: values.Get("service"), Critical: formBool(values.Get("critical")), Version: version}
			if item == 0 {
				_, err = s.store.CreateDependency(ctx, ent, in)
			} else {
				_, err = s.store.UpdateDependency(ctx, ent, item, in)
			}
		}
		if err != nil {
			s.rpFailed(w, r, rpSection[kind], form, values, err)
			return
		}
		s.rpDone(w, r, rpSection[kind])
	}
}

// uiRPDelete removes a record of one kind.
func (s *Server) uiRPDelete(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ent, err := pathID(r, "id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		item, err := pathID(r, "item")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		values := postedForm(r)
		version := rpVersion(values)
		if version == 0 {
			version = -1
		}
		switch kind {
		case "mlps":
			err = s.store.DeleteMLPSSystem(r.Context(), ent, item, version)
		case "asset":
			err = s.store.DeleteAsset(r.Context(), ent, item, version)
		case "dep":
			err = s.store.DeleteDependency(r.Context(), ent, item, version)
		}
		if err != nil {
			s.rpFailed(w, r, rpSection[kind], kind+"-"+strconv.FormatInt(item, 10), values, err)
			return
		}
		s.rpDone(w, r, rpSection[kind])
	}
}

func (s *Server) uiRPHoldings(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	values := postedForm(r)
	in := store.DataHoldingsInput{PIRecords: store.PIBand(values.Get("pi_records")), SensitivePI: formBool(values.Get("sensitive_pi")),
		ImportantData: formBool(values.Get("important_data")), CrossBorder: formBool(values.Get("cross_border")),
		OfflineBackups: formBool(values.Get("offline_backups")), Version: rpVersion(values)}
	// Version 0 is the first declaration: a concurrent first one meets the
	// primary key and is reported as a conflict by the store.
	in.RTOHours, err = rpFormInt(values, "rto_hours")
	if err == nil {
		in.RPOHours, err = rpFormInt(values, "rpo_hours")
	}
	if err == nil {
		_, err = s.store.SetDataHoldings(r.Context(), ent, in)
	}
	if err != nil {
		s.rpFailed(w, r, "rp-holdings", "holdings", values, err)
		return
	}
	s.rpDone(w, r, "rp-holdings")
}

// uiRPImport imports a file (or pasted text) and shows the per-row report.
func (s *Server) uiRPImport(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var values url.Values
	var rep *store.ImportReport
	data, format, err := rpImportInput(r)
	values = url.Values{}
	if r.MultipartForm != nil {
		for k, v := range r.MultipartForm.Value {
			if k != "csrf" {
				values[k] = v
			}
		}
	} else if r.PostForm != nil {
		values = postedForm(r)
	}
	if err == nil {
		rep, err = s.store.ImportAssets(r.Context(), ent, format, data, formBool(values.Get("dry_run")))
	}
	if err != nil {
		if anbao.ErrorCode(err) == anbao.ETOOLARGE {
			err = &anbao.Error{Code: anbao.EINVALID, Key: "rp.import.too_large", Args: []any{store.ImportMaxBytes}, Field: "file"}
		}
		s.rpFailed(w, r, "rp-import", "import", values, err)
		return
	}
	p, d, ok := s.rpPage(w, r)
	if !ok {
		return
	}
	localizeReport(rep, p.Lang)
	d.Import = rep
	d.formID, d.form = "import", values
	d.form.Del("text") // the report replaces the pasted text
	if isHX(r) {
		d.OOB = !rep.DryRun && rep.Created+rep.Updated > 0
		s.renderBlock(w, r, http.StatusOK, "riskprofile", "rp-import-response", p)
		return
	}
	s.render(w, r, http.StatusOK, "riskprofile", p)
}

// rpImportInput reads the uploaded file, or the pasted text, and its format:
// from the file name's extension, else from the first character (a JSON array starts with '[').
func rpImportInput(r *http.Request) ([]byte, store.ImportFormat, error) {
	tooBig := func(err error) bool {
		var mb *http.MaxBytesError
		return errors.As(err, &mb)
	}
	var data []byte
	name := ""
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(store.ImportMaxBytes); err != nil {
			if tooBig(err) {
				return nil, "", anbao.Errorf(anbao.ETOOLARGE, "rp.import.too_large", store.ImportMaxBytes)
			}
			return nil, "", anbao.FieldError("file", "rp.import.upload")
		}
		if f, h, err := r.FormFile("file"); err == nil {
			defer f.Close()
			name = h.Filename
			if data, err = readImport(f); err != nil {
				return nil, "", err
			}
		}
	} else if err := r.ParseForm(); err != nil {
		if tooBig(err) {
			return nil, "", anbao.Errorf(anbao.ETOOLARGE, "rp.import.too_large", store.ImportMaxBytes)
		}
		return nil, "", anbao.FieldError("file", "rp.import.upload")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		data, name = []byte(r.FormValue("text")), ""
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", anbao.FieldError("file", "rp.import.nothing")
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".txt":
		return data, store.ImportCSV, nil
	case ".json":
		return data, store.ImportJSON, nil
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"); len(t) > 0 && t[0] == '[' {
		return data, store.ImportJSON, nil
	}
	return data, store.ImportCSV, nil
}
