// Package assess computes the Anbao score: factor scores, one overall score
// and a grade from questionnaire answers, a provider's findings and the
// enterprise's risk profile, by a published, versioned methodology
// (docs/assessment/methodology.md). Every point is explained and every
// remedial item carries the exact score gain of fixing it. The package also
// derives the inputs of the quantification library (quant.Library).
//
// It is pure: no I/O, no clock; the same input and version always give the
// same result, so a stored score can be recomputed from its input snapshot.
package assess

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
)

// Input is everything a score is computed from. It is stored as a snapshot
// beside each score; its canonical JSON is hashed (InputSHA256).
type Input struct {
	// AsOf is the assessment date, YYYY-MM-DD. It dates the MLPS evaluation
	// check; the package reads no clock so that scores are reproducible.
	AsOf     string            `json:"as_of,omitempty"`
	Answers  map[string]Answer `json:"answers"`
	Findings []Finding         `json:"findings"`
	Profile  Profile           `json:"profile"`
}

// Answer is one answer to a question of the bank, in its typed form. A
// question with no entry in Input.Answers is unanswered; so is an entry with
// every field empty, except for a multiple-choice question, where an entry
// with no choices means "none of these".
type Answer struct {
	Bool    *bool    `json:"bool,omitempty"`
	Choice  string   `json:"choice,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Int     *int64   `json:"int,omitempty"`
	Number  *float64 `json:"number,omitempty"`
	Text    string   `json:"text,omitempty"`
	List    []string `json:"list,omitempty"`
}

func (a Answer) empty() bool {
	return a.Bool == nil && a.Choice == "" && len(a.Choices) == 0 && a.Int == nil && a.Number == nil &&
		a.Text == "" && len(a.List) == 0
}

// num is a numeric answer given as Int or Number.
func (a Answer) num() (float64, bool) {
	switch {
	case a.Number != nil:
		return *a.Number, true
	case a.Int != nil:
		return float64(*a.Int), true
	}
	return 0, false
}

// Finding is one finding of a provider's assessment.
type Finding struct {
	ID             string  `json:"id"`
	Type           string  `json:"type"`     // vulnerability | misconfiguration | exposure | policy
	Severity       string  `json:"severity"` // critical | high | medium | low | info; empty = from CVSS
	CVSS           float64 `json:"cvss,omitempty"`
	KEV            bool    `json:"kev,omitempty"`
	EPSS           float64 `json:"epss,omitempty"`
	InternetFacing bool    `json:"internet_facing,omitempty"`
	Status         string  `json:"status"`
	Title          string  `json:"title,omitempty"`
}

// Profile is the enterprise's risk profile as far as scoring needs it.
// Answers take precedence; the profile fills unanswered questions and adds
// the inventory facts no question asks (EOL counts, dependencies, MLPS
// evaluation dates).
type Profile struct {
	Industry             string       `json:"industry,omitempty"`  // GB/T 4754 section A–T (or division)
	Revenue              float64      `json:"revenue,omitempty"`   // yuan a year
	Employees            int          `json:"employees,omitempty"` // 0 = not known
	CII                  bool         `json:"cii,omitempty"`
	MLPS                 []MLPSSystem `json:"mlps,omitempty"`
	Assets               int          `json:"assets,omitempty"`
	InternetFacingAssets int          `json:"internet_facing_assets,omitempty"`
	EOLSoftware          int          `json:"eol_software,omitempty"`
	Dependencies         Dependencies `json:"dependencies"`
	Data                 DataHoldings `json:"data"`
	Continuity           Continuity   `json:"continuity"`
}

// MLPSSystem is one system filed under MLPS (等保).
type MLPSSystem struct {
	Level          int    `json:"level"`                     // 1–5
	LastEvaluation string `json:"last_evaluation,omitempty"` // YYYY-MM-DD; empty = never evaluated
	Result         string `json:"result,omitempty"`          // pass | basic_pass | fail
}

// Dependencies summarises the enterprise's suppliers.
type Dependencies struct {
	Count    int      `json:"count,omitempty"`
	Critical int      `json:"critical,omitempty"`
	Kinds    []string `json:"kinds,omitempty"` // cloud | software | outsourcer
}

// DataHoldings describes the data the enterprise holds.
type DataHoldings struct {
	PIRecordsBand string `json:"pi_records_band,omitempty"` // as the question pi_records_band
	SensitivePI   bool   `json:"sensitive_pi,omitempty"`
	ImportantData bool   `json:"important_data,omitempty"`
	CrossBorder   bool   `json:"cross_border,omitempty"`
}

// Continuity holds the business-continuity facts; nil = not known.
type Continuity struct {
	RTOHours       *float64 `json:"rto_hours,omitempty"`
	RPOHours       *float64 `json:"rpo_hours,omitempty"`
	OfflineBackups *bool    `json:"offline_backups,omitempty"`
}

// InputError is a problem with an input, at a JSON path ("answers.edr",
// "findings[2].status"), with a stable machine code.
type InputError struct {
	Path string `json:"path"`
	Code string `json:"code"`
	Msg  string `json:"message"`
}

func (e *InputError) Error() string { return e.Path + ": " + e.Msg }

// Input error codes.
const (
	CodeWrongType    = "wrong_type"    // the answer's field does not fit the question's type
	CodeBadValue     = "bad_value"     // a value outside the question's or field's values
	CodeDuplicateID  = "duplicate_id"  // two findings with one id
	CodeRequired     = "required"      // a required field is empty
	CodeOutOfRange   = "out_of_range"  // a number outside its range
	CodeBadDate      = "bad_date"      // not YYYY-MM-DD
	CodeUnknownScore = "unknown_score" // no such methodology version
)

func inErr(path, code, format string, args ...any) *InputError {
	return &InputError{Path: path, Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Question types.
const (
	qBool   = "bool"
	qChoice = "choice"
	qMulti  = "multi"
	qMoney  = "money"
	qNumber = "number"
	qList   = "list"
	qText   = "contact"
)

type question struct {
	kind   string
	values []string // choice and multi
}

var (
	bandsPI   = []string{"none", "lt10k", "10k_100k", "100k_1m", "1m_10m", "ge10m"}
	sections  = []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}
	mlpsLevel = []string{"none", "1", "2", "3", "4", "5"}
	mlpsRes   = []string{"pass", "basic_pass", "fail"}
)

// questions is the bank as the score reads it: the ids and values agreed with
// the questionnaire (package questionnaire). Other ids are kept in the
// snapshot and hashed but not scored.
var questions = map[string]question{
	"revenue":                  {kind: qMoney},
	"industry":                 {qChoice, sections},
	"employees_band":           {qChoice, []string{"lt50", "50_299", "300_999", "1000_4999", "ge5000"}},
	"pi_records_band":          {qChoice, bandsPI},
	"prior_incidents_3y":       {qChoice, []string{"0", "1", "2", "3plus"}},
	"backup_frequency":         {qChoice, []string{"none", "monthly", "weekly", "daily"}},
	"edr":                      {qChoice, []string{"none", "antivirus", "edr", "mdr"}},
	"dmarc":                    {qChoice, []string{"none", "p_none", "quarantine", "reject"}},
	"device_encryption":        {qChoice, []string{"yes", "partial", "no"}},
	"patch_critical_days":      {qChoice, []string{"le7", "le30", "gt30", "none"}},
	"eol_software":             {qChoice, []string{"none", "segregated", "present"}},
	"mlps_level_max":           {qChoice, mlpsLevel},
	"mlps_evaluation_result":   {qChoice, mlpsRes},
	"cross_border_mechanism":   {qChoice, []string{"security_assessment", "standard_contract", "certification", "exempt", "none"}},
	"high_risk_activities":     {qMulti, []string{"crypto", "gambling", "payment_processing", "msp", "debt_collection", "online_lending"}},
	"funds_transfer_controls":  {qMulti, ftcAll},
	"mfa_email":                {kind: qBool},
	"mfa_remote":               {kind: qBool},
	"mfa_privileged":           {kind: qBool},
	"known_circumstances":      {kind: qBool},
	"legal_actions":            {kind: qBool},
	"backup_offline":           {kind: qBool},
	"backup_tested":            {kind: qBool},
	"email_gateway":            {kind: qBool},
	"exposed_remote_ports":     {kind: qBool},
	"boundary_devices_patched": {kind: qBool},
	"security_training":        {kind: qBool},
	"ir_plan_tested":           {kind: qBool},
	"pam":                      {kind: qBool},
	"dmz":                      {kind: qBool},
	"vendor_management":        {kind: qBool},
	"hardening_baseline":       {kind: qBool},
	"sensitive_pi":             {kind: qBool},
	"cii_operator":             {kind: qBool},
	"cross_border_data":        {kind: qBool},
	"important_data":           {kind: qBool},
	"data_security_officer":    {kind: qBool},
	"ddos_protection":          {kind: qBool},
	"mlps_evaluated":           {kind: qBool},
	"domains":                  {kind: qList},
	"rto_hours":                {kind: qNumber},
	"rpo_hours":                {kind: qNumber},
	"security_contact":         {kind: qText},
}

var ftcAll = []string{"dual_approval", "callback", "authorised_staff", "new_payee_check"}

var (
	findingTypes    = []string{"vulnerability", "misconfiguration", "exposure", "policy"}
	severities      = []string{"critical", "high", "medium", "low", "info"}
	findingStatuses = []string{"open", "fixed_pending_verification", "fixed", "accepted_risk", "third_party", "false_positive", "disputed"}
	dependencyKinds = []string{"cloud", "software", "outsourcer"}
	dateRE          = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// maxHours bounds RTO/RPO: ten years, far beyond any real objective.
const maxHours = 87600

// Validate reports the first problem with in, or nil. Score and LossInputs
// call it; a caller may call it first to reject bad input before storing it.
func (in *Input) Validate() error {
	if in.AsOf != "" && !validDate(in.AsOf) {
		return inErr("as_of", CodeBadDate, "as_of must be a date YYYY-MM-DD, got %q", in.AsOf)
	}
	keys := make([]string, 0, len(in.Answers))
	for k := range in.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error is the same on every run
	for _, id := range keys {
		if err := checkAnswer(id, in.Answers[id]); err != nil {
			return err
		}
	}
	seen := make(map[string]bool, len(in.Findings))
	for i, f := range in.Findings {
		p := "findings[" + strconv.Itoa(i) + "]"
		switch {
		case f.ID == "":
			return inErr(p+".id", CodeRequired, "a finding needs an id")
		case seen[f.ID]:
			return inErr(p+".id", CodeDuplicateID, "finding id %q appears twice", f.ID)
		case !slices.Contains(findingTypes, f.Type):
			return inErr(p+".type", CodeBadValue, "unknown finding type %q", f.Type)
		case f.Severity != "" && !slices.Contains(severities, f.Severity):
			return inErr(p+".severity", CodeBadValue, "unknown severity %q", f.Severity)
		case !finiteIn(f.CVSS, 0, 10):
			return inErr(p+".cvss", CodeOutOfRange, "cvss must lie in [0, 10]")
		case !finiteIn(f.EPSS, 0, 1):
			return inErr(p+".epss", CodeOutOfRange, "epss must lie in [0, 1]")
		case !slices.Contains(findingStatuses, f.Status):
			return inErr(p+".status", CodeBadValue, "unknown finding status %q", f.Status)
		}
		seen[f.ID] = true
	}
	return in.Profile.validate()
}

func (p *Profile) validate() error {
	if p.Industry != "" && !validIndustry(p.Industry) {
		return inErr("profile.industry", CodeBadValue, "unknown industry %q", p.Industry)
	}
	if !finiteIn(p.Revenue, 0, 1e14) {
		return inErr("profile.revenue", CodeOutOfRange, "revenue must lie in [0, 1e14] yuan")
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"employees", p.Employees}, {"assets", p.Assets}, {"internet_facing_assets", p.InternetFacingAssets},
		{"eol_software", p.EOLSoftware}, {"dependencies.count", p.Dependencies.Count}, {"dependencies.critical", p.Dependencies.Critical}} {
		if c.v < 0 {
			return inErr("profile."+c.name, CodeOutOfRange, "%s must not be negative", c.name)
		}
	}
	for i, s := range p.MLPS {
		path := "profile.mlps[" + strconv.Itoa(i) + "]"
		switch {
		case s.Level < 1 || s.Level > 5:
			return inErr(path+".level", CodeOutOfRange, "an MLPS level is 1–5")
		case s.LastEvaluation != "" && !validDate(s.LastEvaluation):
			return inErr(path+".last_evaluation", CodeBadDate, "last_evaluation must be YYYY-MM-DD")
		case s.Result != "" && !slices.Contains(mlpsRes, s.Result):
			return inErr(path+".result", CodeBadValue, "unknown MLPS result %q", s.Result)
		}
	}
	for i, k := range p.Dependencies.Kinds {
		if !slices.Contains(dependencyKinds, k) {
			return inErr("profile.dependencies.kinds["+strconv.Itoa(i)+"]", CodeBadValue, "unknown dependency kind %q", k)
		}
	}
	if b := p.Data.PIRecordsBand; b != "" && !slices.Contains(bandsPI, b) {
		return inErr("profile.data.pi_records_band", CodeBadValue, "unknown band %q", b)
	}
	for _, h := range []struct {
		name string
		v    *float64
	}{{"rto_hours", p.Continuity.RTOHours}, {"rpo_hours", p.Continuity.RPOHours}} {
		if h.v != nil && !finiteIn(*h.v, 0, maxHours) {
			return inErr("profile.continuity."+h.name, CodeOutOfRange, "%s must lie in [0, %d]", h.name, maxHours)
		}
	}
	return nil
}

func checkAnswer(id string, a Answer) error {
	if a.Number != nil && (math.IsNaN(*a.Number) || math.IsInf(*a.Number, 0)) {
		// Any question: a snapshot must encode as JSON.
		return inErr("answers."+id, CodeOutOfRange, "%s must be a finite number", id)
	}
	q, known := questions[id]
	if !known || a.empty() {
		return nil
	}
	path := "answers." + id
	wrong := func(want string) error {
		return inErr(path, CodeWrongType, "question %s takes a %s answer", id, want)
	}
	switch q.kind {
	case qBool:
		if a.Bool == nil {
			return wrong("yes/no")
		}
	case qChoice:
		if a.Choice == "" {
			return wrong("single-choice")
		}
		if !slices.Contains(q.values, a.Choice) {
			return inErr(path, CodeBadValue, "%q is not a value of %s", a.Choice, id)
		}
	case qMulti:
		if a.Choices == nil {
			return wrong("multiple-choice")
		}
		for _, c := range a.Choices {
			if !slices.Contains(q.values, c) {
				return inErr(path, CodeBadValue, "%q is not a value of %s", c, id)
			}
		}
	case qMoney:
		v, ok := a.num()
		if !ok {
			return wrong("money")
		}
		if !finiteIn(v, 0, 1e14) {
			return inErr(path, CodeOutOfRange, "%s must lie in [0, 1e14] yuan", id)
		}
	case qNumber:
		v, ok := a.num()
		if !ok {
			return wrong("number")
		}
		if !finiteIn(v, 0, maxHours) {
			return inErr(path, CodeOutOfRange, "%s must lie in [0, %d]", id, maxHours)
		}
	case qList:
		if a.List == nil {
			return wrong("list")
		}
	case qText:
		if a.Text == "" {
			return wrong("text")
		}
	}
	return nil
}

func finiteIn(v, lo, hi float64) bool { return !math.IsNaN(v) && v >= lo && v <= hi }

func validDate(s string) bool {
	if !dateRE.MatchString(s) {
		return false
	}
	y, m, d := atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10])
	return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// dayNumber counts days from a fixed epoch, for date differences without time.
func dayNumber(s string) int {
	y, m, d := atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10])
	if m <= 2 {
		y--
		m += 12
	}
	return 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d
}

func validIndustry(s string) bool {
	if slices.Contains(sections, s) {
		return true
	}
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 2 && n >= 1 && n <= 97
}

// Canonical returns the input in canonical form: multiple choices sorted and
// deduplicated (they are sets), findings sorted by id. Maps are written in
// key order by encoding/json, so the canonical JSON does not depend on map
// order.
func (in *Input) Canonical() Input {
	out := *in
	out.Answers = make(map[string]Answer, len(in.Answers))
	for k, a := range in.Answers {
		if a.Choices != nil {
			c := slices.Clone(a.Choices)
			slices.Sort(c)
			a.Choices = slices.Compact(c)
		}
		out.Answers[k] = a
	}
	out.Findings = slices.Clone(in.Findings)
	slices.SortStableFunc(out.Findings, func(a, b Finding) int { return cmpStr(a.ID, b.ID) })
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	return out
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CanonicalJSON is the canonical input as JSON: the snapshot to store.
func (in *Input) CanonicalJSON() ([]byte, error) {
	c := in.Canonical()
	return json.Marshal(&c)
}

// Hash is the hex SHA-256 of the canonical JSON.
func (in *Input) Hash() (string, error) {
	b, err := in.CanonicalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// ParseInput decodes an input snapshot and validates it. Unknown fields are
// errors, so a snapshot written by a newer schema is not silently misread.
func ParseInput(data []byte) (*Input, error) {
	var in Input
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, inErr("", "bad_json", "%v", err)
	}
	if dec.More() {
		return nil, inErr("", "bad_json", "trailing data after the input")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return &in, nil
}

// MarshalJSON writes an empty multiple choice ("none of these") as
// "choices": [], which omitempty would drop, turning the answer into an
// unanswered one when a snapshot is read back.
func (a Answer) MarshalJSON() ([]byte, error) {
	type plain Answer
	b, err := json.Marshal(plain(a))
	if err != nil || a.Choices == nil || len(a.Choices) > 0 {
		return b, err
	}
	if string(b) == "{}" {
		return []byte(`{"choices":[]}`), nil
	}
	return append([]byte(`{"choices":[],`), b[1:]...), nil
}
