package claims

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/anbao/anbao/cover"
)

// testdata is testdata/cases.json (see its "about").
type testdata struct {
	About    string                     `json:"about"`
	Terms    map[string]json.RawMessage `json:"terms"`
	Defaults json.RawMessage            `json:"defaults"`
	Cases    []claimCase                `json:"cases"`
}

type claimCase struct {
	Name          string                     `json:"name"`
	Why           string                     `json:"why"`
	TermsName     string                     `json:"terms"` // default "std"
	TermsPatch    json.RawMessage            `json:"terms_patch"`
	CoveragePatch map[string]json.RawMessage `json:"coverage_patch"`
	Input         json.RawMessage            `json:"input"`
	Want          caseWant                   `json:"want"`
}

type caseWant struct {
	Payable   int64             `json:"payable"`
	Held      int64             `json:"held"`
	Items     map[string]int64  `json:"items"`      // every item's payable
	HeldItems map[string]int64  `json:"held_items"` // absent: nothing held
	Status    map[string]string `json:"status"`
	Reasons   map[string]string `json:"reasons"`
	Rules     []string          `json:"rules"` // the exact set of rules in the trace
	Steps     []struct {
		Rule  string `json:"rule"`
		Item  string `json:"item"`
		Delta *int64 `json:"delta"`
	} `json:"steps"`
	Exclusions     map[string]string `json:"exclusions"`
	Retention      *int64            `json:"retention"`
	RetentionBasis string            `json:"retention_basis"`
	Usage          *Usage            `json:"usage"`
}

func loadTestdata(t testing.TB) *testdata {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var d testdata
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// mergePatch applies an RFC 7386 JSON merge patch.
func mergePatch(t testing.TB, doc, patch json.RawMessage) json.RawMessage {
	t.Helper()
	if len(patch) == 0 {
		return doc
	}
	var d, p any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(merge(d, p))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func merge(d, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	dm, ok := d.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
		} else {
			dm[k] = merge(dm[k], v)
		}
	}
	return dm
}

// caseInput builds the input of a case: the named terms with their
// patches, the defaults with the case's input merged over them.
func caseInput(t testing.TB, d *testdata, c *claimCase) *Input {
	t.Helper()
	name := c.TermsName
	if name == "" {
		name = "std"
	}
	terms, ok := d.Terms[name]
	if !ok {
		t.Fatalf("no terms %q", name)
	}
	terms = mergePatch(t, terms, c.TermsPatch)
	if len(c.CoveragePatch) > 0 {
		var tm map[string]json.RawMessage
		if err := json.Unmarshal(terms, &tm); err != nil {
			t.Fatal(err)
		}
		var covs []json.RawMessage
		if err := json.Unmarshal(tm["coverages"], &covs); err != nil {
			t.Fatal(err)
		}
		found := 0
		for i, cv := range covs {
			var code struct{ Code string }
			if err := json.Unmarshal(cv, &code); err != nil {
				t.Fatal(err)
			}
			if p, ok := c.CoveragePatch[code.Code]; ok {
				covs[i] = mergePatch(t, cv, p)
				found++
			}
		}
		if found != len(c.CoveragePatch) {
			t.Fatalf("coverage_patch names a coverage not on the terms")
		}
		tm["coverages"], _ = json.Marshal(covs)
		terms, _ = json.Marshal(tm)
	}
	doc := mergePatch(t, d.Defaults, c.Input)
	doc = mergePatch(t, doc, json.RawMessage(`{"terms": `+string(terms)+`}`))
	var in Input
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	return &in
}

