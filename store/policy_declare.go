package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/uscc"
)

// Declared policies (issue #5, item 6). An insurer that issues policies in
// its own core system declares them here, so that the registry and the
// pilot's statistics cover the whole pilot. A batch is all or nothing: every
// item is checked first and one problem anywhere writes nothing. Re-sending
// an item is harmless: the external reference (the insurer's own policy
// number) identifies it, and the same content is reported unchanged while
// different content is a conflict. The content is compared by the SHA-256 of
// the normalised item, kept in the new-business transaction's details.
//
// The bulk path writes the rows insertPolicy would (one policy, term 1, one
// segment, the new-business transaction) with multi-row INSERTs and one audit
// entry for the batch: 10,000 policies in one transaction take seconds.

// MaxDeclareBatch bounds the policies of one declaration.
const MaxDeclareBatch = 10_000

// maxDeclareMonths bounds a declared policy's period.
const maxDeclareMonths = 36

// DeclaredPolicy is one policy issued in the insurer's core system.
type DeclaredPolicy struct {
	ExternalRef string `json:"external_ref"` // the insurer's policy number: 4–64 printable characters
	// ProductCode or RegistrationNo names a product of the declaring insurer
	// with a published version; with both, they must name the same product.
	ProductCode    string `json:"product_code,omitempty"`
	RegistrationNo string `json:"registration_no,omitempty"`
	EnterpriseUSCC string `json:"enterprise_uscc"`
	InceptionDate  string `json:"inception_date"` // YYYY-MM-DD
	ExpiryDate     string `json:"expiry_date"`    // YYYY-MM-DD, exclusive: cover ends at 00:00
	Limit          int64  `json:"limit"`          // aggregate limit, 分
	Retention      int64  `json:"retention"`      // per-occurrence deductible, 分
	Premium        int64  `json:"premium"`        // 分
	RetroDate      string `json:"retro_date,omitempty"`
	IssuedAt       string `json:"issued_at,omitempty"` // YYYY-MM-DD the insurer issued it, not in the future
}

// Statuses of a declared item.
const (
	DeclareCreated   = "created"
	DeclareUnchanged = "unchanged"
)

// DeclareResult reports a declaration, item by item in the order given.
type DeclareResult struct {
	Created   int           `json:"created"`
	Unchanged int           `json:"unchanged"`
	Items     []DeclareItem `json:"items"`
}

// DeclareItem is the outcome of one declared policy.
type DeclareItem struct {
	Index       int    `json:"index"`
	ExternalRef string `json:"external_ref"`
	Status      string `json:"status"` // created | unchanged
	PolicyID    int64  `json:"policy_id"`
	Number      string `json:"number"` // Anbao's policy number
}

// DeclareErrors lists every problem of a refused declaration.
type DeclareErrors struct {
	Problems []DeclareProblem
}

// DeclareProblem is one problem of one item: Field is the item's field at
// fault, Code a message key and Args its arguments.
type DeclareProblem struct {
	Index       int    `json:"index"`
	ExternalRef string `json:"external_ref,omitempty"`
	Field       string `json:"field"`
	Code        string `json:"code"`
	Args        []any  `json:"args,omitempty"`
}

func (e *DeclareErrors) Error() string {
	var b strings.Builder
	b.WriteString("declaration refused:")
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, " … %d more", len(e.Problems)-i)
			break
		}
		fmt.Fprintf(&b, " [%d].%s %s;", p.Index, p.Field, p.Code)
	}
	return b.String()
}

// declaration is one item being checked: normalised input, what it resolves
// to, and the policy it becomes.
type declaration struct {
	in    DeclaredPolicy
	hash  string
	refOK bool // a well-formed external reference seen first here
	ent   *declEnterprise
	ver   *declVersion
	terms *cover.Terms
	// Filled on write, or from the existing policy when unchanged.
	status string
	id     int64
	number string
}

type declEnterprise struct {
	id                           int64
	jurisdiction, industry, size string
}

type declVersion struct {
	id, productID int64
	code, regNo   string
	number        int
	current       bool // the product's published version
	def           *cover.Definition
	rawDef        string
	// The terms' JSON with sentinels for the option, by whether a
	// retroactive date is given; nil when the sentinels do not show.
	tmpl     [2]*jsonTemplate
	tmplDone [2]bool
}

// period is a live term an item may not overlap.
type period struct{ start, end, label string }

