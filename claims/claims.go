// Package claims is Anbao's exact, explainable claims calculator. Given the
// terms of one policy term, the dates of an incident, the loss items an
// adjuster has mapped to the policy's coverages, the adjuster's findings on
// each exclusion clause and what earlier claims on the term already paid,
// Calculate returns what the insurer pays, to the 分, item by item, with a
// trace of every rule that changed an amount, in Chinese and English.
//
// It is pure: no I/O, no clock, no project imports but package cover. Money
// is int64 分 and shares are basis points (10000 bp = 100%); every division
// rounds half up once, at its own step.
//
// # Rules and their order
//
// The order is the one of China Life P&C's cyber wording (B款 §15): actual
// loss → per-item deductible → sublimit → per-occurrence deductible or
// waiting-period retention, the higher → aggregate limit. In detail:
//
//  1. Applicability (rule applicability), per item, by the trigger of its
//     coverage. The term is [TermStart, TermEnd), end exclusive; its last
//     reporting day is the last day of the term (TermEnd − 1 day) plus the
//     coverage's ReportingDays. Occurrence: OccurredAt in the term.
//     Discovered: DiscoveredAt in the term and ReportedAt on or before the
//     last reporting day. Claims-made: ClaimMadeAt in the term, OccurredAt on
//     or after Terms.RetroDate when one is set, and ReportedAt on or before
//     the last reporting day. The checks run in that order and the first
//     that fails names the step's Reason: outside_term, before_retro or
//     reported_late. The item pays 0.
//  2. Exclusions (rule exclusion). Each clause of Terms.Exclusions is
//     reported in Result.Exclusions as applies, does_not_apply or
//     not_assessed (no adjuster fact: treated as not applying, but shown so
//     that a human sees it was not assessed). An applying clause sets every
//     item still payable on its coverages (all items when the fact lists
//     none) to 0; the first applying clause in Terms order names the item's
//     Reason.
//  3. Business interruption, for bi_loss items (rules indemnity_period,
//     waiting_trigger, waiting_retention). Only the first IndemnityDays days
//     of DailyLoss count (IndemnityDays 0 means no indemnity period: every
//     day given counts, at most MaxDays; cover.Validate refuses 0 on a
//     product, so it only occurs in hand-built terms). Waiting period W =
//     WaitingHours: in trigger mode an item whose OutageHours < W pays 0 and
//     one whose OutageHours ≥ W is covered from hour 0; in time_deductible
//     mode the waiting-period retention is the loss of the first W hours,
//     each counted day's loss spread evenly over its 24 hours:
//     Σ_d DailyLoss[d] × min(24, max(0, W − 24d)) ÷ 24, summed over every
//     bi_loss item still payable and rounded half up once. It is not
//     deducted here: it competes with the per-occurrence deductible at step 6.
//     extra_expense items are subject neither to the waiting period nor to
//     the indemnity period.
//  4. Per-item deductible (rule item_deductible): the coverage's Deductible
//     comes off each item's loss.
//  5. Sublimit (rule sublimit): each coverage with a Sublimit pays at most
//     Sublimit − Paid.Coverage[code] (never below 0) in this claim; items of
//     one coverage share it in item order. Sublimit 0 means none (only the
//     aggregate caps).
//  6. Retention (rules finding_surcharge, retention). When FindingCaused, the
//     per-occurrence deductible Terms.Retention rises by FindingSurchargeBP
//     (1000 = 10% when 0; COSCO Shipping's "免赔额增加10%"), rounded half up
//     to the 分. ONE retention is then borne for the occurrence: the higher
//     of that deductible and the waiting-period retention of step 3 (a
//     claim-level retention step says which won). It is taken from the
//     items' amounts after sublimits IN ITEM ORDER: the first item with a
//     positive amount bears as much as it can, then the next, until the
//     retention is spent; so every item's payable stays exact in 分. The
//     adjuster controls which losses bear it by ordering the items. The
//     claim-level finding_surcharge and retention steps are shown only when
//     some item still has an amount to bear the retention.
//  7. Coinsurance (rule coinsurance): the insured keeps CoinsuranceBP of each
//     item's amount after retention, rounded half up once per item.
//  8. Defence costs (rule defence_outside). defence items of a liability
//     coverage with DefenceInside erode the sublimit and the aggregate like
//     any loss. Without DefenceInside they are paid outside the limits: the
//     sublimit and the aggregate neither cap them nor are eroded by them;
//     they still bear the per-item deductible, their share of the retention
//     and coinsurance. A step with Delta 0 records it.
//  9. Aggregate (rule aggregate): items whose coverage is not Outside (and
//     that are not defence outside the limits) share AggregateLimit −
//     Paid.Aggregate (never below 0), in item order. Items of an Outside
//     coverage are capped by their own sublimit only and do not erode the
//     aggregate.
//  10. Ransom (rule ransom_held). A ransom item is never approved
//     automatically: without RansomConsent its amount, computed through every
//     rule above as if consent were given (so it holds its place under the
//     sublimit and the aggregate), is reported as Held, not Payable, until
//     a human records the insurer's express consent; the claim is then
//     calculated again with RansomConsent. A refusal is recorded by removing
//     the item (or by an exclusion fact) and calculating again.
//     ransom_handling items need no consent.
//
// Item steps are emitted only where an amount changes, but for three steps
// of Delta 0 that explain a decision: waiting_trigger when the outage
// reaches the waiting period, defence_outside and ransom_held.
//
// # Trace
//
// Result.Steps lists every step in the order applied. A step with an Item
// changes that item's amount: its Before is the item's amount before it
// (the first one starts at Claimed), After = Before + Delta, and the item's
// last After is its Payable + Held. A claim-level step (Item "") sets a
// parameter of the calculation instead (waiting_retention, finding_surcharge,
// retention): Before and After are that parameter's value (the deductible
// before and after the surcharge; the deductible and the retention applied),
// and it is not part of any item's chain. Hence Σ Claimed + Σ Delta of the
// item steps = Payable + Held, and Payable + Held ≤ the aggregate remaining
// + the remaining sublimits of the Outside coverages + defence costs
// outside the limits.
//
// # Business interruption amounts
//
// A bi_loss item gives its loss per day of interruption in DailyLoss (day
// 1..n) and its Amount must equal their sum (it is not derived: a BI item
// with Amount 0 and daily losses is an error, not a guess); OutageHours is
// the length of the outage in hours (1 to 24 × MaxDays).
//
// # Erosion
//
// ItemResult.ErodesSublimit is what an item adds to its coverage's paid
// total (Paid.Coverage[code], kept whether or not the coverage has a
// sublimit); ErodesAggregate what it adds to Paid.Aggregate. Both are its
// Payable, but 0 for the aggregate on an Outside coverage, 0 for both on
// defence costs outside the limits, and 0 for both on a held ransom (it
// erodes once paid, from the calculation with consent). Result.Usage sums
// them for the store to add to Paid. Paid.Coverage entries for codes not on
// the terms (a coverage removed mid-term by endorsement) are ignored.
//
// # Errors
//
// Calculate validates the whole input before computing and returns the
// first problem as a *cover.FieldError; Input.Validate returns them all,
// in field order. Field is the path (items[2].amount, exclusions[0].code,
// paid.coverage.hardware, terms.coverages[1].sublimit); Code is one of
// (the caller's catalogue adds "uw."):
//
//	claim.date_required            a required date is empty                            (field name)
//	claim.date_format              a date is not a valid YYYY-MM-DD                    (value)
//	claim.term_invalid             term end not after start, or a term over 10 years   (start, end)
//	claim.date_order               occurred ≤ discovered ≤ reported, occurred ≤ claim made ≤ reported broken (date, other date)
//	claim.items_required           no loss items
//	claim.too_many_items           more than MaxItems items                            (max)
//	claim.item_id                  an item id is empty or longer than MaxIDLen bytes   (id)
//	claim.item_id_duplicate        two items share an id                               (id)
//	claim.item_kind_unknown        an item kind not in ItemKinds                       (kind)
//	claim.coverage_not_on_policy   a coverage code not on the terms                    (code)
//	claim.item_coverage_mismatch   the item kind cannot be claimed under the coverage  (kind, code)
//	claim.amount_range             an amount outside [0, cover.MaxAmount]              (amount in yuan)
//	claim.daily_loss_required      a bi_loss item without daily losses
//	claim.daily_loss_days          more than MaxDays daily losses                      (max)
//	claim.daily_loss_range         a daily loss outside [0, cover.MaxAmount]           (amount in yuan)
//	claim.daily_loss_sum           a bi_loss amount that is not the sum of its days    (amount, sum in yuan)
//	claim.outage_hours             outage hours outside [1, 24 × MaxDays]              (hours)
//	claim.bi_only                  daily losses or outage hours on an item that is not bi_loss (kind)
//	claim.exclusion_unknown        a fact for a clause (code and version) not on the terms (code, version)
//	claim.exclusion_twice          two facts for one clause                            (code)
//	claim.paid_range               a paid amount outside [0, cover.MaxAmount]          (amount in yuan)
//	claim.surcharge_range          finding surcharge outside [0, 10000] bp             (bp)
//	claim.terms_invalid            stored terms outside the calculator's bounds        (value; yuan for amounts)
//
// claim.terms_invalid guards the arithmetic against terms that did not come
// through cover.Definition.Validate: limits and deductibles outside [0,
// cover.MaxAmount], an unknown or repeated coverage code, an Outside
// coverage without a sublimit, waiting hours, indemnity days or reporting
// days beyond cover's bounds, an unknown waiting mode or trigger,
// coinsurance outside [0, 10000] bp.
package claims