func TestCases(t *testing.T) {
	d := loadTestdata(t)
	if len(d.Cases) < 30 {
		t.Fatalf("%d cases, want at least 30", len(d.Cases))
	}
	fired := map[string]bool{}
	names := map[string]bool{}
	for i := range d.Cases {
		c := &d.Cases[i]
		if names[c.Name] {
			t.Fatalf("case %q twice", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Why) < 40 {
				t.Fatal("a case needs its working in why")
			}
			in := caseInput(t, d, c)
			r, err := Calculate(in)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, in, r)
			w := &c.Want
			if r.Payable != w.Payable || r.Held != w.Held {
				t.Errorf("payable %d held %d, want %d and %d", r.Payable, r.Held, w.Payable, w.Held)
			}
			if len(w.Items) != len(r.Items) {
				t.Errorf("want lists %d items, the claim has %d", len(w.Items), len(r.Items))
			}
			for _, ir := range r.Items {
				if p, ok := w.Items[ir.ID]; !ok || p != ir.Payable {
					t.Errorf("item %s: payable %d, want %d", ir.ID, ir.Payable, p)
				}
				if ir.Held != w.HeldItems[ir.ID] {
					t.Errorf("item %s: held %d, want %d", ir.ID, ir.Held, w.HeldItems[ir.ID])
				}
				if s, ok := w.Status[ir.ID]; ok && s != ir.Status {
					t.Errorf("item %s: status %s, want %s", ir.ID, ir.Status, s)
				}
				if s, ok := w.Reasons[ir.ID]; ok && s != ir.Reason {
					t.Errorf("item %s: reason %q, want %q", ir.ID, ir.Reason, s)
				}
			}
			if w.Rules == nil {
				t.Fatal("a case lists the rules that fire (rules: [] for none)")
			}
			var rules []string
			for _, s := range r.Steps {
				if !slices.Contains(rules, s.Rule) {
					rules = append(rules, s.Rule)
				}
				fired[s.Rule] = true
			}
			slices.Sort(rules)
			want := slices.Sorted(slices.Values(w.Rules))
			if !slices.Equal(rules, want) {
				t.Errorf("rules %v, want %v", rules, want)
			}
			for _, ws := range w.Steps {
				if !slices.ContainsFunc(r.Steps, func(s Step) bool {
					return s.Rule == ws.Rule && s.Item == ws.Item && (ws.Delta == nil || *ws.Delta == s.Delta)
				}) {
					d := "any"
					if ws.Delta != nil {
						d = cover.Yuan(*ws.Delta)
					}
					t.Errorf("no step %s on %q with delta %s", ws.Rule, ws.Item, d)
				}
			}
			for code, o := range w.Exclusions {
				i := slices.IndexFunc(r.Exclusions, func(e ExclusionOutcome) bool { return e.Code == code })
				if i < 0 || r.Exclusions[i].Outcome != o {
					t.Errorf("exclusion %s: want %s, got %+v", code, o, r.Exclusions)
				}
			}
			if w.Retention != nil && r.Retention != *w.Retention {
				t.Errorf("retention %d, want %d", r.Retention, *w.Retention)
			}
			if w.RetentionBasis != "" && r.RetentionBasis != w.RetentionBasis {
				t.Errorf("retention basis %s, want %s", r.RetentionBasis, w.RetentionBasis)
			}
			if w.Usage != nil {
				u := r.Usage()
				if w.Usage.Coverage == nil {
					w.Usage.Coverage = map[string]int64{}
				}
				if !reflect.DeepEqual(u, *w.Usage) {
					t.Errorf("usage %+v, want %+v", u, *w.Usage)
				}
			}
			if t.Failed() {
				dumpSteps(t, r)
			}
		})
	}
	for _, rule := range []string{RuleApplicability, RuleExclusion, RuleIndemnityPeriod, RuleWaitingTrigger, RuleWaitingRetention,
		RuleItemDeductible, RuleSublimit, RuleDefenceOutside, RuleFindingSurcharge, RuleRetention, RuleCoinsurance, RuleAggregate, RuleRansomHeld} {
		if !fired[rule] {
			t.Errorf("no case fires %s", rule)
		}
	}
}

