package server

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
)

// The enterprise risk profile API: MLPS systems, assets (with import),
// dependencies and data holdings under /api/v1/enterprises/{id}/. The store
// decides who may read and write; another tenant's enterprise reads as not found.

// AssetImportRow documents one object of a JSON asset import (and the columns
// of a CSV one). "version" is the software version.
type AssetImportRow struct {
	Kind           store.AssetKind `json:"kind"`
	Value          string          `json:"value"`
	Version        string          `json:"version,omitempty"`
	EOL            bool            `json:"eol,omitempty"`
	InternetFacing bool            `json:"internet_facing,omitempty"`
	Note           string          `json:"note,omitempty"`
}

func (s *Server) registerRiskProfileAPI() {
	const base = "/api/v1/enterprises/{id}"
	const tag = "risk-profile"
	version := []qparam{{Name: "version", Type: "integer", Desc: "the version being deleted; refused if the record changed since (optional)"}}

	s.api(route{Method: "GET", Path: base + "/mlps-systems", OpID: "listMLPSSystems", Tag: tag,
		Summary: "An enterprise's MLPS (等保) systems", Query: pageParams, Resp: ListResponse[*store.MLPSSystem]{}, handle: s.apiListMLPS})
	s.api(route{Method: "POST", Path: base + "/mlps-systems", OpID: "createMLPSSystem", Tag: tag, Status: 201,
		Summary: "Add an MLPS system (own enterprise's admins and members)", Body: store.MLPSSystemInput{}, Resp: store.MLPSSystem{},
		handle: s.apiCreateMLPS})
	s.api(route{Method: "GET", Path: base + "/mlps-systems/{system_id}", OpID: "getMLPSSystem", Tag: tag,
		Summary: "One MLPS system", Resp: store.MLPSSystem{}, handle: s.apiGetMLPS})
	s.api(route{Method: "PUT", Path: base + "/mlps-systems/{system_id}", OpID: "updateMLPSSystem", Tag: tag,
		Summary: "Replace an MLPS system", Body: store.MLPSSystemInput{}, Resp: store.MLPSSystem{}, handle: s.apiUpdateMLPS})
	s.api(route{Method: "DELETE", Path: base + "/mlps-systems/{system_id}", OpID: "deleteMLPSSystem", Tag: tag,
		Summary: "Remove an MLPS system", Query: version, Status: 204, handle: s.apiDeleteMLPS})

	assetFilters := append([]qparam{
		{Name: "kind", Type: "string", Desc: "asset kind", Enum: []string{"domain", "ip", "cidr", "cloud_account", "software"}},
		{Name: "internet_facing", Type: "boolean", Desc: "internet-facing assets only (true) or excluded (false)"},
		{Name: "q", Type: "string", Desc: "search in values and notes"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: base + "/assets", OpID: "listAssets", Tag: tag,
		Summary: "An enterprise's assets", Query: assetFilters, Resp: ListResponse[*store.Asset]{}, handle: s.apiListAssets})
	s.api(route{Method: "POST", Path: base + "/assets", OpID: "createAsset", Tag: tag, Status: 201,
		Summary: "Add an asset: a domain, an IP address, a CIDR range, a cloud account (provider:id) or software (a CPE 2.3 name)",
		Body:    store.AssetInput{}, Resp: store.Asset{}, handle: s.apiCreateAsset})
	s.api(route{Method: "POST", Path: base + "/assets/import", OpID: "importAssets", Tag: tag,
		Summary: "Import assets from CSV (Content-Type: text/csv; header kind,value,version,eol,internet_facing,note) or a JSON array " +
			"(application/json), at most 1 MiB and 10,000 rows; reports every row; valid rows are written in one transaction",
		Query: []qparam{{Name: "dry_run", Type: "boolean", Desc: "report what would happen and write nothing"}},
		Body:  []AssetImportRow{}, Resp: store.ImportReport{}, handle: s.apiImportAssets})
	s.api(route{Method: "GET", Path: base + "/assets/{asset_id}", OpID: "getAsset", Tag: tag,
		Summary: "One asset", Resp: store.Asset{}, handle: s.apiGetAsset})
	s.api(route{Method: "PUT", Path: base + "/assets/{asset_id}", OpID: "updateAsset", Tag: tag,
		Summary: "Replace an asset", Body: store.AssetInput{}, Resp: store.Asset{}, handle: s.apiUpdateAsset})
	s.api(route{Method: "DELETE", Path: base + "/assets/{asset_id}", OpID: "deleteAsset", Tag: tag,
		Summary: "Remove an asset", Query: version, Status: 204, handle: s.apiDeleteAsset})

	s.api(route{Method: "GET", Path: base + "/dependencies", OpID: "listDependencies", Tag: tag,
		Summary: "An enterprise's cloud providers, key software vendors and IT outsourcers", Query: pageParams,
		Resp: ListResponse[*store.Dependency]{}, handle: s.apiListDeps})
	s.api(route{Method: "POST", Path: base + "/dependencies", OpID: "createDependency", Tag: tag, Status: 201,
		Summary: "Add a dependency", Body: store.DependencyInput{}, Resp: store.Dependency{}, handle: s.apiCreateDep})
	s.api(route{Method: "GET", Path: base + "/dependencies/{dependency_id}", OpID: "getDependency", Tag: tag,
		Summary: "One dependency", Resp: store.Dependency{}, handle: s.apiGetDep})
	s.api(route{Method: "PUT", Path: base + "/dependencies/{dependency_id}", OpID: "updateDependency", Tag: tag,
		Summary: "Replace a dependency", Body: store.DependencyInput{}, Resp: store.Dependency{}, handle: s.apiUpdateDep})
	s.api(route{Method: "DELETE", Path: base + "/dependencies/{dependency_id}", OpID: "deleteDependency", Tag: tag,
		Summary: "Remove a dependency", Query: version, Status: 204, handle: s.apiDeleteDep})

	s.api(route{Method: "GET", Path: base + "/data-holdings", OpID: "getDataHoldings", Tag: tag,
		Summary: "Data holdings and business continuity (version 0: nothing declared yet)", Resp: store.DataHoldings{}, handle: s.apiGetHoldings})
	s.api(route{Method: "PUT", Path: base + "/data-holdings", OpID: "setDataHoldings", Tag: tag,
		Summary: "Declare data holdings and business continuity", Body: store.DataHoldingsInput{}, Resp: store.DataHoldings{},
		handle: s.apiSetHoldings})
}

// ids reads the enterprise id and, when item is not "", the record id.
func ids(r *http.Request, item string) (ent, id int64, err error) {
	if ent, err = pathID(r, "id"); err != nil || item == "" {
		return ent, 0, err
	}
	id, err = pathID(r, item)
	return ent, id, err
}

// writeIDs is ids for a write: who may write there is checked before the body is read.
func writeIDs(r *http.Request, item string) (ent, id int64, err error) {
	if ent, id, err = ids(r, item); err != nil {
		return 0, 0, err
	}
	return ent, id, store.MayEditRiskProfile(anbao.PrincipalFrom(r.Context()), ent)
}

func (s *Server) apiListMLPS(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := ids(r, "")
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.ListMLPSSystems(r.Context(), ent, pg)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.MLPSSystem]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiCreateMLPS(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := writeIDs(r, "")
	if err != nil {
		return nil, err
	}
	var in store.MLPSSystemInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateMLPSSystem(r.Context(), ent, in)
}

func (s *Server) apiGetMLPS(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := ids(r, "system_id")
	if err != nil {
		return nil, err
	}
	return s.store.GetMLPSSystem(r.Context(), ent, id)
}

func (s *Server) apiUpdateMLPS(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := writeIDs(r, "system_id")
	if err != nil {
		return nil, err
	}
	var in store.MLPSSystemInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.UpdateMLPSSystem(r.Context(), ent, id, in)
}

func (s *Server) apiDeleteMLPS(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := writeIDs(r, "system_id")
	if err != nil {
		return nil, err
	}
	v, err := queryInt(r, "version", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	return nil, s.store.DeleteMLPSSystem(r.Context(), ent, id, v)
}

func (s *Server) apiListAssets(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := ids(r, "")
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := store.AssetFilter{Kind: store.AssetKind(q.Get("kind")), Query: q.Get("q"), Page: pg}
	if f.InternetFacing, err = queryOptBool(r, "internet_facing"); err != nil {
		return nil, err
	}
	l, err := s.store.ListAssets(r.Context(), ent, f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Asset]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

// queryOptBool reads an optional boolean query parameter; nil when absent.
func queryOptBool(r *http.Request, name string) (*bool, error) {
	var b bool
	switch r.URL.Query().Get(name) {
	case "":
		return nil, nil
	case "true", "1":
		b = true
	case "false", "0":
	default:
		return nil, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{name}, Field: name}
	}
	return &b, nil
}

func (s *Server) apiCreateAsset(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := writeIDs(r, "")
	if err != nil {
		return nil, err
	}
	var in store.AssetInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateAsset(r.Context(), ent, in)
}

func (s *Server) apiGetAsset(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := ids(r, "asset_id")
	if err != nil {
		return nil, err
	}
	return s.store.GetAsset(r.Context(), ent, id)
}

func (s *Server) apiUpdateAsset(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := writeIDs(r, "asset_id")
	if err != nil {
		return nil, err
	}
	var in store.AssetInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.UpdateAsset(r.Context(), ent, id, in)
}

func (s *Server) apiDeleteAsset(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := writeIDs(r, "asset_id")
	if err != nil {
		return nil, err
	}
	v, err := queryInt(r, "version", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	return nil, s.store.DeleteAsset(r.Context(), ent, id, v)
}

// importFormat reads the format of an import body from its media type.
func importFormat(contentType string) (store.ImportFormat, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
	case mt == "text/csv" || mt == "application/csv":
		return store.ImportCSV, nil
	case mt == "application/json":
		return store.ImportJSON, nil
	}
	return "", anbao.FieldError("Content-Type", "rp.import.content_type", contentType)
}

// readImport reads an import body, within the import's own size limit.
func readImport(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, store.ImportMaxBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(data) > store.ImportMaxBytes {
		return nil, anbao.Errorf(anbao.ETOOLARGE, "rp.import.too_large", store.ImportMaxBytes)
	}
	return data, err
}

func (s *Server) apiImportAssets(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := writeIDs(r, "")
	if err != nil {
		return nil, err
	}
	dry, err := queryBool(r, "dry_run")
	if err != nil {
		return nil, err
	}
	format, err := importFormat(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	data, err := readImport(r.Body)
	if err != nil {
		return nil, err
	}
	rep, err := s.store.ImportAssets(r.Context(), ent, format, data, dry)
	if err != nil {
		return nil, err
	}
	localizeReport(rep, lang(r))
	return rep, nil
}

// localizeReport renders each rejection's message in the caller's language.
func localizeReport(rep *store.ImportReport, l string) {
	for i := range rep.Items {
		if it := &rep.Items[i]; it.Key != "" {
			it.Message = i18n.T(l, it.Key, it.Args...)
		}
	}
}

func (s *Server) apiListDeps(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := ids(r, "")
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.ListDependencies(r.Context(), ent, pg)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Dependency]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiCreateDep(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := writeIDs(r, "")
	if err != nil {
		return nil, err
	}
	var in store.DependencyInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateDependency(r.Context(), ent, in)
}

func (s *Server) apiGetDep(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := ids(r, "dependency_id")
	if err != nil {
		return nil, err
	}
	return s.store.GetDependency(r.Context(), ent, id)
}

func (s *Server) apiUpdateDep(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := writeIDs(r, "dependency_id")
	if err != nil {
		return nil, err
	}
	var in store.DependencyInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.UpdateDependency(r.Context(), ent, id, in)
}

func (s *Server) apiDeleteDep(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := writeIDs(r, "dependency_id")
	if err != nil {
		return nil, err
	}
	v, err := queryInt(r, "version", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	return nil, s.store.DeleteDependency(r.Context(), ent, id, v)
}

func (s *Server) apiGetHoldings(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := ids(r, "")
	if err != nil {
		return nil, err
	}
	return s.store.GetDataHoldings(r.Context(), ent)
}

func (s *Server) apiSetHoldings(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, _, err := writeIDs(r, "")
	if err != nil {
		return nil, err
	}
	var in store.DataHoldingsInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.SetDataHoldings(r.Context(), ent, in)
}
