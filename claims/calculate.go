package claims

import (
	"slices"

	"github.com/anbao/anbao/cover"
)

// Calculate computes what the insurer pays on one claim. It validates the
// whole input first and returns the first problem as a *cover.FieldError.
// It is pure and deterministic: the same input gives the same result.
func Calculate(in *Input) (*Result, error) {
	if in == nil {
		return nil, ferr("items", "claim.items_required")
	}
	var p parsed
	if errs := validate(in, &p); errs != nil {
		return nil, errs[0]
	}
	return calculate(in, &p), nil
}

// calc builds a result. Messages are appended to one buffer and sliced out
// of a single string at the end: one allocation for the whole trace's text.
type calc struct {
	in    *Input
	p     *parsed
	res   *Result
	buf   []byte
	spans []span
}

// span locates a step's messages in buf: zh is [z, e), en is [e, end).
type span struct{ z, e, end int32 }

// work is an item's state during the calculation.
type work struct {
	amt    int64
	held   int64
	status string // set only for not_applicable and excluded
	reason string
	dead   bool // not applicable or excluded: no further rule looks at it
}

func (c *calc) str(s string) { c.buf = append(c.buf, s...) }
func (c *calc) yuan(v int64) { c.buf = appendYuan(c.buf, v) }
func (c *calc) num(n int)    { c.buf = appendInt(c.buf, n) }
func (c *calc) pct(bp int)   { c.buf = appendPct(c.buf, bp) }
func (c *calc) date(d int32) { c.buf = appendDate(c.buf, d) }
func (c *calc) mark() int    { return len(c.buf) }

// period appends the policy period.
func (c *calc) period(zh bool) {
	c.str(c.in.TermStart)
	if zh {
		c.str(" 至 ")
		c.str(c.in.TermEnd)
		c.str("（不含）")
		return
	}
	c.str(" to ")
	c.str(c.in.TermEnd)
	c.str(" (exclusive)")
}

// emit appends a step whose zh message starts at z and en message at e.
func (c *calc) emit(s Step, z, e int) {
	s.Delta = s.After - s.Before
	c.res.Steps = append(c.res.Steps, s)
	c.spans = append(c.spans, span{int32(z), int32(e), int32(len(c.buf))})
}

// set moves item i's amount to after with a step.
func (c *calc) set(i int, x *work, rule, reason string, after int64, z, e int) {
	it := &c.in.Items[i]
	c.emit(Step{Rule: rule, Reason: reason, Item: it.ID, Coverage: it.Coverage, Before: x.amt, After: after}, z, e)
	x.amt = after
}

// claimStep appends a claim-level step.
func (c *calc) claimStep(rule, reason, cov string, before, after int64, z, e int) {
	c.emit(Step{Rule: rule, Reason: reason, Coverage: cov, Before: before, After: after}, z, e)
}