import (
	"slices"

	"github.com/anbao/anbao/cover"
)

// Bounds of one claim.
const (
	// MaxItems is the most loss items of one claim.
	MaxItems = 200
	// MaxIDLen is the longest item id, in bytes.
	MaxIDLen = 64
	// MaxDays is the most days of daily business-interruption loss.
	MaxDays = cover.MaxIndemnityDays
	// MaxOutageHours is the longest outage, in hours.
	MaxOutageHours = 24 * MaxDays
	// DefaultFindingSurchargeBP is the deductible surcharge when an open
	// finding caused the loss and no other share is given: 10%.
	DefaultFindingSurchargeBP = 1000
	// maxTermDays bounds a policy term (10 years).
	maxTermDays = 3660
	// maxCoverages bounds the coverages of the terms (the taxonomy has 15
	// kinds and a code may appear once), so per-coverage state fits arrays.
	maxCoverages = 32
)

// Item kinds.
const (
	KindForensics       = "forensics"
	KindDataRestoration = "data_restoration"
	KindHardware        = "hardware"
	KindDirect          = "direct"
	KindBILoss          = "bi_loss"
	KindExtraExpense    = "extra_expense"
	KindPR              = "pr"
	KindLegal           = "legal"
	KindRansom          = "ransom"
	KindRansomHandling  = "ransom_handling"
	KindFundsTransfer   = "funds_transfer"
	KindThirdParty      = "third_party"
	KindDefence         = "defence"
)

