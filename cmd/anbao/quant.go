package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/quant/modelfile"
)

const quantUsage = `Usage: anbao quant run MODEL.yaml [flags]

Runs the Monte Carlo risk model in MODEL.yaml (format: docs/quant/model-format.md)
and prints the annualised loss expectancy, quantiles, VaR/TVaR and each
scenario's part. With --compare, runs MODEL.yaml (before) and AFTER.yaml on
the same seed and reports the reductions.

Flags may come before or after MODEL.yaml:
`

// quantFlags are the options of "anbao quant run".
type quantFlags struct {
	trials    int
	seed      uint64
	workers   int
	format    string
	lec       string
	compare   string
	levels    probList
	quantiles probList
	lecPoints int
}

func (q *quantFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&q.trials, "trials", quant.DefaultTrials, "number of simulated years")
	fs.Uint64Var(&q.seed, "seed", 1, "random seed: the same model, seed and trials give the same numbers")
	fs.IntVar(&q.workers, "workers", 0, "goroutines (0: one per CPU); never changes the numbers")
	fs.StringVar(&q.format, "format", "table", "output: table, json or csv")
	fs.StringVar(&q.lec, "lec", "", "write the loss exceedance curve to `FILE` as CSV (loss,probability)")
	fs.StringVar(&q.compare, "compare", "", "compare with the model in `AFTER.yaml` (a control, say), on common random numbers")
	fs.Var(&q.levels, "levels", "comma-separated VaR/TVaR levels (default 0.9,0.95,0.99,0.995)")
	fs.Var(&q.quantiles, "quantiles", "comma-separated quantiles (default 0.5,0.75,0.9,0.95,0.99,0.995,0.999)")
	fs.IntVar(&q.lecPoints, "lec-points", 40, "points of the loss exceedance curve")
}

func (q *quantFlags) check() error {
	switch {
	case q.trials < 1 || q.trials > quant.MaxTrials:
		return fmt.Errorf("--trials must lie between 1 and %d", quant.MaxTrials)
	case q.workers < 0:
		return errors.New("--workers must not be negative")
	case q.format != "table" && q.format != "json" && q.format != "csv":
		return fmt.Errorf("--format must be table, json or csv, not %q", q.format)
	case q.lecPoints < 1 || q.lecPoints > 1000:
		return errors.New("--lec-points must lie between 1 and 1000")
	}
	return nil
}

func (q *quantFlags) options() quant.Options {
	return quant.Options{Trials: q.trials, Seed: q.seed, Workers: q.workers,
		Levels: q.levels, Quantiles: q.quantiles, LECPoints: q.lecPoints}
}

// probList is a flag holding comma-separated probabilities in (0, 1).
type probList []float64

func (p *probList) String() string {
	s := make([]string, len(*p))
	for i, x := range *p {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

func (p *probList) Set(v string) error {
	var out []float64
	for _, f := range strings.Split(v, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(x > 0 && x < 1) {
			return fmt.Errorf("%q is not a probability strictly between 0 and 1", strings.TrimSpace(f))
		}
		out = append(out, x)
	}
	*p = out
	return nil
}

// cmdQuant runs "anbao quant run".
func cmdQuant(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprint(stderr, quantUsage)
		return &exitError{2, errors.New("usage: anbao quant run MODEL.yaml [flags]")}
	}
	fs := newFlagSet("quant run", stderr)
	var q quantFlags
	q.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, quantUsage)
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{2, err}
	}
	if len(files) != 1 {
		err = errors.New("give exactly one model file")
	} else {
		err = q.check()
	}
	if err != nil {
		fs.Usage()
		return &exitError{2, err}
	}

	before, err := loadModel(files[0], stderr)
	if err != nil {
		return err
	}
	var after *quant.Model
	if q.compare != "" {
		if after, err = loadModel(q.compare, stderr); err != nil {
			return err
		}
	}
	qr := quantRun{model: files[0], after: q.compare, opt: q.options()}
	start := time.Now()
	if after != nil {
		qr.cmp, err = quant.Compare(ctx, before, after, qr.opt)
	} else {
		qr.res, err = quant.Simulate(ctx, before, qr.opt)
	}
	qr.elapsed = time.Since(start)
	if err != nil {
		var ve quant.ValidationError
		if errors.As(err, &ve) { // the model passed Parse, so the options are at fault
			fs.Usage()
			return &exitError{2, err}
		}
		return err
	}
	if q.lec != "" {
		if err := writeLECFile(q.lec, &qr); err != nil {
			return err
		}
	}
	switch q.format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if qr.cmp != nil {
			return enc.Encode(qr.cmp)
		}
		return enc.Encode(qr.res)
	case "csv":
		w := csv.NewWriter(stdout)
		writeSummaryCSV(w, &qr)
		w.Flush()
		qr.printWarnings(stderr)
		return w.Error()
	}
	return writeReport(stdout, &qr)
}

// parseInterleaved parses flags that may stand before, between or after the
// positional arguments, which it returns. After "--" everything is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// loadModel reads and validates a model file, printing each problem with
// its file, line and column.
func loadModel(path string, stderr io.Writer) (*quant.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, modelfile.MaxSize+1))
	if err != nil {
		return nil, err
	}
	m, err := modelfile.Parse(data)
	var fe *modelfile.Error
	if errors.As(err, &fe) {
		for _, p := range fe.Problems {
			fmt.Fprintf(stderr, "%s: %s\n", path, p)
		}
		n := len(fe.Problems)
		return nil, fmt.Errorf("%s: %d %s in the model", path, n, plural(n, "problem", "problems"))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// quantRun is one "anbao quant run": a result, or a comparison.
type quantRun struct {
	model, after string
	opt          quant.Options
	res          *quant.Result
	cmp          *quant.Comparison
	elapsed      time.Duration
}

func (r *quantRun) printWarnings(w io.Writer) {
	for _, res := range r.results() {
		for _, wn := range res.Warnings {
			fmt.Fprintf(w, "warning: %s: %s\n", wn.Path, wn.Text)
		}
	}
}

func (r *quantRun) results() []*quant.Result {
	if r.cmp != nil {
		return []*quant.Result{r.cmp.Before, r.cmp.After}
	}
	return []*quant.Result{r.res}
}

// writeLECFile writes the loss exceedance curve as CSV: loss,probability, or
// with --compare model,loss,probability for both curves.
func writeLECFile(path string, r *quantRun) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if r.cmp == nil {
		w.Write([]string{"loss", "probability"})
	} else {
		w.Write([]string{"model", "loss", "probability"})
	}
	for i, res := range r.results() {
		for _, p := range lecAscending(res.LEC) {
			row := []string{fnum(p.Loss), fnum(p.Prob)}
			if r.cmp != nil {
				row = append([]string{[]string{"before", "after"}[i]}, row...)
			}
			w.Write(row)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// lecAscending returns the curve ordered by loss, as a plotting tool expects.
func lecAscending(lec []quant.LECPoint) []quant.LECPoint {
	out := slices.Clone(lec)
	slices.SortStableFunc(out, func(a, b quant.LECPoint) int { return cmp.Compare(a.Loss, b.Loss) })
	return out
}

// fnum is a number for CSV: exact, shortest.
func fnum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
