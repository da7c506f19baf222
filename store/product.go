package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// Products (issue #5, item 1). An insurer designs a product as numbered
// versions: a version is a draft until published, then frozen; every quote
// and policy points to the version it was sold on. A product's rate tables
// (rating.Config) are the insurer's own: other insurers never see a product
// that is not theirs, enterprises and providers see published products
// without their rate tables, the operator and regulators see everything.

// Product statuses.
const (
	ProductDraft   = "draft"   // no version published yet
	ProductActive  = "active"  // quotable on its published version
	ProductRetired = "retired" // no new quotes; policies sold on it go on
)

// Product version statuses.
const (
	VersionDraft     = "draft"
	VersionPublished = "published"
)

// Product is an insurer's product.
type Product struct {
	ID               int64             `json:"id"`
	InsurerID        int64             `json:"insurer_id"`
	InsurerName      string            `json:"insurer_name"`
	Code             string            `json:"code"`
	NameZH           string            `json:"name_zh"`
	NameEN           string            `json:"name_en"`
	Type             cover.ProductType `json:"type"`
	Status           string            `json:"status"`
	PublishedVersion int               `json:"published_version"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	Version          int               `json:"version"`
	// Versions, newest first; filled by GetProduct.
	Versions []*ProductVersion `json:"versions,omitempty"`
}

// Name returns the product's name in lang.
func (p *Product) Name(lang string) string {
	if lang == "en" && p.NameEN != "" {
		return p.NameEN
	}
	return p.NameZH
}

// ProductVersion is one version of a product.
type ProductVersion struct {
	ID             int64             `json:"id"`
	ProductID      int64             `json:"product_id"`
	InsurerID      int64             `json:"insurer_id"`
	Number         int               `json:"number"`
	RegistrationNo string            `json:"registration_no"`
	Status         string            `json:"status"`
	Definition     *cover.Definition `json:"definition"`
	// Rating is nil for readers who may not see the insurer's rate tables.
	Rating      *rating.Config `json:"rating,omitempty"`
	CreatedBy   string         `json:"created_by"`
	CreatedAt   string         `json:"created_at"`
	UpdatedAt   string         `json:"updated_at"`
	PublishedBy string         `json:"published_by,omitempty"`
	PublishedAt string         `json:"published_at,omitempty"`
}

// ProductInput creates a product with its first draft version.
type ProductInput struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	ProductVersionInput
}

// ProductVersionInput is the content of a draft version.
type ProductVersionInput struct {
	RegistrationNo string           `json:"registration_no"`
	Definition     cover.Definition `json:"definition"`
	Rating         rating.Config    `json:"rating"`
}

// ProductFilter selects products.
type ProductFilter struct {
	InsurerID int64
	Type      cover.ProductType
	Status    string
	Query     string
	anbao.Page
}

const productColumns = `p.id, p.insurer_id, o.name_zh, p.code, p.name_zh, p.name_en, p.type, p.status, p.published_version,
	p.created_at, p.updated_at, p.version`
const productFrom = ` FROM products p JOIN organisations o ON o.id = p.insurer_id`

func scanProduct(sc scanner) (*Product, error) {
	var p Product
	err := sc.Scan(&p.ID, &p.InsurerID, &p.InsurerName, &p.Code, &p.NameZH, &p.NameEN, &p.Type, &p.Status, &p.PublishedVersion,
		&p.CreatedAt, &p.UpdatedAt, &p.Version)
	return &p, err
}

// seesRates reports whether p may read the rate tables of insurer's products.
func seesRates(p *anbao.Principal, insurer int64) bool {
	return p.System || p.OrgKind == anbao.KindOperator || p.OrgKind == anbao.KindRegulator ||
		(p.OrgKind == anbao.KindInsurer && p.OrgID == insurer)
}

// productScope restricts a query on products (alias p) to those p may read.
func productScope(pr *anbao.Principal, w *where) {
	switch {
	case pr.System || pr.OrgKind == anbao.KindOperator || pr.OrgKind == anbao.KindRegulator:
	case pr.OrgKind == anbao.KindInsurer:
		w.add("p.insurer_id = ?", pr.OrgID)
	default:
		w.add("p.status = 'active' AND o.status = 'active'")
	}
}

// ListProducts lists the products p may read, by insurer and code.
func (s *Store) ListProducts(ctx context.Context, f ProductFilter) (*ItemList[*Product], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProductRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	productScope(p, &w)
	if f.InsurerID != 0 {
		w.add("p.insurer_id = ?", f.InsurerID)
	}
	if f.Type != "" {
		w.add("p.type = ?", string(f.Type))
	}
	switch f.Status {
	case "":
	case ProductDraft, ProductActive, ProductRetired:
		w.add("p.status = ?", f.Status)
	default:
		return nil, anbao.FieldError("status", "uw.product.status_invalid", f.Status)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.ToLower(q) + "%"
		w.add("(LOWER(p.name_zh) LIKE ? OR LOWER(p.name_en) LIKE ? OR LOWER(p.code) LIKE ?)", like, like, like)
	}
	list := &ItemList[*Product]{Items: []*Product{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+productFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + productColumns + productFrom + w.String() + " ORDER BY p.insurer_id, p.code LIMIT " + w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		pr, err := scanProduct(sc)
		if err == nil {
			list.Items = append(list.Items, pr)
		}
		return err
	})
	return list, err
}

// GetProduct returns a product with the versions p may see: every version for
// its insurer, the operator and regulators; the published one for others.
func (s *Store) GetProduct(ctx context.Context, id int64) (*Product, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProductRead); err != nil {
		return nil, err
	}
	pr, err := s.getProduct(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + versionColumns + ` FROM product_versions WHERE product_id = $1`
	if !seesRates(p, pr.InsurerID) {
		q += ` AND number = ` + fmt.Sprint(pr.PublishedVersion)
	}
	pr.Versions = []*ProductVersion{}
	err = eachRow(ctx, s.read, q+` ORDER BY number DESC`, []any{id}, func(sc scanner) error {
		v, err := scanVersion(sc, seesRates(p, pr.InsurerID))
		if err == nil {
			pr.Versions = append(pr.Versions, v)
		}
		return err
	})
	return pr, err
}

func (s *Store) getProduct(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Product, error) {
	var w where
	w.add("p.id = ?", id)
	productScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF p"
	}
	pr, err := scanProduct(db.QueryRowContext(ctx, "SELECT "+productColumns+productFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("product")
	}
	return pr, err
}

const versionColumns = `id, product_id, insurer_id, number, registration_no, status, definition, rating, created_by, created_at,
	updated_at, published_by, published_at`

func scanVersion(sc scanner, rates bool) (*ProductVersion, error) {
	var v ProductVersion
	var def, rt string
	if err := sc.Scan(&v.ID, &v.ProductID, &v.InsurerID, &v.Number, &v.RegistrationNo, &v.Status, &def, &rt, &v.CreatedBy,
		&v.CreatedAt, &v.UpdatedAt, &v.PublishedBy, &v.PublishedAt); err != nil {
		return nil, err
	}
	v.Definition = &cover.Definition{}
	if err := json.Unmarshal([]byte(def), v.Definition); err != nil {
		return nil, fmt.Errorf("product version %d definition: %w", v.ID, err)
	}
	if rates {
		v.Rating = &rating.Config{}
		if err := json.Unmarshal([]byte(rt), v.Rating); err != nil {
			return nil, fmt.Errorf("product version %d rating: %w", v.ID, err)
		}
	}
	return &v, nil
}

// GetProductVersion returns version number of product id (0: the published one).
func (s *Store) GetProductVersion(ctx context.Context, id int64, number int) (*ProductVersion, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProductRead); err != nil {
		return nil, err
	}
	pr, err := s.getProduct(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	if number == 0 {
		number = pr.PublishedVersion
	}
	if !seesRates(p, pr.InsurerID) && number != pr.PublishedVersion {
		return nil, anbao.ErrNotFound("product_version")
	}
	v, err := scanVersion(s.read.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM product_versions WHERE product_id = $1 AND number = $2`,
		id, number), seesRates(p, pr.InsurerID))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("product_version")
	}
	return v, err
}

