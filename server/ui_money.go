package server

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/anbao/anbao/cover"
)

// Money and labels shared by the underwriting pages.

// yuanRE is what a money field accepts: whole yuan, optionally grouped by
// commas, with at most two decimals. No signs, no exponents, no spaces inside.
var yuanRE = regexp.MustCompile(`^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$`)

// parseYuan reads an amount typed in 元 as 分, strictly, after an optional
// ¥: nothing negative, no exponent, nothing above cover.MaxAmount.
func parseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥"))
	if !yuanRE.MatchString(s) {
		return 0, false
	}
	fen, ok := parseAmount(s, "yuan")
	if !ok || fen > cover.MaxAmount {
		return 0, false
	}
	return fen, true
}

// covName names a coverage of the pilot taxonomy in lang.
func covName(lang, code string) string {
	if k, ok := cover.Kind(code); ok {
		if lang == "en" {
			return k.NameEN
		}
		return k.NameZH
	}
	return code
}

// pctBP writes basis points as a percentage: 2500 → "25.00%".
func pctBP(bp int) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) }
