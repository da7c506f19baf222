package quant

import (
	"math"
	"regexp"
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// freqMode says how a scenario's loss event frequency is built.
type freqMode uint8

const (
	fLEF      freqMode = iota // frequency given directly
	fTEFV                     // TEF × vulnerability (given as a distribution)
	fTEFTCRS                  // TEF, with each threat event a loss event iff TC > RS (compound), or × scalar V (product)
	fTEFConst                 // internal: product scenario whose V was reduced to a scalar
)

// cscenario is a validated, compiled scenario.
type cscenario struct {
	id, name string
	product  bool
	fmode    freqMode

	lef             *sampler // fLEF
	tef             *sampler // TEF given directly, or nil when contact × action
	contact, action *sampler
	vuln            *sampler // fTEFV
	tc, rs          *sampler // fTEFTCRS
	vScalar         float64  // product with TC/RS: P(TC > RS), computed exactly at compile time

	lm             *sampler // magnitude given directly, or nil
	pl, slef, slem *sampler

	constRate bool    // compound and the rate is a constant: Poisson constants precomputed
	sparse    bool    // constant rate ≤ sparseRate given directly: simulate the event years only
	rate      float64 // the constant rate
	expL      float64
	big       bool
	pt        ptrs
}

type compiled struct {
	name, currency string
	sc             []*cscenario
	chol           []float64 // S×S lower Cholesky factor of the copula correlation, nil when independent
	corrIdx        []int     // scenarios that take part in a correlation
	warnings       []Warning
}

// Validate checks a model and returns a ValidationError listing every problem, or nil.
func (m *Model) Validate() error {
	_, err := compile(m)
	return err
}

func compile(m *Model) (*compiled, error) {
	var errs ValidationError
	c := &compiled{name: m.Name, currency: m.Currency}
	if c.currency == "" {
		c.currency = "CNY"
	} else if len(c.currency) != 3 || !isUpper(c.currency) {
		errs = append(errs, ferr("currency", CodeBadID, "currency must be a three-letter ISO 4217 code such as CNY, not %q", m.Currency))
	}
	if m.Semantics != "" && m.Semantics != Compound && m.Semantics != Product {
		errs = append(errs, ferr("semantics", CodeSemantics, "unknown semantics %q (use compound or product)", m.Semantics))
	}
	switch {
	case len(m.Scenarios) == 0:
		errs = append(errs, ferr("scenarios", CodeNoScenarios, "a model needs at least one scenario"))
	case len(m.Scenarios) > MaxScenarios:
		errs = append(errs, ferr("scenarios", CodeTooMany, "a model may hold at most %d scenarios", MaxScenarios))
		return nil, errs
	}
	ids := map[string]int{}
	for i := range m.Scenarios {
		sc, e := compileScenario(idxPath("scenarios", i), &m.Scenarios[i], m.Semantics, &c.warnings)
		errs = append(errs, e...)
		if id := m.Scenarios[i].ID; id != "" {
			if _, dup := ids[id]; dup {
				errs = append(errs, ferr(idxPath("scenarios", i)+".id", CodeDuplicateID, "scenario id %q is used twice", id))
			}
			ids[id] = i
		}
		c.sc = append(c.sc, sc)
	}
	if len(m.Correlation) > 0 {
		S := len(m.Scenarios)
		corr := make([]float64, S*S)
		for i := 0; i < S; i++ {
			corr[i*S+i] = 1
		}
		involved := map[int]bool{}
		for k, cr := range m.Correlation {
			p := idxPath("correlation", k)
			ia, okA := ids[cr.A]
			ib, okB := ids[cr.B]
			if !okA {
				errs = append(errs, ferr(p+".a", CodeUnknownID, "no scenario has the id %q", cr.A))
			}
			if !okB {
				errs = append(errs, ferr(p+".b", CodeUnknownID, "no scenario has the id %q", cr.B))
			}
			if okA && okB && ia == ib {
				errs = append(errs, ferr(p+".b", CodeUnknownID, "a scenario cannot be correlated with itself (%q)", cr.B))
				continue
			}
			if !(cr.Rho > -1 && cr.Rho < 1) {
				errs = append(errs, ferr(p+".rho", CodeRho, "rho must lie strictly between -1 and 1"))
				continue
			}
			if okA && okB {
				if corr[ia*S+ib] != 0 {
					errs = append(errs, ferr(p, CodeDuplicateID, "the pair %q, %q is given twice", cr.A, cr.B))
				}
				// The copula correlation that gives Spearman's rank correlation rho
				// between continuous margins: r = 2 sin(π·rho/6).
				r := 2 * math.Sin(math.Pi*cr.Rho/6)
				corr[ia*S+ib], corr[ib*S+ia] = r, r
				involved[ia], involved[ib] = true, true
			}
		}
		if len(errs) == 0 {
			L, ok := cholesky(corr, S)
			if !ok {
				errs = append(errs, ferr("correlation", CodeNotPosDef, "these correlations cannot hold together (the matrix is not positive definite)"))
			}
			c.chol = L
			for i := 0; i < S; i++ {
				if involved[i] {
					c.corrIdx = append(c.corrIdx, i)
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func isUpper(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func compileScenario(p string, s *Scenario, defSem string, warns *[]Warning) (*cscenario, []*FieldError) {
	var errs []*FieldError
	c := &cscenario{id: s.ID, name: s.Name}
	switch {
	case s.ID == "":
		errs = append(errs, ferr(p+".id", CodeRequired, "a scenario needs an id"))
	case len(s.ID) > MaxIDLen || !idRE.MatchString(s.ID):
		errs = append(errs, ferr(p+".id", CodeBadID, "id %q must be 1–%d letters, digits, '_', '-' or '.', starting with a letter or digit", s.ID, MaxIDLen))
	}
	sem := s.Semantics
	if sem == "" {
		sem = defSem
	}
	switch sem {
	case "", Compound:
	case Product:
		c.product = true
	default:
		errs = append(errs, ferr(p+".semantics", CodeSemantics, "unknown semantics %q (use compound or product)", sem))
	}
	node := func(name string, d *Dist, ro role) *sampler {
		if d == nil {
			return nil
		}
		smp, e := compileDist(fmtPath(p, name), d, ro)
		errs = append(errs, e...)
		return smp
	}
	conflict := func(a, b string) {
		errs = append(errs, ferr(p+"."+b, CodeConflict, "give either %s or %s, not both", a, b))
	}
	missing := func(what string) {
		errs = append(errs, ferr(p, CodeRequired, "a scenario needs %s", what))
	}

	// Frequency side.
	c.lef = node("frequency", s.Frequency, roleFrequency)
	c.tef = node("tef", s.TEF, roleFrequency)
	c.contact = node("contact_frequency", s.ContactFrequency, roleFrequency)
	c.action = node("probability_of_action", s.ProbabilityOfAction, roleProbability)
	c.vuln = node("vulnerability", s.Vulnerability, roleProbability)
	c.tc = node("threat_capability", s.ThreatCapability, roleStrength)
	c.rs = node("resistance_strength", s.ResistanceStrength, roleStrength)
	tefGiven := s.TEF != nil || s.ContactFrequency != nil || s.ProbabilityOfAction != nil
	vGiven := s.Vulnerability != nil || s.ThreatCapability != nil || s.ResistanceStrength != nil
	switch {
	case s.Frequency != nil && tefGiven:
		conflict("frequency", firstSet(s.TEF != nil, "tef", "contact_frequency"))
	case s.Frequency != nil && vGiven:
		conflict("frequency", firstSet(s.Vulnerability != nil, "vulnerability", "threat_capability"))
	case s.Frequency != nil:
		c.fmode = fLEF
	case !tefGiven:
		missing("a frequency, or a tef (or contact_frequency and probability_of_action) with a vulnerability")
	default:
		if s.TEF != nil && (s.ContactFrequency != nil || s.ProbabilityOfAction != nil) {
			conflict("tef", "contact_frequency")
		} else if s.TEF == nil && (s.ContactFrequency == nil || s.ProbabilityOfAction == nil) {
			missing("both contact_frequency and probability_of_action (or a tef)")
		}
		switch {
		case s.Vulnerability != nil && (s.ThreatCapability != nil || s.ResistanceStrength != nil):
			conflict("vulnerability", "threat_capability")
		case s.Vulnerability != nil:
			c.fmode = fTEFV
		case s.ThreatCapability != nil && s.ResistanceStrength != nil:
			c.fmode = fTEFTCRS
		case s.ThreatCapability != nil || s.ResistanceStrength != nil:
			missing("both threat_capability and resistance_strength")
		default:
			missing("a vulnerability, or threat_capability and resistance_strength")
		}
	}

	// Magnitude side.
	c.lm = node("magnitude", s.Magnitude, roleMagnitude)
	c.pl = node("primary_loss", s.PrimaryLoss, roleMagnitude)
	c.slef = node("secondary_frequency", s.SecondaryFrequency, roleFrequency)
	c.slem = node("secondary_magnitude", s.SecondaryMagnitude, roleMagnitude)
	switch {
	case s.Magnitude != nil && s.PrimaryLoss != nil:
		conflict("magnitude", "primary_loss")
	case s.Magnitude != nil && (s.SecondaryFrequency != nil || s.SecondaryMagnitude != nil):
		conflict("magnitude", firstSet(s.SecondaryFrequency != nil, "secondary_frequency", "secondary_magnitude"))
	case s.Magnitude == nil && s.PrimaryLoss == nil:
		missing("a magnitude, or a primary_loss")
	case (s.SecondaryFrequency == nil) != (s.SecondaryMagnitude == nil):
		missing("both secondary_frequency and secondary_magnitude, or neither")
	}
	if len(errs) > 0 {
		return nil, errs
	}

	// Cost guard: the expected number of events per year drives the work of
	// a compound trial.
	if !c.product {
		if r := c.meanThreatRate(); r > maxRate {
			errs = append(errs, ferr(p, CodeTooLarge, "the mean event frequency %v per year exceeds %v; model the aggregate loss instead", r, maxRate))
			return nil, errs
		}
		var rs *sampler
		switch c.fmode {
		case fLEF:
			rs = c.lef
		case fTEFTCRS:
			rs = c.tef
		}
		if rs != nil && rs.isConst() {
			c.constRate, c.rate = true, rs.lo
			c.expL = math.Exp(-c.rate)
			if c.rate >= 30 {
				c.big, c.pt = true, newPTRS(c.rate)
			}
			c.sparse = c.fmode == fLEF && c.rate > 0 && c.rate <= sparseRate
		}
	} else {
		if c.fmode == fTEFTCRS {
			c.vScalar, _ = probGreater(c.tc, c.rs)
		}
		*warns = append(*warns, Warning{Path: p, Code: WarnProductTail,
			Text: "product semantics (pyfair): every year has a loss and VaR/TVaR reflect parameter uncertainty only; use compound for insurance figures"})
	}
	for _, n := range []struct {
		name string
		d    *Dist
	}{{"magnitude", s.Magnitude}, {"primary_loss", s.PrimaryLoss}, {"secondary_magnitude", s.SecondaryMagnitude}} {
		if n.d != nil && n.d.Kind == KindLognormal && n.d.Low != nil && n.d.High != nil && *n.d.High / *n.d.Low > 100 {
			ratio := math.Round(*n.d.High / *n.d.Low)
			*warns = append(*warns, Warning{Path: fmtPath(p, n.name), Code: WarnWideLognormal, Args: []any{ratio},
				Text: "the 90% interval spans a factor of more than 100: the mean is dominated by rare, very large losses; check the high value"})
		}
	}
	return c, nil
}

func firstSet(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// meanThreatRate is the mean number of events (threat events for TC/RS) per
// year that a compound trial must draw.
func (c *cscenario) meanThreatRate() float64 {
	switch c.fmode {
	case fLEF:
		return c.lef.mean()
	default:
		if c.tef != nil {
			return c.tef.mean()
		}
		return c.contact.mean() * c.action.mean()
	}
}

// cholesky returns the lower factor of the n×n matrix a, or false if a is not
// positive definite.
func cholesky(a []float64, n int) ([]float64, bool) {
	L := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= L[i*n+k] * L[j*n+k]
			}
			if i == j {
				if s <= 1e-12 {
					return nil, false
				}
				L[i*n+i] = math.Sqrt(s)
			} else {
				L[i*n+j] = s / L[j*n+j]
			}
		}
	}
	return L, true
}
