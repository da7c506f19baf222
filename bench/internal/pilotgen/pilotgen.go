// Package pilotgen fills a migrated Anbao database with a large pilot for
// benchmarks: insurers with their products, enterprises, policies with
// their terms, premium subsidies, incidents and claims, written straight
// into the tables with multi-row INSERTs in a few large transactions (no
// store operations, no audit entries). The figures follow the shapes of
// the pilot: 36 jurisdictions (31 provinces and 5 separately-planned
// cities) weighted towards the coastal economies, GB/T 4754 sections led
// by manufacturing, mostly small and micro enterprises, 20 insurers with a
// long tail, and business growing over 36 months.
package pilotgen

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao/refdata"
)

// Config sizes the pilot. Zero fields take the defaults of Default.
type Config struct {
	Enterprises int
	Policies    int
	Insurers    int
	Months      int          // inception months, ending with End's month
	End         time.Time    // the last inception month (default 2026-11)
	Seed        uint64       // the same seed gives the same pilot
	Incidents   float64      // incidents per policy (default 0.02)
	Claims      float64      // claims per policy (default 0.01)
	Progress    func(string) // optional: told about each table as it is written
}

// Default is the benchmark's pilot: 100,000 enterprises and 500,000 policies.
var Default = Config{Enterprises: 100_000, Policies: 500_000, Insurers: 20, Months: 36, Seed: 7, Incidents: 0.02, Claims: 0.01}

// Result says what was written.
type Result struct {
	Insurers    []int64 // organisation ids, largest first
	Enterprises int
	Policies    int
	Terms       int
	Subsidies   int
	Incidents   int
	Claims      int
	Elapsed     time.Duration
}