// ItemKind is a kind of loss item and the coverages it may be claimed under.
type ItemKind struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	// Coverages are the coverage codes the kind maps to.
	Coverages []string `json:"coverages"`
	// Liability: the kind maps to every liability coverage of the taxonomy.
	Liability bool `json:"liability,omitempty"`
	// Daily: the item gives DailyLoss and OutageHours (bi_loss).
	Daily bool `json:"daily,omitempty"`
	// Consent: never paid without the insurer's express consent (ransom).
	Consent bool `json:"consent,omitempty"`
}

// ItemKinds lists the item kinds in display order.
var ItemKinds = []ItemKind{
	{Code: KindForensics, NameZH: "取证调查与应急响应费用", NameEN: "Forensics and incident response", Coverages: []string{cover.CovEmergencyResponse}},
	{Code: KindDataRestoration, NameZH: "数据恢复费用", NameEN: "Data restoration", Coverages: []string{cover.CovDataRestoration}},
	{Code: KindHardware, NameZH: "硬件更换费用", NameEN: "Hardware replacement", Coverages: []string{cover.CovHardware, cover.CovDirectLoss}},
	{Code: KindDirect, NameZH: "直接财产损失", NameEN: "Direct loss", Coverages: []string{cover.CovDirectLoss}},
	{Code: KindBILoss, NameZH: "营业中断利润损失", NameEN: "Business-interruption income loss", Coverages: []string{cover.CovBusinessInterruption}, Daily: true},
	{Code: KindExtraExpense, NameZH: "营业中断额外费用", NameEN: "Extra expense (business interruption)", Coverages: []string{cover.CovBusinessInterruption}},
	{Code: KindPR, NameZH: "公关费用", NameEN: "Public relations", Coverages: []string{cover.CovPublicRelations}},
	{Code: KindLegal, NameZH: "法律费用", NameEN: "Legal costs", Coverages: []string{cover.CovLegal}},
	{Code: KindRansom, NameZH: "赎金", NameEN: "Ransom", Coverages: []string{cover.CovExtortion}, Consent: true},
	{Code: KindRansomHandling, NameZH: "勒索事件处置费用", NameEN: "Extortion handling costs", Coverages: []string{cover.CovExtortion}},
	{Code: KindFundsTransfer, NameZH: "资金转账欺诈损失", NameEN: "Funds-transfer fraud loss", Coverages: []string{cover.CovFundsTransfer}},
	{Code: KindThirdParty, NameZH: "第三方损害赔偿", NameEN: "Third-party damages", Coverages: liabilityCodes(), Liability: true},
	{Code: KindDefence, NameZH: "抗辩费用", NameEN: "Defence costs", Coverages: liabilityCodes(), Liability: true},
}