func calculate(in *Input, p *parsed) *Result {
	t := &in.Terms
	n := len(in.Items)
	est := n + 8 // most items take one or two steps, many none
	r := &Result{Items: make([]ItemResult, n), Steps: make([]Step, 0, est)}
	c := &calc{in: in, p: p, res: r, buf: make([]byte, 0, 128*est), spans: make([]span, 0, est)}
	w := make([]work, n)
	for i := range w {
		w[i].amt = in.Items[i].Amount
	}
	cov := func(i int) *cover.Coverage { return &t.Coverages[p.ci[i]] }

	// 1. Applicability.
	for i := range w {
		cv := cov(i)
		last := p.end - 1 + int32(cv.ReportingDays)
		reason := ""
		switch cv.Trigger {
		case cover.Occurrence:
			if p.occ < p.start || p.occ >= p.end {
				reason = ReasonOutsideTerm
			}
		case cover.Discovered:
			switch {
			case p.disc < p.start || p.disc >= p.end:
				reason = ReasonOutsideTerm
			case p.rep > last:
				reason = ReasonReportedLate
			}
		case cover.ClaimsMade:
			switch {
			case p.made < p.start || p.made >= p.end:
				reason = ReasonOutsideTerm
			case p.hasRetro && p.occ < p.retro:
				reason = ReasonBeforeRetro
			case p.rep > last:
				reason = ReasonReportedLate
			}
		}
		if reason == "" {
			continue
		}
		z := c.mark()
		switch reason {
		case ReasonOutsideTerm:
			switch cv.Trigger {
			case cover.Occurrence:
				c.str("事故发生日 ")
				c.str(in.OccurredAt)
			case cover.Discovered:
				c.str("发现日 ")
				c.str(in.DiscoveredAt)
			default:
				c.str("索赔提出日 ")
				c.str(in.ClaimMadeAt)
			}
			c.str(" 不在保险期间 ")
			c.period(true)
			c.str("内，本项不予赔付")
		case ReasonBeforeRetro:
			c.str("事故发生日 ")
			c.str(in.OccurredAt)
			c.str(" 早于追溯期起始日 ")
			c.str(t.RetroDate)
			c.str("，本项不予赔付")
		case ReasonReportedLate:
			c.str("报案日 ")
			c.str(in.ReportedAt)
			if cv.ReportingDays == 0 {
				c.str(" 晚于保险期间最后一日 ")
				c.date(last)
			} else {
				c.str(" 晚于报告期限 ")
				c.date(last)
				c.str("（保险期间最后一日后 ")
				c.num(cv.ReportingDays)
				c.str(" 天）")
			}
			c.str("，本项不予赔付")
		}
		e := c.mark()
		switch reason {
		case ReasonOutsideTerm:
			switch cv.Trigger {
			case cover.Occurrence:
				c.str("Occurred on ")
				c.str(in.OccurredAt)
			case cover.Discovered:
				c.str("Discovered on ")
				c.str(in.DiscoveredAt)
			default:
				c.str("Claim first made on ")
				c.str(in.ClaimMadeAt)
			}
			c.str(", outside the policy period ")
			c.period(false)
			c.str(": not covered")
		case ReasonBeforeRetro:
			c.str("Occurred on ")
			c.str(in.OccurredAt)
			c.str(", before the retroactive date ")
			c.str(t.RetroDate)
			c.str(": not covered")
		case ReasonReportedLate:
			c.str("Reported on ")
			c.str(in.ReportedAt)
			if cv.ReportingDays == 0 {
				c.str(", after the term's last day ")
				c.date(last)
			} else {
				c.str(", after the last reporting day ")
				c.date(last)
				c.str(" (the term's last day + ")
				c.num(cv.ReportingDays)
				c.str(" days)")
			}
			c.str(": not covered")
		}
		x := &w[i]
		c.set(i, x, RuleApplicability, reason, 0, z, e)
		x.dead, x.status, x.reason = true, StatusNotApplicable, reason
	}

	// 2. Exclusions.
	r.Exclusions = make([]ExclusionOutcome, len(t.Exclusions))
	for j := range t.Exclusions {
		cl := &t.Exclusions[j]
		o := &r.Exclusions[j]
		*o = ExclusionOutcome{Code: cl.Code, Version: cl.Version, TitleZH: cl.TitleZH, TitleEN: cl.TitleEN, Outcome: NotAssessed}
		k := slices.IndexFunc(in.Exclusions, func(f ExclusionFact) bool { return f.Code == cl.Code && f.Version == cl.Version })
		if k < 0 {
			continue
		}
		f := &in.Exclusions[k]
		o.Coverages, o.Note = f.Coverages, f.Note
		if !f.Applies {
			o.Outcome = DoesNotApply
			continue
		}
		o.Outcome = Applies
		for i := range w {
			x, it := &w[i], &in.Items[i]
			if x.dead || len(f.Coverages) > 0 && !slices.Contains(f.Coverages, it.Coverage) {
				continue
			}
			z := c.mark()
			c.str("适用除外责任 ")
			c.str(cl.Code)
			c.str("（第 ")
			c.num(cl.Version)
			c.str(" 版")
			if cl.TitleZH != "" {
				c.str("：")
				c.str(cl.TitleZH)
			}
			c.str("），本项不予赔付")
			e := c.mark()
			c.str("Exclusion ")
			c.str(cl.Code)
			c.str(" (version ")
			c.num(cl.Version)
			if cl.TitleEN != "" {
				c.str(", ")
				c.str(cl.TitleEN)
			}
			c.str(") applies: not covered")
			c.set(i, x, RuleExclusion, cl.Code, 0, z, e)
			x.dead, x.status, x.reason = true, StatusExcluded, cl.Code
			o.Items = append(o.Items, it.ID)
		}
	}

	// 3. Business interruption: indemnity period and waiting period.
	var waitNum int64 // Σ loss × hours of the waiting period, in 分·h
	waitHours, waitCov := 0, ""
	for i := range w {
		x, it := &w[i], &in.Items[i]
		if x.dead || !ItemKinds[p.ki[i]].Daily {
			continue
		}
		cv := cov(i)
		days := it.DailyLoss
		if nd := cv.IndemnityDays; nd > 0 && len(days) > nd {
			var cut int64
			for _, v := range days[nd:] {
				cut += v
			}
			days = days[:nd]
			if cut > 0 {
				z := c.mark()
				c.str("赔偿期 ")
				c.num(nd)
				c.str(" 天：第 ")
				c.dayRange(nd+1, len(it.DailyLoss))
				c.str(" 天的损失 ")
				c.yuan(cut)
				c.str(" 不在赔偿期内")
				e := c.mark()
				c.str("Indemnity period of ")
				c.num(nd)
				c.str(" days: the loss of day")
				if len(it.DailyLoss) > nd+1 {
					c.str("s")
				}
				c.str(" ")
				c.dayRange(nd+1, len(it.DailyLoss))
				c.str(", ")
				c.yuan(cut)
				c.str(", falls outside it")
				c.set(i, x, RuleIndemnityPeriod, "", x.amt-cut, z, e)
			}
		}
		wh := cv.WaitingHours
		if wh == 0 {
			continue
		}
		switch cv.WaitingMode {
		case cover.WaitTrigger:
			z := c.mark()
			c.str("中断 ")
			c.num(it.OutageHours)
			if it.OutageHours < wh {
				c.str(" 小时，短于等待期 ")
				c.num(wh)
				c.str(" 小时（触发式），营业中断损失不予赔付")
			} else {
				c.str(" 小时，达到等待期 ")
				c.num(wh)
				c.str(" 小时（触发式），自中断起全额计算")
			}
			e := c.mark()
			c.str("Outage of ")
			c.num(it.OutageHours)
			if it.OutageHours < wh {
				c.str(" h, shorter than the ")
				c.num(wh)
				c.str(" h waiting period (trigger): no business-interruption loss is covered")
				c.set(i, x, RuleWaitingTrigger, ReasonBelowWaiting, 0, z, e)
				x.reason = ReasonBelowWaiting
			} else {
				c.str(" h reaches the ")
				c.num(wh)
				c.str(" h waiting period (trigger): covered from hour 0")
				c.set(i, x, RuleWaitingTrigger, "", x.amt, z, e)
			}
		case cover.WaitTimeDeductible:
			waitHours, waitCov = wh, cv.Code
			for d := 0; d < len(days) && 24*d < wh; d++ {
				waitNum += days[d] * int64(min(24, wh-24*d))
			}
		}
	}
	var waitRet int64
	if waitCov != "" {
		waitRet = roundDiv(waitNum, 24)
		z := c.mark()
		c.str("等待期 ")
		c.num(waitHours)
		c.str(" 小时（时间免赔）：前 ")
		c.num(waitHours)
		c.str(" 小时的营业中断损失（每日损失按 24 小时均摊）为 ")
		c.yuan(waitRet)
		e := c.mark()
		c.str("Waiting period of ")
		c.num(waitHours)
		c.str(" h (time deductible): the business-interruption loss of the first ")
		c.num(waitHours)
		c.str(" hours (each day's loss spread over 24 h) is ")
		c.yuan(waitRet)
		c.claimStep(RuleWaitingRetention, "", waitCov, 0, waitRet, z, e)
	}

	// 4. Per-item deductibles.
	for i := range w {
		x, cv := &w[i], cov(i)
		if x.dead || x.amt == 0 || cv.Deductible == 0 {
			continue
		}
		d := min(x.amt, cv.Deductible)
		z := c.mark()
		c.str("每项免赔额 ")
		c.yuan(cv.Deductible)
		c.str("：扣除 ")
		c.yuan(d)
		e := c.mark()
		c.str("Per-item deductible ")
		c.yuan(cv.Deductible)
		c.str(": ")
		c.yuan(d)
		c.str(" deducted")
		c.set(i, x, RuleItemDeductible, "", x.amt-d, z, e)
	}

	// 5. Sublimits, shared in item order; defence costs outside the limits.
	var rem [maxCoverages]int64
	var remSet [maxCoverages]bool
	for i := range w {
		x, cv := &w[i], cov(i)
		if x.dead || x.amt == 0 {
			continue
		}
		if defenceOutside(&in.Items[i], cv) {
			z := c.mark()
			c.str("抗辩费用在限额之外：不受分项限额及累计赔偿限额约束，也不占用限额")
			e := c.mark()
			c.str("Defence costs outside the limits: neither capped by nor eroding the sublimit or the aggregate limit")
			c.set(i, x, RuleDefenceOutside, "", x.amt, z, e)
			continue
		}
		if cv.Sublimit == 0 {
			continue
		}
		ci := p.ci[i]
		if !remSet[ci] {
			rem[ci], remSet[ci] = max(0, cv.Sublimit-in.Paid.Coverage[cv.Code]), true
		}
		if x.amt > rem[ci] {
			z := c.mark()
			c.str("分项限额 ")
			c.yuan(cv.Sublimit)
			c.str("（本次可用 ")
			c.yuan(rem[ci])
			c.str("）：赔付以此为限")
			e := c.mark()
			c.str("Sublimit ")
			c.yuan(cv.Sublimit)
			c.str(" (")
			c.yuan(rem[ci])
			c.str(" available): capped")
			c.set(i, x, RuleSublimit, "", rem[ci], z, e)
		}
		rem[ci] -= x.amt
	}

	// 6. One retention for the occurrence, borne in item order. Its steps
	// are shown only while something is left to bear it.
	payable := slices.ContainsFunc(w, func(x work) bool { return !x.dead && x.amt > 0 })
	ded := t.Retention
	if in.FindingCaused {
		bp := in.FindingSurchargeBP
		if bp == 0 {
			bp = DefaultFindingSurchargeBP
		}
		raised := roundDiv(ded*int64(10000+bp), 10000)
		if payable {
			c.surcharge(bp, ded, raised)
		}
		ded = raised
	}
	r.Retention, r.RetentionBasis = ded, ReasonDeductible
	if waitRet > ded {
		r.Retention, r.RetentionBasis = waitRet, ReasonWaiting
	}
	if ret := r.Retention; ret > 0 && payable {
		z := c.mark()
		if waitCov != "" {
			c.str("每次事故免赔额 ")
			c.yuan(ded)
			c.str(" 与等待期对应损失 ")
			c.yuan(waitRet)
			c.str("，以高者为准：适用 ")
			c.yuan(ret)
		} else {
			c.str("每次事故免赔额 ")
			c.yuan(ret)
			c.str("，本次事故各项损失合计扣除一次")
		}
		e := c.mark()
		if waitCov != "" {
			c.str("Per-occurrence deductible ")
			c.yuan(ded)
			c.str(" or waiting-period retention ")
			c.yuan(waitRet)
			c.str(", whichever is higher: ")
			c.yuan(ret)
			c.str(" applies")
		} else {
			c.str("Per-occurrence deductible ")
			c.yuan(ret)
			c.str(", borne once across all items of the occurrence")
		}
		c.claimStep(RuleRetention, r.RetentionBasis, "", ded, ret, z, e)
		left := ret
		for i := range w {
			x := &w[i]
			if left == 0 {
				break
			}
			if x.dead || x.amt == 0 {
				continue
			}
			d := min(x.amt, left)
			left -= d
			z := c.mark()
			if r.RetentionBasis == ReasonWaiting {
				c.str("本项承担免赔额（等待期对应损失）")
			} else {
				c.str("本项承担每次事故免赔额 ")
			}
			c.yuan(d)
			c.str("（尚余 ")
			c.yuan(left)
			c.str(" 待扣）")
			e := c.mark()
			c.str("Per-occurrence retention: ")
			c.yuan(d)
			c.str(" borne on this item (")
			c.yuan(left)
			c.str(" left to bear)")
			c.set(i, x, RuleRetention, r.RetentionBasis, x.amt-d, z, e)
		}
	}

	// 7. Coinsurance.
	for i := range w {
		x, cv := &w[i], cov(i)
		if x.dead || x.amt == 0 || cv.CoinsuranceBP == 0 {
			continue
		}
		k := roundDiv(x.amt*int64(cv.CoinsuranceBP), 10000)
		if k == 0 {
			continue
		}
		z := c.mark()
		c.str("共保：被保险人自负 ")
		c.pct(cv.CoinsuranceBP)
		c.str("，计 ")
		c.yuan(k)
		e := c.mark()
		c.str("Coinsurance ")
		c.pct(cv.CoinsuranceBP)
		c.str(": the insured keeps ")
		c.yuan(k)
		c.set(i, x, RuleCoinsurance, "", x.amt-k, z, e)
	}

	// 8. The aggregate, shared in item order by what erodes it.
	aggRem := max(0, t.AggregateLimit-in.Paid.Aggregate)
	r.AggregateRemaining = aggRem
	for i := range w {
		x, cv := &w[i], cov(i)
		if x.dead || x.amt == 0 || cv.Outside || defenceOutside(&in.Items[i], cv) {
			continue
		}
		if x.amt > aggRem {
			z := c.mark()
			c.str("累计赔偿限额 ")
			c.yuan(t.AggregateLimit)
			c.str("（本次可用 ")
			c.yuan(aggRem)
			c.str("）：赔付以此为限")
			e := c.mark()
			c.str("Aggregate limit ")
			c.yuan(t.AggregateLimit)
			c.str(" (")
			c.yuan(aggRem)
			c.str(" available): capped")
			c.set(i, x, RuleAggregate, "", aggRem, z, e)
		}
		aggRem -= x.amt
	}

	// 9. Ransom waits for the insurer's consent.
	if !in.RansomConsent {
		for i := range w {
			x := &w[i]
			if x.dead || x.amt == 0 || !ItemKinds[p.ki[i]].Consent {
				continue
			}
			z := c.mark()
			c.str("赎金须经保险人明确同意后方可赔付：")
			c.yuan(x.amt)
			c.str(" 暂缓支付，待人工记录保险人同意")
			e := c.mark()
			c.str("Ransom is paid only with the insurer's express consent: ")
			c.yuan(x.amt)
			c.str(" held until a human records it")
			c.set(i, x, RuleRansomHeld, "", x.amt, z, e)
			x.held, x.amt = x.amt, 0
		}
	}

	// Results.
	var cres [maxCoverages]int // index + 1 in r.Coverages
	used := 0
	for i := range w {
		if ci := p.ci[i]; cres[ci] == 0 {
			cres[ci] = -1
			used++
		}
	}
	r.Coverages = make([]CoverageResult, 0, used)
	for ci := range t.Coverages {
		if cres[ci] == 0 {
			continue
		}
		cv := &t.Coverages[ci]
		cr := CoverageResult{Code: cv.Code, Sublimit: cv.Sublimit, Outside: cv.Outside}
		if cv.Sublimit > 0 {
			cr.SublimitRemaining = max(0, cv.Sublimit-in.Paid.Coverage[cv.Code])
		}
		r.Coverages = append(r.Coverages, cr)
		cres[ci] = len(r.Coverages)
	}
	for i := range w {
		x, it, cv := &w[i], &in.Items[i], cov(i)
		ir := &r.Items[i]
		*ir = ItemResult{ID: it.ID, Kind: it.Kind, Coverage: it.Coverage, Claimed: it.Amount,
			Payable: x.amt, Held: x.held, Status: x.status, Reason: x.reason}
		if x.amt > 0 && !defenceOutside(it, cv) {
			ir.ErodesSublimit = x.amt
			if !cv.Outside {
				ir.ErodesAggregate = x.amt
			}
		}
		switch {
		case ir.Status != "":
		case x.held > 0:
			ir.Status = StatusHeld
		case x.amt == 0:
			ir.Status = StatusZero
		case x.amt == it.Amount:
			ir.Status = StatusPaid
		default:
			ir.Status = StatusPartial
		}
		r.Payable += ir.Payable
		r.Held += ir.Held
		cr := &r.Coverages[cres[p.ci[i]]-1]
		cr.Claimed += ir.Claimed
		cr.Payable += ir.Payable
		cr.Held += ir.Held
		cr.ErodesSublimit += ir.ErodesSublimit
		cr.ErodesAggregate += ir.ErodesAggregate
	}

	s := string(c.buf)
	for k, sp := range c.spans {
		r.Steps[k].MsgZH, r.Steps[k].MsgEN = s[sp.z:sp.e], s[sp.e:sp.end]
	}
	return r
}

// defenceOutside reports whether an item is defence costs paid outside the limits.
func defenceOutside(it *Item, cv *cover.Coverage) bool {
	return it.Kind == KindDefence && !cv.DefenceInside
}

// dayRange appends "a–b", or "a" when a = b.
func (c *calc) dayRange(a, b int) {
	c.num(a)
	if b > a {
		c.str("–")
		c.num(b)
	}
}

// surcharge appends the finding_surcharge step: deductible ded raised by bp to raised.
func (c *calc) surcharge(bp int, ded, raised int64) {
	z := c.mark()
	c.str("保险人已提示的风险隐患未整改并导致事故，每次事故免赔额增加 ")
	c.pct(bp)
	c.str("：")
	c.yuan(ded)
	c.str(" → ")
	c.yuan(raised)
	e := c.mark()
	c.str("An open finding the insurer had flagged caused the loss: the per-occurrence deductible rises by ")
	c.pct(bp)
	c.str(": ")
	c.yuan(ded)
	c.str(" → ")
	c.yuan(raised)
	c.claimStep(RuleFindingSurcharge, "", "", ded, raised, z, e)
}
