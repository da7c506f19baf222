// Package refdata holds static reference data used across Anbao:
// the jurisdictions of the cyber-insurance pilot (province-level units of
// GB/T 2260, the five separately-planned cities and the Xinjiang Production
// and Construction Corps) and the sections and divisions of the national
// industry classification GB/T 4754-2017.
//
// All data is compiled into the binary; the functions return copies, so
// callers may modify the results freely.
package refdata

import "strings"

// isEnglish reports whether lang selects English names: "en" or a tag
// starting with "en-" / "en_" (case-insensitive). Anything else selects Chinese.
func isEnglish(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}