// DeclarePolicies records a batch of policies issued in the caller's
// insurer's core system, by the rules at the top of this file.
func (s *Store) DeclarePolicies(ctx context.Context, items []DeclaredPolicy) (*DeclareResult, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyDeclare); err != nil {
		return nil, err
	}
	if p.OrgKind != anbao.KindInsurer {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	if len(items) == 0 || len(items) > MaxDeclareBatch {
		return nil, anbao.FieldError("policies", "uw.declare.count", MaxDeclareBatch)
	}
	decls := make([]*declaration, len(items))
	refs := sha256.New()
	for i, in := range items {
		d := &declaration{in: normalizeDeclared(in)}
		d.hash = declaredHash(&d.in)
		refs.Write([]byte(d.in.ExternalRef + "\n"))
		decls[i] = d
	}
	refsHash := hex.EncodeToString(refs.Sum(nil))
	res := &DeclareResult{Items: make([]DeclareItem, len(decls))}
	err := s.inTx(ctx, func(t *tx) error {
		if t.s.engine == Postgres {
			// Declarations of one insurer queue here, so that two batches
			// cannot both pass the reference and overlap checks.
			if _, err := t.ExecContext(ctx, `SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE`, p.OrgID); err != nil {
				return err
			}
		}
		probs, err := t.checkDeclarations(p.OrgID, decls)
		if err != nil {
			return err
		}
		if len(probs) > 0 {
			bad := map[int]bool{}
			for _, pr := range probs {
				bad[pr.Index] = true
			}
			return &anbao.Error{Code: anbao.EINVALID, Key: "uw.declare.invalid", Args: []any{len(bad)},
				Field: fmt.Sprintf("policies[%d].%s", probs[0].Index, probs[0].Field), Err: &DeclareErrors{Problems: probs}}
		}
		if err := t.writeDeclarations(p.OrgID, decls); err != nil {
			return err
		}
		for i, d := range decls {
			res.Items[i] = DeclareItem{Index: i, ExternalRef: d.in.ExternalRef, Status: d.status, PolicyID: d.id, Number: d.number}
			if d.status == DeclareCreated {
				res.Created++
			} else {
				res.Unchanged++
			}
		}
		if res.Created == 0 {
			return nil // nothing changed, nothing to audit
		}
		return t.audit(auditChange{"policy.declare", "organisation", p.OrgID, p.OrgID, nil, map[string]any{
			"count": len(decls), "created": res.Created, "unchanged": res.Unchanged, "external_refs_sha256": refsHash}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// normalizeDeclared trims what may carry stray spaces and writes the USCC
// canonically, so that the content hash does not depend on them.
func normalizeDeclared(in DeclaredPolicy) DeclaredPolicy {
	in.ExternalRef = strings.TrimSpace(in.ExternalRef)
	in.ProductCode = strings.TrimSpace(in.ProductCode)
	in.RegistrationNo = strings.TrimSpace(in.RegistrationNo)
	in.EnterpriseUSCC = uscc.Normalize(in.EnterpriseUSCC)
	in.InceptionDate = strings.TrimSpace(in.InceptionDate)
	in.ExpiryDate = strings.TrimSpace(in.ExpiryDate)
	in.RetroDate = strings.TrimSpace(in.RetroDate)
	in.IssuedAt = strings.TrimSpace(in.IssuedAt)
	return in
}

// DeclaredHash is the content hash a declaration is compared by: the
// SHA-256 of the normalised item's JSON. It is kept in the new-business
// transaction's details as {"declared_sha256": …}; a loader that writes
// declared policies directly stores it there so that a later declaration of
// the same policy is found unchanged.
func DeclaredHash(in DeclaredPolicy) string {
	in = normalizeDeclared(in)
	return declaredHash(&in)
}

func declaredHash(in *DeclaredPolicy) string {
	b, _ := json.Marshal(in) // strings and integers only: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func validExternalRef(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 4 && n <= 64 && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0
}

// checkDeclarations resolves every item against the insurer's catalogue,
// the enterprises and the policies already there, and returns every
// problem, in item order. Items already declared with the same content are
// marked unchanged.
func (t *tx) checkDeclarations(insurer int64, decls []*declaration) ([]DeclareProblem, error) {
	cat, err := t.declCatalogue(insurer)
	if err != nil {
		return nil, err
	}
	var usccs, extRefs []string
	for _, d := range decls {
		usccs = append(usccs, d.in.EnterpriseUSCC)
		extRefs = append(extRefs, d.in.ExternalRef)
	}
	ents, err := t.declEnterprises(usccs)
	if err != nil {
		return nil, err
	}
	existing, err := t.declExisting(insurer, extRefs)
	if err != nil {
		return nil, err
	}
	entIDs := make([]int64, 0, len(ents))
	for _, e := range ents {
		entIDs = append(entIDs, e.id)
	}
	live, err := t.declLiveTerms(insurer, entIDs)
	if err != nil {
		return nil, err
	}
	today := t.s.today()
	var probs []DeclareProblem
	first := map[string]int{}
	for i, d := range decls {
		in := &d.in
		n := len(probs)
		add := func(field, code string, args ...any) {
			probs = append(probs, DeclareProblem{Index: i, ExternalRef: in.ExternalRef, Field: field, Code: code, Args: args})
		}
		switch j, seen := first[in.ExternalRef]; {
		case !validExternalRef(in.ExternalRef):
			add("external_ref", "uw.declare.external_ref_format", in.ExternalRef)
		case seen:
			add("external_ref", "uw.declare.duplicate", in.ExternalRef, j)
		default:
			first[in.ExternalRef] = i
			d.refOK = true
		}
		if x, ok := existing[in.ExternalRef]; ok && d.refOK {
			if x.hash != d.hash {
				add("external_ref", "uw.declare.conflict", in.ExternalRef, x.number)
				continue
			}
			d.status, d.id, d.number = DeclareUnchanged, x.id, x.number
			continue
		}
		d.ver = cat.resolve(in, add)
		if in.EnterpriseUSCC == "" {
			add("enterprise_uscc", "error.required", "enterprise_uscc")
		} else if d.ent = ents[in.EnterpriseUSCC]; d.ent == nil {
			add("enterprise_uscc", "uw.declare.enterprise_unknown", in.EnterpriseUSCC)
		}
		inc, err1 := parseDay("inception_date", in.InceptionDate)
		if err1 != nil {
			add("inception_date", "uw.date_format", in.InceptionDate)
		}
		exp, err2 := parseDay("expiry_date", in.ExpiryDate)
		if err2 != nil {
			add("expiry_date", "uw.date_format", in.ExpiryDate)
		}
		datesOK := err1 == nil && err2 == nil
		if datesOK && !exp.After(inc) {
			add("expiry_date", "uw.declare.period_order", in.ExpiryDate, in.InceptionDate)
			datesOK = false
		} else if datesOK && exp.After(inc.AddDate(0, maxDeclareMonths, 0)) {
			add("expiry_date", "uw.declare.period_too_long", in.InceptionDate, in.ExpiryDate, maxDeclareMonths)
			datesOK = false
		}
		if in.Premium <= 0 || in.Premium > cover.MaxAmount {
			add("premium", "uw.policy.amount_range", cover.Yuan(in.Premium))
		}
		if in.IssuedAt != "" {
			if _, err := time.Parse(time.DateOnly, in.IssuedAt); err != nil {
				add("issued_at", "uw.date_format", in.IssuedAt)
			} else if in.IssuedAt > today {
				add("issued_at", "uw.declare.issued_future", in.IssuedAt, today)
			}
		}
		retro := cover.Terms{RetroDate: in.RetroDate}
		if d.ver != nil {
			retro.Coverages = d.ver.def.Coverages
			if fe := d.ver.def.Option(in.Limit, in.Retention); fe != nil {
				add(fe.Field, "uw."+fe.Code, fe.Args...)
			}
		}
		if fe := retro.CheckRetro(in.InceptionDate); fe != nil {
			add(fe.Field, "uw."+fe.Code, fe.Args...)
		}
		if len(probs) > n || !datesOK || d.ver == nil || d.ent == nil {
			continue
		}
		key := declKey(d.ent.id, d.ver.productID)
		for _, q := range live[key] {
			if q.start < in.ExpiryDate && in.InceptionDate < q.end {
				add("inception_date", "uw.policy.overlap", q.label)
				break
			}
		}
		if len(probs) > n {
			continue
		}
		live[key] = append(live[key], period{in.InceptionDate, in.ExpiryDate, in.ExternalRef})
		d.status = DeclareCreated
		d.terms = cover.NewTerms(d.ver.def, in.Limit, in.Retention, in.RetroDate)
	}
	return probs, nil
}

func declKey(ent, product int64) string {
	return strconv.FormatInt(ent, 10) + "/" + strconv.FormatInt(product, 10)
}

// productCatalogue is the insurer's products with their published versions.
type productCatalogue struct {
	byCode  map[string]*declVersion   // the current published version of each product
	byRegNo map[string][]*declVersion // every published version, newest first
}

func (t *tx) declCatalogue(insurer int64) (*productCatalogue, error) {
	c := &productCatalogue{byCode: map[string]*declVersion{}, byRegNo: map[string][]*declVersion{}}
	err := eachRow(t.ctx, t, `SELECT v.id, p.id, p.code, v.registration_no, v.number, p.published_version, v.definition
		FROM products p JOIN product_versions v ON v.product_id = p.id
		WHERE p.insurer_id = $1 AND v.status = $2 ORDER BY p.id, v.number DESC`, []any{insurer, VersionPublished},
		func(sc scanner) error {
			var v declVersion
			var published int
			if err := sc.Scan(&v.id, &v.productID, &v.code, &v.regNo, &v.number, &published, &v.rawDef); err != nil {
				return err
			}
			v.current = v.number == published
			if v.current {
				c.byCode[v.code] = &v
			}
			c.byRegNo[v.regNo] = append(c.byRegNo[v.regNo], &v)
			return nil
		})
	return c, err
}

// resolve finds the version an item names: the product's current published
// version by code, or the newest published version with the registration
// number (of that product when a code is given too).
func (c *productCatalogue) resolve(in *DeclaredPolicy, add func(field, code string, args ...any)) *declVersion {
	var v *declVersion
	switch {
	case in.ProductCode == "" && in.RegistrationNo == "":
		add("product_code", "uw.declare.product_required")
		return nil
	case in.RegistrationNo == "":
		if v = c.byCode[in.ProductCode]; v == nil {
			add("product_code", "uw.declare.product_unknown", in.ProductCode)
			return nil
		}
	default:
		var products []int64
		for _, x := range c.byRegNo[in.RegistrationNo] {
			if in.ProductCode != "" && x.code != in.ProductCode {
				continue
			}
			if !slices.Contains(products, x.productID) {
				products = append(products, x.productID)
			}
			if v == nil {
				v = x
			}
		}
		switch {
		case len(products) == 0:
			add("registration_no", "uw.declare.product_unknown", in.RegistrationNo)
			return nil
		case len(products) > 1:
			add("registration_no", "uw.declare.product_ambiguous", in.RegistrationNo)
			return nil
		}
	}
	if v.def == nil {
		v.def = &cover.Definition{}
		if err := json.Unmarshal([]byte(v.rawDef), v.def); err != nil {
			// A published definition was valid when stored; a corrupt one is
			// reported on the item rather than failing the whole batch obscurely.
			v.def = nil
			add("product_code", "uw.declare.product_unknown", v.code)
			return nil
		}
	}
	return v
}

// inChunks calls fn on consecutive slices of at most per of n items.
func inChunks(n, per int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += per {
		if err := fn(lo, min(lo+per, n)); err != nil {
			return err
		}
	}
	return nil
}

// lookupChunk is how many values one IN (…) list holds.
func (t *tx) lookupChunk() int {
	if t.s.engine == Postgres {
		return 5000
	}
	return 500
}

func distinct(xs []string) []any {
	seen := make(map[string]bool, len(xs))
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// declEnterprises loads the active enterprises among usccs.
func (t *tx) declEnterprises(usccs []string) (map[string]*declEnterprise, error) {
	keys := distinct(usccs)
	out := make(map[string]*declEnterprise, len(keys))
	err := inChunks(len(keys), t.lookupChunk(), func(lo, hi int) error {
		args := append([]any{string(anbao.KindEnterprise), string(anbao.OrgActive)}, keys[lo:hi]...)
		return eachRow(t.ctx, t, `SELECT id, uscc, jurisdiction, industry, size FROM organisations
			WHERE kind = $1 AND status = $2 AND uscc IN (`+placeholders(3, hi-lo)+`)`, args, func(sc scanner) error {
			var e declEnterprise
			var code string
			if err := sc.Scan(&e.id, &code, &e.jurisdiction, &e.industry, &e.size); err != nil {
				return err
			}
			out[code] = &e
			return nil
		})
	})
	return out, err
}

type existingPolicy struct {
	id           int64
	number, hash string
}

// declExisting loads the insurer's policies with these external references
// and the content hash each was declared with ("" for none).
func (t *tx) declExisting(insurer int64, extRefs []string) (map[string]existingPolicy, error) {
	keys := distinct(extRefs)
	out := map[string]existingPolicy{}
	err := inChunks(len(keys), t.lookupChunk(), func(lo, hi int) error {
		args := append([]any{insurer, TxnNewBusiness}, keys[lo:hi]...)
		return eachRow(t.ctx, t, `SELECT pol.id, pol.number, pol.external_ref, COALESCE(x.details, '') FROM policies pol
			LEFT JOIN policy_transactions x ON x.policy_id = pol.id AND x.kind = $2
			WHERE pol.insurer_id = $1 AND pol.external_ref IN (`+placeholders(3, hi-lo)+`)`, args, func(sc scanner) error {
			var e existingPolicy
			var ref, details string
			if err := sc.Scan(&e.id, &e.number, &ref, &details); err != nil {
				return err
			}
			var det struct {
				SHA256 string `json:"declared_sha256"`
			}
			if details != "" {
				_ = json.Unmarshal([]byte(details), &det) // details of other shapes simply carry no hash
			}
			e.hash = det.SHA256
			out[ref] = e
			return nil
		})
	})
	return out, err
}

// declLiveTerms loads the live terms of the insurer's policies on these
// enterprises, by enterprise and product, as checkOverlap reads them.
func (t *tx) declLiveTerms(insurer int64, ents []int64) (map[string][]period, error) {
	out := map[string][]period{}
	err := inChunks(len(ents), t.lookupChunk(), func(lo, hi int) error {
		args := []any{insurer}
		for _, id := range ents[lo:hi] {
			args = append(args, id)
		}
		return eachRow(t.ctx, t, `SELECT pol.enterprise_id, pol.product_id, pol.number, pt.start_date, pt.end_date
			FROM policies pol JOIN policy_terms pt ON pt.policy_id = pol.id
			WHERE pol.insurer_id = $1 AND pt.status = 'active' AND pol.enterprise_id IN (`+placeholders(2, hi-lo)+`)`, args,
			func(sc scanner) error {
				var ent, product int64
				var q period
				if err := sc.Scan(&ent, &product, &q.label, &q.start, &q.end); err != nil {
					return err
				}
				k := declKey(ent, product)
				out[k] = append(out[k], q)
				return nil
			})
	})
	return out, err
}

// allocIDs reserves n ids of table, in increasing order, so that a bulk
// insert can number policies and link child rows without reading ids back.
func (t *tx) allocIDs(table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if t.s.engine == Postgres {
		err := eachRow(t.ctx, t, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, []any{table, n},
			func(sc scanner) error {
				var id int64
				err := sc.Scan(&id)
				ids = append(ids, id)
				return err
			})
		slices.Sort(ids)
		return ids, err
	}
	// SQLite: this transaction is the one writer (BEGIN IMMEDIATE), so every
	// id above the largest is free, as the rowid allocator itself would pick.
	var top int64
	if err := t.QueryRowContext(t.ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&top); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, top+1+int64(i))
	}
	return ids, nil
}

// writeDeclarations inserts the policies of the created items: the rows
// insertPolicy writes, in multi-row INSERTs.
func (t *tx) writeDeclarations(insurer int64, decls []*declaration) error {
	var todo []*declaration
	for _, d := range decls {
		if d.status == DeclareCreated {
			todo = append(todo, d)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	polIDs, err := t.allocIDs("policies", len(todo))
	if err != nil {
		return err
	}
	termIDs, err := t.allocIDs("policy_terms", len(todo))
	if err != nil {
		return err
	}
	now := t.s.now()
	who := principalName(anbao.PrincipalFrom(t.ctx))
	pols := make([][]any, 0, len(todo))
	terms := make([][]any, 0, len(todo))
	segs := make([][]any, 0, len(todo))
	txns := make([][]any, 0, len(todo))
	for i, d := range todo {
		in := &d.in
		d.id = polIDs[i]
		d.number = policyNumber(in.InceptionDate, insurer, d.id)
		sum := d.terms.SumInsured()
		tj, err := d.ver.termsJSON(d.terms)
		if err != nil {
			return err
		}
		det := map[string]string{"declared_sha256": d.hash}
		if in.IssuedAt != "" {
			det["issued_at"] = in.IssuedAt
		}
		dj, err := json.Marshal(det)
		if err != nil {
			return err
		}
		pols = append(pols, []any{d.id, d.number, insurer, d.ent.id, d.ver.productID, PolicyStandard, SourceDeclared, in.ExternalRef,
			PolicyActive, string(d.ver.def.Type), d.ent.jurisdiction, d.ent.industry, d.ent.size, in.InceptionDate, in.ExpiryDate,
			in.Premium, sum, now, now})
		terms = append(terms, []any{termIDs[i], d.id, 1, d.ver.id, PolicyActive, in.InceptionDate, in.ExpiryDate, in.Premium, in.Premium,
			sum, in.RetroDate, now})
		segs = append(segs, []any{termIDs[i], d.id, 1, in.InceptionDate, in.ExpiryDate, string(tj), in.Premium, now})
		txns = append(txns, []any{d.id, termIDs[i], TxnNewBusiness, in.InceptionDate, in.Premium, string(dj), who, now})
	}
	err = t.insertRows("policies", `id, number, insurer_id, enterprise_id, product_id, kind, source, external_ref, status, product_type,
		jurisdiction, industry, size, inception_date, expiry_date, premium, sum_insured, created_at, updated_at`, pols)
	if isUniqueViolation(err) {
		// Only a concurrent declaration of the same reference gets here
		// (on SQLite writes are serial; on PostgreSQL the insurer is locked).
		return anbao.Errorf(anbao.ECONFLICT, "uw.declare.concurrent")
	}
	if err != nil {
		return err
	}
	if err := t.insertRows("policy_terms", `id, policy_id, term_no, product_version_id, status, start_date, end_date, annual_premium,
		written_premium, sum_insured, retro_date, created_at`, terms); err != nil {
		return err
	}
	if err := t.insertRows("policy_segments", `term_id, policy_id, seq, start_date, end_date, terms, annual_premium, created_at`, segs); err != nil {
		return err
	}
	return t.insertRows("policy_transactions", `policy_id, term_id, kind, effective_date, amount, details, created_by, created_at`, txns)
}

// Terms of one version differ only in the limit, the retention and the
// retroactive date, so a version's terms are marshalled once with sentinels
// in their place and each policy's JSON is spliced from the parts: the same
// bytes json.Marshal gives, at a fraction of the cost for 10,000 policies.
const (
	sentinelLimit     int64 = -8_765_432_109_876_543
	sentinelRetention int64 = -8_765_432_109_876_542
	sentinelRetro           = "\x01retro\x01"
)

// jsonTemplate is JSON cut at its sentinels: parts[i] comes before value i.
type jsonTemplate struct{ parts [][]byte }

// newJSONTemplate cuts b at each sentinel in turn; nil unless each appears
// exactly once, in order.
func newJSONTemplate(b []byte, sentinels ...[]byte) *jsonTemplate {
	t := &jsonTemplate{}
	for _, s := range sentinels {
		if bytes.Count(b, s) != 1 {
			return nil
		}
		i := bytes.Index(b, s)
		t.parts = append(t.parts, b[:i])
		b = b[i+len(s):]
	}
	t.parts = append(t.parts, b)
	return t
}

// termsJSON is json.Marshal(terms) for terms made by cover.NewTerms on v.
func (v *declVersion) termsJSON(terms *cover.Terms) ([]byte, error) {
	k := 0
	if terms.RetroDate != "" {
		k = 1
	}
	if !v.tmplDone[k] {
		v.tmplDone[k] = true
		retro := ""
		sentinels := [][]byte{[]byte(strconv.FormatInt(sentinelLimit, 10)), []byte(strconv.FormatInt(sentinelRetention, 10))}
		if k == 1 {
			retro = sentinelRetro
			q, _ := json.Marshal(retro)
			sentinels = append(sentinels, q)
		}
		if b, err := json.Marshal(cover.NewTerms(v.def, sentinelLimit, sentinelRetention, retro)); err == nil {
			v.tmpl[k] = newJSONTemplate(b, sentinels...)
		}
	}
	t := v.tmpl[k]
	if t == nil {
		return json.Marshal(terms)
	}
	n := 64
	for _, p := range t.parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	out = append(out, t.parts[0]...)
	out = strconv.AppendInt(out, terms.AggregateLimit, 10)
	out = append(out, t.parts[1]...)
	out = strconv.AppendInt(out, terms.Retention, 10)
	out = append(out, t.parts[2]...)
	if k == 1 {
		// A retroactive date passed CheckRetro: YYYY-MM-DD, nothing to escape.
		out = strconv.AppendQuote(out, terms.RetroDate)
		out = append(out, t.parts[3]...)
	}
	return out, nil
}
