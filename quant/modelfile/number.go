package modelfile

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// suffixes scale a number by a power of ten. The scale is applied to the
// decimal exponent before conversion, so "2.5M" is exactly 2500000 and
// "0.1k" exactly 100, with no rounding from a multiplication.
var suffixes = []struct {
	text string
	exp  int
}{
	{"k", 3}, {"K", 3}, {"M", 6}, {"B", 9}, {"万", 4}, {"亿", 8},
}

// decimalRE is a decimal number with optional underscores between digits
// and an optional exponent; the suffix has been removed already.
var decimalRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)(?:[eE]([+-]?[0-9]+))?$`)

// errNonFinite and friends let the caller pick the message.
var (
	errNonFinite  = errors.New("NaN and infinities are not allowed")
	errOutOfRange = errors.New("out of range")
	errSyntax     = errors.New("not a number")
)

// parseNumber reads a number as a model file writes it: 2500000, 2.5e6,
// 2_500_000, 250k, 2.5M, 1.2B, 25万, 1.5亿.
func parseNumber(s string) (float64, error) {
	text := strings.TrimSpace(s)
	exp := 0
	for _, suf := range suffixes {
		if rest, ok := strings.CutSuffix(text, suf.text); ok {
			text, exp = rest, suf.exp
			break
		}
	}
	m := decimalRE.FindStringSubmatchIndex(text)
	if m == nil {
		switch strings.ToLower(strings.TrimLeft(text, "+-.")) {
		case "nan", "inf", "infinity":
			return 0, errNonFinite
		}
		return 0, errSyntax
	}
	mantissa := text
	if m[2] >= 0 { // an exponent was written: fold it into exp
		e, err := strconv.Atoi(text[m[2]:m[3]])
		if err != nil || e > 1_000_000 || e < -1_000_000 {
			return 0, errOutOfRange
		}
		exp += e
		mantissa = text[:m[2]-1]
	}
	mantissa = strings.ReplaceAll(mantissa, "_", "")
	if exp != 0 {
		mantissa += "e" + strconv.Itoa(exp)
	}
	x, err := strconv.ParseFloat(mantissa, 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, errOutOfRange
	}
	return x, nil
}

// formatNumber writes x so that parseNumber reads back exactly x: plain
// digits for whole numbers of ordinary size, the shortest exact form
// otherwise.
func formatNumber(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