func liabilityCodes() []string {
	var codes []string
	for _, k := range cover.Kinds {
		if k.Liability {
			codes = append(codes, k.Code)
		}
	}
	return codes
}

// kindIndex is the index of code in ItemKinds, or -1.
func kindIndex(code string) int {
	for i := range ItemKinds {
		if ItemKinds[i].Code == code {
			return i
		}
	}
	return -1
}

// CoveragesFor returns the coverage codes an item of kind may be claimed
// under (a copy), or nil for an unknown kind.
func CoveragesFor(kind string) []string {
	if i := kindIndex(kind); i >= 0 {
		return slices.Clone(ItemKinds[i].Coverages)
	}
	return nil
}

// Input is one claim: an occurrence on one policy term.
type Input struct {
	// Terms are the policy term's terms.
	Terms cover.Terms `json:"terms"`
	// TermStart and TermEnd bound the term [start, end), "YYYY-MM-DD".
	TermStart string `json:"term_start"`
	TermEnd   string `json:"term_end"`
	// OccurredAt, DiscoveredAt and ReportedAt (notified to the insurer) are
	// required, in that order (equal dates allowed).
	OccurredAt   string `json:"occurred_at"`
	DiscoveredAt string `json:"discovered_at"`
	ReportedAt   string `json:"reported_at"`
	// ClaimMadeAt is when a third party first made a claim against the
	// insured: required when an item's coverage is claims-made, and then
	// not before OccurredAt nor after ReportedAt.
	ClaimMadeAt string `json:"claim_made_at,omitempty"`
	// Items are the loss items, in the order the limits and the retention
	// are allocated.
	Items []Item `json:"items"`
	// Exclusions are the adjuster's facts on the terms' exclusion clauses.
	Exclusions []ExclusionFact `json:"exclusions,omitempty"`
	// FindingCaused: an open finding the insurer had flagged caused the
	// loss; the per-occurrence deductible rises by FindingSurchargeBP
	// (DefaultFindingSurchargeBP when 0).
	FindingCaused      bool `json:"finding_caused,omitempty"`
	FindingSurchargeBP int  `json:"finding_surcharge_bp,omitempty"`
	// RansomConsent records the insurer's express consent to pay ransom.
	RansomConsent bool `json:"ransom_consent,omitempty"`
	// Paid is what earlier claims on the same term already consumed.
	Paid Usage `json:"paid"`
}

