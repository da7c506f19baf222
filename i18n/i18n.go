// Package i18n holds Anbao's message catalogues: Simplified Chinese (the
// default) and English. Messages are fmt templates; both languages of a key
// take the same arguments, which a test checks.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Languages Anbao speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

// Default is the language used when nothing else is known.
const Default = "zh-CN"

//go:embed locales/*.json
var files embed.FS

var catalogs = map[string]map[string]string{}

func init() {
	// Each area keeps its own file per language: locales/<area>.<lang>.json.
	for _, lang := range Languages {
		names, err := fs.Glob(files, "locales/*."+lang+".json")
		if err != nil || len(names) == 0 {
			panic("no catalogue for " + lang)
		}
		m := map[string]string{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("%s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("%s: key %q defined twice", name, k))
				}
				m[k] = v
			}
		}
		catalogs[lang] = m
	}
}

// Catalog returns the messages of one language (for tests and tools).
func Catalog(lang string) map[string]string { return catalogs[lang] }

// Normalize maps any language tag to one Anbao speaks.
func Normalize(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if strings.HasPrefix(l, "en") {
		return "en"
	}
	return Default
}

// FromAcceptLanguage picks the preferred supported language of an Accept-Language header.
func FromAcceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh-CN"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return Default
}

// T translates key into lang with args. A missing key renders as the key
// itself, so it shows up in review; the locale test keeps that from shipping.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[Normalize(lang)][key]
	if !ok {
		msg, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	copied := false
	for i, a := range args {
		if l, ok := a.(Localizer); ok {
			if !copied { // the caller's slice stays as it was
				args, copied = slices.Clone(args), true
			}
			args[i] = l.Localize(lang)
		}
	}
	return fmt.Sprintf(msg, args...)
}

// Localizer is a message argument that names itself in the reader's
// language (a rubric criterion, say), rather than by its code.
type Localizer interface {
	Localize(lang string) string
}

// Has reports whether key exists in lang.
func Has(lang, key string) bool {
	_, ok := catalogs[Normalize(lang)][key]
	return ok
}