// Generate writes the pilot into db, a migrated Anbao database on engine
// ("sqlite" or "postgres"). Ids continue after the rows already there.
func Generate(ctx context.Context, db *sql.DB, engine string, c Config) (*Result, error) {
	start := time.Now()
	d := Default
	if c.Enterprises > 0 {
		d.Enterprises = c.Enterprises
	}
	if c.Policies > 0 {
		d.Policies = c.Policies
	}
	if c.Insurers > 0 {
		d.Insurers = c.Insurers
	}
	if c.Months > 0 {
		d.Months = c.Months
	}
	if c.Seed != 0 {
		d.Seed = c.Seed
	}
	if c.Incidents > 0 {
		d.Incidents = c.Incidents
	}
	if c.Claims > 0 {
		d.Claims = c.Claims
	}
	d.End = c.End
	if d.End.IsZero() {
		d.End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	d.Progress = c.Progress
	if engine != "sqlite" && engine != "postgres" {
		return nil, fmt.Errorf("pilotgen: unknown engine %q", engine)
	}
	g := &gen{ctx: ctx, db: db, engine: engine, c: d, rnd: rand.New(rand.NewPCG(d.Seed, d.Seed^0x9e3779b97f4a7c15)), res: &Result{}}
	if err := g.run(); err != nil {
		return nil, err
	}
	g.res.Elapsed = time.Since(start)
	return g.res, nil
}

type gen struct {
	ctx    context.Context
	db     *sql.DB
	engine string
	c      Config
	rnd    *rand.Rand
	res    *Result
	now    string

	insurers []int64
	products map[[2]int]int64 // (insurer index, product type index) → product id; version id is the same number
	ents     []ent
	pols     []pol
}

type ent struct {
	id             int64
	jur, div, size string
}

type pol struct {
	id, ent    int64
	ins        int
	pt         int
	inception  time.Time
	terms      int
	premium    int64
	sumInsured int64
	cancelled  bool
	flat       bool
}

var (
	// The 36 jurisdictions with weights (coastal economies first).
	jurWeights = map[string]float64{"44": 12, "32": 11, "33": 9, "37": 7, "31": 7, "11": 7, "4403": 6, "41": 4, "51": 4, "42": 4,
		"35": 3, "34": 3, "43": 3, "13": 3, "3302": 3, "3702": 2.5, "3502": 2, "2102": 2, "50": 2.5, "61": 2, "12": 2.5, "21": 2,
		"36": 2, "53": 1.5, "45": 1.5, "14": 1.2, "52": 1.2, "22": 1, "23": 1, "15": 1, "65": 0.8, "62": 0.7, "46": 0.7, "64": 0.4,
		"63": 0.3, "54": 0.2}
	secWeights = map[string]float64{"C": 30, "F": 14, "I": 12, "L": 8, "M": 6, "E": 5, "G": 5, "J": 3, "K": 3, "R": 2, "H": 2,
		"Q": 2, "P": 1.5, "O": 1.5, "D": 1.5, "N": 1, "A": 1, "B": 1, "S": 0.5}
	sizes        = []string{"micro", "small", "medium", "large"}
	sizeWeights  = []float64{50, 32, 13, 5}
	productTypes = []string{"liability", "combined", "property", "product_service"}
	ptWeights    = []float64{40, 30, 20, 10}
	// Annual premium range by size, in yuan.
	premiumRange = map[string][2]float64{"micro": {2000, 12000}, "small": {8000, 40000}, "medium": {30000, 150000}, "large": {120000, 900000}}
	categories   = []string{"MP", "NA", "DS", "RO", "AB", "DE", "SHE", "IC", "OT"}
	catWeights   = []float64{30, 25, 15, 8, 6, 5, 4, 4, 3}
	grades       = []string{"general", "relatively_major", "major", "particularly_major"}
	gradeWeights = []float64{80, 16, 3.5, 0.5}
	claimStatus  = []string{"closed", "declined", "open", "assessed", "approved", "partially_paid"}
	claimWeights = []float64{55, 15, 12, 8, 5, 5}
	declines     = []string{"not_covered", "exclusion", "late_notice", "below_retention", "outside_term", "other"}
)

// picker draws keys by weight.
type picker struct {
	keys []string
	cum  []float64
}

func newPicker(keys []string, w []float64) *picker {
	p := &picker{keys: keys}
	t := 0.0
	for _, x := range w {
		t += x
		p.cum = append(p.cum, t)
	}
	return p
}

func mapPicker(m map[string]float64) *picker {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	// Map order is random: sort for a reproducible pilot.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	w := make([]float64, len(keys))
	for i, k := range keys {
		w[i] = m[k]
	}
	return newPicker(keys, w)
}

func (p *picker) idx(r *rand.Rand) int {
	x := r.Float64() * p.cum[len(p.cum)-1]
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if p.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func (p *picker) pick(r *rand.Rand) string { return p.keys[p.idx(r)] }

func (g *gen) log(s string, args ...any) {
	if g.c.Progress != nil {
		g.c.Progress(fmt.Sprintf(s, args...))
	}
}

func (g *gen) run() error {
	g.now = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	ids := map[string]int64{}
	for _, t := range []string{"organisations", "products", "product_versions", "policies", "policy_terms", "policy_subsidies", "incidents", "claims"} {
		var n int64
		if err := g.db.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) FROM "+t).Scan(&n); err != nil {
			return fmt.Errorf("pilotgen: %s: %w", t, err)
		}
		ids[t] = n
	}
	t0 := time.Now()
	if err := g.orgs(ids); err != nil {
		return err
	}
	g.log("organisations and products in %v", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if err := g.policies(ids); err != nil {
		return err
	}
	g.log("policies, terms and subsidies in %v", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if err := g.incidents(ids); err != nil {
		return err
	}
	g.log("incidents and claims in %v", time.Since(t0).Round(time.Millisecond))
	if g.engine == "postgres" {
		for _, t := range []string{"organisations", "products", "product_versions", "policies", "policy_terms", "policy_subsidies", "incidents", "claims"} {
			if _, err := g.db.ExecContext(g.ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT MAX(id) FROM "+t+"))"); err != nil {
				return fmt.Errorf("pilotgen: sequence of %s: %w", t, err)
			}
		}
		if _, err := g.db.ExecContext(g.ctx, "ANALYZE"); err != nil {
			return err
		}
	}
	return nil
}

// bulk writes rows as multi-row INSERTs of literal values in one transaction.
type bulk struct {
	g     *gen
	tx    *sql.Tx
	head  string
	sb    strings.Builder
	n     int
	per   int
	total int
	dep   *bulk // rows this table refers to: flushed first
}

func (g *gen) begin() (*sql.Tx, error) { return g.db.BeginTx(g.ctx, nil) }

