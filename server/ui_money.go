package server

import (
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/ui"
)

// Money, labels and page sets shared by the underwriting pages.

// addPageSet adds pages that share a partials file and extra template
// functions, each parsed on a clone of the layout. A page's source is an
// embedded file ("templates/…") or, for a small page, inline template text.
func (u *uiRenderer) addPageSet(funcs template.FuncMap, parts string, pages map[string]string) error {
	base, ok := u.pages["error"]
	if !ok {
		return errors.New("ui: no base page to clone")
	}
	for name, src := range pages {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.Funcs(funcs).ParseFS(ui.Templates(), parts); err != nil {
			return fmt.Errorf("ui template %s: %w", name, err)
		}
		if strings.HasPrefix(src, "templates/") {
			t, err = t.ParseFS(ui.Templates(), src)
		} else {
			t, err = t.Parse(src)
		}
		if err != nil {
			return fmt.Errorf("ui template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	return nil
}

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