// Item is one loss item, mapped to a coverage of the terms.
type Item struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Coverage string `json:"coverage"`
	// Amount is the actual loss claimed (分); for bi_loss, Σ DailyLoss.
	Amount int64 `json:"amount"`
	// OutageHours and DailyLoss (分 per day of interruption, day 1..n) are
	// for bi_loss items only.
	OutageHours int     `json:"outage_hours,omitempty"`
	DailyLoss   []int64 `json:"daily_loss,omitempty"`
}

// ExclusionFact is the adjuster's finding on one exclusion clause.
type ExclusionFact struct {
	Code    string `json:"code"`
	Version int    `json:"version"`
	Applies bool   `json:"applies"`
	// Coverages limits an applying clause to these coverage codes; empty
	// means every item.
	Coverages []string `json:"coverages,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// Usage is erosion of the limits of a term: what earlier claims consumed
// (Input.Paid) or what a claim adds (Result.Usage).
type Usage struct {
	// Aggregate erodes the aggregate limit.
	Aggregate int64 `json:"aggregate"`
	// Coverage erodes each coverage's sublimit, by coverage code.
	Coverage map[string]int64 `json:"coverage,omitempty"`
}

// Item statuses.
const (
	StatusPaid          = "paid"           // paid in full
	StatusPartial       = "partial"        // paid in part
	StatusZero          = "zero"           // nothing payable (deductibles, limits, waiting period, zero loss)
	StatusExcluded      = "excluded"       // an exclusion applies
	StatusNotApplicable = "not_applicable" // outside the policy's trigger, reporting window or retro date
	StatusHeld          = "held"           // ransom awaiting the insurer's consent
)

// Exclusion outcomes.
const (
	Applies      = "applies"
	DoesNotApply = "does_not_apply"
	NotAssessed  = "not_assessed"
)

// Rule codes of the steps.
const (
	RuleApplicability    = "applicability"
	RuleExclusion        = "exclusion"
	RuleIndemnityPeriod  = "indemnity_period"
	RuleWaitingTrigger   = "waiting_trigger"
	RuleWaitingRetention = "waiting_retention"
	RuleItemDeductible   = "item_deductible"
	RuleSublimit         = "sublimit"
	RuleDefenceOutside   = "defence_outside"
	RuleFindingSurcharge = "finding_surcharge"
	RuleRetention        = "retention"
	RuleCoinsurance      = "coinsurance"
	RuleAggregate        = "aggregate"
	RuleRansomHeld       = "ransom_held"
)

// Reasons given on steps and items.
const (
	ReasonOutsideTerm  = "outside_term"   // trigger date outside the term
	ReasonReportedLate = "reported_late"  // reported after the last reporting day
	ReasonBeforeRetro  = "before_retro"   // occurred before the retroactive date
	ReasonBelowWaiting = "below_waiting"  // outage shorter than the waiting period (trigger mode)
	ReasonDeductible   = "deductible"     // the per-occurrence deductible is the retention
	ReasonWaiting      = "waiting_period" // the waiting-period retention is the retention
)

// Result is the calculation of one claim.
type Result struct {
	// Payable is what the insurer pays now; Held is ransom awaiting consent.
	Payable int64 `json:"payable"`
	Held    int64 `json:"held"`
	// Retention is the per-occurrence retention (the higher of the
	// deductible, after any surcharge, and the waiting-period retention),
	// which the items bear up to their amounts; RetentionBasis says which
	// won: deductible or waiting_period.
	Retention      int64  `json:"retention"`
	RetentionBasis string `json:"retention_basis"`
	// AggregateRemaining is the aggregate limit left before this claim.
	AggregateRemaining int64              `json:"aggregate_remaining"`
	Items              []ItemResult       `json:"items"`
	Coverages          []CoverageResult   `json:"coverages"`
	Exclusions         []ExclusionOutcome `json:"exclusions"`
	Steps              []Step             `json:"steps"`
}

// ItemResult is the outcome of one loss item.
type ItemResult struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Coverage string `json:"coverage"`
	Claimed  int64  `json:"claimed"`
	Payable  int64  `json:"payable"`
	Held     int64  `json:"held"`
	// ErodesAggregate and ErodesSublimit are what the item adds to
	// Paid.Aggregate and Paid.Coverage[Coverage].
	ErodesAggregate int64  `json:"erodes_aggregate"`
	ErodesSublimit  int64  `json:"erodes_sublimit"`
	Status          string `json:"status"`
	// Reason names why an item is not_applicable (outside_term,
	// reported_late, before_retro), the clause code when excluded, or
	// below_waiting when a trigger waiting period was not reached.
	Reason string `json:"reason,omitempty"`
}

// CoverageResult totals the items of one coverage.
type CoverageResult struct {
	Code    string `json:"code"`
	Claimed int64  `json:"claimed"`
	Payable int64  `json:"payable"`
	Held    int64  `json:"held"`
	// ErodesSublimit and ErodesAggregate sum the items'.
	ErodesSublimit  int64 `json:"erodes_sublimit"`
	ErodesAggregate int64 `json:"erodes_aggregate"`
	// Sublimit is the coverage's sublimit (0: none) and SublimitRemaining
	// what was left of it before this claim.
	Sublimit          int64 `json:"sublimit"`
	SublimitRemaining int64 `json:"sublimit_remaining"`
	Outside           bool  `json:"outside,omitempty"`
}

// ExclusionOutcome is the assessment of one exclusion clause of the terms.
type ExclusionOutcome struct {
	Code    string `json:"code"`
	Version int    `json:"version"`
	TitleZH string `json:"title_zh,omitempty"`
	TitleEN string `json:"title_en,omitempty"`
	// Outcome is applies, does_not_apply or not_assessed.
	Outcome   string   `json:"outcome"`
	Coverages []string `json:"coverages,omitempty"`
	Note      string   `json:"note,omitempty"`
	// Items are the ids of the items the clause set to 0.
	Items []string `json:"items,omitempty"`
}

// Step is one line of the trace. See the package comment for Before, After
// and Delta of item steps and claim-level steps (Item "").
type Step struct {
	Rule     string `json:"rule"`
	Reason   string `json:"reason,omitempty"`
	Item     string `json:"item,omitempty"`
	Coverage string `json:"coverage,omitempty"`
	Before   int64  `json:"before"`
	After    int64  `json:"after"`
	Delta    int64  `json:"delta"`
	MsgZH    string `json:"msg_zh"`
	MsgEN    string `json:"msg_en"`
}

// Usage returns what this claim adds to the term's Paid: the aggregate and
// per-coverage erosion of the payable amounts (held ransom excluded).
func (r *Result) Usage() Usage {
	u := Usage{Coverage: map[string]int64{}}
	for _, c := range r.Coverages {
		u.Aggregate += c.ErodesAggregate
		if c.ErodesSublimit != 0 {
			u.Coverage[c.Code] += c.ErodesSublimit
		}
	}
	return u
}