func (g *gen) newBulk(tx *sql.Tx, table, cols string) *bulk {
	return &bulk{g: g, tx: tx, head: "INSERT INTO " + table + " (" + cols + ") VALUES ", per: 500}
}

// row appends one row; values are int64, int, bool, nil or string.
func (b *bulk) row(vals ...any) error {
	if b.n == 0 {
		b.sb.Reset()
		b.sb.WriteString(b.head)
	} else {
		b.sb.WriteByte(',')
	}
	b.sb.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.sb.WriteByte(',')
		}
		switch x := v.(type) {
		case nil:
			b.sb.WriteString("NULL")
		case int64:
			b.sb.WriteString(strconv.FormatInt(x, 10))
		case int:
			b.sb.WriteString(strconv.Itoa(x))
		case bool:
			if x {
				b.sb.WriteString("TRUE")
			} else {
				b.sb.WriteString("FALSE")
			}
		case string:
			b.sb.WriteByte('\'')
			b.sb.WriteString(strings.ReplaceAll(x, "'", "''"))
			b.sb.WriteByte('\'')
		default:
			return fmt.Errorf("pilotgen: value %T", v)
		}
	}
	b.sb.WriteByte(')')
	b.n++
	b.total++
	if b.n == b.per {
		return b.flush()
	}
	return nil
}

func (b *bulk) flush() error {
	if b.n == 0 {
		return nil
	}
	if b.dep != nil {
		if err := b.dep.flush(); err != nil {
			return err
		}
	}
	b.n = 0
	if _, err := b.tx.ExecContext(b.g.ctx, b.sb.String()); err != nil {
		return fmt.Errorf("pilotgen: %s…: %w", b.head[:min(len(b.head), 40)], err)
	}
	return nil
}

