package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/anbao/anbao/quant"
)

// writeReport prints a run as a readable text report.
func writeReport(w io.Writer, r *quantRun) error {
	var b strings.Builder
	first := r.results()[0]
	workers := r.opt.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	head := [][]string{}
	if r.cmp != nil {
		head = append(head, []string{"Before", modelLabel(r.cmp.Before.Model, r.model)},
			[]string{"After", modelLabel(r.cmp.After.Model, r.after)})
	} else {
		head = append(head, []string{"Model", modelLabel(first.Model, r.model)})
	}
	head = append(head,
		[]string{"Engine", first.Engine},
		[]string{"Run", fmt.Sprintf("%s trials, seed %d, %d %s, %s", money(float64(first.Trials)), first.Seed,
			workers, plural(workers, "worker", "workers"), fmtElapsed(r.elapsed.Seconds()))},
		[]string{"Currency", first.Currency + ", per year"})
	b.WriteString(pairs(head, ""))
	if r.cmp != nil {
		writeComparison(&b, r.cmp)
	} else {
		writeResult(&b, r.res)
	}
	var warn [][]string
	for i, res := range r.results() {
		for _, wn := range res.Warnings {
			where := wn.Path
			if r.cmp != nil {
				where = []string{"before ", "after "}[i] + where
			}
			warn = append(warn, []string{where, wn.Text})
		}
	}
	if len(warn) > 0 {
		b.WriteString("\nWarnings\n")
		b.WriteString(pairs(warn, "  "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func modelLabel(name, file string) string {
	if name == "" {
		return file
	}
	return name + " (" + file + ")"
}

func writeResult(b *strings.Builder, res *quant.Result) {
	b.WriteString("\nAnnual loss\n")
	b.WriteString(pairs([][]string{
		{"ALE (mean)", money(res.Mean) + " ± " + money(res.MeanSE) + " (standard error)"},
		{"Standard deviation", money(res.SD)},
		{"P(loss > 0)", pct(res.PLoss)},
		{"Minimum – maximum", money(res.Min) + " – " + money(res.Max)},
	}, "  "))

	rows := [][]string{{"Quantile", "Value", "95% CI"}}
	for _, q := range res.Quantiles {
		rows = append(rows, []string{levelLabel(q.P), money(q.Value), money(q.Low) + " – " + money(q.High)})
	}
	b.WriteString("\n")
	b.WriteString(table(rows, "", true))

	rows = [][]string{{"Level", "VaR", "TVaR"}}
	for _, lv := range res.Risk {
		rows = append(rows, []string{levelLabel(lv.Level), money(lv.VaR), money(lv.TVaR)})
	}
	b.WriteString("\n")
	b.WriteString(table(rows, "", true))

	hdr := []string{"Scenario", "Mean", "± SE", "Share"}
	for _, lv := range res.Risk {
		hdr = append(hdr, "TVaR "+levelLabel(lv.Level))
	}
	rows = [][]string{hdr}
	for _, s := range res.Scenarios {
		row := []string{s.ID, money(s.Mean), money(s.MeanSE), pct(s.MeanShare)}
		for _, lv := range res.Risk {
			cell := "—" // not computed: the tail at this level is too large to keep per scenario
			for _, c := range s.TVaR {
				if c.Level == lv.Level {
					cell = pct(c.Share)
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	b.WriteString("\n")
	b.WriteString(table(rows, "", true))
	b.WriteString("  Share: of the ALE; TVaR: share of the portfolio's TVaR at that level.\n")
}

func writeComparison(b *strings.Builder, c *quant.Comparison) {
	bf, af := c.Before, c.After
	rows := [][]string{
		{"", "Before", "After", "Reduction", ""},
		{"ALE (mean)", money(bf.Mean), money(af.Mean), money(c.ALEReduction) + " ± " + money(c.ALEReductionSE), signedPct(c.ALEReductionPc)},
		{"Standard deviation", money(bf.SD), money(af.SD), money(bf.SD - af.SD), ""},
		{"P(loss > 0)", pct(bf.PLoss), pct(af.PLoss), pct(bf.PLoss - af.PLoss), ""},
	}
	for _, d := range c.VaRReduction {
		rows = append(rows, []string{"VaR " + levelLabel(d.Level), money(d.Before), money(d.After), money(d.Delta), signedPct(d.Pc)})
	}
	for i, lv := range bf.Risk {
		if i < len(af.Risk) {
			a := af.Risk[i].TVaR
			rows = append(rows, []string{"TVaR " + levelLabel(lv.Level), money(lv.TVaR), money(a), money(lv.TVaR - a), relPct(lv.TVaR, a)})
		}
	}
	b.WriteString("\n")
	b.WriteString(table(rows, "", true))
	b.WriteString("  Reduction: before − after on the same simulated years; ± is the standard error of the paired difference.\n")

	after := map[string]quant.ScenarioResult{}
	for _, s := range af.Scenarios {
		after[s.ID] = s
	}
	rows = [][]string{{"Scenario mean", "Before", "After", "Reduction", ""}}
	seen := map[string]bool{}
	for _, s := range bf.Scenarios {
		seen[s.ID] = true
		a, ok := after[s.ID]
		if !ok {
			rows = append(rows, []string{s.ID, money(s.Mean), "–", "", ""})
			continue
		}
		rows = append(rows, []string{s.ID, money(s.Mean), money(a.Mean), money(s.Mean - a.Mean), relPct(s.Mean, a.Mean)})
	}
	for _, s := range af.Scenarios {
		if !seen[s.ID] {
			rows = append(rows, []string{s.ID, "–", money(s.Mean), "", ""})
		}
	}
	b.WriteString("\n")
	b.WriteString(table(rows, "", true))
}

// table aligns rows in columns, the first left and the others right. With
// header, the first row is a header and the first cell of the others is
// indented under it.
func table(rows [][]string, indent string, header bool) string {
	var width []int
	cells := make([][]string, len(rows))
	for ri, r := range rows {
		cells[ri] = append([]string(nil), r...)
		if header && ri > 0 && len(r) > 0 {
			cells[ri][0] = "  " + r[0]
		}
		for i, c := range cells[ri] {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range cells {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i == 0 {
				line.WriteString(c + pad)
			} else {
				line.WriteString("   " + pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
	return b.String()
}

// pairs aligns label–value rows, both to the left.
func pairs(rows [][]string, indent string) string {
	w := 0
	for _, r := range rows {
		w = max(w, utf8.RuneCountInString(r[0]))
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(indent + r[0] + strings.Repeat(" ", w-utf8.RuneCountInString(r[0])) + "   " + r[1] + "\n")
	}
	return b.String()
}

// money formats an amount with thousands separators, rounded to a whole
// unit (two decimals below 10).
func money(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	if a := math.Abs(x); a < 10 && a != math.Trunc(a) {
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	s := strconv.FormatFloat(math.Abs(math.Round(x)), 'f', 0, 64)
	var b strings.Builder
	if math.Round(x) < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// pct formats a probability or share as a percentage.
func pct(p float64) string {
	if a := math.Abs(p); a > 0 && a < 1e-4 {
		return strconv.FormatFloat(100*p, 'g', 2, 64) + "%"
	}
	return strconv.FormatFloat(100*p, 'f', 2, 64) + "%"
}

// signedPct formats a percentage already multiplied by 100, if any.
func signedPct(pc float64) string {
	if pc == 0 {
		return ""
	}
	return "(" + strconv.FormatFloat(pc, 'f', 1, 64) + "%)"
}

func relPct(before, after float64) string {
	if before == 0 {
		return ""
	}
	return signedPct(100 * (before - after) / before)
}

// levelLabel writes 0.995 as 99.5%.
func levelLabel(p float64) string {
	return strconv.FormatFloat(math.Round(p*1e8)/1e6, 'f', -1, 64) + "%"
}

func fmtElapsed(s float64) string {
	switch {
	case s < 0.01:
		return strconv.FormatFloat(s*1000, 'f', 1, 64) + " ms"
	case s < 1:
		return strconv.FormatFloat(s*1000, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(s, 'f', 2, 64) + " s"
}

// summaryRow is one line of the CSV summary: a number, or text.
type summaryRow struct {
	metric string
	text   string
	num    float64
	isText bool
}

func summary(res *quant.Result) []summaryRow {
	t := func(m, s string) summaryRow { return summaryRow{metric: m, text: s, isText: true} }
	n := func(m string, x float64) summaryRow { return summaryRow{metric: m, num: x} }
	rows := []summaryRow{t("engine", res.Engine), t("model", res.Model), t("currency", res.Currency),
		t("seed", strconv.FormatUint(res.Seed, 10)), n("trials", float64(res.Trials)),
		n("mean", res.Mean), n("mean_se", res.MeanSE), n("sd", res.SD), n("min", res.Min), n("max", res.Max), n("p_loss", res.PLoss)}
	for _, q := range res.Quantiles {
		p := fnum(q.P)
		rows = append(rows, n("quantile_"+p, q.Value), n("quantile_"+p+"_ci_low", q.Low), n("quantile_"+p+"_ci_high", q.High))
	}
	for _, lv := range res.Risk {
		rows = append(rows, n("var_"+fnum(lv.Level), lv.VaR), n("tvar_"+fnum(lv.Level), lv.TVaR))
	}
	for _, s := range res.Scenarios {
		p := "scenario." + s.ID + "."
		rows = append(rows, n(p+"mean", s.Mean), n(p+"mean_se", s.MeanSE), n(p+"sd", s.SD), n(p+"p_loss", s.PLoss), n(p+"mean_share", s.MeanShare))
		for _, c := range s.TVaR {
			rows = append(rows, n(p+"tvar_"+fnum(c.Level), c.Value), n(p+"tvar_share_"+fnum(c.Level), c.Share))
		}
	}
	return rows
}

func (s summaryRow) String() string {
	if s.isText {
		return s.text
	}
	return fnum(s.num)
}

// writeSummaryCSV writes metric,value rows, or for a comparison
// metric,before,after,reduction (reduction = before − after).
func writeSummaryCSV(w *csv.Writer, r *quantRun) {
	if r.cmp == nil {
		w.Write([]string{"metric", "value"})
		for _, row := range summary(r.res) {
			w.Write([]string{row.metric, row.String()})
		}
		return
	}
	w.Write([]string{"metric", "before", "after", "reduction"})
	before, after := summary(r.cmp.Before), summary(r.cmp.After)
	byName := map[string]summaryRow{}
	for _, row := range after {
		byName[row.metric] = row
	}
	seen := map[string]bool{}
	for _, row := range before {
		seen[row.metric] = true
		a, ok := byName[row.metric]
		switch {
		case !ok:
			w.Write([]string{row.metric, row.String(), "", ""})
		case row.metric == "mean":
			w.Write([]string{row.metric, row.String(), a.String(), fnum(r.cmp.ALEReduction)})
		case row.isText || row.metric == "trials":
			w.Write([]string{row.metric, row.String(), a.String(), ""})
		default:
			w.Write([]string{row.metric, row.String(), a.String(), fnum(row.num - a.num)})
		}
	}
	for _, row := range after {
		if !seen[row.metric] {
			w.Write([]string{row.metric, "", row.String(), ""})
		}
	}
	w.Write([]string{"mean_reduction_se", "", "", fnum(r.cmp.ALEReductionSE)})
	w.Write([]string{"mean_reduction_pct", "", "", fnum(r.cmp.ALEReductionPc)})
}
