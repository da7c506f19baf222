package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Every key exists in every language with the same formatting verbs.
func TestCataloguesMatch(t *testing.T) {
	base := Catalog(Default)
	if len(base) < 50 {
		t.Fatalf("default catalogue has only %d keys", len(base))
	}
	for _, lang := range Languages {
		cat := Catalog(lang)
		for k, v := range base {
			other, ok := cat[k]
			if !ok {
				t.Errorf("%s: missing key %q", lang, k)
				continue
			}
			if other == "" {
				t.Errorf("%s: empty message for %q", lang, k)
			}
			a, b := verb.FindAllString(v, -1), verb.FindAllString(other, -1)
			sort.Strings(a)
			sort.Strings(b)
			if len(a) != len(b) {
				t.Errorf("%s: %q has verbs %v, %s has %v", lang, k, b, Default, a)
			}
		}
		for k := range cat {
			if _, ok := base[k]; !ok {
				t.Errorf("%s: key %q not in %s", lang, k, Default)
			}
		}
	}
}

func TestNegotiation(t *testing.T) {
	cases := map[string]string{"": "zh-CN", "en-US,en;q=0.9": "en", "zh-TW,en;q=0.5": "zh-CN", "fr, en;q=0.8": "en", "de": "zh-CN"}
	for h, want := range cases {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
	if T("en", "no.such.key") != "no.such.key" {
		t.Error("missing key should render as itself")
	}
	if got := T("en", "error.too_long", "name", 5); got != "name must be at most 5 characters" {
		t.Errorf("T with args = %q", got)
	}
}

type testLocalizer struct{ zh, en string }

func (l testLocalizer) Localize(lang string) string {
	if lang == "en" {
		return l.en
	}
	return l.zh
}

// A Localizer argument names itself in the reader's language.
func TestLocalizerArgument(t *testing.T) {
	c := testLocalizer{"保险方案设计", "Insurance design"}
	args := []any{c, 25}
	if got := T("zh-CN", "pilot.score_range", args...); !strings.Contains(got, "保险方案设计") || !strings.Contains(got, "25") {
		t.Errorf("zh: %q", got)
	}
	if got := T("en", "pilot.score_range", args...); !strings.Contains(got, "Insurance design") {
		t.Errorf("en: %q", got)
	}
	if _, ok := args[0].(testLocalizer); !ok {
		t.Error("T changed the caller's arguments")
	}
}