func (g *gen) orgs(ids map[string]int64) error {
	tx, err := g.begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	orgCols := "id, kind, status, uscc, name_zh, name_en, jurisdiction, industry, size, created_at, updated_at"
	b := g.newBulk(tx, "organisations", orgCols)
	id := ids["organisations"]
	for i := range g.c.Insurers {
		id++
		g.insurers = append(g.insurers, id)
		if err := b.row(id, "insurer", "active", "", fmt.Sprintf("基准保险%02d股份有限公司", i+1), fmt.Sprintf("Bench Insurance %02d", i+1),
			"", "", "", g.now, g.now); err != nil {
			return err
		}
	}
	jp, sp := mapPicker(jurWeights), mapPicker(secWeights)
	zp := newPicker(sizes, sizeWeights)
	divs := map[string][]string{}
	for _, s := range sp.keys {
		for _, d := range refdata.DivisionsOf(s) {
			divs[s] = append(divs[s], d.Code)
		}
	}
	for i := range g.c.Enterprises {
		id++
		sec := sp.pick(g.rnd)
		e := ent{id: id, jur: jp.pick(g.rnd), div: divs[sec][g.rnd.IntN(len(divs[sec]))], size: zp.pick(g.rnd)}
		g.ents = append(g.ents, e)
		if err := b.row(id, "enterprise", "active", "", fmt.Sprintf("基准企业%06d有限公司", i+1), fmt.Sprintf("Bench Enterprise %06d", i+1),
			e.jur, e.div, e.size, g.now, g.now); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	g.res.Insurers, g.res.Enterprises = g.insurers, len(g.ents)
	// A product (and its one published version, with the same id) per insurer and type.
	g.products = map[[2]int]int64{}
	pb := g.newBulk(tx, "products", "id, insurer_id, code, name_zh, name_en, type, status, published_version, created_at, updated_at")
	vb := g.newBulk(tx, "product_versions", "id, product_id, insurer_id, number, registration_no, status, definition, rating, created_by, created_at, updated_at")
	pid := max(ids["products"], ids["product_versions"])
	for i, ins := range g.insurers {
		for j, pt := range productTypes {
			pid++
			g.products[[2]int{i, j}] = pid
			if err := pb.row(pid, ins, "BENCH-"+pt, "基准"+pt, "Bench "+pt, pt, "published", 1, g.now, g.now); err != nil {
				return err
			}
			if err := vb.row(pid, pid, ins, 1, fmt.Sprintf("C00000%02d%02d", i, j), "published", "{}", "{}", "pilotgen", g.now, g.now); err != nil {
				return err
			}
		}
	}
	vb.dep = pb
	if err := vb.flush(); err != nil {
		return err
	}
	return tx.Commit()
}

func (g *gen) policies(ids map[string]int64) error {
	ip := newPicker(nil, nil)
	for i := range g.insurers {
		ip.keys = append(ip.keys, strconv.Itoa(i))
		t := 0.0
		if len(ip.cum) > 0 {
			t = ip.cum[len(ip.cum)-1]
		}
		ip.cum = append(ip.cum, t+1/math.Pow(float64(i+1), 0.9))
	}
	tp := newPicker(productTypes, ptWeights)
	var mw []float64
	var months []string
	for i := range g.c.Months {
		months = append(months, strconv.Itoa(i))
		mw = append(mw, float64(i+6))
	}
	mp := newPicker(months, mw)
	first := g.c.End.AddDate(0, -(g.c.Months - 1), 0)
	subsidised := map[string]bool{"32": true, "33": true, "44": true, "4403": true, "31": true, "37": true, "3302": true, "51": true, "42": true, "35": true}
	tx, err := g.begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	pb := g.newBulk(tx, "policies", `id, number, insurer_id, enterprise_id, product_id, kind, source, status, product_type, jurisdiction, industry,
		size, current_term, inception_date, expiry_date, premium, sum_insured, created_at, updated_at`)
	tb := g.newBulk(tx, "policy_terms", `policy_id, term_no, product_version_id, status, start_date, end_date, annual_premium, written_premium,
		sum_insured, cancelled_date, cancel_method, cancel_reason, created_at`)
	sb := g.newBulk(tx, "policy_subsidies", "policy_id, term_no, jurisdiction, grantor, local_policy, amount, created_by, created_at")
	tb.dep, sb.dep = pb, pb
	id := ids["policies"]
	var termRows [][]any
	for range g.c.Policies {
		id++
		e := g.ents[g.rnd.IntN(len(g.ents))]
		p := pol{id: id, ent: e.id, ins: ip.idx(g.rnd), pt: tp.idx(g.rnd), terms: 1}
		m := mp.idx(g.rnd)
		p.inception = first.AddDate(0, m, g.rnd.IntN(28))
		r := premiumRange[e.size]
		annual := int64(r[0]+g.rnd.Float64()*(r[1]-r[0])) * 100
		p.sumInsured = annual * int64(30+g.rnd.IntN(70))
		expiry := p.inception.AddDate(1, 0, 0)
		// A term over a year old renews half the time; a few cancel.
		if expiry.Before(g.c.End) && g.rnd.IntN(2) == 0 {
			p.terms = 2
		}
		x := g.rnd.Float64()
		p.cancelled = x < 0.03
		p.flat = x < 0.012 && p.terms == 1
		status := "active"
		if p.cancelled {
			status = "cancelled"
		}
		number := fmt.Sprintf("PB%09d", id)
		var written []int64
		termRows := termRows[:0]
		for t := 1; t <= p.terms; t++ {
			w := annual
			cancelledDate, method, reason, tstatus := "", "", "", "active"
			start, end := p.inception.AddDate(t-1, 0, 0), p.inception.AddDate(t, 0, 0)
			if p.cancelled && t == p.terms {
				tstatus, reason = "cancelled", "insured_request"
				if p.flat {
					w, method, cancelledDate = 0, "flat", start.Format(time.DateOnly)
				} else {
					w, method, cancelledDate = annual/2, "pro_rata", start.AddDate(0, 6, 0).Format(time.DateOnly)
				}
			}
			written = append(written, w)
			p.premium += w
			termRows = append(termRows, []any{id, t, g.products[[2]int{p.ins, p.pt}], tstatus, start.Format(time.DateOnly),
				end.Format(time.DateOnly), annual, w, p.sumInsured, cancelledDate, method, reason, g.now})
		}
		expiry = p.inception.AddDate(p.terms, 0, 0)
		if err := pb.row(id, number, g.insurers[p.ins], e.id, g.products[[2]int{p.ins, p.pt}], "standard", "declared", status, productTypes[p.pt],
			e.jur, e.div, e.size, p.terms, p.inception.Format(time.DateOnly), expiry.Format(time.DateOnly), written[len(written)-1],
			p.sumInsured, g.now, g.now); err != nil {
			return err
		}
		for _, r := range termRows {
			if err := tb.row(r...); err != nil {
				return err
			}
		}
		// A subsidised enterprise is granted 30 % of each term's annual premium.
		if subsidised[e.jur] && (e.size == "micro" || e.size == "small") && g.rnd.IntN(10) < 6 && !p.flat {
			for t := 1; t <= p.terms; t++ {
				if err := sb.row(id, t, e.jur, "工业和信息化厅", "网络安全保险保费补贴办法", annual*3/10, "pilotgen", g.now); err != nil {
					return err
				}
			}
		}
		g.pols = append(g.pols, p)
	}
	for _, b := range []*bulk{pb, tb, sb} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	g.res.Policies, g.res.Terms, g.res.Subsidies = pb.total, tb.total, sb.total
	return tx.Commit()
}

func (g *gen) incidents(ids map[string]int64) error {
	cp, gp, sp := newPicker(categories, catWeights), newPicker(grades, gradeWeights), newPicker(claimStatus, claimWeights)
	tx, err := g.begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ib := g.newBulk(tx, "incidents", `id, enterprise_id, policy_id, reported_by_org, reported_by, title, category, sub_category, occurred_at,
		discovered_at, operator_type, details, facts, grade, table_version, grading, status, created_at, updated_at`)
	cb := g.newBulk(tx, "claims", `id, number, incident_id, policy_id, term_no, enterprise_id, insurer_id, status, notice_at, items, paid,
		recovered, reserve_loss, reserve_expense, decline_code, opened_by_org, opened_by, created_at, updated_at`)
	cb.dep = ib
	n := int(float64(len(g.pols)) * g.c.Incidents)
	claimEvery := g.c.Claims / g.c.Incidents // share of incidents that claim
	iid, cid := ids["incidents"], ids["claims"]
	end := g.c.End.AddDate(0, 1, -1)
	for range n {
		iid++
		p := g.pols[g.rnd.IntN(len(g.pols))]
		if p.flat {
			continue
		}
		span := end.Sub(p.inception)
		if span <= 0 {
			span = time.Hour
		}
		at := p.inception.Add(time.Duration(g.rnd.Int64N(int64(span)))).Add(time.Duration(g.rnd.IntN(86400)) * time.Second)
		ts := at.UTC().Format("2006-01-02T15:04:05.000000Z")
		var policy any = p.id
		if g.rnd.IntN(10) == 0 {
			policy = nil // reported before any policy was found
		}
		cat := cp.pick(g.rnd)
		status := "closed"
		if g.rnd.IntN(10) == 0 {
			status = "open"
		}
		if err := ib.row(iid, p.ent, policy, p.ent, "pilotgen", "基准事件", cat, cat+"1", ts, ts, "enterprise", "{}", "{}", gp.pick(g.rnd),
			"bench", "{}", status, ts, ts); err != nil {
			return err
		}
		if policy == nil || g.rnd.Float64() >= claimEvery {
			continue
		}
		cid++
		st := sp.pick(g.rnd)
		loss := int64(10_000+g.rnd.IntN(2_000_000)) * 100
		var paid, recovered, rl, re int64
		decline := ""
		switch st {
		case "closed":
			paid = loss
			if g.rnd.IntN(20) == 0 {
				recovered = paid / 5
			}
		case "declined":
			decline = declines[g.rnd.IntN(len(declines))]
		case "partially_paid":
			paid, rl, re = loss/2, loss/2, loss/20
		default:
			rl, re = loss, loss/10
		}
		// The claim is on the term in force when the incident was discovered.
		term := 1
		for term < p.terms && !at.Before(p.inception.AddDate(term, 0, 0)) {
			term++
		}
		if err := cb.row(cid, fmt.Sprintf("CB%09d", cid), iid, p.id, term, p.ent, g.insurers[p.ins], st, ts, "[]", paid, recovered, rl, re, decline,
			g.insurers[p.ins], "pilotgen", ts, ts); err != nil {
			return err
		}
	}
	for _, b := range []*bulk{ib, cb} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	g.res.Incidents, g.res.Claims = ib.total, cb.total
	return tx.Commit()
}