// getVersionByID loads a version with its rate tables, for the store's own use.
func getVersionByID(ctx context.Context, db queryer, id int64) (*ProductVersion, error) {
	return scanVersion(db.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM product_versions WHERE id = $1`, id), true)
}

var productCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$`)

// coverError turns the first of a pure package's validation failures into an
// application error keyed "uw.<code>", the field prefixed by where it sits.
func coverError(prefix string, errs ...*cover.FieldError) error {
	for _, e := range errs {
		if e != nil {
			field := e.Field
			if prefix != "" {
				field = prefix + "." + field
			}
			return anbao.FieldError(field, "uw."+e.Code, e.Args...)
		}
	}
	return nil
}

func normalizeVersion(in *ProductVersionInput) error {
	in.RegistrationNo = strings.TrimSpace(in.RegistrationNo)
	if err := coverError("", cover.RegistrationNumber(in.RegistrationNo)); err != nil {
		return err
	}
	if err := coverError("definition", in.Definition.Validate()...); err != nil {
		return err
	}
	return coverError("", in.Rating.Validate()...)
}

// mayManageProducts checks that p designs products for an insurer.
func mayManageProducts(p *anbao.Principal) error {
	if err := anbao.Authorize(p, anbao.ActProductManage); err != nil {
		return err
	}
	if p.OrgKind != anbao.KindInsurer {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

// CreateProduct creates a product of the principal's insurer with its first
// draft version.
func (s *Store) CreateProduct(ctx context.Context, in ProductInput) (*Product, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageProducts(p); err != nil {
		return nil, err
	}
	in.Code = strings.TrimSpace(in.Code)
	if !productCode.MatchString(in.Code) {
		return nil, anbao.FieldError("code", "uw.product.code_format", in.Code)
	}
	var err error
	if in.NameZH, err = trimText("name_zh", in.NameZH, 2, 100); err != nil {
		return nil, err
	}
	if in.NameEN, err = trimText("name_en", in.NameEN, 0, 200); err != nil {
		return nil, err
	}
	if err := normalizeVersion(&in.ProductVersionInput); err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(t *tx) error {
		if err := t.checkRefs(p.OrgID, &in.Definition); err != nil {
			return err
		}
		now := s.now()
		err := t.QueryRowContext(ctx, `INSERT INTO products (insurer_id, code, name_zh, name_en, type, status, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$7) RETURNING id`, p.OrgID, in.Code, in.NameZH, in.NameEN, string(in.Definition.Type),
			ProductDraft, now).Scan(&id)
		if isUniqueViolation(err) {
			return anbao.FieldError("code", "uw.product.code_exists", in.Code)
		}
		if err != nil {
			return err
		}
		v, err := t.insertVersion(id, p.OrgID, 1, &in.ProductVersionInput)
		if err != nil {
			return err
		}
		return t.audit(auditChange{"product.create", "product", id, p.OrgID, nil, map[string]any{
			"code": in.Code, "name_zh": in.NameZH, "version": v}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetProduct(ctx, id)
}

func (t *tx) insertVersion(productID, insurerID int64, number int, in *ProductVersionInput) (*ProductVersion, error) {
	def, err := json.Marshal(&in.Definition)
	if err != nil {
		return nil, err
	}
	rt, err := json.Marshal(&in.Rating)
	if err != nil {
		return nil, err
	}
	now := t.s.now()
	who := principalName(anbao.PrincipalFrom(t.ctx))
	var id int64
	if err := t.QueryRowContext(t.ctx, `INSERT INTO product_versions (product_id, insurer_id, number, registration_no, status,
		definition, rating, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9) RETURNING id`,
		productID, insurerID, number, in.RegistrationNo, VersionDraft, string(def), string(rt), who, now).Scan(&id); err != nil {
		return nil, err
	}
	d := in.Definition
	r := in.Rating
	return &ProductVersion{ID: id, ProductID: productID, InsurerID: insurerID, Number: number, RegistrationNo: in.RegistrationNo,
		Status: VersionDraft, Definition: &d, Rating: &r, CreatedBy: who, CreatedAt: now, UpdatedAt: now}, nil
}

// checkRefs checks that a definition's clauses are versions of the insurer's
// library (filling their titles) and its providers active providers.
func (t *tx) checkRefs(insurer int64, d *cover.Definition) error {
	for i := range d.Exclusions {
		x := &d.Exclusions[i]
		err := t.QueryRowContext(t.ctx, `SELECT title_zh, title_en FROM clauses WHERE insurer_id = $1 AND code = $2 AND version = $3`,
			insurer, x.Code, x.Version).Scan(&x.TitleZH, &x.TitleEN)
		if isNoRows(err) {
			return anbao.FieldError(fmt.Sprintf("definition.exclusions[%d]", i), "uw.product.clause_unknown", x.Code, x.Version)
		}
		if err != nil {
			return err
		}
	}
	for i, id := range d.Providers {
		var kind, status string
		err := t.QueryRowContext(t.ctx, `SELECT kind, status FROM organisations WHERE id = $1`, id).Scan(&kind, &status)
		if err != nil && !isNoRows(err) {
			return err
		}
		if isNoRows(err) || kind != string(anbao.KindProvider) || status != string(anbao.OrgActive) {
			return anbao.FieldError(fmt.Sprintf("definition.providers[%d]", i), "uw.product.provider_unknown", id)
		}
	}
	return nil
}

// SaveProductDraft writes the content of the product's draft version: the
// draft is updated in place, or, when the latest version is published, a new
// draft numbered after it is made. version is the product's version seen by
// the editor (0 skips the check).
func (s *Store) SaveProductDraft(ctx context.Context, id int64, version int, in ProductVersionInput) (*Product, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageProducts(p); err != nil {
		return nil, err
	}
	if err := normalizeVersion(&in); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		pr, err := s.getProduct(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if version != 0 && pr.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", pr.Version)
		}
		if pr.Status == ProductRetired {
			return anbao.Errorf(anbao.ECONFLICT, "uw.product.retired")
		}
		if pr.PublishedVersion > 0 && cover.ProductType(in.Definition.Type) != pr.Type {
			return anbao.FieldError("definition.type", "uw.product.type_fixed", string(pr.Type))
		}
		if err := t.checkRefs(pr.InsurerID, &in.Definition); err != nil {
			return err
		}
		var last int
		var status string
		if err := t.QueryRowContext(ctx, `SELECT number, status FROM product_versions WHERE product_id = $1 ORDER BY number DESC LIMIT 1`,
			id).Scan(&last, &status); err != nil {
			return err
		}
		var v *ProductVersion
		if status == VersionDraft {
			def, _ := json.Marshal(&in.Definition)
			rt, _ := json.Marshal(&in.Rating)
			if _, err := t.ExecContext(ctx, `UPDATE product_versions SET registration_no = $1, definition = $2, rating = $3, updated_at = $4
				WHERE product_id = $5 AND number = $6`, in.RegistrationNo, string(def), string(rt), s.now(), id, last); err != nil {
				return err
			}
			v = &ProductVersion{Number: last, RegistrationNo: in.RegistrationNo, Definition: &in.Definition, Rating: &in.Rating}
		} else if v, err = t.insertVersion(id, pr.InsurerID, last+1, &in); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE products SET type = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			string(in.Definition.Type), s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{"product.draft", "product", id, pr.InsurerID, nil, v})
	})
	if err != nil {
		return nil, err
	}
	return s.GetProduct(ctx, id)
}

// PublishProduct publishes the product's draft version: it becomes the
// version new quotes are rated on. Quotes already made keep their version.
func (s *Store) PublishProduct(ctx context.Context, id int64, version int) (*Product, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageProducts(p); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		pr, err := s.getProduct(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if version != 0 && pr.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", pr.Version)
		}
		if pr.Status == ProductRetired {
			return anbao.Errorf(anbao.ECONFLICT, "uw.product.retired")
		}
		var number int
		var status string
		if err := t.QueryRowContext(ctx, `SELECT number, status FROM product_versions WHERE product_id = $1 ORDER BY number DESC LIMIT 1`,
			id).Scan(&number, &status); err != nil {
			return err
		}
		if status != VersionDraft {
			return anbao.Errorf(anbao.ECONFLICT, "uw.product.no_draft")
		}
		// Clauses and providers may have changed since the draft was saved.
		var def string
		if err := t.QueryRowContext(ctx, `SELECT definition FROM product_versions WHERE product_id = $1 AND number = $2`, id, number).Scan(&def); err != nil {
			return err
		}
		var d cover.Definition
		if err := json.Unmarshal([]byte(def), &d); err != nil {
			return err
		}
		if err := t.checkRefs(pr.InsurerID, &d); err != nil {
			return err
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE product_versions SET status = $1, published_by = $2, published_at = $3, updated_at = $3
			WHERE product_id = $4 AND number = $5`, VersionPublished, principalName(p), now, id, number); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE products SET status = $1, published_version = $2, updated_at = $3, version = version + 1
			WHERE id = $4`, ProductActive, number, now, id); err != nil {
			return err
		}
		return t.audit(auditChange{"product.publish", "product", id, pr.InsurerID,
			map[string]any{"published_version": pr.PublishedVersion}, map[string]any{"published_version": number}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetProduct(ctx, id)
}

// RetireProduct stops new quotes on a product; bound policies are unaffected.
func (s *Store) RetireProduct(ctx context.Context, id int64) (*Product, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageProducts(p); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		pr, err := s.getProduct(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if pr.Status == ProductRetired {
			return anbao.Errorf(anbao.ECONFLICT, "uw.product.retired")
		}
		if _, err := t.ExecContext(ctx, `UPDATE products SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			ProductRetired, s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{"product.retire", "product", id, pr.InsurerID, map[string]any{"status": pr.Status},
			map[string]any{"status": ProductRetired}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetProduct(ctx, id)
}

// Clause is one version of an exclusion clause in an insurer's library.
type Clause struct {
	ID        int64  `json:"id"`
	InsurerID int64  `json:"insurer_id"`
	Code      string `json:"code"`
	Version   int    `json:"version"`
	TitleZH   string `json:"title_zh"`
	TitleEN   string `json:"title_en"`
	TextZH    string `json:"text_zh"`
	TextEN    string `json:"text_en"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
}

// ClauseInput adds a version of a clause; the first version of a new code is 1.
type ClauseInput struct {
	Code    string `json:"code"`
	TitleZH string `json:"title_zh"`
	TitleEN string `json:"title_en"`
	TextZH  string `json:"text_zh"`
	TextEN  string `json:"text_en"`
}

var clauseCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$`)

// AddClause adds the next version of a clause to the principal insurer's library.
func (s *Store) AddClause(ctx context.Context, in ClauseInput) (*Clause, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayManageProducts(p); err != nil {
		return nil, err
	}
	in.Code = strings.TrimSpace(in.Code)
	if !clauseCode.MatchString(in.Code) {
		return nil, anbao.FieldError("code", "uw.clause.code_format", in.Code)
	}
	var err error
	if in.TitleZH, err = trimText("title_zh", in.TitleZH, 2, 100); err != nil {
		return nil, err
	}
	if in.TitleEN, err = trimText("title_en", in.TitleEN, 0, 200); err != nil {
		return nil, err
	}
	if in.TextZH, err = trimText("text_zh", in.TextZH, 10, 20000); err != nil {
		return nil, err
	}
	if in.TextEN, err = trimText("text_en", in.TextEN, 0, 40000); err != nil {
		return nil, err
	}
	c := &Clause{InsurerID: p.OrgID, Code: in.Code, TitleZH: in.TitleZH, TitleEN: in.TitleEN, TextZH: in.TextZH, TextEN: in.TextEN,
		CreatedBy: principalName(p), CreatedAt: s.now()}
	err = s.inTx(ctx, func(t *tx) error {
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM clauses WHERE insurer_id = $1 AND code = $2`,
			p.OrgID, in.Code).Scan(&c.Version); err != nil {
			return err
		}
		err := t.QueryRowContext(ctx, `INSERT INTO clauses (insurer_id, code, version, title_zh, title_en, text_zh, text_en, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`, c.InsurerID, c.Code, c.Version, c.TitleZH, c.TitleEN, c.TextZH, c.TextEN,
			c.CreatedBy, c.CreatedAt).Scan(&c.ID)
		if isUniqueViolation(err) {
			return anbao.Errorf(anbao.ECONFLICT, "uw.clause.concurrent", c.Code)
		}
		if err != nil {
			return err
		}
		return t.audit(auditChange{"clause.add", "clause", c.ID, p.OrgID, nil, c})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListClauses lists the clause library of insurer (every version, by code and
// version): its own insurer, the operator and regulators read it; others read
// the clauses of published products through the products.
func (s *Store) ListClauses(ctx context.Context, insurer int64) ([]*Clause, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProductRead); err != nil {
		return nil, err
	}
	if !seesRates(p, insurer) {
		return nil, anbao.ErrNotFound("insurer")
	}
	out := []*Clause{}
	err := eachRow(ctx, s.read, `SELECT id, insurer_id, code, version, title_zh, title_en, text_zh, text_en, created_by, created_at
		FROM clauses WHERE insurer_id = $1 ORDER BY code, version`, []any{insurer}, func(sc scanner) error {
		var c Clause
		err := sc.Scan(&c.ID, &c.InsurerID, &c.Code, &c.Version, &c.TitleZH, &c.TitleEN, &c.TextZH, &c.TextEN, &c.CreatedBy, &c.CreatedAt)
		out = append(out, &c)
		return err
	})
	return out, err
}

// ClauseTexts returns the full clauses a set of references names, for
// documents; refs of other insurers are not found.
func (s *Store) clauseTexts(ctx context.Context, insurer int64, refs []cover.ClauseRef) ([]*Clause, error) {
	out := make([]*Clause, 0, len(refs))
	for _, r := range refs {
		var c Clause
		err := s.read.QueryRowContext(ctx, `SELECT id, insurer_id, code, version, title_zh, title_en, text_zh, text_en, created_by, created_at
			FROM clauses WHERE insurer_id = $1 AND code = $2 AND version = $3`, insurer, r.Code, r.Version).Scan(&c.ID, &c.InsurerID,
			&c.Code, &c.Version, &c.TitleZH, &c.TitleEN, &c.TextZH, &c.TextEN, &c.CreatedBy, &c.CreatedAt)
		if err != nil {
			if isNoRows(err) {
				return nil, errors.New("clause " + r.Code + " missing")
			}
			return nil, err
		}
		out = append(out, &c)
	}
	return out, nil
}

// RatePreview rates an input on a version of a product (0: the latest, draft
// or published) without storing anything: the product designer's test bench.
// Only readers of the product's rate tables may run it.
func (s *Store) RatePreview(ctx context.Context, id int64, number int, in *rating.Input) (*rating.Result, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProductRead); err != nil {
		return nil, err
	}
	pr, err := s.getProduct(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	if !seesRates(p, pr.InsurerID) {
		return nil, anbao.ErrNotFound("product")
	}
	q := `SELECT ` + versionColumns + ` FROM product_versions WHERE product_id = $1 ORDER BY number DESC LIMIT 1`
	args := []any{id}
	if number != 0 {
		q, args = `SELECT `+versionColumns+` FROM product_versions WHERE product_id = $1 AND number = $2`, []any{id, number}
	}
	v, err := scanVersion(s.read.QueryRowContext(ctx, q, args...), true)
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("product_version")
	}
	if err != nil {
		return nil, err
	}
	res, err := rating.Rate(v.Definition, v.Rating, in)
	if err != nil {
		return nil, coverError("input", asFieldError(err))
	}
	return res, nil
}