func dumpSteps(t *testing.T, r *Result) {
	t.Helper()
	for _, s := range r.Steps {
		t.Logf("%-18s %-8s %12d → %12d (%+d) %s", s.Rule, s.Item, s.Before, s.After, s.Delta, s.MsgEN)
	}
}

// claimRules are the rules of claim-level steps.
var claimRules = []string{RuleWaitingRetention, RuleFindingSurcharge, RuleRetention}

// checkResult checks the invariants of any result against its input.
func checkResult(t testing.TB, in *Input, r *Result) {
	t.Helper()
	if len(r.Items) != len(in.Items) {
		t.Fatalf("%d item results for %d items", len(r.Items), len(in.Items))
	}
	amt := map[string]int64{}
	var claimed, deltas, payable, held, aggErosion, defenceOut int64
	for i, it := range in.Items {
		ir := r.Items[i]
		if ir.ID != it.ID || ir.Kind != it.Kind || ir.Coverage != it.Coverage || ir.Claimed != it.Amount {
			t.Fatalf("item %d: %+v for %+v", i, ir, it)
		}
		amt[it.ID] = it.Amount
		claimed += it.Amount
	}
	for k, s := range r.Steps {
		if s.After != s.Before+s.Delta {
			t.Fatalf("step %d: %+v", k, s)
		}
		if !hasHan(s.MsgZH) || hasHan(s.MsgEN) || s.MsgEN == "" {
			t.Fatalf("step %d messages: %q / %q", k, s.MsgZH, s.MsgEN)
		}
		if s.Item == "" {
			if !slices.Contains(claimRules, s.Rule) || s.Before < 0 || s.After < 0 {
				t.Fatalf("claim-level step %d: %+v", k, s)
			}
			continue
		}
		if slices.Contains(claimRules[:2], s.Rule) {
			t.Fatalf("step %d: %s on an item", k, s.Rule)
		}
		a, ok := amt[s.Item]
		if !ok || s.Before != a || s.Delta > 0 || s.After < 0 {
			t.Fatalf("step %d breaks the chain of %s (at %d): %+v", k, s.Item, a, s)
		}
		amt[s.Item] = s.After
		deltas += s.Delta
	}
	outsideRem := int64(0)
	covs := map[string]CoverageResult{}
	for _, c := range r.Coverages {
		covs[c.Code] = c
		if c.Outside {
			outsideRem += c.SublimitRemaining
		}
	}
	sums := map[string]*CoverageResult{}
	for i, ir := range r.Items {
		it := &in.Items[i]
		if amt[ir.ID] != ir.Payable+ir.Held {
			t.Fatalf("item %s: trail ends at %d, payable %d + held %d", ir.ID, amt[ir.ID], ir.Payable, ir.Held)
		}
		if ir.Payable < 0 || ir.Held < 0 || ir.Payable+ir.Held > ir.Claimed || ir.Payable > 0 && ir.Held > 0 {
			t.Fatalf("item %s: %+v", ir.ID, ir)
		}
		if ir.Held > 0 && (it.Kind != KindRansom || in.RansomConsent) {
			t.Fatalf("item %s held without cause", ir.ID)
		}
		cv := in.Terms.Coverage(it.Coverage)
		defOut := it.Kind == KindDefence && !cv.DefenceInside
		wantSub, wantAgg := ir.Payable, ir.Payable
		if defOut {
			wantSub, wantAgg = 0, 0
			defenceOut += ir.Payable
		} else if cv.Outside {
			wantAgg = 0
		}
		if ir.ErodesSublimit != wantSub || ir.ErodesAggregate != wantAgg {
			t.Fatalf("item %s erodes %d/%d, want %d/%d", ir.ID, ir.ErodesSublimit, ir.ErodesAggregate, wantSub, wantAgg)
		}
		switch ir.Status {
		case StatusNotApplicable, StatusExcluded:
			if ir.Reason == "" || ir.Payable+ir.Held != 0 {
				t.Fatalf("item %s: %+v", ir.ID, ir)
			}
		case StatusHeld:
			if ir.Held == 0 {
				t.Fatalf("item %s: %+v", ir.ID, ir)
			}
		case StatusZero:
			if ir.Payable+ir.Held != 0 {
				t.Fatalf("item %s: %+v", ir.ID, ir)
			}
		case StatusPaid:
			if ir.Payable != ir.Claimed || ir.Payable == 0 {
				t.Fatalf("item %s: %+v", ir.ID, ir)
			}
		case StatusPartial:
			if ir.Payable == 0 || ir.Payable >= ir.Claimed {
				t.Fatalf("item %s: %+v", ir.ID, ir)
			}
		default:
			t.Fatalf("item %s: status %q", ir.ID, ir.Status)
		}
		payable += ir.Payable
		held += ir.Held
		aggErosion += ir.ErodesAggregate
		s := sums[ir.Coverage]
		if s == nil {
			s = &CoverageResult{Code: ir.Coverage}
			sums[ir.Coverage] = s
		}
		s.Claimed += ir.Claimed
		s.Payable += ir.Payable
		s.Held += ir.Held
		s.ErodesSublimit += ir.ErodesSublimit
		s.ErodesAggregate += ir.ErodesAggregate
	}
	if claimed+deltas != r.Payable+r.Held || payable != r.Payable || held != r.Held {
		t.Fatalf("Σ claimed %d + Σ deltas %d ≠ payable %d + held %d (items: %d, %d)", claimed, deltas, r.Payable, r.Held, payable, held)
	}
	if r.Payable+r.Held > r.AggregateRemaining+outsideRem+defenceOut {
		t.Fatalf("payable %d + held %d above aggregate left %d + outside sublimits %d + defence outside %d",
			r.Payable, r.Held, r.AggregateRemaining, outsideRem, defenceOut)
	}
	if aggErosion > r.AggregateRemaining || r.AggregateRemaining != max(0, in.Terms.AggregateLimit-in.Paid.Aggregate) {
		t.Fatalf("aggregate erosion %d, remaining %d", aggErosion, r.AggregateRemaining)
	}
	if len(sums) != len(r.Coverages) {
		t.Fatalf("%d coverage results for %d coverages", len(r.Coverages), len(sums))
	}
	for code, s := range sums {
		c := covs[code]
		if c.Claimed != s.Claimed || c.Payable != s.Payable || c.Held != s.Held || c.ErodesSublimit != s.ErodesSublimit || c.ErodesAggregate != s.ErodesAggregate {
			t.Fatalf("coverage %s: %+v, items sum to %+v", code, c, *s)
		}
		if c.Sublimit > 0 && c.ErodesSublimit > c.SublimitRemaining {
			t.Fatalf("coverage %s erodes %d of %d left", code, c.ErodesSublimit, c.SublimitRemaining)
		}
	}
	u := r.Usage()
	if u.Aggregate != aggErosion {
		t.Fatalf("usage %+v", u)
	}
	for code, v := range u.Coverage {
		if v == 0 || covs[code].ErodesSublimit != v {
			t.Fatalf("usage %+v", u)
		}
	}
	if len(r.Exclusions) != len(in.Terms.Exclusions) {
		t.Fatalf("%d exclusion outcomes for %d clauses", len(r.Exclusions), len(in.Terms.Exclusions))
	}
	for _, e := range r.Exclusions {
		if e.Outcome != Applies && e.Outcome != DoesNotApply && e.Outcome != NotAssessed {
			t.Fatalf("exclusion %+v", e)
		}
	}
	if r.RetentionBasis != ReasonDeductible && r.RetentionBasis != ReasonWaiting || r.Retention < in.Terms.Retention {
		t.Fatalf("retention %d (%s)", r.Retention, r.RetentionBasis)
	}
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}
